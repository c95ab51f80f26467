/* Per-thread pseudo-random numbers for fault injection.
 *
 * Each thread draws from its own xoshiro256** stream, seeded from the run's
 * seed (GFPSHIM_SEED), the thread's index (the order in which threads first
 * draw) and the process's fork lineage, so a run repeats exactly with the
 * same seed and a forked child does not replay its parent's decisions.
 * The program's rand()/random() state is never touched.
 */
#ifndef GFPSHIM_PRNG_H
#define GFPSHIM_PRNG_H

#include <stdint.h>

/* Start every thread's stream again from `seed`; thread indices restart
 * at 0 in the order threads next draw, and forks are counted from 0. */
void prng_seed(uint64_t seed);
uint64_t prng_get_seed(void);

/* The calling thread's next value, and a uniform value in [0, n) (n > 0). */
uint64_t prng_next(void);
uint32_t prng_below(uint32_t n);

/* The calling thread's index in the current seeding (0 for the first
 * thread that drew). */
unsigned prng_thread_index(void);

/* fork(): call prepare in the parent before, child in the child after.
 * The child's streams derive from the parent's lineage and the number of
 * forks the parent made, so they are reproducible and distinct. */
void prng_fork_prepare(void);
void prng_fork_child(void);

#endif
