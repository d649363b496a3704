/*
 * commands.h - the subcommands of `mmkit` that main.c dispatches to, each in
 * its own file, and the interactive prompt `mmkit run` starts.
 */
#ifndef MMKIT_COMMANDS_H
#define MMKIT_COMMANDS_H

struct driver;
struct script;
struct bk_options;
struct mmk_vmstat;

/* Each takes the arguments after its own name (argv[0] is the subcommand) and
 * returns the process exit status. */
int cmd_run(int argc, char **argv); /* main.c */
/* compare.c: `mmkit run --policy all`: s once per policy on the mmkit
 * backend with opt's settings, one table row each; 0, or 1 after a message. */
int run_compare(const struct script *s, const struct bk_options *opt);
/* Its table's header, and one row: a run's counters (also `mmkit exec`'s). */
void compare_print_header(void);
void compare_print_row(const char *name, const struct mmk_vmstat *vm);
int cmd_check(int argc, char **argv); /* check.c */
int cmd_bench(int argc, char **argv); /* bench.c */
int cmd_fuzz(int argc, char **argv);  /* fuzz.c */

/* The interactive prompt (repl.c): reads statements from the terminal and
 * runs each at once on d; closes d at the end.  Returns the exit status. */
int repl_run(struct driver *d);

#endif
