/*
 * format.c - text building blocks of the tool's output: the growable string
 * (struct strbuf) and the renderings every result shares (bytes as script
 * strings, sizes, errno names).
 *
 * Invariants: a strbuf's s is NULL or NUL-terminated with len < cap; the
 * rendering of bytes is a pure function of the bytes (both backends'
 * outputs compare byte for byte), and it reads back as the same bytes when
 * pasted into a script.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "mmkit.h"

/* Out of memory in the tool is not recoverable: say so and stop. */
static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("mmkit: out of memory\n", stderr);
		exit(1);
	}
	return q;
}

/* Makes room for n more bytes and the NUL. */
static void sb_reserve(struct strbuf *sb, size_t n)
{
	if (sb->len + n + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap < sb->len + n + 1)
		cap *= 2;
	sb->s = xrealloc(sb->s, cap);
	sb->cap = cap;
}

void sb_putn(struct strbuf *sb, const char *p, size_t n)
{
	sb_reserve(sb, n);
	memcpy(sb->s + sb->len, p, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_puts(struct strbuf *sb, const char *str)
{
	sb_putn(sb, str, strlen(str));
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_reserve(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->s)
		sb->s[0] = '\0';
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	*sb = (struct strbuf){NULL, 0, 0};
}

/* Runs of at least this many equal bytes print as "x"*N. */
#define RUN_MIN 16

/* Appends byte p[i] of a quoted piece ending at p[end], escaped so that the
 * piece reads back as the same bytes. */
static void put_escaped(struct strbuf *sb, const unsigned char *p, size_t i, size_t end)
{
	unsigned char x = p[i];
	char tmp[8];

	switch (x) {
	case '\\':
		sb_puts(sb, "\\\\");
		return;
	case '"':
		sb_puts(sb, "\\\"");
		return;
	case '\n':
		sb_puts(sb, "\\n");
		return;
	case '\t':
		sb_puts(sb, "\\t");
		return;
	case '\r':
		sb_puts(sb, "\\r");
		return;
	case '\0':
		/* "\0" followed by an octal digit would read as one escape. */
		if (i + 1 < end && p[i + 1] >= '0' && p[i + 1] <= '7')
			sb_puts(sb, "\\x00");
		else
			sb_puts(sb, "\\0");
		return;
	}
	if (x >= 0x20 && x < 0x7f) {
		sb_putn(sb, (const char *)&x, 1);
		return;
	}
	snprintf(tmp, sizeof(tmp), "\\x%02x", x);
	sb_puts(sb, tmp);
}

/* Length of the run of equal bytes starting at p[i]. */
static size_t run_len(const unsigned char *p, size_t i, size_t n)
{
	size_t j = i;
	while (j < n && p[j] == p[i])
		j++;
	return j - i;
}

void sb_put_bytes(struct strbuf *sb, const unsigned char *p, size_t n)
{
	size_t i = 0;
	int pieces = 0;

	if (!n) {
		sb_puts(sb, "\"\"");
		return;
	}
	while (i < n) {
		size_t r = run_len(p, i, n);
		if (pieces++)
			sb_puts(sb, " ");
		if (r >= RUN_MIN) {
			sb_puts(sb, "\"");
			put_escaped(sb, p, i, i + 1);
			sb_printf(sb, "\"*%zu", r);
			i += r;
			continue;
		}
		/* A quoted piece: up to the next long run. */
		size_t end = i;
		while (end < n && run_len(p, end, n) < RUN_MIN)
			end += run_len(p, end, n);
		sb_puts(sb, "\"");
		for (size_t k = i; k < end; k++)
			put_escaped(sb, p, k, end);
		sb_puts(sb, "\"");
		i = end;
	}
}

void sb_put_size(struct strbuf *sb, uint64_t len)
{
	static const struct {
		uint64_t unit;
		char suffix;
	} units[] = {{1ULL << 40, 'T'}, {1ULL << 30, 'G'}, {1ULL << 20, 'M'}, {1ULL << 10, 'K'}};

	for (size_t i = 0; len && i < sizeof(units) / sizeof(units[0]); i++) {
		if (len % units[i].unit == 0) {
			sb_printf(sb, "%llu%c", (unsigned long long)(len / units[i].unit),
				  units[i].suffix);
			return;
		}
	}
	sb_printf(sb, "%llu", (unsigned long long)len);
}

void sb_put_errno(struct strbuf *sb, int64_t neg_errno)
{
	int err = neg_errno < 0 && neg_errno > -100000 ? (int)-neg_errno : 0;
	const char *name = err ? mmk_errno_name(err) : NULL;

	if (name)
		sb_printf(sb, "-%s", name);
	else
		sb_printf(sb, "-E%lld", (long long)-neg_errno);
}
