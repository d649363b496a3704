/*
 * vma_tree.h - the VMA index: an intrusive, gap-tracking AVL tree of
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
 * The augmented fields: every node caches facts about the subtree it roots, all
 * computed from the node and its two children only, so a rotation updates them
 * in O(1):
 *
 *                  [40,50)        subtree_start = 10, subtree_end = 90
 *                 /       \       max_gap = max(left.max_gap, 40 - 20,
 *           [10,20)       [70,90)               70 - 50, right.max_gap) = 20
 *
 *   free inside the subtree: [20,40) and [50,70).  The free ranges below the
 *   first node ([0, first->start)) and above the last ([last->end, 2^64-1])
 *   belong to no subtree: the gap searches add them at the top.
 *
 * Locking: the tree has no lock of its own.  Its owner (the address space)
 * serialises it: any number of readers (lookup, find, find_prev, first, last,
 * next, prev, gap_*, check) may run at once, but a mutation (insert, remove,
 * set_bounds) excludes every other call, as Linux's mmap_lock does.
 */
#ifndef MMK_VMA_TREE_H
#define MMK_VMA_TREE_H

#include <stddef.h>
#include <stdint.h>

struct vma_node {
	struct vma_node *left, *right, *parent;
	/* [start, end), start < end.  Set by the caller before insert; afterwards
	 * changed only through vma_tree_set_bounds(). */
	uint64_t start, end;
	/* Augmented, owned by the tree: facts about the subtree rooted here. */
	uint64_t subtree_start; /* start of the subtree's first node */
	uint64_t subtree_end;	/* end of the subtree's last node */
	uint64_t max_gap; /* largest gap between consecutive nodes of the subtree, 0 if none */
	int height;	  /* 1 for a leaf */
};

struct vma_tree {
	struct vma_node *root;
	uint64_t count; /* number of linked nodes */
};

/* The owner struct of type `type` whose member `member` is the vma_node at
 * ptr.  ptr must not be NULL. */
#define vma_tree_entry(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

/* Makes t an empty tree. */
void vma_tree_init(struct vma_tree *t);

/* Links n (n->start < n->end already set) into t.  Precondition: n overlaps no
 * node of t; an overlap or an empty range stops the process.  O(log n). */
void vma_tree_insert(struct vma_tree *t, struct vma_node *n);

/* Unlinks n, which must be in t, and clears its links.  O(log n). */
void vma_tree_remove(struct vma_tree *t, struct vma_node *n);

/* Changes n's bounds in place (n stays linked).  Precondition: the order of
 * nodes is unchanged and no overlap results (start < end, prev->end <= start,
 * end <= next->start); a violation stops the process.  O(log n). */
void vma_tree_set_bounds(struct vma_tree *t, struct vma_node *n, uint64_t start, uint64_t end);

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
 * non-overlap, non-empty ranges, AVL balance, count, and every node's height
 * and augmented fields against a recomputation.  Returns 0, or -1 with a
 * description of the first fault in err (if err and errlen allow).  O(n).
 */
int vma_tree_check(const struct vma_tree *t, char *err, size_t errlen);

#endif
