/* Loud invariant failure (xv6's panic). */
#define MMK_BUG(...) mmk_panic(__FILE__, __LINE__, __VA_ARGS__)
void mmk_panic(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
#define MMK_BUG_ON(c)                                                                 \
	do {                                                                           \
		if (__builtin_expect(!!(c), 0))                                        \
			MMK_BUG("BUG_ON(%s)", #c);                                     \
	} while (0)
