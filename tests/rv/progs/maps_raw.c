/* maps_raw.c - prints /proc/self/maps read with raw open/read/write (no
 * stdio, no malloc: nothing maps or unmaps between the read and the exit),
 * so tests/rv/run.sh can compare it byte for byte with mmkit's own view of
 * the process at exit (mmkit exec --maps).  Maps a file and anonymous
 * memory first, so there is more than the program's own layout. */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

static char buf[65536];

int main(int argc, char **argv)
{
	int fd = open(argv[0], O_RDONLY);
	void *f = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
	char *a = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	mprotect(a + 4096, 4096, PROT_NONE);
	(void)f;
	int m = open("/proc/self/maps", O_RDONLY);
	ssize_t n, len = 0;
	while ((n = read(m, buf + len, sizeof(buf) - len)) > 0)
		len += n;
	write(1, buf, len);
	_exit(0);
}
