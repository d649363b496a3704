/*
 * writeback.c - dirty page-cache pages and how they reach the host file,
 * mirroring mm/page-writeback.c (folio_mark_dirty, folio_clear_dirty_for_io,
 * the background flusher's dirty_expire_centisecs and
 * dirty_background_ratio), mm/rmap.c (folio_mkclean) and mm/msync.c's
 * vfs_fsync_range.
 *
 * A page is written back only after every PTE mapping it was made
 * read-only and clean, then PG_dirty is cleared, then the bytes below
 * i_size are written with pwrite: a store after that faults, waits for the
 * inode lock this holds, and dirties the page again, so no store is ever
 * lost.  A failed write leaves the page dirty (retried by the next sync,
 * fsync, msync, flusher pass, or at the latest when the inode goes).
 *
 * The flusher: one thread per system, none under cfg.no_background_threads
 * (only its dirty count is kept then: sys->tick stays 0, and dirty pages
 * wait for reclaim, sync, fsync, msync or release).  sys->tick advances
 * once a second;
 * every FLUSH_INTERVAL_TICKS (or when kicked) it writes back the pages
 * dirty for FLUSH_EXPIRE_TICKS, or every dirty page while more than
 * FLUSH_BACKGROUND_RATIO percent of RAM is dirty (the dirtying path kicks
 * it then).  No fsync: that is sync/fsync/msync's business.
 *
 * Invariants, under inode->lock: for a host file, nrdirty counts its
 * PG_dirty pages and the flusher's nr_dirty sums them over the system;
 * page->dirtied_at is the tick a page became dirty.  The flusher's own
 * lock is a leaf; it takes inode locks and then mm->ptl, never holding
 * sys->lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hostio.h"
#include "pages.h"
#include "vmstat.h"

#define FLUSH_TICK_MS	       1000 /* sys->tick advances once a second */
#define FLUSH_INTERVAL_TICKS   5    /* dirty_writeback_centisecs = 500 */
#define FLUSH_EXPIRE_TICKS     30   /* dirty_expire_centisecs = 3000 */
#define FLUSH_BACKGROUND_RATIO 10   /* dirty_background_ratio: % of RAM */

struct flusher {
	struct mmk_system *sys;	       /* immutable */
	pthread_t thread;	       /* immutable; valid if threaded */
	bool threaded;		       /* immutable: the thread runs (!no_background_threads) */
	uint64_t threshold;	       /* immutable: dirty pages that start background writeback */
	atomic_uint_fast64_t nr_dirty; /* dirty page-cache pages of host files */
	struct mmk_mutex lock;	       /* protects stop, kicked; a leaf lock */
	pthread_cond_t cond;
	bool stop, kicked;
};

/* ---- Dirty state ---------------------------------------------------------------------- */

/* Counts a page's PG_dirty change for a host file (nrdirty, flusher). */
void dirty_account_locked(struct mmk_inode *in, int delta)
{
	lock_assert_held(&in->lock);
	if (in->kind != INODE_FILE)
		return;
	in->nrdirty += (uint64_t)(int64_t)delta;
	struct flusher *f = in->sys->flusher;
	if (f)
		atomic_fetch_add(&f->nr_dirty, (uint64_t)(int64_t)delta);
}

/*
 * folio_mark_dirty() + balance_dirty_pages_ratelimited(): a page that is
 * already dirty costs one load (the common case of a shared-write fault on
 * a page stored to before): PG_dirty is cleared only under inode->lock
 * (writeback, deletion, reclaim's pageout), which the caller holds, so the
 * test cannot miss a clean page.  Only a newly dirty page is counted,
 * stamped for the flusher and checked against the background threshold.
 */
void pagecache_mark_dirty_locked(struct mmk_inode *in, struct page *pg)
{
	lock_assert_held(&in->lock);
	if (page_test(pg, PG_dirty) || (page_set(pg, PG_dirty) & PG_dirty))
		return;
	if (in->kind != INODE_FILE)
		return;
	/* ext4 reserves a block for a dirtied page (delayed allocation); the
	 * map cannot grow without memory, and then forgets it: a page left
	 * clean by a later EOF zeroing (the data is not at stake) */
	if (in->zero_eof_block)
		(void)blockmap_add(&in->blocks, pg->index, pg->index + 1);
	pg->dirtied_at = (uint32_t)atomic_load(&in->sys->tick);
	dirty_account_locked(in, +1);
	struct flusher *f = in->sys->flusher;
	if (f && atomic_load(&f->nr_dirty) > f->threshold)
		flusher_kick(in->sys); /* balance_dirty_pages(): wake background writeback */
}

/* ---- Writeback ----------------------------------------------------------------------------- */

/*
 * folio_mkclean(): write-protects and cleans every PTE mapping the page
 * (private mappings only ever map it read-only and clean, so checking
 * them is harmless).  Caller holds inode->lock.
 */
static void page_mkclean_locked(struct mmk_inode *in, uint64_t pgoff, pfn_t pfn)
{
	lock_assert_held(&in->lock);
	for (struct vma *v = in->i_mmap; v; v = v->i_mmap_next) {
		if (pgoff < v->pgoff || pgoff - v->pgoff >= vma_pages(v))
			continue;
		uint64_t va = vma_start(v) + ((pgoff - v->pgoff) << PAGE_SHIFT);
		struct mm *mm = v->mm;
		mmk_mutex_lock(&mm->ptl);
		pte_t *ptep = pgtable_walk(&mm->pt, va, 0);
		if (ptep && pte_present(*ptep) && pte_pfn(*ptep) == pfn &&
		    (*ptep & (PTE_WRITE | PTE_DIRTY))) {
			*ptep &= ~(PTE_WRITE | PTE_DIRTY);
			tlb_flush_locked(mm, va, va + PAGE_SIZE);
		}
		mmk_mutex_unlock(&mm->ptl);
	}
}

/*
 * Writes one dirty page to the host file (folio_clear_dirty_for_io +
 * writepage): mappings write-protected first, then PG_dirty cleared, then
 * the bytes below i_size written; the straddling page's tail past EOF is
 * zeroed as block_write_full_folio does.  On failure the page stays
 * dirty.  Caller holds inode->lock.  Also reclaim's pageout (reclaim.c).
 */
int writeback_page_locked(struct mmk_inode *in, uint64_t pgoff, pfn_t pfn)
{
	lock_assert_held(&in->lock);
	struct page *pg = inode_page(in, pfn);
	page_mkclean_locked(in, pgoff, pfn);
	page_clear(pg, PG_dirty);
	dirty_account_locked(in, -1);
	uint64_t pos = pgoff << PAGE_SHIFT;
	uint64_t len = in->size > pos ? in->size - pos : 0;
	if (len > PAGE_SIZE)
		len = PAGE_SIZE;
	uint8_t *p = pfn_to_virt(inode_pool(in), pfn);
	for (uint64_t i = len; i < PAGE_SIZE; i++) {
		if (p[i]) {
			memset(p + len, 0, PAGE_SIZE - len);
			break;
		}
	}
	MMK_BUG_ON(in->hostfd < 0); /* a dirty page implies a descriptor (hostfd.c) */
	/* A file mmk_fd_install_host gave is never written: its page counts
	 * as written back (mmkit.h). */
	bool write = len && !in->host_nowrite;
	in->host_unsynced |= write;
	int err = write ? host_pwrite_all(in->hostfd, p, len, pos) : 0;
	if (err) {
		page_set(pg, PG_dirty);
		dirty_account_locked(in, +1);
		return err;
	}
	count_vm_events(in->sys, PGPGOUT, PAGE_SIZE >> 10);
	TRACE(in->sys, .kind = MMK_EV_WRITEBACK, .pgoff = pgoff, .pfn = pfn, .detail = in->path);
	hostfd_idle_locked(in); /* reclaim's pageout of an unused file's last dirty page */
	return 0;
}

/* Writes back the dirty pages of [first, last) that pass the filter. */
static int writeback_range_locked(struct mmk_inode *in, uint64_t first, uint64_t last,
				  bool (*want)(struct page *pg, void *arg), void *arg)
{
	int err = 0;
	uint64_t key;
	uint32_t val;
	for (uint64_t p = first;
	     p < last && !pcache_index_next(&in->pages, p, &key, &val) && key < last; p = key + 1) {
		struct page *pg = inode_page(in, val);
		if (page_test(pg, PG_dirty) && (!want || want(pg, arg))) {
			int e = writeback_page_locked(in, key, val);
			if (e && !err)
				err = e;
		}
		if (key == UINT64_MAX)
			break;
	}
	return err;
}

int writeback_range(struct mmk_inode *in, uint64_t start, uint64_t end, bool sync)
{
	if (in->kind != INODE_FILE)
		return 0;
	mmk_mutex_lock(&in->lock);
	int err = writeback_range_locked(in, start, end, NULL, NULL);
	int fd = in->hostfd; /* valid while the caller's reference lasts (hostfd.c) */
	if (sync && fd >= 0)
		in->host_unsynced = false; /* a write from here on sets it again */
	mmk_mutex_unlock(&in->lock);
	if (sync && fd >= 0 && fsync(fd) < 0) {
		if (!err)
			err = -errno;
		mmk_mutex_lock(&in->lock);
		in->host_unsynced = true;
		mmk_mutex_unlock(&in->lock);
	}
	return err;
}

/* vfs_fsync_range() for msync(MS_SYNC) on a shared file mapping. */
int pagecache_msync_vma(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end, int flags)
{
	mmap_assert_locked(mm);
	if (!(flags & MMK_MS_SYNC) || !vma->file || !(vma->flags & VM_SHARED) || start >= end)
		return 0;
	return writeback_range(vma->file->inode, vma_pgoff_of(vma, start),
			       vma_pgoff_of(vma, end - 1) + 1, true);
}

/* ---- The flusher ----------------------------------------------------------------------------- */

struct flush_filter {
	uint32_t now;
	bool all;
};

static bool page_expired(struct page *pg, void *arg)
{
	struct flush_filter *ff = arg;
	return ff->all || (uint32_t)(ff->now - pg->dirtied_at) >= FLUSH_EXPIRE_TICKS;
}

/* One pass of background writeback (wb_writeback): pages dirty for longer
 * than the expiry age, or everything when the system is over the
 * background threshold.  No fsync, as Linux's flusher. */
static void flusher_pass(struct mmk_system *sys, bool all)
{
	struct flusher *f = sys->flusher;
	struct flush_filter ff = {
	    .now = (uint32_t)atomic_load(&sys->tick),
	    .all = all || atomic_load(&f->nr_dirty) > f->threshold,
	};
	size_t n;
	struct mmk_inode **v = inodes_snapshot(sys, &n);
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		struct mmk_inode *in = v[i];
		if (in->kind != INODE_FILE)
			continue;
		mmk_mutex_lock(&in->lock);
		if (in->nrdirty)
			writeback_range_locked(in, 0, UINT64_MAX, page_expired, &ff);
		mmk_mutex_unlock(&in->lock);
	}
	inodes_release(v, n);
}

static void *flusher_main(void *arg)
{
	struct flusher *f = arg;
	unsigned since = 0;
	mmk_mutex_lock(&f->lock);
	while (!f->stop) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += FLUSH_TICK_MS / 1000;
		bool timed_out = false;
		while (!f->stop && !f->kicked && !timed_out)
			timed_out = mmk_cond_timedwait(&f->cond, &f->lock, &until) == ETIMEDOUT;
		if (f->stop)
			break;
		bool kicked = f->kicked;
		f->kicked = false;
		mmk_mutex_unlock(&f->lock);
		if (timed_out) {
			atomic_fetch_add(&f->sys->tick, 1);
			since++;
		}
		if (kicked || since >= FLUSH_INTERVAL_TICKS) {
			since = 0;
			flusher_pass(f->sys, false);
		}
		mmk_mutex_lock(&f->lock);
	}
	mmk_mutex_unlock(&f->lock);
	return NULL;
}

int flusher_start(struct mmk_system *sys)
{
	struct flusher *f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->sys = sys;
	f->threshold = (uint64_t)sys->pool.nframes * FLUSH_BACKGROUND_RATIO / 100;
	atomic_init(&f->nr_dirty, 0);
	mmk_mutex_init(&f->lock, LOCK_FLUSHER);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->cond, &ca);
	pthread_condattr_destroy(&ca);
	sys->flusher = f;
	if (sys->cfg.no_background_threads)
		return 0;
	int err = pthread_create(&f->thread, NULL, flusher_main, f);
	if (err) {
		sys->flusher = NULL;
		pthread_cond_destroy(&f->cond);
		mmk_mutex_destroy(&f->lock);
		free(f);
		return -err;
	}
	f->threaded = true;
	return 0;
}

void flusher_stop(struct mmk_system *sys)
{
	struct flusher *f = sys->flusher;
	if (!f)
		return;
	if (f->threaded) {
		mmk_mutex_lock(&f->lock);
		f->stop = true;
		pthread_cond_signal(&f->cond);
		mmk_mutex_unlock(&f->lock);
		pthread_join(f->thread, NULL);
	}
	flusher_pass(sys, true);
	sys->flusher = NULL;
	pthread_cond_destroy(&f->cond);
	mmk_mutex_destroy(&f->lock);
	free(f);
}

void flusher_kick(struct mmk_system *sys)
{
	struct flusher *f = sys->flusher;
	if (!f || !f->threaded)
		return;
	mmk_mutex_lock(&f->lock);
	f->kicked = true;
	pthread_cond_signal(&f->cond);
	mmk_mutex_unlock(&f->lock);
}

uint64_t flusher_nr_dirty(struct mmk_system *sys)
{
	struct flusher *f = sys->flusher;
	return f ? atomic_load(&f->nr_dirty) : 0;
}
