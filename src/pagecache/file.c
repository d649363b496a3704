/*
 * file.c - open file descriptions (struct mmk_file: dup'd fds share one,
 * VMAs hold a reference, merging compares the pointer) and per-process fd
 * tables (fds 0-2 start on the null device).  Mirrors fs/file_table.c and
 * fs/file.c.
 *
 * Locking: proc->fd_lock protects a process's table; it is a leaf but for
 * the inode->lock and sys->lock an inode_put under it takes (close-on-exec).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"
#include "pages.h"

#define FD_MAX 1024 /* RLIMIT_NOFILE's default soft limit */

/* ---- Open file descriptions ------------------------------------------------------- */

struct mmk_file *file_new(struct mmk_inode *inode, int flags)
{
	struct mmk_file *f = mmk_zalloc(inode->sys, sizeof(*f));
	if (!f)
		return NULL;
	atomic_init(&f->refcount, 1);
	f->inode = inode;
	f->flags = flags & (MMK_O_ACCMODE | MMK_O_APPEND);
	/* file_ra_state_init(): no previous read, so a first read past page 0
	 * is not taken for a sequential one */
	f->ra.prev_pos = UINT64_MAX;
	mmk_mutex_init(&f->pos_lock, LOCK_POS);
	if (file_writable(f))
		atomic_fetch_add(&inode->writers, 1); /* get_write_access() */
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
	if (file_writable(f))
		atomic_fetch_sub(&f->inode->writers, 1);
	inode_put(f->inode);
	mmk_mutex_destroy(&f->pos_lock);
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
	mmk_mutex_lock(&p->fd_lock);
	if (fd >= 0 && fd < p->fdt.nfds && p->fdt.fds[fd].file) {
		f = p->fdt.fds[fd].file;
		file_get(f);
	}
	mmk_mutex_unlock(&p->fd_lock);
	return f;
}

/* Installs f at the lowest free fd; consumes the reference.  Caller holds fd_lock. */
int fd_install_locked(struct mmk_proc *p, struct mmk_file *f, bool cloexec)
{
	lock_assert_held(&p->fd_lock);
	int fd = 0;
	while (fd < p->fdt.nfds && p->fdt.fds[fd].file)
		fd++;
	if (fd >= FD_MAX)
		return -EMFILE;
	if (fd >= p->fdt.nfds) {
		int n = p->fdt.nfds ? p->fdt.nfds * 2 : 16;
		if (n > FD_MAX)
			n = FD_MAX;
		struct fd_entry *nf = mmk_realloc(p->sys, p->fdt.fds, (size_t)n * sizeof(*nf));
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

int fd_install(struct mmk_proc *p, struct mmk_file *f, bool cloexec)
{
	mmk_mutex_lock(&p->fd_lock);
	int fd = fd_install_locked(p, f, cloexec);
	mmk_mutex_unlock(&p->fd_lock);
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
	mmk_mutex_lock(&src->fd_lock);
	int n = src->fdt.nfds;
	struct fd_entry *fds = n ? mmk_calloc(src->sys, (size_t)n, sizeof(*fds)) : NULL;
	if (n && !fds) {
		mmk_mutex_unlock(&src->fd_lock);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		fds[i] = src->fdt.fds[i];
		if (fds[i].file)
			file_get(fds[i].file);
	}
	mmk_mutex_unlock(&src->fd_lock);
	dst->fdt.fds = fds;
	dst->fdt.nfds = n;
	return 0;
}

void fdtable_close_on_exec(struct mmk_proc *p)
{
	mmk_mutex_lock(&p->fd_lock);
	for (int i = 0; i < p->fdt.nfds; i++) {
		if (p->fdt.fds[i].file && p->fdt.fds[i].cloexec) {
			file_put(p->fdt.fds[i].file);
			p->fdt.fds[i].file = NULL;
		}
	}
	mmk_mutex_unlock(&p->fd_lock);
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
