/*
 * oom.c - the OOM killer (see oom.h), mirroring mm/oom_kill.c:
 * out_of_memory -> select_bad_process (oom_badness: rss + swap entries +
 * page-table pages) -> oom_kill_process (SIGKILL, the kernel-log report)
 * -> the oom_reaper's __oom_reap_task_mm, done here at once: the victim's
 * mmap_lock is taken for writing and every page of every VMA is unmapped
 * (anonymous pages and swap slots freed, file pages left to the page
 * cache), while the VMAs stay until the process exits.
 *
 * Invariants: a killed process has proc->killed == MMK_SIGKILL and its mm
 * OOM_REAPED once the kill returns; nothing is mapped in a reaped mm, and
 * faults on it return SIGKILL without mapping anything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"
#include "oom.h"
#include "vmstat.h"

int oom_init(struct mmk_system *sys)
{
	struct oom_control *oc = calloc(1, sizeof(*oc));
	if (!oc)
		return -ENOMEM;
	mmk_mutex_init(&oc->lock, LOCK_OOM);
	sys->oom = oc;
	return 0;
}

void oom_destroy(struct mmk_system *sys)
{
	if (!sys->oom)
		return;
	mmk_mutex_destroy(&sys->oom->lock);
	free(sys->oom);
	sys->oom = NULL;
}

void oom_lock(struct mmk_system *sys)
{
	mmk_mutex_lock(&sys->oom->lock);
}

void oom_unlock(struct mmk_system *sys)
{
	mmk_mutex_unlock(&sys->oom->lock);
}

int oom_killed(struct mm *mm, struct mmk_siginfo *si)
{
	si->signo = MMK_SIGKILL;
	si->code = 0;
	si->addr = 0;
	TRACE(mm->sys, .kind = MMK_EV_SIGNAL, .pid = mm->pid, .detail = "SIGKILL");
	return -EFAULT;
}

/* What a candidate holds, in pages (the report's figures). */
struct oom_candidate {
	struct mmk_proc *p;
	uint64_t anon, file, shmem, swap, pgtables, points;
};

/* oom_badness(): pages the process would give back. */
static void oom_badness(struct oom_candidate *c)
{
	struct mm *mm = c->p->mm;
	mmk_mutex_lock(&mm->ptl);
	c->anon = mm->rss_anon;
	c->file = mm->rss_file;
	c->shmem = mm->rss_shmem;
	c->swap = mm->swap_ents;
	c->pgtables = pgtable_bytes(&mm->pt) >> PAGE_SHIFT;
	mmk_mutex_unlock(&mm->ptl);
	c->points = c->anon + c->file + c->shmem + c->swap + c->pgtables;
}

/*
 * select_bad_process(): the live, not yet killed process with the most
 * points (the first created wins a tie, as the oldest task on Linux's
 * list).  Caller holds oom->lock, which keeps every listed process and its
 * mm alive.  false when there is none with any memory.
 */
static bool select_bad_process(struct mmk_system *sys, struct oom_candidate *best)
{
	lock_assert_held(&sys->oom->lock);
	size_t n = 0;
	mmk_mutex_lock(&sys->lock);
	for (struct mmk_proc *p = sys->procs; p; p = p->next)
		n++;
	struct mmk_proc **v = n ? mmk_malloc(sys, n * sizeof(*v)) : NULL;
	n = 0;
	for (struct mmk_proc *p = sys->procs; p && v; p = p->next)
		if (!atomic_load(&p->killed))
			v[n++] = p;
	mmk_mutex_unlock(&sys->lock);
	bool found = false;
	for (size_t i = 0; i < n; i++) {
		struct oom_candidate c = {.p = v[i]};
		oom_badness(&c);
		if (c.points && (!found || c.points > best->points ||
				 (c.points == best->points && c.p->pid < best->p->pid))) {
			*best = c;
			found = true;
		}
	}
	free(v);
	return found;
}

/* __oom_reap_task_mm(): unmaps everything the victim maps. */
static void oom_reap(struct mm *mm)
{
	mmk_rwlock_wrlock(&mm->mmap_lock);
	for (struct vma *v = node_vma(vma_tree_first(&mm->vmas)); v; v = vma_next(v))
		if (!v->reserved)
			mm_zap_range(mm, v, vma_start(v), vma_end(v), NULL);
	atomic_store(&mm->oom_state, OOM_REAPED);
	mmk_rwlock_unlock(&mm->mmap_lock);
}

/* oom_kill_process(): kill, report, reap.  Caller holds oom->lock. */
static void oom_kill_process(struct mmk_system *sys, struct oom_candidate *c)
{
	lock_assert_held(&sys->oom->lock);
	struct mm *mm = c->p->mm;
	atomic_store(&c->p->killed, MMK_SIGKILL);
	atomic_store(&mm->oom_state, OOM_VICTIM);
	count_vm_event(sys, OOM_KILL);
	char report[256];
	const unsigned k = PAGE_SHIFT - 10;
	snprintf(report, sizeof(report),
		 "Out of memory: Killed process %d anon-rss:%llukB, file-rss:%llukB, "
		 "shmem-rss:%llukB, swap:%llukB, pgtables:%llukB",
		 c->p->pid, (unsigned long long)c->anon << k, (unsigned long long)c->file << k,
		 (unsigned long long)c->shmem << k, (unsigned long long)c->swap << k,
		 (unsigned long long)c->pgtables << k);
	TRACE(sys, .kind = MMK_EV_OOM_KILL, .pid = c->p->pid, .count = c->points, .detail = report);
	oom_reap(mm);
}

int out_of_memory(struct mm *mm, struct mmk_siginfo *si)
{
	struct mmk_system *sys = mm->sys;
	if (frame_pool_injecting(&sys->pool) || failinj_active(&sys->failinj))
		return -ENOMEM; /* a test's injected failure, not a shortage */
	if (atomic_load(&mm->oom_state))
		return oom_killed(mm, si);
	oom_lock(sys);
	int ret = 0;
	if (atomic_load(&mm->oom_state)) {
		ret = oom_killed(mm, si);
	} else if (frame_pool_free_count(&sys->pool) == 0) {
		/* Nothing came free since the fault gave up: kill. */
		struct oom_candidate c = {0};
		if (!select_bad_process(sys, &c))
			ret = -ENOMEM;
		else {
			oom_kill_process(sys, &c);
			if (c.p->mm == mm)
				ret = oom_killed(mm, si);
		}
	}
	oom_unlock(sys);
	return ret;
}
