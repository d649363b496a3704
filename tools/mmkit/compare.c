/*
 * compare.c - `mmkit run --policy all`: the script once per page
 * replacement policy on the mmkit backend, silently, and one table of what
 * each policy cost (docs/RECLAIM.md, "Comparing policies").
 *
 * Owns: the per-policy runs and the table.  Each run is a whole fresh
 * system (driver_run); the counters are the system's /proc/vmstat events
 * at the end of the run, before teardown (bk_options.vmstat).  OPT gets
 * its future from a recording run first, as `mmkit run --policy opt` does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "mmkit.h"

/* The table's header, and one row of the counters of one run. */
void compare_print_header(void)
{
	printf("%-10s %10s %10s %10s %10s %8s %10s\n", "policy", "minor", "major", "read",
	       "written", "hit%", "scans");
}

void compare_print_row(const char *name, const struct mmk_vmstat *vm)
{
	/* A hit: a fault that found its page in memory (a minor fault). */
	double hit = vm->pgfault
			 ? 100.0 * (double)(vm->pgfault - vm->pgmajfault) / (double)vm->pgfault
			 : 100.0;
	printf("%-10s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %7.2f%% %10" PRIu64
	       "\n",
	       name, vm->pgfault - vm->pgmajfault, vm->pgmajfault, vm->pgpgin / 4, vm->pgpgout / 4,
	       hit, vm->pgscan_direct + vm->pgscan_kswapd);
	fflush(stdout);
}

int run_compare(const struct script *s, const struct bk_options *base)
{
	for (int pol = 0; mmk_reclaim_policy_name(pol); pol++) {
		struct bk_options o = *base;
		struct bk_refs refs = {NULL, 0};
		struct mmk_vmstat vm;
		struct strbuf junk = {NULL, 0, 0};
		o.trace = 0;
		o.policy = pol;
		o.vmstat = &vm;
		int r = 0;
		if (pol == MMK_RECLAIM_OPT) {
			struct bk_options rec = o;
			rec.policy = MMK_RECLAIM_LRU;
			rec.record_refs = &refs;
			rec.vmstat = NULL;
			r = driver_run(s, &backend_mmkit_ops, &rec, &junk);
			o.replay_refs = &refs;
			sb_reset(&junk);
		}
		memset(&vm, 0, sizeof(vm));
		if (!r)
			r = driver_run(s, &backend_mmkit_ops, &o, &junk);
		free(refs.keys);
		sb_free(&junk);
		if (r < 0) {
			fprintf(stderr, "mmkit run: the run under %s failed: %s\n",
				mmk_reclaim_policy_name(pol), strerror(-r));
			return 1;
		}
		if (pol == 0)
			compare_print_header(); /* once the first run worked */
		compare_print_row(mmk_reclaim_policy_name(pol), &vm);
	}
	return 0;
}
