/*
 * test_vmg.c - the VMA merge machinery (src/mm/vma.c: struct vmg,
 * vma_merge_new_range, vma_merge_existing_range, __vma_split, vma_modify)
 * case by case, in the spirit of Linux's tools/testing/vma/vma.c
 * (test_merge_new, test_vma_merge_with_close, test_merge_existing,
 * test_anon_vma_non_mergeable, test_dup_anon_vma): prev/middle/next merges
 * and every reason not to merge, and an allocation failing in the middle
 * of a merge or split (the system's countdown), which must leave the VMAs
 * exactly as they were.
 *
 * The VMAs are made through mmk_mmap (MAP_NORESERVE, so no commit charge
 * moves when a test grows one), then the merge functions are called
 * directly under mmap_lock, as mmap_region and vma_modify call them.
 */
#include <errno.h>
#include <stdbool.h>

#include "mmk_test.h"

#include "internal.h"
#include "vma.h"

#define PG 4096ULL
#define A  0x40000000ULL /* where each test lays out its VMAs */
#define PN (PA | MMK_MAP_NORESERVE | MMK_MAP_FIXED)

/* A mapping of pages [first, first + n) from A; written when touch. */
static struct vma *map_at(struct fixture *fx, unsigned first, unsigned n, int prot, bool touch)
{
	uint64_t a = A + first * PG;
	if (mmk_mmap(fx->p, a, n * PG, prot, PN, -1, 0) != (int64_t)a)
		return NULL;
	if (touch && mmk_fill(fx->p, a, 0x11, n * PG, NULL))
		return NULL;
	return find_vma(fx->p->mm, a);
}

/* A vmg for the new range [first, first + n) between prev and next, with
 * prev's attributes (or next's) and a contiguous pgoff. */
static struct vmg vmg_new(struct vma *prev, struct vma *next, unsigned first, unsigned n)
{
	struct vma *like = prev ? prev : next;
	struct vmg g = {
	    .prev = prev,
	    .next = next,
	    .start = A + first * PG,
	    .end = A + (first + n) * PG,
	    .pgoff = (A >> 12) + first,
	    .flags = like->flags,
	    .file = like->file,
	};
	return g;
}

/* Runs vma_merge_new_range under mmap_lock (it accounts the pages it adds). */
static struct vma *merge_new(struct fixture *fx, struct vmg *g)
{
	struct mm *mm = fx->p->mm;
	mmap_write_lock(mm);
	struct vma *v = vma_merge_new_range(mm, g);
	mmap_write_unlock(mm);
	return v;
}

/* vma_merge_existing_range for [first, first + n) of mid with new flags. */
static struct vma *merge_existing(struct fixture *fx, struct vma *mid, unsigned first, unsigned n,
				  uint64_t flags, struct vmg *g)
{
	struct mm *mm = fx->p->mm;
	*g = (struct vmg){
	    .middle = mid,
	    .start = A + first * PG,
	    .end = A + (first + n) * PG,
	    .pgoff = mid->pgoff + ((A + first * PG - vma_start(mid)) >> 12),
	    .flags = flags,
	    .file = mid->file,
	    .anon_name = mid->anon_name,
	};
	mmap_write_lock(mm);
	struct vma *v = vma_merge_existing_range(mm, g);
	mmap_write_unlock(mm);
	return v;
}

static int nvmas(struct fixture *fx)
{
	return (int)fx->p->mm->vmas.count;
}

#define CHECK_SPAN(v, first, last)                                                                 \
	do {                                                                                       \
		CHECK((v) != NULL);                                                                \
		CHECK_EQ(vma_start(v), A + (first)*PG);                                            \
		CHECK_EQ(vma_end(v), A + (last)*PG);                                               \
	} while (0)

/* ---- new range: vma_merge_new_range ------------------------------------- */

TEST(new_merges_prev)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *prev = map_at(&fx, 0, 2, RW, true);
	CHECK(prev);
	struct vmg g = vmg_new(prev, NULL, 2, 2);
	CHECK(merge_new(&fx, &g) == prev);
	CHECK_SPAN(prev, 0, 4);
	CHECK_EQ(nvmas(&fx), 1);
	CHECK(fx_done(&fx) == 0);
}

TEST(new_merges_next)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *next = map_at(&fx, 4, 2, RW, false);
	CHECK(next);
	struct vmg g = vmg_new(NULL, next, 2, 2);
	CHECK(merge_new(&fx, &g) == next);
	CHECK_SPAN(next, 2, 6);
	CHECK_EQ(next->pgoff, (A >> 12) + 2);
	CHECK(fx_done(&fx) == 0);
}

TEST(new_merges_prev_and_next)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *prev = map_at(&fx, 0, 2, RW, true);
	struct vma *next = map_at(&fx, 4, 2, RW, false);
	CHECK(prev && next);
	CHECK_EQ(nvmas(&fx), 2);
	struct vmg g = vmg_new(prev, next, 2, 2);
	CHECK(merge_new(&fx, &g) == prev);
	CHECK_SPAN(prev, 0, 6);
	CHECK_EQ(nvmas(&fx), 1);
	CHECK(fx_done(&fx) == 0);
}

/* prev has an anon_vma, next none: both merge, prev's anon_vma covers all. */
TEST(new_merges_both_one_anon_vma)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *prev = map_at(&fx, 0, 2, RW, false);
	struct vma *next = map_at(&fx, 4, 2, RW, true);
	CHECK(prev && next && !prev->anon_vma && next->anon_vma);
	struct anon_vma *av = next->anon_vma;
	struct vmg g = vmg_new(prev, next, 2, 2);
	CHECK(merge_new(&fx, &g) == prev);
	CHECK(prev->anon_vma == av); /* dup_anon_vma gave prev next's */
	CHECK_SPAN(prev, 0, 6);
	CHECK(fx_done(&fx) == 0);
}

TEST(new_no_merge_flags_differ)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *prev = map_at(&fx, 0, 2, RW, false);
	struct vma *next = map_at(&fx, 4, 2, MMK_PROT_READ, false);
	CHECK(prev && next);
	struct vmg g = vmg_new(prev, next, 2, 2);
	g.flags = next->flags & ~VM_WRITE & ~VM_READ; /* neither's flags */
	CHECK(merge_new(&fx, &g) == NULL);
	CHECK(!g.nomem);
	/* next's flags: merges right only */
	g = vmg_new(prev, next, 2, 2);
	g.flags = next->flags;
	CHECK(merge_new(&fx, &g) == next);
	CHECK_SPAN(next, 2, 6);
	CHECK_SPAN(prev, 0, 2);
	CHECK(fx_done(&fx) == 0);
}

TEST(new_no_merge_special)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *prev = map_at(&fx, 0, 2, RW, false);
	CHECK(prev);
	uint64_t special[] = {VM_IO, VM_PFNMAP, VM_DONTEXPAND, VM_MIXEDMAP};
	for (unsigned i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		struct vmg g = vmg_new(prev, NULL, 2, 2);
		g.flags |= special[i];
		CHECK(merge_new(&fx, &g) == NULL);
		CHECK(!g.nomem);
	}
	CHECK_SPAN(prev, 0, 2);
	CHECK(fx_done(&fx) == 0);
}

/* The new range's pgoff does not continue prev's, nor lead into next's. */
TEST(new_no_merge_pgoff_discontiguous)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *prev = map_at(&fx, 0, 2, RW, false);
	struct vma *next = map_at(&fx, 4, 2, RW, false);
	CHECK(prev && next);
	struct vmg g = vmg_new(prev, next, 2, 2);
	g.pgoff += 1;
	CHECK(merge_new(&fx, &g) == NULL);
	CHECK(!g.nomem);
	CHECK_EQ(nvmas(&fx), 2);
	CHECK(fx_done(&fx) == 0);
}

/* A file mapping: pgoff must be contiguous in the file, and the file the same. */
TEST(new_file_pgoff_and_file)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	fx_file(&fx, "f", 16 * PG, -1);
	int fd = mmk_open(fx.p, "f", MMK_O_RDWR, 0);
	CHECK(fd >= 0);
	CHECK(mmk_mmap(fx.p, A, 2 * PG, MMK_PROT_READ, MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 0) ==
	      (int64_t)A);
	struct vma *prev = find_vma(fx.p->mm, A);
	CHECK(prev && prev->file);
	struct vmg g = vmg_new(prev, NULL, 2, 2);
	g.pgoff = prev->pgoff + 3; /* file page 3, not 2 */
	CHECK(merge_new(&fx, &g) == NULL);
	g = vmg_new(prev, NULL, 2, 2);
	g.pgoff = prev->pgoff + 2;
	g.file = NULL; /* anonymous memory after a file mapping */
	CHECK(merge_new(&fx, &g) == NULL);
	g = vmg_new(prev, NULL, 2, 2);
	g.pgoff = prev->pgoff + 2;
	CHECK(merge_new(&fx, &g) == prev);
	CHECK_SPAN(prev, 0, 4);
	mmk_close(fx.p, fd);
	CHECK(fx_done(&fx) == 0);
}

TEST(new_no_merge_anon_name_differs)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *prev = map_at(&fx, 0, 2, RW, false);
	CHECK(prev);
	CHECK(mmk_set_anon_name(fx.p, A, 2 * PG, "heap") == 0);
	prev = find_vma(fx.p->mm, A);
	struct vmg g = vmg_new(prev, NULL, 2, 2);
	g.anon_name = "other";
	CHECK(merge_new(&fx, &g) == NULL);
	g.anon_name = "heap";
	CHECK(merge_new(&fx, &g) == prev);
	CHECK(fx_done(&fx) == 0);
}

/* prev and next carry different anon_vmas: they cannot become one VMA, so
 * the range joins prev only (test_anon_vma_non_mergeable). */
TEST(new_anon_vmas_differ_merges_prev_only)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *prev = map_at(&fx, 0, 2, RW, true);
	struct vma *next = map_at(&fx, 4, 2, RW, true);
	CHECK(prev && next && prev->anon_vma && next->anon_vma);
	CHECK(prev->anon_vma != next->anon_vma);
	struct vmg g = vmg_new(prev, next, 2, 2);
	CHECK(merge_new(&fx, &g) == prev);
	CHECK_SPAN(prev, 0, 4);
	CHECK_SPAN(next, 4, 6);
	CHECK_EQ(nvmas(&fx), 2);
	CHECK(fx_done(&fx) == 0);
}

/* just_expand (brk, mremap): only prev is tried. */
TEST(new_just_expand_ignores_next)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *next = map_at(&fx, 4, 2, RW, false);
	CHECK(next);
	struct vmg g = vmg_new(NULL, next, 2, 2);
	g.just_expand = true;
	CHECK(merge_new(&fx, &g) == NULL);
	CHECK_SPAN(next, 4, 6);
	CHECK(fx_done(&fx) == 0);
}

/* A forked child's VMA is chained to its parent's anon_vma: a range without
 * an anon_vma does not join it (is_mergeable_anon_vma's list check). */
TEST(new_no_merge_fork_child)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	CHECK(map_at(&fx, 0, 2, RW, true));
	mmk_proc *c = NULL;
	CHECK(mmk_fork(fx.p, &c) > 0);
	struct fixture cfx = fx;
	cfx.p = c;
	struct vma *prev = find_vma(c->mm, A);
	CHECK(prev && prev->anon_vma && prev->anon_vma_chain->same_vma_next);
	struct vmg g = vmg_new(prev, NULL, 2, 2);
	CHECK(merge_new(&cfx, &g) == NULL);
	CHECK(!g.nomem);
	mmk_exit(c);
	CHECK(fx_done(&fx) == 0);
}

/* Both merge, next's anon_vma must be cloned onto prev: the allocation
 * fails, and nothing changed (vma_merge_new_range's -ENOMEM path). */
TEST(new_merge_nomem_changes_nothing)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *prev = map_at(&fx, 0, 2, RW, false);
	struct vma *next = map_at(&fx, 4, 2, RW, true);
	CHECK(prev && next && next->anon_vma);
	struct vmg g = vmg_new(prev, next, 2, 2);
	mmk_system_fail_after(fx.sys, 0, 0);
	CHECK(merge_new(&fx, &g) == NULL);
	CHECK_EQ(mmk_system_failures(fx.sys), 1);
	mmk_system_fail_after(fx.sys, -1, 0);
	CHECK(g.nomem);
	CHECK(!prev->anon_vma && !prev->anon_vma_chain);
	CHECK_SPAN(prev, 0, 2);
	CHECK_SPAN(next, 4, 6);
	CHECK_EQ(nvmas(&fx), 2);
	CHECK(fx_check(&fx) == 0);
	/* and the same merge works once memory is there */
	g = vmg_new(prev, next, 2, 2);
	CHECK(merge_new(&fx, &g) == prev);
	CHECK_SPAN(prev, 0, 6);
	CHECK(fx_done(&fx) == 0);
}

/* ---- existing range: vma_merge_existing_range (mprotect, mlock...) ------ */

/* prev RW | mid RO | next RW: mid made RW merges all three into prev. */
TEST(existing_merges_prev_mid_next)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *prev = map_at(&fx, 0, 2, RW, true);
	struct vma *mid = map_at(&fx, 2, 2, MMK_PROT_READ, false);
	struct vma *next = map_at(&fx, 4, 2, RW, false);
	CHECK(prev && mid && next);
	CHECK_EQ(nvmas(&fx), 3);
	struct vmg g;
	CHECK(merge_existing(&fx, mid, 2, 2, prev->flags, &g) == prev);
	CHECK_SPAN(prev, 0, 6);
	CHECK_EQ(nvmas(&fx), 1);
	CHECK(fx_done(&fx) == 0);
}

/* The left part of mid takes prev's flags: the boundary moves right. */
TEST(existing_left_part_joins_prev)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *prev = map_at(&fx, 0, 2, RW, true);
	struct vma *mid = map_at(&fx, 2, 4, MMK_PROT_READ, false);
	CHECK(prev && mid);
	struct vmg g;
	CHECK(merge_existing(&fx, mid, 2, 1, prev->flags, &g) == prev);
	CHECK_SPAN(prev, 0, 3);
	CHECK_SPAN(mid, 3, 6);
	CHECK_EQ(mid->pgoff, (A >> 12) + 3);
	CHECK_EQ(nvmas(&fx), 2);
	CHECK(fx_done(&fx) == 0);
}

/* The right part of mid takes next's flags: the boundary moves left. */
TEST(existing_right_part_joins_next)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *mid = map_at(&fx, 0, 4, MMK_PROT_READ, false);
	struct vma *next = map_at(&fx, 4, 2, RW, true);
	CHECK(mid && next);
	struct vmg g;
	CHECK(merge_existing(&fx, mid, 3, 1, next->flags, &g) == next);
	CHECK_SPAN(mid, 0, 3);
	CHECK_SPAN(next, 3, 6);
	CHECK_EQ(next->pgoff, (A >> 12) + 3);
	CHECK(fx_done(&fx) == 0);
}

/* A range inside mid touching neither end: no merge (the caller splits). */
TEST(existing_inner_range_no_merge)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *prev = map_at(&fx, 0, 2, RW, false);
	struct vma *mid = map_at(&fx, 2, 4, MMK_PROT_READ, false);
	CHECK(prev && mid);
	struct vmg g;
	CHECK(merge_existing(&fx, mid, 3, 2, prev->flags, &g) == NULL);
	CHECK(!g.nomem);
	CHECK_EQ(nvmas(&fx), 2);
	CHECK(fx_done(&fx) == 0);
}

/* mid's new flags match nobody, or are VM_SPECIAL: no merge. */
TEST(existing_no_merge_flags_or_special)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *prev = map_at(&fx, 0, 2, RW, false);
	struct vma *mid = map_at(&fx, 2, 2, MMK_PROT_READ, false);
	CHECK(prev && mid);
	struct vmg g;
	CHECK(merge_existing(&fx, mid, 2, 2, prev->flags & ~VM_READ, &g) == NULL);
	CHECK(merge_existing(&fx, mid, 2, 2, prev->flags | VM_IO, &g) == NULL);
	CHECK(!g.nomem);
	CHECK_EQ(nvmas(&fx), 2);
	CHECK(fx_done(&fx) == 0);
}

/* prev and next with different anon_vmas, mid made like both: mid joins
 * prev, next stays (the three cannot become one). */
TEST(existing_anon_vmas_differ)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *prev = map_at(&fx, 0, 2, RW, true);
	struct vma *mid = map_at(&fx, 2, 2, MMK_PROT_READ, false);
	struct vma *next = map_at(&fx, 4, 2, RW, true);
	CHECK(prev && mid && next && prev->anon_vma != next->anon_vma);
	struct vmg g;
	CHECK(merge_existing(&fx, mid, 2, 2, prev->flags, &g) == prev);
	CHECK_SPAN(prev, 0, 4);
	CHECK_SPAN(next, 4, 6);
	CHECK(fx_done(&fx) == 0);
}

/* mid has the anon_vma, prev none: the merge clones mid's chain onto prev,
 * and that allocation fails: nothing changed. */
TEST(existing_merge_nomem_changes_nothing)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	struct vma *prev = map_at(&fx, 0, 2, RW, false);
	struct vma *mid = map_at(&fx, 2, 2, RW | MMK_PROT_EXEC, true);
	CHECK(prev && mid && mid->anon_vma && !prev->anon_vma);
	uint64_t mid_flags = mid->flags;
	struct vmg g;
	mmk_system_fail_after(fx.sys, 0, 0);
	CHECK(merge_existing(&fx, mid, 2, 1, prev->flags, &g) == NULL);
	CHECK_EQ(mmk_system_failures(fx.sys), 1);
	mmk_system_fail_after(fx.sys, -1, 0);
	CHECK(g.nomem);
	CHECK(!prev->anon_vma && !prev->anon_vma_chain);
	CHECK_SPAN(prev, 0, 2);
	CHECK_SPAN(mid, 2, 4);
	CHECK_EQ(mid->flags, mid_flags);
	CHECK(fx_check(&fx) == 0);
	/* mprotect takes the same path and reports it */
	mmk_system_fail_after(fx.sys, 0, 0);
	CHECK_EQ(mmk_mprotect(fx.p, A + 2 * PG, PG, RW), -ENOMEM);
	mmk_system_fail_after(fx.sys, -1, 0);
	CHECK_EQ(nvmas(&fx), 2);
	CHECK_EQ(mmk_mprotect(fx.p, A + 2 * PG, PG, RW), 0);
	CHECK_EQ(nvmas(&fx), 2);
	CHECK_SPAN(find_vma(fx.p->mm, A), 0, 3);
	CHECK(fx_done(&fx) == 0);
}

/* ---- split ---------------------------------------------------------------- */

/* __vma_split fails at each of its allocations (the VMA, its name, the
 * anon_vma chain links): v is left whole each time. */
TEST(split_nomem_leaves_vma_whole)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	CHECK(map_at(&fx, 0, 4, RW, true));
	CHECK(mmk_set_anon_name(fx.p, A, 4 * PG, "n") == 0);
	mmk_proc *c = NULL;
	CHECK(mmk_fork(fx.p, &c) > 0); /* c's VMA: a chain of two links */
	struct mm *mm = c->mm;
	for (int64_t n = 0;; n++) {
		struct vma *v = find_vma(mm, A);
		CHECK(v);
		mmk_system_fail_after(fx.sys, n, 0);
		mmap_write_lock(mm);
		struct vma *s = __vma_split(mm, v, A + 2 * PG, false);
		mmap_write_unlock(mm);
		uint64_t hits = mmk_system_failures(fx.sys);
		mmk_system_fail_after(fx.sys, -1, 0);
		if (!hits) {
			CHECK(s != NULL);
			CHECK_SPAN(s, 2, 4);
			CHECK_SPAN(v, 0, 2);
			CHECK(n >= 3); /* VMA, name, two chain links */
			break;
		}
		CHECK(s == NULL);
		CHECK_SPAN(v, 0, 4);
		CHECK_EQ(mm->vmas.count, 1);
	}
	struct fixture cfx = fx;
	cfx.p = c;
	CHECK(fx_check(&cfx) == 0);
	mmk_exit(c);
	CHECK(fx_done(&fx) == 0);
}

/* vma_modify splitting both ends, failing each allocation in turn: the
 * second split may fail after the first succeeded.  -ENOMEM, the range keeps
 * its flags, and the VMAs left are whole and consistent (Linux keeps the
 * first split too). */
TEST(modify_split_fails)
{
	bool second_failed = false;
	for (int64_t n = 0;; n++) {
		struct fixture fx;
		CHECK(fx_init(&fx) == 0);
		struct vma *v = map_at(&fx, 0, 6, RW, true);
		CHECK(v);
		uint64_t flags = v->flags | VM_DONTCOPY; /* no PTE cares (MADV_DONTFORK) */
		int err = 0;
		struct mm *mm = fx.p->mm;
		mmk_system_fail_after(fx.sys, n, 0);
		mmap_write_lock(mm);
		struct vma *m = vma_modify(mm, v, A + 2 * PG, A + 4 * PG, flags, NULL, false, &err);
		mmap_write_unlock(mm);
		uint64_t hits = mmk_system_failures(fx.sys);
		mmk_system_fail_after(fx.sys, -1, 0);
		if (!hits) {
			CHECK(m && (m->flags & VM_DONTCOPY));
			CHECK_SPAN(m, 2, 4);
			CHECK_EQ(nvmas(&fx), 3);
			CHECK(fx_done(&fx) == 0);
			break;
		}
		CHECK(m == NULL);
		CHECK_EQ(err, -ENOMEM);
		second_failed |= nvmas(&fx) == 2;
		for (struct vma *w = find_vma(mm, A); w; w = vma_next(w))
			CHECK(!(w->flags & VM_DONTCOPY)); /* nothing changed its flags */
		CHECK_SPAN(find_vma(mm, A + 5 * PG), nvmas(&fx) == 2 ? 2 : 0, 6);
		CHECK(fx_check(&fx) == 0);
		/* a real change over the whole merges back what was split (an
		 * mprotect to the flags a VMA has leaves it alone, as Linux's) */
		CHECK_EQ(mmk_mprotect(fx.p, A, 6 * PG, MMK_PROT_READ), 0);
		CHECK_EQ(mmk_mprotect(fx.p, A, 6 * PG, RW), 0);
		CHECK_EQ(nvmas(&fx), 1);
		CHECK(fx_done(&fx) == 0);
	}
	CHECK(second_failed);
}

T_MAIN
