/* A tiny TAP harness for the programs that run under the preloaded shim.
 * They are ordinary programs: the shell test around each one sets
 * LD_PRELOAD, and the program finds the shim's API through weak symbols. */
#ifndef GFPSHIM_TESTS_HARNESS_H
#define GFPSHIM_TESTS_HARNESS_H

#include <stdio.h>
#include <stdlib.h>

#include <gfpshim/gfpshim.h>

#pragma weak gfpshim_enabled
#pragma weak gfpshim_owns
#pragma weak gfpshim_check
#pragma weak gfpshim_get_stats

static int tap_n, tap_failed;

#define CHECK(cond, name)                                                  \
	do {                                                               \
		int ok_ = !!(cond);                                        \
		tap_n++;                                                   \
		if (!ok_)                                                  \
			tap_failed++;                                      \
		printf("%sok %d - %s\n", ok_ ? "" : "not ", tap_n, name);  \
		if (!ok_)                                                  \
			printf("#   failed: %s (%s:%d)\n", #cond, __FILE__, \
			       __LINE__);                                  \
		fflush(stdout);                                            \
	} while (0)

static inline int shim_loaded(void)
{
	return gfpshim_enabled && gfpshim_enabled();
}

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
