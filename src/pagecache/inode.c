/*
 * inode.c - inodes and the inode table: one mmk_inode (hence one page
 * cache) per host file, keyed by (dev, ino) in sys->inodes; inodes that are
 * not host files (shmem, the null device, a FIFO's or device's per-open
 * one); the file system facts an inode takes from its host file (THP
 * alignment, EOF block zeroing, s_maxbytes); path resolution confined to
 * the system's root.  Mirrors fs/inode.c and the parts of fs/namei.c
 * mmkit needs.  The system calls on files are fs.c's.
 *
 * Invariants:
 *  - no path resolves outside sys->rootfd: resolution is done by the host
 *    kernel with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS), which
 *    refuses "..", absolute paths and symlinks that would leave the root;
 *  - sys->inodes holds every INODE_FILE inode that has a page cache, keyed
 *    by (dev, ino); an inode lives while it is referenced or cached, so a
 *    mapping keeps its file alive after close and after unlink; a cached
 *    inode nobody uses keeps its clean pages but no host descriptor, and
 *    leaves the table when mmk_unlink removes its last name (mmk_rmdir: a
 *    directory), or when its number comes back as a file of the other
 *    kind (directory or not: removed outside mmkit);
 *  - a path's last component for unlink, mkdir and rmdir is never resolved
 *    by mmkit (path_parentat): the host's *at call on the parent takes it.
 *
 * Locking: the last reference to an INODE_FILE inode is dropped under its
 * inode->lock and then sys->lock (inode_put), as a lookup takes the first
 * one under sys->lock; so inode_put's caller holds no inode lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "alloc.h"
#include "commit.h"
#include "compiler.h"
#include "internal.h"
#include "pages.h"

/* ---- Inodes ------------------------------------------------------------------- */

static unsigned inode_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev;
	return (unsigned)(h >> 40) % INODE_HASH_SIZE;
}

/* Which inodes share a hash chain follows the host's inode numbers, which
 * differ from one run directory to the next: the walks along the chains
 * are MMK_NO_COVERAGE. */

/* The table's inode for (dev, ino), or NULL.  Caller holds sys->lock. */
MMK_NO_COVERAGE static struct mmk_inode *inode_hash_find(struct mmk_system *sys, dev_t dev,
							 ino_t ino)
{
	struct mmk_inode *in = sys->inodes[inode_hash(dev, ino)];
	while (in && !(in->dev == dev && in->ino == ino))
		in = in->hash_next;
	return in;
}

/* Stores every inode of the table in v (unless v is NULL), in hash order;
 * returns how many there are.  Caller holds sys->lock or is destroying. */
MMK_NO_COVERAGE static size_t inode_table_collect(struct mmk_system *sys, struct mmk_inode **v)
{
	size_t n = 0;
	for (int i = 0; i < INODE_HASH_SIZE; i++)
		for (struct mmk_inode *in = sys->inodes[i]; in; in = in->hash_next) {
			if (v)
				v[n] = in;
			n++;
		}
	return n;
}

struct mmk_inode *inode_alloc(struct mmk_system *sys, enum inode_kind kind)
{
	struct mmk_inode *in = mmk_zalloc(sys, sizeof(*in));
	if (!in)
		return NULL;
	in->sys = sys;
	in->kind = kind;
	in->hostfd = -1;
	in->hostfd_rd = -1;
	in->max_bytes = MAX_LFS_FILESIZE;
	atomic_init(&in->refcount, 1);
	mmk_mutex_init(&in->lock, LOCK_INODE);
	pcache_index_init(&in->pages);
	pcache_index_init(&in->swapped);
	in->pages.inj = in->swapped.inj = in->blocks.inj = &sys->failinj;
	return in;
}

void inode_free(struct mmk_inode *in)
{
	vm_acct_memory(in->sys, -(int64_t)in->commit_pages); /* shmem_unacct_size() */
	pcache_index_destroy(&in->pages);
	pcache_index_destroy(&in->swapped);
	blockmap_destroy(&in->blocks);
	mmk_mutex_destroy(&in->lock);
	if (in->hostfd >= 0)
		close(in->hostfd);
	if (in->hostfd_rd >= 0)
		close(in->hostfd_rd);
	free(in->path);
	free(in);
}

/* Releases the pages of an inode out of the table (or never in it) and frees
 * it (NULL: nothing); returns the writeback error pagecache_release met,
 * or 0.  Caller holds no sys->lock. */
static int inode_drop(struct mmk_inode *in)
{
	if (!in)
		return 0;
	int err = pagecache_release(in);
	inode_free(in);
	return err;
}

struct mmk_inode *inode_new_internal(struct mmk_system *sys, enum inode_kind kind, uint64_t size)
{
	struct mmk_inode *in = inode_alloc(sys, kind);
	if (!in)
		return NULL;
	in->size = size;
	if (kind == INODE_NULL) {
		in->nommap = true;
		in->dev = makedev(0, 5);
		in->ino = 4;
		in->path = mmk_strdup(sys, "/dev/null");
	} else {
		mmk_mutex_lock(&sys->lock);
		in->ino = sys->next_shmem_ino++;
		mmk_mutex_unlock(&sys->lock);
		in->dev = makedev(0, 1);
		in->path = mmk_strdup(sys, "/dev/zero");
		atomic_store(&in->unlinked, true);
	}
	if (!in->path) {
		inode_free(in);
		return NULL;
	}
	return in;
}

void inode_get(struct mmk_inode *in)
{
	atomic_fetch_add(&in->refcount, 1);
}

MMK_NO_COVERAGE static void inode_unhash(struct mmk_system *sys, struct mmk_inode *in)
{
	struct mmk_inode **pp = &sys->inodes[inode_hash(in->dev, in->ino)];
	while (*pp && *pp != in)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = in->hash_next;
	in->hash_next = NULL;
}

/* Drops a reference that is not the last: true, or false if it may be. */
static bool inode_put_not_last(struct mmk_inode *in)
{
	unsigned r = atomic_load(&in->refcount);
	while (r > 1)
		if (atomic_compare_exchange_weak(&in->refcount, &r, r - 1))
			return true;
	return false;
}

/*
 * Drops a reference.  A host file that is still linked stays in the inode
 * table with its page cache, as Linux keeps a file's pages cached after the
 * last close (written back by the flusher, sync or destroy); once it is
 * also clean it closes its host descriptor (hostfd.c).  Anything else is
 * released: dirty pages of an unlinked file go to the host file, whose data
 * nobody can see any more but whose blocks Linux would still write.  The
 * caller holds no inode lock.
 */
void inode_put(struct mmk_inode *in)
{
	struct mmk_system *sys = in->sys;
	if (in->kind == INODE_FILE) {
		if (inode_put_not_last(in))
			return;
		/* The last reference goes under sys->lock (a lookup takes the
		 * first one under it) and inode->lock (hostfd_idle_locked). */
		mmk_mutex_lock(&in->lock);
		mmk_mutex_lock(&sys->lock);
		if (atomic_fetch_sub(&in->refcount, 1) != 1 || !atomic_load(&in->unlinked)) {
			mmk_mutex_unlock(&sys->lock);
			hostfd_idle_locked(in);
			mmk_mutex_unlock(&in->lock);
			return;
		}
		inode_unhash(sys, in);
		mmk_mutex_unlock(&sys->lock);
		mmk_mutex_unlock(&in->lock);
	} else if (atomic_fetch_sub(&in->refcount, 1) != 1) {
		return;
	}
	inode_drop(in);
}

#define EXT4_SUPER_MAGIC 0xEF53
#define XFS_SUPER_MAGIC	 0x58465342
#define TMPFS_MAGIC	 0x01021994
#define RAMFS_MAGIC	 0x858458f6

/* The magic (statfs f_type) of the host file system holding hfd; 0 if
 * unknown. */
static long host_fs_magic(int hfd)
{
	struct statfs sf;
	return fstatfs(hfd, &sf) < 0 ? 0 : (long)sf.f_type;
}

/* The magic of the file system a file on hfd behaves as: the host's, or
 * cfg.fs_model's (MMK_FS_OTHER: none of those mmkit tells apart). */
static long fs_magic(struct mmk_system *sys, int hfd)
{
	static const long model_magic[] = {
	    [MMK_FS_EXT4] = EXT4_SUPER_MAGIC,
	    [MMK_FS_XFS] = XFS_SUPER_MAGIC,
	    [MMK_FS_TMPFS] = TMPFS_MAGIC,
	    [MMK_FS_OTHER] = 0,
	};
	if (sys->cfg.fs_model == MMK_FS_HOST)
		return host_fs_magic(hfd);
	return model_magic[sys->cfg.fs_model];
}

/*
 * Whether a file system gives its regular files Linux's
 * thp_get_unmapped_area() as f_op->get_unmapped_area (ext4 and xfs do:
 * their mappings are 2 MiB aligned where the offsets allow; tmpfs with
 * huge=never, btrfs and others place mappings plainly).
 */
static bool fs_thp_get_area(long magic)
{
	return magic == EXT4_SUPER_MAGIC || magic == XFS_SUPER_MAGIC;
}

/*
 * Whether the host file on hfd is on ext4 with 4 KiB blocks (Linux 6.12's
 * ext4 zeroes the block at an unaligned EOF through the page cache when
 * the size changes; with smaller blocks it does more, which mmkit does not
 * model), unless the system models an older kernel
 * (mmk_config.no_eof_block_zeroing).  A file whose blocks cover its size
 * counts as written through (the `file` statement makes them so), any
 * other as all holes: mmkit cannot ask where the holes are.
 */
static void fs_zero_eof_block_init(struct mmk_inode *in, long magic, const struct stat *st)
{
	if (in->sys->cfg.no_eof_block_zeroing || !S_ISREG(st->st_mode) || st->st_blksize != 4096 ||
	    magic != EXT4_SUPER_MAGIC)
		return;
	in->zero_eof_block = true;
	uint64_t pages = (in->size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if ((uint64_t)st->st_blocks * 512 >= pages * PAGE_SIZE)
		(void)blockmap_add(&in->blocks, 0, pages); /* on -ENOMEM: holes */
}

/*
 * The file system's s_maxbytes for the regular file st: ext4's
 * ext4_max_size() for extent-mapped files (every file ext4 creates),
 * (2^32 - 1) blocks, so 16 TiB - 4 KiB with 4 KiB blocks; tmpfs, xfs,
 * btrfs and the rest allow MAX_LFS_FILESIZE.  An ext2/ext3 file mapped
 * by indirect blocks has a smaller limit, which mmkit does not model.
 */
static uint64_t fs_max_bytes(long magic, const struct stat *st)
{
	uint64_t blk = (uint64_t)st->st_blksize;
	if (magic != EXT4_SUPER_MAGIC || blk < 1024 || (blk & (blk - 1)))
		return MAX_LFS_FILESIZE;
	return (((uint64_t)1 << 32) - 1) * blk;
}

/*
 * Finds or creates the inode for the host file open on hfd, whose fstat is
 * *stp (hfd stays the caller's: it is offered to the inode with
 * hostfd_offer).  Returns a referenced inode or NULL with *err set.
 */
struct mmk_inode *inode_for_hostfd(struct mmk_system *sys, int hfd, const struct stat *stp,
				   const char *abspath, bool nowrite, int *err)
{
	struct stat st = *stp;
	if (sys->cfg.fs_model != MMK_FS_HOST)
		st.st_blksize = 4096; /* the modelled file system's block size */
	mmk_mutex_lock(&sys->lock);
	unsigned h = inode_hash(st.st_dev, st.st_ino);
	struct mmk_inode *found = inode_hash_find(sys, st.st_dev, st.st_ino), *stale = NULL;
	/* An idle inode of a directory for a regular file, or the reverse:
	 * its file was removed outside mmkit and the host gave the number to
	 * one of the other kind (a file in use keeps its number).  It goes;
	 * the new file gets its own. */
	if (found && found->nommap == S_ISREG(st.st_mode) && atomic_load(&found->refcount) == 0) {
		inode_unhash(sys, found);
		stale = found;
	} else if (found) {
		atomic_fetch_add(&found->refcount, 1);
		mmk_mutex_unlock(&sys->lock);
		return found;
	}
	struct mmk_inode *in = inode_alloc(sys, INODE_FILE);
	char *path = mmk_strdup(sys, abspath);
	if (!in || !path) {
		mmk_mutex_unlock(&sys->lock);
		free(path);
		if (in)
			inode_free(in);
		inode_drop(stale);
		*err = -ENOMEM;
		return NULL;
	}
	in->dev = st.st_dev;
	in->ino = st.st_ino;
	in->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	in->nommap = !S_ISREG(st.st_mode);
	/* A directory's f_op (ext4_dir_operations) has neither: only
	 * regular files get thp_get_unmapped_area and FOP_MMAP_SYNC. */
	long magic = S_ISREG(st.st_mode) ? fs_magic(sys, hfd) : 0;
	in->thp_get_area = fs_thp_get_area(magic);
	fs_zero_eof_block_init(in, magic, &st);
	in->max_bytes = fs_max_bytes(magic, &st);
	in->ram_backed = magic == TMPFS_MAGIC || magic == RAMFS_MAGIC;
	/* ext4 and xfs set mapping_set_large_folios() on regular files. */
	if (in->thp_get_area && !sys->cfg.no_large_folios)
		in->max_folio_order = MAX_PAGECACHE_ORDER;
	in->path = path;
	in->seq = ++sys->next_file_seq;
	in->host_nowrite = nowrite;
	in->hash_next = sys->inodes[h];
	sys->inodes[h] = in;
	mmk_mutex_unlock(&sys->lock);
	inode_drop(stale);
	return in;
}

static int inode_seq_cmp(const void *a, const void *b);

/*
 * Writes back and frees every cached inode (system destruction: no process
 * is left, so nothing else refers to them).  Returns the first writeback
 * error, or 0.  In the order the system met the inodes, as inodes_snapshot
 * gives them, not the hash's (host inode numbers): destruction writes back
 * and releases pages in the same order on every run, whatever directory
 * the files are in.  Without memory for that order, the hash's.
 */
int inode_table_destroy(struct mmk_system *sys)
{
	size_t n = inode_table_collect(sys, NULL);
	if (!n)
		return 0;
	struct mmk_inode **v = mmk_malloc(sys, n * sizeof(*v));
	int err = 0;

	if (!v) {
		for (int i = 0; i < INODE_HASH_SIZE; i++) {
			while (sys->inodes[i]) {
				struct mmk_inode *in = sys->inodes[i];
				sys->inodes[i] = in->hash_next;
				int e = inode_drop(in);
				err = err ? err : e;
			}
		}
		return err;
	}
	inode_table_collect(sys, v);
	memset(sys->inodes, 0, sizeof(sys->inodes));
	qsort(v, n, sizeof(*v), inode_seq_cmp);
	for (size_t j = 0; j < n; j++) {
		int e = inode_drop(v[j]);
		err = err ? err : e;
	}
	free(v);
	return err;
}

/* ---- Path resolution ------------------------------------------------------------ */

/*
 * openat2 beneath the root; maps "would leave the root" to -EACCES.  With
 * RESOLVE_BENEATH the host kernel says -EAGAIN when a rename during the
 * walk might have let ".." escape (openat2(2): the caller may retry); a
 * plain open(2) never fails so, so mmkit retries, a bounded number of
 * times, and only then passes -EAGAIN on.  Out of host descriptors, it
 * sheds those of idle inodes and retries once.
 */
int root_openat(struct mmk_system *sys, const char *path, int flags, unsigned mode)
{
	struct open_how how = {
	    .flags = (uint64_t)flags | O_CLOEXEC,
	    /* openat2 refuses a mode without O_CREAT or O_TMPFILE (whose bits
	     * include O_DIRECTORY's: all of them must be there) */
	    .mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? mode : 0,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = -1;
	bool shed = false;
	for (int i = 0; i < OPENAT2_RETRIES; i++) {
		fd = syscall(SYS_openat2, sys->rootfd, path, &how, sizeof(how));
		if (fd < 0 && (errno == EMFILE || errno == ENFILE) && !shed) {
			hostfd_shed(sys);
			shed = true;
			continue;
		}
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	if (fd < 0)
		return errno == EXDEV ? -EACCES : -errno;
	return (int)fd;
}

/*
 * Lexically canonical absolute host path of PATH under the root, for maps.
 * Resolution itself was already done (and confined) by the host kernel.
 */
char *root_abspath(struct mmk_system *sys, const char *path)
{
	size_t n = strlen(sys->rootpath) + strlen(path) + 2;
	char *out = mmk_malloc(sys, n);
	if (!out)
		return NULL;
	strcpy(out, sys->rootpath);
	size_t base = strlen(out);
	const char *s = path;
	while (*s) {
		while (*s == '/')
			s++;
		const char *e = strchr(s, '/');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len == 0)
			break;
		if (len == 1 && s[0] == '.') {
			/* nothing */
		} else if (len == 2 && s[0] == '.' && s[1] == '.') {
			char *slash = strrchr(out + base, '/');
			if (slash)
				*slash = 0;
		} else {
			size_t cur = strlen(out);
			out[cur] = '/';
			memcpy(out + cur + 1, s, len);
			out[cur + 1 + len] = 0;
		}
		s += len;
	}
	if (out[0] == 0)
		strcpy(out, "/");
	return out;
}

/*
 * filename_parentat(): PATH split into its parent directory, opened
 * beneath the root (O_PATH), and its last component, for the calls that
 * act on a name rather than what it names (unlink, mkdir, rmdir).  The
 * last component is never resolved here: the caller hands it, a single
 * name without a slash, to the host's *at call on out->dfd, which does not
 * follow it when it is a symlink; so nothing outside the root is touched.
 * Trailing slashes are stripped (out->slashes says there were some).
 * out->type is Linux's last_type: PATH_LAST_NORM, PATH_LAST_DOT ("." or
 * "a/."), PATH_LAST_DOTDOT, or PATH_LAST_ROOT for a path of slashes only
 * (no parent is opened then: out->dfd is -1).  0 or -errno: -EFAULT (NULL),
 * -ENOENT (""), -ENAMETOOLONG, -ENOMEM, or the parent's open's error.
 * path_last_release() frees what a successful call took.
 */
int path_parentat(struct mmk_system *sys, const char *path, struct path_last *out)
{
	out->dfd = -1;
	out->buf = NULL;
	if (!path)
		return -EFAULT;
	if (!*path)
		return -ENOENT;
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	char *dup = strdup(path);
	if (!dup)
		return -ENOMEM;
	size_t n = strlen(dup);
	out->slashes = false;
	while (n > 1 && dup[n - 1] == '/') {
		dup[--n] = 0;
		out->slashes = true;
	}
	out->buf = dup;
	if (strspn(dup, "/") == n) {
		out->type = PATH_LAST_ROOT;
		out->name = dup + n;
		return 0;
	}
	char *slash = strrchr(dup, '/');
	out->name = slash ? slash + 1 : dup;
	const char *parent = slash ? (slash == dup ? "/" : dup) : ".";
	if (slash && slash != dup)
		*slash = 0;
	out->type = !strcmp(out->name, ".")    ? PATH_LAST_DOT
		    : !strcmp(out->name, "..") ? PATH_LAST_DOTDOT
					       : PATH_LAST_NORM;
	int dfd = root_openat(sys, parent, O_PATH | O_DIRECTORY, 0);
	if (dfd < 0) {
		path_last_release(out);
		return dfd;
	}
	out->dfd = dfd;
	return 0;
}

void path_last_release(struct path_last *pl)
{
	if (pl->dfd >= 0)
		close(pl->dfd);
	free(pl->buf);
	pl->dfd = -1;
	pl->buf = NULL;
}

/* Marks the cached inode of the host file st describes (as it was before
 * its name went), if any, as unlinked when that was its last name. */
void inode_note_unlink(struct mmk_system *sys, const struct stat *st)
{
	if (st->st_nlink > 1)
		return;
	mmk_mutex_lock(&sys->lock);
	struct mmk_inode *in = inode_hash_find(sys, st->st_dev, st->st_ino);
	if (!in) {
		mmk_mutex_unlock(&sys->lock);
		return;
	}
	atomic_store(&in->unlinked, true);
	bool unused = atomic_load(&in->refcount) == 0;
	if (unused)
		inode_unhash(sys, in);
	mmk_mutex_unlock(&sys->lock);
	if (unused)
		inode_drop(in);
}

/* ---- The inode table, for the flusher and hostfd_shed
 * ----------------------------------------------------- */

static int inode_seq_cmp(const void *a, const void *b)
{
	const struct mmk_inode *x = *(struct mmk_inode *const *)a,
			       *y = *(struct mmk_inode *const *)b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The table's inodes, referenced, in the order the system met them (not
 * the hash's, which follows host inode numbers: passes over every file
 * then do the same work in the same order on every run and host). */
struct mmk_inode **inodes_snapshot(struct mmk_system *sys, size_t *n)
{
	*n = 0;
	mmk_mutex_lock(&sys->lock);
	size_t count = inode_table_collect(sys, NULL);
	struct mmk_inode **v = count ? mmk_malloc(sys, count * sizeof(*v)) : NULL;
	if (!v)
		*n = count; /* NULL with *n > 0: no memory */
	if (v) {
		*n = inode_table_collect(sys, v);
		for (size_t i = 0; i < *n; i++)
			inode_get(v[i]);
	}
	mmk_mutex_unlock(&sys->lock);
	if (v)
		qsort(v, *n, sizeof(*v), inode_seq_cmp);
	return v;
}

void inodes_release(struct mmk_inode **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		inode_put(v[i]);
	free(v);
}
