/*
 * alloc.h - the library's host-memory allocations (malloc, calloc, realloc,
 * strdup) for objects of one system.  Each consults the system's failure
 * countdown (failinj.h) first, so a test can fail any of them in turn; an
 * injected failure looks exactly like the host's NULL.  Free with free().
 *
 * Not routed through here: mmk_system_create's own allocations (no system
 * yet) and the invariant checker's scratch arrays (a diagnostic, not a
 * mutation: mmk_system_check must work whatever the countdown says).
 */
#ifndef MMK_ALLOC_H
#define MMK_ALLOC_H

#include <stdlib.h>
#include <string.h>

#include "mm_types.h"

/* calloc(1, size) for @sys, or NULL. */
static inline void *mmk_zalloc(struct mmk_system *sys, size_t size)
{
	return failinj_should_fail(&sys->failinj) ? NULL : calloc(1, size);
}

/* calloc(n, size) for @sys, or NULL. */
static inline void *mmk_calloc(struct mmk_system *sys, size_t n, size_t size)
{
	return failinj_should_fail(&sys->failinj) ? NULL : calloc(n, size);
}

/* malloc(size) for @sys, or NULL. */
static inline void *mmk_malloc(struct mmk_system *sys, size_t size)
{
	return failinj_should_fail(&sys->failinj) ? NULL : malloc(size);
}

/* realloc(p, size) for @sys, or NULL with p untouched. */
static inline void *mmk_realloc(struct mmk_system *sys, void *p, size_t size)
{
	return failinj_should_fail(&sys->failinj) ? NULL : realloc(p, size);
}

/* strdup(s) for @sys, or NULL. */
static inline char *mmk_strdup(struct mmk_system *sys, const char *s)
{
	return failinj_should_fail(&sys->failinj) ? NULL : strdup(s);
}

#endif
