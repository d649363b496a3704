/*
 * page_test.h - helpers for the page layer's tests (test_fault, test_access,
 * test_pagecache, test_cow_fork, test_smaps, test_threads), on top of
 * mmk_test.h's fixture: invariant checks after every mutating call, host
 * file access with plain read()/write(), smaps fields, pagemap entries.
 * Some tests reach into the library's internals (mm_types.h) to inject
 * failures, as SQLite's tests do; everything else uses the public API.
 */
#ifndef PAGE_TEST_H
#define PAGE_TEST_H

#include <errno.h>
#include <time.h>

#include "mm_types.h"
#include "mmk_test.h"

#define PS 4096ULL
#define SA (MMK_MAP_SHARED | MMK_MAP_ANONYMOUS)

/* Fails the test unless every invariant of the system holds. */
#define CHECK_INV(fx) CHECK(!fx_check(fx))

/* A fixture with ram_bytes of RAM (0: mmk_test.h's default). */
static __attribute__((unused)) int fx_init_ram(struct fixture *fx, uint64_t ram)
{
	struct mmk_config c = {.ram_bytes = ram};
	return fx_init_cfg(fx, &c);
}

/* Reads the host file NAME with plain read(): returns bytes read or -1. */
static __attribute__((unused)) ssize_t host_read(struct fixture *fx, const char *name, void *buf,
						 size_t len, off_t off)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = pread(fd, buf, len, off);
	close(fd);
	return n;
}

/* The host file's size, or -1. */
static __attribute__((unused)) off_t host_size(struct fixture *fx, const char *name)
{
	char path[256];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	return stat(path, &st) ? -1 : st.st_size;
}

/* Whether len bytes at off of the host file all equal c. */
static __attribute__((unused)) int host_all(struct fixture *fx, const char *name, off_t off,
					    size_t len, int c)
{
	char *b = malloc(len);
	ssize_t n = host_read(fx, name, b, len, off);
	int ok = n == (ssize_t)len;
	for (size_t i = 0; ok && i < len; i++)
		ok = (unsigned char)b[i] == (unsigned char)c;
	free(b);
	return ok;
}

/* One byte at addr, or -1000 - signo on a fault. */
static __attribute__((unused)) int peek(mmk_proc *p, uint64_t addr)
{
	unsigned char c;
	struct mmk_siginfo si;
	int r = mmk_load(p, addr, &c, 1, &si);
	return r ? -1000 - si.signo : c;
}

/* Stores one byte; 0 or -1000 - signo. */
static __attribute__((unused)) int poke(mmk_proc *p, uint64_t addr, int c)
{
	unsigned char b = (unsigned char)c;
	struct mmk_siginfo si;
	int r = mmk_store(p, addr, &b, 1, &si);
	return r ? -1000 - si.signo : 0;
}

#define SEGV (-1000 - MMK_SIGSEGV)
#define BUS  (-1000 - MMK_SIGBUS)

/* The kB value of FIELD (e.g. "Rss:") in the smaps entry of the VMA that
 * starts at start, or -1. */
static __attribute__((unused)) long long smaps_kb(mmk_proc *p, uint64_t start, const char *field)
{
	static char buf[1 << 18];
	if (mmk_proc_smaps(p, buf, sizeof(buf)) < 0)
		return -1;
	char head[32];
	snprintf(head, sizeof(head), "%08llx-", (unsigned long long)start);
	const char *s = buf;
	while (s && strncmp(s, head, strlen(head)) != 0) {
		s = strchr(s, '\n');
		s = s ? s + 1 : NULL;
	}
	if (!s)
		return -1;
	const char *f = strstr(s, field);
	const char *next = strstr(s + 1, "VmFlags:");
	if (!f || (next && f > next))
		return -1;
	return atoll(f + strlen(field));
}

/* pagemap of one page. */
static __attribute__((unused)) struct mmk_pageinfo pinfo(mmk_proc *p, uint64_t addr)
{
	struct mmk_pageinfo pi;
	memset(&pi, 0, sizeof(pi));
	mmk_proc_pagemap(p, addr, 1, &pi);
	return pi;
}

/* Number of present pages in [addr, addr + n pages). */
static __attribute__((unused)) int present_pages(mmk_proc *p, uint64_t addr, int n)
{
	struct mmk_pageinfo *pi = calloc((size_t)n, sizeof(*pi));
	mmk_proc_pagemap(p, addr, (uint64_t)n, pi);
	int c = 0;
	for (int i = 0; i < n; i++)
		c += pi[i].present;
	free(pi);
	return c;
}

/* Resident pages per mincore over n pages; -errno on error. */
static __attribute__((unused)) int resident_pages(mmk_proc *p, uint64_t addr, int n)
{
	unsigned char *v = calloc((size_t)n, 1);
	int r = mmk_mincore(p, addr, (uint64_t)n * PS, v);
	int c = 0;
	for (int i = 0; i < n; i++)
		c += v[i] & 1;
	free(v);
	return r ? r : c;
}

static __attribute__((unused)) uint64_t faults_minor(mmk_proc *p)
{
	struct mmk_fault_counts fc = {0};
	mmk_proc_faults(p, &fc);
	return fc.minor;
}

static __attribute__((unused)) uint64_t faults_major(mmk_proc *p)
{
	struct mmk_fault_counts fc = {0};
	mmk_proc_faults(p, &fc);
	return fc.major;
}

/* Opens name in the fixture's process; O_RDWR|O_CREAT by default. */
static __attribute__((unused)) int fx_open(struct fixture *fx, mmk_proc *p, const char *name,
					   int flags)
{
	return mmk_open(p, name, flags ? flags : MMK_O_RDWR | MMK_O_CREAT, 0644);
}

/* Frames in use (excluding the zero page). */
static __attribute__((unused)) uint64_t frames_used(struct fixture *fx)
{
	return mmk_frames_total(fx->sys) - 1 - mmk_frames_free(fx->sys);
}

static __attribute__((unused)) double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
