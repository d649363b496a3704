/*
 * hostio.h - whole-buffer I/O on a host descriptor: a short transfer and
 * EINTR are retried.  The only pread/pwrite loops of the library.
 */
#ifndef MMK_HOSTIO_H
#define MMK_HOSTIO_H

#include <stdint.h>

/* pwrite of all n bytes at pos.  0, or -errno (-EIO if the host wrote
 * nothing). */
int host_pwrite_all(int fd, const void *buf, uint64_t n, uint64_t pos);
/* pread of up to n bytes at pos, stopping early only at EOF: the bytes
 * read, or -errno. */
int64_t host_pread_all(int fd, void *buf, uint64_t n, uint64_t pos);

#endif
