/*
 * fuzz_features.c - the guided fuzzer's feature map (fuzz_features.h): stable and
 * chance edges, as AFL's calibration tells them apart.
 */
#include "fuzz_features.h"

#include <errno.h>
#include <stdlib.h>

int features_init(struct features *f, size_t total)
{
	f->state = calloc(total ? total : 1, 1);
	f->total = total;
	f->edges = 0;
	f->chance = 0;
	return f->state ? 0 : -ENOMEM;
}

void features_free(struct features *f)
{
	free(f->state);
	f->state = NULL;
}

int features_any_new(const struct features *f, const uint8_t *hits)
{
	for (size_t i = 0; i < f->total; i++)
		if (hits[i] && f->state[i] != FEATURE_SEEN)
			return 1;
	return 0;
}

size_t features_merge(struct features *f, const uint8_t *a, const uint8_t *b)
{
	size_t fresh = 0;

	for (size_t i = 0; i < f->total; i++) {
		int in_a = a[i] != 0, in_b = b[i] != 0;

		if ((!in_a && !in_b) || f->state[i] == FEATURE_SEEN)
			continue;
		if (in_a && in_b) {
			if (f->state[i] == FEATURE_CHANCE)
				f->chance--;
			else
				f->edges++;
			f->state[i] = FEATURE_SEEN;
			fresh++;
		} else if (f->state[i] == FEATURE_UNSEEN) {
			/* Reached by chance: reported, never a reason to keep a script. */
			f->state[i] = FEATURE_CHANCE;
			f->edges++;
			f->chance++;
		}
	}
	return fresh;
}
