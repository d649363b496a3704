/*
 * opts.h - the one command-line option parser of `mmkit` and its
 * subcommands (opts.c).  Each subcommand describes its options in a table;
 * opts_next hands back one argument at a time, and the subcommand keeps its
 * own messages.
 *
 * An option that takes a value is written `--name VALUE` or `--name=VALUE`;
 * one that does not is written exactly `--name`.  "-h" and "--help" are
 * every subcommand's help.  A lone "-" is an operand (stdin).  A
 * subcommand that takes a program and its arguments (exec, shadow) lists
 * "--" as an option and stops at it or at its first operand.
 */
#ifndef MMKIT_OPTS_H
#define MMKIT_OPTS_H

#include <stdbool.h>

struct opt {
	const char *name; /* "--reps" */
	bool value;	  /* takes a value */
};

enum {
	OPT_END = -1,  /* no argument left */
	OPT_ARG = -2,  /* an operand, in *value */
	OPT_HELP = -3, /* -h or --help */
	OPT_BAD = -4,  /* an unknown option, or one missing its value; *value is it */
};

struct opts {
	int argc;
	char **argv;
	int i; /* the next argument: starts at 1 (argv[0] is the subcommand) */
};

#define OPTS_INIT(argc_, argv_) ((struct opts){.argc = (argc_), .argv = (argv_), .i = 1})

/* The next argument: the index in specs (ended by a {NULL} row) of the
 * option it is, with its value in *value when it takes one; or OPT_ARG,
 * OPT_HELP, OPT_BAD, OPT_END. */
int opts_next(struct opts *o, const struct opt *specs, const char **value);

/* Prints to stderr why arg (an OPT_BAD's *value) was refused, as
 * "WHO: option '--ram' needs a value", "WHO: option '--keep' takes no
 * value" or "WHO: unknown option '--rma'",
 * adding "; did you mean '--ram'?" when one of specs is near (suggest.h). */
void opts_complain(const char *who, const char *arg, const struct opt *specs);

/* The nearest of words (ended by NULL) to typed, or NULL: for "did you
 * mean" after an unknown subcommand or option value. */
const char *opts_nearest(const char *typed, const char *const *words);

#endif
