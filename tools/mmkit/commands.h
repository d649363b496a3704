/*
 * commands.h - the subcommands of `mmkit` that main.c dispatches to, each in
 * its own file, and the interactive prompt `mmkit run` starts.
 */
#ifndef MMKIT_COMMANDS_H
#define MMKIT_COMMANDS_H

struct driver;

/* Each takes the arguments after its own name (argv[0] is the subcommand) and
 * returns the process exit status. */
int cmd_run(int argc, char **argv);   /* main.c */
int cmd_check(int argc, char **argv); /* check.c */
int cmd_bench(int argc, char **argv); /* bench.c */
int cmd_fuzz(int argc, char **argv);  /* fuzz.c */

/* The interactive prompt (repl.c): reads statements from the terminal and
 * runs each at once on d; closes d at the end.  Returns the exit status. */
int repl_run(struct driver *d);

#endif
