/*
 * cov.c - the trace-pc-guard callbacks behind cov.h.
 *
 * Owns: the guard numbering and the shared counter map.  The compiler calls
 * __sanitizer_cov_trace_pc_guard_init() from a constructor of every
 * instrumented object with the whole __sancov_guards range (the same range
 * each time in a static link): the first call numbers the guards 1..N and
 * maps N counters, the later ones see the guards numbered and return.  A
 * guard whose number is 0 is not counted.  __sanitizer_cov_trace_pc_guard()
 * is called on every edge, from any thread: a lost increment under a race
 * changes a count, never memory outside the map.
 *
 * In a build without coverage nothing calls these, total stays 0.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "cov.h"

static uint8_t *counters;
static size_t total;

void __sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop);
void __sanitizer_cov_trace_pc_guard(uint32_t *guard);

void __sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop)
{
	size_t n = (size_t)(stop - start);
	void *p;

	if (start == stop || *start || total)
		return;
	/* Shared: the forked backend runs count into this process's map. */
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return; /* no coverage, guards stay 0 */
	counters = p;
	total = n;
	for (size_t i = 0; i < n; i++)
		start[i] = (uint32_t)(i + 1);
}

void __sanitizer_cov_trace_pc_guard(uint32_t *guard)
{
	uint32_t g = *guard;

	if (g && counters[g - 1] != 255)
		counters[g - 1]++;
}

size_t cov_total(void)
{
	return total;
}

uint8_t *cov_counters(void)
{
	return counters;
}

void cov_reset(void)
{
	if (counters)
		memset(counters, 0, total);
}

/* Defined by the generated build-cov/covfiles.c in a coverage build. */
__attribute__((weak)) const struct cov_file *cov_file_table(size_t *n);

const struct cov_file *cov_files(size_t *n)
{
	const struct cov_file *t;
	size_t sum = 0;

	if (!cov_file_table)
		return NULL;
	t = cov_file_table(n);
	for (size_t i = 0; i < *n; i++)
		sum += t[i].guards;
	return sum == total ? t : NULL;
}
