/* slab.h - fixed-size object allocator (see slab.c). */
#ifndef MMK_SLAB_H
#define MMK_SLAB_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct slab_chunk {
	struct slab_chunk *next;
};

struct slab {
	pthread_mutex_t lock; /* protects everything below */
	size_t objsize;       /* immutable */
	void *free;           /* free objects, linked through their first word */
	struct slab_chunk *chunks;
	uint64_t inuse;       /* objects handed out (leak check) */
};

void slab_init(struct slab *s, size_t objsize);
/* A zeroed object, or NULL when the host is out of memory. */
void *slab_alloc(struct slab *s);
void slab_free(struct slab *s, void *p);
/* Frees every chunk; objects still handed out become invalid. */
void slab_destroy(struct slab *s);

#endif
