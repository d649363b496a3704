/*
 * lock.c - the debug half of lock.h: per-thread held-lock stacks, the rank
 * check on every blocking acquisition, and held-lock assertions.  Compiled
 * to nothing in release builds.  See lock.h for the rules.
 *
 * Owns: nothing shared.  Each thread's held stack is thread-local; a lock's
 * owner/readers fields are atomics written only by the thread that holds it.
 */
#include "lock.h"

#if MMK_LOCKDEP

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "bug.h"

/* The lock order of mm_types.h as ranks: a lock may be taken (blocking) only
 * while every held lock has a lower rank. */
static const struct {
	const char *name;
	int rank;
} classes[LOCK_CLASS_NR] = {
    [LOCK_OOM] = {"oom->lock", 0},
    [LOCK_RECLAIM_RUN] = {"reclaim->run_lock", 0},
    [LOCK_MMAP] = {"mm->mmap_lock", 1},
    [LOCK_POS] = {"file->pos_lock", 2},
    [LOCK_FD] = {"proc->fd_lock", 2},
    [LOCK_INODE] = {"inode->lock", 3},
    [LOCK_ANON_VMA] = {"anon_vma root lock", 4},
    [LOCK_PTL] = {"mm->ptl", 5},
    [LOCK_SYS] = {"sys->lock", 6},
    [LOCK_LRU] = {"lru->lock", 7},
    [LOCK_SWAP] = {"swap->lock", 8},
    [LOCK_FRAME] = {"frame_pool->lock", 9},
    [LOCK_PT_ALLOC] = {"pgtable->alloc_lock", 10},
    [LOCK_PT_POOL] = {"pt_pool->lock", 11},
    [LOCK_SLAB] = {"slab->lock", 12},
    [LOCK_REFS] = {"refs->lock", 12},
    [LOCK_FLUSHER] = {"flusher->lock", 12},
    [LOCK_RECLAIM_WAKE] = {"reclaim->lock", 12},
};

enum held_mode { HELD_EXCL, HELD_READ, HELD_WRITE };

struct held_lock {
	const void *lock;
	enum lock_class cls;
	enum held_mode mode;
	const char *site; /* where it was taken */
};

#define MAX_HELD 48
static _Thread_local struct held_lock held[MAX_HELD];
static _Thread_local int nheld;
static _Thread_local char self_id; /* its address names the thread */
#define SELF ((const void *)&self_id)

const char *lock_class_name(enum lock_class cls)
{
	return (unsigned)cls < LOCK_CLASS_NR ? classes[cls].name : "?";
}

int lockdep_depth(void)
{
	return nheld;
}

/* Prints the complaint and what this thread holds, then stops (MMK_BUG). */
static _Noreturn void lockdep_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("mmkit lockdep: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n  held by this thread (%d):\n", nheld);
	for (int i = 0; i < nheld; i++)
		fprintf(stderr, "    %s %p%s taken at %s\n", lock_class_name(held[i].cls),
			held[i].lock, held[i].mode == HELD_READ ? " (read)" : "", held[i].site);
	MMK_BUG("lockdep: the lock contract above is broken");
}

static int held_find(const void *lock)
{
	for (int i = nheld - 1; i >= 0; i--)
		if (held[i].lock == lock)
			return i;
	return -1;
}

/* Aborts if blocking on @lock of class @cls now could deadlock: the thread
 * holds it already, or holds a lock of the same or a later rank (a same-class
 * lock is allowed once when @nested). */
static void check_order(const void *lock, enum lock_class cls, bool nested, const char *site)
{
	int i = held_find(lock);
	if (i >= 0)
		lockdep_fail("%s: acquiring %s %p, already held (taken at %s)", site,
			     lock_class_name(cls), lock, held[i].site);
	for (i = 0; i < nheld; i++) {
		int hr = classes[held[i].cls].rank, r = classes[cls].rank;
		if (hr < r || (nested && held[i].cls == cls))
			continue;
		lockdep_fail(
		    "%s: lock order violation: acquiring %s while holding %s (taken at %s)", site,
		    lock_class_name(cls), lock_class_name(held[i].cls), held[i].site);
	}
}

static void held_push(const void *lock, enum lock_class cls, enum held_mode mode, const char *site)
{
	if (nheld == MAX_HELD)
		lockdep_fail("%s: more than %d locks held", site, MAX_HELD);
	held[nheld++] = (struct held_lock){lock, cls, mode, site};
}

/* Removes @lock from the held stack; aborts unless held in @mode (-1: any). */
static enum held_mode held_pop(const void *lock, enum lock_class cls, int mode, const char *site)
{
	int i = held_find(lock);
	if (i < 0)
		lockdep_fail("%s: releasing %s %p, not held by this thread", site,
			     lock_class_name(cls), lock);
	enum held_mode m = held[i].mode;
	if (mode >= 0 && (int)m != mode)
		lockdep_fail("%s: releasing %s held for %s (taken at %s) as if held for %s", site,
			     lock_class_name(cls), m == HELD_READ ? "reading" : "writing",
			     held[i].site, mode == HELD_READ ? "reading" : "writing");
	for (; i + 1 < nheld; i++)
		held[i] = held[i + 1];
	nheld--;
	return m;
}

void lockdep_mutex_init(struct mmk_mutex *l, enum lock_class cls)
{
	pthread_mutex_init(&l->m, NULL);
	l->cls = cls;
	atomic_init(&l->owner, NULL);
}

void lockdep_mutex_lock(struct mmk_mutex *l, bool nested, const char *site)
{
	check_order(l, l->cls, nested, site);
	pthread_mutex_lock(&l->m);
	atomic_store(&l->owner, SELF);
	held_push(l, l->cls, HELD_EXCL, site);
}

bool lockdep_mutex_trylock(struct mmk_mutex *l, const char *site)
{
	if (held_find(l) >= 0)
		lockdep_fail("%s: trylocking %s %p, already held", site, lock_class_name(l->cls),
			     (void *)l);
	if (pthread_mutex_trylock(&l->m))
		return false;
	atomic_store(&l->owner, SELF);
	held_push(l, l->cls, HELD_EXCL, site);
	return true;
}

void lockdep_mutex_unlock(struct mmk_mutex *l, const char *site)
{
	held_pop(l, l->cls, HELD_EXCL, site);
	if (atomic_load(&l->owner) != SELF)
		lockdep_fail("%s: %s %p is owned by another thread", site, lock_class_name(l->cls),
			     (void *)l);
	atomic_store(&l->owner, NULL);
	pthread_mutex_unlock(&l->m);
}

int lockdep_cond_wait(pthread_cond_t *c, struct mmk_mutex *l, const struct timespec *until,
		      const char *site)
{
	held_pop(l, l->cls, HELD_EXCL, site);
	atomic_store(&l->owner, NULL);
	int r = until ? pthread_cond_timedwait(c, &l->m, until) : pthread_cond_wait(c, &l->m);
	atomic_store(&l->owner, SELF);
	held_push(l, l->cls, HELD_EXCL, site);
	return r;
}

void lockdep_rwlock_init(struct mmk_rwlock *l, enum lock_class cls)
{
	pthread_rwlock_init(&l->rw, NULL);
	l->cls = cls;
	atomic_init(&l->writer, NULL);
	atomic_init(&l->readers, 0);
}

void lockdep_rwlock_lock(struct mmk_rwlock *l, bool write, bool nested, const char *site)
{
	check_order(l, l->cls, nested, site);
	if (write) {
		pthread_rwlock_wrlock(&l->rw);
		atomic_store(&l->writer, SELF);
	} else {
		pthread_rwlock_rdlock(&l->rw);
		atomic_fetch_add(&l->readers, 1);
	}
	held_push(l, l->cls, write ? HELD_WRITE : HELD_READ, site);
}

void lockdep_rwlock_unlock(struct mmk_rwlock *l, int write, const char *site)
{
	int mode = write < 0 ? -1 : write ? HELD_WRITE : HELD_READ;
	if (held_pop(l, l->cls, mode, site) == HELD_WRITE) {
		if (atomic_load(&l->writer) != SELF)
			lockdep_fail("%s: %s %p is write-held by another thread", site,
				     lock_class_name(l->cls), (void *)l);
		atomic_store(&l->writer, NULL);
	} else {
		atomic_fetch_sub(&l->readers, 1);
	}
	pthread_rwlock_unlock(&l->rw);
}

void lockdep_assert_held(const void *lock, enum lock_class cls, bool write, const char *site)
{
	int i = held_find(lock);
	if (i < 0)
		lockdep_fail("%s: %s %p must be held here and is not", site, lock_class_name(cls),
			     lock);
	if (write && held[i].mode != HELD_WRITE)
		lockdep_fail(
		    "%s: %s must be held for writing here; it is held for reading (taken at %s)",
		    site, lock_class_name(held[i].cls), held[i].site);
}

void lockdep_assert_class_held(enum lock_class cls, const char *site)
{
	for (int i = 0; i < nheld; i++)
		if (held[i].cls == cls)
			return;
	lockdep_fail("%s: some %s must be held here and none is", site, lock_class_name(cls));
}

#else
typedef int lock_c_is_empty_in_release_builds;
#endif
