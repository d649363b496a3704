/*
 * repl.c - the interactive prompt of `mmkit run` (no script, a terminal on
 * standard input): each line is parsed and run at once, with the same
 * parser and driver as a script file.
 *
 * Owns: a small line editor (raw terminal mode, cursor keys, in-memory
 * history), the prompt loop and the prompt's own words: `help` (every
 * statement), `help STATEMENT` (its syntax and meaning), a bare NAME (the
 * value bound to it), `quit`.  No external library: readline is not
 * available everywhere mmkit builds.
 *
 * Invariants:
 *   - the terminal is in raw mode only while a line is being edited, and is
 *     always restored before anything runs or the prompt returns;
 *   - a line that fails to parse changes nothing (script_parse_line's
 *     promise), so the session goes on exactly as if it was never typed;
 *   - the editor's buffer is NUL-terminated, with cursor <= len.
 *
 * Keys: Left/Right, Home/End (also ^A ^E ^B ^F), Up/Down (also ^P ^N) for
 * history, Backspace, Delete, ^K ^U ^W to kill, ^L to clear the screen,
 * ^C to drop the line, ^D on an empty line to quit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "commands.h"
#include "driver.h"

#define HISTORY_MAX 1000
#define PROMPT	    "mmkit> "

struct history {
	char **line;
	int n;
};

struct editor {
	char *buf;
	size_t len, cap, cursor;
	int hist_pos; /* history entry shown; h->n is the line being typed */
	char *stash;  /* the line being typed while browsing history */
	struct termios saved;
};

/* ---- Terminal ----------------------------------------------------------- */

static int raw_on(struct editor *ed)
{
	struct termios t;
	if (tcgetattr(STDIN_FILENO, &ed->saved) < 0)
		return -1;
	t = ed->saved;
	t.c_iflag &= ~(unsigned)(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
	t.c_cflag |= CS8;
	t.c_lflag &= ~(unsigned)(ECHO | ICANON | IEXTEN | ISIG);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	return tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
}

static void raw_off(struct editor *ed)
{
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &ed->saved);
}

static size_t term_cols(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_col < 20)
		return 80;
	return ws.ws_col;
}

static void term_write(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(STDOUT_FILENO, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* Redraws the prompt and the line, scrolling horizontally so the cursor
 * stays on screen. */
static void refresh(const struct editor *ed)
{
	size_t plen = strlen(PROMPT), cols = term_cols();
	size_t start = 0, n = ed->len;
	struct strbuf sb = {NULL, 0, 0};

	while (plen + ed->cursor - start >= cols)
		start++;
	n -= start;
	if (plen + n > cols)
		n = cols - plen;
	sb_puts(&sb, "\r" PROMPT);
	sb_putn(&sb, ed->buf + start, n);
	sb_printf(&sb, "\x1b[0K\r\x1b[%zuC", plen + ed->cursor - start);
	term_write(sb.s, sb.len);
	sb_free(&sb);
}

/* ---- Editing ------------------------------------------------------------ */

static void ed_set(struct editor *ed, const char *text)
{
	size_t n = strlen(text);
	if (n + 1 > ed->cap) {
		char *p = realloc(ed->buf, n + 1);
		if (!p)
			return;
		ed->buf = p;
		ed->cap = n + 1;
	}
	memcpy(ed->buf, text, n + 1);
	ed->len = ed->cursor = n;
}

static void ed_insert(struct editor *ed, char c)
{
	if (ed->len + 2 > ed->cap) {
		size_t cap = ed->cap ? ed->cap * 2 : 128;
		char *p = realloc(ed->buf, cap);
		if (!p)
			return;
		ed->buf = p;
		ed->cap = cap;
	}
	memmove(ed->buf + ed->cursor + 1, ed->buf + ed->cursor, ed->len - ed->cursor + 1);
	ed->buf[ed->cursor++] = c;
	ed->len++;
}

/* Deletes [from, to) of the line. */
static void ed_delete(struct editor *ed, size_t from, size_t to)
{
	if (from >= to || to > ed->len)
		return;
	memmove(ed->buf + from, ed->buf + to, ed->len - to + 1);
	ed->len -= to - from;
	ed->cursor = from;
}

/* Shows history entry pos (h->n: the stashed line being typed). */
static void ed_history(struct editor *ed, const struct history *h, int pos)
{
	if (pos < 0 || pos > h->n || pos == ed->hist_pos)
		return;
	if (ed->hist_pos == h->n) {
		free(ed->stash);
		ed->stash = strdup(ed->buf);
	}
	ed->hist_pos = pos;
	ed_set(ed, pos == h->n ? (ed->stash ? ed->stash : "") : h->line[pos]);
}

static void history_add(struct history *h, const char *line)
{
	if (!*line || (h->n && strcmp(h->line[h->n - 1], line) == 0))
		return;
	char *copy = strdup(line);
	if (!copy)
		return;
	if (h->n == HISTORY_MAX) {
		free(h->line[0]);
		memmove(h->line, h->line + 1, (size_t)(h->n - 1) * sizeof(char *));
		h->n--;
	}
	if (!h->line && !(h->line = calloc(HISTORY_MAX, sizeof(char *)))) {
		free(copy);
		return;
	}
	h->line[h->n++] = copy;
}

static int read_byte(void)
{
	unsigned char c;
	for (;;) {
		ssize_t n = read(STDIN_FILENO, &c, 1);
		if (n == 1)
			return c;
		if (n < 0 && errno == EINTR)
			continue;
		return -1;
	}
}

/* Handles the rest of an escape sequence (after ESC). */
static void ed_escape(struct editor *ed, const struct history *h)
{
	int a = read_byte(), b = read_byte();

	if (a != '[' && a != 'O')
		return;
	if (b >= '0' && b <= '9') {
		int t = read_byte();
		if (t != '~')
			return;
		if (b == '3' && ed->cursor < ed->len)
			ed_delete(ed, ed->cursor, ed->cursor + 1);
		else if (b == '1' || b == '7')
			ed->cursor = 0;
		else if (b == '4' || b == '8')
			ed->cursor = ed->len;
		return;
	}
	switch (b) {
	case 'A':
		ed_history(ed, h, ed->hist_pos - 1);
		break;
	case 'B':
		ed_history(ed, h, ed->hist_pos + 1);
		break;
	case 'C':
		if (ed->cursor < ed->len)
			ed->cursor++;
		break;
	case 'D':
		if (ed->cursor > 0)
			ed->cursor--;
		break;
	case 'H':
		ed->cursor = 0;
		break;
	case 'F':
		ed->cursor = ed->len;
		break;
	}
}

/* Reads one line with editing.  Returns 1 with the line in ed->buf, 0 at
 * end of input (^D on an empty line). */
static int edit_line(struct editor *ed, const struct history *h)
{
	ed_set(ed, "");
	ed->hist_pos = h->n;
	refresh(ed);
	for (;;) {
		int c = read_byte();
		switch (c) {
		case -1:
			return 0;
		case '\r':
		case '\n':
			term_write("\r\n", 2);
			return 1;
		case 3: /* ^C */
			term_write("^C\r\n", 4);
			ed_set(ed, "");
			ed->hist_pos = h->n;
			break;
		case 4: /* ^D */
			if (ed->len == 0) {
				term_write("\r\n", 2);
				return 0;
			}
			ed_delete(ed, ed->cursor, ed->cursor + 1);
			break;
		case 127:
		case 8:
			if (ed->cursor > 0)
				ed_delete(ed, ed->cursor - 1, ed->cursor);
			break;
		case 1:
			ed->cursor = 0;
			break;
		case 5:
			ed->cursor = ed->len;
			break;
		case 2:
			if (ed->cursor > 0)
				ed->cursor--;
			break;
		case 6:
			if (ed->cursor < ed->len)
				ed->cursor++;
			break;
		case 11:
			ed_delete(ed, ed->cursor, ed->len);
			break;
		case 21:
			ed_delete(ed, 0, ed->cursor);
			break;
		case 23: {
			size_t i = ed->cursor;
			while (i > 0 && ed->buf[i - 1] == ' ')
				i--;
			while (i > 0 && ed->buf[i - 1] != ' ')
				i--;
			ed_delete(ed, i, ed->cursor);
			break;
		}
		case 12:
			term_write("\x1b[H\x1b[2J", 7);
			break;
		case 16:
			ed_history(ed, h, ed->hist_pos - 1);
			break;
		case 14:
			ed_history(ed, h, ed->hist_pos + 1);
			break;
		case 27:
			ed_escape(ed, h);
			break;
		default:
			if (c >= 0x20 || c == '\t')
				ed_insert(ed, (char)c);
		}
		refresh(ed);
	}
}

/* ---- The prompt loop ---------------------------------------------------- */

/* Prints a statement's output without the "LINE TEXT" echo the user has
 * just typed: a result alone, or a view's indented lines. */
static void print_result(const struct stmt *st, const struct strbuf *out)
{
	char head[32];
	const char *p = out->s ? out->s : "";
	size_t hl = (size_t)snprintf(head, sizeof(head), "%d ", st->line);
	size_t tl = strlen(st->text);

	if (strncmp(p, head, hl) == 0 && strncmp(p + hl, st->text, tl) == 0) {
		p += hl + tl;
		if (strncmp(p, " -> ", 4) == 0)
			p += 4;
		else if (*p == '\n')
			p++;
	}
	fputs(p, stdout);
	fflush(stdout);
}

static void print_error(const struct script_error *err)
{
	int indent = (int)strlen(PROMPT) + err->col - 1;
	fprintf(stderr, "%*s^\nerror: %s\n", indent > 0 ? indent : 0, "", err->msg);
}

/* Runs one line; returns -1 if the backend failed and the session must end. */
static int run_line(struct driver *d, struct script *s, const char *line, int lineno)
{
	struct script_error err;
	struct strbuf out = {NULL, 0, 0};
	int r = script_parse_line(s, line, strlen(line), lineno, &err);

	if (r < 0) {
		print_error(&err);
		return 0;
	}
	if (r == 0)
		return 0;
	r = driver_step(d, s, s->n - 1, &out);
	print_result(&s->stmt[s->n - 1], &out);
	sb_free(&out);
	return r < 0 ? -1 : 0;
}

static int is_word(const char *line, const char *w)
{
	size_t n = strlen(w);
	line += strspn(line, " \t");
	return strncmp(line, w, n) == 0 && line[n + strspn(line + n, " \t")] == '\0';
}

/* The words of a line of at most two words, blanks around them dropped
 * (into buf); 0 when the line has more, or none. */
static int line_words(const char *line, char *buf, size_t len, char **w1, char **w2)
{
	char *save = NULL;
	if (snprintf(buf, len, "%s", line) >= (int)len)
		return 0;
	*w1 = strtok_r(buf, " \t", &save);
	*w2 = *w1 ? strtok_r(NULL, " \t", &save) : NULL;
	if (!*w1 || (*w2 && strtok_r(NULL, " \t", &save)))
		return 0;
	return *w2 ? 2 : 1;
}

/* The prompt's own commands: `help`, `help STATEMENT`, and a bare NAME,
 * which prints the value bound to it.  1 if line was one of them. */
static int prompt_command(struct driver *d, struct script *s, const char *line)
{
	char buf[128], *w1, *w2;
	int n = line_words(line, buf, sizeof(buf), &w1, &w2), slot;

	if (n == 1 && !strcmp(w1, "help")) {
		script_print_usage(stdout);
		fputs("(help STATEMENT says what one does; NAME alone prints its value)\n", stdout);
		return 1;
	}
	if (n == 2 && !strcmp(w1, "help")) {
		script_print_help(stdout, w2);
		return 1;
	}
	if (n == 1 && (slot = script_name_slot(s, w1)) >= 0) {
		struct strbuf out = {NULL, 0, 0};
		driver_put_name(d, slot, &out);
		fputs(out.s, stdout);
		sb_free(&out);
		return 1;
	}
	return 0;
}

int repl_run(struct driver *d)
{
	struct script *s = script_new("<stdin>");
	struct history h = {NULL, 0};
	struct editor ed;
	struct strbuf out = {NULL, 0, 0};
	int lineno = 0, rc = 0;

	memset(&ed, 0, sizeof(ed));
	if (!s) {
		driver_close(d, &out);
		return 1;
	}
	printf("mmkit: type statements (\"help\" lists them, \"quit\" or Ctrl-D ends); e.g.\n"
	       "  spawn P\n  P: a = mmap 0 8K read|write private|anonymous\n");
	fflush(stdout);
	for (;;) {
		if (raw_on(&ed) < 0)
			break;
		int got = edit_line(&ed, &h);
		raw_off(&ed);
		if (!got)
			break;
		lineno++;
		if (is_word(ed.buf, "quit") || is_word(ed.buf, "exit"))
			break;
		history_add(&h, ed.buf);
		if (prompt_command(d, s, ed.buf)) {
			fflush(stdout);
			continue;
		}
		if (run_line(d, s, ed.buf, lineno) < 0) {
			rc = 1;
			break;
		}
	}
	if (driver_close(d, &out) < 0)
		rc = 1;
	fputs(out.s ? out.s : "", stdout);
	sb_free(&out);
	script_free(s);
	for (int i = 0; i < h.n; i++)
		free(h.line[i]);
	free(h.line);
	free(ed.buf);
	free(ed.stash);
	return rc;
}
