/*
 * fuzz_script.c - libFuzzer harness for the script parser (and the byte
 * rendering that must read back through it).  Build and run: tests/fuzz/run.sh.
 *
 * For every input it checks three promises:
 *   1. parsing the input as a script never crashes, and what it yields is
 *      well formed (every name and process reference is in range, every
 *      statement has its text) or is an error with a sane position;
 *   2. parsing it line by line as the prompt does, where failed lines are
 *      skipped, keeps the same well-formedness (a failed line changes
 *      nothing, so later lines never see half-committed names);
 *   3. rendering the input as bytes (sb_put_bytes) and parsing the result
 *      as a string gives back exactly the input.
 */
#include "../../src/base/madvise_advice.c" /* the advice words the parser reads */
#include "../../tools/mmkit/format.c"
#include "../../tools/mmkit/script.c"
#include "../../tools/mmkit/suggest.c"

/* format.c names errnos through the library; the harness needs no names. */
const char *mmk_errno_name(int err)
{
	(void)err;
	return NULL;
}

static void check_sexpr(const struct script *s, const struct sexpr *e)
{
	if (e->nref < 0 || e->nref > SEXPR_MAX_REFS)
		abort();
	for (int i = 0; i < e->nref; i++)
		if (e->ref[i].slot < 0 || e->ref[i].slot >= s->nnames)
			abort();
}

static void check_script(const struct script *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct stmt *st = &s->stmt[i];
		if (!st->text || st->line <= 0 || st->nargs < 0 || st->nargs > 6)
			abort();
		if (st->proc < -1 || st->proc >= s->nprocs || st->proc2 < -1 ||
		    st->proc2 >= s->nprocs || st->bind < -1 || st->bind >= s->nnames)
			abort();
		if ((st->kind == STMT_SPAWN || st->kind == STMT_FORK) && st->proc < 0)
			abort();
		if (st->kind == STMT_FORK && st->proc2 < 0)
			abort();
		if (st->kind == STMT_LET && st->bind < 0)
			abort();
		if (st->datalen && !st->data)
			abort();
		for (int k = 0; k < 6; k++)
			check_sexpr(s, &st->arg[k]);
	}
}

static void check_error(const struct script_error *e)
{
	if (e->line < 0 || (e->line > 0 && e->col < 1) || !memchr(e->msg, '\0', sizeof(e->msg)) ||
	    !e->msg[0])
		abort();
}

/* Promise 2: the prompt's line-by-line parse. */
static void parse_as_prompt(const char *text, size_t len)
{
	struct script *s = script_new("<stdin>");
	struct script_error err;
	size_t pos = 0;
	int lineno = 0;

	if (!s)
		return;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		size_t before = s->n;
		int nnames = s->nnames, nprocs = s->nprocs;
		if (script_parse_line(s, text + pos, n, ++lineno, &err) < 0) {
			check_error(&err);
			if (s->n != before || s->nnames != nnames || s->nprocs != nprocs)
				abort();
		}
		pos += n + (nl != NULL);
	}
	check_script(s);
	script_free(s);
}

/* Promise 3: rendered bytes read back as the same bytes. */
static void round_trip_bytes(const uint8_t *data, size_t size)
{
	struct strbuf sb = {NULL, 0, 0};
	struct script *s;
	struct script_error err;

	if (size > 4096)
		size = 4096;
	sb_puts(&sb, "spawn P\nP: store 0 ");
	sb_put_bytes(&sb, data, size);
	sb_puts(&sb, "\n");
	if (script_parse_string("rt", sb.s, sb.len, &s, &err) < 0) {
		fprintf(stderr, "round trip failed to parse: %d:%d: %s\n", err.line, err.col,
			err.msg);
		abort();
	}
	if (s->n != 2 || s->stmt[1].datalen != size ||
	    (size && memcmp(s->stmt[1].data, data, size) != 0))
		abort();
	script_free(s);
	sb_free(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script *s = NULL;
	struct script_error err;

	memset(&err, 0, sizeof(err));
	if (script_parse_string("fuzz", (const char *)data, size, &s, &err) == 0) {
		check_script(s);
		script_free(s);
	} else {
		check_error(&err);
	}
	parse_as_prompt((const char *)data, size);
	round_trip_bytes(data, size);
	return 0;
}
