/*
 * linux.c - the system calls of a riscv64 Linux process, one function per
 * call, found by number in one table (sys_table), as Linux's
 * arch/riscv/kernel/syscall_table.c and asm-generic/unistd.h number them.
 *
 * Arguments come in a0..a5, the number in a7; the result goes to a0 as a
 * value or -errno (asm-generic errno numbers, which are the host's), and
 * pc moves past the ecall.  A call that must not do that (exit, execve,
 * rt_sigreturn, a blocking wait4) returns RV_NORET and sets the task up
 * itself.  An unknown number is -ENOSYS with one warning on stderr naming
 * it; so is any argument the runner does not support yet (rv_unsupported,
 * one warning for each), while the ENOSYS Linux itself may answer and
 * glibc expects (rseq, clone3: it falls back to clone) stays quiet.
 *
 * Guest memory: every pointer argument is read and written through
 * mmk_load/mmk_store; a fault there is -EFAULT, as Linux's copy_from_user.
 * Paths: the guest's root is the system's root; a relative path starts at
 * the process's working directory (rv_fdtable.cwd, the root at first) or
 * at the directory open on the *at call's dirfd, both kept as lexically
 * canonical paths below the root (path_at); the library confines every
 * path it is given beneath the root.
 * /proc/self/{maps,smaps,status} and /proc/PID/... are mmkit's views.
 *
 * The constants of the riscv64 ABI this file relies on (asm-generic):
 * mmap/mremap/msync/madvise flags and open flags have the x86-64 values
 * mmkit's API uses, so they pass through unchanged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rv.h"

#define RV_NORET	INT64_MIN
#define A(i)		(t->cpu.x[10 + (i)])
#define AT_FDCWD_G	(-100)
#define AT_EMPTY_PATH_G 0x1000
#define AT_REMOVEDIR_G	0x200
#define O_LARGEFILE_G	0100000
#define O_CLOEXEC_G	02000000
#define CHUNK		65536

typedef int64_t (*sys_fn)(struct rv_world *w, struct rv_task *t);

/* ---- What is not supported ------------------------------------------------ */

int64_t rv_unsupported(struct rv_world *w, int64_t err, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	uint64_t h = 14695981039346656037ull; /* FNV-1a of the text */
	for (const char *c = what; *c; c++)
		h = (h ^ (uint8_t)*c) * 1099511628211ull;
	for (int i = 0; i < w->nwarned; i++)
		if (w->warned[i] == h)
			return err;
	if (w->nwarned < (int)(sizeof(w->warned) / sizeof(w->warned[0])))
		w->warned[w->nwarned++] = h; /* past that, each warns every time */
	const char *name = mmk_errno_name((int)-err);
	fprintf(stderr, "mmkit exec: %s not supported (%s)\n", what, name ? name : "?");
	return err;
}

/* ---- Guest memory ---------------------------------------------------------- */

static int copy_in(struct rv_task *t, uint64_t addr, void *buf, uint64_t n)
{
	return mmk_load(t->proc, addr, buf, n, NULL) ? -EFAULT : 0;
}

static int copy_out(struct rv_task *t, uint64_t addr, const void *buf, uint64_t n)
{
	return mmk_store(t->proc, addr, buf, n, NULL) ? -EFAULT : 0;
}

/* A NUL-terminated guest string into buf (len bytes): its length, -EFAULT,
 * or -ENAMETOOLONG. */
static int64_t copy_in_str(struct rv_task *t, uint64_t addr, char *buf, uint64_t len)
{
	for (uint64_t i = 0; i < len;) {
		uint64_t n = MMK_PAGE_SIZE - ((addr + i) & (MMK_PAGE_SIZE - 1));
		if (n > len - i)
			n = len - i;
		if (copy_in(t, addr + i, buf + i, n))
			return -EFAULT;
		void *z = memchr(buf + i, 0, n);
		if (z)
			return (char *)z - buf;
		i += n;
	}
	return -ENAMETOOLONG;
}

/*
 * A path below the root, canonical as the runner keeps the working
 * directory and a directory fd's path: no ".", "" or "/" components, ".."
 * taken lexically (never above the root); "" is the root.  In place.
 */
static void path_canon(char *s)
{
	char *out = s;
	const char *p = s;
	while (*p) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (!n)
			break;
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (out > s && out[-1] != '/')
				out--;
			if (out > s)
				out--;
		} else {
			if (out > s)
				*out++ = '/';
			memmove(out, p, n);
			out += n;
		}
		p += n;
	}
	*out = 0;
}

/*
 * The guest path at addr, taken from dirfd as Linux's *at calls take it,
 * as a path below the root (the form mmk_open takes), into buf (len
 * bytes): an absolute path from the root (leading slashes dropped; a path
 * of slashes only is "/", which mmk_mkdir, mmk_rmdir and mmk_unlink know
 * as the root itself), a relative one from the working directory
 * (AT_FDCWD) or from the directory open on dirfd.  0, -EFAULT,
 * -ENAMETOOLONG, -ENOENT (""), -EBADF (dirfd not open), -ENOTDIR (dirfd
 * no directory).
 */
static int64_t path_at(struct rv_task *t, int64_t dirfd, uint64_t addr, char *buf, uint64_t len)
{
	char raw[4096];
	int64_t n = copy_in_str(t, addr, raw, sizeof(raw));
	if (n < 0)
		return n;
	if (!raw[0])
		return -ENOENT;
	const char *base = "";
	if (raw[0] == '/') {
		size_t skip = strspn(raw, "/");
		if (!raw[skip]) {
			strcpy(buf, "/");
			return 0;
		}
		memmove(raw, raw + skip, n - skip + 1);
	} else if ((int)dirfd == AT_FDCWD_G) {
		base = t->fdt->cwd;
	} else {
		struct rv_fd *f = rv_fd_get(t, (int)dirfd);
		struct mmk_stat st;
		if (!f)
			return -EBADF;
		if (f->kind != RV_FD_MMK || mmk_fstat(t->proc, f->num, &st) || !S_ISDIR(st.mode))
			return -ENOTDIR;
		base = f->path ? f->path : "";
	}
	int w = snprintf(buf, len, "%s%s%s", base, *base ? "/" : "", raw);
	return w < 0 || (uint64_t)w >= len ? -ENAMETOOLONG : 0;
}

/* A guest path from the working directory (path_at with AT_FDCWD), with
 * the root itself as "." (the form mmk_open and exec take). */
static int64_t copy_in_path(struct rv_task *t, uint64_t addr, char *buf, uint64_t len)
{
	int64_t err = path_at(t, AT_FDCWD_G, addr, buf, len);
	if (!err && !strcmp(buf, "/"))
		strcpy(buf, ".");
	return err;
}

/* ---- Files ------------------------------------------------------------------- */

/* The pid a /proc path names ("self" or digits), or 0; *rest after it. */
static int proc_path_pid(struct rv_task *t, const char *path, const char **rest)
{
	if (strncmp(path, "proc/", 5))
		return 0;
	const char *p = path + 5;
	int pid;
	if (!strncmp(p, "self/", 5) || !strncmp(p, "thread-self/", 12)) {
		pid = t->pid;
		p = strchr(p, '/') + 1;
	} else {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p || *end != '/')
			return 0;
		pid = (int)v;
		p = end + 1;
	}
	*rest = p;
	return pid;
}

/* A snapshot of view(p) as a synthetic file at fd. */
static int64_t open_view(struct rv_world *w, struct rv_task *t, struct rv_task *of,
			 int64_t (*view)(mmk_proc *, char *, uint64_t), int cloexec)
{
	int fd = rv_fd_alloc(t, 0);
	if (fd < 0)
		return fd;
	int64_t need = view(of->proc, NULL, 0);
	if (need < 0)
		return need;
	struct rv_synth *s = calloc(1, sizeof(*s));
	char *data = malloc(need + 1);
	if (!s || !data) {
		free(s);
		free(data);
		return -ENOMEM;
	}
	need = view(of->proc, data, need + 1);
	s->refs = 1;
	s->data = data;
	s->len = need < 0 ? 0 : need;
	t->fds[fd] = (struct rv_fd){.kind = RV_FD_SYNTH, .syn = s, .cloexec = cloexec};
	return fd;
}

static int64_t open_proc(struct rv_world *w, struct rv_task *t, int pid, const char *rest,
			 int flags)
{
	struct rv_task *of = rv_task_find(w, pid);
	if (!of || !of->proc)
		return -ENOENT;
	if ((flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	int cloexec = !!(flags & O_CLOEXEC_G);
	if (!strcmp(rest, "maps"))
		return open_view(w, t, of, mmk_proc_maps, cloexec);
	if (!strcmp(rest, "smaps"))
		return open_view(w, t, of, mmk_proc_smaps, cloexec);
	if (!strcmp(rest, "status"))
		return open_view(w, t, of, mmk_proc_status, cloexec);
	return -ENOENT;
}

static int64_t do_open(struct rv_world *w, struct rv_task *t, int64_t dirfd, uint64_t upath,
		       int flags, unsigned mode)
{
	char path[4096];
	int64_t err = path_at(t, dirfd, upath, path, sizeof(path));
	if (err)
		return err;
	if (!strcmp(path, "/"))
		strcpy(path, ".");
	const char *rest;
	int pid = proc_path_pid(t, path, &rest);
	if (pid)
		return open_proc(w, t, pid, rest, flags);
	int fd = rv_fd_alloc(t, 0);
	if (fd < 0)
		return fd;
	/* mmkit's opens never block (O_NONBLOCK) and give no controlling tty */
	int mfd = mmk_open(t->proc, path,
			   flags & ~(O_LARGEFILE_G | O_CLOEXEC_G | O_NONBLOCK | O_NOCTTY), mode);
	if (mfd < 0)
		return mfd;
	path_canon(path);
	t->fds[fd] = (struct rv_fd){.kind = RV_FD_MMK,
				    .num = mfd,
				    .cloexec = !!(flags & O_CLOEXEC_G),
				    .path = strdup(path)};
	return fd;
}

static int64_t sys_openat(struct rv_world *w, struct rv_task *t)
{
	return do_open(w, t, (int)A(0), A(1), (int)A(2), (unsigned)A(3));
}

static int64_t sys_close(struct rv_world *w, struct rv_task *t)
{
	if (!rv_fd_get(t, (int)A(0)) || A(0) > INT32_MAX)
		return -EBADF;
	rv_fd_close(t, (int)A(0));
	return 0;
}

/* fd newfd (>= lowest, or exactly at when at >= 0) naming what oldfd names. */
static int64_t do_dup(struct rv_task *t, int64_t oldfd, int lowest, int at, int cloexec)
{
	struct rv_fd *f = rv_fd_get(t, oldfd);
	if (!f)
		return -EBADF;
	int fd = at >= 0 ? at : rv_fd_alloc(t, lowest);
	if (fd < 0 || fd >= RV_MAX_FDS)
		return fd < 0 ? fd : -EBADF;
	struct rv_fd nf = *f;
	nf.cloexec = cloexec;
	nf.path = f->path ? strdup(f->path) : NULL;
	if (f->kind == RV_FD_MMK) {
		nf.num = mmk_dup(t->proc, f->num);
		if (nf.num < 0) {
			free(nf.path);
			return nf.num;
		}
	}
	if (f->kind == RV_FD_SYNTH)
		f->syn->refs++;
	if (f->kind == RV_FD_PIPE)
		rv_pipe_get(f->pipe, f->num);
	if (t->fds[fd].kind != RV_FD_FREE)
		rv_fd_close(t, fd);
	t->fds[fd] = nf;
	return fd;
}

static int64_t sys_dup(struct rv_world *w, struct rv_task *t)
{
	return do_dup(t, (int)A(0), 0, -1, 0);
}

static int64_t sys_dup3(struct rv_world *w, struct rv_task *t)
{
	int64_t newfd = (int)A(1);
	if (A(2) & ~(uint64_t)O_CLOEXEC_G)
		return -EINVAL;
	if ((int)A(0) == newfd)
		return -EINVAL;
	if (newfd < 0 || newfd >= RV_MAX_FDS)
		return -EBADF;
	return do_dup(t, (int)A(0), 0, (int)newfd, !!(A(2) & O_CLOEXEC_G));
}

static int64_t sys_fcntl(struct rv_world *w, struct rv_task *t)
{
	struct rv_fd *f = rv_fd_get(t, (int)A(0));
	if (!f)
		return -EBADF;
	switch ((int)A(1)) {
	case F_DUPFD:
		return do_dup(t, (int)A(0), (int)A(2), -1, 0);
	case F_DUPFD_CLOEXEC:
		return do_dup(t, (int)A(0), (int)A(2), -1, 1);
	case F_GETFD:
		return f->cloexec ? FD_CLOEXEC : 0;
	case F_SETFD:
		f->cloexec = A(2) & FD_CLOEXEC;
		return 0;
	case F_GETFL:
		if (f->kind == RV_FD_HOST)
			return fcntl(f->num, F_GETFL);
		return f->kind == RV_FD_SYNTH ? O_RDONLY : O_RDWR;
	case F_SETFL:
		return 0;
	}
	return -EINVAL;
}

/* Up to n bytes into (write: from) pipe pi; for a read, the bytes go to
 * the guest at addr.  An empty pipe with writers, or a full one with
 * readers, would block (RV_BLOCK); a read with no writer left is EOF; a
 * write with no reader is EPIPE and SIGPIPE, as Linux's pipe_write. */
static int64_t pipe_io(struct rv_task *t, struct rv_pipe *pi, char *buf, uint64_t n, int is_write,
		       uint64_t addr)
{
	if (is_write) {
		if (!pi->readers) {
			t->pending |= 1ull << (13 - 1); /* SIGPIPE */
			return -EPIPE;
		}
		uint64_t room = RV_PIPE_SIZE - pi->len;
		if (!room)
			return RV_BLOCK;
		n = n < room ? n : room;
		for (uint64_t i = 0; i < n; i++)
			pi->buf[(pi->head + pi->len + i) % RV_PIPE_SIZE] = buf[i];
		pi->len += n;
		return n;
	}
	if (!pi->len)
		return pi->writers ? RV_BLOCK : 0;
	n = n < pi->len ? n : pi->len;
	for (uint64_t i = 0; i < n; i++)
		buf[i] = pi->buf[(pi->head + i) % RV_PIPE_SIZE];
	if (copy_out(t, addr, buf, n))
		return -EFAULT;
	pi->head = (pi->head + n) % RV_PIPE_SIZE;
	pi->len -= n;
	return n;
}

/* Moves len bytes between the guest at addr and file f (read: file to
 * guest), CHUNK at a time; a fault after some bytes moved ends the call
 * with that count, as Linux's partial read/write. */
static int64_t do_rw(struct rv_task *t, struct rv_fd *f, uint64_t addr, uint64_t len, int is_write,
		     int64_t off)
{
	static char buf[CHUNK];
	uint64_t done = 0;
	if (f->kind == RV_FD_PIPE && is_write) {
		/* A write to a pipe returns when all of it is written (as
		 * Linux's pipe_write without O_NONBLOCK): a blocked one goes
		 * on from where it stopped when its ecall runs again. */
		done = t->io_done;
		t->io_done = 0;
	}
	while (done < len) {
		uint64_t n = len - done < CHUNK ? len - done : CHUNK;
		int64_t r;
		if (is_write && copy_in(t, addr + done, buf, n))
			return done ? (int64_t)done : -EFAULT;
		int64_t pos = off < 0 ? -1 : off + (int64_t)done;
		if (f->kind == RV_FD_PIPE) {
			if (off >= 0)
				return -ESPIPE;
			r = pipe_io(t, f->pipe, buf, n, is_write, addr + done);
			if (r == RV_BLOCK && is_write) {
				t->io_done = done;
				return RV_BLOCK;
			}
			if (r == RV_BLOCK || r < 0)
				return done ? (int64_t)done : r;
			done += r;
			if (!is_write)
				break; /* a read returns what the pipe had */
			continue;
		}
		switch (f->kind) {
		case RV_FD_MMK:
			if (is_write)
				r = pos < 0 ? mmk_write(t->proc, f->num, buf, n)
					    : mmk_pwrite(t->proc, f->num, buf, n, pos);
			else
				r = pos < 0 ? mmk_read(t->proc, f->num, buf, n)
					    : mmk_pread(t->proc, f->num, buf, n, pos);
			break;
		case RV_FD_HOST:
			if (pos >= 0)
				r = is_write ? pwrite(f->num, buf, n, pos)
					     : pread(f->num, buf, n, pos);
			else
				r = is_write ? write(f->num, buf, n) : read(f->num, buf, n);
			if (r < 0)
				r = -errno;
			if (r == -EPIPE) /* the host's reader went away: the guest's SIGPIPE */
				t->pending |= 1ull << (13 - 1);
			break;
		default: {
			struct rv_synth *s = f->syn;
			if (is_write)
				return -EBADF;
			uint64_t p = pos < 0 ? s->pos : (uint64_t)pos;
			r = p >= s->len ? 0 : (int64_t)(s->len - p < n ? s->len - p : n);
			memcpy(buf, s->data + (p < s->len ? p : 0), r);
			if (pos < 0)
				s->pos += r;
		}
		}
		if (r < 0)
			return done ? (int64_t)done : r;
		if (!is_write && r > 0 && copy_out(t, addr + done, buf, r))
			return done ? (int64_t)done : -EFAULT;
		done += r;
		if ((uint64_t)r < n)
			break;
	}
	return done;
}

static int64_t sys_read(struct rv_world *w, struct rv_task *t)
{
	struct rv_fd *f = rv_fd_get(t, (int)A(0));
	return f ? do_rw(t, f, A(1), A(2), 0, -1) : -EBADF;
}

static int64_t sys_write(struct rv_world *w, struct rv_task *t)
{
	struct rv_fd *f = rv_fd_get(t, (int)A(0));
	return f ? do_rw(t, f, A(1), A(2), 1, -1) : -EBADF;
}

static int64_t sys_pread64(struct rv_world *w, struct rv_task *t)
{
	struct rv_fd *f = rv_fd_get(t, (int)A(0));
	if (!f)
		return -EBADF;
	if ((int64_t)A(3) < 0)
		return -EINVAL;
	return do_rw(t, f, A(1), A(2), 0, A(3));
}

static int64_t sys_pwrite64(struct rv_world *w, struct rv_task *t)
{
	struct rv_fd *f = rv_fd_get(t, (int)A(0));
	if (!f)
		return -EBADF;
	if ((int64_t)A(3) < 0)
		return -EINVAL;
	return do_rw(t, f, A(1), A(2), 1, A(3));
}

static int64_t do_rwv(struct rv_task *t, int is_write)
{
	struct rv_fd *f = rv_fd_get(t, (int)A(0));
	if (!f)
		return -EBADF;
	if (A(2) > 1024)
		return -EINVAL;
	int64_t total = 0;
	for (uint64_t i = 0; i < A(2); i++) {
		uint64_t iov[2];
		if (copy_in(t, A(1) + 16 * i, iov, 16))
			return total ? total : -EFAULT;
		if (!iov[1])
			continue;
		int64_t r = do_rw(t, f, iov[0], iov[1], is_write, -1);
		if (r < 0 || r == RV_BLOCK)
			return total ? total : r;
		total += r;
		if ((uint64_t)r < iov[1])
			break;
	}
	return total;
}

static int64_t sys_readv(struct rv_world *w, struct rv_task *t)
{
	return do_rwv(t, 0);
}

static int64_t sys_writev(struct rv_world *w, struct rv_task *t)
{
	return do_rwv(t, 1);
}

static int64_t sys_lseek(struct rv_world *w, struct rv_task *t)
{
	struct rv_fd *f = rv_fd_get(t, (int)A(0));
	if (!f)
		return -EBADF;
	int64_t off = A(1);
	int whence = (int)A(2);
	if (f->kind == RV_FD_MMK)
		return mmk_lseek(t->proc, f->num, off, whence);
	if (f->kind == RV_FD_PIPE)
		return -ESPIPE;
	if (f->kind == RV_FD_HOST) {
		off_t r = lseek(f->num, off, whence);
		return r < 0 ? -errno : r;
	}
	int64_t base = whence == SEEK_SET   ? 0
		       : whence == SEEK_CUR ? (int64_t)f->syn->pos
		       : whence == SEEK_END ? (int64_t)f->syn->len
					    : -1;
	if (base < 0 || base + off < 0)
		return -EINVAL;
	f->syn->pos = base + off;
	return f->syn->pos;
}

/* struct stat of asm-generic (riscv64), 128 bytes. */
struct rv_stat {
	uint64_t dev, ino;
	uint32_t mode, nlink, uid, gid;
	uint64_t rdev, pad1;
	int64_t size;
	int32_t blksize, pad2;
	int64_t blocks;
	int64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	uint32_t unused[2];
};

static void stat_from_host(struct rv_stat *st, const struct stat *h)
{
	memset(st, 0, sizeof(*st));
	st->dev = h->st_dev;
	st->ino = h->st_ino;
	st->mode = h->st_mode;
	st->nlink = h->st_nlink;
	st->uid = h->st_uid;
	st->gid = h->st_gid;
	st->rdev = h->st_rdev;
	st->size = h->st_size;
	st->blksize = h->st_blksize;
	st->blocks = h->st_blocks;
	st->atime = h->st_atim.tv_sec;
	st->atime_ns = h->st_atim.tv_nsec;
	st->mtime = h->st_mtim.tv_sec;
	st->mtime_ns = h->st_mtim.tv_nsec;
	st->ctime = h->st_ctim.tv_sec;
	st->ctime_ns = h->st_ctim.tv_nsec;
}

/* An mmkit file's stat: the host file's facts with the size mmkit sees
 * (page cache included), as mmk_fstat gives them. */
static int64_t stat_mmk(struct rv_task *t, int mfd, struct rv_stat *st)
{
	struct mmk_stat m;
	int err = mmk_fstat(t->proc, mfd, &m);
	if (err)
		return err;
	memset(st, 0, sizeof(*st));
	st->dev = m.dev;
	st->ino = m.ino;
	st->mode = m.mode;
	st->nlink = m.nlink;
	st->uid = m.uid;
	st->gid = m.gid;
	st->rdev = m.rdev;
	st->size = m.size;
	st->blksize = m.blksize;
	st->blocks = m.blocks;
	st->atime = m.atime_sec;
	st->atime_ns = m.atime_nsec;
	st->mtime = m.mtime_sec;
	st->mtime_ns = m.mtime_nsec;
	st->ctime = m.ctime_sec;
	st->ctime_ns = m.ctime_nsec;
	return 0;
}

static int64_t stat_fd(struct rv_task *t, struct rv_fd *f, struct rv_stat *st)
{
	if (f->kind == RV_FD_MMK)
		return stat_mmk(t, f->num, st);
	if (f->kind == RV_FD_SYNTH || f->kind == RV_FD_PIPE) {
		memset(st, 0, sizeof(*st));
		st->mode = f->kind == RV_FD_PIPE ? S_IFIFO | 0600 : S_IFREG | 0444;
		st->nlink = 1;
		st->blksize = 1024;
		return 0;
	}
	struct stat h;
	if (fstat(f->num, &h))
		return -errno;
	stat_from_host(st, &h);
	return 0;
}

static int64_t sys_fstat(struct rv_world *w, struct rv_task *t)
{
	struct rv_fd *f = rv_fd_get(t, (int)A(0));
	struct rv_stat st;
	if (!f)
		return -EBADF;
	int64_t err = stat_fd(t, f, &st);
	return err ? err : copy_out(t, A(1), &st, sizeof(st));
}

static int64_t sys_newfstatat(struct rv_world *w, struct rv_task *t)
{
	char path[4096];
	struct rv_stat st;
	int64_t err = copy_in_str(t, A(1), path, sizeof(path));
	if (err < 0)
		return err;
	if (!path[0]) {
		if (!(A(3) & AT_EMPTY_PATH_G))
			return -ENOENT;
		struct rv_fd *f = rv_fd_get(t, (int)A(0));
		if (!f)
			return -EBADF;
		err = stat_fd(t, f, &st);
		return err ? err : copy_out(t, A(2), &st, sizeof(st));
	}
	int64_t fd = do_open(w, t, (int)A(0), A(1), O_RDONLY, 0);
	if (fd < 0)
		return fd;
	err = stat_fd(t, &t->fds[fd], &st);
	rv_fd_close(t, (int)fd);
	return err ? err : copy_out(t, A(2), &st, sizeof(st));
}

/* statx: the same facts as newfstatat, in struct statx (mask: the basic
 * fields). */
static int64_t sys_statx(struct rv_world *w, struct rv_task *t)
{
	char path[4096];
	struct rv_stat st;
	int64_t err = copy_in_str(t, A(1), path, sizeof(path));
	if (err < 0)
		return err;
	if (A(3) & 0x80000000u) /* STATX__RESERVED */
		return -EINVAL;
	if (!path[0]) {
		if (!(A(2) & AT_EMPTY_PATH_G))
			return -ENOENT;
		struct rv_fd *f = rv_fd_get(t, (int)A(0));
		if (!f)
			return -EBADF;
		err = stat_fd(t, f, &st);
	} else {
		int64_t fd = do_open(w, t, (int)A(0), A(1), O_RDONLY, 0);
		if (fd < 0)
			return fd;
		err = stat_fd(t, &t->fds[fd], &st);
		rv_fd_close(t, (int)fd);
	}
	if (err)
		return err;
	uint8_t x[256];
	memset(x, 0, sizeof(x));
	uint32_t mask = 0x7ff; /* STATX_BASIC_STATS */
	uint16_t mode = (uint16_t)st.mode;
	int64_t ts[3][2] = {
	    {st.atime, st.atime_ns}, {st.ctime, st.ctime_ns}, {st.mtime, st.mtime_ns}};
	static const int ts_off[3] = {0x40, 0x60, 0x70};
	uint32_t dev[4] = {(uint32_t)(st.rdev >> 8), (uint32_t)(st.rdev & 0xff),
			   (uint32_t)(st.dev >> 8), (uint32_t)(st.dev & 0xff)};
	memcpy(x + 0x00, &mask, 4);
	memcpy(x + 0x04, &st.blksize, 4);
	memcpy(x + 0x10, &st.nlink, 4);
	memcpy(x + 0x14, &st.uid, 4);
	memcpy(x + 0x18, &st.gid, 4);
	memcpy(x + 0x1c, &mode, 2);
	memcpy(x + 0x20, &st.ino, 8);
	memcpy(x + 0x28, &st.size, 8);
	memcpy(x + 0x30, &st.blocks, 8);
	for (int i = 0; i < 3; i++) {
		memcpy(x + ts_off[i], &ts[i][0], 8);
		uint32_t ns = (uint32_t)ts[i][1];
		memcpy(x + ts_off[i] + 8, &ns, 4);
	}
	memcpy(x + 0x80, dev, 16);
	return copy_out(t, A(4), x, sizeof(x));
}

static int64_t sys_faccessat(struct rv_world *w, struct rv_task *t)
{
	int64_t fd = do_open(w, t, (int)A(0), A(1), O_RDONLY, 0);
	if (fd < 0)
		return fd;
	rv_fd_close(t, (int)fd);
	return 0;
}

static int64_t sys_readlinkat(struct rv_world *w, struct rv_task *t)
{
	char path[4096];
	int64_t err = copy_in_path(t, A(1), path, sizeof(path));
	if (err)
		return err;
	const char *rest;
	int pid = proc_path_pid(t, path, &rest);
	struct rv_task *of = pid ? rv_task_find(w, pid) : NULL;
	if (!of || strcmp(rest, "exe"))
		return pid ? -ENOENT : -EINVAL;
	uint64_t n = strlen(of->exe);
	if (n > A(3))
		n = A(3);
	return copy_out(t, A(2), of->exe, n) ? -EFAULT : (int64_t)n;
}

static int64_t sys_unlinkat(struct rv_world *w, struct rv_task *t)
{
	char path[4096];
	if ((int)A(2) & ~AT_REMOVEDIR_G)
		return -EINVAL;
	int64_t err = path_at(t, (int)A(0), A(1), path, sizeof(path));
	if (err)
		return err;
	if (A(2) & AT_REMOVEDIR_G)
		return mmk_rmdir(t->proc, path);
	return mmk_unlink(t->proc, path);
}

static int64_t sys_mkdirat(struct rv_world *w, struct rv_task *t)
{
	char path[4096];
	int64_t err = path_at(t, (int)A(0), A(1), path, sizeof(path));
	return err ? err : mmk_mkdir(t->proc, path, (unsigned)A(2));
}

/* getdents64: linux_dirent64 records of an mmkit directory, through a host
 * buffer of at most CHUNK bytes (fewer records per call is Linux-legal).
 * If the guest's buffer cannot take them, the position goes back and the
 * call is -EFAULT. */
static int64_t sys_getdents64(struct rv_world *w, struct rv_task *t)
{
	struct rv_fd *f = rv_fd_get(t, (int)A(0));
	if (!f)
		return -EBADF;
	if (f->kind != RV_FD_MMK)
		return -ENOTDIR;
	uint32_t count = (uint32_t)A(2); /* an unsigned int */
	char *buf = malloc(CHUNK);
	if (!buf)
		return -ENOMEM;
	int64_t pos = mmk_lseek(t->proc, f->num, 0, SEEK_CUR);
	int64_t n = mmk_getdents64(t->proc, f->num, buf, count < CHUNK ? count : CHUNK);
	if (n > 0 && copy_out(t, A(1), buf, n)) {
		if (pos >= 0)
			mmk_lseek(t->proc, f->num, pos, SEEK_SET);
		n = -EFAULT;
	}
	free(buf);
	return n;
}

static int64_t sys_ftruncate(struct rv_world *w, struct rv_task *t)
{
	struct rv_fd *f = rv_fd_get(t, (int)A(0));
	if (!f)
		return -EBADF;
	return f->kind == RV_FD_MMK ? mmk_ftruncate(t->proc, f->num, A(1)) : -EINVAL;
}

static int64_t sys_fsync(struct rv_world *w, struct rv_task *t)
{
	struct rv_fd *f = rv_fd_get(t, (int)A(0));
	if (!f)
		return -EBADF;
	return f->kind == RV_FD_MMK ? mmk_fsync(t->proc, f->num) : 0;
}

static int64_t sys_ioctl(struct rv_world *w, struct rv_task *t)
{
	struct rv_fd *f = rv_fd_get(t, (int)A(0));
	if (!f)
		return -EBADF;
	unsigned long req = A(1);
	if (f->kind != RV_FD_HOST || (req != TCGETS && req != TIOCGWINSZ))
		return -ENOTTY;
	char buf[64]; /* the kernel's struct termios (36 bytes) or winsize */
	if (ioctl(f->num, req, buf) < 0)
		return -errno;
	return copy_out(t, A(2), buf, req == TCGETS ? 36 : 8);
}

static int64_t sys_pipe2(struct rv_world *w, struct rv_task *t)
{
	if (A(1) & ~(uint64_t)(O_CLOEXEC_G | O_NONBLOCK))
		return -EINVAL;
	int rfd = rv_fd_alloc(t, 0);
	int wfd = rfd < 0 ? rfd : rv_fd_alloc(t, rfd + 1);
	if (wfd < 0)
		return wfd;
	int32_t fds[2] = {rfd, wfd};
	if (copy_out(t, A(0), fds, 8))
		return -EFAULT;
	struct rv_pipe *pi = calloc(1, sizeof(*pi));
	if (!pi)
		return -ENOMEM;
	int cloexec = !!(A(1) & O_CLOEXEC_G);
	t->fds[rfd] = (struct rv_fd){.kind = RV_FD_PIPE, .num = 0, .pipe = pi, .cloexec = cloexec};
	t->fds[wfd] = (struct rv_fd){.kind = RV_FD_PIPE, .num = 1, .pipe = pi, .cloexec = cloexec};
	pi->readers = pi->writers = 1;
	return 0;
}

/* getcwd: "/" and the working directory; the length with the NUL. */
static int64_t sys_getcwd(struct rv_world *w, struct rv_task *t)
{
	char buf[4100];
	int n = snprintf(buf, sizeof(buf), "/%s", t->fdt->cwd) + 1;
	if (A(1) < (uint64_t)n)
		return -ERANGE;
	return copy_out(t, A(0), buf, n) ? -EFAULT : n;
}

/* chdir: the directory must open (mmk_open with O_DIRECTORY: -ENOENT,
 * -ENOTDIR, -EACCES as the host answers); the working directory is then its
 * path, lexically canonical (docs/RISCV.md). */
static int64_t sys_chdir(struct rv_world *w, struct rv_task *t)
{
	char path[4096];
	int64_t err = copy_in_path(t, A(0), path, sizeof(path));
	if (err)
		return err;
	int mfd = mmk_open(t->proc, path, MMK_O_RDONLY | MMK_O_DIRECTORY, 0);
	if (mfd < 0)
		return mfd;
	mmk_close(t->proc, mfd);
	path_canon(path);
	snprintf(t->fdt->cwd, sizeof(t->fdt->cwd), "%s", path);
	return 0;
}

static int64_t sys_fchdir(struct rv_world *w, struct rv_task *t)
{
	struct rv_fd *f = rv_fd_get(t, (int)A(0));
	struct mmk_stat st;
	if (!f)
		return -EBADF;
	if (f->kind != RV_FD_MMK || mmk_fstat(t->proc, f->num, &st) || !S_ISDIR(st.mode))
		return -ENOTDIR;
	snprintf(t->fdt->cwd, sizeof(t->fdt->cwd), "%s", f->path ? f->path : "");
	return 0;
}

/* ---- Memory ------------------------------------------------------------------- */

static int64_t sys_mmap(struct rv_world *w, struct rv_task *t)
{
	uint64_t flags = A(3); /* all 64 bits, as sys_mmap takes them */
	int mfd = -1;
	if (!(flags & MMK_MAP_ANONYMOUS)) {
		struct rv_fd *f = rv_fd_get(t, (int)A(4));
		if (!f)
			return -EBADF;
		if (f->kind != RV_FD_MMK)
			return -ENODEV;
		mfd = f->num;
	}
	return mmk_mmap(t->proc, A(0), A(1), A(2), flags, mfd, A(5));
}

static int64_t sys_munmap(struct rv_world *w, struct rv_task *t)
{
	return mmk_munmap(t->proc, A(0), A(1));
}

static int64_t sys_mprotect(struct rv_world *w, struct rv_task *t)
{
	return mmk_mprotect(t->proc, A(0), A(1), A(2));
}

static int64_t sys_mremap(struct rv_world *w, struct rv_task *t)
{
	return mmk_mremap(t->proc, A(0), A(1), A(2), A(3), A(4));
}

static int64_t sys_msync(struct rv_world *w, struct rv_task *t)
{
	return mmk_msync(t->proc, A(0), A(1), (int)A(2));
}

static int64_t sys_madvise(struct rv_world *w, struct rv_task *t)
{
	return mmk_madvise(t->proc, A(0), A(1), (int)A(2));
}

static int64_t sys_mlock(struct rv_world *w, struct rv_task *t)
{
	return mmk_mlock(t->proc, A(0), A(1));
}

static int64_t sys_mlock2(struct rv_world *w, struct rv_task *t)
{
	return mmk_mlock2(t->proc, A(0), A(1), (int)A(2));
}

static int64_t sys_munlock(struct rv_world *w, struct rv_task *t)
{
	return mmk_munlock(t->proc, A(0), A(1));
}

static int64_t sys_mlockall(struct rv_world *w, struct rv_task *t)
{
	return mmk_mlockall(t->proc, (int)A(0));
}

static int64_t sys_munlockall(struct rv_world *w, struct rv_task *t)
{
	return mmk_munlockall(t->proc);
}

static int64_t sys_mincore(struct rv_world *w, struct rv_task *t)
{
	uint64_t pages = (A(1) + MMK_PAGE_SIZE - 1) / MMK_PAGE_SIZE;
	if (pages > (1u << 24))
		return -ENOMEM;
	unsigned char *vec = malloc(pages ? pages : 1);
	if (!vec)
		return -ENOMEM;
	int64_t r = mmk_mincore(t->proc, A(0), A(1), vec);
	if (!r && copy_out(t, A(2), vec, pages))
		r = -EFAULT;
	free(vec);
	return r;
}

static int64_t sys_brk(struct rv_world *w, struct rv_task *t)
{
	return (int64_t)mmk_brk(t->proc, A(0));
}

static int64_t sys_prctl(struct rv_world *w, struct rv_task *t)
{
	if (A(0) == 0x53564d41 && A(1) == 0) { /* PR_SET_VMA, PR_SET_VMA_ANON_NAME */
		char name[256];
		if (!A(4))
			return mmk_set_anon_name(t->proc, A(2), A(3), NULL);
		int64_t n = copy_in_str(t, A(4), name, sizeof(name));
		if (n < 0)
			return n == -ENAMETOOLONG ? -EINVAL : n;
		return mmk_set_anon_name(t->proc, A(2), A(3), name);
	}
	return -EINVAL;
}

/* ---- Processes ------------------------------------------------------------------ */

static int64_t sys_exit(struct rv_world *w, struct rv_task *t)
{
	rv_thread_exit(w, t, (int)(A(0) & 0xff) << 8);
	return RV_NORET;
}

static int64_t sys_exit_group(struct rv_world *w, struct rv_task *t)
{
	rv_task_exit(w, t, (int)(A(0) & 0xff) << 8);
	return RV_NORET;
}

/* The end of t's futex wait with result r: it waits on nothing, no
 * timeout runs. */
static int64_t futex_wait_end(struct rv_task *t, int64_t r)
{
	t->futex_addr = 0;
	t->sleeping = 0;
	return r;
}

/* futex: WAIT and WAKE (and their BITSET forms, bitset ignored) on the
 * process's words.  A wait whose word still holds the value blocks until a
 * WAKE picks it or its timeout passes (ETIMEDOUT; timer.c keeps it):
 * relative for WAIT, absolute for WAIT_BITSET, on CLOCK_REALTIME with
 * FUTEX_CLOCK_REALTIME (WAIT_BITSET only, as Linux), else CLOCK_MONOTONIC;
 * the timeout is checked before the word, as Linux's sys_futex.  A wait
 * nobody wakes and with no timeout is a deadlock the scheduler reports.
 * Other ops (requeue, WAKE_OP, PI) are ENOSYS with the runner's warning. */
static int64_t sys_futex(struct rv_world *w, struct rv_task *t)
{
	int op = (int)A(1) & 0x7f, realtime = (A(1) & 256) != 0;
	if (realtime && op != 9 && op != 11)
		return -ENOSYS; /* Linux's answer (do_futex): no clock for the others */
	if (op == 1 || op == 10)
		return rv_futex_wake(w, t, A(0), (int32_t)A(2));
	if (op != 0 && op != 9)
		return rv_unsupported(w, -ENOSYS, "futex: op %d", op);
	if (t->futex_woken) {
		t->futex_woken = 0;
		return futex_wait_end(t, 0);
	}
	if (A(3) && !t->sleeping) {
		int err =
		    rv_timeout_start(t, realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, op == 9, A(3));
		if (err)
			return err;
	}
	uint32_t v;
	if (A(0) & 3)
		return futex_wait_end(t, -EINVAL);
	if (copy_in(t, A(0), &v, 4))
		return futex_wait_end(t, -EFAULT);
	if (v != (uint32_t)A(2))
		return futex_wait_end(t, -EAGAIN);
	if (t->sleeping && rv_timeout_passed(t))
		return futex_wait_end(t, -ETIMEDOUT);
	t->futex_addr = A(0);
	return RV_BLOCK;
}

static int64_t sys_set_tid_address(struct rv_world *w, struct rv_task *t)
{
	t->clear_child_tid = A(0);
	return t->pid;
}

static int64_t sys_zero(struct rv_world *w, struct rv_task *t)
{
	return 0;
}

static int64_t sys_enosys_quiet(struct rv_world *w, struct rv_task *t)
{
	return -ENOSYS; /* Linux-legal answers glibc expects (rseq) */
}

static int64_t sys_getpid(struct rv_world *w, struct rv_task *t)
{
	return t->tgid;
}

static int64_t sys_gettid(struct rv_world *w, struct rv_task *t)
{
	return t->pid;
}

static int64_t sys_getppid(struct rv_world *w, struct rv_task *t)
{
	return t->ppid;
}

static int64_t sys_getuid(struct rv_world *w, struct rv_task *t)
{
	return getuid();
}

static int64_t sys_getgid(struct rv_world *w, struct rv_task *t)
{
	return getgid();
}

#define CLONE_VM_G	       0x100
#define CLONE_VFORK_G	       0x4000
#define CLONE_THREAD_G	       0x10000
#define CLONE_SETTLS_G	       0x80000
#define CLONE_PARENT_SETTID_G  0x100000
#define CLONE_CHILD_CLEARTID_G 0x200000
#define CLONE_CHILD_SETTID_G   0x01000000

#define CLONE_SIGHAND_G 0x800
#define CLONE_FILES_G	0x400

/* clone: a thread (CLONE_THREAD with CLONE_VM, CLONE_SIGHAND and
 * CLONE_FILES, as pthread_create asks), or a fork.  CLONE_VM|CLONE_VFORK
 * (posix_spawn, system) is done as a fork onto the new stack: the child's
 * writes to the parent's memory before its exec are not seen by the
 * parent (docs/RISCV.md).  Other sharing combinations are ENOSYS. */
static int64_t sys_clone(struct rv_world *w, struct rv_task *t)
{
	uint64_t flags = A(0), newsp = A(1), ptid = A(2), tls = A(3), ctid = A(4);
	uint64_t thread = CLONE_THREAD_G | CLONE_VM_G | CLONE_SIGHAND_G | CLONE_FILES_G;
	bool is_thread = (flags & thread) == thread;
	if (!is_thread &&
	    ((flags & CLONE_THREAD_G) || ((flags & CLONE_VM_G) && !(flags & CLONE_VFORK_G))))
		return rv_unsupported(w, -ENOSYS, "clone: flags %#llx (sharing but not a thread)",
				      (unsigned long long)flags);
	int ntasks = 0;
	for (struct rv_task *k = w->tasks; k; k = k->next)
		ntasks += k->state != RV_REAPED;
	if (ntasks >= RV_MAX_TASKS)
		return -EAGAIN; /* as RLIMIT_NPROC */
	int64_t pid = is_thread ? rv_thread_create(w, t) : rv_task_fork(w, t);
	if (pid < 0)
		return pid;
	struct rv_task *c = rv_task_find(w, (int)pid);
	uint32_t v = (uint32_t)pid;
	if (newsp)
		c->cpu.x[2] = newsp;
	if (flags & CLONE_SETTLS_G)
		c->cpu.x[4] = tls;
	if (flags & CLONE_CHILD_SETTID_G)
		copy_out(c, ctid, &v, 4);
	if (flags & CLONE_CHILD_CLEARTID_G)
		c->clear_child_tid = ctid;
	if (flags & CLONE_PARENT_SETTID_G)
		copy_out(t, ptid, &v, 4);
	return pid;
}

/* A NULL-terminated guest string array into a malloc'ed vector. */
static char **copy_in_strv(struct rv_task *t, uint64_t addr, int64_t *err)
{
	size_t n = 0, cap = 8;
	char **v = calloc(cap, sizeof(*v));
	char buf[131072];
	*err = -ENOMEM;
	if (!v)
		return NULL;
	for (; addr; n++) {
		uint64_t p;
		if (copy_in(t, addr + 8 * n, &p, 8)) {
			*err = -EFAULT;
			goto fail;
		}
		if (!p)
			break;
		int64_t len = copy_in_str(t, p, buf, sizeof(buf));
		if (len < 0) {
			*err = len == -ENAMETOOLONG ? -E2BIG : len;
			goto fail;
		}
		if (n + 2 > cap) {
			char **nv = realloc(v, 2 * cap * sizeof(*v));
			if (!nv)
				goto fail;
			v = nv;
			cap *= 2;
		}
		v[n] = strdup(buf);
		v[n + 1] = NULL;
		if (!v[n])
			goto fail;
	}
	return v;
fail:
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return NULL;
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int64_t sys_execve(struct rv_world *w, struct rv_task *t)
{
	char path[4096];
	int64_t err = copy_in_path(t, A(0), path, sizeof(path)), err2 = 0;
	if (err)
		return err;
	const char *rest;
	int pid = proc_path_pid(t, path, &rest);
	if (pid && !strcmp(rest, "exe")) { /* the program of that process */
		struct rv_task *of = rv_task_find(w, pid);
		if (!of || !of->exe)
			return -ENOENT;
		snprintf(path, sizeof(path), "%s", of->exe + strspn(of->exe, "/"));
	}
	char **argv = copy_in_strv(t, A(1), &err);
	char **envp = argv ? copy_in_strv(t, A(2), &err2) : NULL;
	if (!argv || !envp) {
		free_strv(argv);
		return argv ? err2 : err;
	}
	err = rv_task_execve(w, t, path, (const char *const *)argv, (const char *const *)envp);
	free_strv(argv);
	free_strv(envp);
	return err ? err : RV_NORET;
}

static int64_t sys_wait4(struct rv_world *w, struct rv_task *t)
{
	t->wait_pid = (int)A(0);
	t->wait_status_addr = A(1);
	t->wait_options = (int)A(2);
	t->wait_is_waitid = 0;
	return rv_task_try_wait(w, t) ? RV_NORET : RV_BLOCK;
}

/* waitid: P_ALL (0) or P_PID (1) (P_PGID as P_ALL: one process group);
 * only WEXITED (stopped and continued children are not simulated). */
static int64_t sys_waitid(struct rv_world *w, struct rv_task *t)
{
	int idtype = (int)A(0), options = (int)A(3);
	if (idtype < 0 || idtype > 2 || (options & ~(0x01000000 | 1 | 4 | 2 | 8)) || !(options & 4))
		return -EINVAL; /* WEXITED must be asked for */
	t->wait_pid = idtype == 1 ? (int)A(1) : -1;
	t->wait_status_addr = A(2);
	t->wait_options = options;
	t->wait_is_waitid = 1;
	return rv_task_try_wait(w, t) ? RV_NORET : RV_BLOCK;
}

static int64_t sys_kill(struct rv_world *w, struct rv_task *t)
{
	int pid = (int)A(0), sig = (int)A(1);
	if (sig < 0 || sig > RV_NSIG)
		return -EINVAL;
	if (pid <= 0)
		pid = t->tgid; /* process groups: the caller's own only */
	struct rv_task *to = rv_task_find(w, pid);
	if (!to || to->state == RV_ZOMBIE || to->state == RV_REAPED)
		return -ESRCH;
	if (to->thread_done) /* a process whose leader thread exited: another */
		for (struct rv_task *o = w->tasks; o; o = o->next)
			if (o->tgid == to->tgid && o->state == RV_RUNNABLE && !o->thread_done) {
				to = o;
				break;
			}
	if (sig)
		to->pending |= 1ull << (sig - 1);
	return 0;
}

static int64_t sys_tgkill(struct rv_world *w, struct rv_task *t)
{
	struct rv_task *to = rv_task_find(w, (int)A(1));
	int sig = (int)A(2);
	if (sig < 0 || sig > RV_NSIG)
		return -EINVAL;
	if (!to || to->tgid != (int)A(0) || to->state != RV_RUNNABLE || to->thread_done)
		return -ESRCH;
	if (sig)
		to->pending |= 1ull << (sig - 1);
	return 0;
}

static int64_t sys_tkill(struct rv_world *w, struct rv_task *t)
{
	struct rv_task *to = rv_task_find(w, (int)A(0));
	A(2) = A(1);
	A(1) = A(0);
	A(0) = to ? (uint64_t)to->tgid : 0;
	return sys_tgkill(w, t);
}

static int64_t sys_rt_sigaction(struct rv_world *w, struct rv_task *t)
{
	int sig = (int)A(0);
	if (sig < 1 || sig > RV_NSIG || A(3) != 8)
		return -EINVAL;
	struct rv_sigaction old = t->act[sig], nw;
	if (A(1)) {
		if (sig == 9 || sig == 19)
			return -EINVAL;
		if (copy_in(t, A(1), &nw, sizeof(nw)))
			return -EFAULT;
	}
	if (A(2) && copy_out(t, A(2), &old, sizeof(old)))
		return -EFAULT;
	if (A(1))
		t->act[sig] = nw;
	return 0;
}

static int64_t sys_rt_sigprocmask(struct rv_world *w, struct rv_task *t)
{
	uint64_t set, old = t->sigmask;
	if (A(3) != 8)
		return -EINVAL;
	if (A(1)) {
		if (copy_in(t, A(1), &set, 8))
			return -EFAULT;
		switch ((int)A(0)) {
		case 0:
			t->sigmask |= set;
			break;
		case 1:
			t->sigmask &= ~set;
			break;
		case 2:
			t->sigmask = set;
			break;
		default:
			return -EINVAL;
		}
		t->sigmask &= ~(1ull << 8 | 1ull << 18); /* SIGKILL, SIGSTOP */
	}
	if (A(2) && copy_out(t, A(2), &old, 8))
		return -EFAULT;
	return 0;
}

/* rt_sigpending: the pending signals that are blocked. */
static int64_t sys_rt_sigpending(struct rv_world *w, struct rv_task *t)
{
	uint64_t set = t->pending & t->sigmask;
	if (A(1) != 8)
		return -EINVAL;
	return copy_out(t, A(0), &set, 8);
}

/* rt_sigsuspend: the mask becomes *set until a signal comes (EINTR); the
 * handler's frame keeps the old mask, restored by its sigreturn. */
static int64_t sys_rt_sigsuspend(struct rv_world *w, struct rv_task *t)
{
	uint64_t set;
	if (A(1) != 8)
		return -EINVAL;
	if (!t->wait_eintr) {
		if (copy_in(t, A(0), &set, 8))
			return -EFAULT;
		t->saved_mask = t->sigmask;
		t->restore_mask = 1;
		t->sigmask = set & ~(1ull << 8 | 1ull << 18);
	}
	t->wait_eintr = 1;
	return RV_BLOCK;
}

static int64_t sys_rt_sigreturn(struct rv_world *w, struct rv_task *t)
{
	rv_sigreturn(w, t);
	return RV_NORET;
}

static int64_t sys_sigaltstack(struct rv_world *w, struct rv_task *t)
{
	struct {
		uint64_t sp;
		int32_t flags, pad;
		uint64_t size;
	} ss, old = {t->altstack_sp, t->altstack_flags, 0, t->altstack_size};
	if (!t->altstack_size)
		old.flags = 2; /* SS_DISABLE */
	if (A(0)) {
		if (copy_in(t, A(0), &ss, sizeof(ss)))
			return -EFAULT;
		if (ss.flags & 2) {
			t->altstack_size = 0;
			t->altstack_sp = 0;
		} else {
			if (ss.flags)
				return -EINVAL;
			if (ss.size < 2048)
				return -ENOMEM;
			t->altstack_sp = ss.sp;
			t->altstack_size = ss.size;
		}
	}
	if (A(1) && copy_out(t, A(1), &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* ---- Information --------------------------------------------------------------- */

static int64_t sys_uname(struct rv_world *w, struct rv_task *t)
{
	char u[6][65];
	memset(u, 0, sizeof(u));
	strcpy(u[0], "Linux");
	strcpy(u[1], "mmkit");
	strcpy(u[2], "6.12.0-mmkit");
	strcpy(u[3], "#1 SMP");
	strcpy(u[4], "riscv64");
	strcpy(u[5], "(none)");
	return copy_out(t, A(0), u, sizeof(u));
}

static int64_t do_rlimit(struct rv_task *t, int res, uint64_t newp, uint64_t oldp)
{
	uint64_t lim[2] = {UINT64_MAX, UINT64_MAX};
	if (res < 0 || res > 15)
		return -EINVAL;
	if (res == 3) /* RLIMIT_STACK */
		lim[0] = 8 << 20;
	if (res == 7) /* RLIMIT_NOFILE */
		lim[0] = lim[1] = RV_MAX_FDS;
	if (res == 8) /* RLIMIT_MEMLOCK */
		lim[0] = lim[1] = 8 << 20;
	if (oldp && copy_out(t, oldp, lim, 16))
		return -EFAULT;
	(void)newp; /* accepted, not applied (docs/RISCV.md) */
	return 0;
}

static int64_t sys_getrlimit(struct rv_world *w, struct rv_task *t)
{
	return do_rlimit(t, (int)A(0), 0, A(1));
}

static int64_t sys_prlimit64(struct rv_world *w, struct rv_task *t)
{
	if (A(0) && (int)A(0) != t->tgid)
		return rv_task_find(w, (int)A(0)) ? -EPERM : -ESRCH;
	return do_rlimit(t, (int)A(1), A(2), A(3));
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* getrandom: a fixed pseudo-random sequence, so runs are reproducible. */
static int64_t sys_getrandom(struct rv_world *w, struct rv_task *t)
{
	uint64_t len = A(1) > 4096 ? 4096 : A(1);
	uint8_t buf[4096];
	for (uint64_t i = 0; i < len; i++) {
		rng_state ^= rng_state << 13;
		rng_state ^= rng_state >> 7;
		rng_state ^= rng_state << 17;
		buf[i] = (uint8_t)rng_state;
	}
	return copy_out(t, A(0), buf, len) ? -EFAULT : (int64_t)len;
}

static int64_t sys_clock_gettime(struct rv_world *w, struct rv_task *t)
{
	struct timespec ts;
	if (clock_gettime((clockid_t)A(0), &ts))
		return -errno;
	int64_t v[2] = {ts.tv_sec, ts.tv_nsec};
	return copy_out(t, A(1), v, 16);
}

static int64_t sys_gettimeofday(struct rv_world *w, struct rv_task *t)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t v[2] = {ts.tv_sec, ts.tv_nsec / 1000};
	return A(0) ? copy_out(t, A(0), v, 16) : 0;
}

/* getcpu: every guest runs on cpu 0 of node 0 (one host thread). */
static int64_t sys_getcpu(struct rv_world *w, struct rv_task *t)
{
	uint32_t zero = 0;
	if (A(0) && copy_out(t, A(0), &zero, 4))
		return -EFAULT;
	if (A(1) && copy_out(t, A(1), &zero, 4))
		return -EFAULT;
	return 0;
}

/* sysinfo: memory as the system has it (frames, swap), in bytes. */
static int64_t sys_sysinfo(struct rv_world *w, struct rv_task *t)
{
	struct {
		int64_t uptime;
		uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
		uint16_t procs, pad;
		uint32_t pad2;
		uint64_t totalhigh, freehigh;
		uint32_t mem_unit;
		uint32_t pad3;
	} si;
	struct mmk_vmstat vs;
	memset(&si, 0, sizeof(si));
	if (mmk_vmstat(w->sys, &vs) == 0) {
		si.totalswap = vs.swap_total * MMK_PAGE_SIZE;
		si.freeswap = vs.swap_free * MMK_PAGE_SIZE;
	}
	si.totalram = mmk_frames_total(w->sys) * MMK_PAGE_SIZE;
	si.freeram = mmk_frames_free(w->sys) * MMK_PAGE_SIZE;
	for (struct rv_task *k = w->tasks; k; k = k->next)
		si.procs += k->state != RV_REAPED;
	si.mem_unit = 1;
	return copy_out(t, A(0), &si, sizeof(si));
}

static int64_t sys_riscv_hwprobe(struct rv_world *w, struct rv_task *t)
{
	for (uint64_t i = 0; i < A(1); i++) {
		int64_t kv[2];
		if (copy_in(t, A(0) + 16 * i, kv, 16))
			return -EFAULT;
		switch (kv[0]) {
		case 0:
		case 1:
		case 2:
			kv[1] = 0;
			break; /* vendor, arch, impl ids */
		case 3:
			kv[1] = 1;
			break; /* BASE_BEHAVIOR_IMA */
		case 4:
			kv[1] = 1 | 2;
			break; /* IMA_EXT_0: FD, C */
		case 5:
			kv[1] = 0;
			break; /* misaligned: unknown */
		default:
			kv[0] = -1;
			kv[1] = 0;
		}
		if (copy_out(t, A(0) + 16 * i, kv, 16))
			return -EFAULT;
	}
	return 0;
}

/* ---- The table -------------------------------------------------------------------- */

struct sys_entry {
	const char *name;
	sys_fn fn;
};

#define S(nr, name) [nr] = {#name, sys_##name}
static const struct sys_entry sys_table[] = {
    S(17, getcwd),
    S(23, dup),
    S(24, dup3),
    S(25, fcntl),
    S(29, ioctl),
    S(34, mkdirat),
    S(35, unlinkat),
    S(46, ftruncate),
    S(48, faccessat),
    S(49, chdir),
    S(50, fchdir),
    [439] = {"faccessat2", sys_faccessat},
    S(56, openat),
    S(57, close),
    S(59, pipe2),
    S(61, getdents64),
    S(62, lseek),
    S(63, read),
    S(64, write),
    S(65, readv),
    S(66, writev),
    S(67, pread64),
    S(68, pwrite64),
    S(78, readlinkat),
    S(79, newfstatat),
    S(80, fstat),
    S(82, fsync),
    S(93, exit),
    S(95, waitid),
    S(94, exit_group),
    S(96, set_tid_address),
    [99] = {"set_robust_list", sys_zero},
    S(98, futex),
    [101] = {"nanosleep", rv_sys_nanosleep},
    [102] = {"getitimer", rv_sys_getitimer},
    [103] = {"setitimer", rv_sys_setitimer},
    S(113, clock_gettime),
    [114] = {"clock_getres", rv_sys_clock_getres},
    [115] = {"clock_nanosleep", rv_sys_clock_nanosleep},
    [124] = {"sched_yield", sys_zero},
    S(129, kill),
    S(130, tkill),
    S(131, tgkill),
    S(132, sigaltstack),
    S(133, rt_sigsuspend),
    [72] = {"pselect6", rv_sys_pselect6},
    [73] = {"ppoll", rv_sys_ppoll},
    S(134, rt_sigaction),
    S(135, rt_sigprocmask),
    S(136, rt_sigpending),
    S(139, rt_sigreturn),
    S(160, uname),
    S(163, getrlimit),
    S(167, prctl),
    S(168, getcpu),
    S(169, gettimeofday),
    S(172, getpid),
    S(173, getppid),
    [174] = {"getuid", sys_getuid},
    [175] = {"geteuid", sys_getuid},
    [176] = {"getgid", sys_getgid},
    [177] = {"getegid", sys_getgid},
    S(178, gettid),
    S(179, sysinfo),
    S(214, brk),
    S(215, munmap),
    S(216, mremap),
    S(220, clone),
    S(221, execve),
    S(222, mmap),
    [223] = {"fadvise64", sys_zero},
    S(226, mprotect),
    S(227, msync),
    S(228, mlock),
    S(229, munlock),
    S(230, mlockall),
    S(231, munlockall),
    S(232, mincore),
    S(233, madvise),
    S(258, riscv_hwprobe),
    [259] = {"riscv_flush_icache", sys_zero},
    S(260, wait4),
    S(261, prlimit64),
    S(278, getrandom),
    S(284, mlock2),
    S(291, statx),
    [293] = {"rseq", sys_enosys_quiet},
    [435] = {"clone3", sys_enosys_quiet},
};
#define NSYS (sizeof(sys_table) / sizeof(sys_table[0]))

const char *rv_syscall_name(uint64_t nr)
{
	return nr < NSYS && sys_table[nr].name ? sys_table[nr].name : "unknown";
}

void rv_syscall(struct rv_world *w, struct rv_task *t)
{
	uint64_t nr = t->cpu.x[17];
	int64_t r;
	t->syscall_name = rv_syscall_name(nr);
	if (nr < NSYS && sys_table[nr].fn) {
		r = sys_table[nr].fn(w, t);
	} else {
		r = rv_unsupported(w, -ENOSYS, "system call %llu", (unsigned long long)nr);
	}
	t->syscall_name = NULL;
	if (r == RV_BLOCK) {
		t->blocked = 1; /* pc stays at the ecall: it runs again */
		return;
	}
	if (r == RV_NORET)
		return;
	t->cpu.x[10] = (uint64_t)r;
	t->cpu.pc += 4;
}
