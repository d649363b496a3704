/*
 * vmstat.c - the event counters (vmstat.h) and the /proc/vmstat view:
 * mmk_vmstat fills struct mmk_vmstat from the counters, the LRU list
 * sizes, the free frames, the dirty count and the swap area; the text form
 * prints Linux's names in Linux's order (mm/vmstat.c vmstat_text).
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"
#include "lru.h"
#include "swap.h"
#include "vmstat.h"

int vmstat_init(struct mmk_system *sys)
{
	sys->vmstat = calloc(1, sizeof(*sys->vmstat));
	return sys->vmstat ? 0 : -ENOMEM;
}

void vmstat_destroy(struct mmk_system *sys)
{
	free(sys->vmstat);
	sys->vmstat = NULL;
}

