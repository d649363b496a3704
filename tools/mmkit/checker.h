/*
 * checker.h - runs a script on both backends and compares the outputs
 * (check.c): what `mmkit check` and `mmkit fuzz` are built on.
 */
#ifndef MMKIT_CHECKER_H
#define MMKIT_CHECKER_H

#include "format.h"
#include "script.h"

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
int checker_run(struct checker *c, const struct script *s, const char *name, struct strbuf *report);
/* Runs s on mmkit alone (the mmkit side of checker_run(), for fuzz
 * --guided); the raw transcript is appended to out.  0, 1 if the backend
 * failed or died, or -errno. */
int checker_run_mmkit(struct checker *c, const struct script *s, struct strbuf *out);
void checker_close(struct checker *c);
/* Whether the host kernel has a feature a script may require (1/0), or -1
 * for a name check does not know. */
int checker_has_feature(const char *name);

#endif
