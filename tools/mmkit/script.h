/*
 * script.h - the parsed form of an mmkit script (the language is described
 * in docs/SCRIPTS.md).
 *
 * A script is a list of statements.  Parsing resolves everything that can be
 * known before running: every operation, every flag word, every string, and
 * every name.  What is left for run time is the value of names bound by
 * earlier statements (`a = mmap ...`), so an argument is kept as a small
 * expression: a constant plus or minus the values of some name slots.
 *
 * Invariants of a parsed script:
 *   - every statement refers only to names bound by an earlier statement and
 *     to processes that an earlier spawn/fork created and no exit ended;
 *   - a statement's arguments are already in struct bk_op order: arg[i] is
 *     the expression for bk_op.a[i], path/data are bk_op.path/data;
 *   - a line that fails to parse changes nothing: neither statements, nor
 *     names, nor processes (the interactive prompt relies on this).
 *
 * Parsing never runs anything and never crashes, whatever the input: a bad
 * script yields one struct script_error with a 1-based line and byte column.
 */
#ifndef MMKIT_SCRIPT_H
#define MMKIT_SCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "backend.h"

/* At most this many names in one expression (`a+b-c+4K`). */
#define SEXPR_MAX_REFS 4

/* k + sum(+/- value of name slot ref[i].slot), modulo 2^64. */
struct sexpr {
	uint64_t k;
	int nref;
	struct {
		int slot;
		int neg;
	} ref[SEXPR_MAX_REFS];
};

enum stmt_kind {
	STMT_OP,    /* one backend operation: `op`, on `proc` (or top level, proc -1) */
	STMT_SPAWN, /* spawn `proc` */
	STMT_FORK,  /* fork `proc` into `proc2` */
	STMT_LET,   /* top level NAME = EXPR: bind = arg[0] */
};

struct stmt {
	int line;   /* 1-based line in the script */
	char *text; /* the statement as written, without comment or outer blanks */
	enum stmt_kind kind;
	enum bk_opcode op; /* STMT_OP only */
	int proc;	   /* process slot, or -1 at top level */
	int proc2;	   /* fork: the child's process slot; else -1 */
	int bind;	   /* name slot that receives the result, or -1 */
	int nargs;	   /* arg[0..nargs) are meaningful (the rest are 0) */
	struct sexpr arg[6];
	char *path;	     /* bk_op.path: NUL-terminated, or NULL */
	unsigned char *data; /* bk_op.data (may hold NULs), or NULL */
	size_t datalen;
};

/* The longest string one statement may hold (pieces and repeats included),
 * and what the strings of all the statements of one script (or one prompt
 * session) may hold in all.  A string past either is a parse error. */
#ifndef STRING_MAX
#define STRING_MAX (64ULL << 20)
#endif
#ifndef SCRIPT_DATA_MAX
#define SCRIPT_DATA_MAX (256ULL << 20)
#endif

/* An index of names: open addressing over a power-of-two array of slots
 * (value slot or process slot + 1; 0 is empty), kept at most half full, so
 * a lookup compares a handful of names however many there are.  The keys
 * are the names the script owns (names[], procs[].name). */
struct name_index {
	int *ent;
	size_t cap;   /* 0 or a power of two */
	int of_procs; /* keys: 0 names[slot], 1 procs[slot].name */
};

/* A process name.  `alive` is the parser's view: spawned/forked and not exited
 * at this point of the script. */
struct script_proc {
	char *name;
	int alive;
	int exit_line; /* line of the exit that ended it, or 0 */
};

struct script {
	char *filename;
	struct stmt *stmt;
	size_t n, cap;
	char **names; /* value names, by slot */
	int nnames, capnames;
	struct script_proc *procs; /* process names, by slot */
	int nprocs, capprocs;
	struct name_index name_idx, proc_idx; /* names[] and procs[] by name */
	uint64_t datatotal; /* bytes of every statement's data, <= SCRIPT_DATA_MAX */
	uint64_t name_cmps; /* names compared by lookups so far (for tests) */
};

struct script_error {
	int line, col;	/* 1-based; col counts bytes */
	char msg[1024]; /* long enough for every list of valid words */
	char src[200];	/* the offending line (possibly cut), for display */
};

/* An empty script; filename is what error messages call it.  NULL on OOM. */
struct script *script_new(const char *filename);
void script_free(struct script *s);

/* Parses a whole script text (len bytes, may lack a final newline).  Returns 0
 * and *out, or -1 with *err filled (and *out NULL).  filename names the text
 * in messages. */
int script_parse_string(const char *filename, const char *text, size_t len, struct script **out,
			struct script_error *err);

/* Reads and parses PATH ("-" reads standard input, called "<stdin>").
 * Returns 0 and *out, or -1 with *err filled (an unreadable file is reported
 * as an error at line 0). */
int script_parse_file(const char *path, struct script **out, struct script_error *err);

/* Parses one line (no newline) as line `lineno` and appends its statement, if
 * any, to s.  Returns 1 if a statement was appended, 0 for a blank or comment
 * line, -1 on error (s unchanged, *err filled). */
int script_parse_line(struct script *s, const char *line, size_t len, int lineno,
		      struct script_error *err);

/* The value slot of the name `name` bound so far (stmt.bind's numbering),
 * or -1. */
int script_name_slot(struct script *s, const char *name);

/* Prints err as "FILE:LINE:COL: error: MSG" followed by the line and a caret. */
void script_error_print(FILE *f, const char *filename, const struct script_error *err);

/* Parses a whole string as one number of the script language (decimal or 0x
 * hex, optional K/M/G/T suffix); for command-line options.  0 or -1. */
int script_parse_number(const char *str, uint64_t *out);

/* Prints statement name's usage and what it does (for `help NAME`), or, for
 * an unknown name, a line saying so (with "did you mean").  0 or -1. */
int script_print_help(FILE *f, const char *name);

/* Prints the usage of every statement (for `help`), one per line. */
void script_print_usage(FILE *f);

#endif
