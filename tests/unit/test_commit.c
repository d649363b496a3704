/*
 * test_commit.c - overcommit accounting (src/page/commit.c): the three
 * vm.overcommit_memory modes against a configured RAM and swap, what is
 * charged (private writable, shared anonymous, brk, mprotect, mremap, fork)
 * and what is not, and Committed_AS coming back to where it started after
 * munmap, exit, fork + exit and every refused or failed call.
 */
#include <errno.h>

#include "mmk_test.h"

#define PG	     4096ULL
#define PAGES(bytes) ((bytes) / PG)
#define PA_NR	     (PA | MMK_MAP_NORESERVE)
#define SA	     (MMK_MAP_SHARED | MMK_MAP_ANONYMOUS)

/* A system whose accounting sees commit_ram RAM and commit_swap swap,
 * under overcommit mode `mode`, with no reserves unless a test sets them. */
static int fx_commit(struct fixture *fx, int mode, uint64_t commit_ram, uint64_t commit_swap)
{
	struct mmk_config c = {0};
	c.overcommit_memory = mode;
	c.commit_ram_bytes = commit_ram;
	c.commit_swap_bytes = commit_swap ? commit_swap : MMK_CFG_ZERO;
	c.admin_reserve_kbytes = MMK_CFG_ZERO;
	c.user_reserve_kbytes = MMK_CFG_ZERO;
	return fx_init_cfg(fx, &c);
}

/* ---- mode 0: the heuristic ---------------------------------------------- */

TEST(guess_refuses_one_charge_beyond_ram_plus_swap)
{
	struct fixture fx;
	CHECK(fx_commit(&fx, MMK_OVERCOMMIT_GUESS, 64 * MB, 16 * MB) == 0);
	uint64_t base = mmk_committed_as(fx.sys);
	/* 80 MiB = RAM + swap exactly: allowed; one page more is not. */
	CHECK_EQ(mmk_mmap(fx.p, 0, 80 * MB + PG, RW, PA, -1, 0), -ENOMEM);
	CHECK_EQ(mmk_committed_as(fx.sys), base);
	int64_t a = mmk_mmap(fx.p, 0, 80 * MB, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_committed_as(fx.sys), base + PAGES(80 * MB));
	/* The heuristic looks at one charge, not at the total. */
	int64_t b = mmk_mmap(fx.p, 0, 80 * MB, RW, PA, -1, 0);
	CHECK(b > 0);
	CHECK_EQ(mmk_committed_as(fx.sys), base + 2 * PAGES(80 * MB));
	CHECK(fx_check(&fx) == 0);
	CHECK_EQ(mmk_munmap(fx.p, (uint64_t)a, 80 * MB), 0);
	CHECK_EQ(mmk_munmap(fx.p, (uint64_t)b, 80 * MB), 0);
	CHECK_EQ(mmk_committed_as(fx.sys), base);
	CHECK(fx_done(&fx) == 0);
}

TEST(guess_does_not_charge_readonly_shared_file_or_noreserve)
{
	struct fixture fx;
	CHECK(fx_commit(&fx, MMK_OVERCOMMIT_GUESS, 64 * MB, 0) == 0);
	fx_file(&fx, "f", 4096, 'f');
	int fd = mmk_open(fx.p, "f", MMK_O_RDWR, 0);
	CHECK(fd >= 0);
	uint64_t base = mmk_committed_as(fx.sys);
	CHECK(mmk_mmap(fx.p, 0, 1ULL << 40, MMK_PROT_READ, PA, -1, 0) > 0);
	CHECK(mmk_mmap(fx.p, 0, 1ULL << 40, RW, PA_NR, -1, 0) > 0);
	CHECK(mmk_mmap(fx.p, 0, 1ULL << 40, RW, MMK_MAP_SHARED, fd, 0) > 0);
	CHECK(mmk_mmap(fx.p, 0, 1ULL << 40, RW, SA | MMK_MAP_NORESERVE, -1, 0) > 0);
	CHECK_EQ(mmk_committed_as(fx.sys), base);
	/* ...but private writable file memory and shared anonymous memory
	 * (whatever its protection) are. */
	CHECK_EQ(mmk_mmap(fx.p, 0, 1ULL << 40, RW, MMK_MAP_PRIVATE, fd, 0), -ENOMEM);
	CHECK_EQ(mmk_mmap(fx.p, 0, 1ULL << 40, MMK_PROT_READ, SA, -1, 0), -ENOMEM);
	CHECK_EQ(mmk_committed_as(fx.sys), base);
	int64_t s = mmk_mmap(fx.p, 0, 1 * MB, MMK_PROT_READ, SA, -1, 0);
	CHECK(s > 0);
	CHECK_EQ(mmk_committed_as(fx.sys), base + PAGES(1 * MB));
	CHECK_EQ(mmk_munmap(fx.p, (uint64_t)s, 1 * MB), 0);
	CHECK_EQ(mmk_committed_as(fx.sys), base);
	CHECK(fx_done(&fx) == 0);
}

/* ---- mode 1: always ----------------------------------------------------- */

TEST(always_refuses_nothing_but_still_counts)
{
	struct fixture fx;
	CHECK(fx_commit(&fx, MMK_OVERCOMMIT_ALWAYS, 64 * MB, 0) == 0);
	uint64_t base = mmk_committed_as(fx.sys);
	int64_t a = mmk_mmap(fx.p, 0, 1ULL << 40, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_committed_as(fx.sys), base + PAGES(1ULL << 40));
	int64_t s = mmk_mmap(fx.p, 0, 1ULL << 40, RW, SA, -1, 0);
	CHECK(s > 0);
	CHECK_EQ(mmk_committed_as(fx.sys), base + 2 * PAGES(1ULL << 40));
	CHECK(fx_done(&fx) == 0); /* destroy aborts if Committed_AS is left over */
}

/* ---- mode 2: strict ----------------------------------------------------- */

TEST(never_keeps_committed_below_the_limit)
{
	struct fixture fx;
	/* CommitLimit = 64 MiB * 50% + 8 MiB swap = 40 MiB = 10240 pages. */
	CHECK(fx_commit(&fx, MMK_OVERCOMMIT_NEVER, 64 * MB, 8 * MB) == 0);
	CHECK_EQ(mmk_commit_limit(fx.sys), 10240);
	uint64_t base = mmk_committed_as(fx.sys);
	CHECK_EQ(base, 0);
	/* committed + charge must stay strictly below the limit */
	int64_t a = mmk_mmap(fx.p, 0, 10239 * PG, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_mmap(fx.p, 0, PG, RW, PA, -1, 0), -ENOMEM);
	/* MAP_NORESERVE is ignored in strict mode: charged, so refused too */
	CHECK_EQ(mmk_mmap(fx.p, 0, PG, RW, PA_NR, -1, 0), -ENOMEM);
	CHECK_EQ(mmk_mmap(fx.p, 0, PG, MMK_PROT_READ, SA, -1, 0), -ENOMEM);
	CHECK(mmk_mmap(fx.p, 0, 1ULL << 40, MMK_PROT_READ, PA, -1, 0) > 0);
	CHECK_EQ(mmk_munmap(fx.p, (uint64_t)a, PG), 0);
	int64_t n = mmk_mmap(fx.p, 0, PG, RW, PA_NR, -1, 0);
	CHECK(n > 0);
	CHECK_EQ(mmk_committed_as(fx.sys), 10239);
	CHECK(fx_done(&fx) == 0);
}

TEST(never_ratio_kbytes_and_reserves)
{
	struct fixture fx;
	struct mmk_config c = {0};
	c.overcommit_memory = MMK_OVERCOMMIT_NEVER;
	c.commit_ram_bytes = 64 * MB;
	c.commit_swap_bytes = MMK_CFG_ZERO;
	c.overcommit_kbytes = 4096;    /* overrides the ratio: 1024 pages */
	c.admin_reserve_kbytes = 1024; /* 256 pages, kept from a non-admin */
	c.user_reserve_kbytes = MMK_CFG_ZERO;
	CHECK(fx_init_cfg(&fx, &c) == 0);
	CHECK_EQ(mmk_commit_limit(fx.sys), 1024);
	CHECK_EQ(mmk_mmap(fx.p, 0, 768 * PG, RW, PA, -1, 0), -ENOMEM);
	int64_t a = mmk_mmap(fx.p, 0, 767 * PG, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK(fx_done(&fx) == 0);

	c.cap_sys_admin = 1; /* no admin reserve */
	CHECK(fx_init_cfg(&fx, &c) == 0);
	CHECK(mmk_mmap(fx.p, 0, 1023 * PG, RW, PA, -1, 0) > 0);
	CHECK(fx_done(&fx) == 0);

	/* The user reserve: min(total_vm / 32, user_reserve_kbytes). */
	c.cap_sys_admin = 1;
	c.user_reserve_kbytes = 1ULL << 30;
	CHECK(fx_init_cfg(&fx, &c) == 0);
	/* 32000 read-only pages of address space keep 1000 pages back */
	CHECK(mmk_mmap(fx.p, 0, 32000 * PG, MMK_PROT_READ, PA, -1, 0) > 0);
	CHECK_EQ(mmk_mmap(fx.p, 0, 24 * PG, RW, PA, -1, 0), -ENOMEM);
	CHECK(mmk_mmap(fx.p, 0, 23 * PG, RW, PA, -1, 0) > 0);
	CHECK(fx_done(&fx) == 0);

	c.overcommit_kbytes = 0;
	c.overcommit_ratio = MMK_CFG_ZERO; /* a real 0%: swap only */
	c.commit_swap_bytes = 4 * MB;
	CHECK(fx_init_cfg(&fx, &c) == 0);
	CHECK_EQ(mmk_commit_limit(fx.sys), 1024);
	CHECK(fx_done(&fx) == 0);

	/* absurd settings saturate instead of wrapping to a small limit */
	c.overcommit_ratio = 1ULL << 60;
	c.commit_ram_bytes = MMK_CFG_ZERO - PG + 1; /* the largest whole pages */
	CHECK(fx_init_cfg(&fx, &c) == 0);
	CHECK_EQ(mmk_commit_limit(fx.sys), INT64_MAX);
	CHECK(mmk_mmap(fx.p, 0, 1ULL << 40, RW, PA, -1, 0) > 0);
	CHECK(fx_done(&fx) == 0);

	c.overcommit_memory = 3;
	memset(&fx, 0, sizeof(fx));
	strcpy(fx.dir, "/tmp/mmkit-test-XXXXXX");
	CHECK(mkdtemp(fx.dir));
	c.root = fx.dir;
	CHECK_EQ(mmk_system_create(&c, &fx.sys), -EINVAL);
	rm_rf(fx.dir);
}

TEST(defaults_follow_linux_boot)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0); /* 16 MiB of RAM, no swap, mode 0 */
	CHECK_EQ(mmk_commit_limit(fx.sys), PAGES(8 * MB));
	CHECK_EQ(mmk_committed_as(fx.sys), 0);
	CHECK_EQ(mmk_mmap(fx.p, 0, 16 * MB + PG, RW, PA, -1, 0), -ENOMEM);
	CHECK(mmk_mmap(fx.p, 0, 16 * MB, RW, PA, -1, 0) > 0);
	CHECK(fx_done(&fx) == 0);
	/* The swap area counts as its SwapTotal: less the header page. */
	struct mmk_config c = {.swap_bytes = 8 * MB};
	CHECK(fx_init_cfg(&fx, &c) == 0);
	struct mmk_vmstat v;
	CHECK_EQ(mmk_vmstat(fx.sys, &v), 0);
	CHECK_EQ(mmk_commit_limit(fx.sys), PAGES(8 * MB) + v.swap_total);
	CHECK_EQ(v.swap_total, PAGES(8 * MB) - 1);
	CHECK_EQ(mmk_mmap(fx.p, 0, 24 * MB, RW, PA, -1, 0), -ENOMEM);
	CHECK(mmk_mmap(fx.p, 0, 24 * MB - PG, RW, PA, -1, 0) > 0);
	CHECK(fx_done(&fx) == 0);
}

/* ---- each charging call, and its uncharge ------------------------------- */

TEST(brk_charges_its_growth)
{
	struct fixture fx;
	CHECK(fx_commit(&fx, MMK_OVERCOMMIT_GUESS, 64 * MB, 0) == 0);
	uint64_t h = mmk_brk(fx.p, 0);
	CHECK_EQ(mmk_brk(fx.p, h + 64 * MB + PG), h); /* refused: the old break */
	CHECK_EQ(mmk_committed_as(fx.sys), 0);
	CHECK_EQ(mmk_brk(fx.p, h + 1 * MB), h + 1 * MB);
	CHECK_EQ(mmk_committed_as(fx.sys), PAGES(1 * MB));
	CHECK_EQ(mmk_brk(fx.p, h + 4 * PG), h + 4 * PG);
	CHECK_EQ(mmk_committed_as(fx.sys), 4);
	CHECK(fx_done(&fx) == 0);
}

TEST(mprotect_charges_write_and_drops_an_untouched_charge)
{
	struct fixture fx;
	CHECK(fx_commit(&fx, MMK_OVERCOMMIT_GUESS, 64 * MB, 0) == 0);
	int64_t big = mmk_mmap(fx.p, 0, 1ULL << 30, MMK_PROT_READ, PA, -1, 0);
	CHECK(big > 0);
	CHECK_EQ(mmk_mprotect(fx.p, (uint64_t)big, 1ULL << 30, RW), -ENOMEM);
	CHECK_EQ(mmk_committed_as(fx.sys), 0);
	CHECK(strstr(fx_maps(fx.p), "r--p"));
	CHECK(!strstr(fx_maps(fx.p), "rw-p"));
	CHECK_EQ(mmk_mprotect(fx.p, (uint64_t)big, 16 * PG, RW), 0);
	CHECK_EQ(mmk_committed_as(fx.sys), 16);
	/* Back to read-only before any page: the charge goes with VM_ACCOUNT. */
	CHECK_EQ(mmk_mprotect(fx.p, (uint64_t)big, 16 * PG, MMK_PROT_READ), 0);
	CHECK_EQ(mmk_committed_as(fx.sys), 0);
	/* Once written (an anon_vma), read-only keeps the charge. */
	CHECK_EQ(mmk_mprotect(fx.p, (uint64_t)big, 16 * PG, RW), 0);
	CHECK_EQ(mmk_store(fx.p, (uint64_t)big, "x", 1, NULL), 0);
	CHECK_EQ(mmk_mprotect(fx.p, (uint64_t)big, 16 * PG, MMK_PROT_READ), 0);
	CHECK_EQ(mmk_committed_as(fx.sys), 16);
	/* MAP_NORESERVE memory is never charged */
	int64_t n = mmk_mmap(fx.p, 0, 1ULL << 30, MMK_PROT_READ, PA_NR, -1, 0);
	CHECK_EQ(mmk_mprotect(fx.p, (uint64_t)n, 1ULL << 30, RW), 0);
	CHECK_EQ(mmk_committed_as(fx.sys), 16);
	CHECK(fx_done(&fx) == 0);
}

TEST(mremap_charges_growth_in_place_moved_and_dontunmap)
{
	struct fixture fx;
	CHECK(fx_commit(&fx, MMK_OVERCOMMIT_GUESS, 64 * MB, 0) == 0);
	uint64_t a = 0x100000000ULL;
	CHECK_EQ(mmk_mmap(fx.p, a, 4 * PG, RW, PA | MMK_MAP_FIXED, -1, 0), (int64_t)a);
	CHECK_EQ(mmk_store(fx.p, a, "a", 1, NULL), 0);
	/* growth of RAM + one page: refused in place, and not moved either */
	CHECK_EQ(mmk_mremap(fx.p, a, 4 * PG, 64 * MB + 5 * PG, 0, 0), -ENOMEM);
	CHECK_EQ(mmk_mremap(fx.p, a, 4 * PG, 64 * MB + 5 * PG, MMK_MREMAP_MAYMOVE, 0), -ENOMEM);
	CHECK(mmk_mremap(fx.p, a, 4 * PG, 64 * MB + 4 * PG, 0, 0) > 0);
	CHECK_EQ(mmk_committed_as(fx.sys), 4 + PAGES(64 * MB));
	CHECK_EQ(mmk_mremap(fx.p, a, 64 * MB + 4 * PG, 4 * PG, 0, 0), (int64_t)a);
	CHECK_EQ(mmk_committed_as(fx.sys), 4);
	CHECK_EQ(mmk_mremap(fx.p, a, 4 * PG, 8 * PG, 0, 0), (int64_t)a); /* in place */
	CHECK_EQ(mmk_committed_as(fx.sys), 8);
	/* a VMA in the way: grows by moving */
	CHECK(mmk_mmap(fx.p, a + 8 * PG, PG, MMK_PROT_READ, PA | MMK_MAP_FIXED, -1, 0) > 0);
	int64_t m = mmk_mremap(fx.p, a, 8 * PG, 16 * PG, MMK_MREMAP_MAYMOVE, 0);
	CHECK(m > 0 && (uint64_t)m != a);
	CHECK_EQ(mmk_committed_as(fx.sys), 16);
	/* DONTUNMAP: the old range keeps its charge, the new one has its own */
	int64_t d = mmk_mremap(fx.p, (uint64_t)m, 16 * PG, 16 * PG,
			       MMK_MREMAP_MAYMOVE | MMK_MREMAP_DONTUNMAP, 0);
	CHECK(d > 0);
	CHECK_EQ(mmk_committed_as(fx.sys), 32);
	CHECK_EQ(mmk_mremap(fx.p, (uint64_t)d, 16 * PG, 2 * PG, 0, 0), d); /* shrink */
	CHECK_EQ(mmk_committed_as(fx.sys), 18);
	CHECK(fx_done(&fx) == 0);
}

TEST(stack_growth_is_charged)
{
	struct fixture fx;
	CHECK(fx_commit(&fx, MMK_OVERCOMMIT_NEVER, 64 * MB, 0) == 0); /* limit 8192 */
	int64_t big = mmk_mmap(fx.p, 0, 8190 * PG, RW, PA, -1, 0);
	uint64_t s = 0x200000000ULL;
	CHECK_EQ(mmk_mmap(fx.p, s, PG, RW, PA | MMK_MAP_FIXED | MMK_MAP_GROWSDOWN, -1, 0),
		 (int64_t)s);
	CHECK_EQ(mmk_committed_as(fx.sys), 8191);
	struct mmk_siginfo si;
	CHECK_EQ(mmk_store(fx.p, s - PG, "x", 1, &si), -EFAULT); /* acct_stack_growth */
	CHECK_EQ(si.signo, MMK_SIGSEGV);
	CHECK_EQ(mmk_committed_as(fx.sys), 8191);
	CHECK_EQ(mmk_munmap(fx.p, (uint64_t)big, 8190 * PG), 0);
	CHECK_EQ(mmk_store(fx.p, s - PG, "x", 1, &si), 0);
	CHECK_EQ(mmk_committed_as(fx.sys), 2);
	CHECK(fx_done(&fx) == 0);
}

TEST(committed_returns_after_munmap_exit_and_fork)
{
	struct fixture fx;
	CHECK(fx_commit(&fx, MMK_OVERCOMMIT_GUESS, 64 * MB, 0) == 0);
	uint64_t base = mmk_committed_as(fx.sys);
	int64_t a = mmk_mmap(fx.p, 0, 1 * MB, RW, PA, -1, 0);
	int64_t s = mmk_mmap(fx.p, 0, 1 * MB, RW, SA, -1, 0);
	int64_t r = mmk_mmap(fx.p, 0, 1 * MB, MMK_PROT_READ, PA, -1, 0);
	CHECK(a > 0 && s > 0 && r > 0);
	uint64_t h = mmk_brk(fx.p, 0);
	CHECK_EQ(mmk_brk(fx.p, h + 8 * PG), h + 8 * PG);
	uint64_t mine = PAGES(2 * MB) + 8;
	CHECK_EQ(mmk_committed_as(fx.sys), base + mine);
	/* MADV_DONTFORK memory is not copied, so not charged again */
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)a, 4 * PG, MMK_MADV_DONTFORK), 0);
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	/* The child's private writable VMAs are charged again; the shared
	 * object is one object. */
	CHECK_EQ(mmk_committed_as(fx.sys), base + mine + PAGES(1 * MB) - 4 + 8);
	mmk_proc *g;
	CHECK(mmk_fork(c, &g) > 0);
	CHECK_EQ(mmk_exec(g), 0);
	CHECK_EQ(mmk_committed_as(fx.sys), base + mine + PAGES(1 * MB) - 4 + 8);
	CHECK_EQ(mmk_exit(g), 0);
	CHECK_EQ(mmk_exit(c), 0);
	CHECK_EQ(mmk_committed_as(fx.sys), base + mine);
	CHECK_EQ(mmk_munmap(fx.p, (uint64_t)a, 1 * MB), 0);
	CHECK_EQ(mmk_munmap(fx.p, (uint64_t)s, 1 * MB), 0);
	CHECK_EQ(mmk_brk(fx.p, h), h);
	CHECK_EQ(mmk_committed_as(fx.sys), base);
	/* A process that exits with everything still mapped. */
	mmk_proc *q;
	CHECK(mmk_spawn(fx.sys, &q) > 0);
	CHECK(mmk_mmap(q, 0, 1 * MB, RW, PA, -1, 0) > 0);
	CHECK(mmk_mmap(q, 0, 1 * MB, RW, SA, -1, 0) > 0);
	CHECK_EQ(mmk_committed_as(fx.sys), base + PAGES(2 * MB));
	CHECK_EQ(mmk_exit(q), 0);
	CHECK_EQ(mmk_committed_as(fx.sys), base);
	CHECK(fx_done(&fx) == 0);
}

/* ---- refused or failed calls leave no charge behind ----------------------- */

TEST(map_fixed_over_charged_memory_takes_its_charge_over)
{
	struct fixture fx;
	CHECK(fx_commit(&fx, MMK_OVERCOMMIT_NEVER, 64 * MB, 0) == 0); /* limit 8192 */
	int64_t a = mmk_mmap(fx.p, 0, 8000 * PG, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_store(fx.p, (uint64_t)a, "keep", 4, NULL), 0);
	/* Replacing 8000 charged pages by 8100 charges only 100 more... */
	CHECK_EQ(mmk_mmap(fx.p, (uint64_t)a, 8100 * PG, RW, PA | MMK_MAP_FIXED, -1, 0), a);
	CHECK_EQ(mmk_committed_as(fx.sys), 8100);
	CHECK_EQ(mmk_store(fx.p, (uint64_t)a, "keep", 4, NULL), 0);
	/* ...and a refused replacement leaves the old mapping and its data. */
	CHECK_EQ(mmk_mmap(fx.p, (uint64_t)a, 8200 * PG, RW, PA | MMK_MAP_FIXED, -1, 0), -ENOMEM);
	CHECK_EQ(mmk_committed_as(fx.sys), 8100);
	char buf[4];
	CHECK_EQ(mmk_load(fx.p, (uint64_t)a, buf, 4, NULL), 0);
	CHECK(memcmp(buf, "keep", 4) == 0);
	CHECK(fx_done(&fx) == 0);
}

TEST(failures_after_the_test_leave_no_charge)
{
	struct fixture fx;
	struct mmk_config c = {0};
	c.max_map_count = 3;
	c.commit_ram_bytes = 64 * MB;
	CHECK(fx_init_cfg(&fx, &c) == 0);
	int64_t a = mmk_mmap(fx.p, 0, 16 * PG, MMK_PROT_READ, PA, -1, 0);
	int64_t b =
	    mmk_mmap(fx.p, 0x200000000ULL, 16 * PG, MMK_PROT_READ, PA | MMK_MAP_FIXED, -1, 0);
	int64_t d = mmk_mmap(fx.p, 0x300000000ULL, 16 * PG, RW, PA | MMK_MAP_FIXED, -1, 0);
	CHECK(a > 0 && b > 0 && d > 0);
	CHECK_EQ(mmk_committed_as(fx.sys), 16);
	/* A MAP_FIXED hole punched in the middle needs a fourth VMA: the
	 * charge test passes, the unmap's split fails. */
	CHECK_EQ(mmk_mmap(fx.p, (uint64_t)a + 4 * PG, 4 * PG, RW, PA | MMK_MAP_FIXED, -1, 0),
		 -ENOMEM);
	CHECK_EQ(mmk_committed_as(fx.sys), 16);
	/* mprotect charging the middle of a VMA: the split fails. */
	CHECK_EQ(mmk_mprotect(fx.p, (uint64_t)b + 4 * PG, 4 * PG, RW), -ENOMEM);
	CHECK_EQ(mmk_committed_as(fx.sys), 16);
	CHECK(fx_done(&fx) == 0);

	/* fork refused part way (strict mode): the child's charges go. */
	struct mmk_config s = {0};
	s.overcommit_memory = MMK_OVERCOMMIT_NEVER;
	s.commit_ram_bytes = 64 * MB;
	s.commit_swap_bytes = MMK_CFG_ZERO;
	s.admin_reserve_kbytes = MMK_CFG_ZERO;
	s.user_reserve_kbytes = MMK_CFG_ZERO;
	CHECK(fx_init_cfg(&fx, &s) == 0); /* limit 8192 */
	CHECK(mmk_mmap(fx.p, 0, 2000 * PG, RW, PA, -1, 0) > 0);
	CHECK(mmk_mmap(fx.p, 0x100000000ULL, 3000 * PG, RW, PA | MMK_MAP_FIXED, -1, 0) > 0);
	CHECK_EQ(mmk_committed_as(fx.sys), 5000);
	mmk_proc *ch;
	/* the lower VMA's copy fits (8000 < 8192), the next one's not */
	CHECK_EQ(mmk_fork(fx.p, &ch), -ENOMEM);
	CHECK_EQ(mmk_committed_as(fx.sys), 5000);
	/* shared anonymous memory refused: no object left charged */
	CHECK_EQ(mmk_mmap(fx.p, 0, 4000 * PG, RW, SA, -1, 0), -ENOMEM);
	CHECK_EQ(mmk_committed_as(fx.sys), 5000);
	CHECK(fx_done(&fx) == 0);
}

T_MAIN
