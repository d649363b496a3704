/* status_view.c - /proc/self/status has the memory fields, and VmRSS grows
 * when 4 MiB of anonymous memory is touched. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
static long field(const char *name)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, strlen(name)))
			sscanf(line + strlen(name), ":%ld", &v);
	fclose(f);
	return v;
}
int main(void)
{
	long before = field("VmRSS");
	char *m = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(m, 1, 4 << 20);
	long after = field("VmRSS");
	printf("VmRSS present %d, grew by at least 4 MiB %d\n", before > 0, after - before >= 4096);
	printf("VmSize present %d\n", field("VmSize") > 0);
	return 0;
}
