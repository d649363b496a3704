/*
 * driver.c - runs parsed statements on a backend and formats their results.
 *
 * Owns: the run-time state of a script (the value of each name slot, the
 * backend handle of each process slot) and the whole output format, which
 * docs/SCRIPTS.md ("Output") describes.  Every statement appends exactly one
 * result line:
 *
 *     LINE TEXT -> RESULT          e.g.   7 P: a = mmap 0 8K rw.. -> 0x7ffff7ffd000
 *     LINE TEXT                    views, followed by their text indented
 *         TEXT...                  by four spaces
 *       | TRACE                    --trace: what the machinery did, after
 *                                  the result of the statement that caused it
 *
 * Invariants:
 *   - output depends only on backend results, never on pids, host addresses
 *     or timing, so the two backends' outputs compare byte for byte;
 *   - a process slot holds a handle exactly while the backend process is
 *     alive as far as the driver knows (EXIT always ends the handle);
 *   - a name slot holds the raw result (ret) of the last statement that bound
 *     it, an -errno included, as the value a program's variable would hold.
 *
 * Trace lines name other processes by creation ordinal ("[#2] ..."); the
 * driver rewrites the ordinal to the script's process name ("[Q] ...").  The
 * mmkit backend counts ordinals as the driver does: successful spawns and
 * forks, from 1.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "mmkit.h"

/*
 * What one statement may cost the host, the same way for both backends
 * (docs/SCRIPTS.md, "Limits"):
 *   - `file` writes at most FILE_SIZE_MAX bytes (else -EFBIG): a bound on
 *     the disk and the time it takes; its memory is one chunk (the backends
 *     write it a piece at a time);
 *   - load, read, pread and cat print at most PRINT_MAX bytes: a load of
 *     more is -EFBIG without loading; read, pread and cat ask the backend
 *     for at most PRINT_MAX + 1 bytes and answer -EFBIG when they get more
 *     (so a huge LEN on a small file still works, and a cat of a huge or
 *     sparse file reads PRINT_MAX + 1 bytes, not the file).
 */
#define FILE_SIZE_MAX (1ULL << 30)
#define PRINT_MAX     (16ULL << 20)

struct driver {
	const struct backend_ops *ops;
	struct backend *b;
	struct bk_options opt; /* as opened, with the driver's trace hook */
	uint64_t *vals;	       /* by name slot */
	int nvals;
	struct bk_proc **procs; /* by process slot; NULL: none alive */
	int nprocs;
	char **ordname; /* process name by creation ordinal - 1 */
	int nord;
	struct strbuf trace; /* trace lines of the running statement, '\n' each */
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fputs("mmkit: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/* Grows an array of slots (zeroing the new ones) to hold `need` entries. */
static void slots_grow(void **arr, int *have, int need, size_t elem)
{
	if (need <= *have)
		return;
	char *p = xcalloc((size_t)need, elem);
	if (*have)
		memcpy(p, *arr, (size_t)*have * elem);
	free(*arr);
	*arr = p;
	*have = need;
}

static void trace_collect(void *arg, const char *line)
{
	struct driver *d = arg;
	sb_puts(&d->trace, line);
	sb_puts(&d->trace, "\n");
}

/* bk_options.proc_name: the script's name for the Nth process created. */
static const char *trace_proc_name(void *arg, int ordinal)
{
	struct driver *d = arg;
	return ordinal >= 1 && ordinal <= d->nord ? d->ordname[ordinal - 1] : NULL;
}

int driver_open(const struct backend_ops *ops, const struct bk_options *opt, struct driver **out)
{
	struct driver *d = xcalloc(1, sizeof(*d));
	int r;

	d->ops = ops;
	d->opt = *opt;
	d->opt.trace_line = opt->trace ? trace_collect : NULL;
	d->opt.trace_arg = opt->trace ? d : NULL;
	d->opt.proc_name = opt->trace ? trace_proc_name : NULL;
	r = ops->open(&d->opt, &d->b);
	if (r < 0) {
		free(d);
		return r;
	}
	*out = d;
	return 0;
}

/* ---- Evaluation --------------------------------------------------------- */

static uint64_t eval(const struct driver *d, const struct sexpr *e)
{
	uint64_t v = e->k;
	for (int i = 0; i < e->nref; i++) {
		uint64_t x = d->vals[e->ref[i].slot];
		v = e->ref[i].neg ? v - x : v + x;
	}
	return v;
}

static void op_from_stmt(const struct driver *d, const struct stmt *st, struct bk_op *op)
{
	memset(op, 0, sizeof(*op));
	op->code = st->op;
	for (int i = 0; i < st->nargs && i < 6; i++)
		op->a[i] = (int64_t)eval(d, &st->arg[i]);
	op->path = st->path;
	op->data = st->data;
	op->datalen = st->datalen;
}

/* ---- Formatting results ------------------------------------------------- */

static const char *signal_name(int signo)
{
	switch (signo) {
	case MMK_SIGSEGV:
		return "SIGSEGV";
	case MMK_SIGBUS:
		return "SIGBUS";
	case MMK_SIGKILL:
		return "SIGKILL";
	default:
		return NULL;
	}
}

static const char *sigcode_name(int signo, int code)
{
	static const char *const segv[] = {NULL, "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR",
					   "SEGV_PKUERR"};
	static const char *const bus[] = {NULL,		"BUS_ADRALN",	 "BUS_ADRERR",
					  "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO"};
	if (signo == MMK_SIGSEGV && code > 0 && code < 5)
		return segv[code];
	if (signo == MMK_SIGBUS && code > 0 && code < 6)
		return bus[code];
	return NULL;
}

/* "SIGSEGV (SEGV_MAPERR) at 0x1000"; SIGKILL has neither code nor address. */
static void put_signal(struct strbuf *out, const struct bk_reply *r)
{
	const char *sig = signal_name(r->signo), *code = sigcode_name(r->signo, r->code);

	if (sig)
		sb_puts(out, sig);
	else
		sb_printf(out, "signal %d", r->signo);
	if (r->signo == MMK_SIGKILL)
		return;
	if (code)
		sb_printf(out, " (%s)", code);
	else
		sb_printf(out, " (code %d)", r->code);
	sb_printf(out, " at 0x%" PRIx64, r->addr);
}

/* A value that is not known to be an address: small negatives as -N, else
 * hex (names mostly hold addresses and sizes). */
static void put_value(struct strbuf *out, uint64_t v)
{
	if ((int64_t)v < 0 && (int64_t)v > -4096)
		sb_printf(out, "%" PRId64, (int64_t)v);
	else
		sb_printf(out, "0x%" PRIx64, v);
}

void driver_put_name(const struct driver *d, int slot, struct strbuf *out)
{
	put_value(out, slot >= 0 && slot < d->nvals ? d->vals[slot] : 0);
	sb_puts(out, "\n");
}

/* mincore's vector: one digit per page (bit 0: resident); past 64 pages
 * as runs, "1*16 0*240". */
static void put_mincore(struct strbuf *out, const unsigned char *v, size_t n)
{
	if (n <= 64) {
		for (size_t i = 0; i < n; i++)
			sb_printf(out, "%d", v[i] & 1);
		if (!n)
			sb_puts(out, "(no pages)");
		return;
	}
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && (v[j] & 1) == (v[i] & 1))
			j++;
		sb_printf(out, "%s%d*%zu", i ? " " : "", v[i] & 1, j - i);
		i = j;
	}
}

/* One line per page of a pagemap reply, indented. */
static void put_pagemap(struct strbuf *out, uint64_t addr, const struct bk_reply *r)
{
	const struct mmk_pageinfo *pi = (const void *)r->data;
	size_t n = r->datalen / sizeof(*pi);

	for (size_t i = 0; i < n; i++, pi++) {
		sb_printf(out, "    0x%" PRIx64, addr + (uint64_t)i * (uint64_t)MMK_PAGE_SIZE);
		if (!pi->present) {
			sb_puts(out, pi->guard ? " not present guard\n" : " not present\n");
			continue;
		}
		sb_printf(out, " pfn %" PRIu64 "%s%s%s%s%s%s mapcount %u refcount %u\n", pi->pfn,
			  pi->anon ? " anon" : "", pi->file ? " file" : "",
			  pi->zero ? " zero-page" : "", pi->writable ? " writable" : " read-only",
			  pi->dirty ? " dirty" : "", pi->exclusive ? " exclusive" : "",
			  pi->mapcount, pi->refcount);
	}
}

/* Text of a view, each line indented by four spaces. */
static void put_indented(struct strbuf *out, const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		sb_puts(out, "    ");
		sb_putn(out, text + i, n);
		sb_puts(out, "\n");
		i += n + 1;
	}
}

static int is_view(enum bk_opcode op)
{
	return op == BK_MAPS || op == BK_SMAPS || op == BK_STATUS || op == BK_PAGEMAP ||
	       op == BK_VMSTAT;
}

/* Appends the result of an operation that ran; ends with a newline. */
static void put_op_result(struct strbuf *out, const struct stmt *st, const struct bk_op *op,
			  const struct bk_reply *r)
{
	if (r->signo) {
		sb_puts(out, " -> ");
		put_signal(out, r);
		sb_puts(out, "\n");
		return;
	}
	if (r->ret < 0) {
		sb_puts(out, " -> ");
		sb_put_errno(out, r->ret);
		/* Backends answer -ENOSYS for an operation they lack; no
		 * simulated call returns it, unlike -EOPNOTSUPP (a real
		 * result of mmap with MAP_SHARED_VALIDATE, for one). */
		if (r->ret == -ENOSYS)
			sb_puts(out, " (not supported by this backend)");
		sb_puts(out, "\n");
		return;
	}
	if (is_view(st->op)) {
		const char *text = r->text ? r->text : "";
		if (st->op == BK_PAGEMAP ? r->datalen == 0 : *text == '\0') {
			sb_puts(out, " -> (empty)\n");
			return;
		}
		sb_puts(out, "\n");
		if (st->op == BK_PAGEMAP)
			put_pagemap(out, (uint64_t)op->a[0], r);
		else
			put_indented(out, text, strlen(text));
		return;
	}
	sb_puts(out, " -> ");
	switch (st->op) {
	case BK_MMAP:
	case BK_MREMAP:
	case BK_BRK:
		sb_printf(out, "0x%" PRIx64, (uint64_t)r->ret);
		break;
	case BK_READ:
	case BK_PREAD:
		sb_printf(out, "%" PRId64 " ", r->ret);
		sb_put_bytes(out, r->data, r->datalen);
		break;
	case BK_CAT:
	case BK_LOAD:
		sb_put_bytes(out, r->data, r->datalen);
		break;
	case BK_MINCORE:
		put_mincore(out, r->data, r->datalen);
		break;
	case BK_FAULTS:
		if (r->datalen >= sizeof(struct bk_faults)) {
			const struct bk_faults *f = (const void *)r->data;
			sb_printf(out, "minor %" PRIu64 " major %" PRIu64, f->minor, f->major);
		} else {
			sb_puts(out, "(no counts)");
		}
		break;
	default:
		sb_printf(out, "%" PRId64, r->ret);
	}
	sb_puts(out, "\n");
}

/* Appends the pending trace lines as "  | ...", naming processes. */
static void flush_trace(struct driver *d, struct strbuf *out)
{
	const char *p = d->trace.s;
	size_t len = d->trace.len, i = 0;

	while (i < len) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (p + i)) : len - i;
		const char *line = p + i;
		int ord = 0, skip = 0;
		sb_puts(out, "  | ");
		if (sscanf(line, "[#%d] %n", &ord, &skip) == 1 && skip > 0 && ord >= 1 &&
		    ord <= d->nord && (size_t)skip <= n) {
			sb_printf(out, "[%s] ", d->ordname[ord - 1]);
			line += skip;
			n -= (size_t)skip;
		} else if (sscanf(line, "{\"proc\":\"#%d\"%n", &ord, &skip) == 1 && skip > 0 &&
			   ord >= 1 && ord <= d->nord && (size_t)skip <= n) {
			/* --trace=json: the process by its script name (a plain
			 * word, so no escaping) */
			sb_printf(out, "{\"proc\":\"%s\"", d->ordname[ord - 1]);
			line += skip;
			n -= (size_t)skip;
		}
		sb_putn(out, line, n);
		sb_puts(out, "\n");
		i += (size_t)(line - (p + i)) + n + 1;
	}
	sb_reset(&d->trace);
}

/* ---- Running statements ------------------------------------------------- */

/* A process was created in slot `slot`: remember its handle and ordinal. */
static void proc_created(struct driver *d, const struct script *s, int slot, struct bk_proc *p)
{
	d->procs[slot] = p;
	char **names = xcalloc((size_t)d->nord + 1, sizeof(char *));
	if (d->nord)
		memcpy(names, d->ordname, (size_t)d->nord * sizeof(char *));
	free(d->ordname);
	d->ordname = names;
	d->ordname[d->nord] = strdup(s->procs[slot].name);
	if (!d->ordname[d->nord]) {
		fputs("mmkit: out of memory\n", stderr);
		exit(1);
	}
	d->nord++;
}

static void run_let(struct driver *d, const struct stmt *st, struct strbuf *out)
{
	uint64_t v = eval(d, &st->arg[0]);
	d->vals[st->bind] = v;
	sb_puts(out, " -> ");
	put_value(out, v);
	sb_puts(out, "\n");
}

static void run_spawn(struct driver *d, const struct script *s, const struct stmt *st,
		      struct strbuf *out)
{
	struct bk_proc *p = NULL;
	int r;

	if (st->kind == STMT_SPAWN) {
		r = d->ops->spawn(d->b, &p);
	} else if (!d->procs[st->proc]) {
		r = -ESRCH;
	} else {
		r = d->ops->fork(d->b, d->procs[st->proc], &p);
	}
	sb_puts(out, " -> ");
	if (r < 0) {
		sb_put_errno(out, r);
	} else {
		proc_created(d, s, st->kind == STMT_SPAWN ? st->proc : st->proc2, p);
		sb_puts(out, "ok");
	}
	sb_puts(out, "\n");
}

/* The argument that says how many bytes an operation returns to print
 * (read, pread, cat; load's is refused instead, see PRINT_MAX), or -1. */
static int printed_len_arg(enum bk_opcode code)
{
	switch (code) {
	case BK_READ:
	case BK_CAT:
		return 1;
	case BK_PREAD:
		return 2;
	default:
		return -1;
	}
}

/* Whether the driver refuses op before it runs (FILE_SIZE_MAX, PRINT_MAX). */
static int over_limit(const struct bk_op *op)
{
	return (op->code == BK_FILE && (uint64_t)op->a[0] > FILE_SIZE_MAX) ||
	       (op->code == BK_LOAD && (uint64_t)op->a[1] > PRINT_MAX);
}

/* Runs one operation.  Returns 0, or the backend's own -errno failure. */
static int run_op(struct driver *d, const struct stmt *st, struct strbuf *out)
{
	struct bk_proc *p = st->proc >= 0 ? d->procs[st->proc] : NULL;
	int li = printed_len_arg(st->op);
	struct bk_reply r;
	struct bk_op op;
	int rc;

	memset(&r, 0, sizeof(r));
	op_from_stmt(d, st, &op);
	if (li >= 0 && (uint64_t)op.a[li] > PRINT_MAX)
		op.a[li] = (int64_t)PRINT_MAX + 1;
	if (st->proc >= 0 && !p) {
		/* Its spawn or fork failed, or something killed it. */
		r.ret = -ESRCH;
	} else if (over_limit(&op)) {
		r.ret = -EFBIG;
	} else {
		rc = d->ops->call(d->b, p, &op, &r);
		if (rc < 0) {
			sb_puts(out, " -> backend failed: ");
			sb_put_errno(out, rc);
			sb_puts(out, "\n");
			bk_reply_free(&r);
			return rc;
		}
		if (li >= 0 && r.ret >= 0 && r.datalen > PRINT_MAX) {
			bk_reply_free(&r);
			r.datalen = 0;
			r.ret = -EFBIG;
		}
	}
	if (st->op == BK_EXIT && st->proc >= 0)
		d->procs[st->proc] = NULL;
	if (st->bind >= 0)
		d->vals[st->bind] = (uint64_t)r.ret;
	put_op_result(out, st, &op, &r);
	bk_reply_free(&r);
	return 0;
}

int driver_step(struct driver *d, const struct script *s, size_t i, struct strbuf *out)
{
	const struct stmt *st = &s->stmt[i];
	int rc = 0;

	slots_grow((void **)&d->vals, &d->nvals, s->nnames, sizeof(*d->vals));
	slots_grow((void **)&d->procs, &d->nprocs, s->nprocs, sizeof(*d->procs));
	sb_printf(out, "%d %s", st->line, st->text);
	switch (st->kind) {
	case STMT_LET:
		run_let(d, st, out);
		break;
	case STMT_SPAWN:
	case STMT_FORK:
		run_spawn(d, s, st, out);
		break;
	case STMT_OP:
		rc = run_op(d, st, out);
		break;
	}
	flush_trace(d, out);
	return rc;
}

int driver_close(struct driver *d, struct strbuf *out)
{
	int r = d->ops->close(d->b);

	if (r < 0 || d->trace.len) {
		sb_puts(out, "end");
		if (r < 0) {
			sb_puts(out, " -> ");
			sb_put_errno(out, r);
		}
		sb_puts(out, "\n");
	}
	flush_trace(d, out);
	for (int i = 0; i < d->nord; i++)
		free(d->ordname[i]);
	free(d->ordname);
	free(d->vals);
	free(d->procs);
	sb_free(&d->trace);
	free(d);
	return r;
}

struct backend *driver_backend(const struct driver *d)
{
	return d->b;
}

struct bk_proc *driver_proc(const struct driver *d, int slot)
{
	return slot >= 0 && slot < d->nprocs ? d->procs[slot] : NULL;
}

int driver_run(const struct script *s, const struct backend_ops *ops, const struct bk_options *opt,
	       struct strbuf *out)
{
	struct driver *d;
	int r = driver_open(ops, opt, &d), rc = 0;

	if (r < 0) {
		sb_printf(out, "backend %s failed to open: ", ops->name);
		sb_put_errno(out, r);
		sb_puts(out, "\n");
		return r;
	}
	for (size_t i = 0; i < s->n && rc == 0; i++)
		rc = driver_step(d, s, i, out);
	r = driver_close(d, out);
	return rc ? rc : r;
}
