/*
 * swap.c - the swap area (see swap.h for the slot states, the swap cache
 * and the locking), swap-in faults, and shmem's swapped pages.
 *
 * Life of an anonymous page through swap (reclaim.c drives the first half):
 *
 *   mapped (PTEs)  --swap_cache_add-->  cached, PG_dirty, slot count 0
 *        --rmap_unmap_anon: each PTE -> swp_pte(slot), count++-->
 *   cached, unmapped  --swap_writepage: pwrite, PG_dirty cleared-->
 *   swap_cache_done: leaves the cache, frame freed; the slot keeps count.
 *
 *   fault on swp_pte(slot)  --do_swap_page-->  cached page found (minor)
 *   or a new frame read from the slot and cached (major); the PTE maps it,
 *   count--; at count 0 the page leaves the cache (dirty, exclusive) and the
 *   slot is free, as Linux does when swap is more than half full
 *   (should_try_to_free_swap), so a slot never outlives its last PTE.
 *
 * A page shared copy-on-write by fork has one slot named by every PTE;
 * each process's fault maps the same cached page, read-only, until the
 * last one takes it out of the cache.  Such a page's rmap is the root
 * anon_vma of the fork family (Linux's __folio_set_anon with !exclusive).
 *
 * shmem pages have no PTE that could hold a swap entry (several processes
 * map them through the inode): the inode's page-cache entry gives way to an
 * entry in inode->swapped, and the next fault through shmem_get_page_locked
 * reads it back, all under the inode lock.
 *
 * The host file is touched with pread/pwrite/ftruncate only.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hostio.h"
#include "lru.h"
#include "swap.h"
#include "vmstat.h"

/* ---- The area ------------------------------------------------------------------ */

/* openat2 with every symlink refused: the embedder's swap path names the
 * file itself, never a file some link inside the root points at. */
static int swap_openat_nolinks(int dfd, const char *path, int flags, unsigned mode)
{
	struct open_how how = {
	    .flags = (uint64_t)flags | O_CLOEXEC,
	    .mode = (flags & O_CREAT) ? mode : 0,
	    .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

/*
 * Whether the directory open on dfd is the root or lies beneath it: walks
 * ".." up to "/" comparing (dev, ino) with the root's, so neither symlinks
 * nor another mount of the root's directory can hide the ancestry.
 * Returns 1, 0, or -errno.
 */
static int swap_dir_in_root(struct mmk_system *sys, int dfd)
{
	struct stat root, st, up;
	if (fstat(sys->rootfd, &root) < 0)
		return -errno;
	int fd = dup(dfd);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (fstat(fd, &st) < 0)
			break;
		if (st.st_dev == root.st_dev && st.st_ino == root.st_ino) {
			close(fd);
			return 1;
		}
		int parent = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		if (parent < 0)
			return -errno;
		fd = parent;
		if (fstat(fd, &up) < 0)
			break;
		if (up.st_dev == st.st_dev && up.st_ino == st.st_ino) {
			close(fd);
			return 0; /* "/" is its own parent */
		}
	}
	int err = -errno;
	close(fd);
	return err;
}

/*
 * The embedder's swap file at host path PATH (mmk_config.swap_path):
 * created if missing, mode 0600, never through a symlink, refused with
 * -EINVAL where it would lie inside the root (a simulated process could
 * then open it and read or forge another process's swapped-out memory)
 * or where it is not a regular file with a single name.  Nothing is
 * written before those checks pass.  Returns an fd or -errno.
 */
static int swap_open_path(struct mmk_system *sys, const char *path)
{
	size_t n = strlen(path);
	char *dir = strdup(path);
	if (!dir)
		return -ENOMEM;
	char *slash = strrchr(dir, '/');
	const char *name = slash ? slash + 1 : dir;
	const char *parent = !slash ? "." : slash == dir ? "/" : dir;
	if (slash)
		*slash = 0;
	int err = 0, fd = -1;
	if (!n || !*name || !strcmp(name, ".") || !strcmp(name, ".."))
		err = -EINVAL;
	int dfd = err ? -1 : swap_openat_nolinks(AT_FDCWD, parent, O_PATH | O_DIRECTORY, 0);
	if (!err && dfd < 0)
		err = dfd;
	if (!err) {
		int inside = swap_dir_in_root(sys, dfd);
		err = inside < 0 ? inside : inside ? -EINVAL : 0;
	}
	if (!err) {
		fd = swap_openat_nolinks(dfd, name, O_RDWR | O_CREAT, 0600);
		if (fd < 0)
			err = fd;
	}
	struct stat st;
	if (!err && fstat(fd, &st) < 0)
		err = -errno;
	if (!err && (!S_ISREG(st.st_mode) || st.st_nlink != 1))
		err = -EINVAL;
	if (!err && ftruncate(fd, 0) < 0) /* no old contents survive */
		err = -errno;
	if (dfd >= 0)
		close(dfd);
	free(dir);
	if (err && fd >= 0)
		close(fd);
	return err ? err : fd;
}

/* The swap file: mmk_config.swap_path, or an unlinked temporary file in
 * the root, which no path reaches (where the root's file system has no
 * O_TMPFILE, a random name there between mkostemp and unlink, while the
 * system is created and has no process yet).  Returns an fd or -errno. */
static int swap_open_file(struct mmk_system *sys)
{
	if (sys->cfg.swap_path)
		return swap_open_path(sys, sys->cfg.swap_path);
	int fd = open(sys->rootpath, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	char tmpl[PATH_MAX];
	if (snprintf(tmpl, sizeof(tmpl), "%s/.mmkit-swap.XXXXXX", sys->rootpath) >=
	    (int)sizeof(tmpl))
		return -ENAMETOOLONG;
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(tmpl);
	return fd;
}

int swap_init(struct mmk_system *sys)
{
	uint64_t slots = sys->cfg.swap_bytes / PAGE_SIZE;
	sys->swap = NULL;
	if (slots < 2)
		return 0;
	if (slots > UINT32_MAX)
		return -EINVAL;
	struct swap_area *sa = calloc(1, sizeof(*sa));
	if (!sa)
		return -ENOMEM;
	sa->nslots = (uint32_t)slots;
	sa->fresh = 1;
	sa->count = calloc(slots, sizeof(*sa->count));
	sa->cache = calloc(slots, sizeof(*sa->cache));
	sa->free_slots = calloc(slots, sizeof(*sa->free_slots));
	int err = sa->count && sa->cache && sa->free_slots ? 0 : -ENOMEM;
	sa->fd = -1;
	if (!err) {
		sa->fd = swap_open_file(sys);
		if (sa->fd < 0)
			err = sa->fd;
	}
	if (!err && ftruncate(sa->fd, (off_t)(slots * PAGE_SIZE)) < 0)
		err = -errno;
	if (err) {
		if (sa->fd >= 0)
			close(sa->fd);
		free(sa->count);
		free(sa->cache);
		free(sa->free_slots);
		free(sa);
		return err;
	}
	mmk_mutex_init(&sa->lock, LOCK_SWAP);
	sys->swap = sa;
	return 0;
}

void swap_destroy(struct mmk_system *sys)
{
	struct swap_area *sa = sys->swap;
	if (!sa)
		return;
	if (sa->inuse)
		MMK_BUG("%llu swap slots still in use at destroy", (unsigned long long)sa->inuse);
	close(sa->fd);
	mmk_mutex_destroy(&sa->lock);
	free(sa->count);
	free(sa->cache);
	free(sa->free_slots);
	free(sa);
	sys->swap = NULL;
}

bool swap_has_space(struct mmk_system *sys)
{
	struct swap_area *sa = sys->swap;
	if (!sa)
		return false;
	mmk_mutex_lock(&sa->lock);
	bool room = sa->inuse < sa->nslots - 1;
	mmk_mutex_unlock(&sa->lock);
	return room;
}

void swap_usage(struct mmk_system *sys, uint64_t *used, uint64_t *total, uint64_t *cached)
{
	struct swap_area *sa = sys->swap;
	*used = *total = *cached = 0;
	if (!sa)
		return;
	mmk_mutex_lock(&sa->lock);
	*used = sa->inuse;
	*total = sa->nslots - 1;
	*cached = sa->nr_cached;
	mmk_mutex_unlock(&sa->lock);
}

/* get_swap_page(): a free slot, marked in use (count 0).  0 when full.
 * Caller holds sa->lock. */
static uint32_t slot_alloc_locked(struct swap_area *sa)
{
	lock_assert_held(&sa->lock);
	uint32_t slot = 0;
	if (sa->nfree_slots)
		slot = sa->free_slots[--sa->nfree_slots];
	else if (sa->fresh < sa->nslots)
		slot = sa->fresh++;
	if (slot)
		sa->inuse++;
	return slot;
}

/* Frees slot if nothing refers to it any more.  Caller holds sa->lock. */
static void slot_maybe_free_locked(struct swap_area *sa, uint32_t slot)
{
	lock_assert_held(&sa->lock);
	if (sa->count[slot] || sa->cache[slot])
		return;
	sa->free_slots[sa->nfree_slots++] = slot;
	sa->inuse--;
}

static void slot_check(struct swap_area *sa, uint64_t slot)
{
	if (!sa || slot == 0 || slot >= sa->nslots)
		MMK_BUG("bad swap slot %llu", (unsigned long long)slot);
}

/* Takes pfn out of the cache (the caller drops the cache's reference once
 * sa->lock is released).  Caller holds sa->lock. */
static void cache_del_locked(struct mmk_system *sys, struct swap_area *sa, pfn_t pfn)
{
	lock_assert_held(&sa->lock);
	struct page *pg = pfn_to_page(&sys->pool, pfn);
	uint32_t slot = (uint32_t)pg->private;
	MMK_BUG_ON(sa->cache[slot] != pfn);
	sa->cache[slot] = 0;
	sa->nr_cached--;
	pg->private = 0;
	page_clear(pg, PG_swapcache);
	slot_maybe_free_locked(sa, slot);
}

/* ---- Host I/O -------------------------------------------------------------------- */

/* Reads slot's page into buf.  0, or -errno (-EIO at the file's end). */
static int swap_read_slot(struct mmk_system *sys, uint32_t slot, void *buf)
{
	int64_t r = host_pread_all(sys->swap->fd, buf, PAGE_SIZE, (uint64_t)slot * PAGE_SIZE);
	if (r < 0)
		return (int)r;
	return (uint64_t)r < PAGE_SIZE ? -EIO : 0;
}

static int swap_io(struct mmk_system *sys, uint32_t slot, pfn_t pfn, bool write)
{
	uint8_t *p = pfn_to_virt(&sys->pool, pfn);
	int err = write ? host_pwrite_all(sys->swap->fd, p, PAGE_SIZE, (uint64_t)slot * PAGE_SIZE)
			: swap_read_slot(sys, slot, p);
	if (err)
		return err;
	count_vm_event(sys, write ? PSWPOUT : PSWPIN);
	count_vm_events(sys, write ? PGPGOUT : PGPGIN, PAGE_SIZE >> 10);
	return 0;
}

/* ---- Swap entries ----------------------------------------------------------------- */

void swap_dup(struct mmk_system *sys, uint64_t slot)
{
	struct swap_area *sa = sys->swap;
	slot_check(sa, slot);
	mmk_mutex_lock(&sa->lock);
	MMK_BUG_ON(sa->count[slot] == 0 || sa->count[slot] == UINT32_MAX);
	sa->count[slot]++;
	mmk_mutex_unlock(&sa->lock);
}

void swap_entry_free(struct mmk_system *sys, uint64_t slot)
{
	struct swap_area *sa = sys->swap;
	slot_check(sa, slot);
	pfn_t drop = 0;
	mmk_mutex_lock(&sa->lock);
	MMK_BUG_ON(sa->count[slot] == 0);
	sa->count[slot]--;
	pfn_t pfn = sa->cache[slot];
	if (sa->count[slot] == 0 && pfn && !page_test(pfn_to_page(&sys->pool, pfn), PG_locked)) {
		cache_del_locked(sys, sa, pfn); /* frees the slot too */
		drop = pfn;
	} else {
		slot_maybe_free_locked(sa, (uint32_t)slot);
	}
	mmk_mutex_unlock(&sa->lock);
	if (drop)
		frame_put(&sys->pool, drop);
}

uint32_t swap_count(struct mmk_system *sys, uint64_t slot)
{
	struct swap_area *sa = sys->swap;
	slot_check(sa, slot);
	mmk_mutex_lock(&sa->lock);
	uint32_t n = sa->count[slot];
	mmk_mutex_unlock(&sa->lock);
	return n;
}

bool swap_cached(struct mmk_system *sys, uint64_t slot)
{
	struct swap_area *sa = sys->swap;
	slot_check(sa, slot);
	mmk_mutex_lock(&sa->lock);
	bool c = sa->cache[slot] != 0;
	mmk_mutex_unlock(&sa->lock);
	return c;
}

/* ---- Swap-in ----------------------------------------------------------------------- */

/* swap_cache_get_folio(): the cached page of slot, pinned: 0, -ENOENT (not
 * cached), -EBUSY (reclaim is writing it out: wait). */
static int swap_cache_get(struct mmk_system *sys, uint32_t slot, pfn_t *out)
{
	struct swap_area *sa = sys->swap;
	int r = -ENOENT;
	mmk_mutex_lock(&sa->lock);
	pfn_t pfn = sa->cache[slot];
	if (pfn && page_test(pfn_to_page(&sys->pool, pfn), PG_locked)) {
		r = -EBUSY;
	} else if (pfn) {
		frame_get(&sys->pool, pfn);
		*out = pfn;
		r = 0;
	}
	mmk_mutex_unlock(&sa->lock);
	return r;
}

/*
 * The swap-in pin (Linux: swapcache_prepare() under get_swap_device()): a
 * fault holds the slot its PTE named (count + 1) before it trusts anything
 * the slot holds, so that the slot can neither be freed nor given to
 * another page until the fault is done.  false when the slot is free
 * already (the PTE that named it is gone).  The PTE is read only before the
 * hold: until it is seen unchanged after it (do_swap_page), the slot may
 * have been freed and reused by any page of any process.
 */
static bool swap_slot_hold(struct mmk_system *sys, uint32_t slot)
{
	struct swap_area *sa = sys->swap;
	mmk_mutex_lock(&sa->lock);
	bool held = sa->count[slot] != 0;
	if (held)
		sa->count[slot]++;
	mmk_mutex_unlock(&sa->lock);
	return held;
}

/* Puts the page just read from slot (held by the caller) into the cache
 * (the cache takes its own reference), unless another fault cached the
 * slot first.  Returns whether pfn was cached. */
static bool swap_cache_insert(struct mmk_system *sys, uint32_t slot, pfn_t pfn)
{
	struct swap_area *sa = sys->swap;
	bool cached = false;
	mmk_mutex_lock(&sa->lock);
	MMK_BUG_ON(sa->count[slot] == 0);
	if (!sa->cache[slot]) {
		struct page *pg = pfn_to_page(&sys->pool, pfn);
		frame_get(&sys->pool, pfn);
		pg->private = slot;
		page_set(pg, PG_swapcache);
		sa->cache[slot] = pfn;
		sa->nr_cached++;
		cached = true;
	}
	mmk_mutex_unlock(&sa->lock);
	return cached;
}

/* A swap PTE of slot, held by the caller, becomes a mapping of its cached
 * page pfn: count - 2 (the PTE and the hold); at 0 the page leaves the
 * cache (unless reclaim holds it) and the slot is free.  Returns whether
 * it left the cache (the caller drops the cache's reference).  Caller
 * holds mm->ptl. */
static bool swap_entry_mapped(struct mmk_system *sys, uint32_t slot, pfn_t pfn)
{
	struct swap_area *sa = sys->swap;
	bool left = false;
	mmk_mutex_lock(&sa->lock);
	MMK_BUG_ON(sa->count[slot] < 2 || sa->cache[slot] != pfn);
	sa->count[slot] -= 2;
	if (sa->count[slot] == 0 && !page_test(pfn_to_page(&sys->pool, pfn), PG_locked)) {
		cache_del_locked(sys, sa, pfn);
		left = true;
	}
	mmk_mutex_unlock(&sa->lock);
	return left;
}

/* Reads the held slot, which the PTE at pgoff of vma names, into a new
 * frame and caches it.  FAULT_DONE with *out pinned and cached, or with
 * *out 0 when another fault cached it first (look again); FAULT_OOM;
 * FAULT_SIGBUS (read error). */
static enum fault_result swap_read_new(struct mm *mm, struct vma *vma, uint32_t slot,
				       uint64_t pgoff, pfn_t *out)
{
	struct mmk_system *sys = mm->sys;
	pfn_t pfn;
	*out = 0;
	if (page_alloc(sys, NULL, 0, &pfn))
		return FAULT_OOM;
	if (swap_io(sys, slot, pfn, false)) {
		frame_put(&sys->pool, pfn);
		return FAULT_SIGBUS;
	}
	/* The hold and the PTE seen unchanged after it make the slot this
	 * page's: its identity (rmap) is the PTE's. */
	struct page *pg = pfn_to_page(&sys->pool, pfn);
	page_set(pg, PG_anon | PG_swapbacked | PG_uptodate);
	pg->index = pgoff;
	pg->mapping = vma->anon_vma->root; /* any process of the family may map it */
	if (!swap_cache_insert(sys, slot, pfn)) {
		frame_put(&sys->pool, pfn);
		return FAULT_DONE;
	}
	*out = pfn;
	return FAULT_DONE;
}

static bool pte_unchanged(struct mm *mm, pte_t *ptep, pte_t orig)
{
	mmk_mutex_lock(&mm->ptl);
	bool same = *ptep == orig;
	mmk_mutex_unlock(&mm->ptl);
	return same;
}

/*
 * The page of the held slot, pinned: from the swap cache (once reclaim has
 * finished writing it out), or read in (*fresh).  FAULT_DONE with *out set,
 * or with *out 0 when the PTE changed meanwhile; FAULT_OOM, FAULT_SIGBUS.
 */
static enum fault_result swap_page_get(struct mm *mm, struct vma *vma, uint32_t slot,
				       uint64_t pgoff, pte_t *ptep, pte_t orig, pfn_t *out,
				       bool *fresh)
{
	struct mmk_system *sys = mm->sys;
	*out = 0;
	for (;;) {
		int r = swap_cache_get(sys, slot, out);
		if (r == 0)
			return FAULT_DONE;
		if (r == -EBUSY) {
			if (!pte_unchanged(mm, ptep, orig))
				return FAULT_DONE;
			sched_yield();
			continue;
		}
		enum fault_result fr = swap_read_new(mm, vma, slot, pgoff, out);
		if (fr != FAULT_DONE || *out) {
			*fresh = *out != 0;
			return fr;
		}
	}
}

/*
 * do_swap_page(): the slot is held first, then the PTE is checked to still
 * name it (both as Linux's swapcache_prepare + pte_same), and only then is
 * the slot's page looked up or read; the PTE is checked once more under
 * mm->ptl before it maps the page.
 */
enum fault_result do_swap_page(struct mm *mm, struct vma *vma, uint64_t addr, uint64_t pgoff,
			       pte_t *ptep, pte_t orig, bool write, bool *major)
{
	struct mmk_system *sys = mm->sys;
	struct frame_pool *fp = &sys->pool;
	uint32_t slot = (uint32_t)pte_swp_offset(orig);
	slot_check(sys->swap, pte_swp_offset(orig));
	MMK_BUG_ON(!vma->anon_vma); /* swap entries come from anonymous pages */
	if (!swap_slot_hold(sys, slot))
		return FAULT_DONE; /* freed: the PTE changed */
	pfn_t pfn = 0;
	bool fresh = false;
	enum fault_result fr = FAULT_DONE;
	if (pte_unchanged(mm, ptep, orig))
		fr = swap_page_get(mm, vma, slot, pgoff, ptep, orig, &pfn, &fresh);
	if (!pfn) {
		swap_entry_free(sys, slot); /* the hold */
		return fr;
	}
	struct page *pg = pfn_to_page(fp, pfn);
	mmk_mutex_lock(&mm->ptl);
	if (*ptep != orig) {
		mmk_mutex_unlock(&mm->ptl);
		if (fresh)
			lru_add(sys, pfn);  /* cached but unmapped: reclaim must see it */
		swap_entry_free(sys, slot); /* the hold */
		frame_put(fp, pfn);
		return FAULT_DONE;
	}
	pgtable_clear_pte(&mm->pt, ptep);
	mm->swap_ents--;
	bool left = swap_entry_mapped(sys, slot, pfn);
	bool exclusive = left && page_mapcount(pg) == 0;
	uint64_t bits = vm_flags_pte_access(vma->flags) | PTE_ACCESSED;
	if (exclusive) {
		page_set(pg, PG_anon_exclusive | PG_dirty);
		if (write && (vma->flags & VM_WRITE))
			bits |= PTE_WRITE | PTE_DIRTY;
	} else if (left) {
		page_set(pg, PG_dirty); /* the only copy now */
	}
	pte_map_locked(mm, ptep, addr, pfn, bits); /* our pin becomes the PTE's reference */
	mmk_mutex_unlock(&mm->ptl);
	if (left)
		frame_put(fp, pfn); /* the swap cache's reference */
	if (fresh) {
		*major = true;
		TRACE(sys, .kind = MMK_EV_SWAP_IN, .pid = mm->pid, .addr = addr, .pfn = pfn,
		      .count = slot);
	}
	return FAULT_DONE;
}

/* ---- Swap-out (reclaim) ------------------------------------------------------------- */

int swap_cache_add(struct mmk_system *sys, pfn_t pfn)
{
	struct swap_area *sa = sys->swap;
	if (!sa)
		return -ENOSPC;
	struct page *pg = pfn_to_page(&sys->pool, pfn);
	MMK_BUG_ON(page_test(pg, PG_swapcache) || !page_test(pg, PG_locked));
	mmk_mutex_lock(&sa->lock);
	uint32_t slot = slot_alloc_locked(sa);
	if (slot) {
		frame_get(&sys->pool, pfn);
		pg->private = slot;
		page_set(pg, PG_swapcache | PG_dirty);
		sa->cache[slot] = pfn;
		sa->nr_cached++;
	}
	mmk_mutex_unlock(&sa->lock);
	return slot ? 0 : -ENOSPC;
}

bool swap_dup_cached(struct mmk_system *sys, uint64_t slot, pfn_t pfn)
{
	lock_assert_class_held(LOCK_PTL);
	struct swap_area *sa = sys->swap;
	mmk_mutex_lock(&sa->lock);
	bool ok = sa->cache[slot] == pfn;
	if (ok)
		sa->count[slot]++;
	mmk_mutex_unlock(&sa->lock);
	return ok;
}

int swap_writepage(struct mmk_system *sys, pfn_t pfn)
{
	struct page *pg = pfn_to_page(&sys->pool, pfn);
	MMK_BUG_ON(!page_test(pg, PG_swapcache) || !page_test(pg, PG_locked));
	int err = swap_io(sys, (uint32_t)pg->private, pfn, true);
	if (!err)
		TRACE(sys, .kind = MMK_EV_SWAP_OUT, .pfn = pfn, .count = pg->private);
	return err;
}

bool swap_cache_done(struct mmk_system *sys, pfn_t pfn)
{
	struct swap_area *sa = sys->swap;
	struct page *pg = pfn_to_page(&sys->pool, pfn);
	bool left = false, freeable = false;
	mmk_mutex_lock(&sa->lock);
	if (page_test(pg, PG_swapcache)) {
		uint32_t slot = (uint32_t)pg->private;
		bool clean = !page_test(pg, PG_dirty);
		bool idle = page_mapcount(pg) == 0 && page_refcount(pg) == 2; /* cache + pin */
		if ((clean && idle) || sa->count[slot] == 0) {
			cache_del_locked(sys, sa, pfn);
			left = true;
			freeable = idle;
			if (!idle)
				page_set(pg, PG_dirty); /* still in use: now the only copy */
		}
	}
	page_clear(pg, PG_locked);
	mmk_mutex_unlock(&sa->lock);
	if (left)
		frame_put(&sys->pool, pfn); /* the cache's reference; the caller's pin remains */
	return freeable;
}

void swap_cache_unlock(struct mmk_system *sys, pfn_t pfn)
{
	struct swap_area *sa = sys->swap;
	struct page *pg = pfn_to_page(&sys->pool, pfn);
	bool left = false;
	mmk_mutex_lock(&sa->lock);
	if (page_test(pg, PG_swapcache) && sa->count[pg->private] == 0) {
		cache_del_locked(sys, sa, pfn);
		left = true;
		page_set(pg, PG_dirty); /* the only copy now */
	}
	page_clear(pg, PG_locked);
	mmk_mutex_unlock(&sa->lock);
	if (left)
		frame_put(&sys->pool, pfn); /* the cache's reference; the caller's pin remains */
}

/* ---- shmem --------------------------------------------------------------------------- */

/* Drops one reference to slot (a shmem entry going).  Caller holds no sa->lock. */
static void slot_put(struct mmk_system *sys, uint32_t slot)
{
	struct swap_area *sa = sys->swap;
	mmk_mutex_lock(&sa->lock);
	MMK_BUG_ON(sa->count[slot] == 0);
	sa->count[slot]--;
	slot_maybe_free_locked(sa, slot);
	mmk_mutex_unlock(&sa->lock);
}

int shmem_swapout_locked(struct mmk_inode *in, uint64_t pgoff, pfn_t pfn)
{
	lock_assert_held(&in->lock);
	struct mmk_system *sys = in->sys;
	struct swap_area *sa = sys->swap;
	if (!sa)
		return -ENOSPC;
	mmk_mutex_lock(&sa->lock);
	uint32_t slot = slot_alloc_locked(sa);
	if (slot)
		sa->count[slot] = 1; /* the inode's swapped entry */
	mmk_mutex_unlock(&sa->lock);
	if (!slot)
		return -ENOSPC;
	int err = swap_io(sys, slot, pfn, true);
	if (!err)
		err = pcache_index_insert(&in->swapped, pgoff, slot);
	if (err) {
		slot_put(sys, slot);
		return err;
	}
	TRACE(sys, .kind = MMK_EV_SWAP_OUT, .pfn = pfn, .pgoff = pgoff, .count = slot);
	pagecache_delete_locked(in, pgoff, pfn);
	return 0;
}

int shmem_swapin_locked(struct mmk_inode *in, uint64_t pgoff, pfn_t *out, bool *major)
{
	lock_assert_held(&in->lock);
	struct mmk_system *sys = in->sys;
	uint32_t slot;
	if (!pcache_index_count(&in->swapped) || pcache_index_lookup(&in->swapped, pgoff, &slot))
		return -ENOENT;
	pfn_t pfn;
	int err = page_alloc(sys, in, 0, &pfn);
	if (err)
		return err;
	err = swap_io(sys, slot, pfn, false);
	if (!err) {
		page_set(pfn_to_page(&sys->pool, pfn), PG_swapbacked | PG_uptodate);
		err = pagecache_insert_locked(in, pgoff, pfn);
	}
	if (err) {
		frame_put(&sys->pool, pfn);
		return err;
	}
	pcache_index_erase(&in->swapped, pgoff, NULL);
	slot_put(sys, slot);
	*major = true;
	*out = pfn;
	return 0;
}

int shmem_swap_read_locked(struct mmk_inode *in, uint64_t pgoff, void *buf)
{
	lock_assert_held(&in->lock);
	struct mmk_system *sys = in->sys;
	uint32_t slot;
	if (!pcache_index_count(&in->swapped) || pcache_index_lookup(&in->swapped, pgoff, &slot))
		return -ENOENT;
	return swap_read_slot(sys, slot, buf);
}

void shmem_swap_free_range_locked(struct mmk_inode *in, uint64_t first, uint64_t last)
{
	lock_assert_held(&in->lock);
	uint64_t key;
	uint32_t slot;
	for (uint64_t p = first; pcache_index_count(&in->swapped) && p < last &&
				 !pcache_index_next(&in->swapped, p, &key, &slot) && key < last;
	     p = key + 1) {
		pcache_index_erase(&in->swapped, key, NULL);
		slot_put(in->sys, slot);
		if (key == UINT64_MAX)
			break;
	}
}

uint64_t shmem_swapped_locked(struct mmk_inode *in, uint64_t first, uint64_t last)
{
	lock_assert_held(&in->lock);
	uint64_t n = 0, key;
	uint32_t slot;
	for (uint64_t p = first; pcache_index_count(&in->swapped) && p < last &&
				 !pcache_index_next(&in->swapped, p, &key, &slot) && key < last;
	     p = key + 1) {
		n++;
		if (key == UINT64_MAX)
			break;
	}
	return n;
}

/* ---- Invariants ------------------------------------------------------------------------ */

/* swap_check's work on the slots; free_seen is zeroed, one byte a slot.
 * Caller holds sa->lock. */
static int swap_check_locked(struct mmk_system *sys, const uint32_t *refs, uint32_t *frame_refs,
			     uint8_t *free_seen, char *err, size_t errlen)
{
	struct swap_area *sa = sys->swap;
	lock_assert_held(&sa->lock);
	for (uint32_t i = 0; i < sa->nfree_slots; i++) {
		uint32_t s = sa->free_slots[i];
		MMK_CHECK(s && s < sa->fresh && !free_seen[s], err, errlen,
			  "swap slot %u freed twice or bad", s);
		free_seen[s] = 1;
	}
	uint64_t inuse = 0, cached = 0;
	for (uint32_t s = 1; s < sa->nslots; s++) {
		pfn_t pfn = sa->cache[s];
		MMK_CHECK(sa->count[s] == refs[s], err, errlen,
			  "swap slot %u: count %u, but %u references", s, sa->count[s], refs[s]);
		bool used = sa->count[s] || pfn;
		MMK_CHECK(!used || s < sa->fresh, err, errlen,
			  "swap slot %u in use beyond fresh %u", s, sa->fresh);
		MMK_CHECK(used != (free_seen[s] || s >= sa->fresh), err, errlen,
			  "swap slot %u: in use %d but on the free list %d", s, used, free_seen[s]);
		inuse += used;
		if (!pfn)
			continue;
		cached++;
		MMK_CHECK(pfn < sys->pool.nframes, err, errlen, "swap slot %u caches bad pfn %u", s,
			  pfn);
		struct page *pg = pfn_to_page(&sys->pool, pfn);
		uint32_t f = page_flags(pg);
		MMK_CHECK((f & (PG_swapcache | PG_anon)) == (PG_swapcache | PG_anon) &&
			      pg->private == s && page_refcount(pg) > 0,
			  err, errlen, "swap slot %u: cached frame %u has flags %#x private %llu",
			  s, pfn, f, (unsigned long long)pg->private);
		MMK_CHECK(sa->count[s] > 0, err, errlen,
			  "swap slot %u: cached frame %u but no reference", s, pfn);
		MMK_CHECK(!(f & PG_anon_exclusive), err, errlen, "swap-cache frame %u is exclusive",
			  pfn);
		frame_refs[pfn]++;
	}
	MMK_CHECK(inuse == sa->inuse, err, errlen, "swap: %llu slots in use, counted %llu",
		  (unsigned long long)sa->inuse, (unsigned long long)inuse);
	MMK_CHECK(cached == sa->nr_cached, err, errlen, "swap: %llu cached, counted %llu",
		  (unsigned long long)sa->nr_cached, (unsigned long long)cached);
	return 0;
}

int swap_check(struct mmk_system *sys, const uint32_t *refs, uint32_t *frame_refs, char *err,
	       size_t errlen)
{
	struct swap_area *sa = sys->swap;
	if (!sa)
		return 0;
	uint8_t *free_seen = calloc(sa->nslots, 1);
	if (!free_seen) {
		snprintf(err, errlen, "out of memory checking swap");
		return -ENOMEM;
	}
	mmk_mutex_lock(&sa->lock);
	int r = swap_check_locked(sys, refs, frame_refs, free_seen, err, errlen);
	mmk_mutex_unlock(&sa->lock);
	free(free_seen);
	return r;
}
