/*
 * test_suggest.c - "did you mean" (tools/mmkit/suggest.c): the
 * Damerau-Levenshtein distance on its textbook cases, and which words are
 * near enough for their length to be suggested.
 */
#include "../../tools/mmkit/suggest.c"

#include "t.h"

static int dist(const char *a, const char *b)
{
	return suggest_distance(a, strlen(a), b, strlen(b));
}

TEST(distance)
{
	CHECK_EQ(dist("", ""), 0);
	CHECK_EQ(dist("", "abc"), 3);
	CHECK_EQ(dist("write", "write"), 0);
	CHECK_EQ(dist("wrte", "write"), 1);   /* a letter left out */
	CHECK_EQ(dist("writte", "write"), 1); /* one too many */
	CHECK_EQ(dist("wrote", "write"), 1);  /* one changed */
	CHECK_EQ(dist("wirte", "write"), 1);  /* two swapped: one edit */
	CHECK_EQ(dist("mpaa", "mmap"), 2);    /* swap plus change */
	CHECK_EQ(dist("kitten", "sitting"), 3);
	CHECK_EQ(dist("WRITE", "write"), 0); /* case does not count */
	CHECK_EQ(dist("ca", "abc"), 3);	     /* optimal string alignment, not full DL */
}

TEST(too_long_is_never_near)
{
	char big[SUGGEST_LEN_MAX + 2];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(suggest_distance(big, strlen(big), "a", 1) > 1000);
	struct suggest sg = suggest_begin(big, strlen(big));
	suggest_offer(&sg, big);
	CHECK(sg.best == NULL);
}

TEST(threshold_by_length)
{
	CHECK(suggest_close(3, 1));
	CHECK(!suggest_close(3, 2)); /* "foo" is not a typo of "fs" */
	CHECK(suggest_close(6, 2));
	CHECK(!suggest_close(6, 3));
	CHECK(suggest_close(12, 3));
	CHECK(!suggest_close(5, 0)); /* the word itself is no suggestion */
}

TEST(nearest_word)
{
	static const char *const words[] = {"lru", "clock", "fifo", "opt", "exact-lru"};
	struct suggest sg = suggest_begin("clcok", 5);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		suggest_offer(&sg, words[i]);
	CHECK(sg.best && !strcmp(sg.best, "clock"));
	sg = suggest_begin("zzz", 3);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		suggest_offer(&sg, words[i]);
	CHECK(sg.best == NULL);
	/* a tie keeps the first word offered */
	sg = suggest_begin("mumap", 5);
	suggest_offer(&sg, "mmap");
	suggest_offer(&sg, "munmap");
	CHECK(sg.best && !strcmp(sg.best, "mmap"));
}

T_MAIN
