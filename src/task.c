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

#include "internal.h"
#include "oom.h"
#include "vma.h"

static struct mmk_proc *proc_alloc(struct mmk_system *sys)
{
	struct mmk_proc *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->sys = sys;
	pthread_mutex_init(&p->fd_lock, NULL);
	pthread_mutex_lock(&sys->lock);
	p->pid = sys->next_pid++;
	pthread_mutex_unlock(&sys->lock);
	return p;
}

static void proc_free(struct mmk_proc *p)
{
	fdtable_destroy(p);
	pthread_mutex_destroy(&p->fd_lock);
	free(p);
}

static void proc_publish(struct mmk_proc *p)
{
	struct mmk_system *sys = p->sys;
	pthread_mutex_lock(&sys->lock);
	p->prev = NULL;
	p->next = sys->procs;
	if (sys->procs)
		sys->procs->prev = p;
	sys->procs = p;
	pthread_mutex_unlock(&sys->lock);
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
		err = mm_dup(c->mm, pm);
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

int mmk_exec(mmk_proc *p)
{
	int err = proc_enter(p);
	if (err)
		return err;
	struct mm *nm = mm_create(p->sys, p->pid);
	if (!nm)
		return -ENOMEM;
	/* The OOM killer may be looking at p->mm: swap it under its lock. */
	oom_lock(p->sys);
	struct mm *old = p->mm;
	/* Fault counts belong to the task (task_struct min_flt/maj_flt), not
	 * to the address space: they survive exec. */
	nm->min_flt = old->min_flt;
	nm->maj_flt = old->maj_flt;
	p->mm = nm;
	oom_unlock(p->sys);
	mm_destroy(old);
	fdtable_close_on_exec(p);
	return 0;
}

int mmk_exit(mmk_proc *p)
{
	if (!p)
		return -EINVAL;
	struct mmk_system *sys = p->sys;
	oom_lock(sys); /* the OOM killer may be reaping p: it keeps p->mm alive */
	pthread_mutex_lock(&sys->lock);
	if (p->prev)
		p->prev->next = p->next;
	else
		sys->procs = p->next;
	if (p->next)
		p->next->prev = p->prev;
	pthread_mutex_unlock(&sys->lock);
	oom_unlock(sys);
	mm_destroy(p->mm);
	proc_free(p);
	return 0;
}
