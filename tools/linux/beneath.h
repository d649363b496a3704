/*
 * beneath.h - script paths on the Linux backend, confined beneath the run
 * directory: the only way the server (tools/linux/main.c: open, unlink)
 * and the backend's top-level statements (tools/mmkit/backend_linux.c:
 * file, cat) reach a file by a script's path.
 *
 * It mirrors src/fs.c's root_openat() and mmk_unlink(), so that both
 * backends give the same answers.  Invariants:
 *   - every path is resolved by the host kernel, in the same system call
 *     that opens it, with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)
 *     from the run directory's fd: "..", absolute paths, symlinks whose
 *     target is outside (at any component, in a chain, or dangling under
 *     O_CREAT) and /proc magic links all fail, and openat2's EXDEV ("would
 *     leave the root") is reported as -EACCES, as mmkit reports it.  Since
 *     the check is the resolution itself, a symlink swapped in while it
 *     runs cannot get through;
 *   - unlink resolves the parent directory the same way (O_PATH |
 *     O_DIRECTORY) and removes the last component relative to it;
 *     unlinkat() never follows a last component, so a symlink is removed,
 *     not its target;
 *   - nothing blocks: files are opened O_NONBLOCK, which a regular file or
 *     a directory has cleared again at once; any other file (FIFO, device,
 *     socket) keeps it, so it answers as Linux answers a non-blocking
 *     caller (a FIFO without a reader: open for writing -ENXIO; a read of
 *     an empty FIFO that has a writer: -EAGAIN) instead of hanging.
 *
 * Header-only, since the two programs share no object files; every
 * function does only system calls (the server never allocates) and uses
 * little stack (the server's stack is prefaulted, server.h).
 */
#ifndef MMKIT_LINUX_BENEATH_H
#define MMKIT_LINUX_BENEATH_H

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Clears O_NONBLOCK again on fd if it is a regular file or a directory,
 * whose open could not block: its open file description is then the one
 * the script asked for.  Returns fd, or -errno after closing it. */
static inline int beneath_settle(int fd)
{
	struct stat st;
	int fl;

	if (fstat(fd, &st) < 0 || (fl = fcntl(fd, F_GETFL)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	if ((S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) &&
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* openat2(2) of path beneath dirfd (AT_FDCWD: the current directory) with
 * open(2) flags and mode.  Returns the fd or -errno; a path that would
 * leave dirfd is -EACCES. */
static inline int beneath_open(int dirfd, const char *path, int flags, unsigned mode)
{
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(unsigned)flags | ((flags & O_PATH) ? 0 : O_NONBLOCK);
	how.mode = (flags & O_CREAT) ? mode : 0;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd < 0)
		return errno == EXDEV ? -EACCES : -errno;
	if (flags & O_PATH)
		return (int)fd;
	return beneath_settle((int)fd);
}

/* unlink(2) of path beneath dirfd, as mmk_unlink() splits it: the parent
 * (everything before the last component; "/" if that is all slashes, which
 * is outside) is opened beneath dirfd, and the last component, with its
 * trailing slashes (Linux's ENOTDIR/EISDIR answers), is unlinked there.
 * path is cut for the parent's open and restored.  Returns 0 or -errno. */
static inline int beneath_unlink(int dirfd, char *path)
{
	size_t end = strlen(path);
	char *name, cut = 0;
	int dfd, r;

	if (!*path)
		return -ENOENT;
	while (end > 0 && path[end - 1] == '/')
		end--;
	name = path + end;
	while (name > path && name[-1] != '/')
		name--;
	if (end == 0 || name == path + 1) { /* "/", "///", "/x": parent "/" */
		dfd = beneath_open(dirfd, "/", O_PATH | O_DIRECTORY, 0);
	} else if (name == path) {
		dfd = beneath_open(dirfd, ".", O_PATH | O_DIRECTORY, 0);
	} else {
		cut = name[-1];
		name[-1] = '\0';
		dfd = beneath_open(dirfd, path, O_PATH | O_DIRECTORY, 0);
		name[-1] = cut;
	}
	if (dfd < 0)
		return dfd;
	r = unlinkat(dfd, name, 0) < 0 ? -errno : 0;
	close(dfd);
	return r;
}

#endif
