/*
 * beneath.h - script paths on the Linux backend, confined beneath the run
 * directory: the only way the server (tools/linux/main.c: open, unlink,
 * mkdir, rmdir)
 * and the backend's top-level statements (tools/mmkit/backend_linux.c:
 * file, cat) reach a file by a script's path.
 *
 * It mirrors src/pagecache/inode.c's root_openat() and path_parentat(), and
 * mmk_unlink(), mmk_mkdir() and mmk_rmdir(), so that both
 * backends give the same answers.  Invariants:
 *   - every path is resolved by the host kernel, in the same system call
 *     that opens it, with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)
 *     from the run directory's fd: "..", absolute paths, symlinks whose
 *     target is outside (at any component, in a chain, or dangling under
 *     O_CREAT) and /proc magic links all fail, and openat2's EXDEV ("would
 *     leave the root") is reported as -EACCES, as mmkit reports it.  Since
 *     the check is the resolution itself, a symlink swapped in while it
 *     runs cannot get through;
 *   - unlink, mkdir and rmdir resolve the parent directory the same way
 *     (O_PATH | O_DIRECTORY) and act on the last component relative to it;
 *     unlinkat() and mkdirat() never follow a last component, so a symlink
 *     is removed (or is in the way), not its target;
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

/* The parent directory of path opened beneath dirfd (O_PATH), as
 * path_parentat() in src/pagecache/inode.c splits a path: everything before the last
 * component ("/" for "/x", which is outside; "." for a single name), and
 * *name the last component with its trailing slashes, so the kernel gives
 * its ENOTDIR/EISDIR answers.  path is cut for the parent's open and
 * restored.  A path of slashes only (the root itself, Linux's LAST_ROOT)
 * opens nothing: 0 with *name NULL.  Returns the fd, 0 or -errno. */
static inline int beneath_parent(int dirfd, char *path, char **name)
{
	size_t end = strlen(path);
	char *n, cut;
	int dfd;

	*name = NULL;
	if (!*path)
		return -ENOENT;
	while (end > 0 && path[end - 1] == '/')
		end--;
	if (end == 0)
		return 0;
	n = path + end;
	while (n > path && n[-1] != '/')
		n--;
	if (n == path + 1) { /* "/x": parent "/" */
		dfd = beneath_open(dirfd, "/", O_PATH | O_DIRECTORY, 0);
	} else if (n == path) {
		dfd = beneath_open(dirfd, ".", O_PATH | O_DIRECTORY, 0);
	} else {
		cut = n[-1];
		n[-1] = '\0';
		dfd = beneath_open(dirfd, path, O_PATH | O_DIRECTORY, 0);
		n[-1] = cut;
	}
	if (dfd >= 0)
		*name = n;
	return dfd;
}

/* unlink(2), mkdir(2) (mode 0755, as the mmkit backend's script statement
 * asks) and rmdir(2) of path beneath dirfd, as mmk_unlink(), mmk_mkdir()
 * and mmk_rmdir() do them: the last component relative to its parent; the
 * root itself is -EISDIR, -EEXIST and -EBUSY, as Linux answers for "/".
 * The kernel never follows the last component.  Returns 0 or -errno. */
enum beneath_name_op { BENEATH_UNLINK, BENEATH_MKDIR, BENEATH_RMDIR };
static inline int beneath_name_op(int dirfd, char *path, enum beneath_name_op op)
{
	static const int at_root[] = {-EISDIR, -EEXIST, -EBUSY};
	char *name;
	int dfd = beneath_parent(dirfd, path, &name), r;

	if (dfd < 0)
		return dfd;
	if (!name)
		return at_root[op];
	if (op == BENEATH_MKDIR)
		r = mkdirat(dfd, name, 0755);
	else
		r = unlinkat(dfd, name, op == BENEATH_RMDIR ? AT_REMOVEDIR : 0);
	r = r < 0 ? -errno : 0;
	close(dfd);
	return r;
}

#endif
