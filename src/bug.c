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

