#include "config.h"

#include "base/prng.h"

#include <stdatomic.h>

#define TLS_IE __attribute__((tls_model("initial-exec")))

struct prng_state {
	uint64_t s[4];
	uint32_t epoch;         /* g_epoch when s was seeded; 0: never */
	unsigned index;
};

static _Atomic uint64_t g_seed;
static _Atomic uint64_t g_lineage;      /* 0 in the first process */
static _Atomic uint32_t g_epoch = 1;    /* bumped by every reseed and fork */
static atomic_uint g_next_index;
static atomic_uint g_nr_forks;          /* forks made by this process */

static __thread struct prng_state tls_prng TLS_IE;
/* set by prepare in the forking thread, which is the child's only thread */
static __thread unsigned tls_fork_no TLS_IE;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static void prng_reseed(struct prng_state *st, uint32_t epoch)
{
	uint64_t x = atomic_load_explicit(&g_lineage, memory_order_relaxed);
	uint64_t mix = splitmix64(&x);

	st->index = atomic_fetch_add(&g_next_index, 1);
	x = atomic_load_explicit(&g_seed, memory_order_relaxed) ^ mix;
	x ^= 0xd1b54a32d192ed03ull * (uint64_t)(st->index + 1);
	for (int i = 0; i < 4; i++)
		st->s[i] = splitmix64(&x);
	st->epoch = epoch;
}

static struct prng_state *prng_this_thread(void)
{
	struct prng_state *st = &tls_prng;
	uint32_t epoch = atomic_load_explicit(&g_epoch, memory_order_acquire);

	if (st->epoch != epoch)
		prng_reseed(st, epoch);
	return st;
}

void prng_seed(uint64_t seed)
{
	atomic_store(&g_seed, seed);
	atomic_store(&g_next_index, 0);
	atomic_store(&g_nr_forks, 0);
	atomic_fetch_add_explicit(&g_epoch, 1, memory_order_release);
}

uint64_t prng_get_seed(void)
{
	return atomic_load(&g_seed);
}

/* xoshiro256** (Blackman and Vigna) */
uint64_t prng_next(void)
{
	struct prng_state *st = prng_this_thread();
	uint64_t *s = st->s;
	uint64_t r = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

/* Lemire's nearly-divisionless bounded draw: no modulo bias. */
uint32_t prng_below(uint32_t n)
{
	uint64_t m = (prng_next() >> 32) * (uint64_t)n;
	uint32_t lo = (uint32_t)m;

	if (lo < n) {
		uint32_t threshold = -n % n;
		while (lo < threshold) {
			m = (prng_next() >> 32) * (uint64_t)n;
			lo = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

unsigned prng_thread_index(void)
{
	return prng_this_thread()->index;
}

void prng_fork_prepare(void)
{
	tls_fork_no = atomic_fetch_add(&g_nr_forks, 1) + 1;
}

void prng_fork_child(void)
{
	uint64_t x = atomic_load(&g_lineage) ^ ((uint64_t)tls_fork_no << 32);

	atomic_store(&g_lineage, splitmix64(&x));
	atomic_store(&g_nr_forks, 0);
	atomic_store(&g_next_index, 0);
	atomic_fetch_add_explicit(&g_epoch, 1, memory_order_release);
}
