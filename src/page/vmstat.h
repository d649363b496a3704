/*
 * vmstat.h - the system's memory event counters, Linux's vm_event_states
 * as /proc/vmstat prints them (pgfault, pgmajfault, pgscan_*, pgsteal_*,
 * pswpin, pswpout, pgpgin, pgpgout, oom_kill...).  Owned by vmstat.c,
 * and rendered, with the page counts of the LRU and the swap area, by
 * procfs_vmstat.c (mmk_vmstat, mmk_vmstat_text).
 *
 * Invariant: a counter only ever grows.  Counters are atomics, bumped from
 * any thread with any lock held.
 */
#ifndef MMK_VMSTAT_H
#define MMK_VMSTAT_H

#include "mm_types.h"

enum vm_event {
	PGPGIN,		/* KiB read from host files and swap (Linux counts KiB) */
	PGPGOUT,	/* KiB written to host files and swap */
	PSWPIN,		/* pages read from swap */
	PSWPOUT,	/* pages written to swap */
	PGFAULT,	/* page faults handled */
	PGMAJFAULT,	/* of which major: the page had to be read */
	PGSCAN_KSWAPD,	/* inactive pages kswapd looked at */
	PGSCAN_DIRECT,	/* inactive pages direct reclaim looked at */
	PGSTEAL_KSWAPD, /* pages kswapd reclaimed */
	PGSTEAL_DIRECT, /* pages direct reclaim reclaimed */
	PGACTIVATE,	/* pages moved to an active list */
	PGDEACTIVATE,	/* pages moved from an active list to an inactive one */
	PGREFILL,	/* active pages looked at to refill the inactive list */
	PGROTATED,	/* pages given a second chance (put back to the list head) */
	OOM_KILL,	/* processes the OOM killer killed */
	NR_VM_EVENTS
};

struct vmstat {
	atomic_uint_fast64_t ev[NR_VM_EVENTS];
};

/* count_vm_events(): adds n to counter e. */
static inline void count_vm_events(struct mmk_system *sys, enum vm_event e, uint64_t n)
{
	atomic_fetch_add_explicit(&sys->vmstat->ev[e], n, memory_order_relaxed);
}

static inline void count_vm_event(struct mmk_system *sys, enum vm_event e)
{
	count_vm_events(sys, e, 1);
}

/* Allocates sys->vmstat, all zero.  0 or -ENOMEM. */
int vmstat_init(struct mmk_system *sys);
void vmstat_destroy(struct mmk_system *sys);

#endif
