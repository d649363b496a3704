/*
 * view.h - `mmkit run --html FILE`: a picture of the run, statement by
 * statement, in one self-contained HTML file (view.c, view.html).
 *
 * The view takes a snapshot of the simulated machine after every statement
 * through the library's public calls only (mmk_proc_smaps, mmk_proc_pagemap,
 * mmk_proc_status, mmk_proc_faults, mmk_vmstat, mmk_pagecache_*), so it
 * needs the mmkit backend; the statement's output and trace lines come from
 * the driver's text.
 */
#ifndef MMKIT_VIEW_H
#define MMKIT_VIEW_H

#include <stddef.h>

#include "driver.h"
#include "mmkit.h"

struct view;

/* Starts a view of script s run in directory dir (whose prefix is cut from
 * file names); nothing is written until view_close.  Returns 0 or -ENOMEM. */
int view_open(const struct script *s, const char *dir, struct view **out);

/* Records statement i of s, which has just run on d and printed text (its
 * result line, view text, "  | " trace lines). */
void view_step(struct view *v, struct driver *d, const struct script *s, size_t i, const char *text,
	       size_t len);

/* A view of a run that is no script's (mmkit exec): its title and what a
 * step is ("system call"); files under dir are named relative to it.
 * Returns 0 or -ENOMEM. */
int view_open_run(const char *title, const char *unit, const char *dir, struct view **out);

/* A process to draw: its name in the view and its handle (NULL, or
 * killed: left out). */
struct view_proc {
	const char *name;
	mmk_proc *p;
};

/* The machine as it is now -- the ,"procs":...,"files":...,"vm":...
 * members of a step -- appended to sb. */
void view_put_state(struct view *v, struct strbuf *sb, mmk_system *sys,
		    const struct view_proc *procs, int n);

/* Appends a step: its number (line), its text (lines; "  | " ones are its
 * trace) and its state (view_put_state's). */
void view_add_step(struct view *v, int line, const char *text, size_t len, const char *state,
		   size_t slen);

/* Writes the page to path (through a temporary file renamed into place)
 * and frees v; path NULL only frees it.  Returns 0 or -errno (then a
 * message is on stderr). */
int view_close(struct view *v, const char *path);

/* The mmkit backend's handles behind the driver's (backend_mmkit.c). */
mmk_system *backend_mmkit_system(struct backend *b);
mmk_proc *backend_mmkit_proc(struct bk_proc *p);

/* The page template, view.html with a marker where the data goes; built
 * into the command from tools/mmkit/view.html (Makefile). */
extern const char view_html[];

#endif
