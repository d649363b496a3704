/*
 * refs.h - the page reference string: what OPT (Belady's MIN) needs to
 * know the future.  A system with cfg.record_refs records one key per page
 * touched by an access (load, store, fill, copy, touch); a later run of the
 * same workload with cfg.reclaim_policy = MMK_RECLAIM_OPT gets that string
 * as cfg.opt_refs and, as its own accesses replay it, knows for each page
 * when it will be used next.  Offline, as OPT must be: the tool runs a
 * script twice (docs/RECLAIM.md).
 *
 * A key names what was touched, the same way in both runs:
 *   anonymous memory (or the zero page)   1 | pid (27 bits) | vpn (36 bits)
 *   a page-cache page                     0 | hash(dev, ino) (27) | index (36)
 *
 * Only accesses through the simulated MMU are references; read() and
 * write() are not.  A replay that diverges from the recording (a different
 * workload) only makes OPT's guesses worse, never wrong in effect.
 *
 * Locking: refs->lock (a leaf) guards the recording; the replay's tables
 * are immutable and its clock an atomic; a frame's lru_data is written with
 * relaxed atomics under mm->ptl and read under lru->lock.
 */
#ifndef MMK_REFS_H
#define MMK_REFS_H

#include "pages.h"

/* Sets sys->refs up for recording when the config asks for it (else NULL).
 * 0 or -ENOMEM. */
int refs_init(struct mmk_system *sys);
/* For a policy that evicts by the future (reclaim_init, when its
 * needs_refs): the reference string to replay, cfg.opt_refs.  0, -ENOMEM,
 * or -EINVAL (no opt_refs). */
int refs_replay_init(struct mmk_system *sys);
void refs_destroy(struct mmk_system *sys);

/* An access touched the page mapped at va through the frame at host
 * address host: record it, and/or advance the replay clock and note the
 * page's next use.  Caller holds mm->ptl. */
void refs_note(struct mm *mm, uint64_t va, const void *host);

/* OPT's ranking of a listed page: the position of its next use in the
 * reference string (plus one), UINT64_MAX if never again.  Caller holds
 * lru->lock (a listed page-cache page's mapping is stable under it). */
uint64_t refs_next_use(struct mmk_system *sys, pfn_t pfn);

#endif
