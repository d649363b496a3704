/*
 * vma.c - VMA objects and the operations every address-space call is built
 * from: link/unlink (tree + i_mmap + accounting), split, and merge, with
 * Linux's rules (mm/vma.c); the address-space limits a VMA's growth
 * checks, and stack growth (expand_downwards, also mm/vma.c in Linux).
 *
 * Merge rules, as Linux 6.x decides them (is_mergeable_vma,
 * is_mergeable_anon_vma, can_vma_merge_before/after):
 *  - the flags are equal ignoring VM_SOFTDIRTY and the sticky VM_STICKY
 *    (which the merged VMA keeps if any part had it), the same open file
 *    description (struct file pointer: dup'd fds share one, two opens never
 *    do), the same anon name, no VM_SPECIAL flag;
 *  - file offsets are contiguous (private anonymous VMAs use addr >> 12);
 *  - anon_vma: if only the source has one, the source must not be a fork
 *    child (chained to more than one anon_vma); if only the target has one,
 *    the target must not be a fork child; if both have one, it is the same.
 * Merges are tried by mmap, brk, mprotect, mremap, mlock and madvise, never by
 * munmap or msync.
 *
 * Accounting: mm->total_vm/data_vm/exec_vm/stack_vm/locked_vm, and
 * mm->commit_vm with its share of Committed_AS (the VM_ACCOUNT pages,
 * commit.c), always equal the sums over the non-reserved VMAs
 * (vm_stat_account, vm_acct_memory); every change of a
 * VMA's bounds or flags goes through vma_account(-1) ... vma_account(+1),
 * except a split, after which the two parts hold the pages and flags the
 * whole had.
 *
 * Split and merge are each one operation on the tree (vma_tree_split,
 * vma_tree_merge, vma_tree_move_boundary), done under the rmap locks together
 * with i_mmap, so no range is ever briefly uncovered (docs/PERFORMANCE.md).
 *
 * Caller holds mm->mmap_lock for writing for everything that changes a VMA.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "commit.h"
#include "internal.h"
#include "vma.h"

/* A zeroed VMA of mm, from mm's magazine when it has one (no slab lock). */
struct vma *vma_alloc(struct mm *mm)
{
	struct vma *v = slab_magazine_alloc(&mm->vma_magazine, &mm->sys->vma_slab);
	if (v)
		v->mm = mm;
	return v;
}

/* Gives back a VMA that holds nothing (no file, name or anon_vma chain). */
static void vma_free_object(struct vma *v)
{
	slab_magazine_free(&v->mm->vma_magazine, &v->mm->sys->vma_slab, v);
}

void vma_free(struct vma *v)
{
	if (v->anon_vma_chain) /* else no anon_vma either (anon.c) */
		unlink_anon_vmas(v);
	if (v->file)
		file_put(v->file);
	free(v->anon_name);
	vma_free_object(v);
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
	if (v->flags & VM_ACCOUNT) {
		/* the charge lives as long as the VM_ACCOUNT pages (commit.c) */
		v->mm->commit_vm += (uint64_t)n;
		vm_acct_memory(v->mm->sys, n);
	}
}

/* ---- i_mmap: the file's list of VMAs ------------------------------------------------ */

/* Puts v on its file's i_mmap list.  Caller holds v->file->inode->lock. */
static void i_mmap_link_locked(struct vma *v)
{
	lock_assert_held(&v->file->inode->lock);
	struct mmk_inode *in = v->file->inode;
	v->i_mmap_prev = NULL;
	v->i_mmap_next = in->i_mmap;
	if (in->i_mmap)
		in->i_mmap->i_mmap_prev = v;
	in->i_mmap = v;
	if (v->flags & VM_SHARED)
		in->i_mmap_writable++;
}

/* Takes v off its file's i_mmap list.  Caller holds v->file->inode->lock. */
static void i_mmap_unlink_locked(struct vma *v)
{
	lock_assert_held(&v->file->inode->lock);
	struct mmk_inode *in = v->file->inode;
	if (v->i_mmap_prev)
		v->i_mmap_prev->i_mmap_next = v->i_mmap_next;
	else
		in->i_mmap = v->i_mmap_next;
	if (v->i_mmap_next)
		v->i_mmap_next->i_mmap_prev = v->i_mmap_prev;
	v->i_mmap_next = v->i_mmap_prev = NULL;
	if (v->flags & VM_SHARED)
		in->i_mmap_writable--;
}

static void i_mmap_link(struct vma *v)
{
	if (!v->file)
		return;
	mmk_mutex_lock(&v->file->inode->lock);
	i_mmap_link_locked(v);
	mmk_mutex_unlock(&v->file->inode->lock);
}

static void i_mmap_unlink(struct vma *v)
{
	if (!v->file)
		return;
	mmk_mutex_lock(&v->file->inode->lock);
	i_mmap_unlink_locked(v);
	mmk_mutex_unlock(&v->file->inode->lock);
}

/* ---- Link, unlink, resize ----------------------------------------------------------- */

void vma_link(struct mm *mm, struct vma *v)
{
	mmap_assert_write_locked(mm);
	vma_tree_insert(&mm->vmas, &v->node);
	i_mmap_link(v);
	vma_account(v, +1);
}

/* vma_link() for a v that goes right after prev (NULL: before every VMA),
 * found without a search from the root. */
void vma_link_after(struct mm *mm, struct vma *v, struct vma *prev)
{
	mmap_assert_write_locked(mm);
	vma_tree_insert_after(&mm->vmas, prev ? &prev->node : NULL, &v->node);
	i_mmap_link(v);
	vma_account(v, +1);
}

/* Removes v from the tree and the file's list; the caller zaps and frees it. */
void vma_unlink(struct mm *mm, struct vma *v)
{
	mmap_assert_write_locked(mm);
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
		mmk_mutex_lock(&v->file->inode->lock);
	if (root)
		mmk_mutex_lock(&root->lock);
	return root;
}

static void vma_rmap_unlock(struct vma *v, struct anon_vma *root)
{
	if (root)
		mmk_mutex_unlock(&root->lock);
	if (v->file)
		mmk_mutex_unlock(&v->file->inode->lock);
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

/*
 * The two-VMA changes of a merge, each one tree operation under the rmap
 * locks of the VMA that grows (vma_prepare() .. vma_complete() in Linux's
 * commit_merge()).  A merge only joins VMAs of the same file, and
 * dup_anon_vma() has already given the one that grows the anon_vma of the
 * other, so those locks cover both.
 */

/* Stops unless the rmap locks of keep cover other's (see above). */
static void vma_assert_same_rmap(const struct vma *keep, const struct vma *other)
{
	MMK_BUG_ON(other->file != keep->file ||
		   (other->anon_vma &&
		    (!keep->anon_vma || other->anon_vma->root != keep->anon_vma->root)));
}

/*
 * keep takes over its neighbour gone: gone's range, and the hole between
 * them if any, become keep's, whose pgoff becomes pgoff.  gone leaves the
 * anon_vma chains first, so that rmap never finds its pages through both;
 * then i_mmap and the tree change together; then gone is freed.  Its pages
 * (none in a hole) now belong to keep: nothing is zapped.
 */
static void vma_absorb(struct mm *mm, struct vma *keep, struct vma *gone, uint64_t pgoff)
{
	MMK_BUG_ON(gone->file != keep->file);
	vma_account(gone, -1);
	if (gone->anon_vma_chain)
		unlink_anon_vmas(gone);
	struct anon_vma *root = vma_rmap_lock(keep);
	if (gone->file)
		i_mmap_unlink_locked(gone);
	vma_account(keep, -1);
	vma_tree_merge(&mm->vmas, &keep->node, &gone->node);
	keep->pgoff = pgoff;
	vma_account(keep, +1);
	vma_rmap_unlock(keep, root);
	vma_free(gone);
}

/*
 * Moves the boundary between the touching VMAs lo and hi to at, growing one
 * into the other; hi's pgoff becomes hi_pgoff (lo's stays).  grower is lo
 * or hi, whichever grows.
 */
static void vma_move_boundary(struct mm *mm, struct vma *lo, struct vma *hi, uint64_t at,
			      uint64_t hi_pgoff, struct vma *grower)
{
	vma_assert_same_rmap(grower, grower == lo ? hi : lo);
	struct anon_vma *root = vma_rmap_lock(grower);
	vma_account(lo, -1);
	vma_account(hi, -1);
	vma_tree_move_boundary(&mm->vmas, &lo->node, &hi->node, at);
	hi->pgoff = hi_pgoff;
	vma_account(lo, +1);
	vma_account(hi, +1);
	vma_rmap_unlock(grower, root);
}

/* Changes v's flags, keeping counters and the file's writable count right. */
void vma_set_flags(struct vma *v, uint64_t flags)
{
	if (flags == v->flags)
		return;
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
	mmap_assert_locked(mm);
	TRACE(mm->sys, .kind = MMK_EV_VMA_REMOVE, .pid = mm->pid, .start = vma_start(v),
	      .end = vma_end(v));
	/* unmap_vmas(): private pages and PTE markers go too */
	struct zap_details d = {.even_cows = true, .zap_flags = ZAP_FLAG_DROP_MARKER};
	mm_zap_range(mm, v, vma_start(v), vma_end(v), &d);
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
	n->special = v->special;
	if (v->anon_name && !(n->anon_name = mmk_strdup(v->mm->sys, v->anon_name))) {
		vma_free_object(n);
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
	mmap_assert_write_locked(mm);
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
		vma_free_object(n);
		return NULL;
	}
	/* vma_prepare() .. vma_complete(): v shrinks and n takes the rest, in
	 * the tree and on i_mmap at once.  Together they have v's pages and
	 * flags as before, so the counters stay as they are. */
	struct anon_vma *root = vma_rmap_lock(v);
	vma_tree_split(&mm->vmas, &v->node, &n->node);
	if (new_below)
		v->pgoff += delta;
	if (n->file)
		i_mmap_link_locked(n);
	vma_rmap_unlock(v, root);
	TRACE(mm->sys, .kind = MMK_EV_VMA_SPLIT, .pid = mm->pid, .start = start, .end = end,
	      .addr = addr);
	return n;
}

/* split_vma(): refuses when the map count is already at its limit. */
int vma_split(struct mm *mm, struct vma *v, uint64_t addr, bool new_below)
{
	mmap_assert_write_locked(mm);
	if (mm->vmas.count >= mm->sys->cfg.max_map_count)
		return -ENOMEM;
	if (v->special)
		return -EINVAL; /* special_mapping_split() */
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
	mmap_assert_write_locked(mm);
	struct vma *prev = g->prev, *next = g->next;
	if ((g->flags & VM_SPECIAL) || (!prev && !next))
		return NULL;
	bool left = vmg_can_merge_left(g);
	bool right = !g->just_expand && vmg_can_merge_right(g) &&
		     (!left || anon_vmas_compatible(prev, next));
	if (!left && !right)
		return NULL;
	struct vma *target = left ? prev : next;
	/* vma_expand(): the sticky flags of every VMA merged stay */
	uint64_t sticky = (g->flags & (VM_SOFTDIRTY | VM_STICKY)) |
			  ((left && right ? next->flags : 0) & VM_STICKY);
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
	if (left && right) /* prev swallows the hole and next: one tree operation */
		vma_absorb(mm, prev, next, pgoff);
	else
		vma_set_range(target, start, end, pgoff);
	vma_set_flags(target, target->flags | sticky);
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
	mmap_assert_write_locked(mm);
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
		uint64_t sticky = (prev->flags | next->flags) & VM_STICKY;
		vma_absorb(mm, prev, mid, prev->pgoff);
		vma_absorb(mm, prev, next, prev->pgoff);
		vma_set_flags(prev, g->flags | sticky);
		trace_merge(mm, prev);
		return prev;
	}
	if (left) {
		if (dup_anon_vma(prev, mid))
			goto nomem;
		uint64_t end = g->end;
		if (remove_mid)
			vma_absorb(mm, prev, mid, prev->pgoff);
		else
			vma_move_boundary(mm, prev, mid, end,
					  mid->pgoff + ((end - vma_start(mid)) >> PAGE_SHIFT),
					  prev);
		vma_set_flags(prev, g->flags | (prev->flags & VM_STICKY));
		trace_merge(mm, prev);
		return prev;
	}
	/* right */
	if (dup_anon_vma(next, mid))
		goto nomem;
	uint64_t start = g->start;
	uint64_t pgoff = next->pgoff - ((vma_start(next) - start) >> PAGE_SHIFT);
	if (remove_mid)
		vma_absorb(mm, next, mid, pgoff);
	else
		vma_move_boundary(mm, mid, next, start, pgoff, next);
	vma_set_flags(next, g->flags | (next->flags & VM_STICKY));
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
struct vma *vma_modify(struct mm *mm, struct vma *v, uint64_t start, uint64_t end, uint64_t flags,
		       const char *name, bool set_name, int *err)
{
	mmap_assert_write_locked(mm);
	struct vmg g = {
	    .prev = NULL,
	    .middle = v,
	    .next = NULL,
	    .src = NULL,
	    .start = start,
	    .end = end,
	    .pgoff = v->pgoff + ((start - vma_start(v)) >> PAGE_SHIFT),
	    .flags = flags,
	    .file = v->file,
	    .anon_vma = NULL,
	    .anon_name = set_name ? name : v->anon_name,
	    .just_expand = false,
	    .nomem = false,
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
		if (name && !(copy = mmk_strdup(mm->sys, name))) {
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

/* ---- Limits -------------------------------------------------------------------------- */

bool may_expand_vm(struct mm *mm, uint64_t flags, uint64_t npages)
{
	const struct mmk_config *c = &mm->sys->cfg;
	if (mm->total_vm + npages > c->as_rlimit >> PAGE_SHIFT)
		return false;
	if ((flags & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) == VM_WRITE &&
	    mm->data_vm + npages > c->data_rlimit >> PAGE_SHIFT)
		return false;
	return true;
}

bool mlock_future_ok(struct mm *mm, uint64_t flags, uint64_t bytes)
{
	if (!(flags & VM_LOCKED) || mm->sys->cfg.cap_ipc_lock)
		return true;
	uint64_t limit = mm->sys->cfg.memlock_rlimit;
	if (limit == UINT64_MAX)
		return true;
	return (bytes >> PAGE_SHIFT) + mm->locked_vm + mm->locked_vm_extra <= limit >> PAGE_SHIFT;
}

/* Linux's mmap_min_addr variable: max(vm.mmap_min_addr, LSM floor). */
uint64_t effective_min_addr(const struct mmk_config *c)
{
	return c->lsm_mmap_min_addr > c->mmap_min_addr ? c->lsm_mmap_min_addr : c->mmap_min_addr;
}

/*
 * expand_downwards(): grows the VM_GROWSDOWN VMA v down to addr for a fault
 * below it.  Refused (-ENOMEM) inside the stack guard gap of an accessible
 * VMA below, beyond RLIMIT_STACK, the address-space or mlock limits;
 * -EPERM below mmap_min_addr.  Caller holds mmap_lock for writing.
 */
int vma_expand_stack(struct mm *mm, struct vma *v, uint64_t addr)
{
	mmap_assert_write_locked(mm);
	if (!(v->flags & VM_GROWSDOWN) || v->reserved)
		return -EFAULT;
	addr &= PAGE_MASK;
	if (addr < effective_min_addr(&mm->sys->cfg))
		return -EPERM;
	if (addr >= vma_start(v))
		return 0;
	struct vma *prev = vma_prev(v);
	if (prev && !(prev->flags & VM_GROWSDOWN) && (prev->flags & VM_ACCESS_FLAGS) &&
	    (addr < vma_end(prev) || addr - vma_end(prev) < mm->sys->cfg.stack_guard_gap))
		return -ENOMEM;
	if (prev && addr < vma_end(prev))
		return -ENOMEM;
	if (anon_vma_prepare(v))
		return -ENOMEM;
	uint64_t size = vma_end(v) - addr, grow = (vma_start(v) - addr) >> PAGE_SHIFT;
	if (grow > v->pgoff)
		return -ENOMEM;
	/* acct_stack_growth(): the limits, then the memory to back the growth */
	if (!may_expand_vm(mm, v->flags, grow) || size > mm->sys->cfg.stack_rlimit ||
	    !mlock_future_ok(mm, v->flags, grow << PAGE_SHIFT))
		return -ENOMEM;
	if ((v->flags & VM_ACCOUNT) && vm_enough_memory(mm, grow))
		return -ENOMEM;
	vma_set_range(v, addr, vma_end(v), v->pgoff - grow);
	TRACE(mm->sys, .kind = MMK_EV_VMA_CHANGE, .pid = mm->pid, .start = addr, .end = vma_end(v),
	      .detail = "stack grew");
	return 0;
}
