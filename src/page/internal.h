/*
 * internal.h - functions the files of src/ call across each other, grouped
 * by the file that defines them.  Locking preconditions follow Linux's
 * naming: a function whose name ends in _locked expects the lock named in
 * its comment to be held.
 */
#ifndef MMK_INTERNAL_H
#define MMK_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>

#include "memory.h"
#include "mm_types.h"
#include "textbuf.h"

/* ---- proc.c ---------------------------------------------------------------- */
/* Process liveness: -EINVAL for a NULL handle, -ESRCH if killed. */
int proc_enter(struct mmk_proc *p);
/* proc_enter, then the NULL rule of a caller's buffer (include/mmkit.h):
 * NULL with len > 0 is -EFAULT. */
int proc_enter_buf(struct mmk_proc *p, const void *buf, uint64_t len);

/* ---- inode.c: inodes, the inode table, path resolution ---------------------- */
/* A new inode of kind with no file system facts yet, or NULL; inode_free()
 * gives back one nobody else can see (not in the table, no reference). */
struct mmk_inode *inode_alloc(struct mmk_system *sys, enum inode_kind kind);
void inode_free(struct mmk_inode *in);
/* Finds or creates the inode of the host file open on hfd, whose fstat is
 * *stp (hfd stays the caller's: it is offered to the inode with
 * hostfd_offer).  A referenced inode, or NULL with *err set. */
struct mmk_inode *inode_for_hostfd(struct mmk_system *sys, int hfd, const struct stat *stp,
				   const char *abspath, bool nowrite, int *err);
/* Marks the cached inode of the host file st describes (as it was before
 * its name went), if any, as unlinked when that was its last name. */
void inode_note_unlink(struct mmk_system *sys, const struct stat *st);
/* Lexically canonical absolute host path of path under the root (for
 * maps), or NULL. */
char *root_abspath(struct mmk_system *sys, const char *path);
/* References (inode_get) to every inode of the inode table, *n of them;
 * inodes_release() drops them.  NULL with *n == 0 for an empty table, with
 * *n > 0 when memory ran out (nothing to release).  Caller holds no
 * sys->lock. */
struct mmk_inode **inodes_snapshot(struct mmk_system *sys, size_t *n);
void inodes_release(struct mmk_inode **v, size_t n);
int inode_table_destroy(struct mmk_system *sys);
/* openat2 of path beneath the root (confined: no "..", absolute path or
 * symlink leaves it): a host fd, or -errno ("would leave" is -EACCES).
 * Tried OPENAT2_RETRIES times when a rename races the resolution. */
#define OPENAT2_RETRIES 64
int root_openat(struct mmk_system *sys, const char *path, int flags, unsigned mode);
/* A path's parent directory (opened beneath the root) and last component,
 * as Linux's filename_parentat() gives them (inode.c has the contract). */
enum path_last_type { PATH_LAST_NORM, PATH_LAST_DOT, PATH_LAST_DOTDOT, PATH_LAST_ROOT };
struct path_last {
	int dfd;		  /* O_PATH host fd of the parent, or -1 (PATH_LAST_ROOT) */
	const char *name;	  /* the last component, in buf: no slash in it */
	enum path_last_type type; /* Linux's last_type */
	bool slashes;		  /* the path ended in slashes */
	char *buf;		  /* owned: freed by path_last_release */
};
int path_parentat(struct mmk_system *sys, const char *path, struct path_last *out);
void path_last_release(struct path_last *pl);
void inode_get(struct mmk_inode *inode);
void inode_put(struct mmk_inode *inode);
/* Creates an inode that is not a host file (shmem, null). */
struct mmk_inode *inode_new_internal(struct mmk_system *sys, enum inode_kind kind, uint64_t size);

/* ---- file.c: open files, fd tables ------------------------------------------- */
struct mmk_file *file_new(struct mmk_inode *inode, int flags);
void file_get(struct mmk_file *f);
void file_put(struct mmk_file *f);
/* The open file behind fd with a reference taken, or NULL (-EBADF). */
struct mmk_file *fd_file(struct mmk_proc *p, int fd);
int fdtable_init_std(struct mmk_proc *p);
int fdtable_copy(struct mmk_proc *dst, struct mmk_proc *src);
void fdtable_close_on_exec(struct mmk_proc *p);
void fdtable_destroy(struct mmk_proc *p);
/* Installs f at the lowest free fd (fd_install_locked: caller holds
 * p->fd_lock); consumes the reference.  The fd, or -EMFILE/-ENOMEM. */
int fd_install(struct mmk_proc *p, struct mmk_file *f, bool cloexec);
int fd_install_locked(struct mmk_proc *p, struct mmk_file *f, bool cloexec);
bool file_readable(const struct mmk_file *f);
bool file_writable(const struct mmk_file *f);

/* ---- dir.c: the directory system calls ---------------------------------------- */
/* Whether f is an open directory (an INODE_FILE inode without mmap). */
bool file_is_dir(const struct mmk_file *f);
/* lseek of an open directory: the host file system's, from f->pos (the
 * caller holds a reference to f and no lock).  The new position or -errno. */
int64_t dir_lseek(struct mmk_file *f, int64_t off, int whence);

/* ---- fs.c: the file system calls, and the files exec opens ------------------ */
/* do_open_execat()'s checks of an open file (-EACCES: not a regular file,
 * not executable, noexec mount); exec_open() opens PATH beneath the root
 * read-only and checks it.  0 or -errno. */
int file_exec_check(struct mmk_file *f);
int exec_open(struct mmk_system *sys, const char *path, struct mmk_file **out);

/* ---- hostfd.c: the inode's own host descriptor ----------------------------- */
/* Offers hfd, a host descriptor of in's file opened by path with flags
 * (its O_ACCMODE and O_APPEND matter), to in; consumes hfd.  The inode keeps
 * it, or an O_RDWR one of the same file (opened by path; a NULL path: never),
 * if it has none or less access.  0,
 * or -errno (the host refused to clear O_APPEND). */
int hostfd_offer(struct mmk_inode *in, const char *path, int hfd, int flags);
/* The descriptor the page cache reads in's host file through: hostfd, or
 * the read-only one kept beside a write-only hostfd; -1 when none can
 * read.  Caller holds inode->lock (and uses it only under the lock). */
int hostfd_read_locked(struct mmk_inode *in);
/* Closes an idle inode's descriptors: no reference, no dirty page.  Caller
 * holds inode->lock. */
void hostfd_idle_locked(struct mmk_inode *in);
/* Out of host descriptors: writes back every unreferenced inode so that it
 * closes its descriptor.  Caller holds no lock. */
void hostfd_shed(struct mmk_system *sys);

/* ---- anon.c: anon_vma ----------------------------------------------------- */
/* Gives vma an anon_vma if it has none (anon_vma_prepare): reuses a
 * mergeable neighbour's as Linux's find_mergeable_anon_vma does.  Caller
 * holds mmap_lock for writing (the fault path upgrades to it for a VMA's
 * first anonymous page), so vma->anon_vma only ever changes under the write
 * lock and readers under the read lock see a stable value.  -ENOMEM. */
int anon_vma_prepare(struct vma *vma);
/* Links dst to every anon_vma of src's chain (anon_vma_clone). -ENOMEM. */
int anon_vma_clone(struct vma *dst, struct vma *src);
/* fork: clone the chain, then give dst its own anon_vma (anon_vma_fork). */
int anon_vma_fork(struct vma *dst, struct vma *src);
/* Drops vma's chain and anon_vma reference (unlink_anon_vmas). */
void unlink_anon_vmas(struct vma *vma);
void anon_vma_get(struct anon_vma *av);
void anon_vma_put(struct anon_vma *av);
/* Number of links in vma's chain. */
unsigned anon_vma_chain_len(const struct vma *vma);

/* ---- vma.c: VMA objects, split, merge ---------------------------------------- */
/* A zeroed VMA for mm, or NULL; vma_free() drops its file, anon_vma chain and
 * name and gives it back.  Both use mm's VMA magazine: the caller holds
 * mm->mmap_lock for writing, or mm is not yet (or no longer) shared. */
struct vma *vma_alloc(struct mm *mm);
void vma_free(struct vma *vma);
/* find_vma: first VMA with end > addr, or NULL.  Caller: mmap_lock. */
struct vma *find_vma(struct mm *mm, uint64_t addr);
/* vma_lookup: the VMA containing addr, or NULL. */
struct vma *vma_lookup(struct mm *mm, uint64_t addr);
/* Reserved (mmk_reserve) VMAs are skipped by views and by the rest. */
/* expand_downwards(): grows a VM_GROWSDOWN VMA down to addr on a fault
 * below it (the fault handler calls it with mmap_lock held for writing,
 * after finding that find_vma(addr) is a VM_GROWSDOWN VMA above addr).
 * 0, or -ENOMEM/-EPERM/-EFAULT: the access then gets SIGSEGV. */
int vma_expand_stack(struct mm *mm, struct vma *v, uint64_t addr);

/* ---- mmap.c ----------------------------------------------------------------- */
/* Address-space creation and teardown (mm_alloc / exit_mmap). */
struct mm *mm_create(struct mmk_system *sys, int pid);
void mm_destroy(struct mm *mm);
/* exec_mmap(): empties mm in place and leaves it as mm_create() does but
 * for the fault counts (the task's); see task.c for why in place. */
void mm_exec_reset(struct mm *mm);
/* exec's mapping calls (binfmt_elf.c), each taking mm->mmap_lock itself:
 * vm_mmap() of an open file (NULL: anonymous) at a byte offset, as
 * mmk_mmap with the file in hand; vm_munmap(); vm_brk_flags() for a bss. */
int64_t vm_mmap(struct mmk_proc *p, struct mmk_file *file, uint64_t addr, uint64_t len, int prot,
		int flags, uint64_t off);
int vm_munmap(struct mm *mm, uint64_t start, uint64_t len);
int vm_brk_flags(struct mm *mm, uint64_t addr, uint64_t len, bool exec);
/* A special mapping (_install_special_mapping: [vvar], [vdso]) at a free
 * range, and the bytes its first pages hold. */
int install_special_mapping(struct mm *mm, uint64_t addr, uint64_t len, uint64_t vm_flags,
			    enum vma_special kind);
int special_mapping_fill(struct mmk_proc *p, uint64_t addr, const void *data, uint64_t len);
/* dup_mmap for fork.  Caller holds the parent's mmap_lock for writing. */
int mm_dup(struct mm *dst, struct mm *src);

/* ---- invariants.c: invariants ------------------------------------------------- */
/* Checks mm (caller holds mmap_lock).  0 or -EUCLEAN with a message. */
int mm_check(struct mm *mm, char *err, size_t errlen);

/* ---- procfs.c --------------------------------------------------------------- */
/* The name column of maps/smaps for vma ("" if none). */
void vma_name(struct mm *mm, struct vma *vma, char *buf, size_t len);
void vma_render_maps_line(struct textbuf *tb, struct mm *mm, struct vma *vma);
/* The gate page's line (x86-64's [vsyscall]), shown after the last VMA. */
void gate_render_maps_line(struct textbuf *tb);

/* ---- procfs_pages.c (page layer): smaps, status, pagemap ---------------------- */
void vma_render_smaps(struct textbuf *tb, struct mm *mm, struct vma *vma);
void mm_render_status(struct textbuf *tb, struct mmk_proc *p);

#endif
