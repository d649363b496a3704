/*
 * hostfd.c - the host file descriptor through which an inode reads and
 * writes its host file (inode->hostfd), apart from the simulated opens.
 *
 * A simulated open(2) opens the host file itself, beneath the root and with
 * the caller's own access mode, O_CREAT, O_EXCL, O_TRUNC and O_APPEND, so
 * the host kernel decides permission, creation and truncation for the
 * simulated process as Linux would (fs.c, file_open).  That descriptor is
 * then offered to the inode (hostfd_offer) and closed unless the inode
 * keeps it.  The descriptor the inode keeps:
 *
 *  - never has O_APPEND.  Writeback and hole punching pwrite at page
 *    offsets; on an O_APPEND descriptor every pwrite lands at the end of
 *    the file.  Append is a property of the open file description
 *    (mmk_file->flags), which fs.c applies itself (file_append, under the inode lock).
 *  - has the widest access the host grants mmkit: an offer that is not
 *    O_RDWR, and comes with a path (exec's and mmk_fd_install_host's come
 *    without: they never widen), first tries an O_RDWR open of the same path beneath the root
 *    (kept only if it is the same host file), and an offer with more access
 *    than the inode's descriptor replaces it.  When neither covers the
 *    other (read-only against write-only: a chmod between two opens) the
 *    writable one becomes the inode's descriptor, so dirty pages reach the
 *    file, and the read-only one is kept beside it (inode->hostfd_rd), so
 *    the page cache still reads the file for the open that may read it: as
 *    in Linux, where each open keeps the access it was granted and the
 *    page cache reads whatever the file's mode is now.  A file first opened
 *    read-only and made writable later (chmod) thus gets a writable
 *    descriptor from the first open that may write it, never through
 *    /proc/self/fd.  Neither widening gives a simulated process any access
 *    its own open was refused: that is checked by its own host open.  An
 *    inode with only a write-only descriptor cannot read the rest of a
 *    partly written page; such a write goes straight to the file
 *    (pagecache.c, write_through_locked).
 *  - is held only while the inode is in use: referenced (open files,
 *    mappings, sync's and the flusher's passing references) or dirty.  An
 *    idle inode (no reference, no dirty page) closes its descriptor
 *    (hostfd_idle_locked) and keeps its clean page cache, as Linux keeps a
 *    file's pages cached after the last close; the next open offers it a
 *    new one.  So a process may create, write and close more files than
 *    the host's RLIMIT_NOFILE.  This stays correct because an inode without
 *    a descriptor needs none: it has no mapping, no open file and no dirty
 *    page, so nothing reads or writes its host file until an open gives it
 *    a descriptor again (of the same host file: the inode table is keyed
 *    by (dev, ino), taken from the new descriptor).  mmk_unlink drops an
 *    idle inode whose last name goes, so it never outlives its file
 *    through mmkit; and an idle inode whose host file's mtime or size
 *    changed by the time it gets a descriptor again (written, or deleted
 *    and its inode number reused, outside mmkit) drops its clean cache
 *    first (hostfd_revalidate_locked).  Nothing is ever reopened by path
 *    (a rename would make that another file) or by handle
 *    (open_by_handle_at needs CAP_DAC_READ_SEARCH).  Pages written back
 *    before the close (by the flusher, reclaim or shedding) were written
 *    with pwrite and not fsync'ed: closing the descriptor of a file written
 *    since its last fsync (inode->host_unsynced) sets
 *    sys->closed_unsynced, and the next mmk_sync then syncs the root's
 *    host file system (syncfs), as Linux's sync writes back every inode
 *    and then syncs every file system.
 *  - when the host runs out of descriptors (EMFILE, ENFILE), hostfd_shed
 *    writes back the dirty pages of every unreferenced inode, which then
 *    closes its descriptor, and the failed host open is retried once.
 *    That writeback comes earlier than the flusher's, which is all a
 *    script could see (docs/DIFFERENCES.md).
 *
 * Locking: inode->hostfd and hostfd_acc change only under inode->lock, and
 * only in two ways: closed (to -1) when the inode is idle, or replaced by
 * dup3() onto the same number when an offer widens the access.
 * inode->hostfd_rd is set, closed and used (hostfd_read_locked) only under
 * inode->lock.  So a
 * descriptor number read under inode->lock stays valid, and names the same
 * host file, for as long as the reader holds a reference to the inode
 * (writeback_range's fsync after unlocking relies on it).  Without a
 * reference (reclaim's pageout), hostfd is used only under inode->lock.
 * A dirty page implies a descriptor: one is closed only with nrdirty == 0,
 * and a page is dirtied only through an open file or a mapping, whose open
 * offered a descriptor before the file could be used.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blockmap.h"
#include "internal.h"
#include "pages.h"

/* Whether access mode a (O_RDONLY, O_WRONLY, O_RDWR) allows all that b does. */
static bool acc_covers(int a, int b)
{
	return a == b || a == O_RDWR;
}

/*
 * An O_RDWR descriptor of in's host file (a regular file), opened by path
 * beneath the root, or -1 if the host refuses it or path now names
 * another file.
 */
static int hostfd_open_rdwr(struct mmk_inode *in, const char *path)
{
	struct stat st;
	if (in->nommap)
		return -1;
	/* O_NONBLOCK: a FIFO renamed over path meanwhile must not block. */
	int rw = root_openat(in->sys, path, O_RDWR | O_NONBLOCK, 0);
	if (rw < 0)
		return -1;
	if (fstat(rw, &st) < 0 || st.st_dev != in->dev || st.st_ino != in->ino) {
		close(rw);
		return -1;
	}
	return rw;
}

/* Clears O_APPEND on hfd.  0, or -errno (EPERM: an append-only host file). */
static int hostfd_clear_append(int hfd)
{
	int fl = fcntl(hfd, F_GETFL);
	if (fl < 0)
		return -errno;
	if (fcntl(hfd, F_SETFL, fl & ~O_APPEND) < 0)
		return -errno;
	return 0;
}

/* The access mode of the inode's descriptor, or -1 if it has none. */
static int hostfd_acc_now(struct mmk_inode *in)
{
	mmk_mutex_lock(&in->lock);
	int acc = in->hostfd >= 0 ? in->hostfd_acc : -1;
	mmk_mutex_unlock(&in->lock);
	return acc;
}

static int64_t mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/*
 * Before an idle inode takes the descriptor hfd: if the host file's mtime
 * or size is not what it was when the inode went idle, something outside
 * mmkit wrote it, or deleted it and made a new file with its inode number;
 * the clean cache is stale and goes.  Caller holds inode->lock.
 */
static void hostfd_revalidate_locked(struct mmk_inode *in, int hfd)
{
	lock_assert_held(&in->lock);
	struct stat st;
	if (!in->idle_stamped || fstat(hfd, &st) < 0)
		return;
	in->idle_stamped = false;
	if (mtime_ns(&st) == in->idle_mtime_ns && (uint64_t)st.st_size == in->idle_size)
		return;
	pagecache_forget_locked(in, (uint64_t)st.st_size);
	if (!in->zero_eof_block)
		return;
	/* as fs.c's fs_zero_eof_block_init: written through, or all holes */
	uint64_t pages = ((uint64_t)st.st_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	(void)blockmap_remove(&in->blocks, 0, UINT64_MAX); /* a tail: cannot fail */
	if ((uint64_t)st.st_blocks * 512 >= pages * PAGE_SIZE)
		(void)blockmap_add(&in->blocks, 0, pages);
}

/*
 * Widens the inode's descriptor with hfd (access acc), which it does not
 * cover: O_RDWR replaces it (dup3) and the read-only one beside it goes;
 * write-only onto read-only replaces it too (dirty pages must reach the
 * file), the read-only one kept beside as hostfd_rd (dup'd first); and
 * read-only onto write-only becomes hostfd_rd.  So every access an open
 * was granted stays possible, as each Linux open keeps its own.  Returns
 * the descriptor left for the caller to close, or -1.  Caller holds
 * inode->lock.
 */
static int hostfd_widen_locked(struct mmk_inode *in, int hfd, int acc)
{
	lock_assert_held(&in->lock);
	if (acc == O_RDONLY) {
		if (in->hostfd_rd >= 0)
			return hfd;
		in->hostfd_rd = hfd;
		return -1;
	}
	int rd = -1;
	if (acc == O_WRONLY && in->hostfd_acc == O_RDONLY)
		rd = fcntl(in->hostfd, F_DUPFD_CLOEXEC, 0); /* -1: reads fail (EBADF) */
	if (dup3(hfd, in->hostfd, O_CLOEXEC) < 0) {
		if (rd >= 0)
			close(rd);
		return hfd;
	}
	in->hostfd_acc = acc;
	if (in->hostfd_rd >= 0)
		close(in->hostfd_rd);
	in->hostfd_rd = rd;
	return hfd;
}

int hostfd_read_locked(struct mmk_inode *in)
{
	lock_assert_held(&in->lock);
	if (in->hostfd_rd >= 0)
		return in->hostfd_rd;
	return in->hostfd_acc == O_WRONLY ? -1 : in->hostfd;
}

int hostfd_offer(struct mmk_inode *in, const char *path, int hfd, int flags)
{
	int acc = flags & O_ACCMODE;
	bool append = flags & O_APPEND;
	if (hostfd_acc_now(in) == O_RDWR) {
		close(hfd);
		return 0;
	}
	if (acc != O_RDWR && path) {
		int rw = hostfd_open_rdwr(in, path);
		if (rw >= 0) {
			close(hfd);
			hfd = rw;
			acc = O_RDWR;
			append = false;
		}
	}
	int err = append ? hostfd_clear_append(hfd) : 0;
	if (err) {
		close(hfd);
		return err;
	}
	mmk_mutex_lock(&in->lock);
	if (in->hostfd < 0) {
		hostfd_revalidate_locked(in, hfd);
		in->hostfd = hfd;
		in->hostfd_acc = acc;
		hfd = -1;
	} else if (!acc_covers(in->hostfd_acc, acc)) {
		hfd = hostfd_widen_locked(in, hfd, acc);
	}
	mmk_mutex_unlock(&in->lock);
	if (hfd >= 0)
		close(hfd);
	return 0;
}

void hostfd_idle_locked(struct mmk_inode *in)
{
	lock_assert_held(&in->lock);
	if (in->kind != INODE_FILE || in->hostfd < 0 || in->nrdirty ||
	    atomic_load(&in->refcount) != 0)
		return;
	struct stat st;
	if (in->host_unsynced) /* the next mmk_sync syncs the file system */
		atomic_store(&in->sys->closed_unsynced, true);
	in->host_unsynced = false;
	in->idle_stamped = fstat(in->hostfd, &st) == 0;
	if (in->idle_stamped) {
		in->idle_mtime_ns = mtime_ns(&st);
		in->idle_size = (uint64_t)st.st_size;
	}
	close(in->hostfd);
	in->hostfd = -1;
	if (in->hostfd_rd >= 0)
		close(in->hostfd_rd);
	in->hostfd_rd = -1;
}

void hostfd_shed(struct mmk_system *sys)
{
	size_t n;
	struct mmk_inode **v = inodes_snapshot(sys, &n);
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		struct mmk_inode *in = v[i];
		/* Only the snapshot's reference: nobody has it open or mapped
		 * (racy, and harmless: an inode opened meanwhile is written
		 * back early and keeps its descriptor). */
		if (in->kind == INODE_FILE && atomic_load(&in->refcount) == 1)
			(void)writeback_range(in, 0, UINT64_MAX, false);
	}
	inodes_release(v, n); /* the last reference of each idle inode closes its fd */
}
