/* maps_check.c - reads /proc/self/maps after each step and checks what the
 * kernel must show: a new mapping with its bounds and permissions, the
 * split made by mprotect of its middle, its removal by munmap, the heap
 * around a brk pointer, the stack around a local, the program's text
 * around main.  Prints one address-independent line per check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct line {
	unsigned long lo, hi;
	char perms[8], name[256];
};

static int read_maps(struct line *v, int max)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char buf[512];
	int n = 0;
	while (n < max && fgets(buf, sizeof(buf), f)) {
		v[n].name[0] = 0;
		sscanf(buf, "%lx-%lx %7s %*s %*s %*s %255s", &v[n].lo, &v[n].hi, v[n].perms,
		       v[n].name);
		n++;
	}
	fclose(f);
	return n;
}

static struct line *find(struct line *v, int n, unsigned long a)
{
	for (int i = 0; i < n; i++)
		if (v[i].lo <= a && a < v[i].hi)
			return &v[i];
	return NULL;
}

int main(void)
{
	static struct line v[256];
	char *m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int n = read_maps(v, 256);
	struct line *l = find(v, n, (unsigned long)m);
	printf("new mapping found: %d, rw-p: %d\n",
	       l && l->lo <= (unsigned long)m && l->hi >= (unsigned long)m + 4 * 4096,
	       l && !strcmp(l->perms, "rw-p"));
	mprotect(m + 4096, 4096, PROT_READ);
	n = read_maps(v, 256);
	l = find(v, n, (unsigned long)m + 4096);
	printf("after mprotect: middle page alone %d, r--p %d\n",
	       l && l->lo == (unsigned long)m + 4096 && l->hi == (unsigned long)m + 8192,
	       l && !strcmp(l->perms, "r--p"));
	munmap(m + 4096, 4096);
	n = read_maps(v, 256);
	printf("after munmap: hole %d\n", find(v, n, (unsigned long)m + 4096) == NULL);
	char *h = malloc(100);
	n = read_maps(v, 256);
	l = find(v, n, (unsigned long)h);
	printf("malloc'd block in [heap]: %d\n", l && !strcmp(l->name, "[heap]"));
	int local;
	l = find(v, n, (unsigned long)&local);
	printf("local in [stack]: %d\n", l && !strcmp(l->name, "[stack]"));
	l = find(v, n, (unsigned long)&main);
	printf("main in r-xp text of the program: %d\n",
	       l && !strcmp(l->perms, "r-xp") && strstr(l->name, "maps_check") != NULL);
	return 0;
}
