/*
 * fds.c - open file descriptions and VMA merging, for the shadow corpus.
 * Linux merges adjacent file mappings only when they hold the same struct
 * file: mappings through one fd or its dups merge, two opens of one file
 * do not, nor does a new open that got a closed fd's number.  Then the
 * program executes itself: an fd without close-on-exec is still the same
 * description in the new image, the close-on-exec one is gone.
 *
 *   fds FILE          the parent
 *   fds FILE FD       the exec'd image, mapping the inherited FD twice
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096L

/* Maps page `page` of fd at slot `slot` of the reservation r. */
static void map_at(char *r, int slot, int fd, int page)
{
	mmap(r + slot * PG, PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, page * PG);
}

int main(int argc, char **argv)
{
	char *r = mmap(NULL, 8 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (argc > 2) {
		int fd = atoi(argv[2]);
		map_at(r, 0, fd, 0);
		map_at(r, 1, fd, 1); /* merges: the same description as before exec */
		printf("fds: child %d\n", fcntl(fd, F_GETFD));
		return 0;
	}
	int a = open(argv[1], O_RDONLY);
	map_at(r, 0, a, 0);
	map_at(r, 1, a, 1); /* merges */
	int c = dup(a);
	map_at(r, 2, c, 2); /* merges: a dup is the same description */
	int b = open(argv[1], O_RDONLY);
	map_at(r, 3, b, 3); /* another description: no merge */
	close(b);
	int b2 = open(argv[1], O_RDONLY); /* b's number again, a new description */
	map_at(r, 4, b2, 4);		  /* no merge with slot 3 */
	int d = fcntl(a, F_DUPFD_CLOEXEC, 100);
	map_at(r, 5, d, 5); /* no merge with slot 4 (b2), a's description */
	dup2(b2, c);	    /* c now is b2's description */
	map_at(r, 6, c, 6); /* no merge with slot 5 */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char fdarg[16];
		snprintf(fdarg, sizeof(fdarg), "%d", a);
		char *args[] = {argv[0], argv[1], fdarg, NULL};
		execv(argv[0], args);
		_exit(1);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("fds: %d %d %d %d %d\n", a, b, b2, c, d);
	return WEXITSTATUS(st);
}
