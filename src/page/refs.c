/*
 * refs.c - recording and replaying the page reference string for the OPT
 * policy (see refs.h for the keys and the locking).
 *
 * Replay tables, built once from cfg.opt_refs (n keys):
 *   next[i]   the next position j > i with the same key, or NEVER;
 *   groups    the positions of each key, ascending, found through an
 *             open-addressing hash of the keys: for a page no access has
 *             touched yet (readahead, a page brought back by someone
 *             else), its first use after `now` by binary search.
 * Each access at position t stores next[t] + 1 into the touched frame's
 * policy datum (frame_lru_data: 0 = unknown, UINT64_MAX = never again);
 * reclaim evicts the listed pages with the largest value.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lru.h"
#include "refs.h"

#define NEVER	       UINT64_MAX
#define KEY_INDEX_BITS 36
#define KEY_INDEX_MASK ((1ULL << KEY_INDEX_BITS) - 1)

struct key_group {
	uint64_t key;	     /* valid when len != 0 */
	uint64_t start, len; /* in pos[] */
};

struct refstring {
	bool record;	       /* immutable */
	struct mmk_mutex lock; /* a leaf: keys, n, cap, full */
	uint64_t *keys, n, cap;
	bool full; /* out of host memory: recording stopped */
	/* replay: immutable once built */
	uint64_t nfuture;
	uint64_t *next; /* NULL when not replaying */
	uint64_t *pos;
	struct key_group *groups;
	uint64_t ngroups;	  /* a power of two */
	atomic_uint_fast64_t now; /* accesses replayed so far */
};

static uint64_t anon_key(int pid, uint64_t vpn)
{
	return (1ULL << 63) | ((uint64_t)(pid & 0x7ffffff) << KEY_INDEX_BITS) |
	       (vpn & KEY_INDEX_MASK);
}

static uint64_t file_key(const struct mmk_inode *in, uint64_t index)
{
	uint64_t h =
	    (uint64_t)in->dev * 0x9e3779b97f4a7c15ULL ^ (uint64_t)in->ino * 0xc2b2ae3d27d4eb4fULL;
	return ((h >> 37) << KEY_INDEX_BITS) | (index & KEY_INDEX_MASK);
}

static uint64_t key_hash(uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return key;
}

/* The group of key, or NULL. */
static const struct key_group *group_find(const struct refstring *r, uint64_t key)
{
	for (uint64_t i = key_hash(key) & (r->ngroups - 1);; i = (i + 1) & (r->ngroups - 1)) {
		const struct key_group *g = &r->groups[i];
		if (!g->len || g->key == key)
			return g->len ? g : NULL;
	}
}

static int cmp_pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Builds next[], pos[] and the groups from the n keys. */
static int replay_build(struct refstring *r, const uint64_t *keys, uint64_t n)
{
	uint64_t *pairs = malloc((n ? n : 1) * 2 * sizeof(uint64_t));
	r->next = malloc((n ? n : 1) * sizeof(uint64_t));
	r->pos = malloc((n ? n : 1) * sizeof(uint64_t));
	r->ngroups = 16;
	while (r->ngroups < 2 * n)
		r->ngroups <<= 1;
	r->groups = calloc(r->ngroups, sizeof(*r->groups));
	if (!pairs || !r->next || !r->pos || !r->groups) {
		free(pairs);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < n; i++) {
		pairs[2 * i] = keys[i];
		pairs[2 * i + 1] = i;
	}
	qsort(pairs, n, 2 * sizeof(uint64_t), cmp_pair);
	for (uint64_t i = 0; i < n;) {
		uint64_t key = pairs[2 * i], j = i;
		for (; j < n && pairs[2 * j] == key; j++) {
			r->pos[j] = pairs[2 * j + 1];
			r->next[pairs[2 * j + 1]] =
			    j + 1 < n && pairs[2 * j + 2] == key ? pairs[2 * j + 3] : NEVER;
		}
		uint64_t h = key_hash(key) & (r->ngroups - 1);
		while (r->groups[h].len)
			h = (h + 1) & (r->ngroups - 1);
		r->groups[h] = (struct key_group){key, i, j - i};
		i = j;
	}
	free(pairs);
	r->nfuture = n;
	return 0;
}

/* The system's reference string, made on first use.  NULL: no memory. */
static struct refstring *refs_get(struct mmk_system *sys)
{
	if (sys->refs)
		return sys->refs;
	struct refstring *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->record = sys->cfg.record_refs != 0;
	mmk_mutex_init(&r->lock, LOCK_REFS);
	sys->refs = r;
	return r;
}

int refs_init(struct mmk_system *sys)
{
	sys->refs = NULL;
	if (!sys->cfg.record_refs)
		return 0;
	return refs_get(sys) ? 0 : -ENOMEM;
}

int refs_replay_init(struct mmk_system *sys)
{
	const struct mmk_config *c = &sys->cfg;
	if (!c->opt_refs)
		return -EINVAL;
	struct refstring *r = refs_get(sys);
	if (!r || frame_pool_enable_lru_data(&sys->pool) ||
	    replay_build(r, c->opt_refs, c->opt_nrefs)) {
		refs_destroy(sys);
		return -ENOMEM;
	}
	return 0;
}

void refs_destroy(struct mmk_system *sys)
{
	struct refstring *r = sys->refs;
	if (!r)
		return;
	mmk_mutex_destroy(&r->lock);
	free(r->keys);
	free(r->next);
	free(r->pos);
	free(r->groups);
	free(r);
	sys->refs = NULL;
}

static void record_key(struct refstring *r, uint64_t key)
{
	mmk_mutex_lock(&r->lock);
	if (r->n == r->cap && !r->full) {
		uint64_t cap = r->cap ? r->cap * 2 : 4096;
		uint64_t *k = realloc(r->keys, cap * sizeof(*k));
		if (k) {
			r->keys = k;
			r->cap = cap;
		} else {
			r->full = true;
		}
	}
	if (r->n < r->cap)
		r->keys[r->n++] = key;
	mmk_mutex_unlock(&r->lock);
}

void refs_note(struct mm *mm, uint64_t va, const void *host)
{
	lock_assert_held(&mm->ptl);
	struct refstring *r = mm->sys->refs;
	struct frame_pool *fp = mm_pool(mm);
	pfn_t pfn = (pfn_t)(((const uint8_t *)host - fp->mem) / FRAME_SIZE);
	struct page *pg = pfn_to_page(fp, pfn);
	if (r->record) {
		bool anon = pfn == ZERO_PFN || page_test(pg, PG_anon);
		record_key(r, anon ? anon_key(mm->pid, va >> PAGE_SHIFT)
				   : file_key(pg->mapping, pg->index));
	}
	if (r->next) {
		uint64_t t = atomic_fetch_add_explicit(&r->now, 1, memory_order_relaxed);
		uint64_t nx = t < r->nfuture ? r->next[t] : NEVER;
		if (pfn != ZERO_PFN)
			atomic_store_explicit(frame_lru_data(fp, pfn), nx == NEVER ? NEVER : nx + 1,
					      memory_order_relaxed);
	}
}

/* The first use of key at a position >= now, or NEVER. */
static uint64_t first_use_after(const struct refstring *r, uint64_t key, uint64_t now)
{
	const struct key_group *g = group_find(r, key);
	if (!g)
		return NEVER;
	uint64_t lo = g->start, hi = g->start + g->len;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (r->pos[mid] < now)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->start + g->len ? r->pos[lo] : NEVER;
}

uint64_t refs_next_use(struct mmk_system *sys, pfn_t pfn)
{
	lock_assert_held(&sys->lru->lock);
	struct refstring *r = sys->refs;
	if (!r || !r->next)
		return 0;
	struct page *pg = pfn_to_page(&sys->pool, pfn);
	uint64_t now = atomic_load_explicit(&r->now, memory_order_relaxed);
	uint64_t v = atomic_load_explicit(frame_lru_data(&sys->pool, pfn), memory_order_relaxed);
	if (v == NEVER || (v && v - 1 >= now))
		return v; /* a prediction still ahead of us */
	if (!page_test(pg, PG_anon)) {
		uint64_t at = first_use_after(r, file_key(pg->mapping, pg->index), now);
		return at == NEVER ? NEVER : at + 1;
	}
	/* Anonymous, never touched since it came (about to be: keep it), or
	 * its predicted use went by without it (the replay diverged). */
	return v ? NEVER - 1 : now + 1;
}

int64_t mmk_refs(mmk_system *sys, uint64_t *out, uint64_t n)
{
	struct refstring *r = sys ? sys->refs : NULL;
	if (!r || !r->record)
		return -EINVAL;
	if (n && !out)
		return -EFAULT;
	mmk_mutex_lock(&r->lock);
	uint64_t have = r->n;
	if (n > have)
		n = have;
	if (n)
		memcpy(out, r->keys, n * sizeof(*out));
	mmk_mutex_unlock(&r->lock);
	return (int64_t)have;
}
