/*
 * shadow_faults.c - what the program does to its address space without a
 * system call: page faults.  ptrace reports none, yet two of their effects
 * shape the VMAs:
 *
 *   - the main stack grows when the program touches the page below it
 *     (expand_stack); the host's [stack] line says how far it went;
 *   - a write fault on private memory gives its VMA an anon_vma
 *     (anon_vma_prepare), and Linux merges two VMAs only when their
 *     anon_vmas are compatible (is_mergeable_anon_vma()); mremap, fork and
 *     later merges depend on them too.
 *
 * A third effect comes from anywhere on the host: a mapped file loses its
 * last name (the program, or any process, unlinked or renamed over it),
 * and maps says "PATH (deleted)".  mmkit learns that a host file's name is
 * gone when the file is given to it again: where the host's line says
 * " (deleted)" and mmkit's does not, shadow gives mmkit the mapped file
 * itself (/proc/TID/map_files/START-END) with mmk_fd_install_host and
 * closes the fd again.
 *
 * So before each mirrored call (and before each comparison) shadow makes
 * the same accesses in mmkit, through its simulated MMU, so that mmkit's
 * own fault handler decides what they do: a write at the host's stack top
 * when the host's stack reaches below mmkit's, and in each writable private
 * VMA that holds an anonymous page on the host (/proc/TID/pagemap: present
 * or swapped, not a file or shared page, not the zero page) a write to the
 * first such page if mmkit's is not anonymous yet.  One anonymous page per
 * VMA is what the merge rules see; the count of pages is not compared.
 * The accesses happen at the next call, not at the instant of the fault;
 * between two calls nothing else changes the VMAs, so the order that
 * matters -- faults before the call that follows them -- is kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shadow.h"

#define PM_PRESENT	  (1ULL << 63)
#define PM_SWAP		  (1ULL << 62)
#define PM_FILE		  (1ULL << 61)
#define PM_MMAP_EXCLUSIVE (1ULL << 56)
#define PM_PFN_MASK	  ((1ULL << 55) - 1)

static uint64_t zero_pfn = UINT64_MAX; /* the host's shared zero page */

/* Reads pagemap entries for [addr, addr + n pages) of task tid. */
static int host_pagemap(int fd, uint64_t addr, uint64_t *out, size_t n)
{
	ssize_t r = pread(fd, out, n * 8, (off_t)(addr / 4096 * 8));
	return r == (ssize_t)(n * 8) ? 0 : -EIO;
}

void sh_faults_init(void)
{
	char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	volatile char c = p[0]; /* maps the zero page */
	(void)c;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t e;
	if (fd >= 0 && host_pagemap(fd, (uint64_t)(uintptr_t)p, &e, 1) == 0 && (e & PM_PRESENT) &&
	    (e & PM_PFN_MASK))
		zero_pfn = e & PM_PFN_MASK;
	if (fd >= 0)
		close(fd);
	munmap(p, 4096);
}

/* Whether a host pagemap entry is a private anonymous page. */
static bool host_anon(uint64_t e)
{
	if (e & PM_SWAP)
		return !(e & PM_FILE);
	if (!(e & PM_PRESENT) || (e & PM_FILE))
		return false;
	/* The zero page looks anonymous (pagemap finds no page behind it):
	 * its PFN tells it apart.  Without CAP_SYS_ADMIN pagemap hides PFNs;
	 * then an anonymous page is one mapped exclusively (the zero page
	 * never is), which misses pages shared with a fork child -- after
	 * the fork, whose entry already gave their VMA its anon_vma. */
	uint64_t pfn = e & PM_PFN_MASK;
	if (pfn == 0)
		return (e & PM_MMAP_EXCLUSIVE) != 0;
	return pfn != zero_pfn;
}

/* The first private anonymous page of [lo, hi) on the host, or 0. */
static uint64_t first_anon_page(int fd, uint64_t lo, uint64_t hi)
{
	uint64_t buf[512];
	for (uint64_t a = lo; a < hi;) {
		size_t n = (size_t)((hi - a) / 4096);
		if (n > 512)
			n = 512;
		if (host_pagemap(fd, a, buf, n) != 0)
			return 0;
		for (size_t i = 0; i < n; i++)
			if (host_anon(buf[i]))
				return a + 4096 * i;
		a += 4096 * n;
	}
	return 0;
}

/* The start of the [stack] line in a maps text, or 0. */
static uint64_t stack_start(const char *maps)
{
	for (const char *l = maps; l && *l;) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		if (n >= 7 && memcmp(l + n - 7, "[stack]", 7) == 0)
			return strtoull(l, NULL, 16);
		l = e ? e + 1 : NULL;
	}
	return 0;
}

void sh_stack_sync(mmk_proc *p, const char *host_maps, const char *mm_maps)
{
	uint64_t h = stack_start(host_maps), m = stack_start(mm_maps);
	if (h && m && h < m) {
		struct mmk_siginfo si;
		mmk_touch(p, h, 1, 1, &si);
	}
}

void sh_faults_sync(struct shadow *sh, struct sh_task *t, const char *host_maps)
{
	char path[64];
	mmk_proc *p = t->sp->p;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)t->tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	for (const char *l = host_maps; l && *l;) {
		const char *e = strchr(l, '\n');
		unsigned long lo, hi;
		char perms[5];
		if (sscanf(l, "%lx-%lx %4s", &lo, &hi, perms) == 3 && perms[1] == 'w' &&
		    perms[3] == 'p' && hi < (1UL << 47)) {
			uint64_t a = first_anon_page(fd, lo, hi);
			struct mmk_pageinfo pi;
			memset(&pi, 0, sizeof(pi));
			if (a && mmk_proc_pagemap(p, a, 1, &pi) == 0 && !pi.anon) {
				struct mmk_siginfo si;
				mmk_touch(p, a, 1, 1, &si);
			}
		}
		l = e ? e + 1 : NULL;
	}
	close(fd);
	(void)sh;
}

/* The line of maps starting at address lo, or NULL; *n its length. */
static const char *line_at(const char *maps, unsigned long lo, size_t *n)
{
	for (const char *l = maps; l && *l;) {
		const char *e = strchr(l, '\n');
		*n = e ? (size_t)(e - l) : strlen(l);
		if (strtoul(l, NULL, 16) == lo)
			return l;
		l = e ? e + 1 : NULL;
	}
	return NULL;
}

static bool ends_deleted(const char *l, size_t n)
{
	return n > 10 && memcmp(l + n - 10, " (deleted)", 10) == 0;
}

bool sh_unlink_sync(struct sh_task *t, const char *host_maps, const char *mm_maps)
{
	bool told = false;
	for (const char *l = host_maps; l && *l;) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l), mn;
		unsigned long lo, hi;
		const char *m;
		if (ends_deleted(l, n) && sscanf(l, "%lx-%lx", &lo, &hi) == 2 &&
		    (m = line_at(mm_maps, lo, &mn)) && !ends_deleted(m, mn)) {
			char path[96];
			snprintf(path, sizeof(path), "/proc/%d/map_files/%lx-%lx", (int)t->tid, lo,
				 hi);
			int h = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
			if (h >= 0) {
				int fd = mmk_fd_install_host(t->sp->p, h, 0);
				if (fd >= 0) {
					mmk_close(t->sp->p, fd);
					told = true;
				}
				close(h);
			}
		}
		l = e ? e + 1 : NULL;
	}
	return told;
}
