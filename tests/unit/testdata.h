/* What the unit tests share: the kernels they iterate and the logs they
 * read.  Include after <cmocka.h> (with its prerequisites).
 */
#ifndef GFPSHIM_TESTS_TESTDATA_H
#define GFPSHIM_TESTS_TESTDATA_H

#include <stdio.h>
#include <stdlib.h>

#include "abi/kver.h"

/* Every supported line, plus the releases where a rule the tests check
 * changes inside a line (5.4.286 and 5.10.228: highatomic backports;
 * 6.1.100/6.1.116: the reserves split; the first and a late release of
 * 6.1, 6.6 and 6.12). */
static const kver_t test_kernels[] = {
	KVER(3, 10, KVER_SUB_LATEST), KVER(4, 4, KVER_SUB_LATEST),
	KVER(4, 9, 337), KVER(4, 14, KVER_SUB_LATEST),
	KVER(4, 19, KVER_SUB_LATEST), KVER(5, 4, 286),
	KVER(5, 4, KVER_SUB_LATEST), KVER(5, 10, 228),
	KVER(5, 10, KVER_SUB_LATEST), KVER(5, 15, 0),
	KVER(5, 15, KVER_SUB_LATEST), KVER(6, 1, 0), KVER(6, 1, 100),
	KVER(6, 1, 192), KVER(6, 1, KVER_SUB_LATEST), KVER(6, 6, 0),
	KVER(6, 6, KVER_SUB_LATEST), KVER(6, 12, 0), KVER(6, 12, 117),
	KVER(6, 12, KVER_SUB_LATEST),
};
#define NR_TEST_KERNELS (sizeof(test_kernels) / sizeof(test_kernels[0]))

/* tests/data/logs/NAME, NUL-terminated, into buf; fails the test when the
 * file cannot be read. */
static inline char *test_read_log(const char *name, char *buf, size_t cap)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/tests/data/logs/%s", top ? top : ".",
		 name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

#endif
