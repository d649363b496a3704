/*
 * task.c - process lifecycle: spawn, fork, exec, exit (Linux: kernel/fork.c
 * copy_process/dup_mm, fs/exec.c exec_mmap, kernel/exit.c exit_mm).
 *
 * Invariants: a live process is on sys->procs and has an mm and an fd
 * table; exit releases both, so once every process has exited no VMA holds
 * a frame and the only frames left in use belong to page caches.
 */
#include <errno.h>
#include <stdlib.h>

#include "alloc.h"
#include "internal.h"
#include "oom.h"
#include "vma.h"

static struct mmk_proc *proc_alloc(struct mmk_system *sys)
{
	struct mmk_proc *p = mmk_zalloc(sys, sizeof(*p));
	if (!p)
		return NULL;
	p->sys = sys;
	mmk_mutex_init(&p->fd_lock, LOCK_FD);
	mmk_mutex_lock(&sys->lock);
	p->pid = sys->next_pid++;
	mmk_mutex_unlock(&sys->lock);
	return p;
}

static void proc_free(struct mmk_proc *p)
{
	fdtable_destroy(p);
	mmk_mutex_destroy(&p->fd_lock);
	free(p);
}

static void proc_publish(struct mmk_proc *p)
{
	struct mmk_system *sys = p->sys;
	mmk_mutex_lock(&sys->lock);
	p->prev = NULL;
	p->next = sys->procs;
	if (sys->procs)
		sys->procs->prev = p;
	sys->procs = p;
	mmk_mutex_unlock(&sys->lock);
}

int mmk_spawn(mmk_system *sys, mmk_proc **out)
{
	if (!sys || !out)
		return -EINVAL;
	struct mmk_proc *p = proc_alloc(sys);
	if (!p)
		return -ENOMEM;
	p->mm = mm_create(sys, p->pid);
	int err = p->mm ? fdtable_init_std(p) : -ENOMEM;
	if (err) {
		if (p->mm)
			mm_destroy(p->mm);
		proc_free(p);
		return err;
	}
	proc_publish(p);
	*out = p;
	return p->pid;
}

int mmk_fork(mmk_proc *parent, mmk_proc **out)
{
	int err = proc_enter(parent);
	if (err)
		return err;
	if (!out)
		return -EINVAL;
	struct mmk_proc *c = proc_alloc(parent->sys);
	if (!c)
		return -ENOMEM;
	c->mm = mm_create(parent->sys, c->pid);
	if (!c->mm) {
		proc_free(c);
		return -ENOMEM;
	}
	err = fdtable_copy(c, parent);
	if (!err) {
		struct mm *pm = parent->mm;
		mmap_write_lock(pm);
		mmap_write_lock_nested(c->mm); /* dup_mmap's, as Linux's */
		err = mm_dup(c->mm, pm);
		mmap_write_unlock(c->mm);
		mm_debug_check(pm, "fork (parent)");
		mmap_write_unlock(pm);
	}
	if (err) {
		mm_destroy(c->mm);
		proc_free(c);
		return err;
	}
	mmap_write_lock(c->mm);
	mm_debug_check(c->mm, "fork (child)");
	mmap_write_unlock(c->mm);
	proc_publish(c);
	*out = c;
	return c->pid;
}

/*
 * exec: Linux's de_thread() first kills every other thread, then
 * exec_mmap() gives the task a new mm.  Here other host threads may be
 * inside calls on p (their simulated threads are not ours to kill), so the
 * mm is emptied in place instead: p->mm never changes, and a call that read
 * it before the exec never touches freed memory (the lock-free TLB load
 * included, which takes no lock that exec could wait for).  Calls that take
 * mmap_lock once run wholly before or after the exec; an access under way
 * stops with SIGKILL at its first page after it (access.c), as de_thread's
 * SIGKILL would have stopped that thread.  The fault counts belong to the
 * task (task_struct min_flt/maj_flt) and survive.
 */
int mmk_exec(mmk_proc *p)
{
	int err = proc_enter(p);
	if (err)
		return err;
	mm_exec_reset(p->mm);
	fdtable_close_on_exec(p);
	return 0;
}

int mmk_exit(mmk_proc *p)
{
	if (!p)
		return -EINVAL;
	struct mmk_system *sys = p->sys;
	oom_lock(sys); /* the OOM killer may be reaping p: it keeps p->mm alive */
	mmk_mutex_lock(&sys->lock);
	if (p->prev)
		p->prev->next = p->next;
	else
		sys->procs = p->next;
	if (p->next)
		p->next->prev = p->prev;
	mmk_mutex_unlock(&sys->lock);
	oom_unlock(sys);
	mm_destroy(p->mm);
	proc_free(p);
	return 0;
}
