/*
 * blockmap.h - which pages of a host file have a block on an ext4-like file
 * system: written (or reserved by delayed allocation) as opposed to holes.
 * Linux's answer to "is this block mapped" decides whether ext4 dirties the
 * page holding an unaligned EOF when it zeroes its tail (pagecache.c,
 * zero_eof_block_locked); mmkit cannot ask the host (it touches host files
 * only with pread, pwrite, ftruncate, fstat and fsync), so it keeps the
 * answer itself from what it does to the file.
 *
 * Shape: a sorted array of disjoint, non-adjacent extents [first, last) of
 * page offsets.  A file written front to back is one extent, so the common
 * tests and additions (the last extent) are O(1); anything else is a
 * binary search and, for a change, one memmove.
 *
 * Invariants (checked by blockmap_check()): extents are non-empty, sorted,
 * and separated by at least one page not in the map.
 *
 * Locking: none inside; the owning inode's lock serialises every call.
 */
#ifndef MMK_BLOCKMAP_H
#define MMK_BLOCKMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct failinj;

struct blockmap_extent {
	uint64_t first, last; /* pages [first, last) */
};

struct blockmap {
	struct blockmap_extent *ext;
	size_t n, cap;
	struct failinj *inj; /* the system's countdown (failinj.h), or NULL */
};

/* Frees the extents; the map is empty afterwards. */
void blockmap_destroy(struct blockmap *bm);

/* Whether page idx has a block. */
bool blockmap_test(const struct blockmap *bm, uint64_t idx);

/* Pages [first, last) have blocks now.  0, or -ENOMEM (the map unchanged). */
int blockmap_add(struct blockmap *bm, uint64_t first, uint64_t last);

/* Pages [first, last) are holes now (truncation, hole punching).  0, or
 * -ENOMEM when a removal from inside an extent needs a new one (the map
 * unchanged). */
int blockmap_remove(struct blockmap *bm, uint64_t first, uint64_t last);

/* Checks the invariants; 0, or -1 with a message in err. */
int blockmap_check(const struct blockmap *bm, char *err, size_t errlen);

#endif
