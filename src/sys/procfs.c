/*
 * procfs.c - /proc/PID/maps, byte for byte as Linux's fs/proc/task_mmu.c
 * prints it (show_vma_header_prefix, get_vma_name, show_map_vma):
 *
 *   start-end perms offset MAJ:MIN inode<pad to column 73>name
 *   %08lx-%08lx, perms "rwxp" with 's' for VM_MAYSHARE, offset %08llx
 *   (0 for anonymous memory), device %02x:%02x, inode decimal; with no name
 *   the line ends in "inode " (a trailing space, as on Linux).
 *
 * Names: a file's absolute path (+ " (deleted)" once unlinked; shared
 * anonymous memory is "/dev/zero (deleted)"), "[anon_shmem:NAME]" for named
 * shared anonymous memory, "[heap]" for anonymous VMAs overlapping
 * [start_brk, brk), "[stack]" for the VMA holding the initial stack pointer
 * exec left (vma_is_initial_stack), "[anon:NAME]" for named private
 * anonymous memory; a special mapping (exec's [vvar], [vvar_vclock],
 * [vdso]) by its own name.  After every VMA, a process that exec'd a
 * program on x86-64 shows the [vsyscall] gate page, as Linux shows its
 * gate_vma (not a VMA: no counter includes it; smaps shows it too,
 * procfs_pages.c).
 * Reserved VMAs (mmk_reserve) are not shown.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "internal.h"
#include "vma.h"

#define MAPS_NAME_COLUMN 72 /* 25 + sizeof(void *) * 6 - 1 */

/* seq_path() escapes '\n' in a path as \012. */
static void put_escaped_path(struct textbuf *tb, const char *path)
{
	for (const char *c = path; *c; c++) {
		if (*c == '\n')
			tb_printf(tb, "\\012");
		else
			tb_printf(tb, "%c", *c);
	}
}

/* Whether an anonymous VMA is the initial heap (vma_is_initial_heap): it
 * overlaps [start_brk, brk), so a VMA that only touches it (starting at
 * brk, or at start_brk while the heap is empty) is not; a bss ending where
 * an empty heap starts is not named. */
static bool vma_is_heap(struct mm *mm, struct vma *v)
{
	return vma_start(v) < mm->brk && vma_end(v) > mm->start_brk;
}

/* Whether an anonymous VMA holds exec's initial stack pointer
 * (vma_is_initial_stack). */
static bool vma_is_stack(struct mm *mm, struct vma *v)
{
	return vma_start(v) <= mm->start_stack && vma_end(v) >= mm->start_stack;
}

/* Whether maps names files as a process chrooted into the root sees them,
 * with numbers of the system's own (cfg.fs_model or cfg.chroot_names), so
 * a run shows the same names and numbers wherever its directory is. */
static bool names_from_root(const struct mmk_system *sys)
{
	return sys->cfg.fs_model != MMK_FS_HOST || sys->cfg.chroot_names;
}

/* The path maps shows for a file: under names_from_root the root is "/",
 * as d_path() shows it to a process chrooted into the root; else the host
 * path. */
static const char *shown_path(struct mmk_inode *in)
{
	const char *root = in->sys->rootpath;
	size_t n = strlen(root);
	if (!names_from_root(in->sys) || in->kind != INODE_FILE || n <= 1 ||
	    strncmp(in->path, root, n) || (in->path[n] && in->path[n] != '/'))
		return in->path;
	return in->path[n] ? in->path + n : "/";
}

void vma_name(struct mm *mm, struct vma *v, char *buf, size_t len)
{
	buf[0] = 0;
	if (v->special) {
		snprintf(buf, len, "%s", vma_special_name(v->special));
		return;
	}
	if (v->file) {
		struct mmk_inode *in = v->file->inode;
		if (v->anon_name && in->kind == INODE_SHMEM) {
			snprintf(buf, len, "[anon_shmem:%s]", v->anon_name);
			return;
		}
		bool deleted = atomic_load(&in->unlinked);
		snprintf(buf, len, "%s%s", shown_path(in), deleted ? " (deleted)" : "");
		return;
	}
	if (vma_is_heap(mm, v))
		snprintf(buf, len, "[heap]");
	else if (vma_is_stack(mm, v))
		snprintf(buf, len, "[stack]");
	else if (v->anon_name)
		snprintf(buf, len, "[anon:%s]", v->anon_name);
}

/* Pads a maps line begun at before to the name column and appends name
 * (show_vma_header_prefix's seq_pad). */
static void maps_put_name(struct textbuf *tb, size_t before, const char *name)
{
	for (size_t i = tb->len - before; i < MAPS_NAME_COLUMN; i++)
		tb_printf(tb, " ");
	tb_printf(tb, " ");
	put_escaped_path(tb, name);
}

/* x86-64's gate_vma line: the vsyscall page, execute-only (vsyscall=xonly). */
void gate_render_maps_line(struct textbuf *tb)
{
	size_t before = tb->len;
	tb_printf(tb, "%08lx-%08lx --xp %08llx %02x:%02x %lu ", (unsigned long)GATE_ADDR,
		  (unsigned long)(GATE_ADDR + PAGE_SIZE), 0ULL, 0, 0, 0UL);
	maps_put_name(tb, before, "[vsyscall]");
	tb_printf(tb, "\n");
}

void vma_render_maps_line(struct textbuf *tb, struct mm *mm, struct vma *v)
{
	uint64_t pgoff = 0;
	unsigned maj = 0, min = 0;
	unsigned long ino = 0;
	if (v->file) {
		struct mmk_inode *in = v->file->inode;
		pgoff = v->pgoff << PAGE_SHIFT;
		maj = major(in->dev);
		min = minor(in->dev);
		ino = (unsigned long)in->ino;
		if (names_from_root(in->sys) && in->kind == INODE_FILE) {
			maj = min = 0; /* the system's own numbers, not the host's */
			ino = (unsigned long)in->seq;
		}
	}
	size_t before = tb->len;
	tb_printf(tb, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", (unsigned long)vma_start(v),
		  (unsigned long)vma_end(v), (v->flags & VM_READ) ? 'r' : '-',
		  (v->flags & VM_WRITE) ? 'w' : '-', (v->flags & VM_EXEC) ? 'x' : '-',
		  (v->flags & VM_MAYSHARE) ? 's' : 'p', (unsigned long long)pgoff, maj, min, ino);
	char name[4200];
	vma_name(mm, v, name, sizeof(name));
	if (name[0])
		maps_put_name(tb, before, name);
	tb_printf(tb, "\n");
}

int64_t mmk_proc_maps(mmk_proc *p, char *buf, uint64_t len)
{
	int err = proc_enter_buf(p, buf, len);
	if (err)
		return err;
	struct mm *mm = p->mm;
	struct textbuf tb = {0};
	mmap_read_lock(mm);
	for (struct vma *v = node_vma(vma_tree_first(&mm->vmas)); v; v = vma_next(v))
		if (!v->reserved)
			vma_render_maps_line(&tb, mm, v);
	if (mm->gate)
		gate_render_maps_line(&tb);
	mmap_read_unlock(mm);
	return tb_finish(&tb, buf, len);
}
