/* seed003: `oncealloc2` on a 2 GiB arm64 board (64K pages, 512 MiB CMA,
 * Linux 5.4): each round takes 128 MiB more, as malloc() + memset() of a
 * fresh block does — glibc serves a block that size with an anonymous
 * mmap (above M_MMAP_THRESHOLD), and memset faults its pages in, order 0
 * at a time, with GFP_HIGHUSER_MOVABLE.  Under the shim malloc() is
 * kmalloc(), so the port makes the anonymous mapping itself; the shim
 * charges its frames when the mapping is made (the kernel at first
 * touch), so the bytes are not touched here.  A mapping is made of 1 MiB
 * pieces, so that the failing one stops within 16 pages of where the
 * kernel's page faults stopped.
 *
 *   oncealloc [ROUNDS]   up to ROUNDS × 128 MiB (default 64)
 *
 * Exit status: 0 when every round got its memory, 1 when one failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <gfpshim/gfpshim.h>

#define ROUND (128UL << 20)
#define PIECE (1UL << 20)

static __attribute__((noinline)) int do_page_fault(char *addr)
{
	void *p = mmap(addr, PIECE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	return p == MAP_FAILED ? -1 : 0;
}

/* malloc(128M) + memset(): reserve the range, then fault it in. */
static __attribute__((noinline)) void *malloc_and_touch(void)
{
	char *p = mmap(NULL, ROUND, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		       MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	for (unsigned long off = 0; off < ROUND; off += PIECE) {
		if (do_page_fault(p + off) < 0) {
			munmap(p, ROUND);
			return NULL;
		}
	}
	return p;
}

int main(int argc, char **argv)
{
	unsigned long rounds = 64;
	if (argc == 2) {
		char *end;
		rounds = strtoul(argv[1], &end, 10);
		if (*end || !rounds) {
			fprintf(stderr, "usage: %s [ROUNDS]\n", argv[0]);
			return 2;
		}
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [ROUNDS]\n", argv[0]);
		return 2;
	}
	static char outbuf[BUFSIZ];
	setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));
	for (unsigned long i = 0; i < rounds; i++) {
		struct gfpshim_stats st;
		gfpshim_get_stats(&st, sizeof(st));
		printf("round %lu: MemFree %lu MiB, CmaFree %lu MiB\n", i + 1,
		       (st.free_pages * st.page_size) >> 20,
		       (st.free_cma_pages * st.page_size) >> 20);
		if (!malloc_and_touch()) {
			printf("round %lu: out of memory after %lu MiB\n", i + 1,
			       i * (ROUND >> 20));
			return 1;
		}
	}
	printf("%lu rounds: %lu MiB taken\n", rounds, rounds * (ROUND >> 20));
	return 0;
}
