/*
 * slab.c - a fixed-size object allocator for kernel objects that live in
 * large numbers (VMAs): objects are carved from 2 MiB chunks of host memory
 * advised for transparent huge pages, so that walking a tree of a million
 * VMAs costs cache misses but few TLB misses.  One allocator per system
 * (no global state); freed objects go on a free list and are reused.
 *
 * Invariants (under slab->lock): every object is either handed out or on
 * the free list; chunks are only returned to the host when the slab is
 * destroyed.
 *
 * In front of the slab, a user may keep a magazine (slab.h) of a few freed
 * objects that it reuses without taking slab->lock: each address space keeps
 * one for its VMAs, under its mmap_lock, so that splitting and merging VMAs
 * (mprotect, munmap + mmap) do not take a system-wide lock per object.  To
 * the slab, an object in a magazine is still handed out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "failinj.h"
#include "slab.h"

#define SLAB_CHUNK (2ULL << 20)

void slab_init(struct slab *s, size_t objsize)
{
	memset(s, 0, sizeof(*s));
	mmk_mutex_init(&s->lock, LOCK_SLAB);
	s->objsize = (objsize + 15) & ~(size_t)15;
}

/* Gets a new 2 MiB-aligned chunk and threads its objects onto the free list. */
static int slab_grow(struct slab *s)
{
	void *raw = mmap(NULL, 2 * SLAB_CHUNK, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		return -ENOMEM;
	/* Keep the aligned 2 MiB in the middle, give the rest back. */
	uintptr_t a = ((uintptr_t)raw + SLAB_CHUNK - 1) & ~(uintptr_t)(SLAB_CHUNK - 1);
	if (a > (uintptr_t)raw)
		munmap(raw, a - (uintptr_t)raw);
	uintptr_t end = (uintptr_t)raw + 2 * SLAB_CHUNK;
	if (end > a + SLAB_CHUNK)
		munmap((void *)(a + SLAB_CHUNK), end - (a + SLAB_CHUNK));
	madvise((void *)a, SLAB_CHUNK, MADV_HUGEPAGE);
	struct slab_chunk *c = (struct slab_chunk *)a;
	c->next = s->chunks;
	s->chunks = c;
	size_t first = (sizeof(*c) + s->objsize - 1) / s->objsize * s->objsize;
	for (size_t off = SLAB_CHUNK - s->objsize; off >= first; off -= s->objsize) {
		void **obj = (void **)(a + off);
		*obj = s->free;
		s->free = obj;
		if (off < s->objsize)
			break;
	}
	return 0;
}

/* Takes an object off the free list (growing it when empty), or NULL. */
static void *slab_take(struct slab *s)
{
	mmk_mutex_lock(&s->lock);
	if (!s->free && slab_grow(s)) {
		mmk_mutex_unlock(&s->lock);
		return NULL;
	}
	void **obj = s->free;
	s->free = *obj;
	s->inuse++;
	mmk_mutex_unlock(&s->lock);
	memset(obj, 0, s->objsize);
	return obj;
}

void *slab_alloc(struct slab *s)
{
	return failinj_should_fail(s->inj) ? NULL : slab_take(s);
}

void slab_free(struct slab *s, void *p)
{
	if (!p)
		return;
	mmk_mutex_lock(&s->lock);
	*(void **)p = s->free;
	s->free = p;
	s->inuse--;
	mmk_mutex_unlock(&s->lock);
}

void *slab_magazine_alloc(struct slab_magazine *m, struct slab *s)
{
	if (failinj_should_fail(s->inj))
		return NULL;
	if (!m->n)
		return slab_take(s);
	void *obj = m->objs[--m->n];
	memset(obj, 0, s->objsize);
	return obj;
}

void slab_magazine_free(struct slab_magazine *m, struct slab *s, void *p)
{
	if (!p)
		return;
	if (m->n == SLAB_MAGAZINE_SIZE) {
		slab_free(s, p);
		return;
	}
	m->objs[m->n++] = p;
}

void slab_magazine_drain(struct slab_magazine *m, struct slab *s)
{
	while (m->n)
		slab_free(s, m->objs[--m->n]);
}

void slab_destroy(struct slab *s)
{
	while (s->chunks) {
		struct slab_chunk *c = s->chunks;
		s->chunks = c->next;
		munmap(c, SLAB_CHUNK);
	}
	mmk_mutex_destroy(&s->lock);
}
