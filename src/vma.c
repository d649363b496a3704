/*
 * vma.c - VMA objects and the operations every address-space call is built
 * from: link/unlink (tree + i_mmap + accounting), split, and merge, with
 * Linux's rules (mm/vma.c).
 *
 * Merge rules, as Linux 6.x decides them (is_mergeable_vma,
 * is_mergeable_anon_vma, can_vma_merge_before/after):
 *  - the flags are equal ignoring VM_SOFTDIRTY, the same open file
 *    description (struct file pointer: dup'd fds share one, two opens never
 *    do), the same anon name, no VM_SPECIAL flag;
 *  - file offsets are contiguous (private anonymous VMAs use addr >> 12);
 *  - anon_vma: if only the source has one, the source must not be a fork
 *    child (chained to more than one anon_vma); if only the target has one,
 *    the target must not be a fork child; if both have one, it is the same.
 * Merges are tried by mmap, brk, mprotect, mremap, mlock and madvise, never by
 * munmap or msync.
 *
 * Accounting: mm->total_vm/data_vm/exec_vm/stack_vm/locked_vm always equal
 * the sums over the non-reserved VMAs (vm_stat_account); every change of a
 * VMA's bounds or flags goes through vma_account(-1) ... vma_account(+1).
 *
 * Caller holds mm->mmap_lock for writing for everything that changes a VMA.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vma.h"

struct vma *vma_alloc(struct mm *mm)
{
	struct vma *v = slab_alloc(&mm->sys->vma_slab);
	if (v)
		v->mm = mm;
	return v;
}

void vma_free(struct vma *v)
{
	unlink_anon_vmas(v);
	if (v->file)
		file_put(v->file);
	free(v->anon_name);
	slab_free(&v->mm->sys->vma_slab, v);
}

struct vma *find_vma(struct mm *mm, uint64_t addr)
{
	return node_vma(vma_tree_find(&mm->vmas, addr));
}

struct vma *vma_lookup(struct mm *mm, uint64_t addr)
{
	return node_vma(vma_tree_lookup(&mm->vmas, addr));
}

/* ---- Accounting (vm_stat_account) ----------------------------------------------- */

static bool is_exec_mapping(uint64_t f)
{
	return (f & (VM_EXEC | VM_WRITE | VM_GROWSDOWN)) == VM_EXEC;
}

static bool is_stack_mapping(uint64_t f)
{
	return (f & VM_GROWSDOWN) == VM_GROWSDOWN;
}

static bool is_data_mapping(uint64_t f)
{
	return (f & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) == VM_WRITE;
}

void vm_stat_account(struct mm *mm, uint64_t flags, int64_t npages)
{
	mm->total_vm += (uint64_t)npages;
	if (is_exec_mapping(flags))
		mm->exec_vm += (uint64_t)npages;
	else if (is_stack_mapping(flags))
		mm->stack_vm += (uint64_t)npages;
	else if (is_data_mapping(flags))
		mm->data_vm += (uint64_t)npages;
	/* hiwater_vm is not raised here: Linux updates it only when memory
	 * is about to be unmapped (update_hiwater_vm), and VmPeak shows
	 * max(hiwater_vm, total_vm). */
}

/* Adds (sign +1) or removes (-1) vma's pages from the mm's counters. */
void vma_account(struct vma *v, int sign)
{
	if (v->reserved)
		return;
	int64_t n = sign * (int64_t)vma_pages(v);
	vm_stat_account(v->mm, v->flags, n);
	if (v->flags & VM_LOCKED)
		v->mm->locked_vm += (uint64_t)n;
}

/* ---- i_mmap: the file's list of VMAs ------------------------------------------------ */

static void i_mmap_link(struct vma *v)
{
	if (!v->file)
		return;
	struct mmk_inode *in = v->file->inode;
	pthread_mutex_lock(&in->lock);
	v->i_mmap_prev = NULL;
	v->i_mmap_next = in->i_mmap;
	if (in->i_mmap)
		in->i_mmap->i_mmap_prev = v;
	in->i_mmap = v;
	if (v->flags & VM_SHARED)
		in->i_mmap_writable++;
	pthread_mutex_unlock(&in->lock);
}

static void i_mmap_unlink(struct vma *v)
{
	if (!v->file)
		return;
	struct mmk_inode *in = v->file->inode;
	pthread_mutex_lock(&in->lock);
	if (v->i_mmap_prev)
		v->i_mmap_prev->i_mmap_next = v->i_mmap_next;
	else
		in->i_mmap = v->i_mmap_next;
	if (v->i_mmap_next)
		v->i_mmap_next->i_mmap_prev = v->i_mmap_prev;
	v->i_mmap_next = v->i_mmap_prev = NULL;
	if (v->flags & VM_SHARED)
		in->i_mmap_writable--;
	pthread_mutex_unlock(&in->lock);
}

/* ---- Link, unlink, resize ----------------------------------------------------------- */

void vma_link(struct mm *mm, struct vma *v)
{
	vma_tree_insert(&mm->vmas, &v->node);
	i_mmap_link(v);
	vma_account(v, +1);
}

/* Removes v from the tree and the file's list; the caller zaps and frees it. */
void vma_unlink(struct mm *mm, struct vma *v)
{
	vma_account(v, -1);
	i_mmap_unlink(v);
	vma_tree_remove(&mm->vmas, &v->node);
}

/*
 * vma_prepare() / vma_complete(): truncation, writeback and reclaim read a
 * file VMA's bounds, pgoff and flags from i_mmap under inode->lock, and
 * reclaim reads an anonymous VMA's from its anon_vma chains under the root
 * anon_vma's lock (rmap.c), so both are held while they change.  Returns
 * the root locked, or NULL.
 */
static struct anon_vma *vma_rmap_lock(struct vma *v)
{
	struct anon_vma *root = v->anon_vma ? v->anon_vma->root : NULL;
	if (v->file)
		pthread_mutex_lock(&v->file->inode->lock);
	if (root)
		pthread_mutex_lock(&root->lock);
	return root;
}

static void vma_rmap_unlock(struct vma *v, struct anon_vma *root)
{
	if (root)
		pthread_mutex_unlock(&root->lock);
	if (v->file)
		pthread_mutex_unlock(&v->file->inode->lock);
}

/* Changes v's range (order preserved) and pgoff, keeping counters right. */
void vma_set_range(struct vma *v, uint64_t start, uint64_t end, uint64_t pgoff)
{
	struct anon_vma *root = vma_rmap_lock(v);
	vma_account(v, -1);
	vma_tree_set_bounds(&v->mm->vmas, &v->node, start, end);
	v->pgoff = pgoff;
	vma_account(v, +1);
	vma_rmap_unlock(v, root);
}

/* Changes v's flags, keeping counters and the file's writable count right. */
void vma_set_flags(struct vma *v, uint64_t flags)
{
	struct mmk_inode *in = v->file ? v->file->inode : NULL;
	struct anon_vma *root = vma_rmap_lock(v);
	if (in && ((v->flags ^ flags) & VM_SHARED)) {
		if (flags & VM_SHARED)
			in->i_mmap_writable++;
		else
			in->i_mmap_writable--;
	}
	vma_account(v, -1);
	v->flags = flags;
	vma_account(v, +1);
	vma_rmap_unlock(v, root);
}

/* Removes v entirely: its pages, its place, its object (caller holds mmap_lock). */
void vma_remove(struct mm *mm, struct vma *v)
{
	TRACE(mm->sys, .kind = MMK_EV_VMA_REMOVE, .pid = mm->pid, .start = vma_start(v),
	      .end = vma_end(v));
	mm_zap_range(mm, v, vma_start(v), vma_end(v));
	vma_unlink(mm, v);
	vma_free(v);
}

/* ---- Split ---------------------------------------------------------------------------- */

/* A copy of v's attributes (not its bounds or chain) for a new VMA. */
static struct vma *vma_dup_attrs(struct vma *v)
{
	struct vma *n = vma_alloc(v->mm);
	if (!n)
		return NULL;
	n->flags = v->flags;
	n->pgoff = v->pgoff;
	n->reserved = v->reserved;
	n->is_heap = v->is_heap;
	if (v->anon_name && !(n->anon_name = strdup(v->anon_name))) {
		slab_free(&v->mm->sys->vma_slab, n);
		return NULL;
	}
	n->file = v->file;
	if (n->file)
		file_get(n->file);
	return n;
}

/*
 * Splits v at addr (Linux's __split_vma).  new_below: the new VMA is the part
 * below addr and v keeps [addr, end); otherwise the new VMA is [addr, end).
 * Returns the new VMA, or NULL (-ENOMEM).  No map_count check here.
 */
struct vma *__vma_split(struct mm *mm, struct vma *v, uint64_t addr, bool new_below)
{
	MMK_BUG_ON(addr <= vma_start(v) || addr >= vma_end(v) || !PAGE_ALIGNED(addr));
	struct vma *n = vma_dup_attrs(v);
	if (!n)
		return NULL;
	uint64_t start = vma_start(v), end = vma_end(v);
	uint64_t delta = (addr - start) >> PAGE_SHIFT;
	/* n's bounds are set before anon_vma_clone makes it visible to rmap. */
	n->node.start = new_below ? start : addr;
	n->node.end = new_below ? addr : end;
	if (!new_below)
		n->pgoff = v->pgoff + delta;
	n->anon_vma = v->anon_vma;
	if (anon_vma_clone(n, v)) {
		n->anon_vma = NULL;
		if (n->file)
			file_put(n->file);
		free(n->anon_name);
		slab_free(&mm->sys->vma_slab, n);
		return NULL;
	}
	if (new_below)
		vma_set_range(v, addr, end, v->pgoff + delta);
	else
		vma_set_range(v, start, addr, v->pgoff);
	vma_link(mm, n);
	TRACE(mm->sys, .kind = MMK_EV_VMA_SPLIT, .pid = mm->pid, .start = start, .end = end,
	      .addr = addr);
	return n;
}

/* split_vma(): refuses when the map count is already at its limit. */
int vma_split(struct mm *mm, struct vma *v, uint64_t addr, bool new_below)
{
	if (mm->vmas.count >= mm->sys->cfg.max_map_count)
		return -ENOMEM;
	return __vma_split(mm, v, addr, new_below) ? 0 : -ENOMEM;
}

/* ---- Merge ------------------------------------------------------------------------------ */

/* A VMA chained to its parents' anon_vmas by fork (vma_is_fork_child). */
static bool vma_is_fork_child(const struct vma *v)
{
	return v && v->anon_vma && v->anon_vma_chain && v->anon_vma_chain->same_vma_next;
}

static bool anon_name_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* is_mergeable_vma(): everything but anon_vma and pgoff. */
static bool vmg_attrs_match(const struct vmg *g, const struct vma *v)
{
	return !((v->flags ^ g->flags) & ~VM_IGNORE_MERGE) && v->file == g->file &&
	       anon_name_eq(v->anon_name, g->anon_name) && !v->reserved;
}

/* is_mergeable_anon_vma(): tgt takes the source's (g->anon_vma, g->src). */
static bool vmg_anon_ok(const struct vmg *g, const struct vma *tgt)
{
	if (!tgt->anon_vma && g->anon_vma)
		return !vma_is_fork_child(g->src);
	if (tgt->anon_vma && !g->anon_vma)
		return !vma_is_fork_child(tgt);
	return tgt->anon_vma == g->anon_vma;
}

/* can_vma_merge_after(): g's range can be appended to prev. */
static bool vmg_can_merge_left(const struct vmg *g)
{
	const struct vma *p = g->prev;
	return p && vma_end(p) == g->start && vmg_attrs_match(g, p) && vmg_anon_ok(g, p) &&
	       p->pgoff + vma_pages(p) == g->pgoff;
}

/* can_vma_merge_before(): g's range can be prepended to next. */
static bool vmg_can_merge_right(const struct vmg *g)
{
	const struct vma *n = g->next;
	return n && g->end == vma_start(n) && vmg_attrs_match(g, n) && vmg_anon_ok(g, n) &&
	       n->pgoff == g->pgoff + ((g->end - g->start) >> PAGE_SHIFT);
}

/* Whether prev and next may become one VMA through a merge of both. */
static bool anon_vmas_compatible(const struct vma *prev, const struct vma *next)
{
	if (prev->anon_vma && next->anon_vma)
		return prev->anon_vma == next->anon_vma;
	if (prev->anon_vma)
		return !vma_is_fork_child(prev);
	if (next->anon_vma)
		return !vma_is_fork_child(next);
	return true;
}

/* dup_anon_vma(): dst takes src's anon_vma if it has none.  -ENOMEM. */
static int dup_anon_vma(struct vma *dst, struct vma *src)
{
	if (!src || !src->anon_vma || dst->anon_vma)
		return 0;
	dst->anon_vma = src->anon_vma;
	int err = anon_vma_clone(dst, src);
	if (err)
		dst->anon_vma = NULL;
	return err;
}

static void trace_merge(struct mm *mm, struct vma *v)
{
	TRACE(mm->sys, .kind = MMK_EV_VMA_MERGE, .pid = mm->pid, .start = vma_start(v),
	      .end = vma_end(v));
}

/*
 * Merges the new range g->[start, end) (no VMA there yet) into prev and/or
 * next (vma_merge_new_range).  Returns the VMA that now covers the range,
 * or NULL when no merge applies (the caller creates a VMA) or on -ENOMEM
 * (g->nomem set).
 */
struct vma *vma_merge_new_range(struct mm *mm, struct vmg *g)
{
	struct vma *prev = g->prev, *next = g->next;
	if ((g->flags & VM_SPECIAL) || (!prev && !next))
		return NULL;
	bool left = vmg_can_merge_left(g);
	bool right = !g->just_expand && vmg_can_merge_right(g) &&
		     (!left || anon_vmas_compatible(prev, next));
	if (!left && !right)
		return NULL;
	struct vma *target = left ? prev : next;
	/* The merged VMA takes any anon_vma the others have. */
	if (left && right) {
		if (dup_anon_vma(prev, next))
			goto nomem;
	}
	if (g->src && dup_anon_vma(target, g->src))
		goto nomem;
	uint64_t start = left ? vma_start(prev) : g->start;
	uint64_t end = right ? vma_end(next) : g->end;
	uint64_t pgoff = left ? prev->pgoff : g->pgoff;
	if (left && right) {
		/* prev swallows next: zap nothing, pages move with the range. */
		vma_unlink(mm, next);
		vma_free(next);
	}
	vma_set_range(target, start, end, pgoff);
	vma_set_flags(target, target->flags | (g->flags & VM_SOFTDIRTY));
	trace_merge(mm, target);
	return target;
nomem:
	g->nomem = true;
	return NULL;
}

/*
 * Merges the part g->[start, end) of an existing VMA g->middle, whose
 * attributes are being changed to g->flags / g->anon_name, with its
 * neighbours (vma_merge_existing_range).  Returns the VMA now covering the
 * range with the new attributes, or NULL (no merge, or g->nomem).
 */
struct vma *vma_merge_existing_range(struct mm *mm, struct vmg *g)
{
	struct vma *mid = g->middle;
	bool left_side = g->start == vma_start(mid);
	bool right_side = g->end == vma_end(mid);
	if ((g->flags & VM_SPECIAL) || (!left_side && !right_side))
		return NULL;
	g->prev = left_side ? vma_prev(mid) : NULL;
	g->next = right_side ? vma_next(mid) : NULL;
	g->anon_vma = mid->anon_vma;
	g->src = mid;
	bool left = left_side && vmg_can_merge_left(g);
	bool right = right_side && vmg_can_merge_right(g) &&
		     (!left || anon_vmas_compatible(g->prev, g->next));
	if (!left && !right)
		return NULL;
	struct vma *prev = g->prev, *next = g->next;
	bool remove_mid = left_side && right_side;
	if (left && right) {
		if (dup_anon_vma(prev, next->anon_vma ? next : mid))
			goto nomem;
		uint64_t end = vma_end(next);
		vma_unlink(mm, mid);
		vma_free(mid);
		vma_unlink(mm, next);
		vma_free(next);
		vma_set_range(prev, vma_start(prev), end, prev->pgoff);
		vma_set_flags(prev, g->flags);
		trace_merge(mm, prev);
		return prev;
	}
	if (left) {
		if (dup_anon_vma(prev, mid))
			goto nomem;
		uint64_t end = g->end;
		if (remove_mid) {
			vma_unlink(mm, mid);
			vma_free(mid);
		} else {
			vma_set_range(mid, end, vma_end(mid),
				      mid->pgoff + ((end - vma_start(mid)) >> PAGE_SHIFT));
		}
		vma_set_range(prev, vma_start(prev), end, prev->pgoff);
		vma_set_flags(prev, g->flags);
		trace_merge(mm, prev);
		return prev;
	}
	/* right */
	if (dup_anon_vma(next, mid))
		goto nomem;
	uint64_t start = g->start;
	uint64_t pgoff = next->pgoff - ((vma_start(next) - start) >> PAGE_SHIFT);
	if (remove_mid) {
		vma_unlink(mm, mid);
		vma_free(mid);
	} else {
		vma_set_range(mid, vma_start(mid), start, mid->pgoff);
	}
	vma_set_range(next, start, vma_end(next), pgoff);
	vma_set_flags(next, g->flags);
	trace_merge(mm, next);
	return next;
nomem:
	g->nomem = true;
	return NULL;
}

/*
 * Gives [start, end) of v the attributes flags/name: merges with a
 * neighbour when Linux would, else splits v so that exactly the range
 * carries them (vma_modify).  Returns the VMA covering the range, or NULL
 * with *err = -ENOMEM (map_count limit or allocation).
 */
struct vma *vma_modify(struct mm *mm, struct vma *v, uint64_t start, uint64_t end,
		       uint64_t flags, const char *name, bool set_name, int *err)
{
	struct vmg g = {
		.middle = v,
		.start = start,
		.end = end,
		.flags = flags,
		.file = v->file,
		.pgoff = v->pgoff + ((start - vma_start(v)) >> PAGE_SHIFT),
		.anon_name = set_name ? name : v->anon_name,
	};
	struct vma *m = vma_merge_existing_range(mm, &g);
	if (m)
		return m;
	if (g.nomem) {
		*err = -ENOMEM;
		return NULL;
	}
	if (vma_start(v) < start) {
		*err = vma_split(mm, v, start, true);
		if (*err)
			return NULL;
	}
	if (vma_end(v) > end) {
		*err = vma_split(mm, v, end, false);
		if (*err)
			return NULL;
	}
	if (set_name && !anon_name_eq(name, v->anon_name)) {
		char *copy = NULL;
		if (name && !(copy = strdup(name))) {
			*err = -ENOMEM;
			return NULL;
		}
		free(v->anon_name);
		v->anon_name = copy;
	}
	if (flags != v->flags) {
		vma_set_flags(v, flags);
		TRACE(mm->sys, .kind = MMK_EV_VMA_CHANGE, .pid = mm->pid, .start = vma_start(v),
		      .end = vma_end(v));
	}
	return v;
}
