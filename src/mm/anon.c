/*
 * anon.c - anon_vma and anon_vma_chain: the reverse map of anonymous pages,
 * mirroring Linux's mm/rmap.c.
 *
 * A VMA gets an anon_vma at its first anonymous page (anon_vma_prepare),
 * reusing a compatible neighbour's so that the two can still merge later.
 * fork gives each child VMA a chain to all of its parent's anon_vmas plus a
 * new one of its own (anon_vma_fork).  The chain's length is what the merge
 * rules look at: a VMA chained to more than one anon_vma cannot take a
 * neighbour's anon_vma.
 *
 * Invariants (under the root anon_vma's lock):
 *  - every avc is on exactly its VMA's chain and its anon_vma's list;
 *  - an anon_vma's refcount = avcs pointing at it + children whose parent or
 *    root it is (each child holds one reference on its parent and one on its
 *    root, the root itself excepted);
 *  - vma->anon_vma, when set, is on vma's chain and counted in its
 *    num_active_vmas.
 * Pages point at their anon_vma without a reference: a page is mapped only
 * through VMAs chained to it, and the page layer clears page->mapping when
 * it frees the frame.
 */
#include <errno.h>
#include <stdlib.h>

#include "alloc.h"
#include "internal.h"

static struct anon_vma *anon_vma_alloc(struct mmk_system *sys)
{
	struct anon_vma *av = mmk_zalloc(sys, sizeof(*av));
	if (!av)
		return NULL;
	av->root = av;
	mmk_mutex_init(&av->lock, LOCK_ANON_VMA);
	return av;
}

void anon_vma_get(struct anon_vma *av)
{
	atomic_fetch_add(&av->refcount, 1);
}

void anon_vma_put(struct anon_vma *av)
{
	while (av && atomic_fetch_sub(&av->refcount, 1) == 1) {
		MMK_BUG_ON(av->vmas);
		struct anon_vma *root = av->root, *parent = av->parent;
		if (parent) {
			mmk_mutex_lock(&root->lock);
			parent->num_children--;
			mmk_mutex_unlock(&root->lock);
		}
		mmk_mutex_destroy(&av->lock);
		free(av);
		if (parent && parent != root)
			anon_vma_put(parent);
		av = (root != av) ? root : NULL;
	}
}

static void root_lock(struct anon_vma *av)
{
	mmk_mutex_lock(&av->root->lock);
}

static void root_unlock(struct anon_vma *av)
{
	mmk_mutex_unlock(&av->root->lock);
}

/* Links vma to av through avc (anon_vma_chain_link).  Caller holds the root lock. */
static void avc_link_locked(struct vma *vma, struct avc *avc, struct anon_vma *av)
{
	lock_assert_held(&av->root->lock);
	avc->vma = vma;
	avc->anon_vma = av;
	avc->same_vma_next = vma->anon_vma_chain;
	vma->anon_vma_chain = avc;
	avc->same_av_prev = NULL;
	avc->same_av_next = av->vmas;
	if (av->vmas)
		av->vmas->same_av_prev = avc;
	av->vmas = avc;
	anon_vma_get(av);
}

unsigned anon_vma_chain_len(const struct vma *vma)
{
	unsigned n = 0;
	for (const struct avc *a = vma->anon_vma_chain; a; a = a->same_vma_next)
		n++;
	return n;
}

/*
 * Whether a and b (a directly below b) could share an anon_vma: Linux's
 * anon_vma_compatible(): adjacent, same file, flags equal but for access
 * and soft-dirty bits, contiguous pgoff.
 */
static bool anon_vma_compatible(const struct vma *a, const struct vma *b)
{
	return vma_end(a) == vma_start(b) && a->file == b->file &&
	       !((a->flags ^ b->flags) & ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY)) &&
	       b->pgoff == a->pgoff + ((vma_start(b) - vma_start(a)) >> PAGE_SHIFT);
}

/* reusable_anon_vma(): old's anon_vma if a/b are compatible and old's chain is singular. */
static struct anon_vma *reusable_anon_vma(const struct vma *old, const struct vma *a,
					  const struct vma *b)
{
	if (old && anon_vma_compatible(a, b) && old->anon_vma && old->anon_vma_chain &&
	    !old->anon_vma_chain->same_vma_next)
		return old->anon_vma;
	return NULL;
}

/* find_mergeable_anon_vma(): try the next VMA, then the previous one. */
static struct anon_vma *find_mergeable_anon_vma(struct vma *vma)
{
	struct vma *next = vma_next(vma), *prev = vma_prev(vma);
	struct anon_vma *av = NULL;
	if (next)
		av = reusable_anon_vma(next, vma, next);
	if (!av && prev)
		av = reusable_anon_vma(prev, prev, vma);
	return av;
}

int anon_vma_prepare(struct vma *vma)
{
	if (vma->anon_vma)
		return 0;
	struct avc *avc = mmk_zalloc(vma->mm->sys, sizeof(*avc));
	if (!avc)
		return -ENOMEM;
	struct anon_vma *av = find_mergeable_anon_vma(vma);
	bool allocated = false;
	if (!av) {
		av = anon_vma_alloc(vma->mm->sys);
		if (!av) {
			free(avc);
			return -ENOMEM;
		}
		allocated = true;
	}
	root_lock(av);
	if (!vma->anon_vma) {
		vma->anon_vma = av;
		avc_link_locked(vma, avc, av);
		av->num_active_vmas++;
		avc = NULL;
		allocated = false;
	}
	root_unlock(av);
	free(avc);
	if (allocated) {
		mmk_mutex_destroy(&av->lock);
		free(av);
	}
	return 0;
}

int anon_vma_clone(struct vma *dst, struct vma *src)
{
	/* Walk src's chain; links are pushed at the head so dst ends up in
	 * the reverse order, which nothing depends on. */
	for (struct avc *pa = src->anon_vma_chain; pa; pa = pa->same_vma_next) {
		struct avc *avc = mmk_zalloc(dst->mm->sys, sizeof(*avc));
		if (!avc) {
			unlink_anon_vmas(dst);
			return -ENOMEM;
		}
		struct anon_vma *av = pa->anon_vma;
		root_lock(av);
		avc_link_locked(dst, avc, av);
		/* Reuse an anon_vma that has no VMA and at most one child
		 * (Linux's anon_vma_clone reuse rule, for fork chains). */
		if (!dst->anon_vma && src->anon_vma && av->num_children < 2 &&
		    av->num_active_vmas == 0)
			dst->anon_vma = av;
		root_unlock(av);
	}
	if (dst->anon_vma) {
		root_lock(dst->anon_vma);
		dst->anon_vma->num_active_vmas++;
		root_unlock(dst->anon_vma);
	}
	return 0;
}

int anon_vma_fork(struct vma *vma, struct vma *pvma)
{
	if (!pvma->anon_vma)
		return 0;
	vma->anon_vma = NULL;
	vma->anon_vma_chain = NULL;
	int err = anon_vma_clone(vma, pvma);
	if (err)
		return err;
	if (vma->anon_vma)
		return 0; /* an existing anon_vma was reused */
	struct anon_vma *av = anon_vma_alloc(vma->mm->sys);
	struct avc *avc = mmk_zalloc(vma->mm->sys, sizeof(*avc));
	if (!av || !avc) {
		free(av);
		free(avc);
		unlink_anon_vmas(vma);
		return -ENOMEM;
	}
	av->root = pvma->anon_vma->root;
	av->parent = pvma->anon_vma;
	anon_vma_get(av->root);
	if (av->parent != av->root)
		anon_vma_get(av->parent);
	root_lock(av);
	av->num_active_vmas++;
	av->parent->num_children++;
	vma->anon_vma = av;
	avc_link_locked(vma, avc, av);
	root_unlock(av);
	return 0;
}

void unlink_anon_vmas(struct vma *vma)
{
	if (vma->anon_vma) {
		root_lock(vma->anon_vma);
		vma->anon_vma->num_active_vmas--;
		root_unlock(vma->anon_vma);
	}
	struct avc *avc = vma->anon_vma_chain;
	vma->anon_vma_chain = NULL;
	vma->anon_vma = NULL;
	while (avc) {
		struct avc *next = avc->same_vma_next;
		struct anon_vma *av = avc->anon_vma;
		root_lock(av);
		if (avc->same_av_prev)
			avc->same_av_prev->same_av_next = avc->same_av_next;
		else
			av->vmas = avc->same_av_next;
		if (avc->same_av_next)
			avc->same_av_next->same_av_prev = avc->same_av_prev;
		root_unlock(av);
		free(avc);
		anon_vma_put(av);
		avc = next;
	}
}
