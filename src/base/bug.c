/*
 * bug.c - mmk_panic, behind MMK_BUG and MMK_BUG_ON (bug.h): the message, the
 * file and line, then abort() so a debugger or a core dump sees the stack.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "bug.h"

void mmk_panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "mmkit: BUG at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
