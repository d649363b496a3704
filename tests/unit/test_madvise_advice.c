/*
 * test_madvise_advice.c - the madvise advice table (src/base/madvise_advice.c)
 * as the tools and docs use it: names and numbers go both ways, every
 * advice the table has is one mmk_madvise() knows, and docs/SCRIPTS.md's
 * ADVICE list is exactly the table's names in its order (so a new advice
 * cannot reach the library without reaching the script language's docs).
 * Run from the top of the tree (tests/run.sh does).
 */
#include <errno.h>

#include "mmk_test.h"

/* The table's rows, in order. */
static int table_size(void)
{
	int n = 0;
	while (mmk_madvise_nth((unsigned)n) >= 0)
		n++;
	return n;
}

TEST(names_and_numbers_round_trip)
{
	int n = table_size();
	CHECK(n >= 25);
	for (int i = 0; i < n; i++) {
		int a = mmk_madvise_nth((unsigned)i);
		const char *name = mmk_madvise_name(a);
		CHECK(name != NULL);
		CHECK_EQ(mmk_madvise_parse(name), a);
		for (int j = 0; j < i; j++)
			CHECK(mmk_madvise_nth((unsigned)j) != a);
	}
	CHECK_EQ(mmk_madvise_parse("dontneed"), MMK_MADV_DONTNEED);
	CHECK_EQ(mmk_madvise_parse("populate_write"), MMK_MADV_POPULATE_WRITE);
	CHECK_EQ(mmk_madvise_parse("DONTNEED"), -EINVAL);
	CHECK_EQ(mmk_madvise_parse(""), -EINVAL);
	CHECK_EQ(mmk_madvise_parse(NULL), -EINVAL);
	CHECK(mmk_madvise_name(5) == NULL);
	CHECK(mmk_madvise_name(-1) == NULL);
	CHECK_EQ(mmk_madvise_nth(1000), -1);
}

/* Every row is advice madvise() accepts: never the -EINVAL of unknown
 * advice on a zero length (validity is checked before the range). */
TEST(every_row_is_known_to_madvise)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	int n = table_size();
	for (int i = 0; i < n; i++) {
		int a = mmk_madvise_nth((unsigned)i);
		CHECK_EQ(mmk_madvise(fx.p, 0x10000000, 0, a), 0);
	}
	CHECK_EQ(mmk_madvise(fx.p, 0x10000000, 0, 5), -EINVAL);
	CHECK_EQ(mmk_madvise(fx.p, 0x10000000, 0, 99), -EINVAL);
	CHECK(fx_done(&fx) == 0);
}

/* docs/SCRIPTS.md's "ADVICE:" paragraph lists `name` words: exactly the
 * table's, in the table's order. */
TEST(scripts_md_lists_the_table)
{
	FILE *f = fopen("docs/SCRIPTS.md", "r");
	CHECK(f != NULL);
	static char doc[1 << 20];
	size_t len = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[len] = 0;
	const char *s = strstr(doc, "\nADVICE:");
	CHECK(s != NULL);
	const char *end = strstr(s, "\n\n");
	CHECK(end != NULL);
	int i = 0;
	for (const char *q = strchr(s, '`'); q && q < end; i++) {
		const char *e = strchr(q + 1, '`');
		CHECK(e != NULL && e < end);
		int a = mmk_madvise_nth((unsigned)i);
		const char *want = mmk_madvise_name(a);
		if (!want)
			T_FAIL("SCRIPTS.md lists '%.*s' past the table's end", (int)(e - q - 1),
			       q + 1);
		if (strlen(want) != (size_t)(e - q - 1) || strncmp(want, q + 1, strlen(want)))
			T_FAIL("SCRIPTS.md's advice %d is '%.*s', the table's is '%s'", i,
			       (int)(e - q - 1), q + 1, want);
		q = strchr(e + 1, '`');
	}
	CHECK_EQ(i, table_size());
}

T_MAIN
