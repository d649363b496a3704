/*
 * test_threads.c - host threads hammering the page layer at once (run under
 * ThreadSanitizer by `make tsan`): loads, stores and faults on one process
 * while another thread maps, unmaps and protects around them; a TLB that
 * must never show a frame after it was freed and reused by another
 * process; first-touch faults racing on one fresh VMA; processes sharing a
 * file mapping while writeback, fork and truncation run; threads of one
 * process faulting around in a shared file while it is truncated, grown
 * and dropped from their page tables; guard markers put on and off pages
 * under running loads and stores; ext4's zeroing of an EOF block
 * racing faults on it, its writeback and its eviction; and all of that
 * under a RAM limit, with kswapd, direct reclaim, swap-out and swap-in racing
 * the accesses.  Each test ends with the full invariant check and the
 * frame-leak check of fx_done.
 *
 * Threads only ever race on the same bytes where the simulated program
 * would itself be racy; the checks are on what every thread must see.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "page_test.h"
#include "pages.h"

#define NWORK 4
#ifdef MMK_DEBUG
#define ROUNDS 2000
#else
#define ROUNDS 20000
#endif

struct shared {
	struct fixture *fx;
	mmk_proc *p;
	uint64_t base;
	atomic_int stop;
	atomic_int errors;
	int id;
};

struct worker {
	struct shared *sh;
	int id;
	mmk_proc *p;
	uint64_t base;
};

static void note_error(struct shared *sh, const char *what, long long v)
{
	if (atomic_fetch_add(&sh->errors, 1) < 5)
		printf("# thread error: %s (%lld)\n", what, v);
}

/* ---- One process: workers on their own regions, a churner around them ---- */

static void *region_worker(void *arg)
{
	struct worker *w = arg;
	uint64_t region = w->base + (uint64_t)w->id * 64 * PS;
	unsigned char buf[3 * PS], got[3 * PS];
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t off = (uint64_t)(r * 1237 % (61 * PS));
		memset(buf, (w->id << 4) | (r & 15), sizeof(buf));
		struct mmk_siginfo si;
		int e = mmk_store(w->p, region + off, buf, sizeof(buf), &si);
		if (!e)
			e = mmk_load(w->p, region + off, got, sizeof(got), &si);
		if (e)
			note_error(w->sh, "region access failed", e);
		else if (memcmp(buf, got, sizeof(buf)))
			note_error(w->sh, "region content", r);
	}
	return NULL;
}

static void *churner(void *arg)
{
	struct shared *sh = arg;
	uint64_t at = sh->base + NWORK * 64 * PS + 16 * PS; /* beyond the workers */
	static char text[1 << 16];
	for (int r = 0; !atomic_load(&sh->stop); r++) {
		if (mmk_mmap(sh->p, at, 16 * PS, RW, PA | MMK_MAP_FIXED, -1, 0) != (int64_t)at)
			note_error(sh, "churn mmap", r);
		mmk_fill(sh->p, at, r, 8 * PS, NULL);
		mmk_mprotect(sh->p, at, 4 * PS, MMK_PROT_READ);
		mmk_madvise(sh->p, at + 8 * PS, 8 * PS, MMK_MADV_DONTNEED);
		mmk_proc_smaps(sh->p, text, sizeof(text));
		mmk_proc_status(sh->p, text, sizeof(text));
		if (mmk_munmap(sh->p, at, 16 * PS))
			note_error(sh, "churn munmap", r);
	}
	return NULL;
}

TEST(one_process_workers_and_a_churner)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	struct shared sh = {.fx = &fx, .p = fx.p, .base = 0x10000000};
	CHECK_EQ(mmk_mmap(fx.p, sh.base, NWORK * 64 * PS, RW, PA | MMK_MAP_FIXED, -1, 0),
		 (int64_t)sh.base);
	pthread_t t[NWORK + 1];
	struct worker w[NWORK];
	for (int i = 0; i < NWORK; i++) {
		w[i] = (struct worker){.sh = &sh, .id = i, .p = fx.p, .base = sh.base};
		CHECK(!pthread_create(&t[i], NULL, region_worker, &w[i]));
	}
	CHECK(!pthread_create(&t[NWORK], NULL, churner, &sh));
	for (int i = 0; i < NWORK; i++)
		pthread_join(t[i], NULL);
	atomic_store(&sh.stop, 1);
	pthread_join(t[NWORK], NULL);
	CHECK_EQ(atomic_load(&sh.errors), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* ---- The TLB never shows a freed and reused frame ---------------------------- */

static void *steady_loader(void *arg)
{
	struct shared *sh = arg;
	unsigned char got[PS];
	while (!atomic_load(&sh->stop)) {
		struct mmk_siginfo si;
		if (mmk_load(sh->p, sh->base, got, PS, &si))
			continue; /* unmapped right now: SIGSEGV is fine */
		for (size_t i = 0; i < PS; i++) {
			if (got[i] != 0x11 && got[i] != 0) {
				note_error(sh, "loaded a byte of someone else's frame", got[i]);
				break;
			}
		}
	}
	return NULL;
}

/* The same with word loads (mmk_load's inline path), at offsets all over
 * the page. */
static void *steady_word_loader(void *arg)
{
	struct shared *sh = arg;
	for (uint64_t i = 0; !atomic_load(&sh->stop); i++) {
		uint64_t v, off = (i * 8 * 67) % PS;
		struct mmk_siginfo si;
		if (mmk_load(sh->p, sh->base + off, &v, 8, &si))
			continue;
		if (v != 0x1111111111111111ULL && v != 0) {
			note_error(sh, "loaded a word of someone else's frame", (long long)v);
			break;
		}
	}
	return NULL;
}

static void *remapper(void *arg)
{
	struct shared *sh = arg;
	for (int r = 0; r < ROUNDS; r++) {
		mmk_munmap(sh->p, sh->base, PS);
		mmk_mmap(sh->p, sh->base, PS, RW, PA | MMK_MAP_FIXED, -1, 0);
		mmk_fill(sh->p, sh->base, 0x11, PS, NULL);
	}
	atomic_store(&sh->stop, 1);
	return NULL;
}

/* Another process taking every frame that comes free and filling it. */
static void *frame_thief(void *arg)
{
	struct shared *sh = arg;
	uint64_t at = 0x30000000;
	while (!atomic_load(&sh->stop)) {
		mmk_mmap(sh->p, at, 8 * PS, RW, PA | MMK_MAP_FIXED, -1, 0);
		mmk_fill(sh->p, at, 0x22, 8 * PS, NULL);
		mmk_munmap(sh->p, at, 8 * PS);
	}
	return NULL;
}

/*
 * Loaders hit the TLB without a lock while the page is unmapped, its frame
 * freed and taken by another process that fills it with 0x22 (and, in
 * debug builds, poisoned with 0x6b in between): no load may return those
 * bytes.  Removing the generation check of access.c's lock-free hit makes
 * this fail.
 */
static void reused_frame_race(void *(*loader)(void *))
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	mmk_proc *thief;
	CHECK(mmk_spawn(fx.sys, &thief) > 0);
	struct shared sh = {.fx = &fx, .p = fx.p, .base = 0x20000000};
	struct shared sh2 = {.fx = &fx, .p = thief};
	CHECK_EQ(mmk_mmap(fx.p, sh.base, PS, RW, PA | MMK_MAP_FIXED, -1, 0), (int64_t)sh.base);
	CHECK_EQ(mmk_fill(fx.p, sh.base, 0x11, PS, NULL), 0);
	pthread_t a, b, c, d;
	CHECK(!pthread_create(&a, NULL, loader, &sh));
	CHECK(!pthread_create(&d, NULL, loader, &sh));
	CHECK(!pthread_create(&c, NULL, frame_thief, &sh2));
	CHECK(!pthread_create(&b, NULL, remapper, &sh));
	pthread_join(b, NULL);
	pthread_join(a, NULL);
	pthread_join(d, NULL);
	atomic_store(&sh2.stop, 1);
	pthread_join(c, NULL);
	CHECK_EQ(atomic_load(&sh.errors), 0);
	CHECK_INV(&fx);
	mmk_exit(thief);
	CHECK(!fx_done(&fx));
}

TEST(tlb_hit_never_reads_a_reused_frame)
{
	reused_frame_race(steady_loader);
}

TEST(tlb_word_hit_never_reads_a_reused_frame)
{
	reused_frame_race(steady_word_loader);
}

/*
 * A lock-free load reads the generation and the TLB entry, then copies.
 * Played here step by step, with the reader stopped between its reads and
 * its copy (as a preempted thread is): a fill for another page of the
 * same slot (vpn % TLB_ENTRIES) replaces the entry, the page is unmapped
 * with no entry of it left to clear, its frame freed and filled by another
 * process.  The generation must have moved, so that the reader throws its
 * copy away; else it returns the other process's bytes as its own (the
 * stress test's "another page's stamp").
 */
TEST(tlb_entry_replaced_by_another_page_moves_the_generation)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	mmk_proc *thief;
	CHECK(mmk_spawn(fx.sys, &thief) > 0);
	uint64_t a = 0x20000000, b = a + TLB_ENTRIES * PS, t = 0x30000000;
	CHECK_EQ(mmk_mmap(fx.p, a, PS, RW, PA | MMK_MAP_FIXED, -1, 0), (int64_t)a);
	CHECK_EQ(mmk_mmap(fx.p, b, PS, RW, PA | MMK_MAP_FIXED, -1, 0), (int64_t)b);
	CHECK_EQ(mmk_fill(fx.p, a, 0x11, PS, NULL), 0);
	CHECK_EQ(mmk_fill(fx.p, b, 0x33, PS, NULL), 0);
	CHECK_EQ(peek(fx.p, a), 0x11);

	/* The reader's two reads (tlb_peek). */
	struct mm *mm = fx.p->mm;
	uint64_t vpn = a / PS;
	uint64_t gen = atomic_load(&mm->tlb_gen);
	uint64_t w = atomic_load(&mm->tlb[vpn % TLB_ENTRIES].word);
	CHECK(tlb_word_hits(w, vpn, false));

	CHECK_EQ(peek(fx.p, b), 0x33); /* the slot now caches b */
	CHECK_EQ(mmk_munmap(fx.p, a, PS), 0);
	CHECK_EQ(mmk_mmap(thief, t, 8 * PS, RW, PA | MMK_MAP_FIXED, -1, 0), (int64_t)t);
	CHECK_EQ(mmk_fill(thief, t, 0x22, 8 * PS, NULL), 0);

	/* The reader's copy and check (tlb_peek_valid). */
	unsigned char got = *tlb_word_host(w);
	bool valid = atomic_load(&mm->tlb_gen) == gen;
	if (valid)
		printf("# the reader's stale copy passes, it read %#x\n", got);
	CHECK(!valid);
	CHECK_INV(&fx);
	mmk_exit(thief);
	CHECK(!fx_done(&fx));
}

/* ---- First touches racing on one fresh VMA ------------------------------------ */

struct race {
	mmk_proc *p;
	uint64_t base;
	int id;
	atomic_int *go;
	atomic_int *errors;
};

static void *first_toucher(void *arg)
{
	struct race *r = arg;
	while (!atomic_load(r->go))
		;
	for (int i = 0; i < 32; i++) {
		uint64_t a = r->base + (uint64_t)i * PS + (uint64_t)r->id * 8;
		uint64_t v = (uint64_t)r->id * 1000 + (uint64_t)i;
		if (mmk_store(r->p, a, &v, 8, NULL))
			atomic_fetch_add(r->errors, 1);
	}
	return NULL;
}

/* Maps 32 fresh anonymous pages at base and lets NWORK threads run fn on
 * them at once (each with its id); returns how many accesses failed, or -1
 * if the mapping or a thread could not be made. */
static int race_on_fresh_vma(mmk_proc *p, uint64_t base, void *(*fn)(void *))
{
	if (mmk_mmap(p, base, 32 * PS, RW, PA | MMK_MAP_FIXED, -1, 0) != (int64_t)base)
		return -1;
	atomic_int go = 0, errors = 0;
	pthread_t t[NWORK];
	struct race r[NWORK];
	int started = 0;
	for (int i = 0; i < NWORK; i++) {
		r[i] = (struct race){p, base, i, &go, &errors};
		if (pthread_create(&t[i], NULL, fn, &r[i]))
			break;
		started++;
	}
	atomic_store(&go, 1);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	return started == NWORK ? atomic_load(&errors) : -1;
}

TEST(first_touch_faults_race_on_a_fresh_vma)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	for (int round = 0; round < 20; round++) {
		uint64_t base = 0x40000000 + (uint64_t)round * 0x100000;
		CHECK_EQ(race_on_fresh_vma(fx.p, base, first_toucher), 0);
		for (int i = 0; i < NWORK; i++) {
			for (int pg = 0; pg < 32; pg++) {
				uint64_t v = 0;
				CHECK_EQ(mmk_load(fx.p, base + (uint64_t)pg * PS + (uint64_t)i * 8,
						  &v, 8, NULL),
					 0);
				CHECK_EQ(v, (uint64_t)i * 1000 + (uint64_t)pg);
			}
		}
		CHECK_EQ(smaps_kb(fx.p, base, "Rss:"), 128);
		CHECK_INV(&fx);
	}
	CHECK(!fx_done(&fx));
}

/* First accesses of a fresh VMA, half loads and half stores, on a system
 * without the zero page (mmk_config.no_zero_page): a load allocates too,
 * so the VMA's anon_vma is made by whichever access comes first, load or
 * store, and must still be made once, under mmap_lock held for writing. */
static void *first_reader_or_writer(void *arg)
{
	struct race *r = arg;
	while (!atomic_load(r->go))
		;
	for (int i = 0; i < 32; i++) {
		uint64_t a = r->base + (uint64_t)i * PS + (uint64_t)r->id * 8;
		uint64_t v = (uint64_t)r->id * 1000 + (uint64_t)i;
		int err =
		    r->id % 2 ? mmk_load(r->p, a, &v, 8, NULL) : mmk_store(r->p, a, &v, 8, NULL);
		if (err || (r->id % 2 && v != 0))
			atomic_fetch_add(r->errors, 1);
	}
	return NULL;
}

TEST(first_loads_and_stores_race_without_the_zero_page)
{
	struct fixture fx;
	struct mmk_config cfg = {.no_zero_page = 1};
	CHECK(!fx_init_cfg(&fx, &cfg));
	for (int round = 0; round < 20; round++) {
		uint64_t base = 0x40000000 + (uint64_t)round * 0x100000;
		CHECK_EQ(race_on_fresh_vma(fx.p, base, first_reader_or_writer), 0);
		CHECK_EQ(smaps_kb(fx.p, base, "Rss:"), 128); /* every page allocated */
		CHECK_EQ(smaps_kb(fx.p, base, "Anonymous:"), 128);
		CHECK_INV(&fx);
	}
	CHECK(!fx_done(&fx));
}

/* ---- Processes sharing a file while writeback, fork and truncation run ------- */

struct filer {
	struct shared *sh;
	mmk_proc *p;
	uint64_t map;
	int slot;
	uint64_t last;
};

#define FILE_PAGES 16

static void *slot_writer(void *arg)
{
	struct filer *f = arg;
	for (int r = 1; r <= ROUNDS; r++) {
		uint64_t v = ((uint64_t)f->slot << 32) | (uint64_t)r;
		/* The last round goes to page 0, which truncation never reaches. */
		uint64_t pg = r == ROUNDS ? 0 : (uint64_t)(r % FILE_PAGES);
		uint64_t a = f->map + pg * PS + (uint64_t)f->slot * 8;
		struct mmk_siginfo si;
		int e = mmk_store(f->p, a, &v, 8, &si);
		if (e && si.signo != MMK_SIGBUS)
			note_error(f->sh, "slot store", e);
		/* The truncater shrinks the file to 8 pages at times: zeros. */
		uint64_t back = 0;
		if (!e && !mmk_load(f->p, a, &back, 8, &si) && back != v && back != 0)
			note_error(f->sh, "slot readback", (long long)back);
	}
	return NULL;
}

static void *file_admin(void *arg)
{
	struct filer *f = arg;
	struct shared *sh = f->sh;
	int fd = fx_open(sh->fx, f->p, "shared", 0);
	for (int r = 0; !atomic_load(&sh->stop); r++) {
		mmk_fsync(f->p, fd);
		flusher_kick(sh->fx->sys);
		if (r % 3 == 0) {
			mmk_proc *c;
			if (mmk_fork(f->p, &c) > 0) {
				uint64_t v; /* bytes 64.. are no writer's slot */
				mmk_load(c, f->map + 64, &v, 8, NULL);
				mmk_exit(c);
			}
		}
		if (r % 5 == 0) {
			mmk_ftruncate(f->p, fd, 8 * PS);
			mmk_ftruncate(f->p, fd, FILE_PAGES * PS);
		}
		mmk_msync(f->p, f->map, FILE_PAGES * PS, MMK_MS_SYNC);
	}
	mmk_close(f->p, fd);
	return NULL;
}

TEST(processes_share_a_file_under_writeback_fork_and_truncate)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "shared", FILE_PAGES * PS, 0);
	mmk_proc *q;
	CHECK(mmk_spawn(fx.sys, &q) > 0);
	mmk_proc *procs[2] = {fx.p, q};
	uint64_t maps[2];
	for (int i = 0; i < 2; i++) {
		int fd = fx_open(&fx, procs[i], "shared", 0);
		int64_t m = mmk_mmap(procs[i], 0, FILE_PAGES * PS, RW, MMK_MAP_SHARED, fd, 0);
		CHECK(m > 0);
		maps[i] = (uint64_t)m;
		mmk_close(procs[i], fd);
	}
	struct shared sh = {.fx = &fx};
	struct filer f[5];
	pthread_t t[5];
	for (int i = 0; i < 4; i++) {
		f[i] = (struct filer){.sh = &sh, .p = procs[i & 1], .map = maps[i & 1], .slot = i};
		CHECK(!pthread_create(&t[i], NULL, slot_writer, &f[i]));
	}
	f[4] = (struct filer){.sh = &sh, .p = fx.p, .map = maps[0]};
	CHECK(!pthread_create(&t[4], NULL, file_admin, &f[4]));
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	atomic_store(&sh.stop, 1);
	pthread_join(t[4], NULL);
	CHECK_EQ(atomic_load(&sh.errors), 0);
	CHECK_INV(&fx);
	/* Each slot's last value is in the file, through either mapping. */
	for (int i = 0; i < 4; i++) {
		uint64_t v = 0;
		CHECK_EQ(mmk_load(q, maps[1] + (uint64_t)i * 8, &v, 8, NULL), 0);
		CHECK_EQ(v, ((uint64_t)i << 32) | ROUNDS);
	}
	CHECK_EQ(mmk_sync(fx.sys), 0);
	uint64_t hv = 0;
	CHECK_EQ(host_read(&fx, "shared", &hv, 8, 3 * 8), 8);
	CHECK_EQ(hv, (3ULL << 32) | ROUNDS);
	CHECK_EQ(mmk_exit(q), 0);
	CHECK(!fx_done(&fx));
}

/* ---- Fault-around racing truncation, DONTNEED and write() ------------------- */

#define AROUND_PAGES 256 /* the file's full length */
#define AROUND_KEEP  100 /* what the truncater shrinks it to */

/* Reads one byte per page in a stride that crosses fault-around windows:
 * each is 'f' (the file), 0 (a page that truncation dropped and growing
 * brought back as a hole) or SIGBUS (past EOF meanwhile). */
static void *around_reader(void *arg)
{
	struct worker *w = arg;
	for (int r = 0; r < ROUNDS / 10 + 2; r++) {
		for (uint64_t i = 0; i < AROUND_PAGES; i++) {
			uint64_t pg = (i * 37 + (uint64_t)w->id * 11 + (uint64_t)r) % AROUND_PAGES;
			unsigned char c = 1;
			struct mmk_siginfo si;
			int e = mmk_load(w->p, w->base + pg * PS + 5, &c, 1, &si);
			if (e ? si.signo != MMK_SIGBUS || pg < AROUND_KEEP : c != 'f' && c != 0)
				note_error(w->sh, "load around", e ? e : c);
		}
	}
	return NULL;
}

/* Shrinks the file (zapping pages the readers mapped around), drops the
 * mapping's PTEs, grows the file back and refills the tail with write(). */
static void *around_truncater(void *arg)
{
	struct worker *w = arg;
	static unsigned char tail[(AROUND_PAGES - AROUND_KEEP) * PS];
	memset(tail, 'f', sizeof(tail));
	int fd = fx_open(w->sh->fx, w->p, "around", 0);
	for (int r = 0; !atomic_load(&w->sh->stop); r++) {
		mmk_ftruncate(w->p, fd, AROUND_KEEP * PS);
		if (r % 2)
			mmk_madvise(w->p, w->base, AROUND_PAGES * PS, MMK_MADV_DONTNEED);
		mmk_ftruncate(w->p, fd, AROUND_PAGES * PS);
		if (r % 3)
			mmk_pwrite(w->p, fd, tail, sizeof(tail), AROUND_KEEP * PS);
	}
	mmk_close(w->p, fd);
	return NULL;
}

TEST(fault_around_races_truncation_dontneed_and_write)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "around", AROUND_PAGES * PS, 'f');
	int fd = fx_open(&fx, fx.p, "around", 0);
	int64_t m = mmk_mmap(fx.p, 0, AROUND_PAGES * PS, MMK_PROT_READ, MMK_MAP_SHARED, fd, 0);
	CHECK(m > 0);
	mmk_close(fx.p, fd);
	struct shared sh = {.fx = &fx, .p = fx.p, .base = (uint64_t)m};
	struct worker w[NWORK];
	pthread_t t[NWORK];
	for (int i = 0; i < NWORK; i++) {
		w[i] = (struct worker){.sh = &sh, .id = i, .p = fx.p, .base = (uint64_t)m};
		CHECK(!pthread_create(&t[i], NULL, i ? around_reader : around_truncater, &w[i]));
	}
	for (int i = 1; i < NWORK; i++)
		pthread_join(t[i], NULL);
	atomic_store(&sh.stop, 1);
	pthread_join(t[0], NULL);
	CHECK_EQ(atomic_load(&sh.errors), 0);
	CHECK_INV(&fx);
	/* The file is whole again: every page reads 'f' or a hole's 0, and the
	 * mapped ones are file pages with a reference each. */
	struct mmk_pageinfo pi[AROUND_PAGES];
	mmk_proc_pagemap(fx.p, (uint64_t)m, AROUND_PAGES, pi);
	for (int i = 0; i < AROUND_PAGES; i++) {
		if (!pi[i].present)
			continue;
		CHECK(pi[i].file && !pi[i].writable);
		CHECK_EQ(pi[i].mapcount, 1);
		CHECK_EQ(pi[i].refcount, 2);
	}
	CHECK(!fx_done(&fx));
}

/* ---- ext4's EOF block zeroing racing faults ---------------------------------- */

#define EOFZ_PAGES 64 /* the file is EOFZ_PAGES pages and 100 bytes */
#define EOFZ_KEEP  40 /* the page the truncater makes the EOF page */

/* Until the truncater is done, reads byte 5 of each page (and byte 200 of
 * the EOF page): 'f', a hole's or a zeroed tail's 0, or SIGBUS at or past
 * the moving EOF page. */
static void *eofz_reader(void *arg)
{
	struct worker *w = arg;
	for (int r = 0; !atomic_load(&w->sh->stop); r++) {
		for (uint64_t i = 0; i <= EOFZ_PAGES; i++) {
			uint64_t pg =
			    (i * 13 + (uint64_t)w->id * 5 + (uint64_t)r) % (EOFZ_PAGES + 1);
			uint64_t off = pg == EOFZ_KEEP && (r & 1) ? 200 : 5;
			unsigned char c = 1;
			struct mmk_siginfo si;
			int e = mmk_load(w->p, w->base + pg * PS + off, &c, 1, &si);
			if (e ? si.signo != MMK_SIGBUS || pg < EOFZ_KEEP : c != 'f' && c != 0)
				note_error(w->sh, "load near EOF", e ? e : c);
		}
	}
	return NULL;
}

/* ROUNDS / 4 times: cuts the file back to EOFZ_KEEP pages, writes 100 bytes into the next
 * (which has a block then), sometimes writes it back and evicts it, then
 * grows the file from that unaligned size, so the EOF block is zeroed in
 * a cached page or one created not uptodate, and refills the pages after. */
static void *eofz_truncater(void *arg)
{
	struct worker *w = arg;
	static unsigned char buf[(EOFZ_PAGES - EOFZ_KEEP) * PS];
	memset(buf, 'f', sizeof(buf));
	int fd = fx_open(w->sh->fx, w->p, "eofz", 0);
	for (int r = 0; r < ROUNDS / 4; r++) {
		mmk_ftruncate(w->p, fd, EOFZ_KEEP * PS);
		mmk_pwrite(w->p, fd, buf, 100, EOFZ_KEEP * PS);
		if (r % 2) {
			mmk_fsync(w->p, fd);
			mmk_madvise(w->p, w->base + EOFZ_KEEP * PS, PS, MMK_MADV_PAGEOUT);
		}
		mmk_ftruncate(w->p, fd, EOFZ_PAGES * PS + 100);
		if (r % 3)
			mmk_pwrite(w->p, fd, buf, sizeof(buf) - PS + 100, (EOFZ_KEEP + 1) * PS);
	}
	mmk_close(w->p, fd);
	atomic_store(&w->sh->stop, 1);
	return NULL;
}

TEST(eof_block_zeroing_races_faults_writeback_and_eviction)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "eofz", EOFZ_PAGES * PS + 100, 'f');
	int fd = fx_open(&fx, fx.p, "eofz", 0);
	int64_t m = mmk_mmap(fx.p, 0, (EOFZ_PAGES + 1) * PS, MMK_PROT_READ, MMK_MAP_SHARED, fd, 0);
	CHECK(m > 0);
	mmk_close(fx.p, fd);
	struct shared sh = {.fx = &fx, .p = fx.p, .base = (uint64_t)m};
	struct worker w[NWORK];
	pthread_t t[NWORK];
	for (int i = 0; i < NWORK; i++) {
		w[i] = (struct worker){.sh = &sh, .id = i, .p = fx.p, .base = (uint64_t)m};
		CHECK(!pthread_create(&t[i], NULL, i ? eofz_reader : eofz_truncater, &w[i]));
	}
	for (int i = 0; i < NWORK; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(atomic_load(&sh.errors), 0);
	CHECK_INV(&fx);
	/* The EOF page's first 100 bytes are the file's; the rest was zeroed
	 * by the last growth, through whichever page held it. */
	unsigned char page[PS];
	CHECK_EQ(mmk_load(fx.p, (uint64_t)m + EOFZ_KEEP * PS, page, PS, NULL), 0);
	for (uint64_t i = 0; i < PS; i++)
		if (page[i] != (i < 100 ? 'f' : 0))
			T_FAIL("EOF page byte %llu is %d", (unsigned long long)i, page[i]);
	CHECK(!fx_done(&fx));
}

/* ---- Under memory pressure: reclaim and swap racing the accesses ------------- */

#define PRESSURE_PAGES 160 /* per worker; 4 workers and a file: ~3x the RAM */

static void *swapping_worker(void *arg)
{
	struct worker *w = arg;
	uint64_t region = w->base + (uint64_t)w->id * PRESSURE_PAGES * PS;
	uint64_t v;
	for (int r = 0; r < ROUNDS / 100 + 3; r++) {
		for (uint64_t i = 0; i < PRESSURE_PAGES; i++) {
			v = ((uint64_t)w->id << 48) | ((uint64_t)r << 24) | i;
			if (mmk_store(w->p, region + i * PS + 8 * (uint64_t)r % PS, &v, 8, NULL))
				note_error(w->sh, "store under pressure failed", (long long)i);
		}
		for (uint64_t i = 0; i < PRESSURE_PAGES; i++) {
			uint64_t got = 0;
			v = ((uint64_t)w->id << 48) | ((uint64_t)r << 24) | i;
			if (mmk_load(w->p, region + i * PS + 8 * (uint64_t)r % PS, &got, 8, NULL) ||
			    got != v)
				note_error(w->sh, "load under pressure saw another value",
					   (long long)got);
		}
	}
	return NULL;
}

#define SCRATCH_PAGES 64 /* after the workers' regions: refilled, swapped, dropped */

/* Writes the scratch region and reads it back: each word is its pattern,
 * or 0 where MADV_DONTNEED dropped the page meanwhile. */
static void *scratch_toucher(void *arg)
{
	struct worker *w = arg;
	uint64_t scratch = w->base + 4 * PRESSURE_PAGES * PS;
	while (!atomic_load(&w->sh->stop)) {
		for (uint64_t i = 0; i < SCRATCH_PAGES; i++) {
			uint64_t v = 0xabcd0000 + i, got = 0;
			mmk_store(w->p, scratch + i * PS, &v, 8, NULL);
			if (mmk_load(w->p, scratch + i * PS, &got, 8, NULL) || (got && got != v))
				note_error(w->sh, "scratch page changed under DONTNEED",
					   (long long)got);
		}
	}
	return NULL;
}

/* Forks and exits children that share the swapped pages, scans a file,
 * and drops the scratch region (swap entries and swap-ins in flight). */
static void *pressure_churner(void *arg)
{
	struct worker *w = arg;
	unsigned char page[PS];
	while (!atomic_load(&w->sh->stop)) {
		mmk_madvise(w->p, w->base + 4 * PRESSURE_PAGES * PS, SCRATCH_PAGES * PS,
			    MMK_MADV_DONTNEED);
		mmk_proc *c;
		if (mmk_fork(w->p, &c) > 0) {
			uint64_t got = 0;
			mmk_load(c, w->base, &got, 8, NULL);
			mmk_exit(c);
		}
		for (uint64_t i = 0; i < 64; i++)
			mmk_load(w->sh->p, w->sh->base + i * PS, page, PS, NULL);
	}
	return NULL;
}

TEST(reclaim_and_swap_race_loads_stores_and_fork)
{
	struct fixture fx;
	struct mmk_config c = {.ram_bytes = 1 * MB, .swap_bytes = 16 * MB};
	CHECK(!fx_init_cfg(&fx, &c));
	fx_file(&fx, "big", 64 * PS, 'b');
	mmk_proc *q;
	CHECK(mmk_spawn(fx.sys, &q) > 0);
	int fd = fx_open(&fx, q, "big", MMK_O_RDONLY);
	int64_t fm = mmk_mmap(q, 0, 64 * PS, MMK_PROT_READ, MMK_MAP_SHARED, fd, 0);
	CHECK(fm > 0);
	struct shared sh = {.fx = &fx, .p = q, .base = (uint64_t)fm};
	const uint64_t base = 0x40000000;
	CHECK_EQ(mmk_mmap(fx.p, base, (4 * PRESSURE_PAGES + SCRATCH_PAGES) * PS, RW,
			  PA | MMK_MAP_FIXED, -1, 0),
		 (int64_t)base);
	struct worker w[6];
	pthread_t t[6];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){.sh = &sh, .id = i, .p = fx.p, .base = base};
		CHECK(!pthread_create(&t[i], NULL, swapping_worker, &w[i]));
	}
	w[4] = (struct worker){.sh = &sh, .p = fx.p, .base = base};
	CHECK(!pthread_create(&t[4], NULL, pressure_churner, &w[4]));
	w[5] = w[4];
	CHECK(!pthread_create(&t[5], NULL, scratch_toucher, &w[5]));
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	atomic_store(&sh.stop, 1);
	pthread_join(t[4], NULL);
	pthread_join(t[5], NULL);
	CHECK_EQ(atomic_load(&sh.errors), 0);
	struct mmk_vmstat v;
	CHECK_EQ(mmk_vmstat(fx.sys, &v), 0);
	CHECK(v.pswpout > 0 && v.pswpin > 0);
	CHECK_INV(&fx);
	CHECK_EQ(mmk_exit(q), 0);
	CHECK(!fx_done(&fx));
}

/* ---- Guard markers installed and removed under running accesses ----------- */

/* Loads and stores on 16 pages while guard_toggler puts markers on and off
 * some of them: an access either goes through (and then sees the byte this
 * thread wrote or zero, since an install zaps the page) or faults with
 * SIGSEGV/SEGV_MAPERR at a guarded page; nothing else. */
static void *guard_accessor(void *arg)
{
	struct worker *w = arg;
	uint64_t page = w->base + (uint64_t)w->id * 16 * PS;
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t a = page + (uint64_t)(r % 16) * PS + (uint64_t)w->id;
		unsigned char b = (unsigned char)(r | 1), got;
		struct mmk_siginfo si;
		int err = mmk_store(w->p, a, &b, 1, &si);
		if (!err)
			err = mmk_load(w->p, a, &got, 1, &si);
		if (!err && got != b && got != 0)
			note_error(w->sh, "guard: stale byte", got);
		if (err &&
		    (err != -EFAULT || si.signo != MMK_SIGSEGV || si.code != MMK_SEGV_MAPERR))
			note_error(w->sh, "guard: access failed", err);
	}
	return NULL;
}

static void *guard_toggler(void *arg)
{
	struct shared *sh = arg;
	for (int r = 0; !atomic_load(&sh->stop); r++) {
		uint64_t a = sh->base + (uint64_t)(r % (NWORK * 16)) * PS;
		int advice = (r & 1) ? MMK_MADV_GUARD_REMOVE : MMK_MADV_GUARD_INSTALL;
		int err = mmk_madvise(sh->p, a, (uint64_t)(1 + r % 3) * PS, advice);
		if (err)
			note_error(sh, "guard: madvise", err);
		if (r % 64 == 63 &&
		    mmk_madvise(sh->p, sh->base, NWORK * 16 * PS, MMK_MADV_DONTNEED))
			note_error(sh, "guard: dontneed", r);
	}
	return NULL;
}

TEST(guard_markers_race_loads_and_stores)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	struct shared sh = {.fx = &fx, .p = fx.p, .base = 0x10000000};
	CHECK_EQ(mmk_mmap(fx.p, sh.base, NWORK * 16 * PS + 2 * PS, RW, PA | MMK_MAP_FIXED, -1, 0),
		 (int64_t)sh.base);
	pthread_t t[NWORK + 1];
	struct worker w[NWORK];
	for (int i = 0; i < NWORK; i++) {
		w[i] = (struct worker){.sh = &sh, .id = i, .p = fx.p, .base = sh.base};
		CHECK(!pthread_create(&t[i], NULL, guard_accessor, &w[i]));
	}
	CHECK(!pthread_create(&t[NWORK], NULL, guard_toggler, &sh));
	for (int i = 0; i < NWORK; i++)
		pthread_join(t[i], NULL);
	atomic_store(&sh.stop, 1);
	pthread_join(t[NWORK], NULL);
	CHECK_EQ(atomic_load(&sh.errors), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

T_MAIN
