/*
 * fuzz_features.h - the guided fuzzer's feature map: which edges of src/ the
 * runs so far have reached, and which of them a script reaches only
 * sometimes.
 *
 * Some edges are reached by chance: host inode numbers decide which
 * inodes share a hash chain, and every run directory gets new ones.  As
 * AFL's calibration does, a script whose run reaches an edge not yet seen
 * is run a second time, and only the edges both runs reach are recorded as
 * seen (and make the script new: it joins the corpus).  An edge only one
 * run reached is marked a chance edge: counted as reached in reports, but
 * still unseen for every decision.  So the corpus, and everything drawn
 * from it, is the same on every run of a seed unless a chance edge comes
 * up in both of one script's runs.
 *
 * Owns the per-guard map; no locking (the fuzzer is one thread).
 */
#ifndef MMKIT_FUZZ_FEATURES_H
#define MMKIT_FUZZ_FEATURES_H

#include <stddef.h>
#include <stdint.h>

enum feature_state {
	FEATURE_UNSEEN = 0,
	FEATURE_SEEN = 1,   /* reached by both runs of some script */
	FEATURE_CHANCE = 2, /* reached by one run of a script, never by both */
};

struct features {
	uint8_t *state; /* per guard: enum feature_state */
	size_t total;	/* guards */
	size_t edges;	/* guards reached (seen or by chance) */
	size_t chance;	/* of those, reached only by chance */
};

/* A map of `total` guards, none reached; -ENOMEM. */
int features_init(struct features *f, size_t total);
void features_free(struct features *f);

/* Whether a run whose hit counters are `hits` reached an edge not yet
 * seen (chance edges included): the test that calls for a second run. */
int features_any_new(const struct features *f, const uint8_t *hits);

/*
 * Folds two runs of one script into f: `a` and `b` are their hit counters
 * (the same array twice when features_any_new said no second run was
 * needed).  Returns how many edges both runs reached that were not seen
 * before; an unseen edge reached by only one of them becomes a chance edge.
 */
size_t features_merge(struct features *f, const uint8_t *a, const uint8_t *b);

#endif
