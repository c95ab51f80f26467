/* Seeded multi-threaded stress test of the malloc family.
 *
 *   stress [seed [threads [ops]]]
 *
 * Each thread keeps a table of live blocks and, at random, allocates
 * (malloc, calloc, posix_memalign, aligned_alloc, memalign), reallocates,
 * frees, or hands a block to another thread through a shared exchange, so
 * that blocks are freed by threads that did not allocate them.  Every
 * block carries a pattern derived from its address and size that is
 * checked before it is reallocated or freed.  At the end everything is
 * freed and, under the shim, the invariant checker runs over the node.
 * Threads are created in waves, so that exited threads' caches are drained
 * while others still run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"

#define LIVE     512
#define EXCHANGE 256

struct block {
	unsigned char *p;
	size_t n;
};

static _Atomic(unsigned char *) exchange_p[EXCHANGE];
static size_t exchange_n[EXCHANGE];
static pthread_mutex_t exchange_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_long corrupt, misaligned, failed;

static uint64_t next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t pick_size(uint64_t *s)
{
	uint64_t r = next(s);
	switch (r % 100) {
	case 0:                         /* a vm area now and then */
		return (size_t)(1 << 22) + (size_t)(r >> 40) % (8 << 20);
	case 1: case 2: case 3:         /* kmalloc_large */
		return 8193 + (size_t)(r >> 20) % (1 << 20);
	case 4: case 5:
		return 0;
	default:
		if (r % 3 == 0)
			return 1 + (size_t)(r >> 12) % 8192;
		return 1 + (size_t)(r >> 12) % 256;
	}
}

static unsigned char tag(const void *p, size_t n)
{
	uintptr_t x = (uintptr_t)p ^ (n * 0x9e3779b1u);
	return (unsigned char)(x ^ (x >> 8) ^ (x >> 16));
}

/* the first and last 64 bytes (all of a small block) */
static void fill(unsigned char *p, size_t n)
{
	unsigned char t = tag(p, n);
	size_t head = n < 64 ? n : 64;
	memset(p, t, head);
	if (n > 128)
		memset(p + n - 64, t, 64);
}

/* The pattern of a block of n bytes with tag t, checked over the first
 * `upto` bytes (a realloc keeps only that much). */
static int intact_tag(const unsigned char *p, size_t n, size_t upto,
		      unsigned char t)
{
	size_t head = n < 64 ? n : 64;
	if (head > upto)
		head = upto;
	for (size_t i = 0; i < head; i++)
		if (p[i] != t)
			return 0;
	if (n > 128 && upto >= n)
		for (size_t i = n - 64; i < n; i++)
			if (p[i] != t)
				return 0;
	return 1;
}

static int intact(const unsigned char *p, size_t n)
{
	return intact_tag(p, n, n, tag(p, n));
}

static void release(struct block *b)
{
	if (!b->p)
		return;
	if (!intact(b->p, b->n))
		corrupt++;
	free(b->p);
	b->p = NULL;
}

static unsigned char *allocate(uint64_t *s, size_t n)
{
	void *p = NULL;
	size_t align = (size_t)16 << (next(s) % 9);     /* 16 … 4096 */
	switch (next(s) % 6) {
	case 0:
		align = 1;
		p = calloc(1, n);
		if (p)
			for (size_t i = 0; i < n && i < 4096; i++)
				if (((unsigned char *)p)[i]) {
					corrupt++;
					break;
				}
		break;
	case 1:
		if (posix_memalign(&p, align, n) != 0)
			p = NULL;
		break;
	case 2:
		p = aligned_alloc(align, n);
		break;
	case 3:
		p = memalign(align, n);
		break;
	default:
		p = malloc(n);
		align = 1;
		break;
	}
	if (!p) {
		failed++;
		return NULL;
	}
	if ((uintptr_t)p % align)
		misaligned++;
	fill(p, n);
	return p;
}

static void *worker(void *arg)
{
	uint64_t s = (uint64_t)(uintptr_t)arg;
	long ops = (long)(s >> 40);
	struct block live[LIVE];

	s &= (1ull << 40) - 1;
	memset(live, 0, sizeof(live));
	for (long i = 0; i < ops; i++) {
		uint64_t r = next(&s);
		struct block *b = &live[r % LIVE];
		switch ((r >> 16) % 10) {
		case 0: case 1: case 2: case 3: /* replace */
			release(b);
			b->n = pick_size(&s);
			b->p = allocate(&s, b->n);
			break;
		case 4: case 5: {               /* realloc */
			if (!b->p)
				break;
			size_t n = pick_size(&s);
			if (!n)
				n = 1;
			unsigned char t = tag(b->p, b->n);
			if (!intact(b->p, b->n))
				corrupt++;
			unsigned char *q = realloc(b->p, n);
			if (!q) {
				failed++;
				break;
			}
			if (!intact_tag(q, b->n, n, t))
				corrupt++;
			b->p = q;
			b->n = n;
			fill(q, n);
			break;
		}
		case 6: {                       /* swap with the exchange */
			unsigned k = (unsigned)(r >> 32) % EXCHANGE;
			pthread_mutex_lock(&exchange_lock);
			unsigned char *theirs = exchange_p[k];
			size_t theirs_n = exchange_n[k];
			exchange_p[k] = b->p;
			exchange_n[k] = b->n;
			pthread_mutex_unlock(&exchange_lock);
			b->p = theirs;
			b->n = theirs_n;
			break;
		}
		default:
			release(b);
			break;
		}
	}
	for (unsigned k = 0; k < LIVE; k++)
		release(&live[k]);
	return NULL;
}

int main(int argc, char **argv)
{
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	int threads = argc > 2 ? atoi(argv[2]) : 4;
	long ops = argc > 3 ? atol(argv[3]) : 100000;
	struct gfpshim_stats before, after;

	printf("# seed %llu, %d threads per wave, %ld operations each\n",
	       (unsigned long long)seed, threads, ops);
	if (shim_loaded())
		gfpshim_get_stats(&before, sizeof(before));

	for (int wave = 0; wave < 3; wave++) {
		pthread_t tid[64];
		for (int t = 0; t < threads && t < 64; t++) {
			uint64_t s = seed * 1000003u + (uint64_t)(wave * 64 + t);
			uintptr_t arg = (uintptr_t)((s & ((1ull << 40) - 1)) |
						    ((uint64_t)ops << 40));
			if (pthread_create(&tid[t], NULL, worker, (void *)arg)) {
				printf("Bail out! pthread_create failed\n");
				return 1;
			}
		}
		for (int t = 0; t < threads && t < 64; t++)
			pthread_join(tid[t], NULL);
	}
	for (unsigned k = 0; k < EXCHANGE; k++) {
		struct block b = { exchange_p[k], exchange_n[k] };
		release(&b);
		exchange_p[k] = NULL;
	}

	CHECK(corrupt == 0, "no block lost its contents");
	CHECK(misaligned == 0, "every aligned allocation is aligned");
	CHECK(failed == 0, "no allocation failed on the default machine");
	if (shim_loaded()) {
		char msg[256] = "";
		int r = gfpshim_check(msg, sizeof(msg));
		CHECK(r == 0, "invariant checker passes after the run");
		if (r)
			printf("# %s\n", msg);
		gfpshim_get_stats(&after, sizeof(after));
		printf("# requests %llu, vm pages %lu -> %lu\n",
		       after.requests - before.requests, before.vm_pages,
		       after.vm_pages);
		CHECK(after.requests - before.requests >= (unsigned long long)ops,
		      "the requests went through the simulated heap");
		CHECK(after.vm_pages == before.vm_pages,
		      "every vm area was given back");
	}
	return done_testing();
}
