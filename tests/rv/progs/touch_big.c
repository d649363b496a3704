/* touch_big.c - writes a distinct word into every page of 256 MiB of
 * anonymous memory (MAP_NORESERVE: no overcommit refusal, so a machine
 * without the memory OOM-kills instead), then reads every page back
 * (usage: touch_big [MiB]).
 * With less RAM than that, the pages must come back from swap. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;
	size_t len = mib << 20;
	unsigned long *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	size_t words = 4096 / sizeof(*m);
	for (size_t i = 0; i < len / 4096; i++)
		m[i * words + i % words] = i * 2654435761u + 1;
	for (size_t i = 0; i < len / 4096; i++)
		if (m[i * words + i % words] != i * 2654435761u + 1) {
			printf("page %zu lost\n", i);
			return 1;
		}
	printf("%zu MiB touched and read back\n", mib);
	return 0;
}
