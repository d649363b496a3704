/*
 * textbuf.h - a growable text buffer the views (/proc maps, smaps, status,
 * vmstat) render into.  An allocation failure is remembered (oom) and
 * reported once, by tb_finish.
 */
#ifndef MMK_TEXTBUF_H
#define MMK_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Appends printf output to a growable text buffer used by the views. */
struct textbuf {
	char *buf;
	size_t len, cap;
	bool oom;
};
void tb_printf(struct textbuf *tb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copies tb into (buf, len) the way the mmk_proc_* views promise; frees tb. */
int64_t tb_finish(struct textbuf *tb, char *buf, uint64_t len);

#endif
