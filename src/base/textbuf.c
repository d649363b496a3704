/*
 * textbuf.c - the views' text buffer (textbuf.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textbuf.h"

void tb_printf(struct textbuf *tb, const char *fmt, ...)
{
	if (tb->oom)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		size_t room = tb->cap - tb->len;
		int n = vsnprintf(tb->buf ? tb->buf + tb->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			tb->oom = true;
			return;
		}
		if ((size_t)n < room) {
			tb->len += (size_t)n;
			return;
		}
		size_t cap = tb->cap ? tb->cap * 2 : 4096;
		while (cap < tb->len + (size_t)n + 1)
			cap *= 2;
		char *nb = realloc(tb->buf, cap);
		if (!nb) {
			tb->oom = true;
			return;
		}
		tb->buf = nb;
		tb->cap = cap;
	}
}

int64_t tb_finish(struct textbuf *tb, char *buf, uint64_t len)
{
	if (tb->oom) {
		free(tb->buf);
		return -ENOMEM;
	}
	if (buf && len) {
		size_t n = tb->len < len - 1 ? tb->len : len - 1;
		if (n)
			memcpy(buf, tb->buf, n);
		buf[n] = 0;
	}
	free(tb->buf);
	return (int64_t)tb->len;
}
