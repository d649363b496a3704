/*
 * driver.h - runs a parsed script on a backend and formats every result.
 *
 * The driver is the only place that turns results into text, so the output
 * of a script is byte-for-byte comparable between backends (docs/SCRIPTS.md,
 * "Output").  It owns the run-time state of a script: the value of every
 * name slot and the backend process handle of every process slot.
 *
 * The text it writes goes into a struct strbuf (format.h).  Allocation
 * failure in the tool is fatal: it prints "mmkit: out of memory" and exits 1.
 */
#ifndef MMKIT_DRIVER_H
#define MMKIT_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "format.h"
#include "script.h"

/* ---- Running ------------------------------------------------------------ */
struct driver;

/* Opens the backend with opt and prepares to run statements of scripts.  When
 * opt->trace is set, the driver installs its own trace_line (opt's is
 * ignored) and prints the trace lines under the statement that caused them.
 * Returns 0 and *out, or -errno from the backend's open. */
int driver_open(const struct backend_ops *ops, const struct bk_options *opt, struct driver **out);

/* Runs statement i of s (s may grow between calls, as at the prompt) and
 * appends its output lines to out.  Returns 0, or -errno if the backend
 * itself failed (then a line saying so has been appended and the run should
 * stop). */
int driver_step(struct driver *d, const struct script *s, size_t i, struct strbuf *out);

/* Closes the backend (ends every process, writes dirty pages back) and frees
 * d.  Appends the trace of the teardown (trace mode) or a line if the close
 * failed.  Returns 0 or the close's -errno. */
int driver_close(struct driver *d, struct strbuf *out);

/* The backend d runs on, and the handle of process slot `slot` (NULL: no
 * process alive there), for a caller that looks at the backend itself
 * (view.c). */
struct backend *driver_backend(const struct driver *d);
struct bk_proc *driver_proc(const struct driver *d, int slot);

/* Appends the value of name slot `slot` as a result shows it (0x7ffff7fff000,
 * -12), and a newline: for the prompt's bare NAME.  The slot's statement must
 * have run. */
void driver_put_name(const struct driver *d, int slot, struct strbuf *out);

/* The whole run in one call: open, every statement, close.  Returns 0, or
 * -errno of the first backend failure (out then ends with a line saying so). */
int driver_run(const struct script *s, const struct backend_ops *ops, const struct bk_options *opt,
	       struct strbuf *out);

#endif
