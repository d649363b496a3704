/*
 * test_fuzz_features.c - the guided fuzzer's feature map (tools/mmkit/fuzz_features.c):
 * an edge both runs of a script reach is new once; an edge only one run
 * reaches is counted as reached but never makes a script new, and does not
 * stop a later script that reaches it in both runs from being new.
 */
#include "../../tools/mmkit/fuzz_features.c"

#include "t.h"

#define N 8

TEST(an_edge_both_runs_reach_is_new_once)
{
	struct features f;
	uint8_t a[N] = {1, 0, 3, 0, 0, 0, 0, 0};

	CHECK_EQ(features_init(&f, N), 0);
	CHECK(features_any_new(&f, a));
	CHECK_EQ(features_merge(&f, a, a), 2);
	CHECK_EQ(f.edges, 2);
	CHECK(!features_any_new(&f, a));
	CHECK_EQ(features_merge(&f, a, a), 0);
	CHECK_EQ(f.edges, 2);
	CHECK_EQ(f.chance, 0);
	features_free(&f);
}

TEST(an_edge_one_run_reaches_is_reached_by_chance_not_new)
{
	struct features f;
	uint8_t a[N] = {1, 1, 0, 0, 0, 0, 0, 0};
	uint8_t b[N] = {1, 0, 1, 0, 0, 0, 0, 0};

	CHECK_EQ(features_init(&f, N), 0);
	/* Edge 0 in both runs: new.  Edges 1 and 2 in one each: chance. */
	CHECK_EQ(features_merge(&f, a, b), 1);
	CHECK_EQ(f.edges, 3);
	CHECK_EQ(f.chance, 2);
	CHECK_EQ(f.state[1], FEATURE_CHANCE);
	/* A chance edge still calls for a second run... */
	uint8_t c[N] = {1, 1, 0, 0, 0, 0, 0, 0};
	CHECK(features_any_new(&f, c));
	/* ...and is new the day both runs of one script reach it, as it is
	 * where the chance never came up. */
	CHECK_EQ(features_merge(&f, c, c), 1);
	CHECK_EQ(f.state[1], FEATURE_SEEN);
	CHECK_EQ(f.edges, 3);
	CHECK_EQ(f.chance, 1);
	features_free(&f);
}

TEST(chance_leaves_the_decisions_as_if_it_never_came_up)
{
	/* Two fuzzers see the same scripts; in one, the first script's first
	 * run also reaches edge 5 by chance.  Every later answer is the same. */
	struct features lucky, plain;
	uint8_t s1[N] = {1, 1, 0, 0, 0, 0, 0, 0}, s1_chance[N] = {1, 1, 0, 0, 0, 1, 0, 0};
	uint8_t s2[N] = {1, 0, 0, 0, 0, 1, 0, 0};

	CHECK_EQ(features_init(&lucky, N), 0);
	CHECK_EQ(features_init(&plain, N), 0);
	CHECK_EQ(features_merge(&lucky, s1_chance, s1), features_merge(&plain, s1, s1));
	CHECK_EQ(features_any_new(&lucky, s2), features_any_new(&plain, s2));
	CHECK_EQ(features_merge(&lucky, s2, s2), features_merge(&plain, s2, s2));
	CHECK_EQ(lucky.edges, plain.edges);
	features_free(&lucky);
	features_free(&plain);
}

T_MAIN
