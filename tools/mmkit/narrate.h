/*
 * narrate.h - trace events as English sentences (narrate.c).
 */
#ifndef MMKIT_NARRATE_H
#define MMKIT_NARRATE_H

#include <stddef.h>

#include "mmkit.h"

/* What the narration needs besides the events: root (resolved; NULL or
 * "": none), under which a host path is shown relative to it, and how to
 * name a process other than the event's own -- a copy-on-write's sharer,
 * a reclaimed page's mapper (ev->peer): proc_name(arg, pid) gives its
 * name, or NULL for "pid N" (proc_name NULL: always "pid N"). */
struct narrate_ctx {
	const char *root;
	const char *(*proc_name)(void *arg, int pid);
	void *arg;
};

/* The sentence for ev into buf (no trailing newline). */
void narrate_event(const struct narrate_ctx *nc, const struct mmk_event *ev, char *buf, size_t len);

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

/* Brief traces: whether ev[0..2) is an anonymous page written to swap
 * and then freed by reclaim (SWAP_OUT, RECLAIM of its frame) as the pair at
 * first was (the same kind, list and policy) -- reclaim under memory
 * pressure with swap, page by page, told in one line by
 * narrate_swap_outs (for the n pairs ev[0..2n)). */
int narrate_same_swap_out(const struct mmk_event *first, const struct mmk_event *ev);
void narrate_swap_outs(const struct narrate_ctx *nc, const struct mmk_event *ev, size_t n,
		       char *buf, size_t len);

/* Brief traces over a caller's queue of n events, event i at(q, i): the
 * length in events of the run that starts at i -- fresh anonymous faults
 * (triples, narrate_same_anon_fault) or swap-outs (pairs,
 * narrate_same_swap_out) -- or 0 when it has fewer than two. */
typedef const struct mmk_event *(*narrate_event_at)(const void *q, int i);
int narrate_anon_fault_run(const void *q, int i, int n, narrate_event_at at);
int narrate_swap_out_run(const void *q, int i, int n, narrate_event_at at);

/* The one sentence for the run ev[0..n) (n >= 1; 1: narrate_event's). */
void narrate_run(const struct narrate_ctx *nc, const struct mmk_event *ev, size_t n, char *buf,
		 size_t len);

/* The event as one JSON object (no newline): "proc" (the given string, or
 * null), "event" (its kind, e.g. "fault"), "text" (narrate_event's
 * sentence), then every field of struct mmk_event by its name, paths
 * relative to root, "peer" as the process's name (null: none).  Returns 0,
 * or -ENOSPC if buf was too small (the object is cut). */
int narrate_json(const struct narrate_ctx *nc, const char *proc, const struct mmk_event *ev,
		 char *buf, size_t len);

#endif
