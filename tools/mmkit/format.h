/*
 * format.h - text building blocks of the tool's output (format.c): the
 * growable string every subcommand writes into, and the renderings every
 * result shares (bytes as script strings, sizes, errno names).
 * Allocation failure is fatal: "mmkit: out of memory", exit 1.
 */
#ifndef MMKIT_FORMAT_H
#define MMKIT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

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

#endif
