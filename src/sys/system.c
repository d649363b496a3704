/*
 * system.c - the simulated machine: creation with Linux's default settings,
 * destruction (every process killed, every dirty page written back, every
 * frame returned), the process list, the system-wide invariant check and
 * errno names.
 *
 * Invariants: sys->procs lists exactly the live processes; after
 * mmk_system_destroy has killed them and released every inode, every frame
 * but the zero page is free and Committed_AS is zero (checked in debug
 * builds), and every swap slot is free (reclaim_destroy checks).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commit.h"
#include "internal.h"
#include "lru.h"
#include "oom.h"
#include "reclaim.h"
#include "refs.h"
#include "swap.h"
#include "vmstat.h"

/*
 * The subsystems of a machine, built in layer order on the frame pool
 * (docs/ARCHITECTURE.md, "Layers") and destroyed in reverse: a later one
 * may use the earlier ones from its init to its destroy.  Each init
 * returns 0 or -errno; each destroy frees what its init built, also after
 * a failed or no init.
 */
static const struct subsystem {
	int (*init)(struct mmk_system *sys);
	void (*destroy)(struct mmk_system *sys);
} subsystems[] = {
    {vmstat_init, vmstat_destroy},   /* event counters */
    {lru_init, lru_destroy},	     /* LRU lists (the frame pool's release hook) */
    {oom_init, oom_destroy},	     /* the OOM killer */
    {swap_init, swap_destroy},	     /* the swap area and swap cache */
    {refs_init, refs_destroy},	     /* the reference string (OPT replays it: reclaim_init) */
    {reclaim_init, reclaim_destroy}, /* the policy, kswapd, the slow-path hook */
};
#define NR_SUBSYSTEMS ((int)(sizeof(subsystems) / sizeof(subsystems[0])))

static void subsystems_destroy(struct mmk_system *sys, int n)
{
	while (n-- > 0)
		subsystems[n].destroy(sys);
}

static int subsystems_init(struct mmk_system *sys)
{
	for (int i = 0; i < NR_SUBSYSTEMS; i++) {
		int err = subsystems[i].init(sys);
		if (err) {
			subsystems_destroy(sys, i + 1);
			return err;
		}
	}
	return 0;
}

/* Empty page-table slabs the system keeps for the next address space: one
 * slab's 511 tables map about 1 GiB, so enough to map all of RAM twice (a
 * fork's parent and child) plus a few for upper levels and PGDs. */
static uint32_t pt_pool_max_free(uint64_t ram_bytes)
{
	return (uint32_t)(2 * ((ram_bytes >> 30) + 1) + 4);
}

static void config_defaults(struct mmk_config *c)
{
	if (!c->ram_bytes)
		c->ram_bytes = 256ULL << 20;
	if (!c->max_map_count)
		c->max_map_count = 65530;
	if (!c->mmap_min_addr)
		c->mmap_min_addr = 4096;
	if (!c->stack_guard_gap)
		c->stack_guard_gap = 256 * PAGE_SIZE;
	if (!c->stack_rlimit)
		c->stack_rlimit = 8ULL << 20;
	if (!c->memlock_rlimit)
		c->memlock_rlimit = 8ULL << 20;
	if (!c->as_rlimit)
		c->as_rlimit = UINT64_MAX;
	if (!c->data_rlimit)
		c->data_rlimit = UINT64_MAX;
}

int mmk_system_create(const struct mmk_config *cfg, mmk_system **out)
{
	if (!cfg || !cfg->root || !out)
		return -EINVAL;
	if (cfg->opt_nrefs && !cfg->opt_refs)
		return -EFAULT;
	struct mmk_system *sys = calloc(1, sizeof(*sys));
	if (!sys)
		return -ENOMEM;
	sys->cfg = *cfg;
	sys->cfg.root = NULL;
	config_defaults(&sys->cfg);
	sys->arch = arch_profile_get(sys->cfg.arch);
	if (!sys->arch) {
		free(sys);
		return -EINVAL;
	}
	if (commit_config_defaults(&sys->cfg) < 0) {
		free(sys);
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(sys->cfg.mmap_min_addr) || !PAGE_ALIGNED(sys->cfg.stack_guard_gap) ||
	    !PAGE_ALIGNED(sys->cfg.lsm_mmap_min_addr) || sys->cfg.fs_model < MMK_FS_HOST ||
	    sys->cfg.fs_model > MMK_FS_OTHER) {
		free(sys);
		return -EINVAL;
	}
	int err;
	sys->rootfd = open(cfg->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sys->rootfd < 0) {
		err = -errno;
		free(sys);
		return err;
	}
	sys->rootpath = realpath(cfg->root, NULL);
	if (!sys->rootpath) {
		err = -errno;
		goto fail_root;
	}
	failinj_arm(&sys->failinj, -1, false);
	err = frame_pool_init(&sys->pool, sys->cfg.ram_bytes);
	if (err)
		goto fail_path;
	sys->pool.inj = &sys->failinj;
	err = subsystems_init(sys);
	if (err) {
		frame_pool_destroy(&sys->pool);
		goto fail_path;
	}
	mmk_mutex_init(&sys->lock, LOCK_SYS);
	pt_pool_init(&sys->pt_pool, pt_pool_max_free(sys->cfg.ram_bytes));
	sys->pt_pool.inj = &sys->failinj;
	slab_init(&sys->vma_slab, sizeof(struct vma));
	sys->vma_slab.inj = &sys->failinj;
	sys->next_pid = 1;
	sys->next_shmem_ino = 1;
	sys->null_inode = inode_new_internal(sys, INODE_NULL, 0);
	if (!sys->null_inode) {
		err = -ENOMEM;
		goto fail_pool;
	}
	err = flusher_start(sys);
	if (err)
		goto fail_null;
	*out = sys;
	return 0;
fail_null:
	inode_put(sys->null_inode);
fail_pool:
	slab_destroy(&sys->vma_slab);
	pt_pool_destroy(&sys->pt_pool);
	mmk_mutex_destroy(&sys->lock);
	subsystems_destroy(sys, NR_SUBSYSTEMS);
	frame_pool_destroy(&sys->pool);
fail_path:
	free(sys->rootpath);
fail_root:
	close(sys->rootfd);
	free(sys);
	return err;
}

int mmk_system_destroy(mmk_system *sys)
{
	if (!sys)
		return 0;     /* as free(NULL) */
	reclaim_quiesce(sys); /* kswapd stops before anything goes */
	for (;;) {
		mmk_mutex_lock(&sys->lock);
		struct mmk_proc *p = sys->procs;
		mmk_mutex_unlock(&sys->lock);
		if (!p)
			break;
		mmk_exit(p);
	}
	flusher_stop(sys);
	/* Inodes still in the table are held only by it now: their dirty
	 * pages go to the host files and they are freed. */
	int err = inode_table_destroy(sys);
	inode_put(sys->null_inode);
#ifdef MMK_DEBUG
	if (frame_pool_free_count(&sys->pool) != sys->pool.nframes - 1)
		MMK_BUG("frame leak at destroy: %u of %u frames free",
			frame_pool_free_count(&sys->pool), sys->pool.nframes - 1);
#endif
	if (sys->vma_slab.inuse)
		MMK_BUG("%lu VMAs leaked at destroy", (unsigned long)sys->vma_slab.inuse);
#ifdef MMK_DEBUG
	if (atomic_load(&sys->committed_as))
		MMK_BUG("Committed_AS %lu pages at destroy, with no mapping left",
			(unsigned long)atomic_load(&sys->committed_as));
#endif
	slab_destroy(&sys->vma_slab);
	pt_pool_destroy(&sys->pt_pool);		/* aborts if an mm's page tables leaked */
	subsystems_destroy(sys, NR_SUBSYSTEMS); /* every swap slot must be free */
	frame_pool_destroy(&sys->pool);
	mmk_mutex_destroy(&sys->lock);
	close(sys->rootfd);
	free(sys->rootpath);
	free(sys->vdso_image);
	free(sys);
	return err;
}

void mmk_system_set_trace(mmk_system *sys, mmk_trace_fn fn, void *arg)
{
	if (!sys)
		return;
	sys->trace_arg = arg;
	sys->trace = fn;
}

void mmk_system_fail_after(mmk_system *sys, int64_t n, int persist)
{
	if (sys)
		failinj_arm(&sys->failinj, n, persist);
}

uint64_t mmk_system_failures(mmk_system *sys)
{
	return sys ? atomic_load(&sys->failinj.hits) : 0;
}

uint64_t mmk_frames_total(mmk_system *sys)
{
	if (!sys)
		return 0;
	return sys->pool.nframes;
}

uint64_t mmk_frames_free(mmk_system *sys)
{
	if (!sys)
		return 0;
	return frame_pool_free_count(&sys->pool);
}

/* mmk_system_check's work, with kswapd paused. */
static int system_check_paused(struct mmk_system *sys, char *buf, size_t len)
{
	mmk_mutex_lock(&sys->lock);
	/* Snapshot the pids under the lock, then check each mm unlocked from
	 * sys->lock (mmap_lock comes before sys->lock in the lock order). */
	for (struct mmk_proc *p = sys->procs; p; p = p->next) {
		struct mm *mm = p->mm;
		mmk_mutex_unlock(&sys->lock);
		mmk_rwlock_rdlock(&mm->mmap_lock);
		int err = mm_check(mm, buf, len);
		if (!err)
			err = mm_check_pages(mm, buf, len);
		mmk_rwlock_unlock(&mm->mmap_lock);
		if (err)
			return -EUCLEAN;
		mmk_mutex_lock(&sys->lock);
	}
	mmk_mutex_unlock(&sys->lock);
	if (frame_pool_check(&sys->pool, buf, len))
		return -EUCLEAN;
	if (sys_check_frames(sys, buf, len))
		return -EUCLEAN;
	return 0;
}

int mmk_system_check(mmk_system *sys, char *buf, size_t len)
{
	char dummy[8];
	if (!sys)
		return -EINVAL;
	if (!buf && len)
		return -EFAULT;
	if (!len) {
		buf = dummy;
		len = sizeof(dummy);
	}
	buf[0] = 0;
	reclaim_pause(sys);
	int ret = system_check_paused(sys, buf, len);
	reclaim_resume(sys);
	return ret;
}

/* ---- errno names ----------------------------------------------------------- */
static const struct {
	int err;
	const char *name;
} errno_names[] = {
    {EPERM, "EPERM"},
    {ENOENT, "ENOENT"},
    {ESRCH, "ESRCH"},
    {EINTR, "EINTR"},
    {EIO, "EIO"},
    {ENXIO, "ENXIO"},
    {E2BIG, "E2BIG"},
    {EBADF, "EBADF"},
    {EAGAIN, "EAGAIN"},
    {ENOMEM, "ENOMEM"},
    {EACCES, "EACCES"},
    {EFAULT, "EFAULT"},
    {EBUSY, "EBUSY"},
    {EEXIST, "EEXIST"},
    {EXDEV, "EXDEV"},
    {ENODEV, "ENODEV"},
    {ENOTDIR, "ENOTDIR"},
    {EISDIR, "EISDIR"},
    {EINVAL, "EINVAL"},
    {ENFILE, "ENFILE"},
    {EMFILE, "EMFILE"},
    {ETXTBSY, "ETXTBSY"},
    {EFBIG, "EFBIG"},
    {ENOSPC, "ENOSPC"},
    {ESPIPE, "ESPIPE"},
    {EROFS, "EROFS"},
    {ERANGE, "ERANGE"},
    {ENAMETOOLONG, "ENAMETOOLONG"},
    {ENOSYS, "ENOSYS"},
    {ENOTEMPTY, "ENOTEMPTY"},
    {ELOOP, "ELOOP"},
    {EOVERFLOW, "EOVERFLOW"},
    {EOPNOTSUPP, "EOPNOTSUPP"},
    {EUCLEAN, "EUCLEAN"},
    {EHWPOISON, "EHWPOISON"},
    {ENOEXEC, "ENOEXEC"},
    {ELIBBAD, "ELIBBAD"},
    /* Not answers of mmkit's calls, but of the tool's Linux backend
     * (docs/CHECK.md): a reply too large, a lost or broken server. */
    {EMSGSIZE, "EMSGSIZE"},
    {EPIPE, "EPIPE"},
    {EPROTO, "EPROTO"},
};

const char *mmk_errno_name(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return NULL;
}
