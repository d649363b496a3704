/*
 * vma_tree.h - the VMA index: an intrusive, gap-tracking red-black tree of
 * non-overlapping half-open intervals [start, end), keyed by start.
 *
 * It plays the part of Linux's maple tree (mm->mm_mt, lib/maple_tree.c) and of
 * gVisor's gap-tracking B-tree (pkg/segment): it answers "which VMA holds this
 * address" (find_vma), "which VMA comes before it" and "where is the highest /
 * lowest free range of this size" (get_unmapped_area's mas_empty_area_rev /
 * mas_empty_area), each in O(log n), and stays fast at millions of nodes.
 *
 * Intrusive: a struct vma_node is embedded in its owner (the VMA) and reached
 * back with vma_tree_entry().  The tree never allocates or frees; every call
 * either succeeds or, when its caller broke a precondition, stops the process
 * with a message (the tree is left as it was).
 *
 * The augmented fields: every node caches the free space right below it (its
 * gap, from its in-order predecessor's end, or from 0 for the first node) and
 * the largest gap in the subtree it roots, computed from the node and its two
 * children only, so a rotation updates it in O(1):
 *
 *                  [40,50)  gap 20     max_gap = max(20, left.max_gap,
 *                 /       \                          right.max_gap) = 20
 *           [10,20)       [70,90)
 *           gap 10        gap 20
 *
 *   free: [0,10), [20,40) and [50,70), each the gap of the node above it.  The
 *   free range above the last node ([last->end, 2^64-1]) belongs to no node:
 *   the gap searches add it at the top.
 *
 * Locking: the tree has no lock of its own.  Its owner (the address space)
 * serialises it: any number of readers (lookup, find, find_prev, first, last,
 * next, prev, gap_*, check) may run at once, but a mutation (insert,
 * insert_after, remove, set_bounds, split, merge, move_boundary) excludes
 * every other call, as Linux's mmap_lock does.
 *
 * Cost: besides finding its place, every mutation makes a walk (two for
 * some) up from where it changed the tree, recomputing max_gap, which stops
 * where it comes out unchanged, then recolours and rotates, O(1) amortised.
 * A hole that opens or closes may change max_gap up to the root; a change
 * that keeps the free space as it was changes no gap.  So split, merge of
 * touching nodes and move_boundary, which change two neighbours in one call
 * without a transient hole, cost O(1) amortised (move_boundary nothing at
 * all), where a remove + set_bounds (or set_bounds + insert) would climb to
 * the root twice.
 */
#ifndef MMK_VMA_TREE_H
#define MMK_VMA_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vma_node {
	struct vma_node *left, *right, *parent;
	/* [start, end), start < end.  Set by the caller before insert; afterwards
	 * changed only through the tree's calls (set_bounds, split, merge,
	 * move_boundary). */
	uint64_t start, end;
	/* Owned by the tree. */
	uint64_t gap;	  /* start - the in-order predecessor's end (- 0 for the first) */
	uint64_t max_gap; /* the largest gap of the nodes of the subtree rooted here */
	bool red;	  /* the red-black colour */
};

struct vma_tree {
	struct vma_node *root;
	uint64_t count; /* number of linked nodes */
};

/* The owner struct of type `type` whose member `member` is the vma_node at
 * ptr.  ptr must not be NULL. */
#define vma_tree_entry(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/* Makes t an empty tree. */
void vma_tree_init(struct vma_tree *t);

/* Links n (n->start < n->end already set) into t.  Precondition: n overlaps no
 * node of t; an overlap or an empty range stops the process.  O(log n). */
void vma_tree_insert(struct vma_tree *t, struct vma_node *n);

/* Links n (range set) right after prev, which must be in t (NULL: before the
 * first node), without a search from the root.  Precondition: n fits
 * between prev and prev's successor (non-empty, no overlap); a violation
 * stops the process.  O(log n) at worst (to reach prev's successor), often
 * O(1), plus the gap walk and O(1) amortised rebalancing. */
void vma_tree_insert_after(struct vma_tree *t, struct vma_node *prev, struct vma_node *n);

/* Unlinks n, which must be in t, and clears its links.  O(log n) (finding
 * n's successor), O(1) amortised rebalancing plus the gap walk. */
void vma_tree_remove(struct vma_tree *t, struct vma_node *n);

/* Changes n's bounds in place (n stays linked).  Precondition: the order of
 * nodes is unchanged and no overlap results (start < end, prev->end <= start,
 * end <= next->start); a violation stops the process.  O(log n). */
void vma_tree_set_bounds(struct vma_tree *t, struct vma_node *n, uint64_t start, uint64_t end);

/* Splits n, which must be in t: the unlinked node m, whose range the caller
 * has set to a proper prefix [n->start, b) or suffix [b, n->end) of n's, is
 * linked next to n, and n keeps the rest.  The covered range is unchanged.
 * Anything else stops the process.  O(log n) to find where m goes, O(1)
 * amortised otherwise: no gap changes but m's and, for a prefix, n's.
 * (Linux: the tree half of __split_vma().) */
void vma_tree_split(struct vma_tree *t, struct vma_node *n, struct vma_node *m);

/* Merges gone into keep: gone, keep's in-order neighbour (both in t), is
 * unlinked (its links cleared) and keep's range grows to cover gone's and
 * any gap between them.  Not neighbours: stops the process.  O(1) amortised
 * beyond checking that they are neighbours when they touch; closing a gap
 * walks up as far as max_gap changes.  (Linux: the tree half of
 * commit_merge() with a VMA removed.) */
void vma_tree_merge(struct vma_tree *t, struct vma_node *keep, struct vma_node *gone);

/* Moves the boundary between two touching neighbours (lo->end == hi->start,
 * both in t) to at: lo becomes [lo->start, at), hi [at, hi->end).
 * Precondition: lo->start < at < hi->end; a violation stops the process.
 * Changes no gap and no shape: O(1) beyond checking that they are neighbours.
 * (Linux: vma_merge_existing_range() growing one VMA into the next.) */
void vma_tree_move_boundary(struct vma_tree *t, struct vma_node *lo, struct vma_node *hi,
			    uint64_t at);

/* The node containing addr (start <= addr < end), or NULL. */
struct vma_node *vma_tree_lookup(const struct vma_tree *t, uint64_t addr);

/* Linux's find_vma(): the first node with end > addr, or NULL. */
struct vma_node *vma_tree_find(const struct vma_tree *t, uint64_t addr);

/* The last node with start < addr, or NULL (the "prev" of an address). */
struct vma_node *vma_tree_find_prev(const struct vma_tree *t, uint64_t addr);

/* The lowest / highest node, or NULL if t is empty. */
struct vma_node *vma_tree_first(const struct vma_tree *t);
struct vma_node *vma_tree_last(const struct vma_tree *t);

/* n's in-order successor / predecessor, or NULL.  n must be linked.
 * O(1) amortised over a walk, O(log n) worst case. */
struct vma_node *vma_tree_next(const struct vma_node *n);
struct vma_node *vma_tree_prev(const struct vma_node *n);

/*
 * Placement, as Linux's mas_empty_area_rev() / vma_iter_area_highest(): finds
 * the HIGHEST s such that [s, s + len) overlaps no node, low <= s and
 * s + len <= high (so high is exclusive).  Returns 0 and stores s in *out;
 * -ENOMEM if there is none (including low > high and len > high - low, never
 * wrapping around 2^64); -EINVAL if len == 0.  O(log n).
 */
int vma_tree_gap_highest(const struct vma_tree *t, uint64_t low, uint64_t high, uint64_t len,
			 uint64_t *out);

/* The same, but the LOWEST such s (mas_empty_area / vma_iter_area_lowest). */
int vma_tree_gap_lowest(const struct vma_tree *t, uint64_t low, uint64_t high, uint64_t len,
			uint64_t *out);

/*
 * Verifies everything the tree promises: parent links, BST order and
 * non-overlap, non-empty ranges, red-black balance, count, and every node's gap
 * and max_gap against a recomputation.  Returns 0, or -1 with a
 * description of the first fault in err (if err and errlen allow).  O(n).
 */
int vma_tree_check(const struct vma_tree *t, char *err, size_t errlen);

#endif
