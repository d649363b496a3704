/*
 * shadow_compare.c - how `mmkit shadow` decides that mmkit and the host
 * agree, and how it shows that they do not.
 *
 * A comparison first has mmkit check its own invariants (mmk_system_check),
 * then reads /proc/TID/maps and mmkit's mmk_proc_maps of the task's space
 * and wants them equal byte for byte, then the VMA lines of
 * /proc/TID/status (VmSize, VmData, VmStk, VmExe, VmLib, VmLck) against
 * mmk_proc_status's.  Before it, one thing the program did without a
 * system call is mirrored: the main stack's growth.  A stack grows when
 * the program touches the page below it (a fault, which ptrace does not
 * report); the host's [stack] line says how far it went, and shadow makes
 * the same access in mmkit (mmk_touch at that address, a write as a push
 * is), so mmkit's own expand_stack decides whether and how it grows.
 *
 * One normalization, for what mmkit cannot see (docs/DIFFERENCES.md):
 * the inode number of shared anonymous memory ("/dev/zero (deleted)",
 * "[anon_shmem:NAME]", device 00:01) is a counter of the host kernel's
 * (get_next_ino(), shared by every shmem object since boot).  Each side's
 * numbers are replaced by labels given in order of first appearance, so
 * the comparison still demands a one-to-one correspondence: the same
 * object on both sides wherever one side shows one object.
 *
 * The history keeps the last SH_HISTORY mirrored calls with both results,
 * printed with a difference ("the calls that led there").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shadow.h"

#define SH_HISTORY 20

/* --trace: what mmkit did during the call being mirrored, printed under
 * the call's line once the call is done. */
static char trace_buf[16384];
static size_t trace_len;
static bool trace_cut;

static void trace_flush(void)
{
	fwrite(trace_buf, 1, trace_len, stderr);
	if (trace_cut)
		fputs("    mmkit: ... (more events)\n", stderr);
	trace_len = 0;
	trace_cut = false;
}

static struct {
	pid_t tid;
	char text[400];
	int64_t host, mm;
} history[SH_HISTORY];
static uint64_t history_n;

void sh_history_add(struct shadow *sh, const struct sh_task *t, int64_t host, int64_t mm)
{
	pid_t tid = t->tid;
	unsigned i = (unsigned)(history_n++ % SH_HISTORY);
	history[i].tid = tid;
	sh_call_format(t, false, 0, history[i].text, sizeof(history[i].text));
	history[i].host = host;
	history[i].mm = mm;
	if (sh->trace) {
		char line[300];
		sh_call_format(t, true, host, line, sizeof(line));
		fprintf(stderr, "shadow: [%d] %s\n", (int)tid, line);
		trace_flush();
	}
}

static void put_result(int64_t v)
{
	const char *e = v < 0 && v > -4096 ? mmk_errno_name((int)-v) : NULL;
	if (e)
		fprintf(stderr, "-%s", e);
	else if (v < 0)
		fprintf(stderr, "%" PRId64, v);
	else
		fprintf(stderr, "%#" PRIx64, (uint64_t)v);
}

void sh_history_print(void)
{
	uint64_t first = history_n > SH_HISTORY ? history_n - SH_HISTORY : 0;
	fprintf(stderr,
		"shadow: the last %" PRIu64 " mirrored calls (host result / mmkit result):\n",
		history_n - first);
	for (uint64_t k = first; k < history_n; k++) {
		unsigned i = (unsigned)(k % SH_HISTORY);
		fprintf(stderr, "  [%d] %s = ", (int)history[i].tid, history[i].text);
		put_result(history[i].host);
		fputs(" / ", stderr);
		put_result(history[i].mm);
		fputc('\n', stderr);
	}
}

void sh_result_differs(struct shadow *sh, struct sh_task *t, int64_t host, int64_t mm)
{
	char line[300];
	sh_call_format(t, false, 0, line, sizeof(line));
	fprintf(stderr, "shadow: DIFFERENCE in task %d: %s returned ", (int)t->tid, line);
	put_result(host);
	fputs(" on the host, ", stderr);
	put_result(mm);
	fputs(" in mmkit\n", stderr);
	sh_history_print();
	sh->failed = 1;
}

/* ---- Reading the two sides ---------------------------------------------------- */

char *sh_read_proc(pid_t tid, const char *what)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)tid, what);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t len = 0, cap = 16384;
	char *buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (len + 1 < cap)
			break;
		cap *= 2;
		char *nb = realloc(buf, cap);
		if (!nb) {
			free(buf);
			buf = NULL;
		}
		buf = nb;
	}
	fclose(f);
	if (buf)
		buf[len] = 0;
	return buf;
}

char *sh_read_view(mmk_proc *p, int64_t (*view)(mmk_proc *, char *, uint64_t))
{
	int64_t n = view(p, NULL, 0);
	if (n < 0)
		return NULL;
	char *buf = malloc((size_t)n + 1);
	if (buf && view(p, buf, (uint64_t)n + 1) < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

void sh_sync_faults(struct shadow *sh, struct sh_task *t)
{
	if (!t->sp || t->sp->foreign)
		return;
	char *hm = sh_read_proc(t->tid, "maps");
	char *mm = sh_read_view(t->sp->p, mmk_proc_maps);
	if (hm && mm) {
		sh_stack_sync(t->sp->p, hm, mm);
		sh_unlink_sync(t, hm, mm);
		sh_faults_sync(sh, t, hm);
	}
	free(hm);
	free(mm);
}

/* ---- The shmem inode normalization ------------------------------------------ */

struct ino_labels {
	uint64_t *ino;
	size_t n, cap;
};
static struct ino_labels host_labels, mm_labels;

/* The label of ino: 1 + the order in which this side first showed it. */
static size_t label_of(struct ino_labels *l, uint64_t ino)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->ino[i] == ino)
			return i + 1;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->ino = realloc(l->ino, l->cap * sizeof(*l->ino));
		if (!l->ino) {
			fputs("mmkit: out of memory\n", stderr);
			exit(1);
		}
	}
	l->ino[l->n++] = ino;
	return l->n;
}

/* Whether a maps line's name is shared anonymous memory's. */
static bool shmem_name(const char *name, size_t n)
{
	return (n == 19 && memcmp(name, "/dev/zero (deleted)", 19) == 0) ||
	       (n > 12 && memcmp(name, "[anon_shmem:", 12) == 0);
}

/* Returns a copy of maps text with every shared anonymous line's inode
 * replaced by "shmem#LABEL" and one space before its name. */
static char *normalize_shmem(const char *text, struct ino_labels *l)
{
	size_t cap = strlen(text) + 1, len = 0;
	char *out = malloc(cap + 64);
	if (!out) {
		fputs("mmkit: out of memory\n", stderr);
		exit(1);
	}
	for (const char *line = text; *line;) {
		const char *e = strchr(line, '\n');
		size_t n = e ? (size_t)(e - line) + 1 : strlen(line);
		/* start-end perms offset dev inode name */
		const char *p = line;
		int field = 0;
		while (field < 4 && p < line + n) {
			while (p < line + n && *p != ' ')
				p++;
			while (p < line + n && *p == ' ')
				p++;
			field++;
		}
		const char *dev = line;
		for (int k = 0; k < 3; k++)
			dev = strchr(dev, ' ') + 1;
		const char *ino_end = p;
		while (ino_end < line + n && *ino_end >= '0' && *ino_end <= '9')
			ino_end++;
		const char *name = ino_end;
		while (name < line + n && *name == ' ')
			name++;
		size_t name_len = (size_t)(line + n - name) - (e ? 1 : 0);
		if (field == 4 && memcmp(dev, "00:01 ", 6) == 0 && shmem_name(name, name_len)) {
			if (len + n + 64 > cap) {
				cap = 2 * (len + n + 64);
				out = realloc(out, cap);
				if (!out) {
					fputs("mmkit: out of memory\n", stderr);
					exit(1);
				}
			}
			memcpy(out + len, line, (size_t)(p - line));
			len += (size_t)(p - line);
			len += (size_t)sprintf(out + len, "shmem#%zu ",
					       label_of(l, strtoull(p, NULL, 10)));
			memcpy(out + len, name, (size_t)(line + n - name));
			len += (size_t)(line + n - name);
		} else {
			if (len + n + 64 > cap) {
				cap = 2 * (len + n + 64);
				out = realloc(out, cap);
				if (!out) {
					fputs("mmkit: out of memory\n", stderr);
					exit(1);
				}
			}
			memcpy(out + len, line, n);
			len += n;
		}
		line += n;
	}
	out[len] = 0;
	return out;
}

/* ---- Diffs --------------------------------------------------------------------- */

struct lines {
	const char **v;
	size_t *len;
	size_t n;
};

static void lines_split(const char *text, struct lines *ls)
{
	size_t cap = 64;
	ls->n = 0;
	ls->v = malloc(cap * sizeof(*ls->v));
	ls->len = malloc(cap * sizeof(*ls->len));
	for (const char *l = text; l && *l && ls->v && ls->len;) {
		const char *e = strchr(l, '\n');
		if (ls->n == cap) {
			cap *= 2;
			ls->v = realloc(ls->v, cap * sizeof(*ls->v));
			ls->len = realloc(ls->len, cap * sizeof(*ls->len));
			if (!ls->v || !ls->len)
				break;
		}
		ls->v[ls->n] = l;
		ls->len[ls->n++] = e ? (size_t)(e - l) : strlen(l);
		l = e ? e + 1 : NULL;
	}
	if (!ls->v || !ls->len) {
		fputs("mmkit: out of memory\n", stderr);
		exit(1);
	}
}

static bool line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->v[i], b->v[j], a->len[i]) == 0;
}

/* Prints the two maps merged by address: "  " both, "- " host only,
 * "+ " mmkit only; equal lines far from a difference are elided. */
static void print_maps_diff(const char *host, const char *mm)
{
	struct lines a, b;
	lines_split(host, &a);
	lines_split(mm, &b);
	fputs("--- host /proc/PID/maps\n+++ mmkit mmk_proc_maps\n", stderr);
	size_t i = 0, j = 0, skipped = 0;
	while (i < a.n || j < b.n) {
		if (i < a.n && j < b.n && line_eq(&a, i, &b, j)) {
			bool near =
			    (i > 0 && j > 0 && !line_eq(&a, i - 1, &b, j - 1)) ||
			    (i + 1 < a.n && j + 1 < b.n && !line_eq(&a, i + 1, &b, j + 1)) ||
			    i + 1 == a.n || j + 1 == b.n;
			if (near) {
				if (skipped)
					fprintf(stderr, "  ... (%zu equal lines)\n", skipped);
				skipped = 0;
				fprintf(stderr, "  %.*s\n", (int)a.len[i], a.v[i]);
			} else {
				skipped++;
			}
			i++, j++;
			continue;
		}
		if (skipped)
			fprintf(stderr, "  ... (%zu equal lines)\n", skipped);
		skipped = 0;
		uint64_t sa = i < a.n ? strtoull(a.v[i], NULL, 16) : UINT64_MAX;
		uint64_t sb = j < b.n ? strtoull(b.v[j], NULL, 16) : UINT64_MAX;
		if (sa <= sb && i < a.n) {
			fprintf(stderr, "- %.*s\n", (int)a.len[i], a.v[i]);
			i++;
		}
		if (sb <= sa && j < b.n) {
			fprintf(stderr, "+ %.*s\n", (int)b.len[j], b.v[j]);
			j++;
		}
	}
	free(a.v), free(a.len), free(b.v), free(b.len);
}

static const char *const status_keys[] = {"VmSize", "VmData", "VmStk", "VmExe", "VmLib", "VmLck"};

/* The value of "KEY:" in a status text ("1234 kB"), into out. */
static void status_value(const char *text, const char *key, char *out, size_t len)
{
	size_t n = strlen(key);
	out[0] = 0;
	for (const char *l = text; l && *l;) {
		const char *e = strchr(l, '\n');
		if (strncmp(l, key, n) == 0 && l[n] == ':') {
			const char *v = l + n + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			size_t vl = e ? (size_t)(e - v) : strlen(v);
			if (vl >= len)
				vl = len - 1;
			memcpy(out, v, vl);
			out[vl] = 0;
			return;
		}
		l = e ? e + 1 : NULL;
	}
}

/* Compares status's VMA lines; prints the differing ones when report. */
static bool status_equal(const char *host, const char *mm, bool report)
{
	bool eq = true;
	for (size_t k = 0; k < sizeof(status_keys) / sizeof(status_keys[0]); k++) {
		char hv[64], mv[64];
		status_value(host, status_keys[k], hv, sizeof(hv));
		status_value(mm, status_keys[k], mv, sizeof(mv));
		if (strcmp(hv, mv) != 0) {
			eq = false;
			if (report)
				fprintf(stderr, "  %s: host %s, mmkit %s\n", status_keys[k], hv,
					mv);
		}
	}
	return eq;
}

/* ---- The comparison ------------------------------------------------------------ */

/* How often a comparison is read again when the host's stack grew between
 * reading maps and status (another thread of the space runs meanwhile). */
#define COMPARE_TRIES 3

int sh_compare(struct shadow *sh, struct sh_task *t, const char *what)
{
	if (!t->sp || t->sp->foreign)
		return 0;
	mmk_proc *p = t->sp->p;
	char *hm = NULL, *mm = NULL, *hs = NULL, *ms = NULL;
	bool maps_eq = false, status_eq = false;
	for (int k = 0; k < COMPARE_TRIES; k++) {
		free(hm), free(mm), free(hs), free(ms);
		hm = sh_read_proc(t->tid, "maps");
		hs = sh_read_proc(t->tid, "status");
		if (!hm || !hs) {
			/* The task died under us (killed): nothing to compare. */
			free(hm), free(hs);
			return 0;
		}
		mm = sh_read_view(p, mmk_proc_maps);
		if (mm) {
			sh_stack_sync(p, hm, mm);
			sh_unlink_sync(t, hm, mm);
			free(mm);
		}
		mm = sh_read_view(p, mmk_proc_maps);
		ms = sh_read_view(p, mmk_proc_status);
		if (!mm || !ms) {
			fprintf(stderr, "shadow: mmkit cannot render task %d's maps or status\n",
				(int)t->tid);
			sh->failed = 1;
			free(hm), free(mm), free(hs), free(ms);
			return 1;
		}
		char *nh = normalize_shmem(hm, &host_labels), *nm = normalize_shmem(mm, &mm_labels);
		free(hm), free(mm);
		hm = nh, mm = nm;
		maps_eq = strcmp(hm, mm) == 0;
		status_eq = status_equal(hs, ms, false);
		if (maps_eq && status_eq)
			break;
	}
	sh->compares++;
	int r = 0;
	char inv[1024];
	if (mmk_system_check(sh->sys, inv, sizeof(inv)) != 0) {
		fprintf(stderr, "shadow: mmkit's invariants are broken after %s in task %d: %s\n",
			what, (int)t->tid, inv);
		sh_history_print();
		sh->failed = 1;
		free(hm), free(mm), free(hs), free(ms);
		return 1;
	}
	if (!maps_eq || !status_eq) {
		char line[300];
		sh_call_format(t, false, 0, line, sizeof(line));
		fprintf(stderr, "shadow: DIFFERENCE in task %d after %s: %s\n", (int)t->tid, what,
			line);
		if (!maps_eq)
			print_maps_diff(hm, mm);
		if (!status_eq) {
			fputs("/proc/PID/status differs:\n", stderr);
			status_equal(hs, ms, true);
		}
		sh_history_print();
		sh->failed = 1;
		r = 1;
	}
	free(hm), free(mm), free(hs), free(ms);
	return r;
}

/* ---- --trace --------------------------------------------------------------------- */

static void trace_event(void *arg, const struct mmk_event *ev)
{
	const char *what;
	switch (ev->kind) {
	case MMK_EV_VMA_CREATE:
		what = "created";
		break;
	case MMK_EV_VMA_MERGE:
		what = "merged into";
		break;
	case MMK_EV_VMA_REMOVE:
		what = "removed";
		break;
	case MMK_EV_VMA_CHANGE:
		what = "changed to";
		break;
	case MMK_EV_VMA_SPLIT:
		what = "split at";
		break;
	default:
		return;
	}
	size_t room = sizeof(trace_buf) - trace_len;
	int n;
	if (ev->kind == MMK_EV_VMA_SPLIT)
		n = snprintf(trace_buf + trace_len, room, "    mmkit: VMA split at %#" PRIx64 "\n",
			     ev->addr);
	else
		n = snprintf(trace_buf + trace_len, room,
			     "    mmkit: VMA %s %#" PRIx64 "-%#" PRIx64 "\n", what, ev->start,
			     ev->end);
	if (n < 0 || (size_t)n >= room)
		trace_cut = true;
	else
		trace_len += (size_t)n;
}

void sh_trace_install(struct shadow *sh)
{
	if (sh->trace)
		mmk_system_set_trace(sh->sys, trace_event, sh);
}
