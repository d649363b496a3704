/*
 * lock.h - mmkit's lock wrappers and the lock contract the debug build checks
 *          (a small lockdep: Linux's kernel/locking/lockdep.c in spirit,
 *          lockdep_assert_held(); gVisor's "Preconditions:" lines made real).
 *
 * Every lock in src/ is a struct mmk_mutex or struct mmk_rwlock and is taken
 * only through the macros below.  Each lock has a CLASS (enum lock_class),
 * given at init; a class has a RANK taken from the lock order written in
 * src/page/mm_types.h (outermost = lowest rank).
 *
 * Release builds (MMK_DEBUG unset or 0): the structs are exactly the pthread
 * type and every macro is the plain pthread call -- no overhead, nothing
 * stored, the asserts compile to nothing.
 *
 * Debug builds (MMK_DEBUG=1: the ASan and TSan builds) track owners:
 *  - each thread keeps a stack of the locks it holds (thread-local, so no
 *    state is shared between systems or threads);
 *  - a mutex and a write-held rwlock record their owning thread, a read-held
 *    rwlock counts its readers;
 *  - acquiring a lock (blocking) whose rank is not above every held lock's
 *    rank aborts, naming both locks and the call site: a wrong order, or a
 *    second lock of one class without the _nested annotation (Linux's
 *    spin_lock_nested(), for fork, where the parent's mmap_lock and ptl are
 *    held while the new child's are taken);
 *  - a trylock never violates order (it cannot deadlock) but is recorded, so
 *    locks taken under it are checked against it;
 *  - releasing a lock the thread does not hold, or releasing a read-held
 *    rwlock as written (or the reverse), aborts;
 *  - lock_assert_held(l), mmap_assert_locked(mm), mmap_assert_write_locked(mm)
 *    abort when the calling thread does not hold the lock.  Every *_locked
 *    function and every function whose comment says its caller holds a lock
 *    begins with one.
 * Every failure prints "mmkit lockdep: ..." on stderr and calls abort().
 */
#ifndef MMK_LOCK_H
#define MMK_LOCK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#if defined(MMK_DEBUG) && MMK_DEBUG
#define MMK_LOCKDEP 1
#else
#define MMK_LOCKDEP 0
#endif

/*
 * Lock classes in rank order (mm_types.h's lock order; a class must be taken
 * after every class above it).  Classes sharing a rank may never nest.
 */
enum lock_class {
	LOCK_OOM,	  /* rank 0: oom->lock, taken with no other lock held */
	LOCK_RECLAIM_RUN, /* rank 0: reclaim->run_lock, likewise */
	LOCK_MMAP,	  /* mm->mmap_lock */
	LOCK_POS,	  /* file->pos_lock (Linux's f_pos_lock); same rank as */
	LOCK_FD,	  /* proc->fd_lock: neither is taken under the other */
	LOCK_INODE,	  /* inode->lock */
	LOCK_ANON_VMA,	  /* anon_vma->root->lock */
	LOCK_PTL,	  /* mm->ptl */
	LOCK_SYS,	  /* sys->lock */
	LOCK_LRU,	  /* lru->lock */
	LOCK_SWAP,	  /* swap_area->lock */
	LOCK_FRAME,	  /* frame_pool->lock */
	LOCK_PT_ALLOC,	  /* pgtable->alloc_lock */
	LOCK_PT_POOL,	  /* pt_pool->lock, inside alloc_lock */
	LOCK_SLAB,	  /* leaves: nothing is taken under them */
	LOCK_REFS,
	LOCK_FLUSHER,
	LOCK_RECLAIM_WAKE,
	LOCK_CLASS_NR
};

struct mmk_mutex {
	pthread_mutex_t m;
#if MMK_LOCKDEP
	enum lock_class cls;
	_Atomic(const void *) owner; /* the owning thread's id, NULL if free */
#endif
};

struct mmk_rwlock {
	pthread_rwlock_t rw;
#if MMK_LOCKDEP
	enum lock_class cls;
	_Atomic(const void *) writer; /* the write owner, NULL if not write-held */
	atomic_int readers;	      /* threads holding it for reading */
#endif
};

#if MMK_LOCKDEP

/* The debug half, in lock.c.  @site is "file:line" of the caller. */
void lockdep_mutex_init(struct mmk_mutex *l, enum lock_class cls);
void lockdep_mutex_lock(struct mmk_mutex *l, bool nested, const char *site);
bool lockdep_mutex_trylock(struct mmk_mutex *l, const char *site);
void lockdep_mutex_unlock(struct mmk_mutex *l, const char *site);
int lockdep_cond_wait(pthread_cond_t *c, struct mmk_mutex *l, const struct timespec *until,
		      const char *site);
void lockdep_rwlock_init(struct mmk_rwlock *l, enum lock_class cls);
void lockdep_rwlock_lock(struct mmk_rwlock *l, bool write, bool nested, const char *site);
/* write: 1 write, 0 read, -1 whichever the thread holds. */
void lockdep_rwlock_unlock(struct mmk_rwlock *l, int write, const char *site);
/* Aborts unless this thread holds @lock (for writing if @write). */
void lockdep_assert_held(const void *lock, enum lock_class cls, bool write, const char *site);
/* Aborts unless this thread holds some lock of class @cls. */
void lockdep_assert_class_held(enum lock_class cls, const char *site);
/* How many locks this thread holds (for tests). */
int lockdep_depth(void);
const char *lock_class_name(enum lock_class cls);

#define LOCK_STR2(x) #x
#define LOCK_STR(x)  LOCK_STR2(x)
#define LOCK_SITE    __FILE__ ":" LOCK_STR(__LINE__)

#define mmk_mutex_init(l, cls)	    lockdep_mutex_init((l), (cls))
#define mmk_mutex_lock(l)	    lockdep_mutex_lock((l), false, LOCK_SITE)
#define mmk_mutex_lock_nested(l)    lockdep_mutex_lock((l), true, LOCK_SITE)
#define mmk_mutex_trylock(l)	    lockdep_mutex_trylock((l), LOCK_SITE)
#define mmk_mutex_unlock(l)	    lockdep_mutex_unlock((l), LOCK_SITE)
#define mmk_cond_wait(c, l)	    ((void)lockdep_cond_wait((c), (l), NULL, LOCK_SITE))
#define mmk_cond_timedwait(c, l, t) lockdep_cond_wait((c), (l), (t), LOCK_SITE)
#define mmk_rwlock_init(l, cls)	    lockdep_rwlock_init((l), (cls))
#define mmk_rwlock_rdlock(l)	    lockdep_rwlock_lock((l), false, false, LOCK_SITE)
#define mmk_rwlock_wrlock(l)	    lockdep_rwlock_lock((l), true, false, LOCK_SITE)
#define mmk_rwlock_wrlock_nested(l) lockdep_rwlock_lock((l), true, true, LOCK_SITE)
#define mmk_rwlock_rdunlock(l)	    lockdep_rwlock_unlock((l), 0, LOCK_SITE)
#define mmk_rwlock_wrunlock(l)	    lockdep_rwlock_unlock((l), 1, LOCK_SITE)
#define mmk_rwlock_unlock(l)	    lockdep_rwlock_unlock((l), -1, LOCK_SITE)
/* The calling thread holds mutex or rwlock @l (an rwlock in either mode). */
#define lock_assert_held(l) lockdep_assert_held((l), (l)->cls, false, LOCK_SITE)
/* The calling thread holds rwlock @l for writing. */
#define lock_assert_write_held(l) lockdep_assert_held((l), (l)->cls, true, LOCK_SITE)
/* The calling thread holds some lock of class @cls (where the caller's lock
 * cannot be named from the arguments: "caller holds the inode lock"). */
#define lock_assert_class_held(cls) lockdep_assert_class_held((cls), LOCK_SITE)

#else /* !MMK_LOCKDEP: the plain pthread calls */

#define mmk_mutex_init(l, cls)	    ((void)(cls), (void)pthread_mutex_init(&(l)->m, NULL))
#define mmk_mutex_lock(l)	    ((void)pthread_mutex_lock(&(l)->m))
#define mmk_mutex_lock_nested(l)    ((void)pthread_mutex_lock(&(l)->m))
#define mmk_mutex_trylock(l)	    (pthread_mutex_trylock(&(l)->m) == 0)
#define mmk_mutex_unlock(l)	    ((void)pthread_mutex_unlock(&(l)->m))
#define mmk_cond_wait(c, l)	    ((void)pthread_cond_wait((c), &(l)->m))
#define mmk_cond_timedwait(c, l, t) pthread_cond_timedwait((c), &(l)->m, (t))
#define mmk_rwlock_init(l, cls)	    ((void)(cls), (void)pthread_rwlock_init(&(l)->rw, NULL))
#define mmk_rwlock_rdlock(l)	    ((void)pthread_rwlock_rdlock(&(l)->rw))
#define mmk_rwlock_wrlock(l)	    ((void)pthread_rwlock_wrlock(&(l)->rw))
#define mmk_rwlock_wrlock_nested(l) ((void)pthread_rwlock_wrlock(&(l)->rw))
#define mmk_rwlock_rdunlock(l)	    ((void)pthread_rwlock_unlock(&(l)->rw))
#define mmk_rwlock_wrunlock(l)	    ((void)pthread_rwlock_unlock(&(l)->rw))
#define mmk_rwlock_unlock(l)	    ((void)pthread_rwlock_unlock(&(l)->rw))
#define lock_assert_held(l)	    ((void)0)
#define lock_assert_write_held(l)   ((void)0)
#define lock_assert_class_held(cls) ((void)0)

#endif /* MMK_LOCKDEP */

#define mmk_mutex_destroy(l)  ((void)pthread_mutex_destroy(&(l)->m))
#define mmk_rwlock_destroy(l) ((void)pthread_rwlock_destroy(&(l)->rw))

#endif
