/* Allocation benchmark: run it with and without LD_PRELOAD and compare.
 *
 *   bench_alloc 1t    [ops]   one thread, small blocks (16–256 B), a
 *                             working set of 4096 live blocks
 *   bench_alloc cross [ops]   two threads, each allocating blocks that the
 *                             other one frees (cross-thread frees)
 *   bench_alloc mixed [ops]   one thread, sizes 8 B–64 KiB, log-uniform
 *
 * Prints the elapsed seconds (monotonic clock) on one line.  The sequence
 * of sizes is fixed (seeded xorshift), so every allocator gets the same
 * work.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SLOTS 4096
#define RING  1024

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static size_t small_size(uint64_t *s)
{
	return 16 + xorshift(s) % 241;
}

/* log-uniform over [8, 65536]: as many 8–16 B requests as 32–64 KiB ones */
static size_t mixed_size(uint64_t *s)
{
	uint64_t r = xorshift(s);
	unsigned shift = 3 + (unsigned)(r % 13);       /* 2^3 … 2^15 */
	size_t base = (size_t)1 << shift;
	return base + (size_t)((r >> 8) % base);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void churn(long ops, size_t (*size)(uint64_t *), uint64_t seed)
{
	static void *slot[SLOTS];
	uint64_t s = seed;
	for (long i = 0; i < ops; i++) {
		unsigned k = (unsigned)(xorshift(&s) % SLOTS);
		free(slot[k]);
		size_t n = size(&s);
		char *p = malloc(n);
		if (!p) {
			fprintf(stderr, "bench_alloc: malloc(%zu) failed\n", n);
			exit(1);
		}
		p[0] = (char)i;
		p[n - 1] = (char)i;
		slot[k] = p;
	}
	for (unsigned k = 0; k < SLOTS; k++) {
		free(slot[k]);
		slot[k] = NULL;
	}
}

/* one-producer one-consumer ring */
struct ring {
	_Atomic unsigned long head;     /* written by the producer */
	char pad1[64];
	_Atomic unsigned long tail;     /* written by the consumer */
	char pad2[64];
	void *item[RING];
};

struct worker {
	struct ring *out, *in;
	long ops;
	uint64_t seed;
	pthread_t tid;
};

static void *cross_worker(void *arg)
{
	struct worker *w = arg;
	uint64_t s = w->seed;
	long made = 0, freed = 0;

	while (made < w->ops || freed < w->ops) {
		/* free what the other thread sent */
		unsigned long tail = atomic_load_explicit(&w->in->tail, memory_order_relaxed);
		unsigned long head = atomic_load_explicit(&w->in->head, memory_order_acquire);
		while (tail != head) {
			free(w->in->item[tail % RING]);
			tail++;
			freed++;
		}
		atomic_store_explicit(&w->in->tail, tail, memory_order_release);

		/* allocate a batch for it */
		unsigned long h = atomic_load_explicit(&w->out->head, memory_order_relaxed);
		unsigned long t = atomic_load_explicit(&w->out->tail, memory_order_acquire);
		for (int b = 0; b < 64 && made < w->ops && h - t < RING; b++) {
			size_t n = small_size(&s);
			char *p = malloc(n);
			if (!p) {
				fprintf(stderr, "bench_alloc: malloc(%zu) failed\n", n);
				exit(1);
			}
			p[0] = 1;
			w->out->item[h % RING] = p;
			h++;
			made++;
		}
		atomic_store_explicit(&w->out->head, h, memory_order_release);
	}
	return NULL;
}

static void cross(long ops)
{
	static struct ring ab, ba;
	struct worker w[2] = {
		{ &ab, &ba, ops, 0x9e3779b97f4a7c15ull, 0 },
		{ &ba, &ab, ops, 0xd1b54a32d192ed03ull, 0 },
	};
	pthread_create(&w[1].tid, NULL, cross_worker, &w[1]);
	cross_worker(&w[0]);
	pthread_join(w[1].tid, NULL);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "1t";
	long ops = argc > 2 ? atol(argv[2]) : 0;
	double t0 = now();

	if (strcmp(mode, "1t") == 0)
		churn(ops ? ops : 20000000, small_size, 0x2545f4914f6cdd1dull);
	else if (strcmp(mode, "mixed") == 0)
		churn(ops ? ops : 5000000, mixed_size, 0x2545f4914f6cdd1dull);
	else if (strcmp(mode, "cross") == 0)
		cross(ops ? ops : 10000000);
	else {
		fprintf(stderr, "bench_alloc: unknown mode \"%s\"; expected 1t, cross or mixed\n",
			mode);
		return 2;
	}
	printf("%.3f\n", now() - t0);
	return 0;
}
