/*
 * dir.c - the directory system calls: mkdir, rmdir, getdents64, and the
 * file position of an open directory (lseek).  Mirrors fs/namei.c's
 * do_mkdirat() and do_rmdir() and fs/readdir.c's getdents64().
 *
 * mmkit has no model of a directory's contents: a directory is the host's,
 * and these calls are the host kernel's *at calls, made on the parent
 * directory path_parentat() opened beneath the root with the last
 * component as a single name (never followed when it is a symlink), so
 * they can neither resolve nor touch anything outside the root.  What
 * mmkit decides itself is what Linux decides before it reaches the file
 * system: the answers for ".", ".." and the root as a last component.
 *
 * An open directory is an INODE_FILE inode with nommap set (inode.c: the
 * only INODE_FILE that is not a regular file), whose host descriptor
 * (hostfd.c) is shared by every open of it.  Each open file description
 * keeps its own directory position in f->pos, an opaque cookie of the
 * host file system (ext4's hash, tmpfs's index: what the host's d_off and
 * lseek give); a getdents64 or lseek moves the host descriptor to f->pos,
 * makes the host call there and takes the new position back.
 *
 * Locking: f->pos_lock, then inode->lock (the order mmk_lseek takes them),
 * held across the host calls, so two open files of one directory never
 * see each other's position.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

/* Whether f is an open directory. */
bool file_is_dir(const struct mmk_file *f)
{
	return f->inode->kind == INODE_FILE && f->inode->nommap;
}

/*
 * Puts the shared host descriptor hfd of f's directory at f's own
 * position, unless it is there already (the usual case: one open), so a
 * position the file system would no longer accept back (the end cookie of
 * a directory since removed) is not sought.  Caller holds f->pos_lock and
 * the inode's lock.  0 or -errno.
 */
static int dir_hostpos_locked(struct mmk_file *f, int hfd)
{
	off_t cur = lseek(hfd, 0, SEEK_CUR);
	if (cur >= 0 && (uint64_t)cur == f->pos)
		return 0;
	return lseek(hfd, (off_t)f->pos, SEEK_SET) < 0 ? -errno : 0;
}

/*
 * mkdirat(AT_FDCWD): a new directory PATH with mode & 01777 (S_IRWXUGO |
 * S_ISVTX, as do_mkdirat keeps), less the host's umask, as the host's
 * mkdirat makes it.  A last component ".", ".." or the root exists
 * (filename_create's -EEXIST); trailing slashes are allowed.
 */
int mmk_mkdir(mmk_proc *p, const char *path, unsigned mode)
{
	int err = proc_enter(p);
	if (err)
		return err;
	struct path_last pl;
	err = path_parentat(p->sys, path, &pl);
	if (err)
		return err;
	if (pl.type != PATH_LAST_NORM)
		err = -EEXIST;
	else if (mkdirat(pl.dfd, pl.name, mode & 01777) < 0)
		err = -errno;
	path_last_release(&pl);
	return err;
}

/*
 * rmdir(2), unlinkat(AT_REMOVEDIR): do_rmdir()'s answers for the last
 * component first (".": -EINVAL, "..": -ENOTEMPTY, the root: -EBUSY), then
 * the host's unlinkat on the name (-ENOENT, -ENOTDIR for a file or a
 * symlink, -ENOTEMPTY, -EACCES...).
 */
int mmk_rmdir(mmk_proc *p, const char *path)
{
	int err = proc_enter(p);
	if (err)
		return err;
	struct path_last pl;
	err = path_parentat(p->sys, path, &pl);
	if (err)
		return err;
	switch (pl.type) {
	case PATH_LAST_DOT:
		err = -EINVAL;
		break;
	case PATH_LAST_DOTDOT:
		err = -ENOTEMPTY;
		break;
	case PATH_LAST_ROOT:
		err = -EBUSY;
		break;
	case PATH_LAST_NORM: {
		struct stat st;
		bool have = fstatat(pl.dfd, pl.name, &st, AT_SYMLINK_NOFOLLOW) == 0;
		err = unlinkat(pl.dfd, pl.name, AT_REMOVEDIR) < 0 ? -errno : 0;
		/* its cached inode (from an open) must not outlive it: the host
		 * may give its number to a new file, which is no directory */
		if (!err && have) {
			st.st_nlink = 1; /* gone: no name left, "." included */
			inode_note_unlink(p->sys, &st);
		}
		break;
	}
	}
	path_last_release(&pl);
	return err;
}

/*
 * getdents64(2) on an open directory: as many whole linux_dirent64 records
 * (d_ino, d_off, d_reclen, d_type, the name; "." and ".." included) as fit
 * in len bytes, from the file's position, which moves past them.  Returns
 * the bytes written, 0 at the end, or -EBADF, -ENOTDIR (not a directory),
 * -EINVAL (len too small for the next record), -EFAULT (buf NULL).
 */
int64_t mmk_getdents64(mmk_proc *p, int fd, void *buf, uint64_t len)
{
	int err = proc_enter(p);
	if (err)
		return err;
	struct mmk_file *f = fd_file(p, fd);
	if (!f)
		return -EBADF;
	if (!file_is_dir(f)) {
		file_put(f);
		return -ENOTDIR;
	}
	if (!buf) {
		file_put(f);
		return -EFAULT;
	}
	if (len > INT_MAX) /* the count is an unsigned int; the host caps it so */
		len = INT_MAX;
	mmk_mutex_lock(&f->pos_lock);
	mmk_mutex_lock(&f->inode->lock);
	int hfd = f->inode->hostfd; /* valid while f's reference lasts (hostfd.c) */
	int64_t ret = dir_hostpos_locked(f, hfd);
	if (!ret) {
		ret = syscall(SYS_getdents64, hfd, buf, (unsigned)len);
		if (ret < 0) {
			ret = -errno;
		} else {
			off_t pos = lseek(hfd, 0, SEEK_CUR);
			if (pos >= 0)
				f->pos = (uint64_t)pos;
		}
	}
	mmk_mutex_unlock(&f->inode->lock);
	mmk_mutex_unlock(&f->pos_lock);
	file_put(f);
	return ret;
}

/*
 * lseek(2) on an open directory (mmk_lseek's caller holds a reference to
 * f): the host file system's llseek, from the file's own position for
 * SEEK_CUR (ext4 and tmpfs accept SEEK_SET and SEEK_CUR; lseek(fd, 0,
 * SEEK_SET) rewinds for the next getdents64).  The new position or -errno (-EINVAL).
 */
int64_t dir_lseek(struct mmk_file *f, int64_t off, int whence)
{
	mmk_mutex_lock(&f->pos_lock);
	mmk_mutex_lock(&f->inode->lock);
	int hfd = f->inode->hostfd;
	int64_t ret = whence == SEEK_SET ? 0 : dir_hostpos_locked(f, hfd);
	if (!ret) {
		off_t r = lseek(hfd, (off_t)off, whence);
		ret = r < 0 ? -errno : (int64_t)r;
	}
	if (ret >= 0)
		f->pos = (uint64_t)ret;
	mmk_mutex_unlock(&f->inode->lock);
	mmk_mutex_unlock(&f->pos_lock);
	return ret;
}
