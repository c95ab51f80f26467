/* What the harnesses share.  Each fuzz_*.c defines LLVMFuzzerTestOneInput();
 * libFuzzer calls it in `make fuzz` (clang), replay_main.c feeds it the
 * kept inputs in `make check` (any compiler).  A property that fails
 * aborts, which both count as a crash.
 */
#ifndef GFPSHIM_FUZZ_H
#define GFPSHIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond, ...) do {                                     \
	if (!(cond)) {                                                  \
		fprintf(stderr, "fuzz: %s:%d: ", __FILE__, __LINE__);   \
		fprintf(stderr, __VA_ARGS__);                           \
		fputc('\n', stderr);                                    \
		abort();                                                \
	}                                                               \
} while (0)

/* The input as a C string in buf: cut at cap - 1 bytes and at the first
 * NUL, as the text readers see a value from the environment or argv. */
static inline char *fuzz_text(const uint8_t *data, size_t size, char *buf,
			      size_t cap)
{
	size_t n = size < cap - 1 ? size : cap - 1;

	memcpy(buf, data, n);
	buf[n] = '\0';
	return buf;
}

#endif
