/* slab.h - fixed-size object allocator (see slab.c). */
#ifndef MMK_SLAB_H
#define MMK_SLAB_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "lock.h"
struct failinj;

struct slab_chunk {
	struct slab_chunk *next;
};

struct slab {
	struct mmk_mutex lock; /* protects everything below */
	size_t objsize;	       /* immutable */
	void *free;	       /* free objects, linked through their first word */
	struct slab_chunk *chunks;
	uint64_t inuse;	     /* objects handed out (leak check) */
	struct failinj *inj; /* set before use, then immutable: the system's
				countdown (failinj.h), or NULL */
};

/*
 * A magazine: a few free objects of one slab kept by one user, who serialises
 * every call on it (as Linux's per-CPU array caches sit in front of a
 * kmem_cache, taken without the cache's lock).  Objects in it still count as
 * in use by the slab until slab_magazine_drain() gives them back.
 */
#define SLAB_MAGAZINE_SIZE 8
struct slab_magazine {
	void *objs[SLAB_MAGAZINE_SIZE];
	unsigned n;
};

void slab_init(struct slab *s, size_t objsize);
/* A zeroed object, or NULL when the host is out of memory or the
 * system's countdown (failinj.h) says so; likewise through a magazine. */
void *slab_alloc(struct slab *s);
void slab_free(struct slab *s, void *p);
/* slab_alloc() / slab_free() through the magazine m: no lock while it has
 * an object (or room for one). */
void *slab_magazine_alloc(struct slab_magazine *m, struct slab *s);
void slab_magazine_free(struct slab_magazine *m, struct slab *s, void *p);
/* Gives every object in m back to s. */
void slab_magazine_drain(struct slab_magazine *m, struct slab *s);
/* Frees every chunk; objects still handed out become invalid. */
void slab_destroy(struct slab *s);

#endif
