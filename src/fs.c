/*
 * fs.c - files as simulated processes see them: path resolution confined to
 * the system's root, the inode table (one mmk_inode, hence one page cache,
 * per host file), open file descriptions, per-process fd tables, and the
 * read/write/pread/pwrite/ftruncate/fsync/unlink system calls, which go
 * through the page cache (pagecache.c).
 *
 * Invariants:
 *  - no path resolves outside sys->rootfd: resolution is done by the host
 *    kernel with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS), which
 *    refuses "..", absolute paths and symlinks that would leave the root;
 *  - the host file's bytes are touched only through inode->hostfd with
 *    pread/pwrite/ftruncate/fstat/fsync (in pagecache.c);
 *  - sys->inodes holds every INODE_FILE inode that has a page cache, keyed
 *    by (dev, ino); an inode lives while it is referenced or cached, so a
 *    mapping keeps its file alive after close and after unlink.
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

#include "internal.h"

#define FD_MAX 1024 /* RLIMIT_NOFILE's default soft limit */

/* ---- Inodes ------------------------------------------------------------------- */

static unsigned inode_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev;
	return (unsigned)(h >> 40) % INODE_HASH_SIZE;
}

static struct mmk_inode *inode_alloc(struct mmk_system *sys, enum inode_kind kind)
{
	struct mmk_inode *in = calloc(1, sizeof(*in));
	if (!in)
		return NULL;
	in->sys = sys;
	in->kind = kind;
	in->hostfd = -1;
	in->max_bytes = INT64_MAX; /* MAX_LFS_FILESIZE */
	atomic_init(&in->refcount, 1);
	pthread_mutex_init(&in->lock, NULL);
	pcache_index_init(&in->pages);
	pcache_index_init(&in->swapped);
	return in;
}

static void inode_free(struct mmk_inode *in)
{
	pcache_index_destroy(&in->pages);
	pcache_index_destroy(&in->swapped);
	blockmap_destroy(&in->blocks);
	pthread_mutex_destroy(&in->lock);
	if (in->hostfd >= 0)
		close(in->hostfd);
	free(in->path);
	free(in);
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
		in->path = strdup("/dev/null");
	} else {
		pthread_mutex_lock(&sys->lock);
		in->ino = sys->next_shmem_ino++;
		pthread_mutex_unlock(&sys->lock);
		in->dev = makedev(0, 1);
		in->path = strdup("/dev/zero");
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

static void inode_unhash(struct mmk_system *sys, struct mmk_inode *in)
{
	struct mmk_inode **pp = &sys->inodes[inode_hash(in->dev, in->ino)];
	while (*pp && *pp != in)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = in->hash_next;
	in->hash_next = NULL;
}

/*
 * Drops a reference.  A host file that is still linked stays in the inode
 * table with its page cache, as Linux keeps a file's pages cached after the
 * last close (written back by the flusher, sync or destroy).  Anything else
 * is released: dirty pages of an unlinked file go to the host file, whose
 * data nobody can see any more but whose blocks Linux would still write.
 */
void inode_put(struct mmk_inode *in)
{
	struct mmk_system *sys = in->sys;
	if (in->kind == INODE_FILE) {
		pthread_mutex_lock(&sys->lock);
		if (atomic_fetch_sub(&in->refcount, 1) != 1) {
			pthread_mutex_unlock(&sys->lock);
			return;
		}
		/* No inode->lock here: it comes before sys->lock. */
		bool keep = !atomic_load(&in->unlinked);
		if (keep) {
			pthread_mutex_unlock(&sys->lock);
			return;
		}
		inode_unhash(sys, in);
		pthread_mutex_unlock(&sys->lock);
	} else if (atomic_fetch_sub(&in->refcount, 1) != 1) {
		return;
	}
	pagecache_release(in);
	inode_free(in);
}

#define EXT4_SUPER_MAGIC 0xEF53
#define XFS_SUPER_MAGIC 0x58465342

/* The magic (statfs f_type) of the host file system holding hfd; 0 if
 * unknown. */
static long host_fs_magic(int hfd)
{
	struct statfs sf;
	return fstatfs(hfd, &sf) < 0 ? 0 : (long)sf.f_type;
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
	if (in->sys->cfg.no_eof_block_zeroing || !S_ISREG(st->st_mode) ||
	    st->st_blksize != 4096 || magic != EXT4_SUPER_MAGIC)
		return;
	in->zero_eof_block = true;
	uint64_t pages = (in->size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if ((uint64_t)st->st_blocks * 512 >= pages * PAGE_SIZE)
		(void)blockmap_add(&in->blocks, 0, pages); /* on -ENOMEM: holes */
}

/*
 * Finds or creates the inode for the host file open on hfd; consumes hfd
 * (either kept as the inode's host descriptor or closed).  Returns a
 * referenced inode or NULL with *err set.
 */
static struct mmk_inode *inode_for_hostfd(struct mmk_system *sys, int hfd, const char *abspath,
					  int *err)
{
	struct stat st;
	if (fstat(hfd, &st) < 0) {
		*err = -errno;
		close(hfd);
		return NULL;
	}
	pthread_mutex_lock(&sys->lock);
	unsigned h = inode_hash(st.st_dev, st.st_ino);
	for (struct mmk_inode *in = sys->inodes[h]; in; in = in->hash_next) {
		if (in->dev == st.st_dev && in->ino == st.st_ino) {
			atomic_fetch_add(&in->refcount, 1);
			pthread_mutex_unlock(&sys->lock);
			close(hfd);
			return in;
		}
	}
	struct mmk_inode *in = inode_alloc(sys, INODE_FILE);
	char *path = strdup(abspath);
	if (!in || !path) {
		pthread_mutex_unlock(&sys->lock);
		free(path);
		if (in)
			inode_free(in);
		close(hfd);
		*err = -ENOMEM;
		return NULL;
	}
	in->hostfd = hfd;
	in->dev = st.st_dev;
	in->ino = st.st_ino;
	in->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	in->nommap = !S_ISREG(st.st_mode);
	/* A directory's f_op (ext4_dir_operations) has neither: only
	 * regular files get thp_get_unmapped_area and FOP_MMAP_SYNC. */
	long magic = S_ISREG(st.st_mode) ? host_fs_magic(hfd) : 0;
	in->thp_get_area = fs_thp_get_area(magic);
	/* ext4_max_size() for extent files: 2^32 - 1 blocks */
	if (magic == EXT4_SUPER_MAGIC && st.st_blksize > 0)
		in->max_bytes = (((uint64_t)1 << 32) - 1) * (uint64_t)st.st_blksize;
	fs_zero_eof_block_init(in, magic, &st);
	/* ext4 and xfs set mapping_set_large_folios() on regular files. */
	if (in->thp_get_area && !sys->cfg.no_large_folios)
		in->max_folio_order = MAX_PAGECACHE_ORDER;
	in->path = path;
	in->hash_next = sys->inodes[h];
	sys->inodes[h] = in;
	pthread_mutex_unlock(&sys->lock);
	return in;
}

/*
 * Writes back and frees every cached inode (system destruction: no process
 * is left, so nothing else refers to them).  Returns the first writeback
 * error, or 0.
 */
int inode_table_destroy(struct mmk_system *sys)
{
	int err = 0;
	for (int i = 0; i < INODE_HASH_SIZE; i++) {
		while (sys->inodes[i]) {
			struct mmk_inode *in = sys->inodes[i];
			sys->inodes[i] = in->hash_next;
			int e = pagecache_release(in);
			if (e && !err)
				err = e;
			inode_free(in);
		}
	}
	return err;
}

/* ---- Path resolution ------------------------------------------------------------ */

/* openat2 beneath the root; maps "would leave the root" to -EACCES. */
static int root_openat(struct mmk_system *sys, const char *path, int flags, unsigned mode)
{
	struct open_how how = {
	    .flags = (uint64_t)flags | O_CLOEXEC,
	    .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, sys->rootfd, path, &how, sizeof(how));
	if (fd < 0)
		return errno == EXDEV ? -EACCES : -errno;
	return (int)fd;
}

/*
 * Lexically canonical absolute host path of PATH under the root, for maps.
 * Resolution itself was already done (and confined) by the host kernel.
 */
static char *root_abspath(struct mmk_system *sys, const char *path)
{
	size_t n = strlen(sys->rootpath) + strlen(path) + 2;
	char *out = malloc(n);
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

/* ---- Open file descriptions ------------------------------------------------------- */

struct mmk_file *file_new(struct mmk_inode *inode, int flags)
{
	struct mmk_file *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	atomic_init(&f->refcount, 1);
	f->inode = inode;
	f->flags = flags & (MMK_O_ACCMODE | MMK_O_APPEND);
	pthread_mutex_init(&f->pos_lock, NULL);
	return f;
}

void file_get(struct mmk_file *f)
{
	atomic_fetch_add(&f->refcount, 1);
}

void file_put(struct mmk_file *f)
{
	if (atomic_fetch_sub(&f->refcount, 1) != 1)
		return;
	inode_put(f->inode);
	pthread_mutex_destroy(&f->pos_lock);
	free(f);
}

bool file_readable(const struct mmk_file *f)
{
	int acc = f->flags & MMK_O_ACCMODE;
	return acc == MMK_O_RDONLY || acc == MMK_O_RDWR;
}

bool file_writable(const struct mmk_file *f)
{
	int acc = f->flags & MMK_O_ACCMODE;
	return acc == MMK_O_WRONLY || acc == MMK_O_RDWR;
}

/* ---- fd tables --------------------------------------------------------------------- */

struct mmk_file *fd_file(struct mmk_proc *p, int fd)
{
	struct mmk_file *f = NULL;
	pthread_mutex_lock(&p->fd_lock);
	if (fd >= 0 && fd < p->fdt.nfds && p->fdt.fds[fd].file) {
		f = p->fdt.fds[fd].file;
		file_get(f);
	}
	pthread_mutex_unlock(&p->fd_lock);
	return f;
}

/* Installs f at the lowest free fd; consumes the reference.  Caller holds fd_lock. */
static int fd_install_locked(struct mmk_proc *p, struct mmk_file *f, bool cloexec)
{
	int fd = 0;
	while (fd < p->fdt.nfds && p->fdt.fds[fd].file)
		fd++;
	if (fd >= FD_MAX)
		return -EMFILE;
	if (fd >= p->fdt.nfds) {
		int n = p->fdt.nfds ? p->fdt.nfds * 2 : 16;
		if (n > FD_MAX)
			n = FD_MAX;
		struct fd_entry *nf = realloc(p->fdt.fds, (size_t)n * sizeof(*nf));
		if (!nf)
			return -ENOMEM;
		memset(nf + p->fdt.nfds, 0, (size_t)(n - p->fdt.nfds) * sizeof(*nf));
		p->fdt.fds = nf;
		p->fdt.nfds = n;
	}
	p->fdt.fds[fd].file = f;
	p->fdt.fds[fd].cloexec = cloexec;
	return fd;
}

static int fd_install(struct mmk_proc *p, struct mmk_file *f, bool cloexec)
{
	pthread_mutex_lock(&p->fd_lock);
	int fd = fd_install_locked(p, f, cloexec);
	pthread_mutex_unlock(&p->fd_lock);
	return fd;
}

int fdtable_init_std(struct mmk_proc *p)
{
	for (int i = 0; i < 3; i++) {
		inode_get(p->sys->null_inode);
		struct mmk_file *f = file_new(p->sys->null_inode, MMK_O_RDWR);
		if (!f) {
			inode_put(p->sys->null_inode);
			return -ENOMEM;
		}
		int fd = fd_install(p, f, false);
		if (fd < 0) {
			file_put(f);
			return fd;
		}
	}
	return 0;
}

int fdtable_copy(struct mmk_proc *dst, struct mmk_proc *src)
{
	pthread_mutex_lock(&src->fd_lock);
	int n = src->fdt.nfds;
	struct fd_entry *fds = n ? calloc((size_t)n, sizeof(*fds)) : NULL;
	if (n && !fds) {
		pthread_mutex_unlock(&src->fd_lock);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		fds[i] = src->fdt.fds[i];
		if (fds[i].file)
			file_get(fds[i].file);
	}
	pthread_mutex_unlock(&src->fd_lock);
	dst->fdt.fds = fds;
	dst->fdt.nfds = n;
	return 0;
}

void fdtable_close_on_exec(struct mmk_proc *p)
{
	pthread_mutex_lock(&p->fd_lock);
	for (int i = 0; i < p->fdt.nfds; i++) {
		if (p->fdt.fds[i].file && p->fdt.fds[i].cloexec) {
			file_put(p->fdt.fds[i].file);
			p->fdt.fds[i].file = NULL;
		}
	}
	pthread_mutex_unlock(&p->fd_lock);
}

void fdtable_destroy(struct mmk_proc *p)
{
	for (int i = 0; i < p->fdt.nfds; i++)
		if (p->fdt.fds[i].file)
			file_put(p->fdt.fds[i].file);
	free(p->fdt.fds);
	p->fdt.fds = NULL;
	p->fdt.nfds = 0;
}

/* ---- System calls --------------------------------------------------------------------- */

#define OPEN_KNOWN                                                                                 \
	(MMK_O_ACCMODE | MMK_O_CREAT | MMK_O_EXCL | MMK_O_TRUNC | MMK_O_APPEND | MMK_O_CLOEXEC)

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
	int hflags = flags & (O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND);
	int hfd = root_openat(sys, path, hflags, mode);
	if (hfd < 0)
		return hfd;
	/* The inode's own descriptor must be able to write dirty pages back
	 * whatever this open's mode: reopen read-write when possible. */
	if ((flags & MMK_O_ACCMODE) != MMK_O_RDWR) {
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", hfd);
		int rw = open(proc, O_RDWR | O_CLOEXEC);
		if (rw >= 0) {
			close(hfd);
			hfd = rw;
		}
	}
	char *abs = root_abspath(sys, path);
	if (!abs) {
		close(hfd);
		return -ENOMEM;
	}
	int err = 0;
	struct mmk_inode *in = inode_for_hostfd(sys, hfd, abs, &err);
	free(abs);
	if (!in)
		return err;
	/* do_open(): O_TRUNC truncates whatever the access mode (the host
	 * did: it asked for write permission). */
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

int mmk_close(mmk_proc *p, int fd)
{
	int err = proc_enter(p);
	if (err)
		return err;
	struct mmk_file *f = NULL;
	pthread_mutex_lock(&p->fd_lock);
	if (fd >= 0 && fd < p->fdt.nfds) {
		f = p->fdt.fds[fd].file;
		p->fdt.fds[fd].file = NULL;
	}
	pthread_mutex_unlock(&p->fd_lock);
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
	pthread_mutex_lock(&p->fd_lock);
	int ret = -EBADF;
	if (fd >= 0 && fd < p->fdt.nfds && p->fdt.fds[fd].file) {
		struct mmk_file *f = p->fdt.fds[fd].file;
		file_get(f);
		ret = fd_install_locked(p, f, false);
		if (ret < 0)
			file_put(f);
	}
	pthread_mutex_unlock(&p->fd_lock);
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
	if (f->inode->nommap && f->inode->kind == INODE_FILE)
		return -EISDIR;
	return pagecache_read(f, buf, len, off);
}

static int64_t file_write_at(struct mmk_file *f, const void *buf, uint64_t len, uint64_t off)
{
	if (f->inode->kind == INODE_NULL)
		return (int64_t)len;
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

/* Where an append-mode write goes: the end of the file, now. */
static uint64_t append_pos(struct mmk_file *f)
{
	pthread_mutex_lock(&f->inode->lock);
	uint64_t size = f->inode->size;
	pthread_mutex_unlock(&f->inode->lock);
	return size;
}

int64_t mmk_read(mmk_proc *p, int fd, void *buf, uint64_t len)
{
	int err;
	struct mmk_file *f = rw_file(p, fd, false, &err);
	if (!f)
		return err;
	pthread_mutex_lock(&f->pos_lock);
	int64_t ret = rw_verify_area(f->pos, &len);
	if (!ret)
		ret = file_read_at(f, buf, len, f->pos);
	if (ret > 0)
		f->pos += (uint64_t)ret;
	pthread_mutex_unlock(&f->pos_lock);
	file_put(f);
	return ret;
}

int64_t mmk_write(mmk_proc *p, int fd, const void *buf, uint64_t len)
{
	int err;
	struct mmk_file *f = rw_file(p, fd, true, &err);
	if (!f)
		return err;
	pthread_mutex_lock(&f->pos_lock);
	int64_t ret = rw_verify_area(f->pos, &len);
	if (!ret && (f->flags & MMK_O_APPEND))
		f->pos = append_pos(f);
	if (!ret)
		ret = file_write_at(f, buf, len, f->pos);
	if (ret > 0)
		f->pos += (uint64_t)ret;
	pthread_mutex_unlock(&f->pos_lock);
	file_put(f);
	return ret;
}

int64_t mmk_pread(mmk_proc *p, int fd, void *buf, uint64_t len, int64_t off)
{
	if (off < 0)
		return proc_enter(p) ? -ESRCH : -EINVAL;
	int err;
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
	if (off < 0)
		return proc_enter(p) ? -ESRCH : -EINVAL;
	int err;
	struct mmk_file *f = rw_file(p, fd, true, &err);
	if (!f)
		return err;
	/* Linux: pwrite on an O_APPEND file appends (see pwrite(2) BUGS). */
	int64_t ret = rw_verify_area((uint64_t)off, &len);
	uint64_t at = (f->flags & MMK_O_APPEND) ? append_pos(f) : (uint64_t)off;
	if (!ret)
		ret = file_write_at(f, buf, len, at);
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
	pthread_mutex_lock(&f->pos_lock);
	int64_t base = 0;
	if (whence == SEEK_CUR) {
		base = (int64_t)f->pos;
	} else if (whence == SEEK_END) {
		pthread_mutex_lock(&f->inode->lock);
		base = (int64_t)f->inode->size;
		pthread_mutex_unlock(&f->inode->lock);
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
	pthread_mutex_unlock(&f->pos_lock);
	file_put(f);
	return ret;
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
		err = pagecache_writeback(f->inode, 0, UINT64_MAX, true);
	else if (f->inode->kind == INODE_NULL)
		err = -EINVAL;
	file_put(f);
	return err;
}

int64_t mmk_fsize(mmk_proc *p, int fd)
{
	int err;
	struct mmk_file *f = io_file(p, fd, &err);
	if (!f)
		return err;
	pthread_mutex_lock(&f->inode->lock);
	int64_t size = (int64_t)f->inode->size;
	pthread_mutex_unlock(&f->inode->lock);
	file_put(f);
	return size;
}

/* Marks the cached inode of (dev, ino), if any, as unlinked when its host
 * file has no name left. */
static void inode_note_unlink(struct mmk_system *sys, dev_t dev, ino_t ino)
{
	pthread_mutex_lock(&sys->lock);
	struct mmk_inode *in = sys->inodes[inode_hash(dev, ino)];
	while (in && !(in->dev == dev && in->ino == ino))
		in = in->hash_next;
	if (!in) {
		pthread_mutex_unlock(&sys->lock);
		return;
	}
	struct stat st;
	bool gone = fstat(in->hostfd, &st) == 0 && st.st_nlink == 0;
	if (!gone) {
		pthread_mutex_unlock(&sys->lock);
		return;
	}
	atomic_store(&in->unlinked, true);
	bool unused = atomic_load(&in->refcount) == 0;
	if (unused)
		inode_unhash(sys, in);
	pthread_mutex_unlock(&sys->lock);
	if (unused) {
		pagecache_release(in);
		inode_free(in);
	}
}

int mmk_unlink(mmk_proc *p, const char *path)
{
	int err = proc_enter(p);
	if (err)
		return err;
	if (!path)
		return -EFAULT;
	if (!*path)
		return -ENOENT;
	char *dup = strdup(path);
	if (!dup)
		return -ENOMEM;
	/* Strip trailing slashes, then split into parent and last component. */
	size_t n = strlen(dup);
	while (n > 1 && dup[n - 1] == '/')
		dup[--n] = 0;
	char *slash = strrchr(dup, '/');
	const char *name = slash ? slash + 1 : dup;
	const char *parent = slash ? (slash == dup ? "/" : dup) : ".";
	if (slash)
		*slash = 0;
	int dfd = root_openat(p->sys, *parent ? parent : "/", O_PATH | O_DIRECTORY, 0);
	if (dfd < 0) {
		free(dup);
		return dfd;
	}
	/* do_unlinkat(): a last component "." or ".." is a directory. */
	if (!strcmp(name, ".") || !strcmp(name, "..")) {
		close(dfd);
		free(dup);
		return -EISDIR;
	}
	struct stat st;
	bool have = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	err = unlinkat(dfd, name, 0) < 0 ? -errno : 0;
	close(dfd);
	free(dup);
	if (!err && have)
		inode_note_unlink(p->sys, st.st_dev, st.st_ino);
	return err;
}

/* ---- Whole-file access from outside any process ------------------------------- */

int mmk_sys_file_create(mmk_system *sys, const char *path, const void *data, uint64_t len)
{
	struct mmk_file *f;
	int err = file_open(sys, path, MMK_O_WRONLY | MMK_O_CREAT | MMK_O_TRUNC, 0644, &f);
	if (err)
		return err;
	uint64_t done = 0;
	while (done < len) {
		uint64_t piece = len - done < PAGE_SIZE ? len - done : PAGE_SIZE;
		int64_t n = file_write_at(f, (const char *)data + done, piece, done);
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
		err = pagecache_writeback(f->inode, 0, UINT64_MAX, true);
	file_put(f);
	return err;
}

int64_t mmk_sys_file_read(mmk_system *sys, const char *path, uint64_t off, void *buf, uint64_t len)
{
	struct mmk_file *f;
	int err = file_open(sys, path, MMK_O_RDONLY, 0, &f);
	if (err)
		return err;
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

int mmk_sync(mmk_system *sys)
{
	int err = 0;
	pthread_mutex_lock(&sys->lock);
	for (int i = 0; i < INODE_HASH_SIZE; i++) {
		for (struct mmk_inode *in = sys->inodes[i]; in; in = in->hash_next) {
			inode_get(in);
			pthread_mutex_unlock(&sys->lock);
			int e = pagecache_writeback(in, 0, UINT64_MAX, true);
			if (e && !err)
				err = e;
			pthread_mutex_lock(&sys->lock);
			/* The table keeps linked inodes, so in->hash_next stays valid. */
			atomic_fetch_sub(&in->refcount, 1);
		}
	}
	pthread_mutex_unlock(&sys->lock);
	return err;
}
