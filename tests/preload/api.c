/* API edge cases of the malloc family, one named check each (in the manner
 * of mimalloc's test-api).  Runs under the shim (tests/preload/api.sh) and
 * passes under glibc too, except for the checks that only make sense for
 * the shim. */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* Sizes the compiler cannot see, so that it does not warn about them. */
static volatile size_t huge_size = SIZE_MAX;
#define HUGE(minus) (huge_size - (minus))

/* resident set size, from /proc/self/statm */
static long rss_kb(void)
{
	long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int aligned(const void *p, size_t a)
{
	return ((uintptr_t)p & (a - 1)) == 0;
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void test_malloc(void)
{
	void *a = malloc(0), *b = malloc(0);
	CHECK(a && b, "malloc-zero returns a pointer");
	CHECK(a != b, "malloc-zero pointers are unique");
	free(a);
	free(b);

	errno = 0;
	CHECK(malloc(HUGE(0)) == NULL && errno == ENOMEM,
	      "malloc-huge fails with ENOMEM");
	errno = 0;
	CHECK(malloc(HUGE(0) / 2 + 1) == NULL && errno == ENOMEM,
	      "malloc-ptrdiff-max fails with ENOMEM");

	/* free(NULL) does nothing: not even errno moves (POSIX.1-2024) */
	errno = EINTR;
	free(NULL);
	CHECK(errno == EINTR, "free-null is harmless and keeps errno");

	int misaligned = 0;
	for (size_t n = 16; n < 20000; n += 8) {
		void *p = malloc(n);
		if (!p || !aligned(p, 16))
			misaligned++;
		free(p);
	}
	CHECK(misaligned == 0, "malloc-align16 for every size from 16 bytes");

	int small = 0;
	for (size_t n = 1; n < 16; n++) {
		void *p = malloc(n);
		size_t want = n <= 8 ? 8 : 16;
		if (!p || !aligned(p, want))
			small++;
		free(p);
	}
	CHECK(small == 0, "malloc-align-small: 8 bytes up to 8, 16 after");

	int shortfall = 0;
	for (size_t n = 0; n < 70000; n += 7) {
		unsigned char *p = malloc(n);
		if (!p || malloc_usable_size(p) < n)
			shortfall++;
		else if (n)
			memset(p, 0xa5, malloc_usable_size(p));
		free(p);
	}
	CHECK(shortfall == 0, "malloc-usable-size covers the request");
	CHECK(malloc_usable_size(NULL) == 0, "malloc-usable-size-null is 0");

	size_t big = 64u << 20;
	unsigned char *p = malloc(big);
	CHECK(p != NULL, "malloc-64MiB succeeds");
	if (p) {
		memset(p, 0x5a, big);
		CHECK(p[0] == 0x5a && p[big - 1] == 0x5a &&
		      malloc_usable_size(p) >= big, "malloc-64MiB is usable");
		free(p);
	}
}

static void test_calloc(void)
{
	errno = 0;
	CHECK(calloc(HUGE(0) / 2, 3) == NULL && errno == ENOMEM,
	      "calloc-overflow fails with ENOMEM");
	errno = 0;
	CHECK(calloc(3, HUGE(0) / 2) == NULL && errno == ENOMEM,
	      "calloc-overflow-swapped fails with ENOMEM");
	void *z = calloc(0, 0);
	CHECK(z != NULL, "calloc-zero returns a pointer");
	free(z);

	/* dirty memory first, so that the zeroing is calloc's work */
	int dirty = 0;
	for (size_t n = 8; n <= 300000; n = n * 3 + 5) {
		unsigned char *d = malloc(n);
		if (d) {
			memset(d, 0xff, n);
			free(d);
		}
		unsigned char *c = calloc(1, n);
		if (!c || !all_zero(c, n))
			dirty++;
		free(c);
	}
	CHECK(dirty == 0, "calloc-zeroed after reuse of dirty memory");

	errno = 0;
	CHECK(reallocarray(NULL, HUGE(0) / 4, 8) == NULL && errno == ENOMEM,
	      "reallocarray-overflow fails with ENOMEM");
	int *arr = reallocarray(NULL, 10, sizeof(int));
	CHECK(arr != NULL, "reallocarray allocates");
	free(arr);
}

static void test_posix_memalign(void)
{
	static const size_t bad[] = { 0, 1, 2, 3, 4, 12, 24, 48, 100,
				      4097, SIZE_MAX };
	int wrong = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		void *out = (void *)0x1234;
		int r = posix_memalign(&out, bad[i], 10);
		if (r != EINVAL || out != (void *)0x1234)
			wrong++;
	}
	CHECK(wrong == 0,
	      "posix_memalign-bad-alignment gives EINVAL, out untouched");

	int misaligned = 0;
	for (size_t a = sizeof(void *); a <= (1u << 22); a <<= 1) {
		static const size_t sizes[] = { 1, 8, 100, 4096, 70000 };
		for (size_t s = 0; s < 5; s++) {
			void *out = NULL;
			if (posix_memalign(&out, a, sizes[s]) != 0 ||
			    !aligned(out, a) ||
			    malloc_usable_size(out) < sizes[s])
				misaligned++;
			else
				memset(out, 1, sizes[s]);
			free(out);
		}
	}
	CHECK(misaligned == 0, "posix_memalign-aligned up to 4 MiB");

	void *out = (void *)0x1234;
	int saved = errno = 1234;
	int r = posix_memalign(&out, 64, HUGE(100));
	CHECK(r == ENOMEM && out == (void *)0x1234,
	      "posix_memalign-huge returns ENOMEM, out untouched");
	CHECK(errno == saved || errno == ENOMEM,
	      "posix_memalign-huge reports through its return value");
}

static void test_memalign_family(void)
{
	void *p = memalign(64, 100);
	CHECK(p && aligned(p, 64), "memalign-64");
	free(p);
	p = memalign(24, 100); /* not a power of two: rounded up */
	CHECK(p && aligned(p, 32), "memalign-non-power-of-two rounds up");
	free(p);
	p = memalign(1, 5);
	CHECK(p != NULL, "memalign-1 is malloc");
	free(p);

	p = aligned_alloc(256, 512);
	CHECK(p && aligned(p, 256), "aligned_alloc-256");
	free(p);
	errno = 0;
	p = aligned_alloc(3, 9);
	CHECK((p == NULL && errno == EINVAL) || (p && aligned(p, 4)),
	      "aligned_alloc-non-power-of-two: EINVAL or rounded up");
	free(p);

	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	p = valloc(10);
	CHECK(p && aligned(p, ps), "valloc-page-aligned");
	free(p);
	p = pvalloc(1);
	CHECK(p && aligned(p, ps) && malloc_usable_size(p) >= ps,
	      "pvalloc-rounds-to-a-page");
	free(p);
	errno = 0;
	CHECK(memalign(64, HUGE(10)) == NULL && errno == ENOMEM,
	      "memalign-huge fails with ENOMEM");
}

static void test_realloc(void)
{
	char *p = realloc(NULL, 10);
	CHECK(p != NULL, "realloc-null is malloc");
	strcpy(p, "123456789");

	char *q = realloc(p, 20000);
	CHECK(q && strcmp(q, "123456789") == 0, "realloc-grow keeps content");
	p = q;
	memset(p + 10, 'x', 19990);
	q = realloc(p, 5);
	CHECK(q && memcmp(q, "12345", 5) == 0, "realloc-shrink keeps prefix");
	p = q;

	size_t u = malloc_usable_size(p);
	q = realloc(p, u);
	CHECK(q == p, "realloc-within-usable-size stays in place");
	p = q;

	errno = 0;
	q = realloc(p, HUGE(100));
	CHECK(q == NULL && errno == ENOMEM && memcmp(p, "12345", 5) == 0,
	      "realloc-huge fails, old block intact");

	char *big = malloc(100);
	for (int i = 0; i < 100; i++)
		big[i] = (char)i;
	int bad = 0;
	size_t n = 100;
	for (; n < (96u << 20); n = n * 2 + 1000) {
		big = realloc(big, n);
		if (!big || big[99] != 99) {
			bad++;
			break;
		}
		if (n > 100)
			big[n - 1] = 1;
	}
	CHECK(bad == 0, "realloc-grow-to-96MiB keeps content");
	for (; big && n > 50; n /= 3) {
		big = realloc(big, n);
		if (!big || big[49] != 49) {
			bad++;
			break;
		}
	}
	CHECK(bad == 0, "realloc-shrink-from-96MiB keeps content");
	free(big);

	/* glibc: realloc(p, 0) frees p and returns NULL */
	q = realloc(q ? q : p, 0);
	CHECK(q == NULL, "realloc-zero frees and returns NULL");
}

static void test_mallopt(void)
{
	CHECK(mallopt(M_TRIM_THRESHOLD, 128 * 1024) == 1,
	      "mallopt accepts M_TRIM_THRESHOLD");
	CHECK(mallopt(M_ARENA_MAX, 1) == 1, "mallopt accepts M_ARENA_MAX");
	int t = malloc_trim(0);
	CHECK(t == 0 || t == 1, "malloc_trim answers 0 or 1");
	void *volatile keep = malloc(100000);
	struct mallinfo2 mi = mallinfo2();
	CHECK(mi.uordblks + mi.hblkhd >= 100000,
	      "mallinfo2 counts bytes in use");
	free(keep);
}

static void test_shim_only(void)
{
	if (!shim_loaded()) {
		printf("# shim not loaded: shim-only checks skipped\n");
		return;
	}
	void *p = malloc(100);
	int on_stack;
	CHECK(gfpshim_owns(p), "owns-malloc");
	CHECK(!gfpshim_owns(&on_stack), "owns-not-the-stack");
	free(p);

	static char not_ours[64];
	void *volatile foreign = not_ours + 16;
	free(foreign); /* ignored: not from the simulated heap */
	CHECK(malloc_usable_size(foreign) == 0,
	      "free-foreign-pointer is ignored");

	struct gfpshim_stats st;
	int sr = gfpshim_get_stats(&st, sizeof st);
	CHECK(sr == 0 && st.page_size >= 4096 &&
	      st.managed_pages > st.free_pages / 2 && st.requests > 1000,
	      "stats describe the simulated node");

	errno = 0;
	void *huge = malloc((size_t)1 << 40); /* larger than the machine */
	CHECK(huge == NULL && errno == ENOMEM,
	      "malloc-beyond-simulated-ram fails with ENOMEM");
	struct gfpshim_stats st2;
	gfpshim_get_stats(&st2, sizeof st2);
	CHECK(st2.failures > st.failures, "failures are counted");

	/* freed memory goes back to the OS: 256 MiB in 64 KiB blocks */
	enum { NBLK = 4096, BLK = 64 << 10 };
	static char *blk[NBLK];
	long rss0 = rss_kb();
	for (int i = 0; i < NBLK; i++) {
		blk[i] = malloc(BLK);
		if (blk[i])
			memset(blk[i], 1, BLK);
	}
	long rss1 = rss_kb();
	for (int i = 0; i < NBLK; i++)
		free(blk[i]);
	long rss2 = rss_kb();
	printf("# RSS %ld kB, %ld kB after 256 MiB, %ld kB after freeing it\n",
	       rss0, rss1, rss2);
	CHECK(rss1 - rss0 > 200 * 1024, "rss-grows-when-memory-is-touched");
	CHECK(rss1 - rss2 > 128 * 1024, "rss-falls-when-memory-is-freed");
	malloc_trim(0);
	long rss3 = rss_kb();
	printf("# RSS %ld kB after malloc_trim\n", rss3);
	CHECK(rss3 - rss0 < 32 * 1024, "malloc_trim gives back the rest");

	char msg[256] = "";
	int r = gfpshim_check(msg, sizeof msg);
	CHECK(r == 0, "invariant checker passes");
	if (r)
		printf("# %s\n", msg);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--shim") == 0)
		CHECK(shim_loaded(), "the shim is loaded");
	test_malloc();
	test_calloc();
	test_posix_memalign();
	test_memalign_family();
	test_realloc();
	test_mallopt();
	test_shim_only();
	return done_testing();
}
