#include "config.h"

#include "base/meta.h"

#include <stdint.h>
#include <string.h>

#include "base/prim.h"

/* A big allocation: its own mapping, the header first, page-aligned. */
struct meta_big {
	struct meta_big *next, *prev;
	size_t len;                     /* bytes mapped, header included */
	size_t pad;                     /* keeps the payload 32-byte aligned */
};

static unsigned size_class(size_t size)
{
	unsigned shift = META_MIN_SHIFT;
	while (((size_t)1 << shift) < size)
		shift++;
	return shift - META_MIN_SHIFT;
}

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) & ~(to - 1);
}

void meta_init(struct meta *m)
{
	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
}

void meta_destroy(struct meta *m)
{
	void *c = m->chunks;
	while (c) {
		void *next = *(void **)c;
		prim_unmap(c, META_CHUNK_SIZE);
		c = next;
	}
	struct meta_big *b = m->big;
	while (b) {
		struct meta_big *next = b->next;
		prim_unmap(b, b->len);
		b = next;
	}
	pthread_mutex_destroy(&m->lock);
	memset(m, 0, sizeof(*m));
}

/* Carve from the newest chunk; map a new one when it is used up (the
 * old chunk's tail, less than one object, stays unused). */
static void *carve(struct meta *m, size_t csize)
{
	char *p = m->cur ?
		(char *)round_up((uintptr_t)m->cur, csize < 64 ? csize : 64) :
		NULL;
	if (!p || p + csize > m->end) {
		char *chunk = prim_map(META_CHUNK_SIZE);
		if (!chunk)
			return NULL;
		*(void **)chunk = m->chunks;
		m->chunks = chunk;
		m->mapped += META_CHUNK_SIZE;
		m->end = chunk + META_CHUNK_SIZE;
		p = chunk + 64;         /* the first line holds the chunk link */
	}
	m->cur = p + csize;
	return p;
}

void *meta_alloc(struct meta *m, size_t size)
{
	if (size == 0)
		size = 1;
	if (size > META_MAX_SMALL) {
		size_t len = round_up(size + sizeof(struct meta_big),
				      prim_page_size());
		struct meta_big *b = prim_map(len);
		if (!b)
			return NULL;
		b->len = len;
		pthread_mutex_lock(&m->lock);
		b->next = m->big;
		b->prev = NULL;
		if (m->big)
			m->big->prev = b;
		m->big = b;
		m->mapped += len;
		m->in_use += len;
		pthread_mutex_unlock(&m->lock);
		return b + 1;
	}
	unsigned c = size_class(size);
	size_t csize = (size_t)1 << (c + META_MIN_SHIFT);
	pthread_mutex_lock(&m->lock);
	void *p = m->free[c];
	if (p) {
		m->free[c] = *(void **)p;
		memset(p, 0, csize);
	} else {
		p = carve(m, csize);   /* fresh mappings read zero */
	}
	if (p)
		m->in_use += csize;
	pthread_mutex_unlock(&m->lock);
	return p;
}

void meta_free(struct meta *m, void *p, size_t size)
{
	if (!p)
		return;
	if (size == 0)
		size = 1;
	if (size > META_MAX_SMALL) {
		struct meta_big *b = (struct meta_big *)p - 1;
		pthread_mutex_lock(&m->lock);
		if (b->prev)
			b->prev->next = b->next;
		else
			m->big = b->next;
		if (b->next)
			b->next->prev = b->prev;
		m->mapped -= b->len;
		m->in_use -= b->len;
		pthread_mutex_unlock(&m->lock);
		prim_unmap(b, b->len);
		return;
	}
	unsigned c = size_class(size);
	pthread_mutex_lock(&m->lock);
	*(void **)p = m->free[c];
	m->free[c] = p;
	m->in_use -= (size_t)1 << (c + META_MIN_SHIFT);
	pthread_mutex_unlock(&m->lock);
}

void meta_lock(struct meta *m)
{
	pthread_mutex_lock(&m->lock);
}

void meta_unlock(struct meta *m)
{
	pthread_mutex_unlock(&m->lock);
}

void meta_fork_child(struct meta *m)
{
	pthread_mutex_init(&m->lock, NULL);
}
