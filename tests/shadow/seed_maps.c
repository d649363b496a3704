/* Read and print your own process's memory map */
/* The seed program (/work/shared/seeds, "mmap Overview"), verbatim: the
 * shadow corpus runs it compiled for x86-64, dynamic and static. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(void)
{
	char path[64];
	char line[256];
	FILE *fp;
	/* /proc/self/maps is shorthand for /proc/<our-PID>/maps */
	snprintf(path, sizeof(path), "/proc/self/maps");
	fp = fopen(path, "r");
	if (fp == NULL) {
		perror("fopen /proc/self/maps");
		exit(EXIT_FAILURE);
	}
	printf("%-40s %-6s %-8s %s\n", "Address Range", "Perms", "Offset", "Pathname");
	printf("%s\n", "-----------------------------------------------------------");
	while (fgets(line, sizeof(line), fp) != NULL) {
		printf("%s", line);
	}
	fclose(fp);
	return 0;
}
