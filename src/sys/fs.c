/*
 * fs.c - the file system calls: open/close/dup and the
 * read/write/pread/pwrite/lseek/ftruncate/fsync/unlink system calls, which
 * go through the page cache (pagecache.c), and whole-file access from
 * outside any process.  The objects they work on are inode.c's (inodes, the
 * inode table, path resolution) and file.c's (open files, fd tables).
 * FIFOs and device nodes have no page cache: their I/O goes to the host
 * kernel (below, "Non-regular files").
 *
 * Invariants:
 *  - a simulated open opens the host file itself, with its own access
 *    mode, O_CREAT, O_EXCL, O_TRUNC and O_APPEND, so the host decides
 *    permission, creation and truncation; that descriptor is then offered
 *    to the inode (hostfd_offer) and otherwise closed;
 *  - the host file's bytes are touched only through inode->hostfd with
 *    pread/pwrite/ftruncate/fstat/fsync (in pagecache.c and writeback.c);
 *    that descriptor (hostfd.c) never has O_APPEND, has the widest access
 *    the host grants, and is held only while the inode is referenced or
 *    dirty; a FIFO's or device's also with read/write/lseek, on a
 *    descriptor opened with O_NONBLOCK and exactly the access its
 *    simulated open asked for;
 *  - no host open blocks: every one is O_NONBLOCK (which regular files
 *    and directories ignore).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "commit.h"
#include "internal.h"
#include "pages.h"

/* ---- Non-regular files ------------------------------------------------------------ */

/*
 * FIFOs, sockets and device nodes under the root.  mmkit has no model of
 * their data, and no page cache for them: each open gets its own
 * INODE_SPECIAL inode, outside the inode table, holding the host
 * descriptor root_openat made, with exactly the access the simulated open
 * asked for (never upgraded, unlike a regular file's) and O_NONBLOCK.
 * read, write, pread, pwrite, lseek and fsync go to the host kernel on it
 * and get its answers, except that where Linux would block the caller (an
 * open of a FIFO waiting for its other end, a read of an empty FIFO, a
 * write to a full one) the host answers at once as for O_NONBLOCK:
 * -ENXIO, -EAGAIN (docs/DIFFERENCES.md).  mmap is -ENODEV (nommap).
 */
static int special_open(struct mmk_system *sys, int hfd, const struct stat *st, const char *path,
			int flags, struct mmk_file **out)
{
	struct mmk_inode *in = inode_alloc(sys, INODE_SPECIAL);
	if (!in) {
		close(hfd);
		return -ENOMEM;
	}
	in->hostfd = hfd; /* from here on inode_free closes it */
	in->dev = st->st_dev;
	in->ino = st->st_ino;
	in->nommap = true;
	in->path = root_abspath(sys, path);
	struct mmk_file *f = in->path ? file_new(in, flags) : NULL;
	if (!f) {
		inode_free(in);
		return -ENOMEM;
	}
	*out = f;
	return 0;
}

/*
 * One read or write of a non-regular file on the host: at the host
 * descriptor's own position when off < 0 (read(2)/write(2)), else at off
 * (pread/pwrite: -ESPIPE for a FIFO).  A write to a FIFO without readers
 * is -EPIPE; the SIGPIPE the host kernel raises with it is taken back, as
 * mmkit's processes have no signal handling (the host process must not
 * die of it).
 */
static int64_t special_rw(struct mmk_file *f, void *buf, uint64_t len, int64_t off, bool is_write)
{
	int fd = f->inode->hostfd;
	if (!is_write) {
		ssize_t n = off < 0 ? read(fd, buf, len) : pread(fd, buf, len, off);
		return n < 0 ? -errno : n;
	}
	sigset_t pipe, old, pending;
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, &old);
	sigpending(&pending);
	bool was_pending = sigismember(&pending, SIGPIPE);
	ssize_t n = off < 0 ? write(fd, buf, len) : pwrite(fd, buf, len, off);
	int err = n < 0 ? -errno : 0;
	if (err == -EPIPE && !was_pending) {
		struct timespec now = {0, 0};
		while (sigtimedwait(&pipe, NULL, &now) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err ? err : n;
}

/* ---- System calls --------------------------------------------------------------------- */

#define OPEN_KNOWN                                                                                 \
	(MMK_O_ACCMODE | MMK_O_CREAT | MMK_O_EXCL | MMK_O_TRUNC | MMK_O_APPEND | MMK_O_DIRECTORY | \
	 MMK_O_CLOEXEC)

/*
 * The mode a file created by open(O_CREAT) asks the host for: Linux's
 * open() keeps mode & S_IALLUGO (07777) and ignores higher bits (openat2
 * would refuse them with -EINVAL); the host kernel then takes the umask
 * off, the host process's being the simulated one's.  mmkit also drops
 * S_ISUID and S_ISGID, which Linux keeps for the owner: no simulated
 * process can exec, and on the host they would make a set-ID program of
 * whoever runs mmkit (docs/DIFFERENCES.md).
 */
static unsigned create_mode(unsigned mode)
{
	return mode & 07777 & ~(unsigned)(S_ISUID | S_ISGID);
}

/* Opens PATH beneath the root and returns a new open file description. */
static int file_open(struct mmk_system *sys, const char *path, int flags, unsigned mode,
		     struct mmk_file **out)
{
	if (!path)
		return -EFAULT;
	if (!*path)
		return -ENOENT;
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	if ((flags & MMK_O_ACCMODE) == MMK_O_ACCMODE)
		return -EINVAL;
	int hflags = flags & (O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_DIRECTORY);
	int hfd = root_openat(sys, path, hflags | O_NONBLOCK, create_mode(mode));
	if (hfd < 0)
		return hfd;
	struct stat st;
	if (fstat(hfd, &st) < 0) {
		int err = -errno;
		close(hfd);
		return err;
	}
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return special_open(sys, hfd, &st, path, flags, out);
	char *abs = root_abspath(sys, path);
	if (!abs) {
		close(hfd);
		return -ENOMEM;
	}
	int err = 0;
	struct mmk_inode *in = inode_for_hostfd(sys, hfd, &st, abs, false, &err);
	free(abs);
	if (!in) {
		close(hfd);
		return err;
	}
	/* hfd becomes or widens the inode's own descriptor (hostfd.c). */
	err = hostfd_offer(in, path, hfd, hflags);
	if (err) {
		inode_put(in);
		return err;
	}
	/* do_open() -> handle_truncate(): whatever the access mode (the host
	 * open checked write permission, as build_open_flags() asks MAY_WRITE
	 * for O_TRUNC), the host file was truncated; so is the cache. */
	if ((flags & MMK_O_TRUNC) && !in->nommap) {
		err = pagecache_truncate(in, 0);
		if (err) {
			inode_put(in);
			return err;
		}
	}
	struct mmk_file *f = file_new(in, flags);
	if (!f) {
		inode_put(in);
		return -ENOMEM;
	}
	*out = f;
	return 0;
}

int mmk_open(mmk_proc *p, const char *path, int flags, unsigned mode)
{
	int err = proc_enter(p);
	if (err)
		return err;
	if (flags & ~OPEN_KNOWN)
		return -EINVAL;
	struct mmk_file *f;
	err = file_open(p->sys, path, flags, mode, &f);
	if (err)
		return err;
	int fd = fd_install(p, f, flags & MMK_O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

/* ---- Programs: the file exec runs, and host files given by the embedder ------------- */

/*
 * do_open_execat()'s checks on an open file: a regular file (-EACCES
 * otherwise), executable for the host user (may_open's MAY_EXEC; the host
 * decides, as for every open), not on a noexec mount (path_noexec).
 */
int file_exec_check(struct mmk_file *f)
{
	struct mmk_inode *in = f->inode;
	if (in->kind != INODE_FILE || in->nommap)
		return -EACCES;
	mmk_mutex_lock(&in->lock);
	int hfd = in->hostfd; /* valid while f's reference lasts (hostfd.c) */
	mmk_mutex_unlock(&in->lock);
	struct stat st;
	struct statvfs vfs;
	if (hfd < 0 || fstat(hfd, &st) < 0 || !S_ISREG(st.st_mode))
		return -EACCES;
	if (syscall(SYS_faccessat2, hfd, "", X_OK, AT_EMPTY_PATH | AT_EACCESS) < 0)
		return errno == ENOSYS ? ((st.st_mode & 0111) ? 0 : -EACCES) : -EACCES;
	if (fstatvfs(hfd, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC))
		return -EACCES;
	return 0;
}

/* The host path of hfd's file, for maps (what the host's own maps shows). */
static char *host_fd_path(struct mmk_system *sys, int hfd, bool *deleted);

/*
 * open_exec(): PATH resolved in the root as a chroot resolves it (absolute
 * paths and absolute symlinks start at the root, ".." stops there:
 * RESOLVE_IN_ROOT), opened read-only; maps names the file by where it
 * resolved to, as Linux's d_path does.
 */
int exec_open(struct mmk_system *sys, const char *path, struct mmk_file **out)
{
	if (!path)
		return -EFAULT;
	if (!*path)
		return -ENOENT;
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	struct open_how how = {
	    .flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long hfd = -1;
	bool shed = false;
	for (int i = 0; i < OPENAT2_RETRIES; i++) { /* as root_openat */
		hfd = syscall(SYS_openat2, sys->rootfd, path, &how, sizeof(how));
		if (hfd < 0 && (errno == EMFILE || errno == ENFILE) && !shed) {
			hostfd_shed(sys);
			shed = true;
			continue;
		}
		if (hfd >= 0 || errno != EAGAIN)
			break;
	}
	if (hfd < 0)
		return -errno;
	struct stat st;
	if (fstat((int)hfd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close((int)hfd);
		return -EACCES;
	}
	char *abs = host_fd_path(sys, (int)hfd, NULL);
	int err = -ENOMEM;
	struct mmk_inode *in = abs ? inode_for_hostfd(sys, (int)hfd, &st, abs, false, &err) : NULL;
	free(abs);
	if (!in) {
		close((int)hfd);
		return err;
	}
	/* read-only, as open_exec: no wider descriptor is looked for */
	err = hostfd_offer(in, NULL, (int)hfd, O_RDONLY);
	struct mmk_file *f = err ? NULL : file_new(in, MMK_O_RDONLY);
	if (!f) {
		inode_put(in);
		return err ? err : -ENOMEM;
	}
	err = file_exec_check(f);
	if (err) {
		file_put(f);
		return err;
	}
	*out = f;
	return 0;
}

/* The host path of the file open on hfd, as the host's d_path shows it
 * (its readlink), without the " (deleted)" the host adds to a file whose
 * name is gone; *deleted (if deleted is not NULL) says whether it did. */
static char *host_fd_path(struct mmk_system *sys, int hfd, bool *deleted)
{
	char link[64], buf[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", hfd);
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		n = 0;
	buf[n] = 0;
	/* the host marks an unlinked file " (deleted)": mmkit's own flag says it */
	const char *del = " (deleted)";
	size_t dl = strlen(del);
	bool gone = (size_t)n > dl && !strcmp(buf + n - dl, del);
	if (gone)
		buf[n - dl] = 0;
	if (deleted)
		*deleted = gone;
	return mmk_strdup(sys, buf);
}

int mmk_fd_install_host(mmk_proc *p, int hostfd, int flags)
{
	int err = proc_enter(p);
	if (err)
		return err;
	if (flags & ~MMK_O_CLOEXEC)
		return -EINVAL;
	int fl = fcntl(hostfd, F_GETFL);
	struct stat st;
	if (fl < 0 || fstat(hostfd, &st) < 0)
		return -EBADF;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return -EINVAL;
	/* mmkit's own descriptor: a read-only reopen (a new open file
	 * description, so the caller's offset and flags stay its own). */
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", hostfd);
	int ro = open(link, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (ro < 0 && (fl & O_ACCMODE) == O_RDONLY)
		ro = fcntl(hostfd, F_DUPFD_CLOEXEC, 0);
	if (ro < 0)
		return -errno;
	struct stat rst;
	if (fstat(ro, &rst) < 0 || rst.st_dev != st.st_dev || rst.st_ino != st.st_ino) {
		close(ro);
		return -EBADF;
	}
	bool deleted = false;
	char *path = host_fd_path(p->sys, hostfd, &deleted);
	struct mmk_inode *in = path ? inode_for_hostfd(p->sys, ro, &st, path, true, &err) : NULL;
	free(path);
	if (!in) {
		close(ro);
		return path ? err : -ENOMEM;
	}
	/* A file whose name is gone (unlinked after its open, a memfd):
	 * maps says " (deleted)", as Linux's d_path of an unlinked dentry. */
	if (deleted)
		atomic_store(&in->unlinked, true);
	err = hostfd_offer(in, NULL, ro, O_RDONLY); /* never widened */
	if (err) {
		inode_put(in);
		return err;
	}
	struct mmk_file *f = file_new(in, fl & (O_ACCMODE | O_APPEND));
	if (!f) {
		inode_put(in);
		return -ENOMEM;
	}
	int fd = fd_install(p, f, flags & MMK_O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

int mmk_close(mmk_proc *p, int fd)
{
	int err = proc_enter(p);
	if (err)
		return err;
	struct mmk_file *f = NULL;
	mmk_mutex_lock(&p->fd_lock);
	if (fd >= 0 && fd < p->fdt.nfds) {
		f = p->fdt.fds[fd].file;
		p->fdt.fds[fd].file = NULL;
	}
	mmk_mutex_unlock(&p->fd_lock);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

int mmk_dup(mmk_proc *p, int fd)
{
	int err = proc_enter(p);
	if (err)
		return err;
	mmk_mutex_lock(&p->fd_lock);
	int ret = -EBADF;
	if (fd >= 0 && fd < p->fdt.nfds && p->fdt.fds[fd].file) {
		struct mmk_file *f = p->fdt.fds[fd].file;
		file_get(f);
		ret = fd_install_locked(p, f, false);
		if (ret < 0)
			file_put(f);
	}
	mmk_mutex_unlock(&p->fd_lock);
	return ret;
}

/* The file behind fd for an I/O call, or NULL with *err. */
static struct mmk_file *io_file(struct mmk_proc *p, int fd, int *err)
{
	*err = proc_enter(p);
	if (*err)
		return NULL;
	struct mmk_file *f = fd_file(p, fd);
	if (!f)
		*err = -EBADF;
	return f;
}

static int64_t file_read_at(struct mmk_file *f, void *buf, uint64_t len, uint64_t off)
{
	if (f->inode->kind == INODE_NULL)
		return 0;
	if (f->inode->kind == INODE_SPECIAL)
		return special_rw(f, buf, len, (int64_t)off, false);
	if (f->inode->nommap && f->inode->kind == INODE_FILE)
		return -EISDIR;
	return pagecache_read(f, buf, len, off);
}

static int64_t file_write_at(struct mmk_file *f, const void *buf, uint64_t len, uint64_t off)
{
	if (f->inode->kind == INODE_NULL)
		return (int64_t)len;
	if (f->inode->kind == INODE_SPECIAL)
		return special_rw(f, (void *)buf, len, (int64_t)off, true);
	if (f->inode->nommap)
		return -EISDIR;
	return pagecache_write(f, buf, len, off);
}

/* Linux caps one read/write at MAX_RW_COUNT (INT_MAX & PAGE_MASK). */
#define MAX_RW_COUNT (INT32_MAX & ~(int64_t)(PAGE_SIZE - 1))

/*
 * The open file behind fd for a read (write == false) or a write, with a
 * reference: NULL and *err = -ESRCH, -EBADF (no such fd, or not open for
 * that direction: read(2)/write(2) say EBADF).
 */
static struct mmk_file *rw_file(struct mmk_proc *p, int fd, bool write, int *err)
{
	struct mmk_file *f = io_file(p, fd, err);
	if (!f)
		return NULL;
	if (write ? !file_writable(f) : !file_readable(f)) {
		file_put(f);
		*err = -EBADF;
		return NULL;
	}
	return f;
}

/* rw_verify_area(): a count over SSIZE_MAX, or one taking pos past
 * LLONG_MAX, is -EINVAL; then the count is cut to MAX_RW_COUNT. */
static int rw_verify_area(uint64_t pos, uint64_t *len)
{
	if ((int64_t)*len < 0 || (int64_t)(pos + *len) < 0)
		return -EINVAL;
	if (*len > MAX_RW_COUNT)
		*len = MAX_RW_COUNT;
	return 0;
}

/*
 * An append-mode write: at the end of the file, found under the inode lock
 * the write holds (pagecache_append), so concurrent appenders never overlap.
 * *end is the file position after it.  A FIFO or device has no end: the
 * write goes to the host as it is.
 */
static int64_t file_append(struct mmk_file *f, const void *buf, uint64_t len, uint64_t *end)
{
	struct mmk_inode *in = f->inode;
	if (in->kind != INODE_FILE || in->nommap) {
		int64_t ret = file_write_at(f, buf, len, *end);
		if (ret > 0)
			*end += (uint64_t)ret;
		return ret;
	}
	return pagecache_append(f, buf, len, end);
}

int64_t mmk_read(mmk_proc *p, int fd, void *buf, uint64_t len)
{
	int err = proc_enter_buf(p, buf, len);
	if (err)
		return err;
	struct mmk_file *f = rw_file(p, fd, false, &err);
	if (!f)
		return err;
	mmk_mutex_lock(&f->pos_lock);
	bool special = f->inode->kind == INODE_SPECIAL; /* the host keeps its position */
	int64_t ret = rw_verify_area(f->pos, &len);
	if (!ret)
		ret = special ? special_rw(f, buf, len, -1, false)
			      : file_read_at(f, buf, len, f->pos);
	if (ret > 0 && !special)
		f->pos += (uint64_t)ret;
	mmk_mutex_unlock(&f->pos_lock);
	file_put(f);
	return ret;
}

int64_t mmk_write(mmk_proc *p, int fd, const void *buf, uint64_t len)
{
	int err = proc_enter_buf(p, buf, len);
	if (err)
		return err;
	struct mmk_file *f = rw_file(p, fd, true, &err);
	if (!f)
		return err;
	mmk_mutex_lock(&f->pos_lock);
	bool special = f->inode->kind == INODE_SPECIAL;
	int64_t ret = rw_verify_area(f->pos, &len);
	if (!ret && special)
		ret = special_rw(f, (void *)buf, len, -1, true);
	else if (!ret && (f->flags & MMK_O_APPEND))
		ret = file_append(f, buf, len, &f->pos);
	else if (!ret) {
		ret = file_write_at(f, buf, len, f->pos);
		if (ret > 0)
			f->pos += (uint64_t)ret;
	}
	mmk_mutex_unlock(&f->pos_lock);
	file_put(f);
	return ret;
}

int64_t mmk_pread(mmk_proc *p, int fd, void *buf, uint64_t len, int64_t off)
{
	int err = proc_enter_buf(p, buf, len);
	if (err)
		return err;
	if (off < 0)
		return -EINVAL;
	struct mmk_file *f = rw_file(p, fd, false, &err);
	if (!f)
		return err;
	int64_t ret = rw_verify_area((uint64_t)off, &len);
	if (!ret)
		ret = file_read_at(f, buf, len, (uint64_t)off);
	file_put(f);
	return ret;
}

int64_t mmk_pwrite(mmk_proc *p, int fd, const void *buf, uint64_t len, int64_t off)
{
	int err = proc_enter_buf(p, buf, len);
	if (err)
		return err;
	if (off < 0)
		return -EINVAL;
	struct mmk_file *f = rw_file(p, fd, true, &err);
	if (!f)
		return err;
	/* Linux: pwrite on an O_APPEND file appends (see pwrite(2) BUGS),
	 * and leaves the file position alone. */
	uint64_t end = (uint64_t)off;
	int64_t ret = rw_verify_area((uint64_t)off, &len);
	if (!ret)
		ret = (f->flags & MMK_O_APPEND) ? file_append(f, buf, len, &end)
						: file_write_at(f, buf, len, (uint64_t)off);
	file_put(f);
	return ret;
}

int64_t mmk_lseek(mmk_proc *p, int fd, int64_t off, int whence)
{
	int err;
	struct mmk_file *f = io_file(p, fd, &err);
	if (!f)
		return err;
	int64_t ret;
	if (f->inode->kind == INODE_SPECIAL) { /* the host keeps its position */
		off_t r = lseek(f->inode->hostfd, (off_t)off, whence);
		file_put(f);
		return r < 0 ? -errno : (int64_t)r;
	}
	if (file_is_dir(f)) { /* the host file system's directory llseek */
		ret = dir_lseek(f, off, whence);
		file_put(f);
		return ret;
	}
	mmk_mutex_lock(&f->pos_lock);
	int64_t base = 0;
	if (whence == SEEK_CUR) {
		base = (int64_t)f->pos;
	} else if (whence == SEEK_END) {
		mmk_mutex_lock(&f->inode->lock);
		base = (int64_t)f->inode->size;
		mmk_mutex_unlock(&f->inode->lock);
	} else if (whence != SEEK_SET) {
		ret = -EINVAL;
		goto out;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0) {
		ret = -EINVAL;
		goto out;
	}
	f->pos = (uint64_t)(base + off);
	ret = base + off;
out:
	mmk_mutex_unlock(&f->pos_lock);
	file_put(f);
	return ret;
}

/*
 * fstat(2): the host file's facts, with the size mmkit sees (the page
 * cache's, which may be ahead of the host file's) for a regular file.  The
 * null device behind fds 0-2 is a character device 1:3, shared anonymous
 * memory a regular file of its size.
 */
int mmk_fstat(mmk_proc *p, int fd, struct mmk_stat *out)
{
	int err;
	struct mmk_file *f = io_file(p, fd, &err);
	if (!f)
		return err;
	struct mmk_inode *in = f->inode;
	struct stat st;
	memset(&st, 0, sizeof(st));
	mmk_mutex_lock(&in->lock);
	if (in->kind == INODE_FILE || in->kind == INODE_SPECIAL) {
		/* hostfd is valid while f's reference lasts (hostfd.c) */
		if (fstat(in->hostfd, &st) < 0)
			err = -errno;
		else if (in->kind == INODE_FILE && !in->nommap)
			st.st_size = (off_t)in->size;
	} else {
		st.st_mode = in->kind == INODE_NULL ? S_IFCHR | 0666 : S_IFREG | 0600;
		st.st_rdev = in->kind == INODE_NULL ? makedev(1, 3) : 0;
		st.st_nlink = 1;
		st.st_uid = getuid();
		st.st_gid = getgid();
		st.st_size = (off_t)in->size;
		st.st_blksize = PAGE_SIZE;
	}
	mmk_mutex_unlock(&in->lock);
	file_put(f);
	if (err)
		return err;
	if (!out)
		return -EFAULT;
	*out = (struct mmk_stat){
	    .dev = st.st_dev,
	    .ino = st.st_ino,
	    .mode = st.st_mode,
	    .nlink = (uint32_t)st.st_nlink,
	    .uid = st.st_uid,
	    .gid = st.st_gid,
	    .rdev = st.st_rdev,
	    .size = st.st_size,
	    .blksize = st.st_blksize,
	    .blocks = st.st_blocks,
	    .atime_sec = st.st_atim.tv_sec,
	    .atime_nsec = st.st_atim.tv_nsec,
	    .mtime_sec = st.st_mtim.tv_sec,
	    .mtime_nsec = st.st_mtim.tv_nsec,
	    .ctime_sec = st.st_ctim.tv_sec,
	    .ctime_nsec = st.st_ctim.tv_nsec,
	};
	return 0;
}

int mmk_ftruncate(mmk_proc *p, int fd, int64_t len)
{
	int err = proc_enter(p);
	if (err)
		return err;
	if (len < 0)
		return -EINVAL;
	struct mmk_file *f = fd_file(p, fd);
	if (!f)
		return -EBADF;
	if (f->inode->nommap || f->inode->kind != INODE_FILE || !file_writable(f))
		err = -EINVAL;
	else
		err = pagecache_truncate(f->inode, (uint64_t)len);
	file_put(f);
	return err;
}

int mmk_fsync(mmk_proc *p, int fd)
{
	int err;
	struct mmk_file *f = io_file(p, fd, &err);
	if (!f)
		return err;
	if (f->inode->kind == INODE_FILE && !f->inode->nommap)
		err = writeback_range(f->inode, 0, UINT64_MAX, true);
	else if (f->inode->kind == INODE_NULL)
		err = -EINVAL;
	else if (f->inode->kind == INODE_SPECIAL) /* a FIFO: -EINVAL */
		err = fsync(f->inode->hostfd) < 0 ? -errno : 0;
	file_put(f);
	return err;
}

int64_t mmk_fsize(mmk_proc *p, int fd)
{
	int err;
	struct mmk_file *f = io_file(p, fd, &err);
	if (!f)
		return err;
	mmk_mutex_lock(&f->inode->lock);
	int64_t size = (int64_t)f->inode->size;
	mmk_mutex_unlock(&f->inode->lock);
	file_put(f);
	return size;
}

int mmk_unlink(mmk_proc *p, const char *path)
{
	int err = proc_enter(p);
	if (err)
		return err;
	struct path_last pl;
	err = path_parentat(p->sys, path, &pl);
	if (err)
		return err;
	/* do_unlinkat(): a last component "." or ".." (or the root) is a
	 * directory. */
	if (pl.type != PATH_LAST_NORM) {
		path_last_release(&pl);
		return -EISDIR;
	}
	struct stat st;
	bool have = fstatat(pl.dfd, pl.name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (pl.slashes) /* do_unlinkat()'s "slashes:", the name itself not followed */
		err = !have ? -errno : S_ISDIR(st.st_mode) ? -EISDIR : -ENOTDIR;
	else
		err = unlinkat(pl.dfd, pl.name, 0) < 0 ? -errno : 0;
	path_last_release(&pl);
	if (!err && have)
		inode_note_unlink(p->sys, &st);
	return err;
}

/* ---- Whole-file access from outside any process ------------------------------- */

/* Writes data[0, len) at off, one write per page (so the file is cached in
 * 4 KiB folios, as the Linux backend's page-sized write(2)s leave it), then
 * fsyncs f and drops the reference.  Returns 0 or -errno. */
static int sys_file_write_pages(struct mmk_file *f, const void *data, uint64_t len, uint64_t off)
{
	/* A FIFO or device is written as write(2) writes it (it has no
	 * offsets) and its fsync answers as the host's does. */
	bool special = f->inode->kind == INODE_SPECIAL;
	int err = 0;
	uint64_t done = 0;
	while (done < len) {
		uint64_t room = PAGE_SIZE - ((off + done) & (PAGE_SIZE - 1));
		uint64_t piece = len - done < room ? len - done : room;
		int64_t n =
		    special ? special_rw(f, (void *)((const char *)data + done), piece, -1, true)
			    : file_write_at(f, (const char *)data + done, piece, off + done);
		if (n < 0) {
			err = (int)n;
			break;
		}
		if (n == 0) {
			err = -EIO;
			break;
		}
		done += (uint64_t)n;
	}
	/* fsync: the pages start clean, as on the Linux backend, where when
	 * the host would write them back by itself depends on its load. */
	if (!err && f->inode->kind == INODE_FILE && !f->inode->nommap)
		err = writeback_range(f->inode, 0, UINT64_MAX, true);
	else if (!err && special && fsync(f->inode->hostfd) < 0)
		err = -errno;
	file_put(f);
	return err;
}

int mmk_sys_file_create(mmk_system *sys, const char *path, const void *data, uint64_t len)
{
	if (!sys)
		return -EINVAL;
	if (!path || (!data && len))
		return -EFAULT;
	struct mmk_file *f;
	int err = file_open(sys, path, MMK_O_WRONLY | MMK_O_CREAT | MMK_O_TRUNC, 0644, &f);
	if (err)
		return err;
	return sys_file_write_pages(f, data, len, 0);
}

int mmk_sys_file_write(mmk_system *sys, const char *path, uint64_t off, const void *data,
		       uint64_t len)
{
	if (!sys)
		return -EINVAL;
	if (!path || (!data && len))
		return -EFAULT;
	if (off > INT64_MAX || len > INT64_MAX - off)
		return -EFBIG;
	struct mmk_file *f;
	int err = file_open(sys, path, MMK_O_WRONLY, 0, &f);
	if (err)
		return err;
	return sys_file_write_pages(f, data, len, off);
}

int64_t mmk_sys_file_read(mmk_system *sys, const char *path, uint64_t off, void *buf, uint64_t len)
{
	if (!sys)
		return -EINVAL;
	if (!path || (!buf && len))
		return -EFAULT;
	struct mmk_file *f;
	int err = file_open(sys, path, MMK_O_RDONLY, 0, &f);
	if (err)
		return err;
	if (off > INT64_MAX) { /* a negative loff_t: pread(2)'s -EINVAL */
		file_put(f);
		return -EINVAL;
	}
	uint64_t done = 0;
	int64_t ret = 0;
	while (done < len) {
		int64_t n = file_read_at(f, (char *)buf + done, len - done, off + done);
		if (n < 0) {
			ret = n;
			break;
		}
		if (n == 0)
			break;
		done += (uint64_t)n;
	}
	file_put(f);
	return ret < 0 ? ret : (int64_t)done;
}

/*
 * sync_filesystems(): syncs the host file system of the root, where files
 * whose descriptors were closed idle had pages written back without an
 * fsync (hostfd.c).  Where the root cannot be opened for reading, the
 * host's sync() does it.  0 or -errno of syncfs.
 */
static int sync_root_fs(struct mmk_system *sys)
{
	int d = openat(sys->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d < 0) {
		sync();
		return 0;
	}
	int err = syncfs(d) < 0 ? -errno : 0;
	close(d);
	return err;
}

/* ksys_sync(): every inode written back (and fsync'ed while it has a
 * descriptor), then the file system synced if an inode closed a writable
 * descriptor since the last sync. */
int mmk_sync(mmk_system *sys)
{
	if (!sys)
		return -EINVAL;
	int err = 0;
	size_t n;
	struct mmk_inode **v = inodes_snapshot(sys, &n);
	if (!v && n)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int e = writeback_range(v[i], 0, UINT64_MAX, true);
		if (e && !err)
			err = e;
	}
	if (v)
		inodes_release(v, n);
	/* After the pass: each inode either had its descriptor when the pass
	 * came to it (the snapshot's reference kept it open: fsync'ed), or
	 * had closed it before, which set the flag read here. */
	if (atomic_exchange(&sys->closed_unsynced, false)) {
		int e = sync_root_fs(sys);
		if (e && !err)
			err = e;
	}
	return err;
}
