/*
 * narrate.h - trace events as English sentences (narrate.c).
 */
#ifndef MMKIT_NARRATE_H
#define MMKIT_NARRATE_H

#include <stddef.h>

#include "mmkit.h"

/* The sentence for ev into buf (no trailing newline).  A host path under
 * root (resolved; NULL or "": none) is shown relative to it. */
void narrate_event(const char *root, const struct mmk_event *ev, char *buf, size_t len);

/* Brief traces: whether b continues the run a started -- the same
 * repetitive work (PTEs set, pages read, written back, evicted, reclaimed,
 * swapped out; or unmapping: PTEs cleared, TLB flushed, VMAs removed) on the
 * same process and file, or fault-around and the PTEs it set, which a brief
 * trace tells in one line. */
int narrate_same_run(const struct mmk_event *a, const struct mmk_event *b);

/* Brief traces: whether ev[0..3) is an anonymous fault that allocated a
 * zero-filled page (FAULT, ANON_PAGE, PTE_SET at one address) of the same
 * process, VMA and access as the triple at first -- a touch of fresh memory
 * page by page, told in one line by narrate_anon_faults (for the n triples
 * first[0..3) ... last[0..3)). */
int narrate_same_anon_fault(const struct mmk_event *first, const struct mmk_event *ev);
void narrate_anon_faults(const struct mmk_event *first, const struct mmk_event *last, size_t n,
			 char *buf, size_t len);

/* The one sentence for the run ev[0..n) (n >= 1; 1: narrate_event's). */
void narrate_run(const char *root, const struct mmk_event *ev, size_t n, char *buf, size_t len);

/* The event as one JSON object (no newline): "proc" (the given string, or
 * null), "event" (its kind, e.g. "fault"), "text" (narrate_event's
 * sentence), then every field of struct mmk_event by its name, paths
 * relative to root.  Returns 0, or -ENOSPC if buf was too small (the object
 * is cut). */
int narrate_json(const char *root, const char *proc, const struct mmk_event *ev, char *buf,
		 size_t len);

#endif
