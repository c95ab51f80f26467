/* The cost of fault rules: the same churn as bench_alloc's "1t" (one
 * thread, 16–256 B blocks, 4096 live), but a failed malloc is counted and
 * the work goes on, so rules that do fail requests (stack=unique fails
 * each call stack once) can be timed too.
 *
 *   bench_rules [ops]    prints "SECONDS FAILURES"
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define SLOTS 4096

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static void *slot[SLOTS];
	long ops = argc > 1 ? atol(argv[1]) : 10000000;
	uint64_t s = 0x2545f4914f6cdd1dull;
	long failures = 0;
	double t0 = now();

	for (long i = 0; i < ops; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		unsigned k = (unsigned)(s % SLOTS);
		free(slot[k]);
		slot[k] = malloc(16 + (s >> 32) % 241);
		failures += slot[k] == NULL;
	}
	double t = now() - t0;
	for (unsigned k = 0; k < SLOTS; k++)
		free(slot[k]);
	printf("%.3f %ld\n", t, failures);
	return 0;
}
