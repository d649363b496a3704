/*
 * test_frame.c - the frame pool: init limits, the zero page, allocation and
 * reference counting (including a PTE's reference and mapping taken and
 * dropped as one: page_dup_pte, page_drop_pte), failure injection, the
 * release hook, the invariant
 * checker (including that it catches corruption), a randomized differential
 * test against a model of refcounts, and a multi-threaded stress test.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "t.h"

#ifndef MMK_DEBUG
#define MMK_DEBUG 0
#endif

#define MiB (1ull << 20)
#define GiB (1ull << 30)

static char errbuf[256];

/* Runs fn(arg) in a child; true if the child did not exit normally with 0. */
static int t_dies(void (*fn)(void *), void *arg)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(3);
		fn(arg);
		_exit(0);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Fills a frame with a tag so double allocation shows as a torn tag. */
static void frame_tag(struct frame_pool *fp, pfn_t pfn, uint32_t tag)
{
	uint32_t *w = pfn_to_virt(fp, pfn);
	for (size_t i = 0; i < FRAME_SIZE / 4; i++)
		w[i] = tag;
}

static int frame_has_tag(struct frame_pool *fp, pfn_t pfn, uint32_t tag)
{
	uint32_t *w = pfn_to_virt(fp, pfn);
	for (size_t i = 0; i < FRAME_SIZE / 4; i++)
		if (w[i] != tag)
			return 0;
	return 1;
}

static int frame_is_zero(struct frame_pool *fp, pfn_t pfn)
{
	return frame_has_tag(fp, pfn, 0);
}

TEST(init_rejects_bad_sizes)
{
	struct frame_pool fp;

	CHECK_EQ(frame_pool_init(&fp, 0), -EINVAL);
	CHECK_EQ(frame_pool_init(&fp, FRAME_SIZE), -EINVAL);
	CHECK_EQ(frame_pool_init(&fp, 2 * FRAME_SIZE - 1), -EINVAL);
	CHECK_EQ(frame_pool_init(&fp, (1ull << 32) * FRAME_SIZE), -EINVAL);
	CHECK_EQ(frame_pool_init(&fp, UINT64_MAX), -EINVAL);
	CHECK_EQ(frame_pool_init(&fp, 2 * FRAME_SIZE), 0);
	CHECK_EQ(fp.nframes, 2);
	CHECK_EQ(frame_pool_free_count(&fp), 1);
	frame_pool_destroy(&fp);
	/* a partial frame at the end is ignored */
	CHECK_EQ(frame_pool_init(&fp, 5 * FRAME_SIZE + 100), 0);
	CHECK_EQ(fp.nframes, 5);
	frame_pool_destroy(&fp);
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, res = 0;
	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		res = -1;
	fclose(f);
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

TEST(big_pool_is_lazy)
{
	struct frame_pool fp;
	long before = rss_kib();
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_EQ(frame_pool_init(&fp, 64 * GiB), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK_EQ(fp.nframes, 64 * GiB / FRAME_SIZE);
	CHECK_EQ(frame_pool_free_count(&fp), fp.nframes - 1);
	pfn_t pfn;
	for (int i = 0; i < 1000; i++)
		CHECK_EQ(frame_alloc(&fp, 1, &pfn), 0);
	long after = rss_kib();
	double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	frame_pool_destroy(&fp);
	CHECK(ms < 100);
	/* 1000 frames + their struct pages: ~4 MiB, nowhere near 64 GiB or its 768 MiB of struct
	 * page */
	CHECK(after - before < 64 * 1024);
}

TEST(zero_page)
{
	struct frame_pool fp;

	CHECK_EQ(frame_pool_init(&fp, 16 * FRAME_SIZE), 0);
	struct page *zp = pfn_to_page(&fp, ZERO_PFN);
	CHECK_EQ(page_flags(zp), PG_reserved | PG_zero | PG_uptodate);
	CHECK_EQ(page_refcount(zp), 1);
	CHECK_EQ(page_mapcount(zp), 0);
	CHECK(frame_is_zero(&fp, ZERO_PFN));
	frame_get(&fp, ZERO_PFN);
	frame_put(&fp, ZERO_PFN);
	frame_put(&fp, ZERO_PFN);
	CHECK_EQ(page_refcount(zp), 1);
	/* every frame but pfn 0 can be allocated, and pfn 0 never is */
	pfn_t pfn;
	for (int i = 0; i < 15; i++) {
		CHECK_EQ(frame_alloc(&fp, 0, &pfn), 0);
		CHECK(pfn != ZERO_PFN);
	}
	CHECK_EQ(frame_alloc(&fp, 0, &pfn), -ENOMEM);
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), 0);
	frame_pool_destroy(&fp);
}

static void write_zero_page(void *arg)
{
	struct frame_pool *fp = arg;
	((volatile uint8_t *)pfn_to_virt(fp, ZERO_PFN))[100] = 1;
}

TEST(zero_page_is_write_protected)
{
	struct frame_pool fp;

	CHECK_EQ(frame_pool_init(&fp, 4 * FRAME_SIZE), 0);
	CHECK(t_dies(write_zero_page, &fp));
	frame_pool_destroy(&fp);
}

TEST(alloc_state_and_zeroing)
{
	struct frame_pool fp;
	pfn_t a, b;

	CHECK_EQ(frame_pool_init(&fp, 8 * FRAME_SIZE), 0);
	CHECK_EQ(frame_alloc(&fp, 0, &a), 0);
	struct page *pg = pfn_to_page(&fp, a);
	CHECK_EQ(page_refcount(pg), 1);
	CHECK_EQ(page_mapcount(pg), 0);
	CHECK_EQ(page_flags(pg), 0);
	CHECK(pg->mapping == NULL);
	CHECK(frame_is_zero(&fp, a)); /* never used: the host's zero fill */
	CHECK_EQ(page_to_pfn(&fp, pg), a);
	/* dirty it, give it state, free it: the next allocation reuses it (LIFO) */
	frame_tag(&fp, a, 0xdeadbeef);
	page_set(pg, PG_dirty | PG_uptodate | PG_anon);
	pg->mapping = &fp;
	pg->index = 77;
	pg->private = 99;
	pg->dirtied_at = 5;
	frame_put(&fp, a);
	CHECK_EQ(page_refcount(pg), 0);
	CHECK_EQ(frame_alloc(&fp, 1, &b), 0);
	CHECK_EQ(b, a);
	CHECK(frame_is_zero(&fp, b));
	CHECK_EQ(page_flags(pg), 0);
	CHECK(pg->mapping == NULL);
	CHECK_EQ(pg->index, 0);
	CHECK_EQ(pg->private, 0);
	CHECK_EQ(pg->dirtied_at, 0);
	/* not zeroed: stale contents (poison in debug builds) */
	frame_tag(&fp, b, 0x12345678);
	frame_put(&fp, b);
	CHECK_EQ(frame_alloc(&fp, 0, &b), 0);
	CHECK_EQ(b, a);
	if (MMK_DEBUG)
		CHECK(frame_has_tag(&fp, b, 0x6b6b6b6b));
	else
		CHECK(frame_has_tag(&fp, b, 0x12345678));
	frame_put(&fp, b);
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), 0);
	frame_pool_destroy(&fp);
}

TEST(refcount_lifecycle)
{
	struct frame_pool fp;
	pfn_t a;

	CHECK_EQ(frame_pool_init(&fp, 8 * FRAME_SIZE), 0);
	uint32_t free0 = frame_pool_free_count(&fp);
	CHECK_EQ(frame_alloc(&fp, 1, &a), 0);
	CHECK_EQ(frame_pool_free_count(&fp), free0 - 1);
	frame_get(&fp, a);
	frame_get(&fp, a);
	CHECK_EQ(page_refcount(pfn_to_page(&fp, a)), 3);
	page_mapcount_inc(pfn_to_page(&fp, a));
	page_mapcount_inc(pfn_to_page(&fp, a));
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), 0);
	CHECK_EQ(page_mapcount_dec(pfn_to_page(&fp, a)), 1);
	CHECK_EQ(page_mapcount_dec(pfn_to_page(&fp, a)), 0);
	frame_put(&fp, a);
	frame_put(&fp, a);
	CHECK_EQ(frame_pool_free_count(&fp), free0 - 1);
	frame_put(&fp, a);
	CHECK_EQ(frame_pool_free_count(&fp), free0);
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), 0);
	frame_pool_destroy(&fp);
}

/* fork's copy and the zap: a PTE's reference and mapping as one operation,
 * which leaves the last mapping and the last reference to the one-at-a-time
 * path (it may unlink or free the frame). */
TEST(pte_reference_and_mapping_together)
{
	struct frame_pool fp;
	pfn_t a;

	CHECK_EQ(frame_pool_init(&fp, 8 * FRAME_SIZE), 0);
	CHECK_EQ(frame_alloc(&fp, 1, &a), 0);
	struct page *pg = pfn_to_page(&fp, a);
	page_mapcount_inc(pg);	   /* mapped once: refcount 1, mapcount 1 */
	CHECK(!page_drop_pte(pg)); /* the last of both: nothing changes */
	CHECK_EQ(page_refcount(pg), 1);
	CHECK_EQ(page_mapcount(pg), 1);
	page_dup_pte(pg);
	page_dup_pte(pg);
	CHECK_EQ(page_refcount(pg), 3);
	CHECK_EQ(page_mapcount(pg), 3);
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), 0);
	CHECK(page_drop_pte(pg));
	CHECK(page_drop_pte(pg));
	CHECK_EQ(page_refcount(pg), 1);
	CHECK_EQ(page_mapcount(pg), 1);
	/* An extra reference (a page cache's): the last mapping still goes
	 * one at a time, though the refcount would stay above 0. */
	frame_get(&fp, a);
	CHECK(!page_drop_pte(pg));
	CHECK_EQ(page_mapcount_dec(pg), 0);
	frame_put(&fp, a);
	CHECK_EQ(page_refcount(pg), 1);
	/* The two halves of the word do not leak into each other. */
	for (int i = 0; i < 1000; i++)
		page_dup_pte(pg);
	CHECK_EQ(page_refcount(pg), 1001);
	CHECK_EQ(page_mapcount(pg), 1000);
	for (int i = 0; i < 999; i++)
		CHECK(page_drop_pte(pg));
	CHECK(!page_drop_pte(pg));
	CHECK_EQ(page_mapcount_dec(pg), 0);
	frame_put(&fp, a);
	frame_put(&fp, a);
	CHECK_EQ(page_refcount(pg), 0);
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), 0);
	frame_pool_destroy(&fp);
}

TEST(exhaustion_and_refill)
{
	struct frame_pool fp;
	enum { N = 64 };
	pfn_t got[N];
	int seen[N] = {0};

	CHECK_EQ(frame_pool_init(&fp, N * FRAME_SIZE), 0);
	for (int round = 0; round < 3; round++) {
		memset(seen, 0, sizeof(seen));
		for (int i = 0; i < N - 1; i++) {
			CHECK_EQ(frame_alloc(&fp, round & 1, &got[i]), 0);
			CHECK(got[i] > 0 && got[i] < N);
			CHECK(!seen[got[i]]);
			seen[got[i]] = 1;
		}
		pfn_t extra;
		CHECK_EQ(frame_alloc(&fp, 0, &extra), -ENOMEM);
		CHECK_EQ(frame_pool_free_count(&fp), 0);
		CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), 0);
		for (int i = 0; i < N - 1; i++)
			frame_put(&fp, got[(i * 5 + round) % (N - 1)]);
		CHECK_EQ(frame_pool_free_count(&fp), N - 1);
		CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), 0);
	}
	frame_pool_destroy(&fp);
}

TEST(failure_injection)
{
	struct frame_pool fp;
	pfn_t p[8];

	CHECK_EQ(frame_pool_init(&fp, 64 * FRAME_SIZE), 0);
	uint32_t free0 = frame_pool_free_count(&fp);
	/* one-shot: the 4th allocation fails, the 5th works again */
	frame_pool_inject_fail(&fp, 3, false);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(frame_alloc(&fp, 0, &p[i]), 0);
	CHECK_EQ(frame_alloc(&fp, 0, &p[3]), -ENOMEM);
	CHECK_EQ(frame_pool_free_count(&fp), free0 - 3); /* the failure took nothing */
	CHECK_EQ(frame_alloc(&fp, 0, &p[3]), 0);
	/* fail the very next one */
	frame_pool_inject_fail(&fp, 0, false);
	CHECK_EQ(frame_alloc(&fp, 0, &p[4]), -ENOMEM);
	CHECK_EQ(frame_alloc(&fp, 0, &p[4]), 0);
	/* persistent: everything after the 1st fails until turned off */
	frame_pool_inject_fail(&fp, 1, true);
	CHECK_EQ(frame_alloc(&fp, 0, &p[5]), 0);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(frame_alloc(&fp, 0, &p[6]), -ENOMEM);
	frame_pool_inject_fail(&fp, -1, false);
	CHECK_EQ(frame_alloc(&fp, 0, &p[6]), 0);
	for (int i = 0; i < 7; i++)
		frame_put(&fp, p[i]);
	CHECK_EQ(frame_pool_free_count(&fp), free0);
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), 0);
	frame_pool_destroy(&fp);
}

struct release_log {
	int calls;
	pfn_t last;
};

static void release_hook(void *arg, struct frame_pool *fp, pfn_t pfn)
{
	struct release_log *log = arg;
	struct page *pg = pfn_to_page(fp, pfn);

	log->calls++;
	log->last = pfn;
	if (page_refcount(pg) != 0)
		abort();
	page_clear(pg, PG_lru | PG_active); /* what reclaim's hook would do */
}

TEST(release_hook_runs_at_last_put)
{
	struct frame_pool fp;
	struct release_log log = {0};
	pfn_t a;

	CHECK_EQ(frame_pool_init(&fp, 8 * FRAME_SIZE), 0);
	frame_pool_set_release(&fp, release_hook, &log);
	CHECK_EQ(frame_alloc(&fp, 0, &a), 0);
	page_set(pfn_to_page(&fp, a), PG_lru | PG_active);
	frame_get(&fp, a);
	frame_put(&fp, a);
	CHECK_EQ(log.calls, 0);
	frame_put(&fp, a);
	CHECK_EQ(log.calls, 1);
	CHECK_EQ(log.last, a);
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), 0);
	frame_pool_destroy(&fp);
}

struct bad_op {
	int what;
};

static void do_bad_op(void *arg)
{
	struct bad_op *op = arg;
	struct frame_pool fp;
	pfn_t a;

	if (frame_pool_init(&fp, 8 * FRAME_SIZE) || frame_alloc(&fp, 0, &a))
		_exit(0); /* setup failed: report "did not die" */
	struct page *pg = pfn_to_page(&fp, a);
	switch (op->what) {
	case 0: /* put on a free frame */
		frame_put(&fp, a);
		frame_put(&fp, a);
		break;
	case 1: /* last put while still mapped */
		page_mapcount_inc(pg);
		frame_put(&fp, a);
		break;
	case 2: /* last put while still on an LRU and nobody unlinks it */
		page_set(pg, PG_lru);
		frame_put(&fp, a);
		break;
	case 3: /* last put while locked */
		page_set(pg, PG_locked);
		frame_put(&fp, a);
		break;
	case 4: /* get on a free frame */
		frame_put(&fp, a);
		frame_get(&fp, a);
		break;
	case 5: /* mapcount below zero */
		page_mapcount_dec(pg);
		break;
	case 6: /* pfn out of range */
		pfn_to_page(&fp, fp.nframes);
		break;
	case 7: /* control: legal use does not die */
		frame_put(&fp, a);
		break;
	case 8: /* a PTE duplicated on a free frame */
		frame_put(&fp, a);
		page_dup_pte(pg);
		break;
	}
	frame_pool_destroy(&fp);
}

TEST(broken_invariants_abort)
{
	for (int what = 0; what <= 8; what++) {
		struct bad_op op = {what};
		if (what != 7 && !t_dies(do_bad_op, &op))
			T_FAIL("bad op %d did not abort", what);
	}
	struct bad_op ok = {7};
	CHECK(!t_dies(do_bad_op, &ok));
}

TEST(check_catches_corruption)
{
	struct frame_pool fp;
	pfn_t a, b;

	CHECK_EQ(frame_pool_init(&fp, 16 * FRAME_SIZE), 0);
	CHECK_EQ(frame_alloc(&fp, 0, &a), 0);
	CHECK_EQ(frame_alloc(&fp, 0, &b), 0);
	frame_put(&fp, b); /* b is on the free list */
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), 0);

	struct page *pa = pfn_to_page(&fp, a), *pb = pfn_to_page(&fp, b);
	atomic_store(&pb->counts, PAGE_REF_ONE); /* a free frame with a reference */
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), -EUCLEAN);
	CHECK(strstr(errbuf, "refcount"));
	atomic_store(&pb->counts, 0);

	atomic_store(&pa->counts,
		     PAGE_REF_ONE + 2 * PAGE_MAP_ONE); /* more mappings than references */
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), -EUCLEAN);
	CHECK(strstr(errbuf, "mapcount"));
	atomic_store(&pa->counts, PAGE_REF_ONE);

	atomic_store(&pa->counts, 0); /* a used frame lost its references */
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), -EUCLEAN);
	CHECK(strstr(errbuf, "leaked"));
	atomic_store(&pa->counts, PAGE_REF_ONE);

	pb->lru_next = b; /* a free-list cycle */
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), -EUCLEAN);
	CHECK(strstr(errbuf, "twice"));
	pb->lru_next = 0;

	fp.nfree++;
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), -EUCLEAN);
	CHECK(strstr(errbuf, "nfree"));
	fp.nfree--;

	page_set(pfn_to_page(&fp, ZERO_PFN), PG_dirty);
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), -EUCLEAN);
	CHECK(strstr(errbuf, "zero page"));
	page_clear(pfn_to_page(&fp, ZERO_PFN), PG_dirty);

	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), 0);
	frame_put(&fp, a);
	frame_pool_destroy(&fp);
}

static int count_used(void *arg, pfn_t pfn, struct page *pg)
{
	uint8_t *mark = arg;
	mark[pfn]++;
	return 0;
}

static int stop_at_second(void *arg, pfn_t pfn, struct page *pg)
{
	int *n = arg;
	return ++*n == 2 ? 42 : 0;
}

TEST(for_each_used_visits_exactly_the_used)
{
	struct frame_pool fp;
	enum { N = 32 };
	pfn_t p[N];
	uint8_t mark[N] = {0};

	CHECK_EQ(frame_pool_init(&fp, N * FRAME_SIZE), 0);
	for (int i = 0; i < 20; i++)
		CHECK_EQ(frame_alloc(&fp, 0, &p[i]), 0);
	for (int i = 0; i < 20; i += 3)
		frame_put(&fp, p[i]);
	CHECK_EQ(frame_pool_for_each_used(&fp, count_used, mark), 0);
	for (int i = 0; i < 20; i++)
		CHECK_EQ(mark[p[i]], i % 3 ? 1 : 0);
	CHECK_EQ(mark[0], 0);
	int n = 0;
	CHECK_EQ(frame_pool_for_each_used(&fp, stop_at_second, &n), 42);
	for (int i = 0; i < 20; i++)
		if (i % 3)
			frame_put(&fp, p[i]);
	frame_pool_destroy(&fp);
}

/* xorshift64*: deterministic randomness for the differential tests */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

TEST(randomized_against_model)
{
	enum { N = 200, OPS = 200000 };
	struct frame_pool fp;
	uint32_t model[N] = {0}; /* model refcount per pfn */
	pfn_t held[N];
	int nheld = 0;
	uint64_t s = 0x9e3779b97f4a7c15ull;

	CHECK_EQ(frame_pool_init(&fp, N * FRAME_SIZE), 0);
	for (int op = 0; op < OPS; op++) {
		uint64_t r = rng_next(&s);
		int kind = r % 10;
		if (kind < 4 || nheld == 0) {
			pfn_t pfn;
			if (r % 97 == 0)
				frame_pool_inject_fail(&fp, 0, false);
			int rc = frame_alloc(&fp, (r >> 8) & 1, &pfn);
			if (rc == 0) {
				CHECK(pfn > 0 && pfn < N);
				CHECK_EQ(model[pfn], 0);
				if ((r >> 8) & 1)
					CHECK(frame_is_zero(&fp, pfn));
				model[pfn] = 1;
				held[nheld++] = pfn;
				frame_tag(&fp, pfn, pfn * 2654435761u);
			} else {
				CHECK_EQ(rc, -ENOMEM);
				CHECK(nheld == N - 1 || r % 97 == 0);
			}
		} else if (kind < 6) {
			pfn_t pfn = held[(r >> 16) % nheld];
			frame_get(&fp, pfn);
			model[pfn]++;
		} else {
			int i = (r >> 16) % nheld;
			pfn_t pfn = held[i];
			CHECK(frame_has_tag(&fp, pfn, pfn * 2654435761u));
			frame_put(&fp, pfn);
			if (--model[pfn] == 0)
				held[i] = held[--nheld];
		}
		if (op % 1000 == 0) {
			int rc = frame_pool_check(&fp, errbuf, sizeof(errbuf));
			if (rc)
				T_FAIL("check at op %d: %s", op, errbuf);
			CHECK_EQ(frame_pool_free_count(&fp), N - 1 - nheld);
			for (pfn_t pfn = 1; pfn < N; pfn++)
				CHECK_EQ(page_refcount(pfn_to_page(&fp, pfn)), model[pfn]);
		}
	}
	while (nheld) {
		pfn_t pfn = held[nheld - 1];
		frame_put(&fp, pfn);
		if (--model[pfn] == 0)
			nheld--;
	}
	CHECK_EQ(frame_pool_free_count(&fp), N - 1);
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), 0);
	frame_pool_destroy(&fp);
}

struct stress_arg {
	struct frame_pool *fp;
	pfn_t shared;
	uint32_t id;
	int bad;
};

/* Allocates, tags, verifies and frees frames; also hammers one shared frame's refcount. */
static void *stress_thread(void *p)
{
	struct stress_arg *a = p;
	pfn_t mine[16];
	int n = 0;
	uint64_t s = 0x1234567ull + a->id;

	for (int i = 0; i < 50000; i++) {
		uint64_t r = rng_next(&s);
		frame_get(a->fp, a->shared);
		if ((r & 1) && n < 16) {
			if (frame_alloc(a->fp, 0, &mine[n]) == 0) {
				frame_tag(a->fp, mine[n], a->id << 16 | (uint32_t)(n + 1));
				n++;
			}
		} else if (n > 0) {
			n--;
			if (!frame_has_tag(a->fp, mine[n], a->id << 16 | (uint32_t)(n + 1)))
				a->bad = 1;
			frame_put(a->fp, mine[n]);
		}
		frame_put(a->fp, a->shared);
	}
	while (n > 0)
		frame_put(a->fp, mine[--n]);
	return NULL;
}

TEST(threads_never_share_a_frame)
{
	enum { T = 4 };
	struct frame_pool fp;
	pthread_t th[T];
	struct stress_arg args[T];
	pfn_t shared;

	/* fewer frames than the threads want, so allocation also fails sometimes */
	CHECK_EQ(frame_pool_init(&fp, 40 * FRAME_SIZE), 0);
	CHECK_EQ(frame_alloc(&fp, 0, &shared), 0);
	for (int i = 0; i < T; i++) {
		args[i] = (struct stress_arg){&fp, shared, (uint32_t)i + 1, 0};
		pthread_create(&th[i], NULL, stress_thread, &args[i]);
	}
	for (int i = 0; i < T; i++) {
		pthread_join(th[i], NULL);
		CHECK_EQ(args[i].bad, 0);
	}
	CHECK_EQ(page_refcount(pfn_to_page(&fp, shared)), 1);
	frame_put(&fp, shared);
	CHECK_EQ(frame_pool_free_count(&fp), 39);
	CHECK_EQ(frame_pool_check(&fp, errbuf, sizeof(errbuf)), 0);
	frame_pool_destroy(&fp);
}

TEST(alloc_free_is_fast)
{
	struct frame_pool fp;
	struct timespec t0, t1;
	enum { N = 2000000 };

	CHECK_EQ(frame_pool_init(&fp, 64 * MiB), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < N; i++) {
		pfn_t a;
		if (frame_alloc(&fp, 0, &a) != 0)
			T_FAIL("alloc %d failed", i);
		frame_put(&fp, a);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / N;
	frame_pool_destroy(&fp);
	printf("# alloc+put: %.0f ns\n", ns);
	CHECK(ns < 2000); /* generous: sanitizer builds and loaded machines */
}

T_MAIN
