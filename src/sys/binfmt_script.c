/*
 * binfmt_script.c - #! scripts, as Linux's fs/binfmt_script.c loads them:
 * the first line names an interpreter and at most one argument (the rest
 * of the line, blanks inside kept); argv becomes "interpreter [argument]
 * script-name args..." (argv[0] of the script dropped, remove_arg_zero),
 * and the interpreter's file takes the script's place for the next
 * handler (binfmt_elf.c's search_binary_handler, at most 5 deep).  A line
 * cut off by the 256 bytes read is accepted only if the interpreter's
 * name is whole.  Errors: -ENOEXEC (no name), open_exec's, -E2BIG.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "binfmt.h"

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

/* The first character of [s, end) that is not a space or tab, or NULL. */
static char *next_non_spacetab(char *s, const char *end)
{
	for (; s < end; s++)
		if (!spacetab(*s))
			return s;
	return NULL;
}

/* The first space, tab or NUL in [s, end), or NULL. */
static char *next_terminator(char *s, const char *end)
{
	for (; s < end; s++)
		if (spacetab(*s) || !*s)
			return s;
	return NULL;
}

/* remove_arg_zero(): drops argv[0] from the strings. */
static void remove_arg_zero(struct bprm *b)
{
	if (!b->argc)
		return;
	b->pos += strlen(bprm_string_at(b, b->pos)) + 1;
	b->argc--;
}

/*
 * load_script(): buf starts with "#!".  The interpreter's name (and one
 * optional argument: the rest of the line) come from the first line, which
 * must not be cut off inside the name; argv becomes "interpreter [arg]
 * script args...", and the interpreter is opened to be loaded in the
 * script's place (-ENOEXEC without a name; open_exec's errors).
 */
bool script_match(const unsigned char *buf)
{
	return buf[0] == '#' && buf[1] == '!';
}

int load_script(struct bprm *b, unsigned char *ubuf)
{
	char *buf = (char *)ubuf, *buf_end = buf + BINPRM_BUF_SIZE - 1;
	char *i_end = memchr(buf, '\n', BINPRM_BUF_SIZE);
	if (!i_end) {
		i_end = next_non_spacetab(buf + 2, buf_end);
		if (!i_end || !next_terminator(i_end, buf_end))
			return -ENOEXEC; /* all blanks, or the name cut off */
		i_end = buf_end;
	}
	while (i_end > buf + 2 && spacetab(i_end[-1]))
		i_end--;
	char *i_name = next_non_spacetab(buf + 2, i_end);
	if (!i_name || i_name == i_end)
		return -ENOEXEC;
	char *i_arg = NULL, *i_sep = next_terminator(i_name, i_end);
	if (i_sep && *i_sep)
		i_arg = next_non_spacetab(i_sep, i_end);
	*i_end = '\0';
	if (i_sep)
		*i_sep = '\0';
	remove_arg_zero(b);
	int err = bprm_push_string(b, b->interp_name);
	b->argc++;
	if (!err && i_arg) {
		err = bprm_push_string(b, i_arg);
		b->argc++;
	}
	if (!err) {
		err = bprm_push_string(b, i_name);
		b->argc++;
	}
	if (err)
		return err;
	char *name = mmk_strdup(b->p->sys, i_name); /* bprm_change_interp() */
	if (!name)
		return -ENOMEM;
	free(b->interp_name);
	b->interp_name = name;
	struct mmk_file *f;
	err = exec_open(b->p->sys, name, &f);
	if (err)
		return err;
	file_put(b->exe.file);
	b->exe.file = f;
	return atomic_load(&f->inode->writers) > 0 ? -ETXTBSY : 0;
}
