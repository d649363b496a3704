/* pwrite of all n bytes, retried on short writes.  0 or -errno. */
int host_pwrite_full(int fd, const void *buf, uint64_t n, uint64_t pos)
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

