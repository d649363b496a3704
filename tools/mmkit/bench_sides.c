/*
 * bench_sides.c - the two sides of `mmkit bench` (struct side_ops): the
 * Linux side does each operation with system calls and plain loads and
 * stores in its own child process, the mmkit side with the library through
 * include/mmkit.h only.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* -- Linux: system calls in this (child) process -- */

static int64_t lx_mmap(struct side *s, uint64_t addr, uint64_t len, int prot, int flags, int fd)
{
	void *r = mmap((void *)(uintptr_t)addr, len, prot, flags, fd, 0);
	return r == MAP_FAILED ? -errno : (int64_t)(uintptr_t)r;
}

static int lx_munmap(struct side *s, uint64_t addr, uint64_t len)
{
	return munmap((void *)(uintptr_t)addr, len) ? -errno : 0;
}

static int lx_mprotect(struct side *s, uint64_t addr, uint64_t len, int prot)
{
	return mprotect((void *)(uintptr_t)addr, len, prot) ? -errno : 0;
}

static uint64_t lx_brk(struct side *s, uint64_t brk)
{
	return (uint64_t)syscall(SYS_brk, brk);
}

static int lx_open(struct side *s, bool small_folios)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/%s", s->b->dir, small_folios ? LINUX_4K_FILE : LINUX_FILE);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int lx_close(struct side *s, int fd)
{
	return close(fd) ? -errno : 0;
}

static int lx_write_pages(struct side *s, uint64_t addr, uint64_t len)
{
	for (uint64_t a = addr; a < addr + len; a += PAGE)
		*(volatile uint8_t *)(uintptr_t)a = 0;
	return 0;
}

static int lx_read_pages(struct side *s, uint64_t addr, uint64_t len)
{
	uint64_t sum = 0;
	for (uint64_t a = addr; a < addr + len; a += PAGE)
		sum += *(volatile const uint8_t *)(uintptr_t)a;
	s->sink += sum;
	return 0;
}

static int lx_fill(struct side *s, uint64_t addr, int c, uint64_t len)
{
	memset((void *)(uintptr_t)addr, c, len);
	clobber((void *)(uintptr_t)addr);
	return 0;
}

static int lx_fork_exit(struct side *s)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(0);
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
}

static int lx_loads(struct side *s, uint64_t base, const uint64_t *offs, size_t n)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += *(volatile const uint64_t *)(uintptr_t)(base + offs[i]);
	s->sink += sum;
	return 0;
}

static int lx_copy_out(struct side *s, uint64_t addr, void *buf, uint64_t len)
{
	memcpy(buf, (const void *)(uintptr_t)addr, len);
	clobber(buf);
	return 0;
}

static uint64_t lx_faults(struct side *s)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)ru.ru_minflt + (uint64_t)ru.ru_majflt;
}

const struct side_ops linux_ops = {
    "Linux",	    lx_mmap,	   lx_munmap, lx_mprotect,  lx_brk,   lx_open,	   lx_close,
    lx_write_pages, lx_read_pages, lx_fill,   lx_fork_exit, lx_loads, lx_copy_out, lx_faults,
};

/* -- mmkit: the library, on the process s->p -- */

static int64_t mk_mmap(struct side *s, uint64_t addr, uint64_t len, int prot, int flags, int fd)
{
	return mmk_mmap(s->p, addr, len, prot, flags, fd, 0);
}

static int mk_munmap(struct side *s, uint64_t addr, uint64_t len)
{
	return mmk_munmap(s->p, addr, len);
}

static int mk_mprotect(struct side *s, uint64_t addr, uint64_t len, int prot)
{
	return mmk_mprotect(s->p, addr, len, prot);
}

static uint64_t mk_brk(struct side *s, uint64_t brk)
{
	return mmk_brk(s->p, brk);
}

/* Opens MMKIT_FILE and builds its page cache as bench_file() built the
 * Linux file's: writes of 1 MiB (mmkit caches them in large folios, as
 * ext4 does) or of 4 KiB (order-0 folios), then fsync, so the cache is
 * whole and clean. */
static int mk_open(struct side *s, bool small_folios)
{
	static uint8_t chunk[MIB];
	const uint64_t piece = small_folios ? PAGE : MIB;
	int fd = mmk_open(s->p, MMKIT_FILE, MMK_O_RDWR, 0);
	if (fd < 0)
		return fd;
	memset(chunk, FILL_BYTE, sizeof(chunk));
	int64_t err = 0;
	for (uint64_t off = 0; off < s->b->region && err >= 0; off += piece)
		err = mmk_pwrite(s->p, fd, chunk, piece, (int64_t)off);
	if (err >= 0)
		err = mmk_fsync(s->p, fd);
	if (err < 0) {
		mmk_close(s->p, fd);
		return (int)err;
	}
	return fd;
}

static int mk_close(struct side *s, int fd)
{
	return mmk_close(s->p, fd);
}

static int mk_write_pages(struct side *s, uint64_t addr, uint64_t len)
{
	const uint8_t zero = 0;
	for (uint64_t a = addr; a < addr + len; a += PAGE) {
		int err = mmk_store(s->p, a, &zero, 1, NULL);
		if (err)
			return err;
	}
	return 0;
}

static int mk_read_pages(struct side *s, uint64_t addr, uint64_t len)
{
	uint64_t sum = 0;
	for (uint64_t a = addr; a < addr + len; a += PAGE) {
		uint8_t v;
		int err = mmk_load(s->p, a, &v, 1, NULL);
		if (err)
			return err;
		sum += v;
	}
	s->sink += sum;
	return 0;
}

static int mk_fill(struct side *s, uint64_t addr, int c, uint64_t len)
{
	return mmk_fill(s->p, addr, c, len, NULL);
}

static int mk_fork_exit(struct side *s)
{
	mmk_proc *child;
	int pid = mmk_fork(s->p, &child);
	if (pid < 0)
		return pid;
	return mmk_exit(child);
}

static int mk_loads(struct side *s, uint64_t base, const uint64_t *offs, size_t n)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		int err = mmk_load(s->p, base + offs[i], &v, sizeof(v), NULL);
		if (err)
			return err;
		sum += v;
	}
	s->sink += sum;
	return 0;
}

static int mk_copy_out(struct side *s, uint64_t addr, void *buf, uint64_t len)
{
	int err = mmk_load(s->p, addr, buf, len, NULL);
	clobber(buf);
	return err;
}

static uint64_t mk_faults(struct side *s)
{
	struct mmk_fault_counts fc = {0, 0};
	mmk_proc_faults(s->p, &fc);
	return fc.minor + fc.major;
}

const struct side_ops mmkit_ops = {
    "mmkit",	    mk_mmap,	   mk_munmap, mk_mprotect,  mk_brk,   mk_open,	   mk_close,
    mk_write_pages, mk_read_pages, mk_fill,   mk_fork_exit, mk_loads, mk_copy_out, mk_faults,
};
