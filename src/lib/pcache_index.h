/*
 * pcache_index.h - the page-cache index of one file: a map from page offset
 * (pgoff, any uint64_t) to the pfn caching it.  It plays the role of
 * Linux's xarray (mapping->i_pages), without marks and without a lock.
 *
 * Shape: a radix tree, 64 slots per node, whose height grows as keys need
 * and shrinks as they go (Linux's xas_expand() / xas_shrink()):
 *
 *   height h holds keys < 2^(6h)          key = d[h-1] ... d[1] d[0]
 *                                                (6-bit digits)
 *   root (level h-1) --d[h-1]--> ... --d[1]--> leaf (level 0) --d[0]--> val
 *
 * Inner nodes hold child pointers, leaves hold the uint32_t values; every
 * node has a 64-bit occupancy bitmap, so "next present key" skips empty
 * slots with one count-trailing-zeros.  Keys up to 2^52 need height <= 9;
 * the full 64-bit range needs 11.
 *
 * Invariants (checked by pcache_index_check()):
 *  - no node is empty: a slot's bit is set iff it holds a child or value,
 *    and erase frees nodes as they empty;
 *  - the height is minimal: when height > 1 the root has a key outside
 *    slot 0 (else the tree shrinks);
 *  - count is the number of keys present.
 *
 * Locking: none inside.  The owner (the inode's page-cache lock, Linux's
 * xa_lock) serialises every call; lookup and next only read, so any number
 * of them may run together while no insert or erase does.
 */
#ifndef MMK_PCACHE_INDEX_H
#define MMK_PCACHE_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct failinj;

struct pcache_index {
	void *root;	     /* NULL when empty; a leaf when height == 1 */
	unsigned height;     /* levels of nodes; 0 when empty */
	uint64_t count;	     /* keys present */
	int64_t fail_after;  /* -1 off; else node allocations that still succeed */
	struct failinj *inj; /* the system's countdown (failinj.h), or NULL */
};

void pcache_index_init(struct pcache_index *x);

/* Frees the nodes only (the values are the caller's).  The index is empty after. */
void pcache_index_destroy(struct pcache_index *x);

/* 0 and *val when @key is present, else -ENOENT.  O(height). */
int pcache_index_lookup(const struct pcache_index *x, uint64_t key, uint32_t *val);

/*
 * Adds @key -> @val.  0, -EEXIST (the index is unchanged), or -ENOMEM (the
 * index is unchanged: nodes made on the way are freed).  O(height).
 */
int pcache_index_insert(struct pcache_index *x, uint64_t key, uint32_t val);

/*
 * Removes @key, returning its value in *old (if old != NULL).  0 or
 * -ENOENT.  Frees the nodes it empties and shrinks the height.  O(height).
 */
int pcache_index_erase(struct pcache_index *x, uint64_t key, uint32_t *old);

/*
 * The first present key >= @from: 0 with *key and *val, or -ENOENT.
 * Empty subtrees are skipped through the bitmaps: O(height).
 * Iterate with from = key + 1 (stopping when key == UINT64_MAX).
 */
int pcache_index_next(const struct pcache_index *x, uint64_t from, uint64_t *key, uint32_t *val);

/*
 * The present keys of [@first, @first + @n), 1 <= @n <= 64, in one pass
 * (Linux's xas_next() walk of a range, as filemap_map_pages() does it):
 * returns a bitmap whose bit i is set when first + i is present, and sets
 * vals[i] for those bits (the other vals[] are left alone).  The range may
 * not wrap past UINT64_MAX.  One root-to-leaf descent per leaf the range
 * touches (at most two): O(height), not O(n * height).
 */
uint64_t pcache_index_lookup_range(const struct pcache_index *x, uint64_t first, unsigned n,
				   uint32_t *vals);

uint64_t pcache_index_count(const struct pcache_index *x);

/*
 * This index's own failure injection, for unit tests: the next @after node
 * allocations succeed and every later one fails until called again;
 * @after < 0 turns it off.  Every node allocation also consults the
 * system's countdown, x->inj (failinj.h), which the owner sets after init.
 */
void pcache_index_inject_fail(struct pcache_index *x, int64_t after);

/* Checks the invariants above.  0, or -EUCLEAN with a message in err. */
int pcache_index_check(const struct pcache_index *x, char *err, size_t errlen);

#endif
