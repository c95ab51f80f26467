/* Metadata pages: memory for the simulator's own structures.
 *
 * Nothing in lib/ or src/ calls malloc, so descriptors (slabs, caches,
 * threads, vm areas, hash tables) come from here: small requests are carved
 * from prim_map()ed chunks in power-of-two classes and recycled through a
 * free list per class; requests above META_MAX_SMALL get their own mapping.
 * Memory is returned zeroed.  One lock per pool; the pool is never on a hot
 * path.
 */
#ifndef GFPSHIM_META_H
#define GFPSHIM_META_H

#include <pthread.h>
#include <stddef.h>

#define META_MIN_SHIFT   4               /* 16-byte classes and up */
#define META_MAX_SHIFT   12              /* 4 KiB */
#define META_MAX_SMALL   ((size_t)1 << META_MAX_SHIFT)
#define META_NR_CLASSES  (META_MAX_SHIFT - META_MIN_SHIFT + 1)
#define META_CHUNK_SIZE  ((size_t)64 << 10)

struct meta_big;

struct meta {
	pthread_mutex_t lock;
	void *free[META_NR_CLASSES];    /* recycled objects per class */
	char *cur, *end;                /* bump region of the newest chunk */
	void *chunks;                   /* mapped chunks, linked by first word */
	struct meta_big *big;           /* own-mapping allocations */
	size_t mapped;                  /* bytes mapped, chunks and big */
	size_t in_use;                  /* bytes handed out (rounded) */
};

void meta_init(struct meta *m);
/* Unmap every chunk and big allocation. */
void meta_destroy(struct meta *m);

/* size bytes, zeroed, aligned to min(class size, 64); NULL when the OS
 * refuses a mapping.  meta_free takes the size that was asked for. */
void *meta_alloc(struct meta *m, size_t size);
void meta_free(struct meta *m, void *p, size_t size);

/* For fork: hold the lock across fork(); re-initialise it in the child. */
void meta_lock(struct meta *m);
void meta_unlock(struct meta *m);
void meta_fork_child(struct meta *m);

#endif
