/*
 * vma_tree.c - the VMA index (the contract is in vma_tree.h).
 *
 * Owns the shape of the tree: the left/right/parent links, the colours and
 * the augmented fields of every linked node.  Nodes themselves are allocated,
 * freed and given meaning by the caller.
 *
 * Invariants, all verified by vma_tree_check():
 *  - in order, nodes are sorted by start and do not overlap:
 *    start < end, and prev->end <= next->start;
 *  - red-black balance: the root is black, a red node has no red child, and
 *    every path from a node down to a missing child passes the same number
 *    of black nodes, so the height is at most 2 log2(n + 1);
 *  - every node's gap is the free space right below it: start minus its
 *    in-order predecessor's end (minus 0 for the first node);
 *  - every node's max_gap is the largest gap in its subtree: node_update()'s
 *    recomputation from the node's own gap and its children's max_gap.
 *    Hence a change below a node may make it stale, and each mutation walks
 *    up from the change recomputing (tree_fix_upward()).  The walk stops at
 *    the first node whose max_gap comes out unchanged: nothing above can read
 *    the difference.
 *
 * Why a red-black tree and the gap below each node: an update then costs
 * O(1) amortised beyond finding its place, even when updates alternate at
 * one spot, which is what mprotect and munmap + mmap of one page do (split,
 * then merge back, thousands of times):
 *  - a node's own gap changes only when it or its predecessor moves an edge
 *    facing the other; splitting a VMA or merging two touching ones changes
 *    no gap at all (see above vma_tree_split()).  Caching each subtree's
 *    first start and last end instead would change all the way from a new
 *    leaf up to its neighbour, however high the neighbour sits;
 *  - red-black rebalancing does O(1) amortised work per update for any mix
 *    of inserts and removals (Tarjan), and the colours are not augmented
 *    data, so they never extend the gap walk.  An AVL tree's heights are: a
 *    leaf added under a balanced path raises every height up to the root,
 *    and removing it lowers them again.
 * The searches recover the span of each subtree on the way down instead of
 * caching it.  The price: a red-black tree may be up to twice as high as the
 * shortest possible (37 levels for a million nodes inserted in address order,
 * where an AVL tree has 20), so a lookup may visit more nodes.
 *
 * Mirrors: lib/maple_tree.c for the role (mas_walk, mas_prev, mas_empty_area,
 * mas_empty_area_rev).  The technique is the one Linux used before the maple
 * tree (v6.1): an augmented rbtree of VMAs where each caches the gap below
 * it and the largest in its subtree, rb_subtree_gap (mm/mmap.c:
 * vma_compute_gap(), vma_compute_subtree_gap(), unmapped_area_topdown()),
 * with the stop-when-unchanged propagation and the rotate callback of
 * lib/rbtree_augmented.h, and the rebalancing of lib/rbtree.c.
 */
#include "vma_tree.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "bug.h"

#ifndef MMK_DEBUG
#define MMK_DEBUG 0
#endif

/* No red-black tree that fits in memory is this tall (2 log2(n + 1) < 128
 * for n < 2^64 nodes); vma_tree_check() treats a deeper path as a cycle. */
#define VMA_TREE_MAX_HEIGHT 128

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* A missing child counts as black. */
static bool is_red(const struct vma_node *n)
{
	return n && n->red;
}

static uint64_t node_max_gap(const struct vma_node *n)
{
	return n ? n->max_gap : 0;
}

/* Recomputes n's max_gap from n's gap and its children's max_gap, which must
 * be current. */
static void node_update(struct vma_node *n)
{
	n->max_gap = max_u64(n->gap, max_u64(node_max_gap(n->left), node_max_gap(n->right)));
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
 * Rotations.  Both recompute the two nodes that moved (whose children must be
 * current); nothing above changes, since the subtree holds the same nodes.
 * Colours are the caller's.  The order of the nodes is unchanged, so is
 * every node's gap.
 *
 *        x                  y
 *       / \   rotate_left  / \
 *      a   y     --->     x   c
 *         / \            / \
 *        b   c          a   b
 */
static void tree_rotate_left(struct vma_tree *t, struct vma_node *x)
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
}

static void tree_rotate_right(struct vma_tree *t, struct vma_node *x)
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
}

/*
 * Recomputes n's max_gap, then its ancestors', until one comes out as it
 * was: then nothing above can change.  Preconditions: the tree changed only
 * at n's place or below it (its shape, or a node's gap), every node off the
 * path is current, and every node on it holds the max_gap its place had
 * before.  A mutation that changed two places (a node and its neighbour's
 * gap, or a node moved up into a removed one's place) walks from each, the
 * lower first; each walk may stop early.
 *
 * Every mutation runs its walks before rebalancing, so that the rotations,
 * which recompute only the two nodes they move, find every child current.
 */
static void tree_fix_upward(struct vma_node *n)
{
	while (n) {
		uint64_t before = n->max_gap;

		node_update(n);
		if (n->max_gap == before)
			return;
		n = n->parent;
	}
}

/*
 * tree_fix_upward() for a change that only joined free space into one gap,
 * gap, which is n's: every subtree holding n now has for its largest gap the
 * larger of what it had and gap (the gaps joined were no larger), so the walk
 * needs no other node's value.  Stops where max_gap is already as large.
 */
static void tree_raise_upward(struct vma_node *n, uint64_t gap)
{
	while (n && n->max_gap < gap) {
		n->max_gap = gap;
		n = n->parent;
	}
}

/*
 * Restores the red-black rules after the red leaf z was linked
 * (lib/rbtree.c __rb_insert(), CLRS RB-INSERT-FIXUP): a red parent with a
 * red uncle pushes the redness up to the grandparent; otherwise one or two
 * rotations end it.
 */
static void tree_insert_color(struct vma_tree *t, struct vma_node *z)
{
	while (is_red(z->parent)) {
		struct vma_node *p = z->parent, *g = p->parent; /* a red node is not the root */

		if (p == g->left) {
			struct vma_node *u = g->right;

			if (is_red(u)) {
				p->red = u->red = false;
				g->red = true;
				z = g;
				continue;
			}
			if (z == p->right) {
				tree_rotate_left(t, p);
				p = z;
			}
			p->red = false;
			g->red = true;
			tree_rotate_right(t, g);
		} else {
			struct vma_node *u = g->left;

			if (is_red(u)) {
				p->red = u->red = false;
				g->red = true;
				z = g;
				continue;
			}
			if (z == p->left) {
				tree_rotate_right(t, p);
				p = z;
			}
			p->red = false;
			g->red = true;
			tree_rotate_left(t, g);
		}
		break;
	}
	t->root->red = false;
}

/* Where a removal left the tree one black node short, if it did: the place
 * below parent that x (possibly NULL) now fills. */
struct rb_hole {
	struct vma_node *x, *parent;
	bool short_black;
};

/*
 * Restores the red-black rules after a removal (lib/rbtree.c
 * ____rb_erase_color(), CLRS RB-DELETE-FIXUP): the paths through h's place
 * have one black node too few.  A red x simply turns black; otherwise the
 * sibling's colours decide: recolour and move the shortage up, or rotate
 * (at most three times) and end it.
 */
static void tree_erase_color(struct vma_tree *t, const struct rb_hole *h)
{
	struct vma_node *x = h->x, *p = h->parent;

	if (!h->short_black)
		return;
	while (p && !is_red(x)) {
		if (x != p->right) { /* x is the left child (a NULL x too: its sibling is not) */
			struct vma_node *w = p->right;

			if (w->red) {
				w->red = false;
				p->red = true;
				tree_rotate_left(t, p);
				w = p->right;
			}
			if (!is_red(w->left) && !is_red(w->right)) {
				w->red = true;
				x = p;
				p = x->parent;
				continue;
			}
			if (!is_red(w->right)) {
				w->left->red = false;
				w->red = true;
				tree_rotate_right(t, w);
				w = p->right;
			}
			w->red = p->red;
			p->red = false;
			w->right->red = false;
			tree_rotate_left(t, p);
		} else {
			struct vma_node *w = p->left;

			if (w->red) {
				w->red = false;
				p->red = true;
				tree_rotate_right(t, p);
				w = p->left;
			}
			if (!is_red(w->left) && !is_red(w->right)) {
				w->red = true;
				x = p;
				p = x->parent;
				continue;
			}
			if (!is_red(w->left)) {
				w->right->red = false;
				w->red = true;
				tree_rotate_left(t, w);
				w = p->left;
			}
			w->red = p->red;
			p->red = false;
			w->left->red = false;
			tree_rotate_right(t, p);
		}
		x = t->root;
		break;
	}
	if (x)
		x->red = false;
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
		MMK_BUG("%s: [%#" PRIx64 ", %#" PRIx64 ") is not in this tree", op, n->start,
			n->end);
}

void vma_tree_init(struct vma_tree *t)
{
	t->root = NULL;
	t->count = 0;
}

/* The free space between a node ending at below_end (NULL below: none, the
 * space starts at 0) and one starting at start. */
static uint64_t gap_between(const struct vma_node *below, uint64_t start)
{
	return start - (below ? below->end : 0);
}

/* Links the unlinked node n, whose gap the caller has set, at *link, an empty
 * child link of parent (or t's empty root link, parent NULL), as a red leaf.
 * Nothing above is fixed, nor the colours. */
static void tree_link_leaf(struct vma_tree *t, struct vma_node *parent, struct vma_node **link,
			   struct vma_node *n)
{
	n->left = n->right = NULL;
	n->parent = parent;
	n->red = true;
	node_update(n);
	*link = n;
	t->count++;
}

/* The empty link where a node that comes right after p in order belongs:
 * p's right link if empty, else the left link of p's successor (the leftmost
 * node of p->right).  Stores the link's owner in *parent. */
static struct vma_node **link_after(struct vma_node *p, struct vma_node **parent)
{
	if (!p->right) {
		*parent = p;
		return &p->right;
	}
	*parent = subtree_first(p->right);
	return &(*parent)->left;
}

/* The same for a node that comes right before p. */
static struct vma_node **link_before(struct vma_node *p, struct vma_node **parent)
{
	if (!p->left) {
		*parent = p;
		return &p->left;
	}
	*parent = subtree_last(p->left);
	return &(*parent)->right;
}

/*
 * Links n between below and above (either NULL at an end), at *link under
 * parent, and fixes the tree: n's gap is measured from below, above's gap
 * shrinks to the space above n.  above is parent or an ancestor of it (a new
 * leaf's successor is where the search last went left), so n's walk comes
 * first.
 */
static void tree_link_between(struct vma_tree *t, struct vma_node *parent, struct vma_node **link,
			      struct vma_node *n, const struct vma_node *below,
			      struct vma_node *above)
{
	n->gap = gap_between(below, n->start);
	tree_link_leaf(t, parent, link, n);
	tree_fix_upward(parent);
	if (above) {
		above->gap = above->start - n->end;
		tree_fix_upward(above);
	}
	tree_insert_color(t, n);
}

void vma_tree_insert(struct vma_tree *t, struct vma_node *n)
{
	struct vma_node **link = &t->root, *parent = NULL;
	struct vma_node *below = NULL, *above = NULL; /* n's neighbours-to-be */

	if (n->start >= n->end)
		MMK_BUG("insert: empty range [%#" PRIx64 ", %#" PRIx64 ")", n->start, n->end);
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

		MMK_BUG("insert: [%#" PRIx64 ", %#" PRIx64 ") overlaps [%#" PRIx64 ", %#" PRIx64
			")",
			n->start, n->end, o->start, o->end);
	}
	tree_link_between(t, parent, link, n, below, above);
}

void vma_tree_insert_after(struct vma_tree *t, struct vma_node *prev, struct vma_node *n)
{
	struct vma_node **link, *parent, *next;

	if (prev)
		tree_assert_holds(t, prev, "insert_after");
	if (prev && prev->right) {
		link = link_after(prev, &parent);
		next = parent;
	} else if (prev) {
		link = link_after(prev, &parent);
		next = vma_tree_next(prev);
	} else if (t->root) {
		link = link_before(subtree_first(t->root), &parent);
		next = parent;
	} else {
		link = &t->root;
		parent = NULL;
		next = NULL;
	}
	if (n->start >= n->end || (prev && prev->end > n->start) || (next && next->start < n->end))
		MMK_BUG("insert_after: [%#" PRIx64 ", %#" PRIx64
			") is empty or does not fit between its neighbours",
			n->start, n->end);
	tree_link_between(t, parent, link, n, prev, next);
}

/*
 * Unlinks n; returns the node where the gap walk must start (NULL if n was
 * the root and had at most one child), and in *h the place left a black node
 * short, for tree_erase_color() once the gaps are current.
 *
 * s is NULL when n has at most one child: the child takes n's place.  Else s
 * is n's in-order successor (leftmost of n->right, so s has no left child) or
 * predecessor (rightmost of n->left, no right child), and s is moved into n's
 * place, taking n's links, colour and max_gap (as the "before" of that
 * place); what goes missing is s's old place, where the walk starts: p.
 * For a successor:
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
 * The tree also changed above p, at n's place, which now holds s with its own
 * gap: the caller walks from s too, after.  The count and the gaps are the
 * caller's.
 */
static struct vma_node *tree_unlink(struct vma_tree *t, struct vma_node *n, struct vma_node *s,
				    struct rb_hole *h)
{
	struct vma_node *fix, *x;
	bool s_red;

	if (!s) {
		struct vma_node *child = n->left ? n->left : n->right;

		if (n->left && n->right)
			MMK_BUG("unlink: [%#" PRIx64 ", %#" PRIx64 ") has two children", n->start,
				n->end);
		fix = n->parent;
		if (child)
			child->parent = fix;
		tree_replace_child(t, fix, n, child);
		*h = (struct rb_hole){child, fix, !n->red};
		return fix;
	}
	s_red = s->red;
	if (s->start > n->start) { /* the successor */
		x = s->right;
		if (s == n->right) {
			fix = s;
		} else {
			fix = s->parent;
			fix->left = x;
			if (x)
				x->parent = fix;
			s->right = n->right;
			n->right->parent = s;
		}
		s->left = n->left;
		if (n->left)
			n->left->parent = s;
	} else { /* the predecessor: the mirror image */
		x = s->left;
		if (s == n->left) {
			fix = s;
		} else {
			fix = s->parent;
			fix->right = x;
			if (x)
				x->parent = fix;
			s->left = n->left;
			n->left->parent = s;
		}
		s->right = n->right;
		if (n->right)
			n->right->parent = s;
	}
	s->parent = n->parent;
	tree_replace_child(t, n->parent, n, s);
	s->max_gap = n->max_gap;
	s->red = n->red;
	*h = (struct rb_hole){x, fix, !s_red};
	return fix;
}

/*
 * The successor of n takes over n's gap and range as free space:
 *   succ->gap = succ->start - pred->end
 *             = (succ->start - n->end) + (n->end - n->start) + (n->start - pred->end).
 */
static void gap_absorb_removed(struct vma_node *succ, const struct vma_node *n)
{
	succ->gap += (n->end - n->start) + n->gap;
}

/*
 * Removing n joins n's gap, n's range and its successor's gap into the
 * successor's.  For every subtree holding both that only raises max_gap
 * (tree_raise_upward()): the common case of munmap, whose hole climbs to the
 * root in a tree without gaps.  A subtree that held only one of them (below
 * n's place on succ's old path, or between n's place and succ above it) may
 * see it fall, and gets the full walk.
 */
void vma_tree_remove(struct vma_tree *t, struct vma_node *n)
{
	struct vma_node *succ, *fix;
	struct rb_hole h;

	tree_assert_holds(t, n, "remove");
	succ = vma_tree_next(n);
	if (succ)
		gap_absorb_removed(succ, n);
	if (n->left && n->right) {
		/* succ, the leftmost of n->right, moves into n's place. */
		fix = tree_unlink(t, n, succ, &h);
		tree_fix_upward(fix);
		tree_raise_upward(succ, succ->gap);
	} else if (n->right) {
		/* succ is in the child subtree that moves up into n's place. */
		fix = tree_unlink(t, n, NULL, &h);
		tree_raise_upward(succ, succ->gap);
	} else {
		/* succ, if any, is an ancestor of n's place; the places in
		 * between lose n's gap without gaining succ's. */
		fix = tree_unlink(t, n, NULL, &h);
		tree_fix_upward(fix);
		if (succ)
			tree_raise_upward(succ, succ->gap);
	}
	tree_erase_color(t, &h);
	t->count--;
	n->left = n->right = n->parent = NULL;
}

void vma_tree_set_bounds(struct vma_tree *t, struct vma_node *n, uint64_t start, uint64_t end)
{
	struct vma_node *prev, *next;

	tree_assert_holds(t, n, "set_bounds");
	prev = vma_tree_prev(n);
	next = vma_tree_next(n);
	if (start >= end || (prev && prev->end > start) || (next && next->start < end))
		MMK_BUG("set_bounds: [%#" PRIx64 ", %#" PRIx64 ") -> [%#" PRIx64 ", %#" PRIx64
			") is empty or reaches a neighbour",
			n->start, n->end, start, end);
	n->start = start;
	n->end = end;
	n->gap = gap_between(prev, start);
	if (next)
		next->gap = next->start - end;
	/* Of the two neighbours, the lower in the tree is walked from first. */
	if (next && n->right) { /* next is the leftmost node of n->right */
		tree_fix_upward(next);
		tree_fix_upward(n);
	} else { /* next, if any, is an ancestor of n */
		tree_fix_upward(n);
		if (next)
			tree_fix_upward(next);
	}
}

/*
 * Split, merge and boundary moves change two neighbours at once.  Of two
 * nodes adjacent in order, one is always in the other's subtree (the lower
 * one is the extreme of the upper one's subtree on that side):
 *
 *   split [a,c) at b:    [a,c)            [a,b)         m = [b,c) hangs as
 *                        /   \     --->   /   \         the leftmost node of
 *                      ...   ...        ...   ...       n->right (or as
 *                                             /         n->right itself)
 *                                          [b,c)   gap 0
 *
 * No free space appears or disappears, so no gap changes but those of the
 * node linked or unlinked and of the one taking its place; where the ranges
 * touch, those are 0 before and after, and the gap walk stops at once.
 * What is left is the recolouring, O(1) amortised.
 */
void vma_tree_split(struct vma_tree *t, struct vma_node *n, struct vma_node *m)
{
	struct vma_node **link, *parent;

	tree_assert_holds(t, n, "split");
	if (m->start == n->start && m->start < m->end && m->end < n->end) {
		/* m, the lower part, takes the gap below n; n's becomes 0.  n's
		 * subtree holds the same gaps as before, so n's max_gap can only
		 * change through its left subtree: one walk, from m, covers it. */
		link = link_before(n, &parent);
		m->gap = n->gap;
		n->start = m->end;
		n->gap = 0;
	} else if (m->end == n->end && n->start < m->start && m->start < m->end) {
		/* m, the upper part, has gap 0; n's and n's successor's stay. */
		link = link_after(n, &parent);
		m->gap = 0;
		n->end = m->start;
	} else {
		MMK_BUG("split: [%#" PRIx64 ", %#" PRIx64 ") is not a proper prefix or "
			"suffix of [%#" PRIx64 ", %#" PRIx64 ")",
			m->start, m->end, n->start, n->end);
	}
	tree_link_leaf(t, parent, link, m);
	tree_fix_upward(parent);
	tree_insert_color(t, m);
}

void vma_tree_merge(struct vma_tree *t, struct vma_node *keep, struct vma_node *gone)
{
	bool above = gone->start >= keep->end; /* gone comes after keep */
	struct vma_node *fix;
	struct rb_hole h;

	tree_assert_holds(t, keep, "merge");
	tree_assert_holds(t, gone, "merge");
	if ((above ? vma_tree_next(keep) : vma_tree_prev(keep)) != gone)
		MMK_BUG("merge: [%#" PRIx64 ", %#" PRIx64 ") and [%#" PRIx64 ", %#" PRIx64
			") are not neighbours",
			keep->start, keep->end, gone->start, gone->end);
	/* gone in keep's subtree (then it has no child on keep's side), or
	 * keep in gone's, as the neighbour that can take its place. */
	if (above ? keep->right != NULL : keep->left != NULL)
		fix = tree_unlink(t, gone, NULL, &h);
	else
		fix = tree_unlink(t, gone, keep, &h);
	/* keep's gap: its own if gone is above (the node above gone keeps
	 * its gap too: it was measured from gone's end, now keep's), gone's
	 * if gone is below. */
	if (above) {
		keep->end = gone->end;
	} else {
		keep->start = gone->start;
		keep->gap = gone->gap;
	}
	/* keep is fix's ancestor, or sits in gone's place above it. */
	tree_fix_upward(fix);
	tree_fix_upward(keep);
	tree_erase_color(t, &h);
	t->count--;
	gone->left = gone->right = gone->parent = NULL;
}

void vma_tree_move_boundary(struct vma_tree *t, struct vma_node *lo, struct vma_node *hi,
			    uint64_t at)
{
	tree_assert_holds(t, lo, "move_boundary");
	tree_assert_holds(t, hi, "move_boundary");
	if (lo->end != hi->start || at <= lo->start || at >= hi->end || vma_tree_next(lo) != hi)
		MMK_BUG("move_boundary: [%#" PRIx64 ", %#" PRIx64 ") and [%#" PRIx64 ", %#" PRIx64
			") do not touch, or %#" PRIx64 " is not inside both",
			lo->start, lo->end, hi->start, hi->end, at);
	/* No gap changes (hi's stays 0), nor does the shape: nothing to fix. */
	lo->end = at;
	hi->start = at;
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
 * gap between each pair of consecutive nodes -- each the `gap` of the node
 * above it, so all of these are in the tree -- and [last->end, 2^64-1], which
 * belongs to no node (UINT64_MAX stands for the end of the address space:
 * s + len <= high <= UINT64_MAX, so nothing at or above it can be handed out
 * anyway).
 *
 * The gaps of a subtree lie inside a span the search knows on the way down:
 * the whole tree's in [0, UINT64_MAX); below a node n, the left subtree's in
 * [lo, n->start - n->gap) (they end before n's own gap begins) and the right
 * subtree's in [n->end, hi).
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

/* Whether n's subtree, whose gaps lie in [lo, hi), may hold a fitting gap:
 * one at least len long, and the span clipped to [low, high) still fits len.
 * A subtree whose span lies inside [low, high) passes only if it does hold
 * one. */
static bool gap_may_fit(const struct gap_query *q, const struct vma_node *n, uint64_t lo,
			uint64_t hi)
{
	uint64_t a, b;

	return n && n->max_gap >= q->len && gap_clip(q, lo, hi, &a, &b);
}

/*
 * The highest fitting s among the gaps of n's subtree (which lie in [lo,
 * hi)), searched from the right.  O(log n): a subtree that passes
 * gap_may_fit() but holds no fit must straddle low or high, and the spans of
 * the subtrees at one depth do not overlap, so those subtrees lie on two
 * root-to-leaf paths.
 */
static bool gap_highest_in(const struct gap_query *q, const struct vma_node *n, uint64_t lo,
			   uint64_t hi, uint64_t *out)
{
	uint64_t a, b, below = n ? n->start - n->gap : 0; /* where n's own gap begins */

	if (!gap_may_fit(q, n, lo, hi))
		return false;
	if (gap_highest_in(q, n->right, n->end, hi, out))
		return true;
	if (n->gap && gap_clip(q, below, n->start, &a, &b)) {
		*out = b - q->len;
		return true;
	}
	return gap_highest_in(q, n->left, lo, below, out);
}

/* The lowest fitting s among the gaps of n's subtree; as gap_highest_in(). */
static bool gap_lowest_in(const struct gap_query *q, const struct vma_node *n, uint64_t lo,
			  uint64_t hi, uint64_t *out)
{
	uint64_t a, b, below = n ? n->start - n->gap : 0;

	if (!gap_may_fit(q, n, lo, hi))
		return false;
	if (gap_lowest_in(q, n->left, lo, below, out))
		return true;
	if (n->gap && gap_clip(q, below, n->start, &a, &b)) {
		*out = a;
		return true;
	}
	return gap_lowest_in(q, n->right, n->end, hi, out);
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

/* Where the free range above the last node begins: its end, or 0. */
static uint64_t tree_top_free(const struct vma_tree *t)
{
	return t->root ? subtree_last(t->root)->end : 0;
}

int vma_tree_gap_highest(const struct vma_tree *t, uint64_t low, uint64_t high, uint64_t len,
			 uint64_t *out)
{
	const struct gap_query q = {low, high, len};
	uint64_t a, b;
	int err = gap_query_valid(&q);

	if (err)
		return err;
	if (gap_clip(&q, tree_top_free(t), UINT64_MAX, &a, &b)) {
		*out = b - len; /* above the last node, or anywhere if empty */
		return 0;
	}
	if (gap_highest_in(&q, t->root, 0, UINT64_MAX, out))
		return 0;
	return -ENOMEM;
}

int vma_tree_gap_lowest(const struct vma_tree *t, uint64_t low, uint64_t high, uint64_t len,
			uint64_t *out)
{
	const struct gap_query q = {low, high, len};
	uint64_t a, b;
	int err = gap_query_valid(&q);

	if (err)
		return err;
	if (gap_lowest_in(&q, t->root, 0, UINT64_MAX, out))
		return 0;
	if (gap_clip(&q, tree_top_free(t), UINT64_MAX, &a, &b)) {
		*out = a; /* above the last node, or anywhere if empty */
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

/* What vma_tree_check() recomputes of a subtree. */
struct check_facts {
	uint64_t max_gap;
	int black_height; /* black nodes on every path down to a missing child */
};

/* Compares a node's cached fields with the recomputed gap and max_gap. */
static int check_cached(struct check_state *st, const struct vma_node *n, uint64_t gap,
			uint64_t max_gap)
{
	if (n->gap != gap)
		return check_fail(st, n, "gap %#" PRIx64 ", should be %#" PRIx64, n->gap, gap);
	if (n->max_gap != max_gap)
		return check_fail(st, n, "max_gap %#" PRIx64 ", should be %#" PRIx64, n->max_gap,
				  max_gap);
	return 0;
}

/* Checks the subtree at n (whose parent should be `parent`, at `depth`) in
 * order and stores its recomputed facts in *f. */
static int check_subtree(struct check_state *st, const struct vma_node *n,
			 const struct vma_node *parent, int depth, struct check_facts *f)
{
	struct check_facts l = {0, 0}, r = {0, 0};
	uint64_t gap;

	if (depth > VMA_TREE_MAX_HEIGHT)
		return check_fail(st, n, "deeper than %d: a cycle", VMA_TREE_MAX_HEIGHT);
	if (n->parent != parent)
		return check_fail(st, n, "parent link is wrong");
	if (n->start >= n->end)
		return check_fail(st, n, "empty or inverted range");
	if (n->red && is_red(parent))
		return check_fail(st, n, "red with a red parent");
	if (n->left && check_subtree(st, n->left, n, depth + 1, &l))
		return -1;
	if (st->prev && st->prev->end > n->start)
		return check_fail(st, n,
				  "out of order with or overlaps [%#" PRIx64 ", %#" PRIx64 ")",
				  st->prev->start, st->prev->end);
	gap = gap_between(st->prev, n->start);
	st->prev = n;
	st->count++;
	if (n->right && check_subtree(st, n->right, n, depth + 1, &r))
		return -1;
	if (l.black_height != r.black_height)
		return check_fail(st, n, "unbalanced: black height %d on the left, %d on the right",
				  l.black_height, r.black_height);
	f->max_gap = max_u64(gap, max_u64(l.max_gap, r.max_gap));
	f->black_height = l.black_height + !n->red;
	return check_cached(st, n, gap, f->max_gap);
}

int vma_tree_check(const struct vma_tree *t, char *err, size_t errlen)
{
	struct check_state st = {err, errlen, NULL, 0};
	struct check_facts f;

	if (t->root && t->root->red)
		return check_fail(&st, t->root, "the root is red");
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
