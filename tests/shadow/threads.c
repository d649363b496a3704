/*
 * threads.c - a multi-threaded program for the shadow corpus: four threads
 * allocate (glibc gives each its own arena: 64 MiB reservations trimmed
 * with munmap and mprotect), map and unmap files and anonymous memory, and
 * name memory, while the main thread forks a child that maps too.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PR_SET_VMA
#define PR_SET_VMA	     0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

static const char *file;

static void *worker(void *arg)
{
	long id = (long)arg;
	for (int i = 0; i < 50; i++) {
		size_t n = (size_t)(i % 7 + 1) * 40000;
		char *p = malloc(n);
		memset(p, (int)id, n);
		char *q = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		mprotect(q + 4096, 4096, PROT_READ);
		prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)q, 4096,
		      (unsigned long)(id & 1 ? "worker-odd" : "worker-even"));
		int fd = open(file, O_RDONLY);
		char *f = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (f != MAP_FAILED)
			munmap(f, 8192);
		munmap(q, 3 * 4096);
		free(p);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[4];
	file = argc > 1 ? argv[1] : "/etc/passwd";
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	pid_t pid = fork();
	if (pid == 0) {
		char *p =
		    mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		p = mremap(p, 1 << 20, 2 << 20, MREMAP_MAYMOVE);
		_exit(p == MAP_FAILED);
	}
	waitpid(pid, NULL, 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	puts("threads: done");
	return 0;
}
