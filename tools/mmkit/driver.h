/*
 * driver.h - runs a parsed script on a backend and formats every result.
 *
 * The driver is the only place that turns results into text, so the output
 * of a script is byte-for-byte comparable between backends (docs/SCRIPTS.md,
 * "Output").  It owns the run-time state of a script: the value of every
 * name slot and the backend process handle of every process slot.
 *
 * Also here: struct strbuf, the growable text buffer the driver writes into
 * (format.c), and the entry points of the subcommands that live in other
 * files.  Allocation failure in the tool is fatal: it prints
 * "mmkit: out of memory" and exits 1.
 */
#ifndef MMKIT_DRIVER_H
#define MMKIT_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "script.h"

/* A growable NUL-terminated string.  A zeroed struct is an empty buffer. */
struct strbuf {
	char *s;    /* NULL until something is appended */
	size_t len; /* bytes in s, not counting the NUL */
	size_t cap;
};

void sb_putn(struct strbuf *sb, const char *p, size_t n);
void sb_puts(struct strbuf *sb, const char *str);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_reset(struct strbuf *sb); /* empties, keeps the memory */
void sb_free(struct strbuf *sb);

/* Renders bytes as the script language writes strings: `"text\n"`, with runs
 * of 16 or more equal bytes as `"\0"*4096`, pieces separated by a space.
 * An empty buffer is `""`.  The output can be pasted back into a script. */
void sb_put_bytes(struct strbuf *sb, const unsigned char *p, size_t n);
/* Renders len as a short size: 4096 -> "4K", 1536 -> "1536". */
void sb_put_size(struct strbuf *sb, uint64_t len);
/* Appends a -errno value as "-EINVAL" ("-E123" for one mmkit does not name). */
void sb_put_errno(struct strbuf *sb, int64_t neg_errno);

/* ---- Running ------------------------------------------------------------ */
struct driver;

/* Opens the backend with opt and prepares to run statements of scripts.  When
 * opt->trace is set, the driver installs its own trace_line (opt's is
 * ignored) and prints the trace lines under the statement that caused them.
 * Returns 0 and *out, or -errno from the backend's open. */
int driver_open(const struct backend_ops *ops, const struct bk_options *opt,
		struct driver **out);

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

/* The whole run in one call: open, every statement, close.  Returns 0, or
 * -errno of the first backend failure (out then ends with a line saying so). */
int driver_run(const struct script *s, const struct backend_ops *ops,
	       const struct bk_options *opt, struct strbuf *out);

/* ---- Subcommands -------------------------------------------------------- */
/* Each takes the arguments after its own name (argv[0] is the subcommand) and
 * returns the process exit status. */
int cmd_run(int argc, char **argv);   /* main.c */
/* compare.c: `mmkit run --policy all`: s once per policy on the mmkit
 * backend with opt's settings, one table row each; 0, or 1 after a message. */
int run_compare(const struct script *s, const struct bk_options *opt);
/* Its table's header, and one row: a run's counters (also `mmkit exec`'s). */
void compare_print_header(void);
void compare_print_row(const char *name, const struct mmk_vmstat *vm);
int cmd_check(int argc, char **argv); /* check.c */
int cmd_bench(int argc, char **argv); /* bench.c */

/* The checker under `mmkit check` and `mmkit fuzz` (check.c). */
struct checker;
enum { CHECKER_KEEP = 1, CHECKER_QUIET = 2, CHECKER_SELF = 4 };
/* CHECK_FLAKY: a disagreement that did not reproduce (fuzz.c). */
enum check_result { CHECK_SAME = 0, CHECK_DIFFER = 1, CHECK_LINUX_FAILED = 2, CHECK_FLAKY = 3 };
/* Starts a checker: reads the Linux server's layout, makes the base
 * directory.  flags: CHECKER_KEEP keeps the directories, CHECKER_QUIET
 * silences the runs' stderr, CHECKER_SELF runs the Linux backend on both
 * sides (to check the host side's own determinism).  0 or -errno. */
int checker_open(struct checker **out, int flags);
/* Runs s on both backends and compares.  Returns a check_result (a diff
 * appended to report unless CHECK_SAME) or -errno if it could not run. */
int checker_run(struct checker *c, const struct script *s, const char *name,
		struct strbuf *report);
/* Runs s on mmkit alone (the mmkit side of checker_run(), for fuzz
 * --guided); the raw transcript is appended to out.  0, 1 if the backend
 * failed or died, or -errno. */
int checker_run_mmkit(struct checker *c, const struct script *s, struct strbuf *out);
void checker_close(struct checker *c);
/* Whether the host kernel has a feature a script may require (1/0), or -1
 * for a name check does not know. */
int checker_has_feature(const char *name);
int cmd_fuzz(int argc, char **argv);  /* fuzz.c */

/* The interactive prompt (repl.c): reads statements from the terminal and
 * runs each at once on d; closes d at the end.  Returns the exit status. */
int repl_run(struct driver *d);

#endif
