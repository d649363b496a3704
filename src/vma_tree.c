/*
 * vma_tree.c - the VMA index (the contract is in vma_tree.h).
 *
 * Owns the shape of the tree: the left/right/parent links, the heights and the
 * augmented fields of every linked node.  Nodes themselves are allocated,
 * freed and given meaning by the caller.
 *
 * Invariants, all verified by vma_tree_check():
 *  - in order, nodes are sorted by start and do not overlap:
 *    start < end, and prev->end <= next->start;
 *  - AVL balance: the heights of a node's two subtrees differ by at most 1,
 *    so the height is at most 1.44 log2(n + 2);
 *  - every node's height, subtree_start, subtree_end and max_gap (its
 *    "facts") equal node_update()'s recomputation from the node's own range
 *    and its children's facts.  Hence a change below a node may make it
 *    stale, and each mutation walks up from the change recomputing
 *    (tree_fix_upward()).  The walk stops at the first place whose facts come
 *    out unchanged: nothing above can read the difference.  Random inserts
 *    and removals usually stop a few levels up, which matters at a million
 *    nodes, where every level not yet in cache costs a memory miss.
 *
 * Mirrors: lib/maple_tree.c for the role (mas_walk, mas_prev, mas_empty_area,
 * mas_empty_area_rev).  The technique is the one Linux used before the maple
 * tree (v6.1): an augmented rbtree of VMAs caching rb_subtree_gap
 * (mm/mmap.c: vma_compute_subtree_gap(), unmapped_area_topdown()), with the
 * stop-when-unchanged propagation of lib/rbtree_augmented.h.
 */
#include "vma_tree.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef MMK_DEBUG
#define MMK_DEBUG 0
#endif

/* No AVL tree that fits in memory is this tall (it would need more than 2^64
 * nodes); vma_tree_check() treats a deeper path as a cycle or broken balance. */
#define VMA_TREE_MAX_HEIGHT 96

/* A broken precondition: say what and stop at once. */
__attribute__((noreturn, format(printf, 1, 2))) static void vma_tree_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vma_tree: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static int node_height(const struct vma_node *n)
{
	return n ? n->height : 0;
}

/* What a node caches about its subtree: all that its parent reads of it. */
struct subtree_facts {
	uint64_t start, end, max_gap;
	int height;
};

static struct subtree_facts node_facts(const struct vma_node *n)
{
	return (struct subtree_facts){ n->subtree_start, n->subtree_end, n->max_gap, n->height };
}

static bool facts_equal(struct subtree_facts a, struct subtree_facts b)
{
	return a.start == b.start && a.end == b.end && a.max_gap == b.max_gap &&
	       a.height == b.height;
}

/* Recomputes n's height and augmented fields from n and its children, whose
 * own fields must be current. */
static void node_update(struct vma_node *n)
{
	const struct vma_node *l = n->left, *r = n->right;
	uint64_t gap = 0;

	n->subtree_start = l ? l->subtree_start : n->start;
	n->subtree_end = r ? r->subtree_end : n->end;
	if (l)
		gap = max_u64(l->max_gap, n->start - l->subtree_end);
	if (r)
		gap = max_u64(gap, max_u64(r->max_gap, r->subtree_start - n->end));
	n->max_gap = gap;
	n->height = 1 + (node_height(l) > node_height(r) ? node_height(l) : node_height(r));
}

static struct vma_node *subtree_first(struct vma_node *n)
{
	while (n->left)
		n = n->left;
	return n;
}

static struct vma_node *subtree_last(struct vma_node *n)
{
	while (n->right)
		n = n->right;
	return n;
}

/* Makes new take old's place under parent (or as the root). */
static void tree_replace_child(struct vma_tree *t, struct vma_node *parent, struct vma_node *old,
			       struct vma_node *new)
{
	if (!parent)
		t->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

/*
 * Rotations.  Both recompute the two nodes that moved; the ancestors are left
 * for the caller's upward walk.  Return the new root of the subtree.
 *
 *        x                  y
 *       / \   rotate_left  / \
 *      a   y     --->     x   c
 *         / \            / \
 *        b   c          a   b
 */
static struct vma_node *tree_rotate_left(struct vma_tree *t, struct vma_node *x)
{
	struct vma_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->parent = x->parent;
	tree_replace_child(t, x->parent, x, y);
	y->left = x;
	x->parent = y;
	node_update(x);
	node_update(y);
	return y;
}

static struct vma_node *tree_rotate_right(struct vma_tree *t, struct vma_node *x)
{
	struct vma_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->parent = x->parent;
	tree_replace_child(t, x->parent, x, y);
	y->right = x;
	x->parent = y;
	node_update(x);
	node_update(y);
	return y;
}

/* Restores AVL balance at n, whose children are balanced and current, and
 * recomputes it.  Returns the node now at n's place. */
static struct vma_node *tree_rebalance(struct vma_tree *t, struct vma_node *n)
{
	int balance = node_height(n->left) - node_height(n->right);

	if (balance > 1) {
		if (node_height(n->left->left) < node_height(n->left->right))
			tree_rotate_left(t, n->left);
		return tree_rotate_right(t, n);
	}
	if (balance < -1) {
		if (node_height(n->right->right) < node_height(n->right->left))
			tree_rotate_right(t, n->right);
		return tree_rotate_left(t, n);
	}
	node_update(n);
	return n;
}

/*
 * Rebalances and recomputes n, then its ancestors, bottom-up, until a place in
 * the tree comes out with the facts it had before: then no ancestor can
 * change.  Preconditions: the tree changed only at n's place or below it
 * (vma_tree_remove() explains its exception), every node off the path is
 * current, and every node on it holds the facts its place had before.
 */
static void tree_fix_upward(struct vma_tree *t, struct vma_node *n)
{
	while (n) {
		struct subtree_facts before = node_facts(n);

		n = tree_rebalance(t, n);
		if (facts_equal(before, node_facts(n)))
			return;
		n = n->parent;
	}
}

/* Whether n is linked in t: its topmost ancestor is t's root.  O(log n). */
static bool tree_holds(const struct vma_tree *t, const struct vma_node *n)
{
	while (n->parent)
		n = n->parent;
	return n == t->root;
}

/* Stops the process unless n is linked in t.  Always tests in O(1) that a
 * node without a parent is t's root (this catches a second remove, which
 * would otherwise empty the tree); under MMK_DEBUG walks up to the root. */
static void tree_assert_holds(const struct vma_tree *t, const struct vma_node *n, const char *op)
{
	if ((!n->parent && n != t->root) || (MMK_DEBUG && !tree_holds(t, n)))
		vma_tree_panic("%s: [%#" PRIx64 ", %#" PRIx64 ") is not in this tree", op, n->start,
			       n->end);
}

void vma_tree_init(struct vma_tree *t)
{
	t->root = NULL;
	t->count = 0;
}

void vma_tree_insert(struct vma_tree *t, struct vma_node *n)
{
	struct vma_node **link = &t->root, *parent = NULL;
	const struct vma_node *below = NULL, *above = NULL; /* n's neighbours-to-be */

	if (n->start >= n->end)
		vma_tree_panic("insert: empty range [%#" PRIx64 ", %#" PRIx64 ")", n->start,
			       n->end);
	while (*link) {
		parent = *link;
		if (n->start < parent->start) {
			above = parent;
			link = &parent->left;
		} else {
			below = parent;
			link = &parent->right;
		}
	}
	if ((below && below->end > n->start) || (above && above->start < n->end)) {
		const struct vma_node *o = below && below->end > n->start ? below : above;

		vma_tree_panic("insert: [%#" PRIx64 ", %#" PRIx64 ") overlaps [%#" PRIx64
			       ", %#" PRIx64 ")",
			       n->start, n->end, o->start, o->end);
	}
	n->left = n->right = NULL;
	n->parent = parent;
	node_update(n);
	*link = n;
	t->count++;
	tree_fix_upward(t, parent);
}

/*
 * Unlinks n.  With two children, n's in-order successor s (leftmost of
 * n->right, so s has no left child) is moved into n's place, taking n's
 * facts as the "before" of that place; the rebalancing walk then starts at p,
 * where s was taken from:
 *
 *        n                 s
 *       / \               / \
 *      a   r     --->    a   r
 *         /                 /
 *       ...               ...
 *       /                 /
 *      s                 p      (p = s's old parent, or s if s was r)
 *       \               /
 *        c             c
 *
 * The tree also changed above p, at n's place, yet the walk cannot stop below
 * it: s was the first node under every place from p up to r, so each of them
 * gets a new subtree_start.
 */
void vma_tree_remove(struct vma_tree *t, struct vma_node *n)
{
	struct vma_node *fix;

	tree_assert_holds(t, n, "remove");
	if (n->left && n->right) {
		struct vma_node *s = subtree_first(n->right);

		if (s == n->right) {
			fix = s;
		} else {
			fix = s->parent;
			fix->left = s->right;
			if (s->right)
				s->right->parent = fix;
			s->right = n->right;
			n->right->parent = s;
		}
		s->left = n->left;
		n->left->parent = s;
		s->parent = n->parent;
		tree_replace_child(t, n->parent, n, s);
		s->subtree_start = n->subtree_start;
		s->subtree_end = n->subtree_end;
		s->max_gap = n->max_gap;
		s->height = n->height;
	} else {
		struct vma_node *child = n->left ? n->left : n->right;

		fix = n->parent;
		if (child)
			child->parent = fix;
		tree_replace_child(t, fix, n, child);
	}
	t->count--;
	tree_fix_upward(t, fix);
	n->left = n->right = n->parent = NULL;
}

void vma_tree_set_bounds(struct vma_tree *t, struct vma_node *n, uint64_t start, uint64_t end)
{
	const struct vma_node *prev, *next;

	tree_assert_holds(t, n, "set_bounds");
	prev = vma_tree_prev(n);
	next = vma_tree_next(n);
	if (start >= end || (prev && prev->end > start) || (next && next->start < end))
		vma_tree_panic("set_bounds: [%#" PRIx64 ", %#" PRIx64 ") -> [%#" PRIx64
			       ", %#" PRIx64 ") is empty or reaches a neighbour",
			       n->start, n->end, start, end);
	n->start = start;
	n->end = end;
	/* The shape and so the heights are unchanged: no rotation will happen. */
	tree_fix_upward(t, n);
}

struct vma_node *vma_tree_lookup(const struct vma_tree *t, uint64_t addr)
{
	struct vma_node *n = t->root;

	while (n) {
		if (addr < n->start)
			n = n->left;
		else if (addr >= n->end)
			n = n->right;
		else
			return n;
	}
	return NULL;
}

struct vma_node *vma_tree_find(const struct vma_tree *t, uint64_t addr)
{
	struct vma_node *n = t->root, *found = NULL;

	/* Ends are sorted like starts, since nodes do not overlap. */
	while (n) {
		if (n->end > addr) {
			found = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return found;
}

struct vma_node *vma_tree_find_prev(const struct vma_tree *t, uint64_t addr)
{
	struct vma_node *n = t->root, *found = NULL;

	while (n) {
		if (n->start < addr) {
			found = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return found;
}

struct vma_node *vma_tree_first(const struct vma_tree *t)
{
	return t->root ? subtree_first(t->root) : NULL;
}

struct vma_node *vma_tree_last(const struct vma_tree *t)
{
	return t->root ? subtree_last(t->root) : NULL;
}

struct vma_node *vma_tree_next(const struct vma_node *n)
{
	if (n->right)
		return subtree_first(n->right);
	while (n->parent && n == n->parent->right)
		n = n->parent;
	return n->parent;
}

struct vma_node *vma_tree_prev(const struct vma_node *n)
{
	if (n->left)
		return subtree_last(n->left);
	while (n->parent && n == n->parent->left)
		n = n->parent;
	return n->parent;
}

/*
 * Gap search.  The free ranges are, in address order: [0, first->start), the
 * gap between each pair of consecutive nodes, and [last->end, 2^64-1]
 * (UINT64_MAX stands for the end of the address space: s + len <= high <=
 * UINT64_MAX, so nothing at or above it can be handed out anyway).
 */
struct gap_query {
	uint64_t low, high, len;
};

/* Clips the free range [gs, ge) to [q->low, q->high) into [*a, *b); returns
 * whether q->len fits in what is left.  Never overflows. */
static bool gap_clip(const struct gap_query *q, uint64_t gs, uint64_t ge, uint64_t *a, uint64_t *b)
{
	*a = max_u64(gs, q->low);
	*b = min_u64(ge, q->high);
	return *b > *a && *b - *a >= q->len;
}

/* Whether n's subtree may hold a fitting gap: one at least len long, inside
 * the subtree's span, and the span clipped to [low, high) still fits len.  A
 * subtree whose span lies inside [low, high) passes only if it does hold one. */
static bool gap_may_fit(const struct gap_query *q, const struct vma_node *n)
{
	uint64_t a, b;

	return n && n->max_gap >= q->len && gap_clip(q, n->subtree_start, n->subtree_end, &a, &b);
}

/*
 * The highest fitting s among the gaps inside n's subtree, searched from the
 * right.  O(log n): a subtree that passes gap_may_fit() but holds no fit must
 * straddle low or high, and those subtrees lie on two root-to-leaf paths.
 */
static bool gap_highest_in(const struct gap_query *q, const struct vma_node *n, uint64_t *out)
{
	uint64_t a, b;

	if (!gap_may_fit(q, n))
		return false;
	if (gap_highest_in(q, n->right, out))
		return true;
	if ((n->right && gap_clip(q, n->end, n->right->subtree_start, &a, &b)) ||
	    (n->left && gap_clip(q, n->left->subtree_end, n->start, &a, &b))) {
		*out = b - q->len;
		return true;
	}
	return gap_highest_in(q, n->left, out);
}

/* The lowest fitting s among the gaps inside n's subtree; as gap_highest_in(). */
static bool gap_lowest_in(const struct gap_query *q, const struct vma_node *n, uint64_t *out)
{
	uint64_t a, b;

	if (!gap_may_fit(q, n))
		return false;
	if (gap_lowest_in(q, n->left, out))
		return true;
	if ((n->left && gap_clip(q, n->left->subtree_end, n->start, &a, &b)) ||
	    (n->right && gap_clip(q, n->end, n->right->subtree_start, &a, &b))) {
		*out = a;
		return true;
	}
	return gap_lowest_in(q, n->right, out);
}

/* The checks both searches share: 0 if the query can be searched, else the
 * error to return. */
static int gap_query_valid(const struct gap_query *q)
{
	if (q->len == 0)
		return -EINVAL;
	if (q->low > q->high || q->high - q->low < q->len)
		return -ENOMEM;
	return 0;
}

int vma_tree_gap_highest(const struct vma_tree *t, uint64_t low, uint64_t high, uint64_t len,
			 uint64_t *out)
{
	const struct gap_query q = { low, high, len };
	const struct vma_node *root = t->root;
	uint64_t a, b;
	int err = gap_query_valid(&q);

	if (err)
		return err;
	if (gap_clip(&q, root ? root->subtree_end : 0, UINT64_MAX, &a, &b)) {
		*out = b - len; /* above the last node, or anywhere if empty */
		return 0;
	}
	if (gap_highest_in(&q, root, out))
		return 0;
	if (root && gap_clip(&q, 0, root->subtree_start, &a, &b)) {
		*out = b - len;
		return 0;
	}
	return -ENOMEM;
}

int vma_tree_gap_lowest(const struct vma_tree *t, uint64_t low, uint64_t high, uint64_t len,
			uint64_t *out)
{
	const struct gap_query q = { low, high, len };
	const struct vma_node *root = t->root;
	uint64_t a, b;
	int err = gap_query_valid(&q);

	if (err)
		return err;
	if (gap_clip(&q, 0, root ? root->subtree_start : UINT64_MAX, &a, &b)) {
		*out = a; /* below the first node, or anywhere if empty */
		return 0;
	}
	if (gap_lowest_in(&q, root, out))
		return 0;
	if (root && gap_clip(&q, root->subtree_end, UINT64_MAX, &a, &b)) {
		*out = a;
		return 0;
	}
	return -ENOMEM;
}

/* ---- vma_tree_check() ---------------------------------------------------- */

struct check_state {
	char *err;
	size_t errlen;
	const struct vma_node *prev; /* the last node visited in order */
	uint64_t count;
};

__attribute__((format(printf, 3, 4))) static int
check_fail(struct check_state *st, const struct vma_node *n, const char *fmt, ...)
{
	va_list ap;
	int len = 0;

	if (!st->err || st->errlen == 0)
		return -1;
	if (n)
		len = snprintf(st->err, st->errlen, "node [%#" PRIx64 ", %#" PRIx64 "): ", n->start,
			       n->end);
	if (len >= 0 && (size_t)len < st->errlen) {
		va_start(ap, fmt);
		vsnprintf(st->err + len, st->errlen - len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Compares a node's cached fields with the recomputed facts f. */
static int check_cached(struct check_state *st, const struct vma_node *n,
			const struct subtree_facts *f)
{
	if (n->height != f->height)
		return check_fail(st, n, "height %d, should be %d", n->height, f->height);
	if (n->subtree_start != f->start)
		return check_fail(st, n, "subtree_start %#" PRIx64 ", should be %#" PRIx64,
				  n->subtree_start, f->start);
	if (n->subtree_end != f->end)
		return check_fail(st, n, "subtree_end %#" PRIx64 ", should be %#" PRIx64,
				  n->subtree_end, f->end);
	if (n->max_gap != f->max_gap)
		return check_fail(st, n, "max_gap %#" PRIx64 ", should be %#" PRIx64, n->max_gap,
				  f->max_gap);
	return 0;
}

/* Checks the subtree at n (whose parent should be `parent`, at `depth`) in
 * order and stores its recomputed facts in *f. */
static int check_subtree(struct check_state *st, const struct vma_node *n,
			 const struct vma_node *parent, int depth, struct subtree_facts *f)
{
	struct subtree_facts l = { 0, 0, 0, 0 }, r = { 0, 0, 0, 0 };

	if (depth > VMA_TREE_MAX_HEIGHT)
		return check_fail(st, n, "deeper than %d: a cycle or lost balance",
				  VMA_TREE_MAX_HEIGHT);
	if (n->parent != parent)
		return check_fail(st, n, "parent link is wrong");
	if (n->start >= n->end)
		return check_fail(st, n, "empty or inverted range");
	if (n->left && check_subtree(st, n->left, n, depth + 1, &l))
		return -1;
	if (st->prev && st->prev->end > n->start)
		return check_fail(st, n,
				  "out of order with or overlaps [%#" PRIx64 ", %#" PRIx64 ")",
				  st->prev->start, st->prev->end);
	st->prev = n;
	st->count++;
	if (n->right && check_subtree(st, n->right, n, depth + 1, &r))
		return -1;
	if (l.height - r.height > 1 || r.height - l.height > 1)
		return check_fail(st, n, "unbalanced: left height %d, right height %d", l.height,
				  r.height);
	f->start = n->left ? l.start : n->start;
	f->end = n->right ? r.end : n->end;
	f->max_gap = max_u64(l.max_gap, r.max_gap);
	if (n->left)
		f->max_gap = max_u64(f->max_gap, n->start - l.end);
	if (n->right)
		f->max_gap = max_u64(f->max_gap, r.start - n->end);
	f->height = 1 + (l.height > r.height ? l.height : r.height);
	return check_cached(st, n, f);
}

int vma_tree_check(const struct vma_tree *t, char *err, size_t errlen)
{
	struct check_state st = { err, errlen, NULL, 0 };
	struct subtree_facts f;

	if (t->root && check_subtree(&st, t->root, NULL, 1, &f))
		return -1;
	if (st.count != t->count)
		return check_fail(&st, NULL,
				  "count is %" PRIu64 " but %" PRIu64 " nodes are linked", t->count,
				  st.count);
	if (err && errlen)
		err[0] = '\0';
	return 0;
}
