/*
 * proc.c - what every system call first asks of its process handle
 * (proc_enter: not NULL, not killed) and the handle's getters.  The
 * process's life (spawn, fork, exec, exit) is task.c's.
 */
#include <errno.h>

#include "internal.h"

int proc_enter(struct mmk_proc *p)
{
	if (!p)
		return -EINVAL;
	if (atomic_load(&p->killed))
		return -ESRCH;
	return 0;
}

int proc_enter_buf(struct mmk_proc *p, const void *buf, uint64_t len)
{
	int err = proc_enter(p);
	if (!err && !buf && len)
		err = -EFAULT;
	return err;
}

int mmk_proc_killed(mmk_proc *p)
{
	if (!p)
		return -EINVAL;
	return atomic_load(&p->killed);
}

int mmk_getpid(mmk_proc *p)
{
	if (!p)
		return -EINVAL;
	return p->pid;
}
