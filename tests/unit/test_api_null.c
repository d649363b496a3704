/*
 * test_api_null.c - the NULL rule of include/mmkit.h, on every public
 * function: a NULL system or process handle is -EINVAL (a destroy of NULL
 * does nothing, as free(NULL)); a NULL buffer with a nonzero length is
 * -EFAULT; a NULL required out-parameter is -EINVAL.  Each test passes one
 * NULL at a time with every other argument valid, so a crash (under ASan)
 * or a different answer points at one argument of one function.
 *
 * The last test reads include/mmkit.h and checks that every function it
 * declares is called in this file, so a new entry point cannot skip the rule.
 */
#include <errno.h>

#include "mmk_test.h"

static void trace_nop(void *arg, const struct mmk_event *ev)
{
	(void)arg;
	(void)ev;
}

TEST(systems)
{
	struct fixture fx;
	struct mmk_config cfg = {0};
	mmk_system *sys = NULL;
	char buf[64];
	struct mmk_vmstat vs;
	uint64_t keys[4];

	CHECK(fx_init(&fx) == 0);
	cfg.root = fx.dir;
	CHECK_EQ(mmk_system_create(NULL, &sys), -EINVAL);
	CHECK_EQ(mmk_system_create(&cfg, NULL), -EINVAL);
	cfg.root = NULL;
	CHECK_EQ(mmk_system_create(&cfg, &sys), -EINVAL);
	cfg.root = fx.dir;
	cfg.reclaim_policy = MMK_RECLAIM_OPT;
	cfg.opt_nrefs = 4;
	CHECK_EQ(mmk_system_create(&cfg, &sys), -EFAULT);
	CHECK(sys == NULL);

	CHECK_EQ(mmk_system_destroy(NULL), 0);
	mmk_system_set_trace(NULL, trace_nop, NULL); /* does nothing */
	mmk_system_set_trace(fx.sys, NULL, NULL);    /* removes: allowed */
	CHECK_EQ(mmk_sync(NULL), -EINVAL);
	CHECK_EQ(mmk_system_check(NULL, buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(mmk_system_check(fx.sys, NULL, sizeof(buf)), -EFAULT);
	CHECK_EQ(mmk_system_check(fx.sys, NULL, 0), 0);
	CHECK_EQ(mmk_frames_total(NULL), 0);
	CHECK_EQ(mmk_committed_as(NULL), 0);
	CHECK_EQ(mmk_commit_limit(NULL), 0);
	CHECK_EQ(mmk_frames_free(NULL), 0);
	mmk_system_fail_after(NULL, 0, 0); /* does nothing */
	CHECK_EQ(mmk_system_failures(NULL), 0);
	CHECK_EQ(mmk_vmstat(NULL, &vs), -EINVAL);
	CHECK_EQ(mmk_vmstat(fx.sys, NULL), -EINVAL);
	CHECK_EQ(mmk_vmstat_text(NULL, buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(mmk_vmstat_text(fx.sys, NULL, sizeof(buf)), -EFAULT);
	CHECK(mmk_vmstat_text(fx.sys, NULL, 0) > 0); /* sizing: the length it needs */
	CHECK_EQ(mmk_refs(NULL, keys, 4), -EINVAL);
	CHECK_EQ(mmk_refs(fx.sys, NULL, 4), -EINVAL); /* not recording: -EINVAL first */
	CHECK(mmk_errno_name(EINVAL) != NULL);
	CHECK(mmk_reclaim_policy_name(MMK_RECLAIM_LRU) != NULL);
	CHECK_EQ(mmk_reclaim_policy_parse(NULL), -EINVAL);
	CHECK(mmk_madvise_name(-1) == NULL);
	CHECK_EQ(mmk_madvise_parse(NULL), -EINVAL);
	CHECK_EQ(mmk_madvise_nth(~0u), -1);
	CHECK(fx_done(&fx) == 0);
}

TEST(refs_buffer)
{
	struct fixture fx;
	struct mmk_config cfg = {0};

	cfg.record_refs = 1;
	CHECK(fx_init_cfg(&fx, &cfg) == 0);
	CHECK_EQ(mmk_refs(fx.sys, NULL, 4), -EFAULT);
	CHECK_EQ(mmk_refs(fx.sys, NULL, 0), 0);
	CHECK(fx_done(&fx) == 0);
}

TEST(processes)
{
	struct fixture fx;
	mmk_proc *c = NULL;

	CHECK(fx_init(&fx) == 0);
	CHECK_EQ(mmk_spawn(NULL, &c), -EINVAL);
	CHECK_EQ(mmk_spawn(fx.sys, NULL), -EINVAL);
	CHECK_EQ(mmk_fork(NULL, &c), -EINVAL);
	CHECK_EQ(mmk_fork(fx.p, NULL), -EINVAL);
	CHECK(c == NULL);
	CHECK_EQ(mmk_exec(NULL), -EINVAL);
	CHECK_EQ(mmk_execve(NULL, "f", NULL, NULL, NULL), -EINVAL);
	CHECK_EQ(mmk_execve(fx.p, NULL, NULL, NULL, NULL), -EFAULT);
	CHECK_EQ(mmk_execveat(NULL, MMK_AT_FDCWD, "f", NULL, NULL, 0, NULL), -EINVAL);
	CHECK_EQ(mmk_execveat(fx.p, MMK_AT_FDCWD, NULL, NULL, NULL, 0, NULL), -EFAULT);
	CHECK_EQ(mmk_set_vdso(NULL, "x", 1), -EINVAL);
	CHECK_EQ(mmk_set_vdso(fx.sys, NULL, 1), -EFAULT);
	CHECK_EQ(mmk_set_vdso(fx.sys, NULL, 0), 0);
	CHECK_EQ(mmk_fd_install_host(NULL, 0, 0), -EINVAL);
	CHECK_EQ(mmk_proc_killed(fx.p), 0); /* no failed exec killed it */
	CHECK_EQ(mmk_exit(NULL), -EINVAL);
	CHECK_EQ(mmk_proc_killed(NULL), -EINVAL);
	CHECK_EQ(mmk_getpid(NULL), -EINVAL);
	CHECK(fx_done(&fx) == 0);
}

TEST(files)
{
	struct fixture fx;
	char buf[16] = "hello";

	CHECK(fx_init(&fx) == 0);
	CHECK_EQ(mmk_open(NULL, "f", MMK_O_RDWR | MMK_O_CREAT, 0644), -EINVAL);
	CHECK_EQ(mmk_open(fx.p, NULL, MMK_O_RDWR | MMK_O_CREAT, 0644), -EFAULT);
	int fd = mmk_open(fx.p, "f", MMK_O_RDWR | MMK_O_CREAT, 0644);
	CHECK(fd >= 3);
	CHECK_EQ(mmk_write(fx.p, fd, buf, 5), 5);
	CHECK_EQ(mmk_close(NULL, fd), -EINVAL);
	CHECK_EQ(mmk_dup(NULL, fd), -EINVAL);
	CHECK_EQ(mmk_read(NULL, fd, buf, 1), -EINVAL);
	CHECK_EQ(mmk_pread(fx.p, fd, NULL, 5, 0), -EFAULT);
	CHECK_EQ(mmk_pread(fx.p, fd, NULL, 0, 0), 0);
	CHECK_EQ(mmk_read(fx.p, fd, NULL, 5), -EFAULT);
	CHECK_EQ(mmk_write(NULL, fd, buf, 1), -EINVAL);
	CHECK_EQ(mmk_write(fx.p, fd, NULL, 5), -EFAULT);
	CHECK_EQ(mmk_write(fx.p, fd, NULL, 0), 0);
	CHECK_EQ(mmk_pread(NULL, fd, buf, 1, 0), -EINVAL);
	CHECK_EQ(mmk_pwrite(NULL, fd, buf, 1, 0), -EINVAL);
	CHECK_EQ(mmk_pwrite(fx.p, fd, NULL, 5, 0), -EFAULT);
	CHECK_EQ(mmk_fsize(fx.p, fd), 5); /* no NULL write changed the file */
	CHECK_EQ(mmk_lseek(NULL, fd, 0, 0), -EINVAL);
	CHECK_EQ(mmk_ftruncate(NULL, fd, 0), -EINVAL);
	CHECK_EQ(mmk_fsync(NULL, fd), -EINVAL);
	CHECK_EQ(mmk_fsize(NULL, fd), -EINVAL);
	CHECK_EQ(mmk_unlink(NULL, "f"), -EINVAL);
	CHECK_EQ(mmk_unlink(fx.p, NULL), -EFAULT);
	CHECK_EQ(mmk_mkdir(NULL, "d", 0755), -EINVAL);
	CHECK_EQ(mmk_mkdir(fx.p, NULL, 0755), -EFAULT);
	CHECK_EQ(mmk_rmdir(NULL, "d"), -EINVAL);
	CHECK_EQ(mmk_rmdir(fx.p, NULL), -EFAULT);
	CHECK_EQ(mmk_getdents64(NULL, fd, buf, 5), -EINVAL);
	CHECK_EQ(mmk_fstat(NULL, fd, NULL), -EINVAL);
	CHECK_EQ(mmk_fstat(fx.p, fd, NULL), -EFAULT);
	int dfd = mmk_open(fx.p, ".", MMK_O_RDONLY | MMK_O_DIRECTORY, 0);
	CHECK(dfd >= 0);
	CHECK_EQ(mmk_getdents64(fx.p, dfd, NULL, 100), -EFAULT);
	CHECK_EQ(mmk_close(fx.p, dfd), 0);

	CHECK_EQ(mmk_sys_file_create(NULL, "g", buf, 5), -EINVAL);
	CHECK_EQ(mmk_sys_file_create(fx.sys, NULL, buf, 5), -EFAULT);
	CHECK_EQ(mmk_sys_file_create(fx.sys, "g", NULL, 5), -EFAULT);
	CHECK_EQ(mmk_sys_file_create(fx.sys, "g", NULL, 0), 0);
	CHECK_EQ(mmk_sys_file_write(NULL, "g", 0, buf, 5), -EINVAL);
	CHECK_EQ(mmk_sys_file_write(fx.sys, NULL, 0, buf, 5), -EFAULT);
	CHECK_EQ(mmk_sys_file_write(fx.sys, "g", 0, NULL, 5), -EFAULT);
	CHECK_EQ(mmk_sys_file_write(fx.sys, "g", 0, NULL, 0), 0);
	CHECK_EQ(mmk_sys_file_read(NULL, "f", 0, buf, 5), -EINVAL);
	CHECK_EQ(mmk_sys_file_read(fx.sys, NULL, 0, buf, 5), -EFAULT);
	CHECK_EQ(mmk_sys_file_read(fx.sys, "f", 0, NULL, 5), -EFAULT);
	CHECK_EQ(mmk_sys_file_read(fx.sys, "f", 0, NULL, 0), 0);
	CHECK(fx_done(&fx) == 0);
}

TEST(mmap_family)
{
	struct fixture fx;
	unsigned char vec[2];

	CHECK(fx_init(&fx) == 0);
	int64_t a = mmk_mmap(fx.p, 0, 8192, MMK_PROT_READ | MMK_PROT_WRITE,
			     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	CHECK(a > 0);
	uint64_t ua = (uint64_t)a;
	CHECK_EQ(mmk_mmap(NULL, 0, 4096, MMK_PROT_READ, MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0),
		 -EINVAL);
	CHECK_EQ(mmk_munmap(NULL, ua, 4096), -EINVAL);
	CHECK_EQ(mmk_mprotect(NULL, ua, 4096, MMK_PROT_READ), -EINVAL);
	CHECK_EQ(mmk_mremap(NULL, ua, 4096, 8192, MMK_MREMAP_MAYMOVE, 0), -EINVAL);
	CHECK_EQ(mmk_msync(NULL, ua, 4096, MMK_MS_SYNC), -EINVAL);
	CHECK_EQ(mmk_madvise(NULL, ua, 4096, MMK_MADV_NORMAL), -EINVAL);
	CHECK_EQ(mmk_mlock(NULL, ua, 4096), -EINVAL);
	CHECK_EQ(mmk_mlock2(NULL, ua, 4096, 0), -EINVAL);
	CHECK_EQ(mmk_munlock(NULL, ua, 4096), -EINVAL);
	CHECK_EQ(mmk_mlockall(NULL, MMK_MCL_CURRENT), -EINVAL);
	CHECK_EQ(mmk_munlockall(NULL), -EINVAL);
	CHECK_EQ(mmk_mincore(NULL, ua, 8192, vec), -EINVAL);
	CHECK_EQ(mmk_mincore(fx.p, ua, 8192, NULL), -EFAULT);
	CHECK_EQ(mmk_brk(NULL, 0), (uint64_t)(int64_t)-EINVAL);
	CHECK_EQ(mmk_set_brk_base(NULL, 0x10000000), -EINVAL);
	CHECK_EQ(mmk_set_anon_name(NULL, ua, 4096, "x"), -EINVAL);
	CHECK_EQ(mmk_set_anon_name(fx.p, ua, 4096, NULL), 0); /* NULL clears: allowed */
	CHECK_EQ(mmk_reserve(NULL, 0x10000000, 0x10001000, 0), -EINVAL);
	CHECK(fx_done(&fx) == 0);
}

TEST(access)
{
	struct fixture fx;
	struct mmk_siginfo si = {.signo = -1};
	char buf[16] = "abcdefgh";

	CHECK(fx_init(&fx) == 0);
	int64_t a = mmk_mmap(fx.p, 0, 8192, MMK_PROT_READ | MMK_PROT_WRITE,
			     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	CHECK(a > 0);
	uint64_t ua = (uint64_t)a;
	CHECK_EQ(mmk_load(NULL, ua, buf, 8, &si), -EINVAL);
	CHECK_EQ(mmk_store(NULL, ua, buf, 8, &si), -EINVAL);
	CHECK_EQ(mmk_fill(NULL, ua, 0, 8, &si), -EINVAL);
	CHECK_EQ(mmk_copy(NULL, ua, ua + 4096, 8, &si), -EINVAL);
	CHECK_EQ(mmk_touch(NULL, ua, 8, 1, &si), -EINVAL);
	CHECK_EQ(mmk_fetch(NULL, ua, buf, 8, &si), -EINVAL);
	CHECK_EQ(mmk_map_gen(NULL), 0); /* cannot return -errno: 0 */
	si.signo = -1;
	CHECK_EQ(mmk_fetch(fx.p, ua, NULL, 8, &si), -EFAULT); /* before its PROT_EXEC test */
	CHECK_EQ(si.signo, 0);
	/* A NULL buffer: -EFAULT and no signal.  8 bytes is the load's
	 * inline fast path: the page is in the TLB after the store. */
	CHECK_EQ(mmk_store(fx.p, ua, buf, 8, &si), 0);
	CHECK_EQ(mmk_load(fx.p, ua, buf, 8, &si), 0);
	si.signo = -1;
	CHECK_EQ(mmk_load(fx.p, ua, NULL, 8, &si), -EFAULT);
	CHECK_EQ(si.signo, 0);
	CHECK_EQ(mmk_load(fx.p, ua, NULL, 100, NULL), -EFAULT);
	si.signo = -1;
	CHECK_EQ(mmk_store(fx.p, ua, NULL, 8, &si), -EFAULT);
	CHECK_EQ(si.signo, 0);
	CHECK_EQ(mmk_load(fx.p, ua, NULL, 0, &si), 0);
	CHECK_EQ(mmk_store(fx.p, ua, NULL, 0, NULL), 0);
	/* si may be NULL everywhere. */
	CHECK_EQ(mmk_fill(fx.p, ua, 'x', 8, NULL), 0);
	CHECK_EQ(mmk_copy(fx.p, ua + 4096, ua, 8, NULL), 0);
	CHECK_EQ(mmk_touch(fx.p, ua, 8, 0, NULL), 0);
	CHECK(fx_done(&fx) == 0);
}

TEST(views)
{
	struct fixture fx;
	char buf[64];
	struct mmk_fault_counts fc;
	struct mmk_pageinfo pi[2];

	CHECK(fx_init(&fx) == 0);
	CHECK(mmk_mmap(fx.p, 0, 8192, MMK_PROT_READ, MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0) >
	      0);
	CHECK_EQ(mmk_proc_maps(NULL, buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(mmk_proc_smaps(NULL, buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(mmk_proc_status(NULL, buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(mmk_proc_maps(fx.p, NULL, sizeof(buf)), -EFAULT);
	CHECK_EQ(mmk_proc_smaps(fx.p, NULL, sizeof(buf)), -EFAULT);
	CHECK_EQ(mmk_proc_status(fx.p, NULL, sizeof(buf)), -EFAULT);
	/* NULL with length 0 asks for the length the text needs. */
	CHECK(mmk_proc_maps(fx.p, NULL, 0) > 0);
	CHECK(mmk_proc_smaps(fx.p, NULL, 0) > 0);
	CHECK(mmk_proc_status(fx.p, NULL, 0) > 0);
	CHECK_EQ(mmk_proc_faults(NULL, &fc), -EINVAL);
	CHECK_EQ(mmk_proc_faults(fx.p, NULL), -EINVAL);
	CHECK_EQ(mmk_proc_pagemap(NULL, 0, 2, pi), -EINVAL);
	CHECK_EQ(mmk_proc_pagemap(fx.p, 0, 2, NULL), -EFAULT);
	CHECK_EQ(mmk_proc_pagemap(fx.p, 0, 0, NULL), 0);
	CHECK_EQ(mmk_fadvise(NULL, 0, 0, 0, MMK_POSIX_FADV_NORMAL), -EINVAL);
	CHECK_EQ(mmk_drop_caches(NULL, 1), -EINVAL);
	struct mmk_cache_info ci;
	struct mmk_cache_page cp;
	CHECK_EQ(mmk_pagecache_files(NULL, &ci, 1), -EINVAL);
	CHECK_EQ(mmk_pagecache_files(fx.sys, NULL, 1), -EFAULT);
	CHECK_EQ(mmk_pagecache_files(fx.sys, NULL, 0), 0);
	CHECK_EQ(mmk_sys_file_create(fx.sys, "pc", "x", 1), 0);
	CHECK_EQ(mmk_pagecache_files(fx.sys, &ci, 1), 1);
	CHECK_EQ(mmk_pagecache_pages(NULL, &ci, 0, 1, &cp), -EINVAL);
	CHECK_EQ(mmk_pagecache_pages(fx.sys, NULL, 0, 1, &cp), -EINVAL);
	CHECK_EQ(mmk_pagecache_pages(fx.sys, &ci, 0, 1, NULL), -EFAULT);
	CHECK_EQ(mmk_pagecache_pages(fx.sys, &ci, 0, 0, NULL), 1);
	CHECK(fx_done(&fx) == 0);
}

/* Every function include/mmkit.h declares is called in this file. */
TEST(covers_every_function)
{
	static char hdr[1 << 16], self[1 << 16];
	FILE *f = fopen("include/mmkit.h", "r"), *g = fopen(__FILE__, "r");

	if (!f || !g)
		T_FAIL("run from the top of the tree: cannot open include/mmkit.h or %s", __FILE__);
	size_t nh = fread(hdr, 1, sizeof(hdr) - 1, f), ns = fread(self, 1, sizeof(self) - 1, g);
	fclose(f);
	fclose(g);
	hdr[nh] = self[ns] = '\0';
	int nfuncs = 0;
	for (char *p = hdr; (p = strstr(p, "mmk_")) != NULL;) {
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz_0123456789");
		int is_call = p[n] == '(';
		char name[64], call[66];
		snprintf(name, sizeof(name), "%.*s", (int)(n < 60 ? n : 60), p);
		p += n;
		if (!is_call)
			continue;
		nfuncs++;
		snprintf(call, sizeof(call), "%s(", name);
		if (!strstr(self, call))
			T_FAIL("%s is declared in include/mmkit.h but not tested here", name);
	}
	CHECK(nfuncs >= 50);
}

T_MAIN
