/*
 * fuzz_guided.c - `mmkit fuzz --guided`: differential fuzzing guided by the
 * edge coverage of the library, as AFL and syzkaller guide theirs.
 *
 *   mmkit fuzz --guided [--seed N] [--count N] [--corpus DIR] [--out DIR]
 *                       [--compare-every N] [--per-file] [--mmkit-only]
 *   mmkit fuzz --unguided [--seed N] [--count N] [--compare-every N] [--per-file]
 *                         [--mmkit-only]
 *   mmkit fuzz --coverage-report PATH...
 *
 * The loop: a candidate script is either a fresh one from the generator
 * (fuzz.c; one in four) or a mutant of a corpus script (blocks of
 * statements inserted, statements deleted,
 * replaced or duplicated, an argument replaced by an edge value, two
 * scripts spliced).  It runs first on mmkit alone (cheap: the host kernel
 * side costs ten to a hundred times more), with the library's edge counters
 * (cov.h) reset.  A candidate that hits an edge never hit before joins the
 * corpus (written to the corpus directory,
 * so a later run resumes from it) and is checked against the host kernel
 * as `mmkit fuzz` checks (a disagreement is confirmed, shrunk and saved to
 * --out).  One candidate in --compare-every of the others is checked too;
 * a candidate that makes mmkit fail or crash always is.
 *
 * --mmkit-only compares nothing with the host (coverage measurements).
 * --unguided runs the plain generator's scripts the same way, keeping no
 * corpus: the baseline that guidance is measured against.  Both end with
 * the edges of src/ reached (hit / total guards) and, with --per-file, a
 * line per source file.  --coverage-report runs the given scripts (files,
 * or every *.mm of a directory) on mmkit and reports the same.
 *
 * Coverage needs the coverage build (`make MODE=cov`, build-cov/mmkit); in
 * another build every count is 0 and --guided refuses to run.
 *
 * Owns: the corpus and the mutator (the feature map is fuzz_features.c's).
 * Deterministic for a seed and a starting corpus (the host's answers
 * aside): edges that only some runs of a script reach, such as inode hash
 * collisions among host inode numbers, do not decide what joins the corpus
 * (unless one comes up in both runs of a script; fuzz_features.h).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "checker.h"
#include "cov.h"
#include "driver.h"
#include "fuzz.h"
#include "fuzz_features.h"
#include "opts.h"

/* Tries to make a mutant that parses before giving up on a corpus entry. */
#define MUTATE_TRIES 8

struct grng {
	uint64_t s;
};

/* splitmix64, as fuzz.c's. */
static uint64_t grnd(struct grng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int gbelow(struct grng *r, int n)
{
	return n > 0 ? (int)(grnd(r) % (uint64_t)n) : 0;
}

/* ---- features: the edges hit so far ------------------------------------- */

/* "edges of src/: H / T (P%)", and a line per file with per_file. */
static void features_report(const struct features *f, int per_file)
{
	const struct cov_file *files;
	size_t nfiles, g = 0;

	printf("edges of src/ reached: %zu / %zu (%.1f%%)\n", f->edges, f->total,
	       f->total ? 100.0 * (double)f->edges / (double)f->total : 0.0);
	if (f->chance)
		printf("  of which %zu by chance: one run of a script and not its second "
		       "(fuzz_features.h)\n",
		       f->chance);
	if (!per_file)
		return;
	files = cov_files(&nfiles);
	if (!files) {
		printf("  (no per-file table in this build)\n");
		return;
	}
	for (size_t k = 0; k < nfiles; k++) {
		size_t hit = 0;

		for (size_t i = 0; i < files[k].guards; i++)
			hit += f->state[g + i] != FEATURE_UNSEEN;
		g += files[k].guards;
		if (files[k].guards)
			printf("  %-26s %5zu / %5zu  %5.1f%%\n", files[k].path, hit,
			       files[k].guards, 100.0 * (double)hit / (double)files[k].guards);
	}
}

/* ---- scripts as lines ------------------------------------------------------ */

struct lines {
	char **l;
	int n, cap;
};

static void lines_add(struct lines *ls, int at, const char *s, size_t n)
{
	char *copy = strndup(s, n);

	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? 2 * ls->cap : 64;
		ls->l = realloc(ls->l, (size_t)ls->cap * sizeof(char *));
	}
	if (!ls->l || !copy) {
		fputs("mmkit: out of memory\n", stderr);
		exit(1);
	}
	memmove(ls->l + at + 1, ls->l + at, (size_t)(ls->n - at) * sizeof(char *));
	ls->l[at] = copy;
	ls->n++;
}

static void lines_del(struct lines *ls, int at)
{
	free(ls->l[at]);
	memmove(ls->l + at, ls->l + at + 1, (size_t)(ls->n - at - 1) * sizeof(char *));
	ls->n--;
}

static void lines_split(struct lines *ls, const char *s, size_t len)
{
	const char *end = s + len;

	memset(ls, 0, sizeof(*ls));
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		lines_add(ls, ls->n, s, n);
		s = nl ? nl + 1 : end;
	}
}

/* Lines [0, to) as text. */
static void lines_join(const struct lines *ls, int to, struct strbuf *out)
{
	sb_reset(out);
	for (int i = 0; i < to && i < ls->n; i++) {
		sb_puts(out, ls->l[i]);
		sb_puts(out, "\n");
	}
}

static void lines_free(struct lines *ls)
{
	for (int i = 0; i < ls->n; i++)
		free(ls->l[i]);
	free(ls->l);
}

/* ---- the mutator ----------------------------------------------------------- */

/* Whether an argument of this statement may take a value over 16 MiB: the
 * operations that never populate (as the generator decides, fuzz.c). */
static int line_may_be_big(const char *line)
{
	static const char *const ops[] = {"munmap ",  "mprotect ", "mremap ", "msync ",
					  "mincore ", "brk ",	   "pwrite ", "ftruncate ",
					  "mlock ",   "munlock ",  "name "};
	const char *op = strstr(line, ": ");

	if (!op)
		return 0;
	op += 2;
	if (!strncmp(op, "m", 1) && strstr(op, "= mmap "))
		return !strstr(op, "populate") && !strstr(op, "locked") && !strstr(op, "0x2000") &&
		       !strstr(op, "0x8000");
	if (strstr(op, "= madvise ") || !strncmp(op, "madvise ", 8))
		return !strstr(op, "populate") && !strstr(op, "willneed") && !strstr(op, " 22") &&
		       !strstr(op, " 23") && !strstr(op, " 3");
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		const char *p = strstr(op, ops[i]);

		if (p && (p == op || p[-1] == ' '))
			return 1;
	}
	return 0;
}

/* Whether argument i (from 0) of the operation whose word starts at op may
 * take any value.  Not: open's flags and mlockall's (bits mmkit does not
 * model are a documented difference, MCL_CURRENT would lock the Linux
 * server's own memory), madvise's advice (a mutated advice could make a
 * large range MADV_POPULATE_*, which the host would fill), mmap's prot and
 * flags (the generator keeps their documented exceptions out), fill's byte,
 * and the length of a read (the Linux server replies at most 2 MiB; a
 * sparse file may hold terabytes). */
static int arg_mutable(const char *op, int i)
{
	size_t n = strcspn(op, " ");

#define IS(word) (n == strlen(word) && !strncmp(op, word, n))
	if (IS("open") || IS("mlockall"))
		return 0;
	if (IS("read") || IS("cat")) /* cat's path is argument 0 */
		return i < 2 && !(IS("read") && i == 1);
	if (IS("pread"))
		return i < 2;
	if (IS("madvise") || IS("fill"))
		return i < 2;
	if (IS("mmap"))
		return i != 2 && i != 3;
#undef IS
	return 1;
}

/* Replaces one argument word of line i (a number or a name+offset, never
 * the process, the name bound or the operation) by an edge value, or
 * nudges it by a page or a byte. */
static int mutate_argument(struct lines *ls, int i, struct grng *r)
{
	const char *line = ls->l[i];
	const char *w[16];
	int nw = 0, k;
	struct strbuf v = {NULL, 0, 0}, out = {NULL, 0, 0};
	size_t wl;

	for (const char *p = line; *p && nw < 16;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		w[nw++] = p;
		p += strcspn(p, " ");
	}
	/* words worth changing: the arguments that are numbers or
	 * name+offset expressions (after "P:", "NAME =" and the operation) */
	{
		int cand[16], nc = 0, first = 1;

		if (nw && w[0][strcspn(w[0], " ") - 1] == ':')
			first = nw > 2 && w[2][0] == '=' ? 4 : 2;
		for (k = first; k < nw; k++) {
			char c = w[k][0], d = w[k][1];

			if (!arg_mutable(w[first - 1], k - first))
				continue;
			if ((c >= '0' && c <= '9') || c == '-' ||
			    ((c == 'm' || c == 'h') && d >= '0' && d <= '9'))
				cand[nc++] = k;
		}
		if (!nc)
			return -1;
		k = cand[gbelow(r, nc)];
	}
	wl = strcspn(w[k], " ");
	switch (gbelow(r, 5)) {
	case 0:
		/* a nudge; by 2 MiB only where big lengths are harmless */
		sb_printf(&v, "%.*s%s", (int)wl, w[k],
			  (const char *[]){"+4K", "-4K", "+1", "-1",
					   "+2M"}[gbelow(r, line_may_be_big(line) ? 5 : 4)]);
		break;
	default:
		fuzz_gen_value(grnd(r), line_may_be_big(line), &v);
		break;
	}
	sb_printf(&out, "%.*s%s%s", (int)(w[k] - line), line, v.s, w[k] + wl);
	free(ls->l[i]);
	ls->l[i] = strdup(out.s);
	sb_free(&v);
	sb_free(&out);
	return ls->l[i] ? 0 : -1;
}

/* Inserts a generated statement at line `at` (1 <= at <= n); returns how
 * many lines it inserted (0 or 1). */
static int mutate_insert(struct lines *ls, int at, struct grng *r, int allow_name)
{
	struct strbuf prefix = {NULL, 0, 0}, st = {NULL, 0, 0};

	lines_join(ls, at, &prefix);
	fuzz_gen_statement(grnd(r), prefix.s ? prefix.s : "", prefix.len, allow_name, &st);
	if (st.len && st.s[st.len - 1] == '\n')
		st.len--;
	int added = st.len > 0;

	if (added)
		lines_add(ls, at, st.s, st.len);
	sb_free(&prefix);
	sb_free(&st);
	return added;
}

/* One to four stacked mutations of ls (another: a corpus script to splice
 * from). */
static void mutate(struct lines *ls, const struct lines *other, struct grng *r, int allow_name)
{
	int rounds = 1 + gbelow(r, 4);

	for (int k = 0; k < rounds; k++) {
		int i = 1 + gbelow(r, ls->n > 1 ? ls->n - 1 : 1);

		switch (gbelow(r, 10)) {
		case 0:
		case 1:
		case 2:
			/* a block of one to eight statements, each fitting
			 * what the ones before it bound */
			for (int n = 1 + gbelow(r, 8); n > 0; n--)
				i += mutate_insert(ls, i, r, allow_name);
			break;
		case 3:
			if (ls->n > 2)
				lines_del(ls, i < ls->n ? i : ls->n - 1);
			break;
		case 4:
			if (i < ls->n)
				lines_del(ls, i);
			mutate_insert(ls, i, r, allow_name);
			break;
		case 5:
		case 6:
		case 7:
			if (i < ls->n)
				mutate_argument(ls, i, r);
			break;
		case 8:
			if (i < ls->n)
				lines_add(ls, i, ls->l[i], strlen(ls->l[i]));
			break;
		default:
			/* splice: ls's first lines, then other's from a point on */
			if (other && other->n > 1) {
				int from = 1 + gbelow(r, other->n - 1);

				while (ls->n > i)
					lines_del(ls, ls->n - 1);
				for (int j = from; j < other->n; j++)
					lines_add(ls, ls->n, other->l[j], strlen(other->l[j]));
			}
			break;
		}
	}
}

/* ---- the corpus ------------------------------------------------------------ */

struct corpus {
	struct strbuf *text;
	int n, cap;
	const char *dir; /* or NULL: kept in memory only */
};

static void corpus_add(struct corpus *cp, const struct strbuf *text, const char *name)
{
	char fname[128];

	if (cp->n == cp->cap) {
		cp->cap = cp->cap ? 2 * cp->cap : 256;
		cp->text = realloc(cp->text, (size_t)cp->cap * sizeof(*cp->text));
		if (!cp->text) {
			fputs("mmkit: out of memory\n", stderr);
			exit(1);
		}
	}
	memset(&cp->text[cp->n], 0, sizeof(cp->text[0]));
	sb_putn(&cp->text[cp->n], text->s, text->len);
	cp->n++;
	if (cp->dir && name) {
		snprintf(fname, sizeof(fname), "%s.mm", name);
		fuzz_write_file(cp->dir, fname, text->s, text->len);
	}
}

/* Reads one file into out; 0 or -errno. */
static int read_text(const char *path, struct strbuf *out)
{
	FILE *f = fopen(path, "r");
	char buf[65536];
	size_t n;

	if (!f)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_putn(out, buf, n);
	fclose(f);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.mm paths of path (a file itself, or a directory's, sorted). */
static char **list_scripts(const char *path, int *n)
{
	struct stat st;
	char **v = NULL;
	DIR *d;
	struct dirent *e;

	*n = 0;
	if (stat(path, &st) < 0)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		v = malloc(sizeof(char *));
		if (v && (v[0] = strdup(path)))
			*n = 1;
		return v;
	}
	if (!(d = opendir(path)))
		return NULL;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char **nv;

		if (len < 4 || strcmp(e->d_name + len - 3, ".mm"))
			continue;
		nv = realloc(v, (size_t)(*n + 1) * sizeof(char *));
		if (!nv)
			break;
		v = nv;
		if (asprintf(&v[*n], "%s/%s", path, e->d_name) < 0)
			break;
		(*n)++;
	}
	closedir(d);
	qsort(v, (size_t)*n, sizeof(char *), name_cmp);
	return v;
}

/* ---- the loop -------------------------------------------------------------- */

struct run_stats {
	uint64_t scripts, unparsable, compared, passed, failed, invalid, flaky, crashed;
};

/* One run of s on mmkit alone with fresh counters; whether it failed. */
static int run_counted(struct checker *c, const struct script *s)
{
	struct strbuf out = {NULL, 0, 0};
	int r;

	cov_reset();
	r = checker_run_mmkit(c, s, &out);
	sb_free(&out);
	return r != 0;
}

/*
 * Runs text on mmkit alone; returns the new features (0 if it does not
 * parse: *parsed then 0), and in *failed whether the backend failed or
 * died.  With calibrate, a run that reaches an edge not yet seen is made
 * twice and only the edges both runs reach count (fuzz_features.h), so what
 * joins the corpus does not hang on host inode numbers.
 */
static int measure(struct checker *c, struct features *f, const struct strbuf *text,
		   const char *name, int calibrate, int *parsed, int *failed)
{
	struct script_error err;
	struct script *s;
	uint8_t *first;
	size_t fresh;

	*parsed = script_parse_string(name, text->s, text->len, &s, &err) == 0;
	*failed = 0;
	if (!*parsed)
		return 0;
	*failed = run_counted(c, s);
	if (!calibrate || !features_any_new(f, cov_counters())) {
		fresh = features_merge(f, cov_counters(), cov_counters());
	} else if (!(first = malloc(f->total))) {
		fresh = 0; /* out of memory: this one is not kept */
	} else {
		memcpy(first, cov_counters(), f->total);
		run_counted(c, s);
		fresh = features_merge(f, first, cov_counters());
		free(first);
	}
	script_free(s);
	return fresh > 0;
}

/* Checks text against the host and counts the result. */
static void compare(struct checker *c, const struct strbuf *text, const char *name,
		    const char *outdir, struct run_stats *st)
{
	int r = fuzz_check(c, text, name, outdir);

	st->compared++;
	if (r == CHECK_SAME)
		st->passed++;
	else if (r == CHECK_DIFFER)
		st->failed++;
	else if (r == CHECK_FLAKY)
		st->flaky++;
	else
		st->invalid++;
}

static void guided_usage(FILE *f)
{
	fputs(
	    "usage: mmkit fuzz --guided [--seed N] [--count N] [--corpus DIR] [--out DIR]\n"
	    "                  [--compare-every N] [--per-file]\n"
	    "       mmkit fuzz --unguided [--seed N] [--count N] [--compare-every N] [--per-file]\n"
	    "       mmkit fuzz --coverage-report PATH...\n"
	    "Coverage-guided differential fuzzing (needs the coverage build, make MODE=cov):\n"
	    "each script runs on mmkit first; those reaching new edges of src/ join the\n"
	    "corpus and are checked against the host kernel, as is one in N of the rest\n"
	    "(--compare-every, default 20; 0: none).  --unguided: the plain generator\n"
	    "measured the same way.  --coverage-report: the edges the scripts reach.\n",
	    f);
}

/* --coverage-report PATH...: runs every script on mmkit, reports. */
static int coverage_report(struct checker *c, struct features *f, char **paths, int npaths)
{
	int nrun = 0, bad = 0;

	for (int p = 0; p < npaths; p++) {
		int n;
		char **v = list_scripts(paths[p], &n);

		if (!v && n == 0)
			fprintf(stderr, "mmkit fuzz: cannot read %s\n", paths[p]);
		for (int i = 0; i < n; i++) {
			struct strbuf text = {NULL, 0, 0};
			int parsed, failed;

			if (read_text(v[i], &text) == 0) {
				measure(c, f, &text, v[i], 0, &parsed, &failed);
				nrun += parsed;
				bad += !parsed;
			}
			sb_free(&text);
			free(v[i]);
		}
		free(v);
	}
	printf("%d scripts run on mmkit", nrun);
	if (bad)
		printf(" (%d did not parse)", bad);
	printf("\n");
	features_report(f, 1);
	return 0;
}

int cmd_fuzz_guided(int argc, char **argv)
{
	uint64_t seed = 1, count = 1000, every = 20;
	const char *outdir = "tests/out/fuzz", *corpusdir = NULL;
	int guided = 1, per_file = 0, report_from = 0, mmkit_only = 0, allow_name, err;
	struct features f = {0};
	struct corpus cp = {NULL, 0, 0, NULL};
	struct run_stats st;
	struct checker *c = NULL;
	struct grng r;
	time_t t0 = time(NULL);

	enum {
		G_GUIDED,
		G_UNGUIDED,
		G_COVREP,
		G_SEED,
		G_COUNT,
		G_EVERY,
		G_OUT,
		G_CORPUS,
		G_PER_FILE,
		G_MMKIT_ONLY
	};
	static const struct opt guided_opts[] = {
	    [G_GUIDED] = {"--guided", false},
	    [G_UNGUIDED] = {"--unguided", false},
	    [G_COVREP] = {"--coverage-report", false},
	    [G_SEED] = {"--seed", true},
	    [G_COUNT] = {"--count", true},
	    [G_EVERY] = {"--compare-every", true},
	    [G_OUT] = {"--out", true},
	    [G_CORPUS] = {"--corpus", true},
	    [G_PER_FILE] = {"--per-file", false},
	    [G_MMKIT_ONLY] = {"--mmkit-only", false},
	    {NULL, false},
	};
	struct opts o = OPTS_INIT(argc, argv);
	const char *val;
	int k;

	memset(&st, 0, sizeof(st));
	while ((k = opts_next(&o, guided_opts, &val)) != OPT_END) {
		if (k == G_GUIDED) {
			guided = 1;
		} else if (k == G_UNGUIDED) {
			guided = 0;
		} else if (k == G_COVREP) {
			report_from = o.i;
			break;
		} else if (k == G_SEED) {
			if (script_parse_number(val, &seed) < 0)
				goto bad;
		} else if (k == G_COUNT) {
			if (script_parse_number(val, &count) < 0)
				goto bad;
		} else if (k == G_EVERY) {
			if (script_parse_number(val, &every) < 0)
				goto bad;
		} else if (k == G_OUT) {
			outdir = val;
		} else if (k == G_CORPUS) {
			corpusdir = val;
		} else if (k == G_PER_FILE) {
			per_file = 1;
		} else if (k == G_MMKIT_ONLY) {
			mmkit_only = 1;
		} else if (k == OPT_HELP) {
			guided_usage(stdout);
			return 0;
		} else {
			if (k == OPT_BAD)
				opts_complain("mmkit fuzz", val, guided_opts);
			goto bad;
		}
	}
	if (report_from && report_from >= argc)
		goto bad;
	if (!cov_total()) {
		fprintf(stderr, "mmkit fuzz: this build has no coverage counters; "
				"use the coverage build (make MODE=cov, build-cov/mmkit)\n");
		return 2;
	}
	if (features_init(&f, cov_total()) < 0)
		return 1;
	err = checker_open(&c, CHECKER_QUIET);
	if (err) {
		fprintf(stderr, "mmkit fuzz: cannot start the Linux backend: %s\n", strerror(-err));
		features_free(&f);
		return 1;
	}
	if (report_from) {
		coverage_report(c, &f, argv + report_from, argc - report_from);
		checker_close(c);
		features_free(&f);
		return 0;
	}
	allow_name = checker_has_feature("anon_vma_name") == 1;
	if (fuzz_make_dirs(outdir) < 0 || (corpusdir && fuzz_make_dirs(corpusdir) < 0)) {
		fprintf(stderr, "mmkit fuzz: cannot make %s: %s\n", corpusdir ? corpusdir : outdir,
			strerror(errno));
		checker_close(c);
		return 1;
	}
	cp.dir = corpusdir;
	/* A corpus left by an earlier run: its coverage is the starting point. */
	if (guided && corpusdir) {
		int n, parsed, failed;
		char **v = list_scripts(corpusdir, &n);

		for (int i = 0; i < n; i++) {
			struct strbuf text = {NULL, 0, 0};

			if (read_text(v[i], &text) == 0 &&
			    measure(c, &f, &text, v[i], 1, &parsed, &failed))
				corpus_add(&cp, &text, NULL);
			sb_free(&text);
			free(v[i]);
		}
		free(v);
		if (n)
			printf("corpus %s: %d scripts, %d kept; ", corpusdir, n, cp.n);
		features_report(&f, 0);
	}
	r.s = seed * 0x2545f4914f6cdd1dULL + 0x9e37;
	for (uint64_t i = 0; i < count; i++) {
		struct strbuf text = {NULL, 0, 0};
		char name[80];
		int fresh = 0, parsed = 0, failed = 0;

		snprintf(name, sizeof(name), "%s-%" PRIu64 "-%" PRIu64, guided ? "guided" : "plain",
			 seed, i);
		if (!guided || cp.n == 0 || gbelow(&r, 4) == 0) {
			fuzz_generate(seed, i, allow_name, &text);
			fresh = measure(c, &f, &text, name, guided, &parsed, &failed);
		} else {
			for (int t = 0; t < MUTATE_TRIES && !parsed; t++) {
				struct lines ls, other;
				int a = gbelow(&r, cp.n), b = gbelow(&r, cp.n);

				lines_split(&ls, cp.text[a].s, cp.text[a].len);
				lines_split(&other, cp.text[b].s, cp.text[b].len);
				mutate(&ls, &other, &r, allow_name);
				lines_join(&ls, ls.n, &text);
				lines_free(&ls);
				lines_free(&other);
				fresh = measure(c, &f, &text, name, guided, &parsed, &failed);
				if (!parsed)
					st.unparsable++;
			}
		}
		st.scripts += parsed;
		if (parsed && fresh && guided)
			corpus_add(&cp, &text, name);
		if (parsed && failed)
			st.crashed++;
		if (parsed && !mmkit_only &&
		    (failed || (fresh && guided) || (every && i % every == 0)))
			compare(c, &text, name, outdir, &st);
		sb_free(&text);
		if ((i + 1) % 1000 == 0 || i + 1 == count) {
			printf("[%s] %" PRIu64
			       " scripts, corpus %d, edges %zu/%zu, compared %" PRIu64
			       ", failed %" PRIu64 ", %lds\n",
			       guided ? "guided" : "plain", i + 1, cp.n, f.edges, f.total,
			       st.compared, st.failed, (long)(time(NULL) - t0));
			fflush(stdout);
		}
	}
	checker_close(c);
	printf("%s, seed %" PRIu64 ": %" PRIu64 " scripts run on mmkit (%" PRIu64
	       " mutants did not parse), %" PRIu64 " compared with Linux, %" PRIu64
	       " made mmkit fail, corpus %d, %lds\n",
	       guided ? "guided" : "unguided", seed, st.scripts, st.unparsable, st.compared,
	       st.crashed, cp.n, (long)(time(NULL) - t0));
	features_report(&f, per_file);
	printf("%" PRIu64 " passed, %" PRIu64 " failed", st.passed, st.failed);
	if (st.invalid)
		printf(", %" PRIu64 " invalid", st.invalid);
	if (st.flaky)
		printf(", %" PRIu64 " flaky", st.flaky);
	printf("\n");
	for (int i = 0; i < cp.n; i++)
		sb_free(&cp.text[i]);
	free(cp.text);
	features_free(&f);
	return st.failed ? 1 : 0;
bad:
	guided_usage(stderr);
	return 2;
}
