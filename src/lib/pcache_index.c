/*
 * pcache_index.c - the page-cache radix tree.  See pcache_index.h for its
 * shape and invariants.
 *
 * Insert builds the path top-down; erase clears the value and then prunes
 * the path bottom-up, freeing nodes as they empty, and shrinks the height.
 * An insert that runs out of memory half-way undoes itself with the same
 * prune and shrink, so every exit leaves the invariants intact.  A range
 * lookup (fault-around's window) descends once per leaf it touches and
 * takes the present keys from the leaf's bitmap, as Linux's xas_next()
 * walks along a node instead of restarting from the root.
 */
#include "pcache_index.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "failinj.h"

#define PCI_BITS       6
#define PCI_SLOTS      (1u << PCI_BITS)
#define PCI_MAX_HEIGHT 11 /* ceil(64 / 6) */

/* What inner nodes and leaves share: the occupancy bitmap comes first. */
struct pci_node {
	uint64_t present; /* bit i set: slot i holds a child (inner) or a value (leaf) */
};

struct pci_inner {
	struct pci_node hdr;
	void *slot[PCI_SLOTS];
};

struct pci_leaf {
	struct pci_node hdr;
	uint32_t val[PCI_SLOTS];
};

static uint64_t pci_present(const void *node)
{
	return ((const struct pci_node *)node)->present;
}

static unsigned pci_digit(uint64_t key, unsigned level)
{
	return (unsigned)(key >> (PCI_BITS * level)) & (PCI_SLOTS - 1);
}

static uint64_t pci_bit(unsigned slot)
{
	return 1ull << slot;
}

/* Whether a tree of @height can hold @key. */
static bool pci_fits(unsigned height, uint64_t key)
{
	return PCI_BITS * height >= 64 || (key >> (PCI_BITS * height)) == 0;
}

/* The smallest height that holds @key (at least 1). */
static unsigned pci_height_for(uint64_t key)
{
	unsigned h = 1;

	while (!pci_fits(h, key))
		h++;
	return h;
}

/* @key with its low @bits bits cleared. */
static uint64_t pci_clear_low(uint64_t key, unsigned bits)
{
	return bits >= 64 ? 0 : key & ~((1ull << bits) - 1);
}

/* A new empty node for @level (0 = leaf), or NULL (-ENOMEM, real or injected). */
static void *pci_node_alloc(struct pcache_index *x, unsigned level)
{
	if (failinj_should_fail(x->inj))
		return NULL;
	if (x->fail_after == 0)
		return NULL;
	if (x->fail_after > 0)
		x->fail_after--;
	return calloc(1, level ? sizeof(struct pci_inner) : sizeof(struct pci_leaf));
}

void pcache_index_init(struct pcache_index *x)
{
	x->root = NULL;
	x->height = 0;
	x->count = 0;
	x->fail_after = -1;
	x->inj = NULL;
}

static void pci_free_subtree(void *node, unsigned level)
{
	if (level > 0) {
		struct pci_inner *in = node;
		for (uint64_t p = in->hdr.present; p; p &= p - 1)
			pci_free_subtree(in->slot[__builtin_ctzll(p)], level - 1);
	}
	free(node);
}

void pcache_index_destroy(struct pcache_index *x)
{
	if (x->root)
		pci_free_subtree(x->root, x->height - 1);
	x->root = NULL;
	x->height = 0;
	x->count = 0;
}

/* The leaf that would hold @key, or NULL when the path to it is missing. */
static struct pci_leaf *pci_find_leaf(const struct pcache_index *x, uint64_t key)
{
	void *node = x->root;

	if (!node || !pci_fits(x->height, key))
		return NULL;
	for (unsigned level = x->height - 1; level > 0; level--) {
		struct pci_inner *in = node;
		unsigned d = pci_digit(key, level);
		if (!(in->hdr.present & pci_bit(d)))
			return NULL;
		node = in->slot[d];
	}
	return node;
}

int pcache_index_lookup(const struct pcache_index *x, uint64_t key, uint32_t *val)
{
	struct pci_leaf *leaf = pci_find_leaf(x, key);
	unsigned d = pci_digit(key, 0);

	if (!leaf || !(leaf->hdr.present & pci_bit(d)))
		return -ENOENT;
	*val = leaf->val[d];
	return 0;
}

/*
 * Drops root levels that only use slot 0 (Linux's xas_shrink()), restoring
 * "the height is minimal".
 */
static void pci_shrink(struct pcache_index *x)
{
	while (x->height > 1 && pci_present(x->root) == pci_bit(0)) {
		struct pci_inner *old = x->root;
		x->root = old->slot[0];
		x->height--;
		free(old);
	}
}

/*
 * Frees the empty nodes on @key's path, deepest first, then shrinks.  Used
 * after erase clears a value and to undo an insert that ran out of memory.
 */
static void pci_prune(struct pcache_index *x, uint64_t key)
{
	void *path[PCI_MAX_HEIGHT];
	unsigned top = x->height - 1, low = top;

	path[top] = x->root;
	while (low > 0) {
		struct pci_inner *in = path[low];
		unsigned d = pci_digit(key, low);
		if (!(in->hdr.present & pci_bit(d)))
			break;
		path[--low] = in->slot[d];
	}
	for (unsigned level = low; level <= top && pci_present(path[level]) == 0; level++) {
		free(path[level]);
		if (level == top) {
			x->root = NULL;
			x->height = 0;
			return;
		}
		struct pci_inner *parent = path[level + 1];
		parent->hdr.present &= ~pci_bit(pci_digit(key, level + 1));
	}
	pci_shrink(x);
}

/* Raises the tree until it can hold @key (Linux's xas_expand()).  0 or -ENOMEM. */
static int pci_grow(struct pcache_index *x, uint64_t key)
{
	if (!x->root) {
		x->height = pci_height_for(key);
		x->root = pci_node_alloc(x, x->height - 1);
		if (!x->root) {
			x->height = 0;
			return -ENOMEM;
		}
		return 0;
	}
	while (!pci_fits(x->height, key)) {
		struct pci_inner *top = pci_node_alloc(x, x->height);
		if (!top) {
			pci_shrink(x);
			return -ENOMEM;
		}
		top->hdr.present = pci_bit(0);
		top->slot[0] = x->root;
		x->root = top;
		x->height++;
	}
	return 0;
}

int pcache_index_insert(struct pcache_index *x, uint64_t key, uint32_t val)
{
	if (pci_grow(x, key) != 0)
		return -ENOMEM;
	void *node = x->root;
	for (unsigned level = x->height - 1; level > 0; level--) {
		struct pci_inner *in = node;
		unsigned d = pci_digit(key, level);
		if (!(in->hdr.present & pci_bit(d))) {
			void *child = pci_node_alloc(x, level - 1);
			if (!child) {
				pci_prune(x, key);
				return -ENOMEM;
			}
			in->slot[d] = child;
			in->hdr.present |= pci_bit(d);
		}
		node = in->slot[d];
	}
	struct pci_leaf *leaf = node;
	unsigned d = pci_digit(key, 0);
	if (leaf->hdr.present & pci_bit(d))
		return -EEXIST; /* the whole path existed: nothing to undo */
	leaf->val[d] = val;
	leaf->hdr.present |= pci_bit(d);
	x->count++;
	return 0;
}

int pcache_index_erase(struct pcache_index *x, uint64_t key, uint32_t *old)
{
	struct pci_leaf *leaf = pci_find_leaf(x, key);
	unsigned d = pci_digit(key, 0);

	if (!leaf || !(leaf->hdr.present & pci_bit(d)))
		return -ENOENT;
	if (old)
		*old = leaf->val[d];
	leaf->hdr.present &= ~pci_bit(d);
	x->count--;
	pci_prune(x, key);
	return 0;
}

/*
 * The first key >= @from under @node (at @level, covering the keys that
 * share @from's digits above @level).  Only the slot on @from's own path can
 * come back empty-handed: every other subtree is non-empty, so its first key
 * is found by going left, and the whole search is O(height).
 */
static int pci_next(const void *node, unsigned level, uint64_t from, uint64_t *key, uint32_t *val)
{
	unsigned shift = PCI_BITS * level, d = pci_digit(from, level);
	uint64_t prefix = pci_clear_low(from, shift + PCI_BITS);

	for (uint64_t p = pci_present(node) & (~0ull << d); p; p &= p - 1) {
		unsigned j = __builtin_ctzll(p);
		uint64_t base = prefix | ((uint64_t)j << shift);
		if (level == 0) {
			*key = base;
			*val = ((const struct pci_leaf *)node)->val[j];
			return 0;
		}
		const struct pci_inner *in = node;
		if (pci_next(in->slot[j], level - 1, j == d ? from : base, key, val) == 0)
			return 0;
	}
	return -ENOENT;
}

int pcache_index_next(const struct pcache_index *x, uint64_t from, uint64_t *key, uint32_t *val)
{
	if (!x->root || !pci_fits(x->height, from))
		return -ENOENT;
	return pci_next(x->root, x->height - 1, from, key, val);
}

/* The low @n bits set (1 <= n <= 64). */
static uint64_t pci_low_bits(unsigned n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

uint64_t pcache_index_lookup_range(const struct pcache_index *x, uint64_t first, unsigned n,
				   uint32_t *vals)
{
	uint64_t found = 0;

	if (n == 0 || n > 64 || first + (n - 1) < first)
		abort(); /* a caller's bug: see the contract in pcache_index.h */
	for (unsigned i = 0; i < n;) {
		uint64_t key = first + i;
		unsigned d = pci_digit(key, 0);
		unsigned span = PCI_SLOTS - d < n - i ? PCI_SLOTS - d : n - i;
		const struct pci_leaf *leaf = pci_find_leaf(x, key);
		if (leaf) {
			uint64_t bits = (leaf->hdr.present >> d) & pci_low_bits(span);
			for (uint64_t b = bits; b; b &= b - 1) {
				unsigned j = __builtin_ctzll(b);
				vals[i + j] = leaf->val[d + j];
			}
			found |= bits << i;
		}
		i += span;
	}
	return found;
}

uint64_t pcache_index_count(const struct pcache_index *x)
{
	return x->count;
}

void pcache_index_inject_fail(struct pcache_index *x, int64_t after)
{
	x->fail_after = after < 0 ? -1 : after;
}

/* Counts the keys under @node, checking that no node is empty; -1 if one is. */
static int64_t pci_check_subtree(const void *node, unsigned level)
{
	uint64_t p = pci_present(node);
	int64_t n = 0;

	if (p == 0)
		return -1;
	if (level == 0)
		return __builtin_popcountll(p);
	for (; p; p &= p - 1) {
		int64_t sub = pci_check_subtree(
		    ((const struct pci_inner *)node)->slot[__builtin_ctzll(p)], level - 1);
		if (sub < 0)
			return -1;
		n += sub;
	}
	return n;
}

int pcache_index_check(const struct pcache_index *x, char *err, size_t errlen)
{
	if (!x->root) {
		if (x->height != 0 || x->count != 0) {
			snprintf(err, errlen, "empty index with height %u count %llu", x->height,
				 (unsigned long long)x->count);
			return -EUCLEAN;
		}
		return 0;
	}
	if (x->height == 0 || x->height > PCI_MAX_HEIGHT ||
	    (x->height > 1 && pci_present(x->root) == pci_bit(0))) {
		snprintf(err, errlen, "height %u is not minimal or out of range", x->height);
		return -EUCLEAN;
	}
	int64_t n = pci_check_subtree(x->root, x->height - 1);
	if (n < 0 || (uint64_t)n != x->count) {
		snprintf(err, errlen, "%s: count %llu, found %lld", n < 0 ? "empty node" : "count",
			 (unsigned long long)x->count, (long long)n);
		return -EUCLEAN;
	}
	return 0;
}
