/*
 * trace.c - the trace of `mmkit exec --trace[=brief|full|json]` (and the
 * trace lines of each step of `--html`): the library's events (struct
 * mmk_event) told by narrate.c, as `mmkit run --trace` tells them, each
 * line naming the guest process, its pc and the system call that caused
 * it:
 *
 *   [trace] pid 3 pc 0x10a2c in munmap: VMA 0x... removed (page table ...)
 *
 * Owns: the queue of events not yet told (struct rv_trace), their strings
 * copied (a file's path may be freed before the line is written).
 *
 * Invariants: the queue holds the events of one context only -- the same
 * process and system call (none: the instructions between calls) -- so a
 * run collapsed in a brief trace never spans two calls; it is told when
 * the context changes, around every system call (rv_trace_flush) and at
 * the end of each quantum, so a line never lags behind the guest's own
 * output by more than the call that caused it.  A page fault is reported
 * by the library once resolved, after what it did: it is queued before
 * that work, so a trace reads cause first (as run's does).
 *
 * Styles: brief (the default) tells a run of the same work, of fresh
 * anonymous faults or of pages swapped out and freed in one line
 * (narrate_same_run, narrate_same_anon_fault, narrate_same_swap_out)
 * with the pc of its first event; full tells every event; json gives each
 * as narrate_json's object with "pid", "pc" and "syscall" in front.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "narrate.h"
#include "rv.h"

/* One event waiting to be told, with its context. */
struct rv_trace_item {
	struct mmk_event ev; /* detail and file point at the copies below */
	char *detail, *file;
	int pid;
	uint64_t pc;
	const char *call; /* the system call running (a static name), or NULL */
};

struct rv_trace {
	struct rv_trace_item *it;
	int n, cap;
	int settled; /* it[0, settled) are done with: a fault's work ends there */
};

static bool is_fault_work(enum mmk_event_kind k)
{
	return k == MMK_EV_PAGE_READ || k == MMK_EV_ZERO_PAGE || k == MMK_EV_ANON_PAGE ||
	       k == MMK_EV_COW || k == MMK_EV_REUSE || k == MMK_EV_FAULT_AROUND ||
	       k == MMK_EV_PTE_SET || k == MMK_EV_TLB_FLUSH || k == MMK_EV_SWAP_IN ||
	       k == MMK_EV_READAHEAD || k == MMK_EV_SHARED_DIRTY;
}

/* A finished line goes to the trace (stderr) and to the view's step
 * (in_call: a line of the system call running). */
static void put_line(struct rv_world *w, const char *line, bool in_call)
{
	if (w->trace)
		fprintf(w->trace_out, "[trace] %s\n", line);
	if (w->html)
		rv_html_trace_line(w, line, in_call);
}

/* "pid 3 pc 0x10a2c in munmap" */
static int put_context(const struct rv_trace_item *it, char *buf, size_t len)
{
	int n = snprintf(buf, len, "pid %d pc %#" PRIx64, it->pid, it->pc);
	if (it->call)
		n += snprintf(buf + n, len - (size_t)n, " in %s", it->call);
	return n;
}

/* What a run told in one line is (brief). */
enum run_kind {
	RUN_SAME,	 /* the same work (narrate_run; n == 1: one event) */
	RUN_ANON_FAULTS, /* fresh anonymous faults, 3 events each */
	RUN_SWAP_OUTS,	 /* pages swapped out and freed, 2 events each */
};

/* Tells it[0..n), a run (brief) or one event. */
static void tell(struct rv_world *w, const struct rv_trace_item *it, size_t n, enum run_kind run)
{
	struct narrate_ctx nc = {w->root_real, NULL, NULL}; /* processes are "pid N" */
	char text[1024], line[1280], proc[24];
	int at = put_context(it, line, sizeof(line));

	if (w->trace_style == RV_TRACE_JSON) {
		snprintf(proc, sizeof(proc), "pid %d", it->pid);
		narrate_json(&nc, proc, &it->ev, text, sizeof(text));
		at = snprintf(line, sizeof(line),
			      "{\"pid\":%d,\"pc\":%" PRIu64 ",\"syscall\":", it->pid, it->pc);
		if (it->call)
			at += snprintf(line + at, sizeof(line) - (size_t)at, "\"%s\",", it->call);
		else
			at += snprintf(line + at, sizeof(line) - (size_t)at, "null,");
		snprintf(line + at, sizeof(line) - (size_t)at, "%s", text + 1); /* after its '{' */
		put_line(w, line, it->call != NULL);
		return;
	}
	struct mmk_event *evs = malloc((n ? n : 1) * sizeof(*evs));
	if (!evs) { /* out of memory: the first event alone */
		n = 1;
		run = RUN_SAME;
		evs = (struct mmk_event *)&it->ev;
	} else {
		for (size_t i = 0; i < n; i++)
			evs[i] = it[i].ev;
	}
	if (run == RUN_ANON_FAULTS)
		narrate_anon_faults(&evs[0], &evs[n - 3], n / 3, text, sizeof(text));
	else if (run == RUN_SWAP_OUTS)
		narrate_swap_outs(&nc, evs, n / 2, text, sizeof(text));
	else
		narrate_run(&nc, evs, n, text, sizeof(text));
	if (evs != &it->ev)
		free(evs);
	snprintf(line + at, sizeof(line) - (size_t)at, ": %s", text);
	put_line(w, line, it->call != NULL);
}

/* Event i of the queue, for narrate's run finders. */
static const struct mmk_event *queued_event(const void *q, int i)
{
	return &((const struct rv_trace *)q)->it[i].ev;
}

void rv_trace_flush(struct rv_world *w)
{
	struct rv_trace *q = w->tq;
	if (!q)
		return;
	for (int i = 0, n; i < q->n; i += n) {
		n = w->trace_style == RV_TRACE_BRIEF
			? narrate_anon_fault_run(q, i, q->n, queued_event)
			: 0;
		if (n) {
			tell(w, &q->it[i], (size_t)n, RUN_ANON_FAULTS);
			continue;
		}
		n = w->trace_style == RV_TRACE_BRIEF
			? narrate_swap_out_run(q, i, q->n, queued_event)
			: 0;
		if (n) {
			tell(w, &q->it[i], (size_t)n, RUN_SWAP_OUTS);
			continue;
		}
		n = 1;
		if (w->trace_style == RV_TRACE_BRIEF)
			while (i + n < q->n && narrate_same_run(&q->it[i].ev, &q->it[i + n].ev))
				n++;
		tell(w, &q->it[i], (size_t)n, RUN_SAME);
	}
	for (int i = 0; i < q->n; i++) {
		free(q->it[i].detail);
		free(q->it[i].file);
	}
	q->n = q->settled = 0;
}

/* Puts the work of one fault, it[from, to), in the order it reads best:
 * what it did with pages first, then the TLB flush and PTEs that make it
 * visible (a stable partition). */
static void order_fault_work(struct rv_trace_item *it, int from, int to)
{
	for (int pass = 0, n = 0; pass < 2; pass++)
		for (int i = from + n; i < to; i++) {
			int late =
			    it[i].ev.kind == MMK_EV_PTE_SET || it[i].ev.kind == MMK_EV_TLB_FLUSH;
			if (late == pass) {
				struct rv_trace_item t = it[i];
				memmove(&it[from + n + 1], &it[from + n],
					(size_t)(i - from - n) * sizeof(*it));
				it[from + n++] = t;
			}
		}
}

/* Queues it (its strings already copied); false when there is no room. */
static bool queue(struct rv_trace *q, const struct rv_trace_item *it)
{
	if (q->n == q->cap) {
		int cap = q->cap ? q->cap * 2 : 64;
		struct rv_trace_item *n = realloc(q->it, (size_t)cap * sizeof(*n));
		if (!n)
			return false;
		q->it = n;
		q->cap = cap;
	}
	int at = q->n;
	if (it->ev.kind == MMK_EV_FAULT)
		while (at > q->settled && is_fault_work(q->it[at - 1].ev.kind))
			at--;
	memmove(&q->it[at + 1], &q->it[at], (size_t)(q->n - at) * sizeof(*q->it));
	q->it[at] = *it;
	q->n++;
	if (it->ev.kind == MMK_EV_FAULT) {
		order_fault_work(q->it, at + 1, q->n);
		q->settled = q->n;
	}
	return true;
}

void rv_trace_event(void *arg, const struct mmk_event *ev)
{
	struct rv_world *w = arg;
	struct rv_task *t = w->current;
	if (!w->tq && !(w->tq = calloc(1, sizeof(*w->tq))))
		return;
	struct rv_trace *q = w->tq;
	struct rv_trace_item it = {
	    .ev = *ev,
	    .pid = ev->pid ? ev->pid
		   : t	   ? t->tgid
			   : 0,
	    .pc = t ? t->cpu.pc : 0,
	    .call = t ? t->syscall_name : NULL,
	};
	if (q->n && (q->it[q->n - 1].pid != it.pid || q->it[q->n - 1].call != it.call))
		rv_trace_flush(w); /* a new context */
	it.detail = ev->detail ? strdup(ev->detail) : NULL;
	it.file = ev->file ? strdup(ev->file) : NULL;
	it.ev.detail = it.detail;
	it.ev.file = it.file;
	if ((ev->detail && !it.detail) || (ev->file && !it.file) || !queue(q, &it)) {
		free(it.detail); /* out of memory: told at once, unordered */
		free(it.file);
		it.ev = *ev;
		rv_trace_flush(w);
		tell(w, &it, 1, RUN_SAME);
	}
}

void rv_trace_note(struct rv_world *w, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	rv_trace_flush(w);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (w->trace_style == RV_TRACE_JSON) { /* {"event":"exit","text":"pid 2 exits ..."} */
		char json[600];
		snprintf(json, sizeof(json), "{\"event\":\"exit\",\"text\":\"%s\"}", line);
		put_line(w, json, w->current && w->current->syscall_name);
		return;
	}
	put_line(w, line, w->current && w->current->syscall_name);
}

void rv_trace_free(struct rv_world *w)
{
	rv_trace_flush(w);
	if (w->tq)
		free(w->tq->it);
	free(w->tq);
	w->tq = NULL;
}
