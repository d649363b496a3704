/*
 * procfs_vmstat.c - the /proc/vmstat view: mmk_vmstat fills struct
 * mmk_vmstat from the event counters (vmstat.c), the LRU list sizes, the
 * free frames, the dirty count and the swap area; the text form prints
 * Linux's names in Linux's order (mm/vmstat.c vmstat_text).
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"
#include "lru.h"
#include "swap.h"
#include "vmstat.h"

static uint64_t ev(struct mmk_system *sys, enum vm_event e)
{
	return atomic_load_explicit(&sys->vmstat->ev[e], memory_order_relaxed);
}

int mmk_vmstat(mmk_system *sys, struct mmk_vmstat *out)
{
	if (!sys || !out)
		return -EINVAL;
	struct lruvec *l = sys->lru;
	mmk_mutex_lock(&l->lock);
	out->nr_inactive_anon = l->lists[LRU_INACTIVE_ANON].nr;
	out->nr_active_anon = l->lists[LRU_ACTIVE_ANON].nr;
	out->nr_inactive_file = l->lists[LRU_INACTIVE_FILE].nr;
	out->nr_active_file = l->lists[LRU_ACTIVE_FILE].nr;
	out->nr_file_pages = l->nr_cache;
	mmk_mutex_unlock(&l->lock);
	uint64_t used, total, cached;
	swap_usage(sys, &used, &total, &cached);
	out->nr_free_pages = frame_pool_free_count(&sys->pool);
	out->nr_dirty = flusher_nr_dirty(sys);
	out->nr_swapcached = cached;
	out->nr_file_pages += cached; /* Linux counts the swap cache in it */
	out->swap_total = total;
	out->swap_free = total - used;
	out->pgpgin = ev(sys, PGPGIN);
	out->pgpgout = ev(sys, PGPGOUT);
	out->pswpin = ev(sys, PSWPIN);
	out->pswpout = ev(sys, PSWPOUT);
	out->pgfault = ev(sys, PGFAULT);
	out->pgmajfault = ev(sys, PGMAJFAULT);
	out->pgscan_kswapd = ev(sys, PGSCAN_KSWAPD);
	out->pgscan_direct = ev(sys, PGSCAN_DIRECT);
	out->pgsteal_kswapd = ev(sys, PGSTEAL_KSWAPD);
	out->pgsteal_direct = ev(sys, PGSTEAL_DIRECT);
	out->pgactivate = ev(sys, PGACTIVATE);
	out->pgdeactivate = ev(sys, PGDEACTIVATE);
	out->pgrefill = ev(sys, PGREFILL);
	out->pgrotated = ev(sys, PGROTATED);
	out->oom_kill = ev(sys, OOM_KILL);
	return 0;
}

int64_t mmk_vmstat_text(mmk_system *sys, char *buf, uint64_t len)
{
	struct mmk_vmstat v;
	int err = mmk_vmstat(sys, &v);
	if (err)
		return err;
	if (!buf && len)
		return -EFAULT;
	const struct {
		const char *name;
		uint64_t val;
	} rows[] = {
	    {"nr_free_pages", v.nr_free_pages},
	    {"nr_inactive_anon", v.nr_inactive_anon},
	    {"nr_active_anon", v.nr_active_anon},
	    {"nr_inactive_file", v.nr_inactive_file},
	    {"nr_active_file", v.nr_active_file},
	    {"nr_file_pages", v.nr_file_pages},
	    {"nr_dirty", v.nr_dirty},
	    {"nr_swapcached", v.nr_swapcached},
	    {"swap_total", v.swap_total},
	    {"swap_free", v.swap_free},
	    {"pgpgin", v.pgpgin},
	    {"pgpgout", v.pgpgout},
	    {"pswpin", v.pswpin},
	    {"pswpout", v.pswpout},
	    {"pgfault", v.pgfault},
	    {"pgmajfault", v.pgmajfault},
	    {"pgscan_kswapd", v.pgscan_kswapd},
	    {"pgscan_direct", v.pgscan_direct},
	    {"pgsteal_kswapd", v.pgsteal_kswapd},
	    {"pgsteal_direct", v.pgsteal_direct},
	    {"pgactivate", v.pgactivate},
	    {"pgdeactivate", v.pgdeactivate},
	    {"pgrefill", v.pgrefill},
	    {"pgrotated", v.pgrotated},
	    {"oom_kill", v.oom_kill},
	};
	struct textbuf tb = {0};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		tb_printf(&tb, "%s %llu\n", rows[i].name, (unsigned long long)rows[i].val);
	return tb_finish(&tb, buf, len);
}
