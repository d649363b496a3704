/* map_file.c - the seed's first program: maps a file and prints it byte by
 * byte through the mapping (usage: map_file FILE). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	if (argc < 2)
		return 1;
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror("open");
		return 1;
	}
	struct stat sb;
	fstat(fd, &sb);
	char *p = mmap(0, sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	close(fd);
	for (off_t i = 0; i < sb.st_size; i++)
		putchar(p[i]);
	munmap(p, sb.st_size);
	return 0;
}
