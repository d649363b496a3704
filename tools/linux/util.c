/*
 * util.c - text and I/O helpers of the server that never allocate.
 *
 * Once set up, the server must not call malloc or stdio (either would map
 * memory inside the script's address space), so it formats numbers and
 * parses /proc text by hand into static buffers.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server.h"

void ob_init(struct obuf *ob, void *p, size_t cap)
{
	ob->p = p;
	ob->len = 0;
	ob->cap = cap;
	ob->overflow = 0;
}

void ob_putn(struct obuf *ob, const char *s, size_t n)
{
	if (n > ob->cap - ob->len) {
		n = ob->cap - ob->len;
		ob->overflow = 1;
	}
	memcpy(ob->p + ob->len, s, n);
	ob->len += n;
}

void ob_puts(struct obuf *ob, const char *s)
{
	ob_putn(ob, s, strlen(s));
}

void ob_putu(struct obuf *ob, uint64_t v)
{
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ob_putn(ob, tmp + i, sizeof(tmp) - i);
}

int read_full(int fd, void *p, size_t n)
{
	char *c = p;

	while (n) {
		ssize_t r = read(fd, c, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EPIPE;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

int send_full(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t r = send(fd, c, n, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

int64_t read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r;

		if (len + 1 >= cap) {
			close(fd);
			return -EMSGSIZE;
		}
		r = read(fd, buf + len, cap - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;

			close(fd);
			return err;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	return (int64_t)len;
}

uint64_t parse_hex(const char **s)
{
	uint64_t v = 0;

	for (;; (*s)++) {
		char c = **s;

		if (c >= '0' && c <= '9')
			v = v * 16 + (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uint64_t)(c - 'a' + 10);
		else
			return v;
	}
}

uint64_t parse_dec(const char **s)
{
	uint64_t v = 0;

	while (**s == ' ' || **s == '\t')
		(*s)++;
	while (**s >= '0' && **s <= '9') {
		v = v * 10 + (uint64_t)(**s - '0');
		(*s)++;
	}
	return v;
}

const char *line_end(const char *s)
{
	const char *e = strchr(s, '\n');

	return e ? e : s + strlen(s);
}

int line_starts(const char *s, const char *e, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(e - s) >= n && memcmp(s, w, n) == 0;
}

int maps_parse(const char *s, const char *e, struct maps_line *ml)
{
	const char *p = s;
	int field;

	if (p == e || !((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
		return 0;
	ml->start = parse_hex(&p);
	if (*p++ != '-')
		return 0;
	ml->end = parse_hex(&p);
	if (*p++ != ' ' || e - p < 4)
		return 0;
	memcpy(ml->perms, p, 4);
	ml->perms[4] = '\0';
	/* Skip perms, offset, dev and inode; the name follows the blanks. */
	for (field = 0; field < 4; field++) {
		while (p < e && *p != ' ')
			p++;
		while (p < e && *p == ' ')
			p++;
	}
	ml->name = p;
	ml->name_end = e;
	return 1;
}
