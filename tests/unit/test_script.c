/*
 * test_script.c - the script parser (tools/mmkit/script.c), on its own.
 *
 * The parser is compiled straight into this test so it needs nothing of the
 * rest of the tool.  Each statement form is checked down to the bk_op
 * arguments it produces; each error down to its exact LINE:COL; and the
 * promise the prompt relies on, that a failed line changes nothing.  The
 * byte rendering of results (format.c) is tested here too, because its
 * promise is about the parser: what it prints reads back as the same bytes.
 */
/* A small total for the strings of one script, so that going past it
 * takes kilobytes here (the tool's 256 MiB is checked on the real binary
 * by tests/script_limits.sh). */
#define SCRIPT_DATA_MAX (1ULL << 20)
#include "../../tools/mmkit/format.c"
#include "../../tools/mmkit/script.c"
#include "../../tools/mmkit/suggest.c"

#include "t.h"

/* Parses text; returns the script or NULL (then *err is set). */
static struct script *parse(const char *text, struct script_error *err)
{
	struct script *s = NULL;
	memset(err, 0, sizeof(*err));
	if (script_parse_string("t.mm", text, strlen(text), &s, err) < 0)
		return NULL;
	return s;
}

/* The script must fail at line:col with a message containing `msg`. */
#define CHECK_ERR(text, line_, col_, want_)                                                        \
	do {                                                                                       \
		struct script_error e_;                                                            \
		struct script *s_ = parse(text, &e_);                                              \
		if (s_) {                                                                          \
			script_free(s_);                                                           \
			T_FAIL("parsed, expected error: %s", text);                                \
		}                                                                                  \
		if (e_.line != (line_) || e_.col != (col_) || !strstr(e_.msg, want_))              \
			T_FAIL("%s\n  got %d:%d: %s\n  want %d:%d: ...%s...", text, e_.line,       \
			       e_.col, e_.msg, line_, col_, want_);                                \
	} while (0)

/* The script must parse. */
#define PARSE(s, text)                                                                             \
	struct script_error err_##s;                                                               \
	struct script *s = parse(text, &err_##s);                                                  \
	if (!s)                                                                                    \
		T_FAIL("%s\n  error %d:%d: %s", text, err_##s.line, err_##s.col, err_##s.msg);

/* The constant value of an argument that has no names. */
static int64_t K(const struct stmt *st, int i)
{
	return (int64_t)st->arg[i].k;
}

static const char *P = "spawn P\n";

/* Builds "spawn P\n" + body in a static buffer. */
static const char *in_p(const char *body)
{
	static char buf[4096];
	snprintf(buf, sizeof(buf), "%s%s", P, body);
	return buf;
}

TEST(blank_and_comments)
{
	PARSE(s, "\n   \n# comment\n\t# indented\n");
	CHECK_EQ(s->n, 0);
	script_free(s);
	PARSE(s2, "");
	CHECK_EQ(s2->n, 0);
	script_free(s2);
}

TEST(spawn_fork_exit)
{
	PARSE(s, "spawn P\nfork P Q\nQ: exit\nspawn Q   # again\nQ: maps\n");
	CHECK_EQ(s->n, 5);
	CHECK_EQ(s->stmt[0].kind, STMT_SPAWN);
	CHECK_EQ(s->stmt[0].proc, 0);
	CHECK_EQ(s->stmt[1].kind, STMT_FORK);
	CHECK_EQ(s->stmt[1].proc, 0);
	CHECK_EQ(s->stmt[1].proc2, 1);
	CHECK_EQ(s->stmt[2].op, BK_EXIT);
	CHECK_EQ(s->stmt[2].proc, 1);
	CHECK_EQ(s->stmt[3].kind, STMT_SPAWN);
	CHECK_EQ(s->stmt[3].proc, 1);
	CHECK_STR(s->stmt[3].text, "spawn Q");
	CHECK_EQ(s->stmt[4].line, 5);
	CHECK_EQ(s->nprocs, 2);
	script_free(s);
}

TEST(mmap_all_args_and_defaults)
{
	PARSE(s, in_p("P: a = mmap 0 8K read|write private|anonymous -1 0\n"
		      "P: mmap 0x10000 4K none shared_validate|fixed|populate 3 0x2000\n"
		      "P: b = mmap a+4K 4K exec private|fixed_noreplace|noreserve|growsdown|stack|"
		      "locked|hassemaphore|32bit\n"));
	const struct stmt *m = &s->stmt[1];
	CHECK_EQ(m->op, BK_MMAP);
	CHECK_EQ(m->bind, 0);
	CHECK_EQ(m->nargs, 6);
	CHECK_EQ(K(m, 0), 0);
	CHECK_EQ(K(m, 1), 8192);
	CHECK_EQ(K(m, 2), MMK_PROT_READ | MMK_PROT_WRITE);
	CHECK_EQ(K(m, 3), MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS);
	CHECK_EQ(K(m, 4), -1);
	CHECK_EQ(K(m, 5), 0);
	CHECK_STR(m->text, "P: a = mmap 0 8K read|write private|anonymous -1 0");
	m = &s->stmt[2];
	CHECK_EQ(m->bind, -1);
	CHECK_EQ(K(m, 0), 0x10000);
	CHECK_EQ(K(m, 2), 0);
	CHECK_EQ(K(m, 3), MMK_MAP_SHARED_VALIDATE | MMK_MAP_FIXED | MMK_MAP_POPULATE);
	CHECK_EQ(K(m, 4), 3);
	CHECK_EQ(K(m, 5), 0x2000);
	m = &s->stmt[3];
	CHECK_EQ(m->bind, 1);
	CHECK_EQ(m->arg[0].nref, 1);
	CHECK_EQ(m->arg[0].ref[0].slot, 0);
	CHECK_EQ(K(m, 0), 4096);
	CHECK_EQ(K(m, 2), MMK_PROT_EXEC);
	CHECK_EQ(K(m, 3), MMK_MAP_PRIVATE | MMK_MAP_FIXED_NOREPLACE | MMK_MAP_NORESERVE |
			      MMK_MAP_GROWSDOWN | MMK_MAP_STACK | MMK_MAP_LOCKED | MMK_MAP_32BIT);
	/* FD and OFF default to -1 and 0. */
	CHECK_EQ(K(m, 4), -1);
	CHECK_EQ(K(m, 5), 0);
	script_free(s);
}

TEST(flag_spellings)
{
	PARSE(s, in_p("P: mmap 0 4K PROT_READ|Write|0x4 MAP_SHARED|anon|0x100000\n"
		      "P: mmap 0 4K 7 0x22\n"));
	CHECK_EQ(K(&s->stmt[1], 2), 7);
	CHECK_EQ(K(&s->stmt[1], 3), MMK_MAP_SHARED | MMK_MAP_ANONYMOUS | 0x100000);
	CHECK_EQ(K(&s->stmt[2], 2), 7);
	CHECK_EQ(K(&s->stmt[2], 3), 0x22);
	script_free(s);
}

TEST(file_ops)
{
	PARSE(s, in_p("P: fd = open data.txt rdwr|creat|trunc|append|cloexec|excl\n"
		      "P: open \"a b\" rdonly\n"
		      "P: close fd\n"
		      "P: d = dup fd\n"
		      "P: n = read fd 100\n"
		      "P: write fd \"hi\\n\"\n"
		      "P: pread fd 4K 16\n"
		      "P: pwrite fd 8 \"xy\"\n"
		      "P: ftruncate fd 1M\n"
		      "P: fsync fd\n"
		      "P: unlink dir/data.txt\n"
		      "P: open x wronly\n"));
	const struct stmt *st = s->stmt;
	CHECK_EQ(st[1].op, BK_OPEN);
	CHECK_STR(st[1].path, "data.txt");
	CHECK_EQ(K(&st[1], 0), MMK_O_RDWR | MMK_O_CREAT | MMK_O_TRUNC | MMK_O_APPEND |
				   MMK_O_CLOEXEC | MMK_O_EXCL);
	CHECK_STR(st[2].path, "a b");
	CHECK_EQ(K(&st[2], 0), 0);
	CHECK_EQ(st[3].op, BK_CLOSE);
	CHECK_EQ(st[3].arg[0].nref, 1);
	CHECK_EQ(st[4].op, BK_DUP);
	CHECK_EQ(st[5].op, BK_READ);
	CHECK_EQ(K(&st[5], 1), 100);
	CHECK_EQ(st[6].op, BK_WRITE);
	CHECK_EQ(st[6].datalen, 3);
	CHECK(memcmp(st[6].data, "hi\n", 3) == 0);
	CHECK_EQ(st[7].op, BK_PREAD);
	CHECK_EQ(K(&st[7], 1), 4096);
	CHECK_EQ(K(&st[7], 2), 16);
	CHECK_EQ(st[8].op, BK_PWRITE);
	CHECK_EQ(K(&st[8], 1), 8);
	CHECK_EQ(st[8].datalen, 2);
	CHECK_EQ(st[9].op, BK_FTRUNCATE);
	CHECK_EQ(K(&st[9], 1), 1 << 20);
	CHECK_EQ(st[10].op, BK_FSYNC);
	CHECK_EQ(st[11].op, BK_UNLINK);
	CHECK_STR(st[11].path, "dir/data.txt");
	CHECK_EQ(K(&st[12], 0), MMK_O_WRONLY);
	script_free(s);
}

TEST(memory_ops)
{
	PARSE(s, in_p("P: munmap 0x1000 4K\n"
		      "P: mprotect 0x1000 4K read|growsdown\n"
		      "P: mremap 0x1000 4K 8K\n"
		      "P: mremap 0x1000 4K 8K maymove|fixed|dontunmap 0x5000\n"
		      "P: msync 0x1000 4K sync|invalidate\n"
		      "P: msync 0x1000 4K async\n"
		      "P: madvise 0x1000 4K dontneed\n"
		      "P: madvise 0x1000 4K 100\n"
		      "P: mlock 0x1000 4K\n"
		      "P: mlock 0x1000 4K onfault\n"
		      "P: munlock 0x1000 4K\n"
		      "P: mlockall current|future|onfault\n"
		      "P: munlockall\n"
		      "P: mincore 0x1000 16K\n"
		      "P: brk 0\n"
		      "P: name 0x1000 4K \"heap\"\n"
		      "P: name 0x1000 4K\n"));
	const struct stmt *st = s->stmt;
	CHECK_EQ(st[1].op, BK_MUNMAP);
	CHECK_EQ(st[2].op, BK_MPROTECT);
	CHECK_EQ(K(&st[2], 2), MMK_PROT_READ | MMK_PROT_GROWSDOWN);
	CHECK_EQ(st[3].op, BK_MREMAP);
	CHECK_EQ(K(&st[3], 3), 0);
	CHECK_EQ(K(&st[3], 4), 0);
	CHECK_EQ(K(&st[4], 3), MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED | MMK_MREMAP_DONTUNMAP);
	CHECK_EQ(K(&st[4], 4), 0x5000);
	CHECK_EQ(K(&st[5], 2), MMK_MS_SYNC | MMK_MS_INVALIDATE);
	CHECK_EQ(K(&st[6], 2), MMK_MS_ASYNC);
	CHECK_EQ(st[7].op, BK_MADVISE);
	CHECK_EQ(K(&st[7], 2), MMK_MADV_DONTNEED);
	CHECK_EQ(K(&st[8], 2), 100);
	CHECK_EQ(st[9].op, BK_MLOCK);
	CHECK_EQ(K(&st[9], 2), 0);
	CHECK_EQ(K(&st[10], 2), MMK_MLOCK_ONFAULT);
	CHECK_EQ(st[11].op, BK_MUNLOCK);
	CHECK_EQ(st[12].op, BK_MLOCKALL);
	CHECK_EQ(K(&st[12], 0), MMK_MCL_CURRENT | MMK_MCL_FUTURE | MMK_MCL_ONFAULT);
	CHECK_EQ(st[13].op, BK_MUNLOCKALL);
	CHECK_EQ(st[14].op, BK_MINCORE);
	CHECK_EQ(st[15].op, BK_BRK);
	CHECK_EQ(st[16].op, BK_ANON_NAME);
	CHECK_STR(st[16].path, "heap");
	CHECK(st[17].path == NULL);
	script_free(s);
}

TEST(every_advice_word)
{
	static const struct {
		const char *w;
		int v;
	} adv[] = {
	    {"normal", MMK_MADV_NORMAL},	   {"random", MMK_MADV_RANDOM},
	    {"sequential", MMK_MADV_SEQUENTIAL},   {"willneed", MMK_MADV_WILLNEED},
	    {"dontneed", MMK_MADV_DONTNEED},	   {"free", MMK_MADV_FREE},
	    {"remove", MMK_MADV_REMOVE},	   {"dontfork", MMK_MADV_DONTFORK},
	    {"dofork", MMK_MADV_DOFORK},	   {"wipeonfork", MMK_MADV_WIPEONFORK},
	    {"keeponfork", MMK_MADV_KEEPONFORK},   {"mergeable", MMK_MADV_MERGEABLE},
	    {"unmergeable", MMK_MADV_UNMERGEABLE}, {"hugepage", MMK_MADV_HUGEPAGE},
	    {"nohugepage", MMK_MADV_NOHUGEPAGE},   {"dontdump", MMK_MADV_DONTDUMP},
	    {"dodump", MMK_MADV_DODUMP},	   {"cold", MMK_MADV_COLD},
	    {"pageout", MMK_MADV_PAGEOUT},	   {"MADV_FREE", MMK_MADV_FREE},
	};
	for (size_t i = 0; i < sizeof(adv) / sizeof(adv[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "spawn P\nP: madvise 0 4K %s\n", adv[i].w);
		PARSE(s, text);
		CHECK_EQ(K(&s->stmt[1], 2), adv[i].v);
		script_free(s);
	}
}

TEST(access_and_views)
{
	PARSE(s, in_p("P: load 0x1000 16\n"
		      "P: store 0x1000 \"abc\"\n"
		      "P: fill 0x1000 4K 0xff\n"
		      "P: fill 0x1000 4K 'A'\n"
		      "P: touch 0x1000 8K read\n"
		      "P: touch 0x1000 8K write\n"
		      "P: maps\nP: smaps\nP: status\nP: faults\n"
		      "P: pagemap 0x1000 4\n"
		      "P: exec\n"));
	const struct stmt *st = s->stmt;
	CHECK_EQ(st[1].op, BK_LOAD);
	CHECK_EQ(st[2].op, BK_STORE);
	CHECK_EQ(st[2].datalen, 3);
	CHECK_EQ(st[3].op, BK_FILL);
	CHECK_EQ(K(&st[3], 2), 255);
	CHECK_EQ(K(&st[4], 2), 'A');
	CHECK_EQ(st[5].op, BK_TOUCH);
	CHECK_EQ(K(&st[5], 2), 0);
	CHECK_EQ(K(&st[6], 2), 1);
	CHECK_EQ(st[7].op, BK_MAPS);
	CHECK_EQ(st[8].op, BK_SMAPS);
	CHECK_EQ(st[9].op, BK_STATUS);
	CHECK_EQ(st[10].op, BK_FAULTS);
	CHECK_EQ(st[11].op, BK_PAGEMAP);
	CHECK_EQ(K(&st[11], 1), 4);
	CHECK_EQ(st[12].op, BK_EXEC);
	CHECK(st[12].path == NULL); /* the old form: the address space emptied */
	script_free(s);
}

/* `exec PATH [ARGS...]`: the program's path, then each argument
 * NUL-terminated in data, quoted ones with their blanks. */
TEST(exec_program)
{
	PARSE(s, in_p("P: exec bin/prog\n"
		      "P: exec \"/bin/my prog\" -x \"two words\" last # comment\n"));
	const struct stmt *st = s->stmt;
	CHECK_EQ(st[1].op, BK_EXEC);
	CHECK_STR(st[1].path, "bin/prog");
	CHECK_EQ(st[1].datalen, 0);
	CHECK_STR(st[2].path, "/bin/my prog");
	CHECK_EQ(st[2].datalen, 3 + 10 + 5);
	CHECK(!memcmp(st[2].data, "-x\0two words\0last\0", 18));
	script_free(s);
	CHECK_ERR(in_p("P: exec prog \"unterminated\n"), 2, 14, "");
}

TEST(top_level_statements)
{
	PARSE(s, "file a.txt\n"
		 "file \"b.txt\" size=8K fill=0x61 text=\"hi\"\n"
		 "file c text=\"abc\" fill='z'\n"
		 "cat a.txt\ncat a.txt 10\ncat a.txt 10 20\n"
		 "sync\n"
		 "x = 0x1000\n"
		 "y = x+4K\n");
	const struct stmt *st = s->stmt;
	CHECK_EQ(st[0].op, BK_FILE);
	CHECK_EQ(st[0].proc, -1);
	CHECK_STR(st[0].path, "a.txt");
	CHECK_EQ(K(&st[0], 0), 0);
	CHECK_EQ(K(&st[0], 1), -1);
	CHECK_EQ(st[0].datalen, 0);
	CHECK_EQ(K(&st[1], 0), 8192);
	CHECK_EQ(K(&st[1], 1), 0x61);
	CHECK_EQ(st[1].datalen, 2);
	/* size defaults to the text's length */
	CHECK_EQ(K(&st[2], 0), 3);
	CHECK_EQ(K(&st[2], 1), 'z');
	CHECK_EQ(st[3].op, BK_CAT);
	CHECK_EQ(K(&st[3], 0), 0);
	CHECK_EQ(K(&st[3], 1), -1);
	CHECK_EQ(K(&st[4], 0), 10);
	CHECK_EQ(K(&st[4], 1), -1);
	CHECK_EQ(K(&st[5], 1), 20);
	CHECK_EQ(st[6].op, BK_SYNC);
	CHECK_EQ(st[7].kind, STMT_LET);
	CHECK_EQ(st[7].bind, 0);
	CHECK_EQ(K(&st[7], 0), 0x1000);
	CHECK_EQ(st[8].bind, 1);
	CHECK_EQ(st[8].arg[0].nref, 1);
	CHECK_EQ(K(&st[8], 0), 4096);
	script_free(s);
}

TEST(numbers)
{
	static const struct {
		const char *text;
		uint64_t v;
	} ok[] = {
	    {"0", 0},
	    {"42", 42},
	    {"007", 7},
	    {"0x0", 0},
	    {"0xDeadBeef", 0xdeadbeef},
	    {"4K", 4096},
	    {"4k", 4096},
	    {"3M", 3ULL << 20},
	    {"2g", 2ULL << 30},
	    {"1T", 1ULL << 40},
	    {"0x10K", 16ULL << 10},
	    {"0x1g", 1ULL << 30},
	    {"18446744073709551615", UINT64_MAX},
	    {"0xffffffffffffffff", UINT64_MAX},
	    {"16777215T", 16777215ULL << 40},
	    {"-1", UINT64_MAX},
	    {"-4K", (uint64_t)-4096},
	    {"+5", 5},
	    {"1+2+3", 6},
	    {"4K-1", 4095},
	    {"'A'", 65},
	    {"'\\n'", 10},
	    {"'\\x7f'", 127},
	    {"0xffffffffffffffff+1", 0},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "x = %s\n", ok[i].text);
		PARSE(s, text);
		if (s->stmt[0].arg[0].k != ok[i].v)
			T_FAIL("%s: got 0x%llx", ok[i].text,
			       (unsigned long long)s->stmt[0].arg[0].k);
		script_free(s);
	}
	uint64_t v;
	CHECK_EQ(script_parse_number("64M", &v), 0);
	CHECK_EQ(v, 64ULL << 20);
	CHECK_EQ(script_parse_number("64MB", &v), -1);
	CHECK_EQ(script_parse_number("", &v), -1);
	CHECK_EQ(script_parse_number("99999999999999999999", &v), -1);
}

TEST(number_errors)
{
	CHECK_ERR("x = 18446744073709551616\n", 1, 5, "does not fit in 64 bits");
	CHECK_ERR("x = 0x10000000000000000\n", 1, 5, "does not fit");
	CHECK_ERR("x = 16777216T\n", 1, 5, "does not fit");
	CHECK_ERR("x = 0x\n", 1, 5, "bad number '0x'");
	CHECK_ERR("x = 12abc\n", 1, 5, "bad number '12abc'");
	CHECK_ERR("x = 4KB\n", 1, 5, "bad number '4KB'");
	CHECK_ERR("x = 1_000\n", 1, 5, "bad number");
	CHECK_ERR("x = 0x1q\n", 1, 5, "bad number");
	CHECK_ERR("x = 1+\n", 1, 7, "expected a number or a name");
	CHECK_ERR("x = -\n", 1, 6, "expected a number or a name");
	CHECK_ERR("x = 4K,\n", 1, 7, "unexpected ','");
	CHECK_ERR("x = ''\n", 1, 5, "empty character constant");
	CHECK_ERR("x = 'ab'\n", 1, 5, "unterminated character constant");
	CHECK_ERR("x = 'a\n", 1, 5, "unterminated character constant");
	CHECK_ERR("spawn P\nP: mmap 0 99999999999999999999 read private\n", 2, 11, "does not fit");
}

TEST(names_with_offsets)
{
	PARSE(s, in_p("P: a = mmap 0 16K read private|anonymous\n"
		      "P: b = mmap 0 16K read private|anonymous\n"
		      "P: munmap a+4K-1K 4K\n"
		      "P: munmap -a b-a\n"
		      "P: munmap a+b+a+b 0\n"
		      "P: a = mremap a 16K 32K maymove\n"));
	const struct stmt *st = &s->stmt[3];
	CHECK_EQ(st->arg[0].nref, 1);
	CHECK_EQ(st->arg[0].ref[0].slot, 0);
	CHECK_EQ(st->arg[0].ref[0].neg, 0);
	CHECK_EQ(K(st, 0), 3072);
	st = &s->stmt[4];
	CHECK_EQ(st->arg[0].ref[0].neg, 1);
	CHECK_EQ(st->arg[1].nref, 2);
	CHECK_EQ(st->arg[1].ref[0].slot, 1);
	CHECK_EQ(st->arg[1].ref[1].slot, 0);
	CHECK_EQ(st->arg[1].ref[1].neg, 1);
	CHECK_EQ(s->stmt[5].arg[0].nref, 4);
	/* Rebinding reuses the slot. */
	CHECK_EQ(s->stmt[6].bind, 0);
	CHECK_EQ(s->nnames, 2);
	script_free(s);
	CHECK_ERR(in_p("P: munmap a 4K\n"), 2, 11, "unbound name 'a'");
	CHECK_ERR(in_p("P: a = mmap a 4K read private\n"), 2, 13, "unbound name 'a'");
	CHECK_ERR(in_p("x = 1\nP: munmap x+x+x+x+x 4K\n"), 3, 19, "more than 4 names");
	CHECK_ERR(in_p("P: munmap P 4K\n"), 2, 11, "'P' is a process, not a value");
	CHECK_ERR(in_p("P: munmap 4K+q 4K\n"), 2, 14, "unbound name 'q'");
}

TEST(strings_and_escapes)
{
	PARSE(s, in_p("P: store 0 \"\\n\\t\\r\\a\\b\\f\\v\\e\\\\\\\"\\'\\?\"\n"
		      "P: store 0 \"\\x41\\x4\\101\\0\\7z\"\n"
		      "P: store 0 \"ab\"*3 \"-\" \"\"*5 \"x\"*0\n"
		      "P: store 0 \"\\0\"*4096\n"
		      "P: store 0 \"\" # empty\n"
		      "P: store 0 \"caf\xc3\xa9 #not a comment\"\n"));
	const struct stmt *st = s->stmt;
	CHECK_EQ(st[1].datalen, 12);
	CHECK(memcmp(st[1].data, "\n\t\r\a\b\f\v\033\\\"'?", 12) == 0);
	CHECK_EQ(st[2].datalen, 6);
	CHECK(memcmp(st[2].data,
		     "A\x04"
		     "A\0\7z",
		     6) == 0);
	CHECK_EQ(st[3].datalen, 7);
	CHECK(memcmp(st[3].data, "ababab-", 7) == 0);
	CHECK_EQ(st[4].datalen, 4096);
	CHECK_EQ(st[4].data[4095], 0);
	CHECK_EQ(st[5].datalen, 0);
	CHECK_STR(st[5].text, "P: store 0 \"\"");
	CHECK_EQ(st[6].datalen, strlen("caf\xc3\xa9 #not a comment"));
	script_free(s);
}

TEST(string_errors)
{
	CHECK_ERR(in_p("P: store 0 \"abc\n"), 2, 12, "unterminated string");
	CHECK_ERR(in_p("P: store 0 \"a\\qb\"\n"), 2, 14, "unknown escape '\\q'");
	CHECK_ERR(in_p("P: store 0 \"a\\xg\"\n"), 2, 14, "'\\x' needs one or two hex digits");
	CHECK_ERR(in_p("P: store 0 \"\\400\"\n"), 2, 13, "larger than a byte");
	CHECK_ERR(in_p("P: store 0 \"abc\\"), 2, 16, "unfinished escape");
	CHECK_ERR(in_p("P: store 0 \"a\"x\n"), 2, 15, "unexpected 'x' after a string");
	CHECK_ERR(in_p("P: store 0 \"a\"*\n"), 2, 16, "expected a repeat count");
	CHECK_ERR(in_p("P: store 0 \"a\"*x\n"), 2, 16, "expected a repeat count");
	CHECK_ERR(in_p("P: store 0 \"ab\"*1G\n"), 2, 17, "string longer than");
	CHECK_ERR(in_p("P: store 0 abc\n"), 2, 12, "expected a \"quoted string\"");
	CHECK_ERR(in_p("P: open \"a\\0b\" rdonly\n"), 2, 9, "path cannot contain a NUL");
	CHECK_ERR(in_p("P: name 0 4K heap\n"), 2, 14, "expected a \"quoted\" name");
	CHECK_ERR(in_p("P: name 0 4K \"a\\0\"\n"), 2, 14, "VMA name cannot contain a NUL");
	CHECK_ERR("file a text=\"x\n", 1, 13, "unterminated string");
}

/* STRING_MAX holds for a literal too, not only for "x"*N repeats. */
TEST(string_literal_cap)
{
	size_t n = STRING_MAX + 1, pre = strlen("spawn P\nP: store 0 \"");
	char *text = malloc(pre + n + 3);
	struct script_error e;

	CHECK(text != NULL);
	memcpy(text, "spawn P\nP: store 0 \"", pre);
	memset(text + pre, 'x', n);
	memcpy(text + pre + n, "\"\n", 3);
	struct script *s = NULL;
	int r = script_parse_string("t.mm", text, pre + n + 2, &s, &e);
	free(text);
	script_free(s);
	CHECK_EQ(r, -1);
	CHECK_EQ(e.line, 2);
	CHECK_EQ(e.col, 12);
	CHECK(strstr(e.msg, "string longer than") != NULL);
}

/* The strings of all statements together stop at SCRIPT_DATA_MAX (1 MiB
 * in this test): the statement that would pass it is an error at its
 * string, and a failed line gives back nothing it counted. */
TEST(script_data_cap)
{
	struct script *s = script_new("t.mm");
	struct script_error e;
	const char *big = "P: store 0 \"x\"*262144", *one = "P: store 0 \"y\"";

	CHECK(s != NULL);
	CHECK_EQ(script_parse_line(s, "spawn P", 7, 1, &e), 1);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(script_parse_line(s, big, strlen(big), 2 + i, &e), 1);
	CHECK_EQ(s->datatotal, 1 << 20);
	CHECK_EQ(script_parse_line(s, one, strlen(one), 6, &e), -1);
	CHECK_EQ(e.line, 6);
	CHECK_EQ(e.col, 12);
	CHECK(strstr(e.msg, "may hold 1048576 bytes in all") != NULL);
	CHECK_EQ(s->datatotal, 1 << 20);
	CHECK_EQ(script_parse_line(s, "P: store 0 \"\"", 13, 7, &e), 1);
	script_free(s);
	CHECK_ERR(in_p("file f text=\"a\"*1048577\n"), 2, 17, "in all");
	CHECK_ERR(in_p("P: store 0 \"ab\" \"c\"*1048575\n"), 2, 21, "would make 1048577");
}

/* Names are looked up through a hash index: 100,000 names and as many
 * lookups compare a few names each (a list would compare ~5e9). */
TEST(names_hashed)
{
	enum { N = 100000, NP = 1000 };
	struct strbuf sb = {0};
	struct script_error e;
	struct script *s = NULL;

	for (int i = 0; i < NP; i++)
		sb_printf(&sb, "spawn p%d\n", i);
	sb_printf(&sb, "v0 = 1\n");
	for (int i = 1; i < N; i++)
		sb_printf(&sb, "v%d = v%d+1\n", i, i / 2);
	for (int i = 0; i < NP; i++)
		sb_printf(&sb, "p%d: munmap v%d 4K\n", i, i * 97);
	CHECK_EQ(script_parse_string("t.mm", sb.s, sb.len, &s, &e), 0);
	sb_free(&sb);
	CHECK_EQ(s->nnames, N);
	CHECK_EQ(s->nprocs, NP);
	CHECK_EQ(s->stmt[NP + 7].arg[0].ref[0].slot, 3);
	CHECK_EQ(s->stmt[s->n - 1].proc, NP - 1);
	CHECK_EQ(s->stmt[s->n - 1].arg[0].ref[0].slot, (NP - 1) * 97);
	/* About 6 lookups and inserts per line; each compares ~1-2 names. */
	CHECK(s->name_cmps < 10ULL * (N + 2 * NP));
	script_free(s);
}

TEST(process_errors)
{
	CHECK_ERR("P: maps\n", 1, 1, "unknown process 'P'");
	CHECK_ERR("spawn P\nQ: maps\n", 2, 1, "unknown process 'Q'");
	CHECK_ERR("spawn P\nP: exit\nP: maps\n", 3, 1, "process 'P' has exited (line 2)");
	CHECK_ERR("spawn P\nspawn P\n", 2, 7, "process 'P' already exists");
	CHECK_ERR("spawn P\nfork P P\n", 2, 8, "process 'P' already exists");
	CHECK_ERR("fork P Q\n", 1, 6, "unknown process 'P'");
	CHECK_ERR("spawn P\nfork P\n", 2, 7, "missing Q");
	CHECK_ERR("spawn\n", 1, 6, "missing P");
	CHECK_ERR("spawn 3\n", 1, 7, "expected a process name");
	CHECK_ERR("spawn P Q\n", 1, 9, "too many arguments");
	CHECK_ERR("x = 1\nspawn x\n", 2, 7, "'x' is already a value name");
	CHECK_ERR("x = 1\nx: maps\n", 2, 1, "'x' is a value, not a process");
	CHECK_ERR("spawn P\nP = 3\n", 2, 1, "'P' is a process name");
	CHECK_ERR("spawn P\nP: P = mmap 0 4K read private\n", 2, 4, "'P' is a process name");
	CHECK_ERR("spawn P\nP maps\n", 2, 2, "expected ':' after process name 'P'");
	CHECK_ERR("spawn P\nP:\n", 2, 3, "expected an operation after ':'");
	CHECK_ERR("spawn P\nP: a =\n", 2, 7, "expected an operation after '='");
	CHECK_ERR("spawn P\nP: sync\n", 2, 4, "'sync' is a top-level statement");
	CHECK_ERR("spawn P\nP: spawn Q\n", 2, 4, "'spawn' is a top-level statement");
	/* After exit the name may be spawned again. */
	PARSE(s, "spawn P\nP: exit\nspawn P\nP: maps\n");
	CHECK_EQ(s->n, 4);
	script_free(s);
}

TEST(statement_errors)
{
	CHECK_ERR("bogus 1 2\n", 1, 1, "unknown statement 'bogus'");
	CHECK_ERR("mmap 0 4K read private\n", 1, 1, "'mmap' runs in a process");
	CHECK_ERR("123\n", 1, 1, "expected a statement");
	CHECK_ERR("  \"x\"\n", 1, 3, "expected a statement");
	CHECK_ERR("spawn P\nP: mmapp 0 4K\n", 2, 4, "unknown operation 'mmapp'");
	CHECK_ERR("spawn P\nP: a = maps\n", 2, 8, "'maps' has no value to bind");
	CHECK_ERR("spawn P\nP: a = load 0 1\n", 2, 8, "'load' has no value to bind");
	CHECK_ERR("spawn P\nP: mmap. 0\n", 2, 8, "unexpected '.' after the operation");
	CHECK_ERR("sync now\n", 1, 6, "too many arguments");
	CHECK_ERR("x =\n", 1, 4, "missing EXPR");
	CHECK_ERR("x = 1 2\n", 1, 7, "unexpected text after the expression");
	CHECK_ERR("spawn P\n\x01\n", 2, 1, "control character 0x01");
	CHECK_ERR("spawn P\nP: maps \x7f\n", 2, 9, "control character 0x7f");
	CHECK_ERR("spawn P\n\xc3\xa9\n", 2, 1, "expected a statement");
	/* The error is on the first bad line, the later ones are not read. */
	CHECK_ERR("spawn P\n\n\nP: bad\nP: worse\n", 4, 4, "unknown operation 'bad'");
}

TEST(did_you_mean)
{
	CHECK_ERR("spwan P\n", 1, 1, "unknown statement 'spwan'; did you mean 'spawn'?");
	CHECK_ERR("spawn P\nP: mmapp 0 4K\n", 2, 4, "'mmapp'; did you mean 'mmap'?");
	CHECK_ERR("spawn P\nP: mmap 0 4K read|wrte private\n", 2, 19,
		  "(one of: none read write exec growsdown growsup); did you mean 'write'?");
	CHECK_ERR("spawn P\nP: madvise 0 4K dontned\n", 2, 17, "; did you mean 'dontneed'?");
	/* every word is listed, however long the list */
	CHECK_ERR("spawn P\nP: madvise 0 4K dontned\n", 2, 17, " guard_remove)");
	CHECK_ERR("spawn P\nP: mmap 0 4K read private|fixd\n", 2, 27,
		  "nonblock hugetlb sync uninitialized hassemaphore); did you mean 'fixed'?");
	CHECK_ERR("spawn P\nP: addr = mmap 0 4K read private\nP: munmap adr 4K\n", 3, 11,
		  "unbound name 'adr'; did you mean 'addr'?");
	CHECK_ERR(
	    "spawn Parent\nParnet: maps\n", 2, 1,
	    "unknown process 'Parnet' (create it with spawn or fork); did you mean 'Parent'?");
	/* nothing near: no suggestion */
	CHECK_ERR("zzzzzz\n", 1, 1, "unknown statement 'zzzzzz'");
	struct script_error e;
	CHECK(parse("zzzzzz\n", &e) == NULL && !strstr(e.msg, "did you mean"));
}

TEST(argument_count_errors)
{
	CHECK_ERR(in_p("P: munmap 0x1000\n"), 2, 17, "missing LEN (usage: munmap ADDR LEN)");
	CHECK_ERR(in_p("P: mmap 0 4K read\n"), 2, 18, "missing FLAGS");
	CHECK_ERR(in_p("P: mmap 0 4K read private -1 0 7\n"), 2, 32, "too many arguments");
	CHECK_ERR(in_p("P: maps all\n"), 2, 9, "too many arguments (usage: maps)");
	CHECK_ERR(in_p("P: mremap 0 4K\n"), 2, 15, "missing NEWLEN");
	CHECK_ERR(in_p("P: open\n"), 2, 8, "missing PATH");
	CHECK_ERR(in_p("P: write 3 # nothing\n"), 2, 12, "missing STRING");
	CHECK_ERR(in_p("P: touch 0 4K\n"), 2, 14, "missing read|write");
	CHECK_ERR("cat\n", 1, 4, "missing PATH");
	CHECK_ERR("cat f 1 2 3\n", 1, 11, "too many arguments");
	CHECK_ERR("file\n", 1, 5, "missing PATH");
}

TEST(flag_errors)
{
	CHECK_ERR(in_p("P: mmap 0 4K red private\n"), 2, 14, "unknown prot flag 'red'");
	CHECK_ERR(in_p("P: mmap 0 4K read privat\n"), 2, 19, "unknown mmap flag 'privat'");
	CHECK_ERR(in_p("P: mmap 0 4K read private|\n"), 2, 27, "expected mmap flag");
	CHECK_ERR(in_p("P: mmap 0 4K read| private\n"), 2, 19, "expected prot flag");
	CHECK_ERR(in_p("P: mmap 0 4K read|-1 private\n"), 2, 19, "expected prot flag");
	CHECK_ERR(in_p("P: mprotect 0 4K 0x1z\n"), 2, 18, "bad number");
	CHECK_ERR(in_p("P: madvise 0 4K dontneed|free\n"), 2, 25, "only one madvise advice");
	CHECK_ERR(in_p("P: madvise 0 4K nothing\n"), 2, 17, "unknown madvise advice");
	CHECK_ERR(in_p("P: touch 0 4K exec\n"), 2, 15, "unknown access 'exec'");
	CHECK_ERR(in_p("P: msync 0 4K now\n"), 2, 15, "unknown msync flag 'now'");
	CHECK_ERR(in_p("P: mremap 0 4K 8K move\n"), 2, 19, "unknown mremap flag");
	CHECK_ERR(in_p("P: open f rw\n"), 2, 11, "unknown open flag 'rw'");
	CHECK_ERR(in_p("P: mlockall all\n"), 2, 13, "unknown mlockall flag");
	CHECK_ERR(in_p("P: mlock 0 4K now\n"), 2, 15, "unknown mlock flag");
	CHECK_ERR(in_p("P: fill 0 4K 256\n"), 2, 14, "a byte must be 0..255");
	CHECK_ERR(in_p("P: fill 0 4K -1\n"), 2, 14, "a byte must be 0..255");
	CHECK_ERR(in_p("x = 1\nP: fill 0 4K x\n"), 3, 14, "a byte must be a constant");
}

TEST(file_statement_errors)
{
	CHECK_ERR("file a mode=3\n", 1, 8, "expected size=, fill= or text=");
	CHECK_ERR("file a size=1 size=2\n", 1, 15, "'size' given twice");
	CHECK_ERR("file a size 1\n", 1, 12, "expected '=' after 'size'");
	CHECK_ERR("file a fill=300\n", 1, 13, "a byte must be 0..255");
	CHECK_ERR("file a text=abc\n", 1, 13, "expected a \"quoted string\" after text=");
	CHECK_ERR("file \"a\"b\n", 1, 9, "unexpected 'b' after a string");
}

/* The prompt's promise: a line that fails changes nothing. */
TEST(failed_line_changes_nothing)
{
	struct script *s = script_new("<stdin>");
	struct script_error err;
	const char *ok1 = "spawn P", *bad1 = "P: a = mmap 0 4K read privat",
		   *bad2 = "fork P Q extra", *bad3 = "P: exit now",
		   *ok2 = "P: a = mmap 0 4K read private|anonymous";

	CHECK(s != NULL);
	CHECK_EQ(script_parse_line(s, ok1, strlen(ok1), 1, &err), 1);
	CHECK_EQ(script_parse_line(s, bad1, strlen(bad1), 2, &err), -1);
	CHECK_EQ(s->nnames, 0);
	CHECK_EQ(script_parse_line(s, bad2, strlen(bad2), 3, &err), -1);
	CHECK_EQ(s->nprocs, 1);
	CHECK_EQ(script_parse_line(s, bad3, strlen(bad3), 4, &err), -1);
	CHECK_EQ(s->procs[0].alive, 1);
	CHECK_EQ(s->n, 1);
	CHECK_EQ(script_parse_line(s, "  # just a comment", 18, 5, &err), 0);
	CHECK_EQ(script_parse_line(s, ok2, strlen(ok2), 6, &err), 1);
	CHECK_EQ(s->nnames, 1);
	CHECK_EQ(s->n, 2);
	CHECK_EQ(s->stmt[1].line, 6);
	script_free(s);
}

TEST(text_and_line_endings)
{
	PARSE(s, "spawn P\r\n  P:  maps   # the maps\r\nP: store 0 \"#\" # c\n"
		 "P: maps");
	CHECK_EQ(s->n, 4);
	CHECK_STR(s->stmt[0].text, "spawn P");
	CHECK_STR(s->stmt[1].text, "P:  maps");
	CHECK_STR(s->stmt[2].text, "P: store 0 \"#\"");
	CHECK_EQ(s->stmt[3].line, 4);
	script_free(s);
}

TEST(error_print_format)
{
	struct script_error e;
	char buf[512];
	struct script *s = parse("spawn P\nP: munmap 0x1000\n", &e);
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	CHECK(s == NULL && f != NULL);
	script_error_print(f, "t.mm", &e);
	fclose(f);
	CHECK_STR(buf, "t.mm:2:17: error: missing LEN (usage: munmap ADDR LEN)\n"
		       "    2 | P: munmap 0x1000\n"
		       "      |                 ^\n");
}

TEST(parse_file_errors)
{
	struct script *s;
	struct script_error e;
	CHECK_EQ(script_parse_file("/nonexistent/x.mm", &s, &e), -1);
	CHECK(s == NULL);
	CHECK_EQ(e.line, 0);
	CHECK(strstr(e.msg, "cannot open") != NULL);
}

/* Renders bytes as results print them. */
static const char *render(const void *p, size_t n)
{
	static struct strbuf sb;
	sb_reset(&sb);
	sb_put_bytes(&sb, p, n);
	return sb.s;
}

TEST(bytes_rendering)
{
	CHECK_STR(render("", 0), "\"\"");
	CHECK_STR(render("hello\n", 6), "\"hello\\n\"");
	CHECK_STR(render("a\"b\\c\t\r", 7), "\"a\\\"b\\\\c\\t\\r\"");
	CHECK_STR(render("\0"
			 "1\0x",
			 4),
		  "\"\\x001\\0x\"");
	CHECK_STR(render("\x80\xff\x01", 3), "\"\\x80\\xff\\x01\"");
	char buf[4200];
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "hi", 2);
	CHECK_STR(render(buf, 4098), "\"hi\" \"\\0\"*4096");
	memset(buf, 'a', 15);
	CHECK_STR(render(buf, 15), "\"aaaaaaaaaaaaaaa\"");
	memset(buf, 'a', 16);
	buf[16] = 'b';
	CHECK_STR(render(buf, 17), "\"a\"*16 \"b\"");
}

/* Rendered bytes pasted into a script read back as the same bytes. */
TEST(bytes_round_trip)
{
	unsigned char buf[3000];
	unsigned seed = 12345;
	for (int round = 0; round < 200; round++) {
		size_t n = (size_t)(round * 13) % sizeof(buf);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			/* Mostly runs and text, sometimes anything. */
			unsigned r = (seed >> 16) % 8;
			buf[i] = r < 3 && i ? buf[i - 1]
				 : r < 6    ? (unsigned char)('0' + r)
					    : (unsigned char)(seed >> 8);
		}
		struct strbuf sb = {NULL, 0, 0};
		sb_puts(&sb, "spawn P\nP: store 0 ");
		sb_put_bytes(&sb, buf, n);
		PARSE(s, sb.s);
		sb_free(&sb);
		CHECK_EQ(s->stmt[1].datalen, n);
		CHECK(n == 0 || memcmp(s->stmt[1].data, buf, n) == 0);
		script_free(s);
	}
}

TEST(sizes_and_errnos)
{
	struct strbuf sb = {NULL, 0, 0};
	sb_put_size(&sb, 0);
	sb_puts(&sb, " ");
	sb_put_size(&sb, 4096);
	sb_puts(&sb, " ");
	sb_put_size(&sb, 1536);
	sb_puts(&sb, " ");
	sb_put_size(&sb, 3ULL << 30);
	sb_puts(&sb, " ");
	sb_put_errno(&sb, -22);
	sb_puts(&sb, " ");
	sb_put_errno(&sb, -99999);
	sb_puts(&sb, " ");
	sb_put_errno(&sb, -EMSGSIZE);
	sb_puts(&sb, " ");
	sb_put_errno(&sb, -EPIPE);
	CHECK_STR(sb.s, "0 4K 1536 3G -EINVAL -E99999 -EMSGSIZE -EPIPE");
	sb_free(&sb);
}

T_MAIN
