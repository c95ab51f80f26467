/* The allocation decision per kernel version: gfp_zone(), migratetype,
 * gfp_to_alloc_flags(), the slow-path verdicts and the CMA rules, on nodes
 * booted from machine descriptions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "mm/page_alloc.h"
#include "report/report.h"
#include "testdata.h"

#define MiB (1ULL << 20)


/* Zone sets only: gfp_zone() reads nothing else. */
static struct pglist_data zoneset;

static const struct pglist_data *zones(unsigned nr, const enum zone_type *t)
{
	memset(&zoneset, 0, sizeof(zoneset));
	zoneset.kv = KVER(6, 1, KVER_SUB_LATEST);
	zoneset.nr_zones = nr;
	for (unsigned i = 0; i < nr; i++) {
		zoneset.node_zones[i].type = t[i];
		zoneset.node_zones[i].idx = i;
	}
	return &zoneset;
}

static void test_gfp_zone_x86_64(void **state)
{
	(void)state;
	static const enum zone_type t[] = { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE };
	const struct pglist_data *p = zones(4, t);

	assert_int_equal(gfp_zone_idx(p, GFP_KERNEL), 2);
	assert_int_equal(gfp_zone_idx(p, GFP_KERNEL | GFP_DMA), 0);
	assert_int_equal(gfp_zone_idx(p, GFP_KERNEL | GFP_DMA32), 1);
	/* no ZONE_HIGHMEM on 64-bit: OPT_ZONE_HIGHMEM is Normal */
	assert_int_equal(gfp_zone_idx(p, GFP_HIGHUSER), 2);
	assert_int_equal(gfp_zone_idx(p, GFP_HIGHUSER_MOVABLE), 3);
	assert_int_equal(gfp_zone_idx(p, __GFP_MOVABLE), 2);
	assert_int_equal(gfp_zone_idx(p, __GFP_MOVABLE | __GFP_DMA), 0);
	assert_int_equal(gfp_zone_idx(p, __GFP_MOVABLE | __GFP_DMA32), 1);
	/* two zone modifiers: GFP_ZONE_BAD */
	assert_int_equal(gfp_zone_idx(p, __GFP_DMA | __GFP_DMA32), -1);
	assert_int_equal(gfp_zone_idx(p, __GFP_DMA | __GFP_HIGHMEM), -1);
	assert_int_equal(gfp_zone_idx(p, __GFP_DMA32 | __GFP_HIGHMEM | __GFP_MOVABLE), -1);
}

static void test_gfp_zone_arm64_and_arm(void **state)
{
	(void)state;
	/* arm64 4.18 (seed001): DMA32 Normal Movable; GFP_DMA means Normal */
	static const enum zone_type a64[] = { ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE };
	const struct pglist_data *p = zones(3, a64);
	assert_int_equal(gfp_zone_idx(p, GFP_ATOMIC), 1);
	assert_int_equal(gfp_zone_idx(p, GFP_ATOMIC | GFP_DMA), 1);
	assert_int_equal(gfp_zone_idx(p, GFP_KERNEL | GFP_DMA32), 0);

	/* 32-bit arm: Normal HighMem Movable; no DMA32 means Normal */
	static const enum zone_type a32[] = { ZONE_NORMAL, ZONE_HIGHMEM, ZONE_MOVABLE };
	p = zones(3, a32);
	assert_int_equal(gfp_zone_idx(p, GFP_KERNEL | GFP_DMA32), 0);
	assert_int_equal(gfp_zone_idx(p, GFP_HIGHUSER), 1);
	assert_int_equal(gfp_zone_idx(p, GFP_HIGHUSER_MOVABLE), 2);
}

static void test_gfp_migratetype(void **state)
{
	(void)state;
	assert_int_equal(gfp_migratetype(GFP_KERNEL), MIGRATE_UNMOVABLE);
	assert_int_equal(gfp_migratetype(GFP_ATOMIC), MIGRATE_UNMOVABLE);
	assert_int_equal(gfp_migratetype(GFP_HIGHUSER_MOVABLE), MIGRATE_MOVABLE);
	assert_int_equal(gfp_migratetype(GFP_KERNEL | __GFP_RECLAIMABLE), MIGRATE_RECLAIMABLE);
}

static unsigned flags_for(kver_t kv, gfp_t gfp, unsigned order)
{
	static struct pglist_data p;
	p.kv = kv;
	return gfp_to_alloc_flags(&p, gfp, order);
}

static void test_alloc_flags_per_version(void **state)
{
	(void)state;
	/* GFP_ATOMIC: ALLOC_HIGH|ALLOC_HARDER without cpuset; 5.0+ ALLOC_KSWAPD */
	assert_int_equal(flags_for(KVER(4, 9, 0), GFP_ATOMIC, 0),
			 ALLOC_WMARK_MIN | ALLOC_HIGH | ALLOC_HARDER);
	assert_int_equal(flags_for(KVER(5, 4, 0), GFP_ATOMIC, 3),
			 ALLOC_WMARK_MIN | ALLOC_HIGH | ALLOC_HARDER | ALLOC_KSWAPD);
	assert_int_equal(flags_for(KVER(6, 1, 115), GFP_ATOMIC, 3),
			 ALLOC_WMARK_MIN | ALLOC_HIGH | ALLOC_HARDER | ALLOC_KSWAPD);
	/* 6.1.116+/6.3+: MIN_RESERVE|NON_BLOCK, HIGHATOMIC for order > 0 */
	assert_int_equal(flags_for(KVER(6, 1, 116), GFP_ATOMIC, 0),
			 ALLOC_WMARK_MIN | ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK | ALLOC_KSWAPD);
	assert_int_equal(flags_for(KVER(6, 12, 0), GFP_ATOMIC, 1),
			 ALLOC_WMARK_MIN | ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK |
			 ALLOC_HIGHATOMIC | ALLOC_KSWAPD);

	/* GFP_NOWAIT: nothing extra ≤6.2; NON_BLOCK after, and 6.6 gave it
	 * HIGHATOMIC for order > 0, which 6.12 takes back */
	assert_int_equal(flags_for(KVER(5, 10, 0), GFP_NOWAIT, 1),
			 ALLOC_WMARK_MIN | ALLOC_CPUSET | ALLOC_KSWAPD);
	assert_int_equal(flags_for(KVER(6, 6, 0), GFP_NOWAIT, 1),
			 ALLOC_WMARK_MIN | ALLOC_CPUSET | ALLOC_KSWAPD |
			 ALLOC_NON_BLOCK | ALLOC_HIGHATOMIC);
	assert_int_equal(flags_for(KVER(6, 12, 0), GFP_NOWAIT, 1),
			 ALLOC_WMARK_MIN | ALLOC_CPUSET | ALLOC_KSWAPD | ALLOC_NON_BLOCK);

	/* GFP_KERNEL: cpuset only (and kswapd from 5.0) */
	assert_int_equal(flags_for(KVER(4, 9, 0), GFP_KERNEL, 0),
			 ALLOC_WMARK_MIN | ALLOC_CPUSET);
	assert_int_equal(flags_for(KVER(6, 12, 0), GFP_KERNEL, 0),
			 ALLOC_WMARK_MIN | ALLOC_CPUSET | ALLOC_KSWAPD);
	/* movable requests may use CMA, in every version */
	for (unsigned i = 0; i < NR_TEST_KERNELS; i++) {
		assert_true(flags_for(test_kernels[i], GFP_HIGHUSER_MOVABLE, 0) & ALLOC_CMA);
		assert_false(flags_for(test_kernels[i], GFP_KERNEL, 0) & ALLOC_CMA);
	}
	/* __GFP_NOMEMALLOC keeps an atomic request off the reserves */
	assert_int_equal(flags_for(KVER(5, 10, 0), GFP_ATOMIC | __GFP_NOMEMALLOC, 0),
			 ALLOC_WMARK_MIN | ALLOC_HIGH | ALLOC_KSWAPD);
	assert_int_equal(flags_for(KVER(6, 12, 0), GFP_ATOMIC | __GFP_NOMEMALLOC, 0),
			 ALLOC_WMARK_MIN | ALLOC_MIN_RESERVE | ALLOC_KSWAPD);
}

/* x86_64 with 64 MiB DMA32 and 64 MiB Normal, no reserved pages. */
static void small_x86(struct machine_desc *d, kver_t kv)
{
	fixture_desc(d, kv, 12);
	fixture_zone(d, ZONE_DMA32, 0, 64 * MiB, 0);
	fixture_zone(d, ZONE_NORMAL, 64 * MiB, 64 * MiB, 0);
	fixture_zone(d, ZONE_MOVABLE, 128 * MiB, 0, 0);
}

/* Allocate order-0 pages with `gfp` until one is refused. */
static enum alloc_verdict exhaust(struct pglist_data *p, gfp_t gfp)
{
	struct alloc_outcome out;
	unsigned long n = 0;

	while (alloc_pages_node(p, gfp, 0, 0, &out)) {
		assert_int_not_equal(out.pfn, PFN_NIL);
		n++;
		assert_true(n <= 32768);
	}
	return out.verdict;
}

static enum alloc_verdict verdict(struct pglist_data *p, gfp_t gfp,
				  unsigned order)
{
	struct alloc_outcome out;
	alloc_pages_node(p, gfp, order, 0, &out);
	return out.verdict;
}

static void test_boot_counters(void **state)
{
	(void)state;
	struct machine_desc d;
	small_x86(&d, KVER(6, 1, KVER_SUB_LATEST));
	d.zones[1].reserved = 4 * MiB;
	struct pglist_data *p = fixture_node(&d);
	char msg[256];

	assert_int_equal(p->nr_zones, 3);
	assert_int_equal(p->node_zones[0].managed_pages, 16384);
	assert_int_equal(p->node_zones[1].present_pages, 16384);
	assert_int_equal(p->node_zones[1].managed_pages, 16384 - 1024);
	assert_int_equal(p->node_zones[0].vm_stat[NR_FREE_PAGES], 16384);
	assert_int_equal(p->node_zones[1].vm_stat[NR_FREE_PAGES], 16384 - 1024);
	/* reserved frames are the zone's first 1024, told by the pfn */
	assert_int_equal(p->node_zones[0].reserved_pages, 0);
	assert_int_equal(p->node_zones[1].reserved_pages, 1024);
	assert_false(pfn_reserved(p, 0));
	assert_false(pfn_reserved(p, 16383));
	assert_true(pfn_reserved(p, 16384));
	assert_true(pfn_reserved(p, 16384 + 1023));
	assert_false(pfn_reserved(p, 16384 + 1024));
	/* past the last zone: a hole */
	assert_true(pfn_reserved(p, 32768));
	/* 64 MiB in order-10 blocks: 16 per zone, fewer in Normal */
	assert_int_equal(p->node_zones[0].free_area[10].nr_free, 16);
	assert_int_equal(p->node_zones[1].free_area[10].nr_free, 15);
	assert_int_equal(get_pageblock_migratetype(p, 0), MIGRATE_MOVABLE);
	assert_int_equal(check_node(p, msg, sizeof(msg)), 0);

	/* the checker refuses a reserved frame on a free list */
	struct zone *z = &p->node_zones[1];
	struct page *rp = pfn_to_page(p, 16384 + 1023);
	rp->flags = PG_buddy;
	rp->mt = MIGRATE_UNMOVABLE;
	pfn_list_add(p, &z->free_area[0].free_list[MIGRATE_UNMOVABLE], 16384 + 1023, false);
	assert_int_equal(check_node(p, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "Normal Unmovable order 0: pfn 0x43ff is one of the "
			    "zone's first 1024 frames, which are boot-reserved and "
			    "never free");
	fixture_node_free(p);
}

/* "N pages RAM" and "N pages reserved" of show_mem's last lines. */
static void show_mem_totals(struct pglist_data *p, unsigned long *ram,
			    unsigned long *reserved)
{
	static char buf[1 << 16];
	struct sbuf sb = SBUF_INIT(buf, sizeof(buf));

	show_mem(&sb, p, GFP_KERNEL, 0);
	const char *t = sb_str(&sb);
	const char *r = strstr(t, " pages RAM\n");
	const char *v = strstr(t, " pages reserved\n");
	assert_non_null(r);
	assert_non_null(v);
	while (r > t && r[-1] != '\n')
		r--;
	while (v > t && v[-1] != '\n')
		v--;
	assert_int_equal(sscanf(r, "%lu pages RAM", ram), 1);
	assert_int_equal(sscanf(v, "%lu pages reserved", reserved), 1);
}

/* The reserved prefix is never handed out: __GFP_MEMALLOC order-0
 * requests (no watermarks) take every managed frame of both zones, none
 * of them in Normal's first 1024, and the counts stay as booted. */
static void test_reserved_never_allocated(void **state)
{
	(void)state;
	static uint8_t taken[32768];

	for (size_t v = 0; v < NR_TEST_KERNELS; v++) {
		struct machine_desc d;
		small_x86(&d, test_kernels[v]);
		d.zones[1].reserved = 4 * MiB;
		struct pglist_data *p = fixture_node(&d);
		struct alloc_outcome out;
		unsigned long n = 0, ram, reserved;
		char msg[256];

		show_mem_totals(p, &ram, &reserved);
		assert_int_equal(ram, 32768);
		assert_int_equal(reserved, 1024);

		memset(taken, 0, sizeof(taken));
		while (alloc_pages_node(p, GFP_ATOMIC | __GFP_MEMALLOC | __GFP_NOWARN,
					0, 0, &out)) {
			assert_true(out.pfn < 32768);
			assert_false(out.pfn >= 16384 && out.pfn < 16384 + 1024);
			assert_false(taken[out.pfn]);
			taken[out.pfn] = 1;
			n++;
		}
		assert_int_equal(n, 16384 + 16384 - 1024);
		assert_int_equal(p->node_zones[0].vm_stat[NR_FREE_PAGES], 0);
		assert_int_equal(p->node_zones[1].vm_stat[NR_FREE_PAGES], 0);
		/* and no larger block either */
		assert_false(alloc_pages_node(p, GFP_ATOMIC | __GFP_MEMALLOC | __GFP_NOWARN,
					      3, 0, &out));
		assert_int_equal(check_node(p, msg, sizeof(msg)), 0);

		assert_int_equal(p->node_zones[1].present_pages, 16384);
		assert_int_equal(p->node_zones[1].managed_pages, 16384 - 1024);
		assert_int_equal(p->node_zones[1].reserved_pages, 1024);
		show_mem_totals(p, &ram, &reserved);
		assert_int_equal(ram, 32768);
		assert_int_equal(reserved, 1024);
		fixture_node_free(p);
	}
}

/* GFP_KERNEL order 0 that finds nothing goes to the OOM killer; the
 * requests that may not use it get the failure report instead. */
static void test_slowpath_verdicts(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NR_TEST_KERNELS; i++) {
		struct machine_desc d;
		small_x86(&d, test_kernels[i]);
		struct pglist_data *p = fixture_node(&d);

		assert_int_equal(exhaust(p, GFP_KERNEL), ALLOC_FAIL_OOM);
		assert_int_equal(verdict(p, GFP_KERNEL, 0), ALLOC_FAIL_OOM);
		assert_int_equal(verdict(p, GFP_KERNEL, 4), ALLOC_FAIL);
		assert_int_equal(verdict(p, GFP_KERNEL | __GFP_NORETRY, 0), ALLOC_FAIL);
		assert_int_equal(verdict(p, GFP_KERNEL | __GFP_THISNODE, 0), ALLOC_FAIL);
		/* DMA32 still holds its lowmem_reserve for Normal requests: a
		 * DMA32 request may take it, then fails — the OOM killer does
		 * not kill for a lowmem-only request */
		assert_int_equal(verdict(p, GFP_KERNEL | GFP_DMA32, 0), ALLOC_OK);
		assert_int_equal(exhaust(p, GFP_KERNEL | GFP_DMA32), ALLOC_FAIL);
		/* __GFP_RETRY_MAYFAIL (4.13+) fails rather than kill */
		assert_int_equal(verdict(p, GFP_KERNEL | __GFP_RETRY_MAYFAIL, 0),
				 test_kernels[i] < KVER(4, 13, 0) ? ALLOC_FAIL_OOM : ALLOC_FAIL);
		/* __GFP_NOFAIL never reports a failure when it may reclaim … */
		assert_int_not_equal(verdict(p, GFP_KERNEL | __GFP_NOFAIL, 4), ALLOC_FAIL);
		/* … and cannot keep that promise without it */
		assert_int_equal(verdict(p, GFP_NOWAIT | __GFP_NOFAIL, 0), ALLOC_FAIL);
		/* too large an order is refused before anything is tried */
		assert_int_equal(verdict(p, GFP_KERNEL, p->nr_page_orders), ALLOC_FAIL_ORDER);
		assert_int_equal(verdict(p, GFP_KERNEL | __GFP_DMA | __GFP_DMA32, 0),
				 ALLOC_FAIL_BAD_GFP);
		fixture_node_free(p);
	}
}

/* GFP_ATOMIC goes below GFP_KERNEL's min (the reserve discounts), then
 * fails without reclaim: "page allocation failure". */
static void test_atomic_dips_below_min(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NR_TEST_KERNELS; i++) {
		struct machine_desc d;
		small_x86(&d, test_kernels[i]);
		struct pglist_data *p = fixture_node(&d);
		struct zone *normal = &p->node_zones[1];
		struct alloc_outcome out;

		assert_int_equal(exhaust(p, GFP_KERNEL), ALLOC_FAIL_OOM);
		long after_kernel = normal->vm_stat[NR_FREE_PAGES];
		assert_true(alloc_pages_node(p, GFP_ATOMIC, 0, 0, &out));
		assert_int_equal(exhaust(p, GFP_ATOMIC), ALLOC_FAIL);
		assert_true(normal->vm_stat[NR_FREE_PAGES] < after_kernel);
		/* the last attempt was at min with the slow path's flags */
		alloc_pages_node(p, GFP_ATOMIC, 0, 0, &out);
		assert_int_equal(out.alloc_flags & ALLOC_WMARK_MASK, ALLOC_WMARK_MIN);
		assert_int_equal(out.nr_attempts, 2);
		assert_false(out.attempts[0].watermark_ok);
		assert_true(out.attempts[0].min < (long)normal->_watermark[WMARK_MIN]);
		fixture_node_free(p);
	}
}

/* CMA: only movable requests may use it, in every version. */
static void test_cma_only_for_movable(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NR_TEST_KERNELS; i++) {
		struct machine_desc d;
		small_x86(&d, test_kernels[i]);
		fixture_cma(&d, "reserved", 96 * MiB, 32 * MiB);
		struct pglist_data *p = fixture_node(&d);
		unsigned long cma_start = (96 * MiB) >> 12, cma_end = (128 * MiB) >> 12;
		struct alloc_outcome out;

		assert_int_equal(p->totalcma_pages, 8192);
		assert_int_equal(p->node_zones[1].cma_pages, 8192);
		assert_int_equal(p->node_zones[1].vm_stat[NR_FREE_CMA_PAGES], 8192);
		assert_int_equal(get_pageblock_migratetype(p, cma_start), MIGRATE_CMA);

		while (alloc_pages_node(p, GFP_KERNEL, 0, 0, &out))
			assert_false(out.pfn >= cma_start && out.pfn < cma_end);
		assert_int_equal(out.verdict, ALLOC_FAIL_OOM);
		assert_true(alloc_pages_node(p, GFP_HIGHUSER_MOVABLE, 0, 0, &out));
		assert_true(out.pfn >= cma_start && out.pfn < cma_end);
		assert_true(alloc_pages_node(p, GFP_HIGHUSER_MOVABLE, 4, 0, &out));
		assert_true(out.pfn >= cma_start && out.pfn < cma_end);
		fixture_node_free(p);
	}
}

/* Freed pages come back: allocate, free, and the watermark numbers and
 * the counters return to where they were. */
static void test_free_returns_pages(void **state)
{
	(void)state;
	struct machine_desc d;
	small_x86(&d, KVER(5, 10, KVER_SUB_LATEST));
	struct pglist_data *p = fixture_node(&d);
	struct alloc_outcome out;
	char msg[256];

	long before = p->node_zones[1].vm_stat[NR_FREE_PAGES];
	assert_true(alloc_pages_node(p, GFP_KERNEL, 5, 0, &out));
	assert_int_equal(out.zone_idx, 1);
	assert_int_equal(p->node_zones[1].vm_stat[NR_FREE_PAGES], before - 32);
	free_pages_node(p, out.pfn, 5, 0);
	assert_int_equal(p->node_zones[1].vm_stat[NR_FREE_PAGES], before);
	assert_int_equal(check_node(p, msg, sizeof(msg)), 0);
	fixture_node_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gfp_zone_x86_64),
		cmocka_unit_test(test_gfp_zone_arm64_and_arm),
		cmocka_unit_test(test_gfp_migratetype),
		cmocka_unit_test(test_alloc_flags_per_version),
		cmocka_unit_test(test_boot_counters),
		cmocka_unit_test(test_reserved_never_allocated),
		cmocka_unit_test(test_slowpath_verdicts),
		cmocka_unit_test(test_atomic_dips_below_min),
		cmocka_unit_test(test_cma_only_for_movable),
		cmocka_unit_test(test_free_returns_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
