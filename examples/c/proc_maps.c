/* proc_maps.c - the seed's second program: prints its own /proc/self/maps.
 * With --names it prints only each line's permissions and name, which do
 * not depend on where things were placed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int names = argc > 1 && !strcmp(argv[1], "--names");
	char line[512];
	FILE *fp = fopen("/proc/self/maps", "r");
	if (!fp) {
		perror("fopen /proc/self/maps");
		exit(EXIT_FAILURE);
	}
	if (!names)
		printf("%-40s %-6s %-8s %s\n", "Address Range", "Perms", "Offset", "Pathname");
	while (fgets(line, sizeof(line), fp)) {
		if (!names) {
			printf("%s", line);
			continue;
		}
		char range[64], perms[8], off[16], dev[16], path[256] = "";
		unsigned long ino;
		sscanf(line, "%63s %7s %15s %15s %lu %255s", range, perms, off, dev, &ino, path);
		printf("%s %s\n", perms, path);
	}
	fclose(fp);
	return 0;
}
