/*
 * cov.h - edge coverage of the library, for `mmkit fuzz --guided`.
 *
 * In a coverage build (`make MODE=cov`, build-cov/) every library source is
 * compiled by clang with -fsanitize-coverage=trace-pc-guard: each edge of
 * its control-flow graph gets a guard, and cov.c's callbacks count the hits
 * of every guard in one byte.  The counters live in a MAP_SHARED page run
 * made at start-up, so the runs that check.c forks (one child per backend
 * run) count into the parent's map.  In any other build there are no
 * guards: cov_total() is 0 and the rest does nothing.
 *
 * Guards are numbered in link order, which is the sorted order of the library sources
 * (the cov build links the objects, not the archive, for that);
 * build-cov/covfiles.c, generated from each object's __sancov_guards
 * section, says how many guards each file has (cov_files()).
 */
#ifndef MMKIT_COV_H
#define MMKIT_COV_H

#include <stddef.h>
#include <stdint.h>

/* How many guards (edges) the library has; 0 in a build without coverage. */
size_t cov_total(void);
/* The hit counters, cov_total() of them (saturating at 255); NULL if none. */
uint8_t *cov_counters(void);
/* Zeroes every counter. */
void cov_reset(void);

/* A source file of the library and how many guards it has. */
struct cov_file {
	const char *path;
	size_t guards;
};
/* The files in guard order and their count, or NULL when the build has no
 * table or the table does not add up to cov_total(). */
const struct cov_file *cov_files(size_t *n);

#endif
