/*
 * vmstat.c - the event counters (vmstat.h): their creation and release.
 * The /proc/vmstat view that reads them is procfs_vmstat.c's.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"
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
