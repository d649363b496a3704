/*
 * oom.h - the OOM killer (Linux's mm/oom_kill.c): when a fault finds no
 * frame even after reclaim, the process with the largest badness (RSS +
 * swap entries + page tables, in pages, as oom_badness) is killed with
 * SIGKILL and its memory reaped at once (the oom_reaper's job): every page
 * it maps is unmapped, its anonymous pages and swap slots freed.  Its
 * handle stays valid; its calls return -ESRCH, its pending access returns
 * SIGKILL, and mmk_exit frees it as usual.  Every other process carries on.
 *
 * Locking: oom->lock is outermost (taken with no other lock held).  It
 * also guards, with sys->lock, the process list and proc->mm against exit
 * and exec (task.c takes it there), so the killer may sleep on a victim's
 * mmap_lock without the victim's mm going away.
 */
#ifndef MMK_OOM_H
#define MMK_OOM_H

#include "internal.h"

/* mm->oom_state */
#define OOM_VICTIM 1 /* chosen; its memory is being reaped */
#define OOM_REAPED 2 /* reaped: nothing of it is mapped any more */

struct oom_control {
	struct mmk_mutex lock; /* serialises kills; see above */
};

int oom_init(struct mmk_system *sys);
void oom_destroy(struct mmk_system *sys);

/* out_of_memory(): called by a fault of mm that found no frame, with no
 * lock held.  Returns 0 when the access should retry (memory came back, or
 * another process was killed), -EFAULT with *si = SIGKILL when mm's own
 * process was killed, or -ENOMEM when there is nothing to kill or the
 * frame pool's failure injection caused the failure. */
int out_of_memory(struct mm *mm, struct mmk_siginfo *si);

/* The access of a killed process: fills *si with SIGKILL, returns -EFAULT. */
int oom_killed(struct mm *mm, struct mmk_siginfo *si);

/* Exit and exec change the process list / proc->mm under these. */
void oom_lock(struct mmk_system *sys);
void oom_unlock(struct mmk_system *sys);

#endif
