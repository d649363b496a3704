/*
 * test_vma_tree.c - the VMA index (src/lib/vma_tree.c).
 *
 * Hand-computed edge cases (empty tree, the bottom and the top of the address
 * space, exact fits, lengths no gap can hold, low > high); a randomized
 * differential test against a naive model (a sorted array, with brute-force
 * gap searches) that runs vma_tree_check() after every mutation -- insert,
 * insert_after, remove, set_bounds, split, merge, move_boundary; corruption
 * that vma_tree_check() must report; broken preconditions that must stop the
 * process; and a 1,000,000-node build, search and teardown whose timings are
 * printed, not asserted.
 */
#include "t.h"
#include "vma_tree.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Returns from the calling test if the helper it called has failed. */
#define SUB(call)                                                                                  \
	do {                                                                                       \
		call;                                                                              \
		if (t_failed_now)                                                                  \
			return;                                                                    \
	} while (0)

#define TOP64  UINT64_MAX
#define HALF64 (1ULL << 63)

/* What a VMA would be: an owner with the node embedded somewhere inside. */
struct owner {
	uint64_t id;
	struct vma_node node;
};

static struct owner *owner_of(struct vma_node *n)
{
	return n ? vma_tree_entry(n, struct owner, node) : NULL;
}

static void owner_insert(struct vma_tree *t, struct owner *o, uint64_t start, uint64_t end)
{
	o->node.start = start;
	o->node.end = end;
	vma_tree_insert(t, &o->node);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- a deterministic random source (splitmix64) ------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform enough in [0, n); 0 if n == 0. */
static uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

/* In [lo, hi], lo <= hi. */
static uint64_t rng_between(struct rng *r, uint64_t lo, uint64_t hi)
{
	return hi - lo == TOP64 ? rng_next(r) : lo + rng_below(r, hi - lo + 1);
}

/* ---- the naive model: a sorted array of ranges ----------------------------- */

struct model_ent {
	uint64_t start, end;
	struct owner *o;
};

struct model {
	struct model_ent *e;
	size_t n;
};

/* Index of the first range with end > addr, or n.  (Binary search: the
 * brute-force gap searches below call it for every candidate.) */
static size_t model_first_end_above(const struct model *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->e[mid].end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Whether [s, s + len) overlaps no range; s + len must not wrap. */
static bool model_is_free(const struct model *m, uint64_t s, uint64_t len)
{
	size_t i = model_first_end_above(m, s);

	return i == m->n || m->e[i].start >= s + len;
}

static struct owner *model_lookup(const struct model *m, uint64_t addr)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].start <= addr && addr < m->e[i].end)
			return m->e[i].o;
	return NULL;
}

static struct owner *model_find(const struct model *m, uint64_t addr)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].end > addr)
			return m->e[i].o;
	return NULL;
}

static struct owner *model_find_prev(const struct model *m, uint64_t addr)
{
	for (size_t i = m->n; i-- > 0;)
		if (m->e[i].start < addr)
			return m->e[i].o;
	return NULL;
}

static void model_insert(struct model *m, uint64_t start, uint64_t end, struct owner *o)
{
	size_t i = 0;

	while (i < m->n && m->e[i].start < start)
		i++;
	memmove(&m->e[i + 1], &m->e[i], (m->n - i) * sizeof(m->e[0]));
	m->e[i] = (struct model_ent){start, end, o};
	m->n++;
}

static void model_remove(struct model *m, size_t i)
{
	memmove(&m->e[i], &m->e[i + 1], (m->n - i - 1) * sizeof(m->e[0]));
	m->n--;
}

/*
 * Brute force: the highest fit ends either at high or at the start of some
 * range (otherwise it could move up by one), so try each of those ends.
 */
static int model_gap_highest(const struct model *m, uint64_t low, uint64_t high, uint64_t len,
			     uint64_t *out)
{
	bool found = false;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i <= m->n; i++) {
		uint64_t end = i < m->n ? m->e[i].start : high, s;

		if (end > high || end < len)
			continue;
		s = end - len;
		if (s >= low && model_is_free(m, s, len) && (!found || s > *out)) {
			*out = s;
			found = true;
		}
	}
	return found ? 0 : -ENOMEM;
}

/* Likewise the lowest fit starts at low or at the end of some range. */
static int model_gap_lowest(const struct model *m, uint64_t low, uint64_t high, uint64_t len,
			    uint64_t *out)
{
	bool found = false;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i <= m->n; i++) {
		uint64_t s = i < m->n ? m->e[i].end : low;

		if (s < low || s > high || high - s < len)
			continue;
		if (model_is_free(m, s, len) && (!found || s < *out)) {
			*out = s;
			found = true;
		}
	}
	return found ? 0 : -ENOMEM;
}

/* ---- the differential driver ------------------------------------------------ */

#define DIFF_POOL 512

struct diff {
	struct vma_tree t;
	struct model m;
	struct owner pool[DIFF_POOL];
	struct model_ent ents[DIFF_POOL];
	size_t free_ids[DIFF_POOL], nfree;
	struct rng r;
	uint64_t seed;
	uint64_t top;	  /* every range lies in [0, top] */
	uint64_t max_len; /* dense universe: ranges are 1..max_len long; 0: any scale */
	size_t target;	  /* the size the tree drifts towards */
	unsigned long step;
	/* Coverage, printed: the largest tree, and how gap queries ended. */
	size_t max_n;
	unsigned long gap_found, gap_enomem, gap_einval;
};

static void diff_init(struct diff *d, uint64_t seed, uint64_t top, uint64_t max_len)
{
	memset(d, 0, sizeof(*d));
	vma_tree_init(&d->t);
	d->m.e = d->ents;
	for (size_t i = 0; i < DIFF_POOL; i++) {
		d->pool[i].id = i;
		d->free_ids[d->nfree++] = DIFF_POOL - 1 - i;
	}
	d->r.s = d->seed = seed;
	d->top = top;
	d->max_len = max_len;
}

/* A random free range of the model [*gs, *ge), the outer ones included. */
static void diff_pick_gap(struct diff *d, uint64_t *gs, uint64_t *ge)
{
	size_t i = rng_below(&d->r, d->m.n + 1);

	*gs = i ? d->m.e[i - 1].end : 0;
	*ge = i < d->m.n ? d->m.e[i].start : d->top;
}

/* An address in [0, top], biased to the interesting ones: edges of ranges,
 * their neighbours, the ends of the universe. */
static uint64_t diff_pick_addr(struct diff *d)
{
	static const uint64_t fixed[] = {0, 1, HALF64 - 1, HALF64, HALF64 + 1, TOP64 - 1, TOP64};
	uint64_t a;

	switch (rng_below(&d->r, 8)) {
	case 0:
		a = fixed[rng_below(&d->r, sizeof(fixed) / sizeof(fixed[0]))];
		return a > d->top ? d->top : a;
	case 1:
	case 2:
	case 3:
		if (d->m.n) {
			const struct model_ent *e = &d->m.e[rng_below(&d->r, d->m.n)];

			a = rng_below(&d->r, 2) ? e->start : e->end;
			switch (rng_below(&d->r, 3)) {
			case 0:
				return a > 0 ? a - 1 : a;
			case 1:
				return a < d->top ? a + 1 : a;
			default:
				return a;
			}
		}
		/* fall through */
	default:
		return rng_between(&d->r, 0, d->top);
	}
}

/* A length for a new range. */
static uint64_t diff_pick_range_len(struct diff *d)
{
	uint64_t shift;

	if (d->max_len)
		return 1 + rng_below(&d->r, d->max_len);
	shift = 1 + rng_below(&d->r, 63); /* a scale, then a value at that scale */
	return 1 + (rng_next(&d->r) >> shift);
}

/* A length for a gap query: mostly plausible, sometimes exact, absurd or 0. */
static uint64_t diff_pick_query_len(struct diff *d)
{
	uint64_t gs, ge;

	switch (rng_below(&d->r, 16)) {
	case 0:
		return 0;
	case 1:
		return TOP64;
	case 2:
		return TOP64 >> rng_below(&d->r, 64);
	case 3:
	case 4:
		diff_pick_gap(d, &gs, &ge);
		return ge - gs + rng_below(&d->r, 3) - 1; /* exact, one short, one long */
	default:
		return d->max_len ? 1 + rng_below(&d->r, 2 * d->max_len) : diff_pick_range_len(d);
	}
}

/* Tree and model agree on shape and contents; the tree passes its check. */
static void diff_verify(struct diff *d)
{
	char err[256];
	struct vma_node *n;
	size_t i;

	if (vma_tree_check(&d->t, err, sizeof(err)))
		T_FAIL("seed %#" PRIx64 " step %lu: vma_tree_check: %s", d->seed, d->step, err);
	CHECK_EQ(d->t.count, d->m.n);
	for (n = vma_tree_first(&d->t), i = 0; n; n = vma_tree_next(n), i++) {
		CHECK(i < d->m.n);
		CHECK(owner_of(n) == d->m.e[i].o);
		CHECK_EQ(n->start, d->m.e[i].start);
		CHECK_EQ(n->end, d->m.e[i].end);
	}
	CHECK_EQ(i, d->m.n);
	for (n = vma_tree_last(&d->t), i = d->m.n; n; n = vma_tree_prev(n))
		CHECK(owner_of(n) == d->m.e[--i].o);
	CHECK_EQ(i, 0);
}

/* A random free range [*s, *e) for a new node, and the model index of the
 * first range above it; false when there is none this time. */
static bool diff_pick_free(struct diff *d, uint64_t *s, uint64_t *e, size_t *next)
{
	uint64_t len;

	*s = diff_pick_addr(d);
	len = diff_pick_range_len(d);
	if (!d->nfree || model_lookup(&d->m, *s))
		return false;
	*e = *s + (d->top - *s < len ? d->top - *s : len);
	*next = model_first_end_above(&d->m, *s);
	if (*next < d->m.n && d->m.e[*next].start < *e)
		*e = d->m.e[*next].start; /* clip into the free range that holds s */
	return *e > *s;
}

static void diff_insert(struct diff *d)
{
	uint64_t s, e;
	size_t next;
	struct owner *o;

	if (!diff_pick_free(d, &s, &e, &next))
		return;
	o = &d->pool[d->free_ids[--d->nfree]];
	owner_insert(&d->t, o, s, e);
	model_insert(&d->m, s, e, o);
}

static void diff_remove(struct diff *d)
{
	size_t i = rng_below(&d->r, d->m.n);
	struct owner *o;

	if (!d->m.n)
		return;
	o = d->m.e[i].o;
	vma_tree_remove(&d->t, &o->node);
	CHECK(!o->node.left && !o->node.right && !o->node.parent);
	model_remove(&d->m, i);
	d->free_ids[d->nfree++] = o->id;
}

/* Moves one range's bounds anywhere between its neighbours, edges included. */
static void diff_set_bounds(struct diff *d)
{
	size_t i = rng_below(&d->r, d->m.n);
	uint64_t lo, hi, a, b;

	if (!d->m.n)
		return;
	lo = i ? d->m.e[i - 1].end : 0;
	hi = i + 1 < d->m.n ? d->m.e[i + 1].start : d->top;
	a = rng_below(&d->r, 4) ? rng_between(&d->r, lo, hi) : lo;
	b = rng_below(&d->r, 4) ? rng_between(&d->r, lo, hi) : hi;
	if (a > b) {
		uint64_t tmp = a;

		a = b;
		b = tmp;
	}
	if (a == b)
		return;
	vma_tree_set_bounds(&d->t, &d->m.e[i].o->node, a, b);
	d->m.e[i].start = a;
	d->m.e[i].end = b;
}

/* Like diff_insert(), but linked with insert_after() next to the model's
 * predecessor (NULL when s is below every range). */
static void diff_insert_after(struct diff *d)
{
	uint64_t s, e;
	size_t next;
	struct owner *o;

	if (!diff_pick_free(d, &s, &e, &next))
		return;
	o = &d->pool[d->free_ids[--d->nfree]];
	o->node.start = s;
	o->node.end = e;
	vma_tree_insert_after(&d->t, next ? &d->m.e[next - 1].o->node : NULL, &o->node);
	model_insert(&d->m, s, e, o);
}

/* Splits a range of at least 2 at a random point; a fresh node takes the
 * lower or the upper part. */
static void diff_split(struct diff *d)
{
	size_t i = rng_below(&d->r, d->m.n);
	struct model_ent *e;
	struct owner *o;
	uint64_t at;

	if (!d->m.n || !d->nfree || d->m.e[i].end - d->m.e[i].start < 2)
		return;
	e = &d->m.e[i];
	at = rng_between(&d->r, e->start + 1, e->end - 1);
	o = &d->pool[d->free_ids[--d->nfree]];
	if (rng_below(&d->r, 2)) {
		o->node.start = e->start;
		o->node.end = at;
		vma_tree_split(&d->t, &e->o->node, &o->node);
		e->start = at;
		model_insert(&d->m, o->node.start, at, o);
	} else {
		o->node.start = at;
		o->node.end = e->end;
		vma_tree_split(&d->t, &e->o->node, &o->node);
		e->end = at;
		model_insert(&d->m, at, o->node.end, o);
	}
}

/* Merges a range with its lower or upper neighbour, touching or not; either
 * one may be the one kept. */
static void diff_merge(struct diff *d)
{
	size_t i = rng_below(&d->r, d->m.n), keep, gone;

	if (d->m.n < 2)
		return;
	if (i + 1 == d->m.n)
		i--; /* merge i and i + 1 */
	keep = rng_below(&d->r, 2) ? i : i + 1;
	gone = keep == i ? i + 1 : i;
	vma_tree_merge(&d->t, &d->m.e[keep].o->node, &d->m.e[gone].o->node);
	CHECK(!d->m.e[gone].o->node.left && !d->m.e[gone].o->node.right &&
	      !d->m.e[gone].o->node.parent);
	d->m.e[keep].start = d->m.e[i].start;
	d->m.e[keep].end = d->m.e[i + 1].end;
	d->free_ids[d->nfree++] = d->m.e[gone].o->id;
	model_remove(&d->m, gone);
}

/* Moves the boundary of two touching ranges anywhere strictly inside both. */
static void diff_move_boundary(struct diff *d)
{
	size_t i = rng_below(&d->r, d->m.n);
	struct model_ent *lo, *hi;
	uint64_t at;

	if (i + 1 >= d->m.n || d->m.e[i].end != d->m.e[i + 1].start)
		return;
	lo = &d->m.e[i];
	hi = &d->m.e[i + 1];
	at = rng_between(&d->r, lo->start + 1, hi->end - 1);
	vma_tree_move_boundary(&d->t, &lo->o->node, &hi->o->node, at);
	lo->end = hi->start = at;
}

static void diff_query_addr(struct diff *d)
{
	uint64_t a = diff_pick_addr(d);

	if (owner_of(vma_tree_lookup(&d->t, a)) != model_lookup(&d->m, a))
		T_FAIL("seed %#" PRIx64 " step %lu: lookup(%#" PRIx64 ")", d->seed, d->step, a);
	if (owner_of(vma_tree_find(&d->t, a)) != model_find(&d->m, a))
		T_FAIL("seed %#" PRIx64 " step %lu: find(%#" PRIx64 ")", d->seed, d->step, a);
	if (owner_of(vma_tree_find_prev(&d->t, a)) != model_find_prev(&d->m, a))
		T_FAIL("seed %#" PRIx64 " step %lu: find_prev(%#" PRIx64 ")", d->seed, d->step, a);
}

static void diff_query_gap(struct diff *d)
{
	uint64_t low, high, len, got = 0, want = 0;
	int rc, want_rc;

	switch (rng_below(&d->r, 4)) {
	case 0: /* any order: low > high half the time */
		low = diff_pick_addr(d);
		high = diff_pick_addr(d);
		len = diff_pick_query_len(d);
		break;
	case 1: /* exactly one free range, and its exact length or thereabouts */
		diff_pick_gap(d, &low, &high);
		len = high - low + rng_below(&d->r, 3) - 1;
		break;
	case 2:
		low = 0;
		high = d->top;
		len = diff_pick_query_len(d);
		break;
	default:
		low = diff_pick_addr(d);
		high = diff_pick_addr(d);
		if (low > high) {
			uint64_t tmp = low;

			low = high;
			high = tmp;
		}
		len = diff_pick_query_len(d);
		break;
	}
	rc = vma_tree_gap_highest(&d->t, low, high, len, &got);
	want_rc = model_gap_highest(&d->m, low, high, len, &want);
	if (rc != want_rc || (rc == 0 && got != want))
		T_FAIL("seed %#" PRIx64 " step %lu: gap_highest(%#" PRIx64 ", %#" PRIx64
		       ", %#" PRIx64 ") = %d/%#" PRIx64 ", model %d/%#" PRIx64,
		       d->seed, d->step, low, high, len, rc, got, want_rc, want);
	d->gap_found += rc == 0;
	d->gap_enomem += rc == -ENOMEM;
	d->gap_einval += rc == -EINVAL;
	rc = vma_tree_gap_lowest(&d->t, low, high, len, &got);
	want_rc = model_gap_lowest(&d->m, low, high, len, &want);
	if (rc != want_rc || (rc == 0 && got != want))
		T_FAIL("seed %#" PRIx64 " step %lu: gap_lowest(%#" PRIx64 ", %#" PRIx64
		       ", %#" PRIx64 ") = %d/%#" PRIx64 ", model %d/%#" PRIx64,
		       d->seed, d->step, low, high, len, rc, got, want_rc, want);
}

/* One mutation, verified, then a handful of queries.  The tree drifts towards
 * a target size that changes every 500 steps, so it grows large, shrinks to
 * empty and grows again. */
static void diff_step(struct diff *d, size_t max_nodes)
{
	uint64_t dice = rng_below(&d->r, 16);
	bool grow;

	if (d->step % 500 == 0)
		d->target = rng_below(&d->r, 4) ? rng_below(&d->r, max_nodes + 1) : 0;
	grow = d->m.n < d->target;
	if (dice < 3)
		SUB(diff_set_bounds(d));
	else if (dice < 5)
		SUB(diff_move_boundary(d));
	else if (dice < 8)
		SUB(grow ? diff_split(d) : diff_merge(d));
	else if (grow ? dice < 15 : dice < 10)
		SUB(rng_below(&d->r, 2) ? diff_insert(d) : diff_insert_after(d));
	else
		SUB(diff_remove(d));
	SUB(diff_verify(d));
	if (d->m.n > d->max_n)
		d->max_n = d->m.n;
	for (int i = 0; i < 3; i++) {
		SUB(diff_query_addr(d));
		SUB(diff_query_gap(d));
	}
}

/* Runs `steps` steps, then removes everything. */
static void diff_run(uint64_t seed, uint64_t top, uint64_t max_len, size_t max_nodes,
		     unsigned long steps)
{
	struct diff *d = malloc(sizeof(*d));

	CHECK(d);
	diff_init(d, seed, top, max_len);
	for (d->step = 0; d->step < steps && !t_failed_now; d->step++)
		diff_step(d, max_nodes);
	while (d->m.n && !t_failed_now) {
		diff_remove(d);
		if (!t_failed_now)
			diff_verify(d);
	}
	if (!t_failed_now) {
		printf("  seed %#" PRIx64 ": %lu steps, up to %zu nodes; gap_highest: %lu found, "
		       "%lu -ENOMEM, %lu -EINVAL\n",
		       seed, steps, d->max_n, d->gap_found, d->gap_enomem, d->gap_einval);
		CHECK(d->t.root == NULL);
		CHECK_EQ(d->t.count, 0);
	}
	free(d);
}

/* Small universe, many collisions: ranges touch, gaps are tiny, windows clip. */
TEST(differential_dense)
{
	for (uint64_t seed = 1; seed <= 4; seed++)
		SUB(diff_run(seed, 1 << 13, 64, 300, 20000));
}

/* The whole 64-bit range: lengths at every scale, ranges at 2^63 and at the
 * very top, lengths that would wrap. */
TEST(differential_full_range)
{
	for (uint64_t seed = 100; seed <= 103; seed++)
		SUB(diff_run(seed, TOP64, 0, 600, 20000));
}

/* ---- edge cases, hand-computed --------------------------------------------- */

/* Expects gap_highest and gap_lowest on (low, high, len) to give hi and lo, or
 * both to fail with err (then hi and lo are ignored). */
static void expect_gaps(struct vma_tree *t, uint64_t low, uint64_t high, uint64_t len, int err,
			uint64_t hi, uint64_t lo)
{
	uint64_t got_hi = 0xdead, got_lo = 0xdead;
	int rc_hi = vma_tree_gap_highest(t, low, high, len, &got_hi);
	int rc_lo = vma_tree_gap_lowest(t, low, high, len, &got_lo);

	if (rc_hi != err || rc_lo != err || (!err && (got_hi != hi || got_lo != lo)))
		T_FAIL("gaps(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 "): highest %d/%#" PRIx64
		       ", lowest %d/%#" PRIx64 "; want %d, %#" PRIx64 ", %#" PRIx64,
		       low, high, len, rc_hi, got_hi, rc_lo, got_lo, err, hi, lo);
}

#define EXPECT_GAPS(...) SUB(expect_gaps(__VA_ARGS__))

TEST(empty_tree)
{
	struct vma_tree t;
	char err[128];

	vma_tree_init(&t);
	CHECK(!vma_tree_first(&t) && !vma_tree_last(&t));
	CHECK(!vma_tree_lookup(&t, 0) && !vma_tree_lookup(&t, TOP64));
	CHECK(!vma_tree_find(&t, 0) && !vma_tree_find_prev(&t, TOP64));
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);
	EXPECT_GAPS(&t, 0, 1000, 10, 0, 990, 0);
	EXPECT_GAPS(&t, 0, 1000, 1000, 0, 0, 0); /* the whole window, exactly */
	EXPECT_GAPS(&t, 0, 1000, 1001, -ENOMEM, 0, 0);
	EXPECT_GAPS(&t, 5, 5, 1, -ENOMEM, 0, 0);  /* empty window */
	EXPECT_GAPS(&t, 10, 5, 1, -ENOMEM, 0, 0); /* low > high */
	EXPECT_GAPS(&t, 0, 1000, 0, -EINVAL, 0, 0);
	EXPECT_GAPS(&t, 0, HALF64, TOP64, -ENOMEM, 0, 0);
	EXPECT_GAPS(&t, 1, TOP64, TOP64, -ENOMEM, 0, 0);
	EXPECT_GAPS(&t, 0, TOP64, TOP64, 0, 0, 0);
	EXPECT_GAPS(&t, 0, HALF64, 4096, 0, HALF64 - 4096, 0);
}

TEST(single_node)
{
	struct vma_tree t;
	struct owner o = {7, {0}};
	struct vma_node *n = &o.node;

	vma_tree_init(&t);
	owner_insert(&t, &o, 100, 200);
	CHECK(owner_of(vma_tree_lookup(&t, 100)) == &o);
	CHECK(vma_tree_lookup(&t, 199) == n);
	CHECK(!vma_tree_lookup(&t, 99) && !vma_tree_lookup(&t, 200));
	CHECK(vma_tree_find(&t, 0) == n && vma_tree_find(&t, 199) == n);
	CHECK(!vma_tree_find(&t, 200));
	CHECK(!vma_tree_find_prev(&t, 100));
	CHECK(vma_tree_find_prev(&t, 101) == n && vma_tree_find_prev(&t, TOP64) == n);
	CHECK(vma_tree_first(&t) == n && vma_tree_last(&t) == n);
	CHECK(!vma_tree_next(n) && !vma_tree_prev(n));
	EXPECT_GAPS(&t, 0, 300, 100, 0, 200, 0);     /* exact fits above and below */
	EXPECT_GAPS(&t, 0, 299, 100, 0, 0, 0);	     /* only below */
	EXPECT_GAPS(&t, 1, 300, 100, 0, 200, 200);   /* only above */
	EXPECT_GAPS(&t, 1, 299, 100, -ENOMEM, 0, 0); /* neither */
	EXPECT_GAPS(&t, 0, 299, 101, -ENOMEM, 0, 0);
	EXPECT_GAPS(&t, 0, 150, 100, 0, 0, 0);	     /* high inside the node */
	EXPECT_GAPS(&t, 150, 400, 100, 0, 300, 200); /* low inside the node */
	EXPECT_GAPS(&t, 120, 180, 1, -ENOMEM, 0, 0); /* window inside the node */
	EXPECT_GAPS(&t, 0, HALF64, 4096, 0, HALF64 - 4096, 200);
	vma_tree_remove(&t, n);
	CHECK(!t.root && t.count == 0);
}

/* Gaps of 10, 20 and 30 between four nodes, then clipped by low and high. */
TEST(gaps_between_nodes)
{
	struct vma_tree t;
	struct owner o[5] = {{0, {0}}};
	char err[128];

	vma_tree_init(&t);
	owner_insert(&t, &o[0], 130, 200);
	owner_insert(&t, &o[1], 0, 10);
	owner_insert(&t, &o[2], 60, 100);
	owner_insert(&t, &o[3], 20, 40);
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);
	EXPECT_GAPS(&t, 0, 200, 10, 0, 120, 10);
	EXPECT_GAPS(&t, 0, 200, 20, 0, 110, 40);
	EXPECT_GAPS(&t, 0, 200, 30, 0, 100, 100); /* exactly one fits, exactly */
	EXPECT_GAPS(&t, 0, 200, 31, -ENOMEM, 0, 0);
	EXPECT_GAPS(&t, 0, 231, 31, 0, 200, 200); /* the gap above the last node */
	EXPECT_GAPS(&t, 45, 200, 15, 0, 115, 45);
	EXPECT_GAPS(&t, 45, 125, 20, 0, 105, 100);
	EXPECT_GAPS(&t, 105, 125, 20, 0, 105, 105);
	EXPECT_GAPS(&t, 105, 125, 21, -ENOMEM, 0, 0);
	EXPECT_GAPS(&t, 10, 20, 10, 0, 10, 10);
	/* Fill the first gap exactly: nodes may touch. */
	owner_insert(&t, &o[4], 10, 20);
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);
	EXPECT_GAPS(&t, 0, 200, 10, 0, 120, 40);
	CHECK(vma_tree_find(&t, 10) == &o[4].node && vma_tree_find(&t, 20) == &o[3].node);
	CHECK(vma_tree_find_prev(&t, 20) == &o[4].node);
	CHECK(vma_tree_next(&o[1].node) == &o[4].node && vma_tree_prev(&o[3].node) == &o[4].node);
}

/* Nodes at the top and bottom of the 64-bit space; lengths that would wrap. */
TEST(address_space_ends)
{
	struct vma_tree t;
	struct owner top = {0, {0}}, bottom = {1, {0}};
	char err[128];

	vma_tree_init(&t);
	owner_insert(&t, &top, TOP64 - 10, TOP64);
	owner_insert(&t, &bottom, 0, 10);
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);
	CHECK(vma_tree_lookup(&t, TOP64 - 1) == &top.node && !vma_tree_lookup(&t, TOP64));
	CHECK(vma_tree_find(&t, TOP64 - 1) == &top.node && !vma_tree_find(&t, TOP64));
	CHECK(vma_tree_find_prev(&t, TOP64) == &top.node);
	CHECK(vma_tree_lookup(&t, 0) == &bottom.node && !vma_tree_find_prev(&t, 0));
	EXPECT_GAPS(&t, 0, TOP64, 5, 0, TOP64 - 15, 10);
	EXPECT_GAPS(&t, TOP64 - 20, TOP64, 10, 0, TOP64 - 20, TOP64 - 20);
	EXPECT_GAPS(&t, TOP64 - 20, TOP64, 11, -ENOMEM, 0, 0);
	EXPECT_GAPS(&t, 0, TOP64, TOP64 - 20, 0, 10, 10);
	EXPECT_GAPS(&t, 0, TOP64, TOP64 - 19, -ENOMEM, 0, 0);
	EXPECT_GAPS(&t, 0, HALF64, TOP64, -ENOMEM, 0, 0);
	EXPECT_GAPS(&t, 10, HALF64, HALF64 - 10, 0, 10, 10);
	EXPECT_GAPS(&t, 10, HALF64, HALF64 - 9, -ENOMEM, 0, 0);
	EXPECT_GAPS(&t, 0, 10, 1, -ENOMEM, 0, 0);
}

TEST(set_bounds_moves_gaps)
{
	struct vma_tree t;
	struct owner a = {0, {0}}, b = {1, {0}}, c = {2, {0}};
	char err[128];

	vma_tree_init(&t);
	owner_insert(&t, &a, 0, 100);
	owner_insert(&t, &b, 200, 300);
	owner_insert(&t, &c, 400, 500);
	EXPECT_GAPS(&t, 0, 500, 150, -ENOMEM, 0, 0);
	vma_tree_set_bounds(&t, &a.node, 0, 50);
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);
	EXPECT_GAPS(&t, 0, 500, 150, 0, 50, 50);
	vma_tree_set_bounds(&t, &b.node, 250, 300);
	EXPECT_GAPS(&t, 0, 500, 150, 0, 100, 50);
	vma_tree_set_bounds(&t, &c.node, 300, 500); /* grow down to touch b */
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);
	EXPECT_GAPS(&t, 260, 500, 1, -ENOMEM, 0, 0);
	vma_tree_set_bounds(&t, &a.node, 0, 250); /* grow up to touch b */
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);
	EXPECT_GAPS(&t, 0, 600, 1, 0, 599, 500);
	CHECK(vma_tree_lookup(&t, 249) == &a.node && vma_tree_lookup(&t, 250) == &b.node);
}

/* Split, merge and move_boundary keep every fact right, the gaps included:
 * touching ranges have none, and merging across a hole closes it. */
TEST(split_merge_move_boundary_keep_gaps)
{
	struct vma_tree t;
	struct owner a = {0, {0}}, b = {1, {0}}, c = {2, {0}}, d = {3, {0}};
	struct owner e = {4, {0}};
	char err[128];

	vma_tree_init(&t);
	owner_insert(&t, &a, 100, 400);
	owner_insert(&t, &d, 500, 600);
	EXPECT_GAPS(&t, 0, 1000, 100, 0, 900, 0);
	/* [100,400) -> [100,200) [200,300) [300,400): the middle one is b */
	b.node.start = 200;
	b.node.end = 400;
	vma_tree_split(&t, &a.node, &b.node);
	c.node.start = 300;
	c.node.end = 400;
	vma_tree_split(&t, &b.node, &c.node);
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);
	CHECK_EQ(t.count, 4);
	CHECK(a.node.start == 100 && a.node.end == 200 && b.node.start == 200 && b.node.end == 300);
	CHECK(vma_tree_lookup(&t, 250) == &b.node && vma_tree_lookup(&t, 399) == &c.node);
	EXPECT_GAPS(&t, 0, 1000, 100, 0, 900, 0);
	EXPECT_GAPS(&t, 100, 500, 1, 0, 499, 400);
	/* A prefix split: b keeps [250,300), a fresh node takes [200,250). */
	e.node.start = 200;
	e.node.end = 250;
	vma_tree_split(&t, &b.node, &e.node);
	CHECK(b.node.start == 250 && vma_tree_prev(&b.node) == &e.node);
	/* Boundaries move without opening a hole. */
	vma_tree_move_boundary(&t, &e.node, &b.node, 260);
	vma_tree_move_boundary(&t, &b.node, &c.node, 280);
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);
	CHECK(e.node.end == 260 && b.node.start == 260 && b.node.end == 280 && c.node.start == 280);
	EXPECT_GAPS(&t, 100, 500, 1, 0, 499, 400);
	/* Merge back, keeping the lower node, then the upper one. */
	vma_tree_merge(&t, &e.node, &b.node);
	vma_tree_merge(&t, &c.node, &e.node);
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);
	CHECK(c.node.start == 200 && c.node.end == 400 && !e.node.parent && !b.node.parent);
	vma_tree_merge(&t, &a.node, &c.node);
	CHECK_EQ(t.count, 2);
	/* Merging across the hole [400,500) closes it. */
	vma_tree_merge(&t, &d.node, &a.node);
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);
	CHECK(d.node.start == 100 && d.node.end == 600 && t.root == &d.node && t.count == 1);
	EXPECT_GAPS(&t, 100, 1000, 1, 0, 999, 600);
	EXPECT_GAPS(&t, 0, 600, 1, 0, 99, 0);
	/* insert_after at the front, in the middle of nothing, at the back. */
	a.node.start = 10;
	a.node.end = 20;
	vma_tree_insert_after(&t, NULL, &a.node);
	b.node.start = 700;
	b.node.end = 800;
	vma_tree_insert_after(&t, &d.node, &b.node);
	c.node.start = 650;
	c.node.end = 690;
	vma_tree_insert_after(&t, &d.node, &c.node);
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);
	CHECK(vma_tree_first(&t) == &a.node && vma_tree_next(&d.node) == &c.node &&
	      vma_tree_last(&t) == &b.node);
	EXPECT_GAPS(&t, 0, 1000, 80, 0, 920, 20);
}

/* Splitting a VMA in three and merging it back, as mprotect does, in a large
 * tree with no gaps: every fact stays right at every step, in every part of
 * the tree (the target node at each depth, so both the leaf and the
 * upper-node cases of each operation run). */
TEST(split_and_merge_back_everywhere)
{
	enum { N = 2000 };
	struct owner *o = calloc(N + 2, sizeof(*o));
	struct vma_tree t;
	char err[256];

	CHECK(o);
	vma_tree_init(&t);
	for (uint64_t i = 0; i < N; i++)
		owner_insert(&t, &o[i], i * 4, i * 4 + 4);
	for (uint64_t i = 0; i < N && !t_failed_now; i++) {
		struct vma_node *n = &o[i].node, *lo = &o[N].node, *hi = &o[N + 1].node;

		lo->start = i * 4;
		lo->end = i * 4 + 1;
		vma_tree_split(&t, n, lo); /* n = [1,4) */
		hi->start = i * 4 + 2;
		hi->end = i * 4 + 4;
		vma_tree_split(&t, n, hi); /* n = [1,2) */
		if (vma_tree_check(&t, err, sizeof(err)))
			T_FAIL("split at %" PRIu64 ": %s", i, err);
		CHECK_EQ(t.count, N + 2);
		CHECK_EQ(t.root->max_gap, 0);
		vma_tree_merge(&t, lo, n); /* the kept node may be either */
		vma_tree_merge(&t, hi, lo);
		if (vma_tree_check(&t, err, sizeof(err)))
			T_FAIL("merge at %" PRIu64 ": %s", i, err);
		CHECK(hi->start == i * 4 && hi->end == i * 4 + 4 && t.count == N);
		/* Put o[i] back in its place. */
		o[i].node.start = i * 4;
		o[i].node.end = i * 4 + 2;
		vma_tree_split(&t, hi, &o[i].node);
		vma_tree_merge(&t, &o[i].node, hi);
		CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);
	}
	free(o);
}

/* In-order walks both ways, after inserts in a scrambled order. */
TEST(walk_in_order)
{
	enum { N = 1000 };
	struct owner *o = calloc(N, sizeof(*o));
	struct vma_tree t;
	struct vma_node *n;
	uint64_t i;

	CHECK(o);
	vma_tree_init(&t);
	for (i = 0; i < N; i++) {
		uint64_t k = (i * 617) % N; /* 617 is prime to N: a permutation */

		o[k].id = k;
		owner_insert(&t, &o[k], k * 10, k * 10 + 5);
	}
	for (n = vma_tree_first(&t), i = 0; n; n = vma_tree_next(n), i++)
		CHECK_EQ(owner_of(n)->id, i);
	CHECK_EQ(i, N);
	for (n = vma_tree_last(&t); n; n = vma_tree_prev(n))
		CHECK_EQ(owner_of(n)->id, --i);
	CHECK_EQ(i, 0);
	free(o);
}

/* Corrupts one fact at a time; vma_tree_check() must name it. */
TEST(check_reports_corruption)
{
	enum { N = 100 };
	struct owner o[N];
	struct vma_tree t;
	struct vma_node *leaf, *mid, *saved;
	char err[256];
	uint64_t v;

	memset(o, 0, sizeof(o));
	vma_tree_init(&t);
	for (int i = 0; i < N; i++)
		owner_insert(&t, &o[i], i * 10, i * 10 + 5 + (i % 3));
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_EQ(vma_tree_check(&t, NULL, 0), 0);

	t.root->max_gap++;
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), -1);
	CHECK(strstr(err, "max_gap"));
	CHECK_EQ(vma_tree_check(&t, NULL, 0), -1);
	t.root->max_gap--;

	t.root->gap--;
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), -1);
	CHECK(strstr(err, "gap"));
	t.root->gap++;
	vma_tree_first(&t)->gap++; /* the first node's gap counts from 0 */
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), -1);
	CHECK(strstr(err, "gap"));
	vma_tree_first(&t)->gap--;

	t.root->red = true;
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), -1);
	CHECK(strstr(err, "root is red"));
	t.root->red = false;
	leaf = vma_tree_first(&t); /* a black node more or fewer on one side */
	leaf->red = !leaf->red;
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), -1);
	CHECK(strstr(err, "black height") || strstr(err, "red parent"));
	leaf->red = !leaf->red;
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);

	mid = vma_tree_next(vma_tree_first(&t));
	v = mid->start;
	mid->start = vma_tree_prev(mid)->end - 1; /* overlaps its predecessor */
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), -1);
	CHECK(strstr(err, "overlaps"));
	mid->start = mid->end; /* empty */
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), -1);
	CHECK(strstr(err, "empty"));
	mid->start = v;

	leaf = vma_tree_first(&t);
	saved = leaf->parent;
	leaf->parent = NULL;
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), -1);
	CHECK(strstr(err, "parent"));
	leaf->parent = saved;

	t.count++;
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), -1);
	CHECK(strstr(err, "count"));
	t.count--;

	/* A tiny buffer gets a truncated, terminated message. */
	t.root->max_gap++;
	CHECK_EQ(vma_tree_check(&t, err, 8), -1);
	CHECK_EQ(strlen(err), 7);
	t.root->max_gap--;
	CHECK_EQ(vma_tree_check(&t, err, sizeof(err)), 0);
}

/* ---- broken preconditions stop the process ---------------------------------- */

#define DIED_OF_ABORT (128 + SIGABRT)

/* Runs fn in a child against a tree of [100,200) and [300,400).  Returns 0 if
 * fn returns and the tree then passes its check, 3 if it fails it, 128 + the
 * signal if the child is killed, or -1. */
static int run_in_child(void (*fn)(struct vma_tree *t, struct owner *o))
{
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		struct vma_tree t;
		struct owner o[3] = {{0, {0}}};

		if (!freopen("/dev/null", "w", stderr))
			_exit(2);
		vma_tree_init(&t);
		owner_insert(&t, &o[0], 100, 200);
		owner_insert(&t, &o[1], 300, 400);
		fn(&t, o);
		_exit(vma_tree_check(&t, NULL, 0) ? 3 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The legal neighbour of each breach below: must not stop. */
static void breach_none(struct vma_tree *t, struct owner *o)
{
	owner_insert(t, &o[2], 200, 300); /* touching both */
	vma_tree_set_bounds(t, &o[0].node, 50, 200);
	vma_tree_set_bounds(t, &o[1].node, 300, 450);
	vma_tree_remove(t, t->root);
	vma_tree_remove(t, t->root);
	vma_tree_remove(t, t->root);
}

static void breach_overlap_below(struct vma_tree *t, struct owner *o)
{
	owner_insert(t, &o[2], 199, 250);
}

static void breach_overlap_above(struct vma_tree *t, struct owner *o)
{
	owner_insert(t, &o[2], 250, 301);
}

static void breach_same_start(struct vma_tree *t, struct owner *o)
{
	owner_insert(t, &o[2], 100, 150);
}

static void breach_empty(struct vma_tree *t, struct owner *o)
{
	owner_insert(t, &o[2], 250, 250);
}

static void breach_grow_into_next(struct vma_tree *t, struct owner *o)
{
	vma_tree_set_bounds(t, &o[0].node, 100, 301);
}

static void breach_grow_into_prev(struct vma_tree *t, struct owner *o)
{
	vma_tree_set_bounds(t, &o[1].node, 199, 400);
}

static void breach_invert(struct vma_tree *t, struct owner *o)
{
	vma_tree_set_bounds(t, &o[1].node, 350, 350);
}

static void breach_remove_twice(struct vma_tree *t, struct owner *o)
{
	vma_tree_remove(t, &o[0].node);
	vma_tree_remove(t, &o[0].node);
}

static void breach_remove_unlinked(struct vma_tree *t, struct owner *o)
{
	o[2].node.start = 500;
	o[2].node.end = 600;
	vma_tree_remove(t, &o[2].node);
}

static void breach_set_bounds_unlinked(struct vma_tree *t, struct owner *o)
{
	vma_tree_set_bounds(t, &o[2].node, 500, 600);
}

static void breach_split_not_a_part(struct vma_tree *t, struct owner *o)
{
	o[2].node.start = 120;
	o[2].node.end = 150; /* neither a prefix nor a suffix */
	vma_tree_split(t, &o[0].node, &o[2].node);
}

static void breach_split_whole(struct vma_tree *t, struct owner *o)
{
	o[2].node.start = 100;
	o[2].node.end = 200; /* nothing would be left */
	vma_tree_split(t, &o[0].node, &o[2].node);
}

static void breach_merge_self(struct vma_tree *t, struct owner *o)
{
	vma_tree_merge(t, &o[0].node, &o[0].node);
}

static void breach_merge_not_neighbours(struct vma_tree *t, struct owner *o)
{
	owner_insert(t, &o[2], 250, 260);
	vma_tree_merge(t, &o[0].node, &o[1].node);
}

static void breach_move_boundary_apart(struct vma_tree *t, struct owner *o)
{
	vma_tree_move_boundary(t, &o[0].node, &o[1].node, 250); /* they do not touch */
}

static void breach_move_boundary_outside(struct vma_tree *t, struct owner *o)
{
	vma_tree_set_bounds(t, &o[1].node, 200, 400);
	vma_tree_move_boundary(t, &o[0].node, &o[1].node, 400);
}

static void breach_insert_after_overlap(struct vma_tree *t, struct owner *o)
{
	o[2].node.start = 150;
	o[2].node.end = 250;
	vma_tree_insert_after(t, &o[0].node, &o[2].node);
}

static void breach_insert_after_wrong_place(struct vma_tree *t, struct owner *o)
{
	o[2].node.start = 500;
	o[2].node.end = 600; /* belongs after o[1], not o[0] */
	vma_tree_insert_after(t, &o[0].node, &o[2].node);
}

/* The legal neighbours of the breaches above: must not stop. */
static void breach_none_two_node_ops(struct vma_tree *t, struct owner *o)
{
	o[2].node.start = 150;
	o[2].node.end = 200;
	vma_tree_split(t, &o[0].node, &o[2].node);
	vma_tree_move_boundary(t, &o[0].node, &o[2].node, 120);
	vma_tree_merge(t, &o[2].node, &o[0].node);
	vma_tree_merge(t, &o[1].node, &o[2].node);
	o[0].node.start = 500;
	o[0].node.end = 600;
	vma_tree_insert_after(t, &o[1].node, &o[0].node);
}

TEST(broken_preconditions_abort)
{
	CHECK_EQ(run_in_child(breach_none), 0);
	CHECK_EQ(run_in_child(breach_overlap_below), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_overlap_above), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_same_start), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_empty), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_grow_into_next), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_grow_into_prev), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_invert), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_remove_twice), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_remove_unlinked), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_set_bounds_unlinked), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_none_two_node_ops), 0);
	CHECK_EQ(run_in_child(breach_split_not_a_part), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_split_whole), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_merge_self), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_merge_not_neighbours), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_move_boundary_apart), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_move_boundary_outside), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_insert_after_overlap), DIED_OF_ABORT);
	CHECK_EQ(run_in_child(breach_insert_after_wrong_place), DIED_OF_ABORT);
}

/* ---- a million nodes ------------------------------------------------------- */

#define BIG	 1000000
#define PAGE	 4096ULL
#define BIG_BASE 0x10000ULL
#define BIG_HOLE (BIG / 2) /* this node is left out: the one gap of 5 pages */

/* Node i is 1 or 2 pages at BIG_BASE + 3 pages * i: gaps are 1 or 2 pages. */
static uint64_t big_start(uint64_t i)
{
	return BIG_BASE + i * 3 * PAGE;
}

static uint64_t big_end(uint64_t i)
{
	return big_start(i) + PAGE * (1 + i % 2);
}

/* The number of nodes on the longest path down from n. */
static int subtree_height(const struct vma_node *n)
{
	int l, r;

	if (!n)
		return 0;
	l = subtree_height(n->left);
	r = subtree_height(n->right);
	return 1 + (l > r ? l : r);
}

static void big_check(struct vma_tree *t, const char *when)
{
	char err[256];
	double t0 = now_seconds();

	if (vma_tree_check(t, err, sizeof(err)))
		T_FAIL("after %s: %s", when, err);
	printf("  check after %s: %.3f s (height %d)\n", when, now_seconds() - t0,
	       subtree_height(t->root));
}

/* Whether [s, s + len) is a place a 3..5-page query may get: below the first
 * node, inside the hole, or above the last node. */
static bool big_fit_ok(uint64_t s, uint64_t len)
{
	return s + len <= BIG_BASE ||
	       (s >= big_end(BIG_HOLE - 1) && s + len <= big_start(BIG_HOLE + 1)) ||
	       s >= big_end(BIG - 1);
}

/* Builds, searches and tears down the million-node tree in o[], with perm[] a
 * random permutation of 0..BIG-1. */
static void big_run(struct owner *o, const uint32_t *perm, struct rng *r)
{
	struct vma_tree t;
	uint64_t out, i, hits = 0, last_end = big_end(BIG - 1);
	uint64_t hole_lo = big_end(BIG_HOLE - 1), hole_hi = big_start(BIG_HOLE + 1);
	double t0;

	vma_tree_init(&t);

	/* Ascending, as a process maps bottom-up; then torn down the same way. */
	t0 = now_seconds();
	for (i = 0; i < BIG; i++)
		owner_insert(&t, &o[i], big_start(i), big_end(i));
	printf("  insert 1M ascending: %.3f s\n", now_seconds() - t0);
	SUB(big_check(&t, "ascending insert"));
	t0 = now_seconds();
	for (i = 0; i < BIG; i++)
		vma_tree_remove(&t, &o[i].node);
	printf("  remove 1M ascending: %.3f s\n", now_seconds() - t0);
	CHECK(!t.root && t.count == 0);

	/* Random order, leaving one node out to make the only 5-page gap. */
	t0 = now_seconds();
	for (i = 0; i < BIG; i++)
		if (perm[i] != BIG_HOLE)
			owner_insert(&t, &o[perm[i]], big_start(perm[i]), big_end(perm[i]));
	printf("  insert 1M random order: %.3f s\n", now_seconds() - t0);
	SUB(big_check(&t, "random insert"));
	CHECK_EQ(t.count, BIG - 1);

	t0 = now_seconds();
	for (i = 0; i < BIG; i++) {
		uint64_t k = perm[i], a = big_start(k) + rng_below(r, 3 * PAGE);
		struct vma_node *n = vma_tree_lookup(&t, a);

		if (k == BIG_HOLE)
			continue;
		if (a < big_end(k) ? n != &o[k].node : n != NULL)
			T_FAIL("lookup(%#" PRIx64 ")", a);
		hits += n != NULL;
	}
	printf("  1M random lookups: %.3f s (%" PRIu64 " hits)\n", now_seconds() - t0, hits);

	/* Between the first and the last node, the hole is the only place for
	 * 3..5 pages; 6 pages fit only outside. */
	CHECK_EQ(vma_tree_gap_lowest(&t, BIG_BASE, last_end, 3 * PAGE, &out), 0);
	CHECK_EQ(out, hole_lo);
	CHECK_EQ(vma_tree_gap_highest(&t, 0, last_end, 3 * PAGE, &out), 0);
	CHECK_EQ(out, hole_hi - 3 * PAGE);
	CHECK_EQ(vma_tree_gap_highest(&t, BIG_BASE, last_end, 6 * PAGE, &out), -ENOMEM);
	CHECK_EQ(vma_tree_gap_lowest(&t, BIG_BASE, HALF64, 6 * PAGE, &out), 0);
	CHECK_EQ(out, last_end);
	CHECK_EQ(vma_tree_gap_highest(&t, 0, HALF64, 6 * PAGE, &out), 0);
	CHECK_EQ(out, HALF64 - 6 * PAGE);

	/* Random windows of 1..4 pages: each query prunes to O(log n) nodes. */
	t0 = now_seconds();
	for (i = 0; i < BIG; i++) {
		uint64_t a = rng_below(r, last_end), b = rng_below(r, last_end);
		uint64_t len = PAGE * (1 + rng_below(r, 4)), hi_s, lo_s;
		int rc_hi, rc_lo;

		if (a > b) {
			uint64_t tmp = a;

			a = b;
			b = tmp;
		}
		rc_hi = vma_tree_gap_highest(&t, a, b, len, &hi_s);
		rc_lo = vma_tree_gap_lowest(&t, a, b, len, &lo_s);
		if (rc_hi != rc_lo ||
		    (len > 2 * PAGE && !rc_hi && !(big_fit_ok(hi_s, len) && big_fit_ok(lo_s, len))))
			T_FAIL("gaps(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 ") = %d/%#" PRIx64
			       ", %d/%#" PRIx64,
			       a, b, len, rc_hi, hi_s, rc_lo, lo_s);
	}
	printf("  2M gap queries over random windows: %.3f s\n", now_seconds() - t0);

	t0 = now_seconds();
	for (i = 0; i < BIG; i++)
		if (perm[BIG - 1 - i] != BIG_HOLE)
			vma_tree_remove(&t, &o[perm[BIG - 1 - i]].node);
	printf("  remove 1M random order: %.3f s\n", now_seconds() - t0);
	CHECK(!t.root && t.count == 0);
	SUB(big_check(&t, "removing all"));
}

TEST(million_nodes)
{
	struct owner *o = calloc(BIG, sizeof(*o));
	uint32_t *perm = malloc(BIG * sizeof(*perm));
	struct rng r = {42};

	for (uint64_t i = 0; o && perm && i < BIG; i++) {
		uint64_t j = rng_below(&r, i + 1); /* inside-out Fisher-Yates */

		o[i].id = i;
		perm[i] = perm[j];
		perm[j] = i;
	}
	if (o && perm)
		big_run(o, perm, &r);
	free(perm);
	free(o);
	CHECK(o && perm);
}

T_MAIN
