/*
 * test_vma_ops.c - changing mappings: mprotect, mremap, brk, madvise flags,
 * mlock, the merge/no-merge catalogue (after Linux's tools/testing/vma and
 * selftests/mm/merge.c, as facts), the maps format, and random splits and
 * merges against a model of which VMAs Linux leaves.
 * Expected values are Linux's, worked out from its rules.
 */
#include <errno.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "mmk_test.h"

#define A 0x10000000ULL

TEST(mprotect_splits_and_merges_back)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_mmap(fx.p, A, 12 * KB, RW, PA, -1, 0), A);
	CHECK_EQ(mmk_mprotect(fx.p, A + 4 * KB, 4 * KB, MMK_PROT_READ), 0);
	CHECK_STR(fx_maps(fx.p), "10000000-10001000 rw-p 00000000 00:00 0 \n"
				 "10001000-10002000 r--p 00000000 00:00 0 \n"
				 "10002000-10003000 rw-p 00000000 00:00 0 \n");
	CHECK_EQ(mmk_mprotect(fx.p, A + 4 * KB, 4 * KB, RW), 0);
	CHECK_STR(fx_maps(fx.p), "10000000-10003000 rw-p 00000000 00:00 0 \n");
	/* Unaligned start, zero length, bad prot. */
	CHECK_EQ(mmk_mprotect(fx.p, A + 1, 4 * KB, RW), -EINVAL);
	CHECK_EQ(mmk_mprotect(fx.p, A, 0, RW), 0);
	CHECK_EQ(mmk_mprotect(fx.p, A, 4 * KB, 0x10), -EINVAL);
	CHECK_EQ(mmk_mprotect(fx.p, 0x50000000, 4 * KB, RW), -ENOMEM);
	CHECK(!fx_done(&fx));
}

TEST(mprotect_hole_fails_after_changing_earlier_vmas)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_mmap(fx.p, A, 4 * KB, RW, PA, -1, 0), A);
	CHECK_EQ(mmk_mmap(fx.p, A + 8 * KB, 4 * KB, RW, PA, -1, 0), A + 8 * KB);
	CHECK_EQ(mmk_mprotect(fx.p, A, 12 * KB, MMK_PROT_READ), -ENOMEM);
	/* The first VMA was changed before the hole was met. */
	CHECK_STR(fx_maps(fx.p), "10000000-10001000 r--p 00000000 00:00 0 \n"
				 "10002000-10003000 rw-p 00000000 00:00 0 \n");
	CHECK(!fx_done(&fx));
}

TEST(mprotect_beyond_may_flags_is_eacces)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 8192, 'a');
	int rd = mmk_open(fx.p, "f", MMK_O_RDONLY, 0);
	int64_t a = mmk_mmap(fx.p, 0, 8192, MMK_PROT_READ, MMK_MAP_SHARED, rd, 0);
	CHECK(a > 0);
	/* A shared mapping of a read-only fd has no VM_MAYWRITE. */
	CHECK_EQ(mmk_mprotect(fx.p, (uint64_t)a, 4096, RW), -EACCES);
	/* A private one may become writable (copy-on-write). */
	int64_t b = mmk_mmap(fx.p, 0, 8192, MMK_PROT_READ, MMK_MAP_PRIVATE, rd, 0);
	CHECK_EQ(mmk_mprotect(fx.p, (uint64_t)b, 4096, RW), 0);
	CHECK(!fx_done(&fx));
}

TEST(mremap_shrink_grow_and_move)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_mmap(fx.p, A, 16 * KB, RW, PA, -1, 0), A);
	/* Shrink in place. */
	CHECK_EQ(mmk_mremap(fx.p, A, 16 * KB, 8 * KB, 0, 0), A);
	CHECK_STR(fx_maps(fx.p), "10000000-10002000 rw-p 00000000 00:00 0 \n");
	/* Grow in place into free space. */
	CHECK_EQ(mmk_mremap(fx.p, A, 8 * KB, 12 * KB, 0, 0), A);
	CHECK_STR(fx_maps(fx.p), "10000000-10003000 rw-p 00000000 00:00 0 \n");
	/* Blocked: ENOMEM without MAYMOVE, a move with it. */
	CHECK_EQ(mmk_mmap(fx.p, A + 12 * KB, 4 * KB, MMK_PROT_READ, PA, -1, 0), A + 12 * KB);
	CHECK_EQ(mmk_mremap(fx.p, A, 12 * KB, 16 * KB, 0, 0), -ENOMEM);
	int64_t n = mmk_mremap(fx.p, A, 12 * KB, 16 * KB, MMK_MREMAP_MAYMOVE, 0);
	CHECK_EQ(n, BASE - 16 * KB);
	CHECK_STR(fx_maps(fx.p), "10003000-10004000 r--p 00000000 00:00 0 \n"
				 "7ffff7ffb000-7ffff7fff000 rw-p 00000000 00:00 0 \n");
	CHECK(!fx_done(&fx));
}

TEST(mremap_fixed_and_dontunmap)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_mmap(fx.p, A, 8 * KB, RW, PA, -1, 0), A);
	CHECK_EQ(mmk_mmap(fx.p, A + 0x100000, 4 * KB, MMK_PROT_READ, PA, -1, 0), A + 0x100000);
	/* FIXED replaces what is at the target. */
	CHECK_EQ(mmk_mremap(fx.p, A, 8 * KB, 8 * KB, MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED,
			    A + 0x100000),
		 A + 0x100000);
	CHECK_STR(fx_maps(fx.p), "10100000-10102000 rw-p 00000000 00:00 0 \n");
	/* DONTUNMAP keeps the source mapped (and empty). */
	int64_t d = mmk_mremap(fx.p, A + 0x100000, 8 * KB, 8 * KB,
			       MMK_MREMAP_MAYMOVE | MMK_MREMAP_DONTUNMAP, 0);
	CHECK_EQ(d, BASE - 8 * KB);
	CHECK_EQ(count_vmas(fx.p), 2);
	CHECK(!fx_done(&fx));
}

TEST(mremap_errors)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_mmap(fx.p, A, 8 * KB, RW, PA, -1, 0), A);
	CHECK_EQ(mmk_mremap(fx.p, A, 8 * KB, 8 * KB, 8, 0), -EINVAL);	  /* unknown flag */
	CHECK_EQ(mmk_mremap(fx.p, A + 1, 4 * KB, 8 * KB, 0, 0), -EINVAL); /* unaligned */
	CHECK_EQ(mmk_mremap(fx.p, A, 8 * KB, 0, 0, 0), -EINVAL);	  /* new_len 0 */
	CHECK_EQ(mmk_mremap(fx.p, A, 8 * KB, 8 * KB, MMK_MREMAP_FIXED, A + 0x100000), -EINVAL);
	CHECK_EQ(mmk_mremap(fx.p, A, 8 * KB, 4 * KB, MMK_MREMAP_MAYMOVE | MMK_MREMAP_DONTUNMAP, 0),
		 -EINVAL); /* resize */
	CHECK_EQ(
	    mmk_mremap(fx.p, A, 8 * KB, 8 * KB, MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED, A + 4 * KB),
	    -EINVAL); /* overlap */
	CHECK_EQ(mmk_mremap(fx.p, 0x50000000, 4 * KB, 8 * KB, MMK_MREMAP_MAYMOVE, 0), -EFAULT);
	CHECK_EQ(mmk_mremap(fx.p, A, 16 * KB, 32 * KB, MMK_MREMAP_MAYMOVE, 0), -EFAULT);
	/* old_len 0 duplicates only shared mappings. */
	CHECK_EQ(mmk_mremap(fx.p, A, 0, 8 * KB, MMK_MREMAP_MAYMOVE, 0), -EINVAL);
	int64_t s = mmk_mmap(fx.p, 0, 8 * KB, RW, MMK_MAP_SHARED | MMK_MAP_ANONYMOUS, -1, 0);
	CHECK(s > 0);
	int64_t dup = mmk_mremap(fx.p, (uint64_t)s, 0, 8 * KB, MMK_MREMAP_MAYMOVE, 0);
	CHECK(dup > 0 && dup != s);
	CHECK(!fx_done(&fx));
}

TEST(brk_grows_shrinks_and_names_the_heap)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_set_brk_base(fx.p, 0x4c5000), 0);
	CHECK_EQ(mmk_brk(fx.p, 0), 0x4c5000);
	CHECK_EQ(mmk_brk(fx.p, 0x4c5000 + 8192 + 10), 0x4c5000 + 8192 + 10);
	CHECK_STR(fx_maps(fx.p), "004c5000-004c8000 rw-p 00000000 00:00 0 "
				 "                                 [heap]\n");
	CHECK_EQ(mmk_brk(fx.p, 0x4c5000 + 4096), 0x4c5000 + 4096);
	CHECK_STR(fx_maps(fx.p), "004c5000-004c6000 rw-p 00000000 00:00 0 "
				 "                                 [heap]\n");
	/* Below the start: refused, the old break comes back. */
	CHECK_EQ(mmk_brk(fx.p, 0x400000), 0x4c5000 + 4096);
	/* A mapping two pages above: growing to touch it needs a page gap. */
	CHECK_EQ(mmk_mmap(fx.p, 0x4c8000, 4096, RW, PA, -1, 0), 0x4c8000);
	CHECK_EQ(mmk_brk(fx.p, 0x4c8000), 0x4c5000 + 4096);
	CHECK_EQ(mmk_brk(fx.p, 0x4c7000), 0x4c7000);
	CHECK(!fx_done(&fx));
}

TEST(merge_file_mappings_need_same_open_and_contiguous_offsets)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 16384, 'a');
	int fd1 = mmk_open(fx.p, "f", MMK_O_RDONLY, 0);
	int fd2 = mmk_open(fx.p, "f", MMK_O_RDONLY, 0);
	int fd3 = mmk_dup(fx.p, fd1);
	int ro = MMK_PROT_READ, sh = MMK_MAP_SHARED | MMK_MAP_FIXED;
	/* Contiguous offsets through one open: one VMA. */
	CHECK_EQ(mmk_mmap(fx.p, A, 4096, ro, sh, fd1, 0), A);
	CHECK_EQ(mmk_mmap(fx.p, A + 4096, 4096, ro, sh, fd1, 4096), A + 4096);
	CHECK_EQ(count_vmas(fx.p), 1);
	/* A dup'd fd is the same open file description: merges. */
	CHECK_EQ(mmk_mmap(fx.p, A + 8192, 4096, ro, sh, fd3, 8192), A + 8192);
	CHECK_EQ(count_vmas(fx.p), 1);
	/* A second open of the same file never merges. */
	CHECK_EQ(mmk_mmap(fx.p, A + 12288, 4096, ro, sh, fd2, 12288), A + 12288);
	CHECK_EQ(count_vmas(fx.p), 2);
	/* Non-contiguous offset: no merge. */
	CHECK_EQ(mmk_mmap(fx.p, A + 0x10000, 4096, ro, sh, fd1, 0), A + 0x10000);
	CHECK_EQ(mmk_mmap(fx.p, A + 0x11000, 4096, ro, sh, fd1, 8192), A + 0x11000);
	CHECK_EQ(count_vmas(fx.p), 4);
	CHECK(!fx_done(&fx));
}

TEST(merge_needs_equal_flags_and_names)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_mmap(fx.p, A, 4096, RW, PA, -1, 0), A);
	CHECK_EQ(mmk_mmap(fx.p, A + 4096, 4096, MMK_PROT_READ, PA, -1, 0), A + 4096);
	CHECK_EQ(count_vmas(fx.p), 2);
	/* MAP_NORESERVE changes VM_NORESERVE/VM_ACCOUNT: no merge. */
	CHECK_EQ(mmk_mmap(fx.p, A + 8192, 4096, MMK_PROT_READ, PA | MMK_MAP_NORESERVE, -1, 0),
		 A + 8192);
	CHECK_EQ(count_vmas(fx.p), 3);
	/* Names: a named VMA does not merge with an unnamed one. */
	CHECK_EQ(mmk_mmap(fx.p, A + 0x10000, 8192, RW, PA, -1, 0), A + 0x10000);
	CHECK_EQ(mmk_set_anon_name(fx.p, A + 0x10000, 4096, "buf"), 0);
	CHECK_EQ(count_vmas(fx.p), 5);
	CHECK_EQ(mmk_set_anon_name(fx.p, A + 0x11000, 4096, "buf"), 0);
	CHECK_EQ(count_vmas(fx.p), 4);
	CHECK(strstr(fx_maps(fx.p), "10010000-10012000 rw-p 00000000 00:00 0 "
				    "                                 [anon:buf]\n"));
	CHECK(!fx_done(&fx));
}

TEST(madvise_flag_advice_splits_and_merges)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_mmap(fx.p, A, 12 * KB, RW, PA, -1, 0), A);
	CHECK_EQ(mmk_madvise(fx.p, A + 4096, 4096, MMK_MADV_DONTFORK), 0);
	CHECK_EQ(count_vmas(fx.p), 3);
	CHECK_EQ(mmk_madvise(fx.p, A + 4096, 4096, MMK_MADV_DOFORK), 0);
	CHECK_EQ(count_vmas(fx.p), 1);
	CHECK_EQ(mmk_madvise(fx.p, A, 4096, MMK_MADV_WIPEONFORK), 0);
	CHECK_EQ(count_vmas(fx.p), 2);
	/* Holes are skipped and reported at the end. */
	CHECK_EQ(mmk_madvise(fx.p, A, 0x100000, MMK_MADV_KEEPONFORK), -ENOMEM);
	CHECK_EQ(count_vmas(fx.p), 1);
	CHECK_EQ(mmk_madvise(fx.p, A + 1, 4096, MMK_MADV_NORMAL), -EINVAL);
	CHECK_EQ(mmk_madvise(fx.p, A, 4096, 77), -EINVAL);
	/* WIPEONFORK is for private anonymous memory only. */
	fx_file(&fx, "f", 4096, 'a');
	int fd = mmk_open(fx.p, "f", MMK_O_RDWR, 0);
	int64_t f = mmk_mmap(fx.p, 0, 4096, RW, MMK_MAP_PRIVATE, fd, 0);
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)f, 4096, MMK_MADV_WIPEONFORK), -EINVAL);
	CHECK(!fx_done(&fx));
}

TEST(mlock_sets_vm_locked_and_respects_the_limit)
{
	struct fixture fx;
	struct mmk_config c = {.memlock_rlimit = 64 * KB};
	CHECK(!fx_init_cfg(&fx, &c));
	CHECK_EQ(mmk_mmap(fx.p, A, 32 * KB, RW, PA, -1, 0), A);
	CHECK_EQ(mmk_mlock(fx.p, A + 4096, 8192), 0);
	CHECK_EQ(count_vmas(fx.p), 3);
	CHECK(strstr(status_line(fx.p, "VmLck:"), "8 kB"));
	CHECK_EQ(mmk_munlock(fx.p, A, 32 * KB), 0);
	CHECK_EQ(count_vmas(fx.p), 1);
	/* Over RLIMIT_MEMLOCK: EAGAIN for MAP_LOCKED, ENOMEM for mlock. */
	CHECK_EQ(mmk_mmap(fx.p, 0, 128 * KB, RW, PA | MMK_MAP_LOCKED, -1, 0), -EAGAIN);
	CHECK_EQ(mmk_mmap(fx.p, 0x20000000, 128 * KB, RW, PA, -1, 0), 0x20000000);
	CHECK_EQ(mmk_mlock(fx.p, 0x20000000, 128 * KB), -ENOMEM);
	/* A hole: ENOMEM. */
	CHECK_EQ(mmk_mlock(fx.p, 0x30000000, 4096), -ENOMEM);
	CHECK_EQ(mmk_mlockall(fx.p, 0), -EINVAL);
	CHECK_EQ(mmk_mlockall(fx.p, MMK_MCL_FUTURE), 0);
	int64_t l = mmk_mmap(fx.p, 0, 4096, RW, PA, -1, 0);
	CHECK(l > 0);
	CHECK(strstr(status_line(fx.p, "VmLck:"), "4 kB"));
	CHECK_EQ(mmk_munlockall(fx.p), 0);
	CHECK(!fx_done(&fx));
}

TEST(maps_format_files_deleted_and_shared_anonymous)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "data.bin", 8192, 'a');
	char path[256], want[1024];
	snprintf(path, sizeof(path), "%s/data.bin", fx.dir);
	struct stat st;
	CHECK(stat(path, &st) == 0);
	int fd = mmk_open(fx.p, "data.bin", MMK_O_RDONLY, 0);
	CHECK_EQ(mmk_mmap(fx.p, A, 4096, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 4096), A);
	char head[128];
	int n = snprintf(head, sizeof(head), "10000000-10001000 r--p 00001000 %02x:%02x %lu ",
			 major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);
	snprintf(want, sizeof(want), "%s%*s%s\n", head, 73 - n, "", path);
	CHECK_STR(fx_maps(fx.p), want);
	/* Unlinked: the mapping keeps the file, maps says so. */
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	CHECK_EQ(mmk_unlink(fx.p, "data.bin"), 0);
	snprintf(want, sizeof(want), "%s%*s%s (deleted)\n", head, 73 - n, "", path);
	CHECK_STR(fx_maps(fx.p), want);
	CHECK_EQ(mmk_munmap(fx.p, A, 4096), 0);
	/* Shared anonymous memory is /dev/zero (deleted) on device 00:01. */
	CHECK_EQ(mmk_mmap(fx.p, A, 4096, RW, MMK_MAP_SHARED | MMK_MAP_ANONYMOUS, -1, 0), A);
	const char *m = fx_maps(fx.p);
	CHECK(!strncmp(m, "10000000-10001000 rw-s 00000000 00:01 ", 38));
	CHECK(strstr(m, " /dev/zero (deleted)\n"));
	CHECK_EQ((int)(strstr(m, "/dev/zero") - m), 73);
	CHECK(!fx_done(&fx));
}

/* ---- split and merge as single tree operations -------------------------------- */

/*
 * A model of a 64-page window of private anonymous memory that is never
 * touched: each page is unmapped (-1) or has a protection.  Without pages
 * there is no anon_vma, so a VMA's flags follow from its protection alone
 * (VM_ACCOUNT exactly when writable), and Linux's rules then keep every
 * maximal run of equal protection as one VMA: mmap merges with both
 * neighbours, mprotect merges what it changes with both, munmap only cuts.
 */
#define WIN_PAGES 64
struct win_model {
	int prot[WIN_PAGES];
};

static int win_rand(uint64_t *s, int n)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int)((*s >> 33) % (uint64_t)n);
}

/* The maps lines the model says the window must show, in order. */
static void win_expect(const struct win_model *m, char *out, size_t len)
{
	static const char *perm[] = {"---p", "r--p", "", "rw-p"};
	size_t used = 0;
	out[0] = 0;
	for (int i = 0; i < WIN_PAGES;) {
		int j = i;
		while (j < WIN_PAGES && m->prot[j] == m->prot[i])
			j++;
		if (m->prot[i] >= 0) {
			uint64_t a = A + (uint64_t)i * 4096, e = A + (uint64_t)j * 4096;
			used += (size_t)snprintf(
			    out + used, len - used, "%08llx-%08llx %s 00000000 00:00 0 \n",
			    (unsigned long long)a, (unsigned long long)e, perm[m->prot[i]]);
		}
		i = j;
	}
}

/* mprotect on the model: -ENOMEM at once if the first page is unmapped,
 * else pages change until the first hole, which then fails the call. */
static int win_mprotect(struct win_model *m, int s, int e, int prot)
{
	if (m->prot[s] < 0)
		return -ENOMEM;
	for (int i = s; i < e; i++) {
		if (m->prot[i] < 0)
			return -ENOMEM;
		m->prot[i] = prot;
	}
	return 0;
}

/*
 * Random mmap(MAP_FIXED) / munmap / mprotect over the window, each checked
 * against the model (the VMAs it must leave, the return value) and against
 * every invariant (the tree's gaps and colours, accounting, i_mmap): the
 * paths that split, merge, move a boundary, fill a hole and link next to a
 * known neighbour, as single tree operations.
 */
TEST(random_vma_ops_match_the_merge_model)
{
	static const int prots[] = {MMK_PROT_NONE, MMK_PROT_READ, RW};
	struct fixture fx;
	struct win_model m;
	char want[8192];
	uint64_t seed = 12345;
	CHECK(!fx_init(&fx));
	for (int i = 0; i < WIN_PAGES; i++)
		m.prot[i] = -1;
	for (int step = 0; step < 3000 && !t_failed_now; step++) {
		/* a range of up to the rest of the window, often much less */
		int s = win_rand(&seed, WIN_PAGES), shrink = 1 + win_rand(&seed, 4);
		int e = s + 1 + win_rand(&seed, 1 + (WIN_PAGES - s - 1) / shrink);
		int pi = win_rand(&seed, 3), prot = prots[pi];
		int pidx = pi == 2 ? 3 : pi; /* the model's index into perm[] */
		uint64_t a = A + (uint64_t)s * 4096, len = (uint64_t)(e - s) * 4096;
		int64_t got = 0, exp = 0;
		switch (win_rand(&seed, 3)) {
		case 0:
			got = mmk_mmap(fx.p, a, len, prot, PA | MMK_MAP_FIXED, -1, 0);
			exp = (int64_t)a;
			for (int i = s; i < e; i++)
				m.prot[i] = pidx;
			break;
		case 1:
			got = mmk_munmap(fx.p, a, len);
			for (int i = s; i < e; i++)
				m.prot[i] = -1;
			break;
		default:
			got = mmk_mprotect(fx.p, a, len, prot);
			exp = win_mprotect(&m, s, e, pidx);
			break;
		}
		if (got != exp)
			T_FAIL("step %d: got %lld, want %lld", step, (long long)got,
			       (long long)exp);
		win_expect(&m, want, sizeof(want));
		if (strcmp(fx_maps(fx.p), want))
			T_FAIL("step %d: maps\n%s\nwant\n%s", step, fx_maps(fx.p), want);
		CHECK(!fx_check(&fx));
	}
	CHECK(!fx_done(&fx));
}

/* The benchmark's shape (docs/PERFORMANCE.md) with pages behind it: a VMA
 * among many, its middle page mprotected and back, unmapped and mapped
 * back.  Contents survive every split and merge; the new page is zero. */
TEST(split_and_merge_keep_pages_among_many_vmas)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	for (uint64_t i = 0; i < 200; i++)
		CHECK_EQ(mmk_mmap(fx.p, A + i * 4 * 4096, 4 * 4096, (i & 1) ? MMK_PROT_READ : RW,
				  PA | MMK_MAP_FIXED, -1, 0),
			 A + i * 4 * 4096);
	uint64_t v = A + 100 * 4 * 4096, t = v + 4096;
	for (int i = 0; i < 4; i++) {
		uint8_t b = (uint8_t)(0x10 + i);
		CHECK_EQ(mmk_store(fx.p, v + (uint64_t)i * 4096, &b, 1, NULL), 0);
	}
	for (int round = 0; round < 50 && !t_failed_now; round++) {
		CHECK_EQ(mmk_mprotect(fx.p, t, 4096, MMK_PROT_READ), 0);
		CHECK_EQ(count_vmas(fx.p), 202);
		CHECK_EQ(mmk_mprotect(fx.p, t, 4096, RW), 0);
		CHECK_EQ(count_vmas(fx.p), 200);
		CHECK_EQ(mmk_munmap(fx.p, t, 4096), 0);
		CHECK_EQ(count_vmas(fx.p), 201);
		CHECK_EQ(mmk_mmap(fx.p, t, 4096, RW, PA | MMK_MAP_FIXED, -1, 0), t);
		CHECK_EQ(count_vmas(fx.p), 200);
		for (int i = 0; i < 4; i++) {
			uint8_t b = 0xff;
			CHECK_EQ(mmk_load(fx.p, v + (uint64_t)i * 4096, &b, 1, NULL), 0);
			CHECK_EQ(b, i == 1 ? 0 : 0x10 + i);
		}
		uint8_t b = (uint8_t)(0x11);
		CHECK_EQ(mmk_store(fx.p, t, &b, 1, NULL), 0); /* the page back as it was */
		CHECK(!fx_check(&fx));
	}
	CHECK(!fx_done(&fx));
}

/* The same on a shared file mapping: the pieces go on and off the file's
 * i_mmap with the tree (the invariant check matches them), and the edge
 * cases of a merge: growing into the next VMA, and the previous one. */
TEST(split_and_merge_a_file_mapping)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 16 * 4096, -1);
	int fd = mmk_open(fx.p, "f", MMK_O_RDWR, 0);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_mmap(fx.p, A, 8 * 4096, RW, MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 0), A);
	uint8_t b;
	CHECK_EQ(mmk_load(fx.p, A + 3 * 4096 + 5, &b, 1, NULL), 0);
	CHECK_EQ(b, 5);
	CHECK_EQ(mmk_mprotect(fx.p, A + 2 * 4096, 2 * 4096, MMK_PROT_READ), 0);
	CHECK_EQ(count_vmas(fx.p), 3);
	CHECK(!fx_check(&fx));
	/* Grow the read-only piece down by a page (the boundary moves). */
	CHECK_EQ(mmk_mprotect(fx.p, A + 4096, 4096, MMK_PROT_READ), 0);
	CHECK_EQ(count_vmas(fx.p), 3);
	CHECK(strstr(fx_maps(fx.p), "10001000-10004000 r--s 00001000"));
	/* And the next piece down into it (again). */
	CHECK_EQ(mmk_mprotect(fx.p, A + 3 * 4096, 4096, RW), 0);
	CHECK(strstr(fx_maps(fx.p), "10003000-10008000 rw-s 00003000"));
	CHECK(!fx_check(&fx));
	/* Back to one VMA; the data is the file's. */
	CHECK_EQ(mmk_mprotect(fx.p, A + 4096, 2 * 4096, RW), 0);
	CHECK_EQ(count_vmas(fx.p), 1);
	CHECK_EQ(mmk_load(fx.p, A + 2 * 4096 + 7, &b, 1, NULL), 0);
	CHECK_EQ(b, 7);
	/* A hole and the same file mapped back into it: merged with both. */
	CHECK_EQ(mmk_munmap(fx.p, A + 4 * 4096, 4096), 0);
	CHECK_EQ(count_vmas(fx.p), 2);
	CHECK_EQ(
	    mmk_mmap(fx.p, A + 4 * 4096, 4096, RW, MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 4 * 4096),
	    A + 4 * 4096);
	CHECK_EQ(count_vmas(fx.p), 1);
	CHECK(!fx_check(&fx));
	CHECK(!fx_done(&fx));
}

T_MAIN
