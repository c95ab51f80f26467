/* CMA areas without the preload (mm/cma.h): cma_alloc()'s aligned search,
 * a busy range skipped, exhaustion, release, and the free runs the failure
 * message lists. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "heap_fixture.h"
#include "mm/cma.h"
#include "mm/initial_state.h"

#define MiB (1ULL << 20)
#define BASE_PFN (32 * MiB >> 12)
#define AREA_PAGES (16 * MiB >> 12)

struct cma_fixture {
	struct heap_fixture f;
	struct cma cma;
};

/* 64 MiB, a 16 MiB area "reserved" at 32 MiB */
static void cma_boot(struct cma_fixture *c)
{
	heap_fixture_desc(&c->f, KVER(6, 1, 0), 12, 64, 1);
	struct machine_desc *d = &c->f.desc;
	d->nr_cma = 1;
	snprintf(d->cma[0].name, sizeof(d->cma[0].name), "reserved");
	d->cma[0].base = 32 * MiB;
	d->cma[0].size = 16 * MiB;
	heap_fixture_boot(&c->f);
	cma_area_init(&c->cma, &d->cma[0], 12);
	assert_int_equal(c->cma.base_pfn, BASE_PFN);
	assert_int_equal(c->cma.count, AREA_PAGES);
}

static long free_pages(struct cma_fixture *c)
{
	return c->f.pgdat->node_zones[0].vm_stat[NR_FREE_PAGES];
}

static void test_aligned_ranges_in_order(void **state)
{
	struct cma_fixture c;
	unsigned long pfn;
	(void)state;

	cma_boot(&c);
	long before = free_pages(&c);
	assert_int_equal(cma_area_alloc(c.f.pgdat, &c.cma, 256, 8, &pfn), 0);
	assert_int_equal(pfn, BASE_PFN);
	assert_int_equal(free_pages(&c), before - 256);
	for (unsigned long i = 0; i < 256; i++)
		assert_true(cma_area_taken(c.f.pgdat, &c.cma, pfn + i));
	assert_false(cma_area_taken(c.f.pgdat, &c.cma, pfn + 256));
	/* 100 pages at order-8 alignment: the next 256-aligned start */
	assert_int_equal(cma_area_alloc(c.f.pgdat, &c.cma, 100, 8, &pfn), 0);
	assert_int_equal(pfn, BASE_PFN + 256);
	/* unaligned: right after the 100 */
	assert_int_equal(cma_area_alloc(c.f.pgdat, &c.cma, 10, 0, &pfn), 0);
	assert_int_equal(pfn, BASE_PFN + 356);
	heap_fixture_free(&c.f);
}

/* A frame allocated inside the candidate makes it busy; the search moves
 * to the next aligned start past that frame. */
static void test_busy_range_skipped(void **state)
{
	struct cma_fixture c;
	struct zone *zone;
	unsigned long pfn, busy;
	(void)state;

	cma_boot(&c);
	zone = &c.f.pgdat->node_zones[0];
	pthread_mutex_lock(&zone->lock);
	assert_int_equal(zone_take_range(zone, BASE_PFN + 1000, BASE_PFN + 1001,
					 &busy), 0);
	pthread_mutex_unlock(&zone->lock);
	assert_int_equal(cma_area_alloc(c.f.pgdat, &c.cma, 1024, 10, &pfn), 0);
	assert_int_equal(pfn, BASE_PFN + 1024);
	assert_false(cma_area_taken(c.f.pgdat, &c.cma, BASE_PFN + 1000));
	heap_fixture_free(&c.f);
}

static void test_exhausted_and_released(void **state)
{
	struct cma_fixture c;
	unsigned long pfn, first = 0, untaken = PFN_NIL;
	unsigned n = 0;
	(void)state;

	cma_boot(&c);
	long before = free_pages(&c);
	while (cma_area_alloc(c.f.pgdat, &c.cma, 256, 8, &pfn) == 0) {
		if (!n)
			first = pfn;
		n++;
	}
	assert_int_equal(n, AREA_PAGES / 256);
	assert_int_equal(cma_area_alloc(c.f.pgdat, &c.cma, 1, 0, &pfn), -ENOMEM);

	struct cma_run runs[4];
	assert_int_equal(cma_area_free_runs(c.f.pgdat, &c.cma, runs, 4), 0);
	/* a range that is not all taken is refused whole */
	assert_false(cma_area_release(c.f.heap, NULL, &c.cma, first + 200,
				      256 + 8192, &untaken));
	assert_int_equal(untaken, PFN_NIL);     /* outside the area */
	assert_true(cma_area_release(c.f.heap, NULL, &c.cma, first + 256, 256,
				     &untaken));
	/* released twice: the first frame no longer taken is named */
	assert_false(cma_area_release(c.f.heap, NULL, &c.cma, first + 256, 256,
				      &untaken));
	assert_int_equal(untaken, first + 256);
	assert_int_equal(cma_area_free_runs(c.f.pgdat, &c.cma, runs, 4), 1);
	assert_int_equal(runs[0].start, 256);
	assert_int_equal(runs[0].count, 256);
	for (unsigned i = 0; i < n; i++)
		if (i != 1)
			assert_true(cma_area_release(c.f.heap, NULL, &c.cma,
						     first + 256 * i, 256,
						     &untaken));
	drain_all_pages(c.f.pgdat);
	assert_int_equal(free_pages(&c), before);
	assert_int_equal(cma_area_free_runs(c.f.pgdat, &c.cma, runs, 4), 1);
	assert_int_equal(runs[0].count, AREA_PAGES);
	heap_fixture_free(&c.f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aligned_ranges_in_order),
		cmocka_unit_test(test_busy_range_skipped),
		cmocka_unit_test(test_exhausted_and_released),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
