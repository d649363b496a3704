/*
 * fuzz.h - what fuzz.c (the generator, the shrinker, `mmkit fuzz`) offers
 * fuzz_guided.c (`mmkit fuzz --guided`, the coverage-guided loop).
 *
 * Every generating function is deterministic in its seed.  Texts are
 * scripts of the language (docs/SCRIPTS.md); a generated statement refers
 * only to names that the script text before it binds.
 */
#ifndef MMKIT_FUZZ_H
#define MMKIT_FUZZ_H

#include <stdint.h>

#include "checker.h"
#include "driver.h"

/* Script i of seed `seed`, as `mmkit fuzz --seed SEED` makes it. */
void fuzz_generate(uint64_t seed, uint64_t i, int allow_name, struct strbuf *out);

/* One statement line (with its newline) that may follow the script text
 * prefix[0..len): the generator's state (live processes, names bound,
 * files) is read back from the prefix. */
void fuzz_gen_statement(uint64_t rseed, const char *prefix, size_t len, int allow_name,
			struct strbuf *out);

/* One argument value from the edges of the argument space: a length,
 * offset or address, or a flag bit; over 16 MiB only with big (the
 * operation does not populate). */
void fuzz_gen_value(uint64_t rseed, int big, struct strbuf *out);

/* Checks text on both backends; a disagreement is confirmed, shrunk and
 * saved to outdir as NAME.mm and NAME.diff (as `mmkit fuzz` does).
 * Returns a check_result or -errno. */
int fuzz_check(struct checker *c, const struct strbuf *text, const char *name, const char *outdir);

/* Writes text to DIR/NAME; 0 or -1 (with a message). */
int fuzz_write_file(const char *dir, const char *name, const char *text, size_t len);
/* Makes DIR and its parents; 0 or -1. */
int fuzz_make_dirs(const char *dir);

/* `mmkit fuzz --guided ...` and `mmkit fuzz --coverage-report DIR`
 * (fuzz_guided.c); argv as cmd_fuzz's. */
int cmd_fuzz_guided(int argc, char **argv);

#endif
