/* Appends printf output to a growable text buffer used by the views. */
struct textbuf {
	char *buf;
	size_t len, cap;
	bool oom;
};
void tb_printf(struct textbuf *tb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copies tb into (buf, len) the way the mmk_proc_* views promise; frees tb. */
int64_t tb_finish(struct textbuf *tb, char *buf, uint64_t len);
