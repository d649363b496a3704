/*
 * hostio.c - whole-buffer I/O on a host descriptor (hostio.h): the loops
 * that retry a short pread or pwrite and an EINTR, for the page cache,
 * writeback and swap.
 */
#include <errno.h>
#include <unistd.h>

#include "hostio.h"

int host_pwrite_all(int fd, const void *buf, uint64_t n, uint64_t pos)
{
	const uint8_t *p = buf;
	while (n) {
		ssize_t r = pwrite(fd, p, n, (off_t)pos);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		p += r;
		pos += (uint64_t)r;
		n -= (uint64_t)r;
	}
	return 0;
}

int64_t host_pread_all(int fd, void *buf, uint64_t n, uint64_t pos)
{
	uint8_t *p = buf;
	uint64_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, p + got, n - got, (off_t)(pos + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (uint64_t)r;
	}
	return (int64_t)got;
}
