/*
 * madvise_advice.h - the madvise advice table: every advice mmkit knows,
 * with its Linux number, its name as scripts spell it, and what it needs.
 * One table, read by madvise.c (validation, locking, dispatch and the
 * per-VMA refusals), by the public mmk_madvise_name()/_parse()/_nth() that
 * the script parser, the fuzzer and the docs test use.  A new advice is one
 * row here plus its action (docs/ARCHITECTURE.md, "where to change what").
 *
 * Invariants: numbers and names are unique; a row's name is its MADV_ name
 * in lower case.  The table is immutable (no locking).
 */
#ifndef MMK_MADVISE_ADVICE_H
#define MMK_MADVISE_ADVICE_H

#include <stdbool.h>
#include <stdint.h>

/* What an advice does, which decides the lock and the dispatch. */
enum madv_action {
	MADV_ACT_FLAGS,	   /* changes VMA flags through vma_modify (mmap_lock for
			      writing: Linux's madvise_need_mmap_write) */
	MADV_ACT_PAGES,	   /* acts on the pages of each VMA piece (mmap_lock for
			      reading), after the per-VMA refusals below */
	MADV_ACT_POPULATE, /* faults the range in, as GUP (mmap_lock for reading) */
	MADV_ACT_INJECT,   /* memory-failure injection (madvise_inject_error) */
};

/* What an advice needs (madv_desc.needs). */
/* -EPERM without CAP_SYS_ADMIN (mmkit never has it). */
#define MADV_NEEDS_CAP_SYS_ADMIN (1u << 0)
/* Unknown (-EINVAL) unless the system has CONFIG_MEMORY_FAILURE
 * (cfg.no_memory_failure). */
#define MADV_NEEDS_MEMORY_FAILURE (1u << 1)
/* -EINVAL on a VMA that is not anonymous. */
#define MADV_NEEDS_ANON (1u << 2)
/* -EINVAL on a VMA without a file. */
#define MADV_NEEDS_FILE (1u << 3)
/* -EINVAL on every VMA (MADV_COLLAPSE: mmkit's processes have THP
 * disabled). */
#define MADV_NEVER (1u << 4)
/* MADV_ACT_PAGES with mmap_lock for writing (GUARD_INSTALL: it may give the
 * VMA its anon_vma, which mmkit does only under the write lock; fault.c). */
#define MADV_NEEDS_WRITE_LOCK (1u << 5)
/* MADV_ACT_PAGES: an anonymous VMA gets its anon_vma first. */
#define MADV_NEEDS_ANON_VMA (1u << 6)

struct madv_desc {
	int advice;	  /* Linux's number (MADV_*) */
	const char *name; /* "dontneed": the MADV_ name in lower case */
	enum madv_action action;
	unsigned needs;	 /* MADV_NEEDS_* */
	uint64_t refuse; /* MADV_ACT_PAGES: VMA flags that make it -EINVAL on
			    that VMA (checked before MADV_NEEDS_ANON/_FILE) */
	uint64_t sets;	 /* MADV_ACT_PAGES: VMA flags it sets on the whole VMA,
			    without splitting it, before the pages */
};

/* The row of @advice, or NULL if mmkit does not know it. */
const struct madv_desc *madvise_desc(int advice);

#endif
