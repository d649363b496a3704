/*
 * html.c - `mmkit exec --html FILE PROG`: the view of tools/mmkit/view.c
 * (one self-contained HTML page), stepping system call by system call as
 * `mmkit run --html` steps statement by statement.
 *
 * Owns: the steps taken so far, each its text (the calls it holds, each
 * followed by its trace lines as "  | " lines, the trace lines of the
 * instructions before it first) and the state of the machine at its end
 * (view_put_state's JSON); they become the page at the end (view_add_step,
 * view_close).
 *
 * A long program makes many calls: the page keeps fewer than
 * HTML_MAX_STEPS steps.  A step holds `every` calls (1 at first); when the
 * steps reach the cap, each two neighbours merge into one (the later state,
 * both texts) and `every` doubles, so the steps stay evenly spaced over the run
 * and the page stays usable.  A step's text is cut at STEP_TEXT_MAX bytes
 * (the trace on stderr, `--trace`, has every line).
 *
 * Processes are named "pid N" in the view, as in the trace.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rv.h"
#include "view.h"

#define HTML_MAX_STEPS 512
#define STEP_TEXT_MAX  (64 << 10)

struct html_step {
	int line; /* the number of its last system call */
	struct strbuf text, state;
};

struct rv_html {
	struct view *v;
	struct html_step steps[HTML_MAX_STEPS];
	int n;
	int every;	    /* system calls per step */
	int pending;	    /* calls in the running step */
	uint64_t calls;	    /* system calls so far */
	struct strbuf text; /* the running step's text */
	struct strbuf call; /* trace lines of the call running */
	int cut;	    /* the running step's text was cut */
};

int rv_html_open(struct rv_world *w, const char *prog)
{
	struct rv_html *h = calloc(1, sizeof(*h));
	if (!h || view_open_run(prog, "system call", w->root_real, &h->v)) {
		free(h);
		fprintf(stderr, "mmkit exec: out of memory\n");
		return -ENOMEM;
	}
	h->every = 1;
	w->html = h;
	return 0;
}

/* Appends a line to the running step's text, unless it is full. */
static void text_line(struct rv_html *h, const char *prefix, const char *line, size_t len)
{
	if (h->text.len + len > STEP_TEXT_MAX) {
		h->cut = 1;
		return;
	}
	sb_puts(&h->text, prefix);
	sb_putn(&h->text, line, len);
	sb_puts(&h->text, "\n");
}

void rv_html_trace_line(struct rv_world *w, const char *line, int in_call)
{
	struct rv_html *h = w->html;
	if (!in_call) {
		text_line(h, "  | ", line, strlen(line));
		return;
	}
	sb_puts(&h->call, line);
	sb_puts(&h->call, "\n");
}

/* Merges each two neighbouring steps into one (the later state, both
 * texts), halving their number; a step then holds twice the calls. */
static void halve(struct rv_html *h)
{
	int m = 0;
	for (int k = 0; k < h->n; k += 2) {
		struct html_step s = h->steps[k];
		if (k + 1 < h->n) {
			struct html_step *b = &h->steps[k + 1];
			if (s.text.len + b->text.len <= STEP_TEXT_MAX)
				sb_putn(&s.text, b->text.s ? b->text.s : "", b->text.len);
			sb_free(&b->text);
			sb_free(&s.state);
			s.state = b->state;
			s.line = b->line;
		}
		h->steps[m++] = s; /* m <= k: nothing unread is overwritten */
	}
	h->n = m;
	h->every *= 2;
}

/* Ends the running step: the machine's state now, its text. */
static void end_step(struct rv_world *w)
{
	struct rv_html *h = w->html;
	struct view_proc procs[RV_MAX_TASKS];
	char names[RV_MAX_TASKS][24];
	int np = 0;
	for (struct rv_task *t = w->tasks; t && np < RV_MAX_TASKS; t = t->next) {
		if (t->pid != t->tgid || t->state != RV_RUNNABLE || !t->proc)
			continue;
		snprintf(names[np], sizeof(names[np]), "pid %d", t->pid);
		procs[np].name = names[np];
		procs[np].p = t->proc;
		np++;
	}
	struct html_step *s = &h->steps[h->n++];
	if (h->cut)
		sb_puts(&h->text, "(more lines: --trace has them all)\n");
	s->line = (int)h->calls;
	s->text = h->text;
	memset(&h->text, 0, sizeof(h->text));
	memset(&s->state, 0, sizeof(s->state));
	view_put_state(h->v, &s->state, w->sys, procs, np);
	h->pending = h->cut = 0;
	if (h->n == HTML_MAX_STEPS) /* before the next step starts, so it holds `every` */
		halve(h);
}

/* Moves the trace lines of the call that just ended into the step's text. */
static void take_call_lines(struct rv_html *h)
{
	const char *p = h->call.s ? h->call.s : "";
	for (size_t i = 0; i < h->call.len;) {
		const char *nl = memchr(p + i, '\n', h->call.len - i);
		size_t k = nl ? (size_t)(nl - (p + i)) : h->call.len - i;
		text_line(h, "  | ", p + i, k);
		i += k + 1;
	}
	sb_reset(&h->call);
}

void rv_html_syscall(struct rv_world *w, struct rv_task *t, const char *name,
		     const uint64_t args[6], uint64_t ret)
{
	struct rv_html *h = w->html;
	struct strbuf line = {0};
	h->calls++;
	sb_printf(&line, "system call %" PRIu64 ": pid %d %s(", h->calls, t->tgid,
		  name ? name : "?");
	for (int i = 0; i < 6; i++)
		sb_printf(&line, "%s%#" PRIx64, i ? ", " : "", args[i]);
	sb_puts(&line, ")");
	if (t->state != RV_RUNNABLE || t->thread_done)
		sb_puts(&line, ": the process ended");
	else if ((int64_t)ret < 0 && (int64_t)ret >= -4095) {
		sb_puts(&line, " = ");
		sb_put_errno(&line, (int64_t)ret);
	} else
		sb_printf(&line, " = %#" PRIx64, ret);
	text_line(h, "", line.s, line.len);
	sb_free(&line);
	take_call_lines(h);
	if (++h->pending >= h->every)
		end_step(w);
}

int rv_html_close(struct rv_world *w, const char *path)
{
	struct rv_html *h = w->html;
	if (!h)
		return 0;
	if (path) {
		rv_trace_flush(w);
		take_call_lines(h);
		if (h->pending || h->text.len)
			end_step(w);
		for (int i = 0; i < h->n; i++) {
			const struct html_step *s = &h->steps[i];
			view_add_step(h->v, s->line, s->text.s ? s->text.s : "", s->text.len,
				      s->state.s ? s->state.s : "", s->state.len);
		}
	}
	for (int i = 0; i < h->n; i++) {
		sb_free(&h->steps[i].text);
		sb_free(&h->steps[i].state);
	}
	sb_free(&h->text);
	sb_free(&h->call);
	int err = view_close(h->v, path);
	free(h);
	w->html = NULL;
	return err;
}
