/*
 * shadow_fds.c - the program's open file descriptions, as far as mmap sees
 * them.
 *
 * Why shadow mirrors them at all: Linux merges a new file mapping into its
 * neighbour only when both hold the same struct file (is_mergeable_vma()),
 * so ld.so's segments of one library, mapped through one fd, merge where
 * two opens of the same file would not.  mmkit's VMAs hold mmkit's open
 * file descriptions; each host description must therefore have exactly
 * one mmkit description, living as long as the program keeps it.
 *
 * How: each space (mmk_proc) has a table host fd -> mmkit fd.  An entry is
 * made the first time the program maps fd N: shadow takes the program's
 * own description (pidfd_getfd, so the access mode and flags are the
 * program's, and nothing is opened again: no O_TRUNC, no O_CREAT), gives
 * it to mmkit with mmk_fd_install_host and closes its copy (mmkit keeps a
 * read-only reopen: shadow never holds a writable description, which would
 * make the program's later exec of that file -ETXTBSY).  Later mmaps of N
 * reuse the entry.  The program's fd-table calls keep the table true:
 * close, close_range, dup, dup2, dup3, fcntl(F_DUPFD, F_DUPFD_CLOEXEC,
 * F_SETFD), and exec's close-on-exec; fork copies it (mmk_fork copies
 * mmkit's table alike).  An entry whose file (dev, ino, access mode) is no
 * longer what fd N holds is replaced, a net under anything missed.
 *
 * A task sharing a space but not its fd table (a vfork child, before its
 * exec) maps through a temporary mmkit fd closed after the call, and its
 * fd calls leave the table alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "shadow.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

struct sh_fd {
	int hostfd, mmfd;
	bool cloexec;
	dev_t dev;
	ino_t ino;
	int acc; /* O_ACCMODE | O_APPEND of the description */
};

static struct sh_fd *fd_find(struct sh_space *sp, int hostfd)
{
	for (size_t i = 0; i < sp->nfds; i++)
		if (sp->fds[i].hostfd == hostfd)
			return &sp->fds[i];
	return NULL;
}

/* Removes hostfd's entry, closing its mmkit fd. */
static void fd_drop(struct sh_space *sp, int hostfd)
{
	struct sh_fd *e = fd_find(sp, hostfd);
	if (!e)
		return;
	mmk_close(sp->p, e->mmfd);
	*e = sp->fds[--sp->nfds];
}

static struct sh_fd *fd_add(struct sh_space *sp)
{
	if (sp->nfds == sp->capfds) {
		sp->capfds = sp->capfds ? 2 * sp->capfds : 16;
		sp->fds = realloc(sp->fds, sp->capfds * sizeof(*sp->fds));
		if (!sp->fds) {
			fputs("mmkit: out of memory\n", stderr);
			exit(1);
		}
	}
	struct sh_fd *e = &sp->fds[sp->nfds++];
	memset(e, 0, sizeof(*e));
	return e;
}

void sh_fds_free(struct sh_space *sp)
{
	free(sp->fds);
	sp->fds = NULL;
	sp->nfds = sp->capfds = 0;
}

void sh_fds_copy(struct sh_space *dst, const struct sh_space *src)
{
	for (size_t i = 0; i < src->nfds; i++)
		*fd_add(dst) = src->fds[i];
}

/* Whether t's fd calls and mmaps go through its space's table. */
static bool owns_table(const struct sh_task *t)
{
	return t->sp && !t->sp->foreign && t->sp->files_tgid == t->tgid;
}

/* The open flags of the program's fd N (fdinfo's "flags:", octal), or
 * -errno. */
static int64_t fd_flags(pid_t tid, int fd)
{
	char path[64], line[128];
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tid, fd);
	FILE *f = fopen(path, "r");
	int64_t flags = -ENOENT;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "flags:", 6) == 0)
			flags = (int64_t)strtoul(line + 6, NULL, 8);
	fclose(f);
	return flags;
}

/* A descriptor of shadow's own on the program's open file description
 * behind fd (pidfd_getfd), or on a reopen of its file with its access
 * mode where pidfd_getfd is not available; -errno. */
static int grab_description(const struct sh_task *t, int fd, int64_t flags)
{
	int pidfd = (int)syscall(SYS_pidfd_open, t->tgid, 0);
	if (pidfd >= 0) {
		int h = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
		close(pidfd);
		if (h >= 0)
			return h;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)t->tid, fd);
	int h = open(path, (int)(flags & O_ACCMODE) | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	return h < 0 ? -errno : h;
}

void sh_mmap_fd_resolve(struct shadow *sh, struct sh_task *t, int fd, struct sh_mmap_fd *m)
{
	char path[64], target[256];
	struct stat st;
	memset(m, 0, sizeof(*m));
	m->mmfd = SH_MMFD_INVALID;
	int64_t flags = fd < 0 ? -EBADF : fd_flags(t->tid, fd);
	if (flags < 0 || (flags & O_PATH))
		return;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)t->tid, fd);
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = 0;
	if (stat(path, &st) != 0)
		return;
	if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 5) {
		m->dev_zero = true;
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		m->unfollowed = true;
		snprintf(m->why, sizeof(m->why), "fd %d is %s, not a regular file", fd, target);
		return;
	}
	int acc = (int)(flags & (O_ACCMODE | O_APPEND));
	bool table = owns_table(t);
	if (table) {
		struct sh_fd *e = fd_find(t->sp, fd);
		if (e && e->dev == st.st_dev && e->ino == st.st_ino && e->acc == acc) {
			m->mmfd = e->mmfd;
			return;
		}
		if (e) /* a change shadow did not see: replaced */
			fd_drop(t->sp, fd);
	}
	int h = grab_description(t, fd, flags);
	if (h < 0) {
		m->unfollowed = true;
		snprintf(m->why, sizeof(m->why), "cannot reach the program's fd %d (%s): %s", fd,
			 target, strerror(-h));
		return;
	}
	int r = mmk_fd_install_host(t->sp->p, h, 0);
	close(h);
	if (r < 0) {
		m->unfollowed = true;
		snprintf(m->why, sizeof(m->why), "mmkit cannot install fd %d (%s): %s", fd, target,
			 strerror(-r));
		return;
	}
	m->mmfd = r;
	if (!table) {
		m->opened = true; /* the caller closes it after the call */
		return;
	}
	struct sh_fd *e = fd_add(t->sp);
	e->hostfd = fd;
	e->mmfd = r;
	e->cloexec = (flags & O_CLOEXEC) != 0;
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->acc = acc;
	(void)sh;
}

/* ---- The program's fd-table calls ------------------------------------------- */

#define F_DUPFD_	     0
#define F_SETFD_	     2
#define F_DUPFD_CLOEXEC_     1030
#define CLOSE_RANGE_CLOEXEC_ 4

/* newfd now holds what oldfd holds (dup family), with cloexec. */
static void fd_dup(struct sh_space *sp, int oldfd, int newfd, bool cloexec)
{
	if (oldfd == newfd)
		return;
	fd_drop(sp, newfd);
	struct sh_fd *o = fd_find(sp, oldfd);
	if (!o)
		return;
	int m = mmk_dup(sp->p, o->mmfd);
	if (m < 0)
		return;		/* the entry is made again at the next mmap */
	o = fd_find(sp, oldfd); /* fd_add may move the array */
	struct sh_fd copy = *o;
	struct sh_fd *e = fd_add(sp);
	*e = copy;
	e->hostfd = newfd;
	e->mmfd = m;
	e->cloexec = cloexec;
}

bool sh_fd_call(const struct sh_call *c)
{
	switch (c->nr) {
	case 3:	  /* close */
	case 32:  /* dup */
	case 33:  /* dup2 */
	case 292: /* dup3 */
	case 436: /* close_range */
		return true;
	case 72: /* fcntl: only what changes the table (F_SETLKW may wait
		  * for ever, and would hold its space meanwhile) */
		return c->args[1] == F_DUPFD_ || c->args[1] == F_DUPFD_CLOEXEC_ ||
		       c->args[1] == F_SETFD_;
	default:
		return false;
	}
}

void sh_fd_call_exit(struct sh_task *t, int64_t rval)
{
	const uint64_t *a = t->call.args;
	if (rval < 0 || !owns_table(t))
		return;
	struct sh_space *sp = t->sp;
	switch (t->call.nr) {
	case 3: /* close */
		fd_drop(sp, (int)a[0]);
		break;
	case 32: /* dup */
	case 33: /* dup2 */
		fd_dup(sp, (int)a[0], (int)rval, false);
		break;
	case 292: /* dup3 */
		fd_dup(sp, (int)a[0], (int)rval, (a[2] & O_CLOEXEC) != 0);
		break;
	case 72: /* fcntl */
		if (a[1] == F_DUPFD_ || a[1] == F_DUPFD_CLOEXEC_) {
			fd_dup(sp, (int)a[0], (int)rval, a[1] == F_DUPFD_CLOEXEC_);
		} else if (a[1] == F_SETFD_) {
			struct sh_fd *e = fd_find(sp, (int)a[0]);
			if (e)
				e->cloexec = (a[2] & FD_CLOEXEC) != 0;
		}
		break;
	case 436: { /* close_range */
		unsigned lo = (unsigned)a[0], hi = (unsigned)a[1];
		for (size_t i = sp->nfds; i-- > 0;) {
			struct sh_fd *e = &sp->fds[i];
			if ((unsigned)e->hostfd < lo || (unsigned)e->hostfd > hi)
				continue;
			if (a[2] & CLOSE_RANGE_CLOEXEC_)
				e->cloexec = true;
			else
				fd_drop(sp, e->hostfd);
		}
		break;
	}
	default:
		break;
	}
}

void sh_fds_exec(struct sh_space *sp)
{
	for (size_t i = sp->nfds; i-- > 0;)
		if (sp->fds[i].cloexec)
			fd_drop(sp, sp->fds[i].hostfd);
}
