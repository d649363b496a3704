/*
 * bug.h - the library's one way to stop on a broken invariant: MMK_BUG(fmt,
 * ...) and MMK_BUG_ON(cond) print "mmkit: BUG at FILE:LINE: ..." and abort
 * (Linux's BUG()/BUG_ON(), xv6's panic()); MMK_CHECK(cond, err, errlen, ...)
 * is the invariant checkers' way to report one instead: it writes the
 * message to err and returns -EUCLEAN from the calling function.
 * Lowest layer: includes nothing of mmkit.
 */
#ifndef MMK_BUG_H
#define MMK_BUG_H

#include <errno.h>
#include <stdio.h>

/* Loud invariant failure (xv6's panic). */
#define MMK_BUG(...) mmk_panic(__FILE__, __LINE__, __VA_ARGS__)
void mmk_panic(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
#define MMK_BUG_ON(c)                                                                              \
	do {                                                                                       \
		if (__builtin_expect(!!(c), 0))                                                    \
			MMK_BUG("BUG_ON(%s)", #c);                                                 \
	} while (0)

/* In an invariant checker returning int with (char *err, size_t errlen):
 * unless cond holds, report the message and return -EUCLEAN. */
#define MMK_CHECK(cond, err, errlen, ...)                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			snprintf(err, errlen, __VA_ARGS__);                                        \
			return -EUCLEAN;                                                           \
		}                                                                                  \
	} while (0)

#endif
