/* Watermark arithmetic per kernel version: min_free_kbytes, min/low/high,
 * lowmem_reserve, and __zone_watermark_ok() with each version's reserve
 * discounts — against the reference's worked example and a real log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "machine/machine.h"
#include "mm/page_alloc.h"
#include "mm/node.h"

static struct pglist_data node;

/* A node with only the numbers watermark setup reads: zones and their
 * managed pages (no mem_map, nothing in the buddy). */
static struct pglist_data *zones_by_hand(kver_t kv, unsigned page_shift,
					 unsigned nr,
					 const enum zone_type *types,
					 const unsigned long *managed)
{
	memset(&node, 0, sizeof(node));
	node.kv = kv;
	node.page_shift = page_shift;
	node.nr_page_orders = page_shift == 16 ? 14 : 11;
	node.pageblock_order = page_shift == 16 ? 13 : 9;
	node.nr_cpus = 1;
	node.watermark_scale_factor = 10;
	node.nr_zones = nr;
	for (unsigned i = 0; i < nr; i++) {
		struct zone *z = &node.node_zones[i];
		z->type = types[i];
		z->idx = i;
		z->zone_pgdat = &node;
		z->present_pages = z->managed_pages = managed[i];
		for (unsigned o = 0; o < MAX_PAGE_ORDERS; o++)
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				z->free_area[o].free_list[mt] = PFN_NIL;
	}
	return &node;
}

static const enum zone_type x86_types[] = {
	ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE
};
/* reference §5.3: managed DMA 3840, DMA32 741000, Normal 3300000, Movable empty */
static const unsigned long x86_managed[] = { 3840, 741000, 3300000, 0 };

static void check_x86_example(kver_t kv)
{
	struct pglist_data *p = zones_by_hand(kv, 12, 4, x86_types, x86_managed);
	node_setup_watermarks(p);

	assert_int_equal(p->min_free_kbytes, 16089);
	static const unsigned long want[3][3] = {
		{ 3, 6, 9 }, { 736, 1477, 2218 }, { 3281, 6581, 9881 },
	};
	for (int i = 0; i < 3; i++) {
		for (int w = 0; w < NR_WMARK; w++)
			assert_int_equal(p->node_zones[i]._watermark[w], want[i][w]);
	}
	/* printed as kB: Normal min:13124kB low:26324kB high:39524kB */
	assert_int_equal(pages_to_kb(p, p->node_zones[2]._watermark[WMARK_MIN]), 13124);
	assert_int_equal(pages_to_kb(p, p->node_zones[2]._watermark[WMARK_HIGH]), 39524);

	static const long reserve[4][4] = {
		{ 0, 2894, 15785, 15785 },
		{ 0, 0, 12890, 12890 },
		{ 0, 0, 0, 0 },
		{ 0, 0, 0, 0 },
	};
	for (int i = 0; i < 4; i++) {
		for (int j = 0; j < 4; j++)
			assert_int_equal(p->node_zones[i].lowmem_reserve[j], reserve[i][j]);
	}
}

static void test_reference_example_4_9(void **state)
{
	(void)state;
	check_x86_example(KVER(4, 9, 0));
}

static void test_reference_example_5_4(void **state)
{
	(void)state;
	check_x86_example(KVER(5, 4, 0));
}

static void test_reference_example_6_1(void **state)
{
	(void)state;
	check_x86_example(KVER(6, 1, KVER_SUB_LATEST));
}

static void test_reference_example_6_12(void **state)
{
	(void)state;
	check_x86_example(KVER(6, 12, KVER_SUB_LATEST));
}

/* khugepaged: 512 pages × 3 zones × (2 + 9) = 16896 pages = 67584 kB, and
 * the Normal zone's min follows: 16896 · 3300000 / 4044840 = 13784. */
static void test_thp_raises_min_free_kbytes(void **state)
{
	(void)state;
	struct machine_desc d;
	memset(&d, 0, sizeof(d));
	d.min_free_kbytes = -1;
	d.thp = true;
	struct pglist_data *p = zones_by_hand(KVER(6, 1, KVER_SUB_LATEST), 12, 4,
					      x86_types, x86_managed);
	p->desc = &d;
	node_setup_watermarks(p);
	assert_int_equal(p->min_free_kbytes, 67584);
	assert_int_equal(p->node_zones[2]._watermark[WMARK_MIN], 13784);
}

/* vm.min_free_kbytes set by the user replaces the default. */
static void test_user_min_free_kbytes(void **state)
{
	(void)state;
	struct machine_desc d;
	memset(&d, 0, sizeof(d));
	d.min_free_kbytes = 4044840 * 4 / 1000;        /* 16179 kB */
	struct pglist_data *p = zones_by_hand(KVER(5, 10, 0), 12, 4,
					      x86_types, x86_managed);
	p->desc = &d;
	node_setup_watermarks(p);
	assert_int_equal(p->min_free_kbytes, 16179);
	/* pages_min 4044: Normal 4044 · 3300000 / 4044840 = 3299 */
	assert_int_equal(p->node_zones[2]._watermark[WMARK_MIN], 3299);
}

/* int_sqrt(lowmem_kbytes * 16), clamped to 128 … 65536 before 5.7 and
 * 128 … 262144 from 5.7. */
static long default_min_free(kver_t kv, unsigned long normal_pages)
{
	static const enum zone_type t[] = { ZONE_NORMAL };
	unsigned long managed[] = { normal_pages };
	struct pglist_data *p = zones_by_hand(kv, 12, 1, t, managed);
	node_setup_watermarks(p);
	return p->min_free_kbytes;
}

static void test_min_free_kbytes_caps(void **state)
{
	(void)state;
	/* 1 TiB lowmem: int_sqrt(2^30 · 16) = 131072 */
	assert_int_equal(default_min_free(KVER(5, 4, 0), 1UL << 28), 65536);
	assert_int_equal(default_min_free(KVER(5, 10, 0), 1UL << 28), 131072);
	assert_int_equal(default_min_free(KVER(6, 12, 0), 1UL << 28), 131072);
	/* 16 TiB: 524288, capped */
	assert_int_equal(default_min_free(KVER(4, 9, 0), 1UL << 32), 65536);
	assert_int_equal(default_min_free(KVER(6, 1, 0), 1UL << 32), 262144);
	/* 16 MiB: 512 (the table in the kernel's comment) */
	assert_int_equal(default_min_free(KVER(6, 1, 0), 4096), 512);
	/* 512 KiB: int_sqrt(8192) = 90, raised to 128 */
	assert_int_equal(default_min_free(KVER(6, 1, 0), 128), 128);
}

/* 4.9 reserves below an empty zone; from 5.8 an empty zone reserves
 * nothing for the zones above it. */
static void test_lowmem_reserve_empty_zone(void **state)
{
	(void)state;
	static const unsigned long managed[] = { 0, 741000, 3300000, 0 };
	struct pglist_data *p = zones_by_hand(KVER(4, 9, 0), 12, 4, x86_types, managed);
	node_setup_watermarks(p);
	assert_int_equal(p->node_zones[0].lowmem_reserve[1], 741000 / 256);
	p = zones_by_hand(KVER(5, 10, 0), 12, 4, x86_types, managed);
	node_setup_watermarks(p);
	assert_int_equal(p->node_zones[0].lowmem_reserve[1], 0);
	assert_int_equal(p->node_zones[0].lowmem_reserve[3], 0);
	assert_int_equal(p->node_zones[1].lowmem_reserve[2], 3300000 / 256);
}

/* 32-bit: HighMem gets min = managed/1024 clamped to 32…128; 4.9 reserves
 * Normal for HighMem with ratio 32. */
static void test_highmem(void **state)
{
	(void)state;
	static const enum zone_type t[] = { ZONE_NORMAL, ZONE_HIGHMEM, ZONE_MOVABLE };
	static const unsigned long managed[] = { 190000, 60000, 0 };
	struct pglist_data *p = zones_by_hand(KVER(4, 9, 0), 12, 3, t, managed);
	node_setup_watermarks(p);
	assert_int_equal(p->node_zones[1]._watermark[WMARK_MIN], 60000 / 1024);
	assert_int_equal(p->node_zones[0].lowmem_reserve[1], 60000 / 32);
	/* all of min_free_kbytes goes to Normal: int_sqrt(760000·16) = 3487 */
	assert_int_equal(p->min_free_kbytes, 3487);
	assert_int_equal(p->node_zones[0]._watermark[WMARK_MIN], 3487 / 4);
}

/*
 * seed001 (arm64 64K pages, RHEL8 4.18): DMA32 free:254784kB
 * min:528320kB low:531200kB high:534080kB managed:2900352kB,
 * Normal min:531520kB low:536640kB high:541760kB, lowmem_reserve 0 316 316.
 *
 * The boot-time managed pages (Normal 80900: lowmem_reserve 316 = /256 and
 * low−min = 80 = managed/1000) give min_free_kbytes int_sqrt(126218·64·16)
 * = 11368, pages_min 177, DMA32 min 63, Normal min 113.  The printed marks
 * are 8192 pages (one 512 MiB pageblock: RHEL8's watermark boost) higher.
 */
static struct pglist_data *seed001(void)
{
	static const enum zone_type t[] = { ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE };
	static const unsigned long managed[] = { 45318, 80900, 0 };
	struct pglist_data *p = zones_by_hand(KVER(4, 18, 0), 16, 3, t, managed);
	node_setup_watermarks(p);
	p->node_zones[0].watermark_boost = 8192;
	p->node_zones[1].watermark_boost = 8192;
	p->node_zones[0].vm_stat[NR_FREE_PAGES] = 254784 / 64;
	p->node_zones[1].vm_stat[NR_FREE_PAGES] = 272064 / 64;
	return p;
}

static unsigned long wmark_kb(struct pglist_data *p, int zone, int w)
{
	struct zone *z = &p->node_zones[zone];
	return pages_to_kb(p, z->_watermark[w] + z->watermark_boost);
}

static void test_seed001_marks(void **state)
{
	(void)state;
	struct pglist_data *p = seed001();
	assert_int_equal(p->min_free_kbytes, 11368);
	assert_int_equal(wmark_kb(p, 0, WMARK_MIN), 528320);
	assert_int_equal(wmark_kb(p, 0, WMARK_LOW), 531200);
	assert_int_equal(wmark_kb(p, 0, WMARK_HIGH), 534080);
	assert_int_equal(wmark_kb(p, 1, WMARK_MIN), 531520);
	assert_int_equal(wmark_kb(p, 1, WMARK_LOW), 536640);
	assert_int_equal(wmark_kb(p, 1, WMARK_HIGH), 541760);
	assert_int_equal(p->node_zones[0].lowmem_reserve[1], 316);
	assert_int_equal(p->node_zones[0].lowmem_reserve[2], 316);
	assert_int_equal(p->node_zones[1].lowmem_reserve[2], 0);
}

/* The GFP_ATOMIC order-0 request of seed001 on 4.18.  Fast path: low mark
 * 8300 + reserve 316 against 3981 free pages fails.  Slow path: the min
 * mark 8255 loses half for ALLOC_HIGH (8255 − 4127 = 4128) and a quarter of
 * the rest for ALLOC_HARDER (4128 − 1032 = 3096); plus lowmem_reserve[Normal]
 * 316 that is 3412.  The counters the log printed (read after the failure)
 * stand 569 pages above it; at 3412 free pages the request fails. */
static void test_seed001_atomic_order0(void **state)
{
	(void)state;
	struct pglist_data *p = seed001();
	struct zone *dma32 = &p->node_zones[0];
	struct zone_attempt seen;
	gfp_t atomic = GFP_ATOMIC;
	unsigned fast = ALLOC_WMARK_LOW;
	unsigned slow = ALLOC_WMARK_MIN | ALLOC_HIGH | ALLOC_HARDER;
	unsigned long min_mark = dma32->_watermark[WMARK_MIN] + dma32->watermark_boost;
	unsigned long low_mark = dma32->_watermark[WMARK_LOW] + dma32->watermark_boost;

	assert_false(zone_watermark_fast(dma32, 0, low_mark, 1, fast, atomic, &seen));
	assert_int_equal(seen.free_pages, 3981);
	assert_int_equal(seen.min, 8300);
	assert_int_equal(seen.lowmem_reserve, 316);

	assert_true(zone_watermark_ok(dma32, 0, min_mark, 1, slow, &seen));
	assert_int_equal(seen.mark, 8255);
	assert_int_equal(seen.min, 3096);
	assert_int_equal(seen.usable, 3981);

	dma32->vm_stat[NR_FREE_PAGES] = 3096 + 316;
	assert_false(zone_watermark_ok(dma32, 0, min_mark, 1, slow, &seen));
	dma32->vm_stat[NR_FREE_PAGES] = 3096 + 316 + 1;
	assert_true(zone_watermark_ok(dma32, 0, min_mark, 1, slow, NULL));

	/* Normal: 8305 → 4153 → 3115, no reserve above it */
	struct zone *normal = &p->node_zones[1];
	min_mark = normal->_watermark[WMARK_MIN] + normal->watermark_boost;
	normal->vm_stat[NR_FREE_PAGES] = 3115;
	assert_false(zone_watermark_ok(normal, 0, min_mark, 1, slow, &seen));
	assert_int_equal(seen.min, 3115);

	/* GFP_NOWAIT on 4.18 gets no discount: 8255 + 316 */
	dma32->vm_stat[NR_FREE_PAGES] = 3981;
	assert_false(zone_watermark_ok(dma32, 0, dma32->_watermark[WMARK_MIN] +
				       dma32->watermark_boost, 1, ALLOC_WMARK_MIN, &seen));
	assert_int_equal(seen.min, 8255);
}

/* A zone with plain numbers for the discount and unusable-page rules. */
static struct zone *plain_zone(kver_t kv, long free, long free_cma,
			       unsigned long highatomic)
{
	static const enum zone_type t[] = { ZONE_NORMAL };
	static const unsigned long managed[] = { 100000 };
	struct pglist_data *p = zones_by_hand(kv, 12, 1, t, managed);
	struct zone *z = &p->node_zones[0];
	z->vm_stat[NR_FREE_PAGES] = free;
	z->vm_stat[NR_FREE_CMA_PAGES] = free_cma;
	z->nr_reserved_highatomic = highatomic;
	z->nr_free_highatomic = highatomic;
	return z;
}

static long min_after(kver_t kv, unsigned flags)
{
	struct zone_attempt seen;
	zone_watermark_ok(plain_zone(kv, 5000, 0, 0), 0, 1000, 0, flags, &seen);
	return seen.min;
}

static void test_discounts_per_version(void **state)
{
	(void)state;
	/* GFP_ATOMIC: ≤6.2 ALLOC_HIGH|ALLOC_HARDER, 6.3+ MIN_RESERVE|NON_BLOCK */
	assert_int_equal(min_after(KVER(4, 9, 0), ALLOC_HIGH | ALLOC_HARDER), 375);
	assert_int_equal(min_after(KVER(5, 10, 0), ALLOC_HIGH | ALLOC_HARDER), 375);
	assert_int_equal(min_after(KVER(6, 12, 0), ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK), 375);
	/* __GFP_HIGH alone: half */
	assert_int_equal(min_after(KVER(5, 4, 0), ALLOC_HIGH), 500);
	assert_int_equal(min_after(KVER(6, 6, 0), ALLOC_MIN_RESERVE), 500);
	/* 6.3+: NON_BLOCK alone (GFP_NOWAIT) gets no discount … */
	assert_int_equal(min_after(KVER(6, 6, 0), ALLOC_NON_BLOCK), 1000);
	/* … but ≤6.2's same bit is ALLOC_HARDER: a quarter */
	assert_int_equal(min_after(KVER(6, 1, 100), ALLOC_HARDER), 750);
	/* ALLOC_OOM: half, from 4.15 (it wins over HARDER there) */
	assert_int_equal(min_after(KVER(5, 4, 0), ALLOC_OOM | ALLOC_HARDER), 500);
	assert_int_equal(min_after(KVER(6, 12, 0), ALLOC_OOM), 500);
	/* 1000 - 500 = 500, then - 125 = 375 and OOM halves again: 188 */
	assert_int_equal(min_after(KVER(6, 12, 0),
				   ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK | ALLOC_OOM), 188);
}

static long usable_after(kver_t kv, unsigned order, unsigned flags)
{
	struct zone_attempt seen;
	zone_watermark_ok(plain_zone(kv, 5000, 800, 300), order, 1000, 0, flags, &seen);
	return seen.usable;
}

static void test_unusable_free(void **state)
{
	(void)state;
	/* order-2 tail (3), highatomic (300), CMA (800) unless allowed */
	assert_int_equal(usable_after(KVER(5, 4, 0), 2, ALLOC_WMARK_MIN), 5000 - 3 - 300 - 800);
	assert_int_equal(usable_after(KVER(5, 4, 0), 2, ALLOC_WMARK_MIN | ALLOC_CMA), 5000 - 3 - 300);
	assert_int_equal(usable_after(KVER(5, 4, 0), 0, ALLOC_HARDER | ALLOC_CMA), 5000);
	/* 6.3+: any reserve flag (GFP_NOWAIT's NON_BLOCK too) may use highatomic */
	assert_int_equal(usable_after(KVER(6, 6, 0), 0, ALLOC_NON_BLOCK), 5000 - 800);
	/* 5.10: GFP_NOWAIT has nothing that reaches the reserve */
	assert_int_equal(usable_after(KVER(5, 10, 0), 0, 0), 5000 - 300 - 800);
}

/* The order loop: which free lists satisfy an order-2 request. */
static bool block_ok(kver_t kv, int mt, unsigned flags)
{
	struct zone *z = plain_zone(kv, 5000, 0, 0);
	z->free_area[3].free_list[mt] = 1234;
	z->free_area[3].nr_free = 1;
	z->free_area[3].nr_free_mt[mt] = 1;
	return zone_watermark_ok(z, 2, 1000, 0, flags, NULL);
}

static void test_order_loop(void **state)
{
	(void)state;
	assert_true(block_ok(KVER(5, 4, 0), MIGRATE_UNMOVABLE, ALLOC_WMARK_MIN));
	/* CMA blocks only for ALLOC_CMA (movable) requests */
	assert_false(block_ok(KVER(5, 4, 0), MIGRATE_CMA, ALLOC_WMARK_MIN));
	assert_true(block_ok(KVER(5, 4, 0), MIGRATE_CMA, ALLOC_CMA));
	/* highatomic: 4.9 harder takes any block, even ISOLATE */
	assert_true(block_ok(KVER(4, 9, 0), MIGRATE_ISOLATE, ALLOC_HARDER));
	assert_false(block_ok(KVER(5, 4, 0), MIGRATE_ISOLATE, ALLOC_HARDER));
	assert_true(block_ok(KVER(5, 4, 0), MIGRATE_HIGHATOMIC, ALLOC_HARDER));
	assert_false(block_ok(KVER(5, 4, 0), MIGRATE_HIGHATOMIC, ALLOC_WMARK_MIN));
	/* 6.3+: ALLOC_HIGHATOMIC or ALLOC_OOM, not NON_BLOCK alone */
	assert_true(block_ok(KVER(6, 12, 0), MIGRATE_HIGHATOMIC, ALLOC_HIGHATOMIC));
	assert_true(block_ok(KVER(6, 12, 0), MIGRATE_HIGHATOMIC, ALLOC_OOM));
	assert_false(block_ok(KVER(6, 12, 0), MIGRATE_HIGHATOMIC, ALLOC_NON_BLOCK));
}

/* 5.4+: an atomic order-0 request that fails at the boosted min retries
 * without the boost. */
/* Before 4.4 a high-order request needed the free pages *above* each lower
 * order to beat a watermark halved per order, whatever lists held them:
 * 4700 of 5000 free pages at order 0 leave 293 ≤ 1000/2, so an order-3
 * request fails on 3.10 although an order-3 block is free — which 4.9's
 * per-list loop accepts. */
static bool order3_ok(kver_t kv)
{
	struct zone *z = plain_zone(kv, 5000, 0, 0);
	z->free_area[0].nr_free = 4700;
	z->free_area[3].free_list[MIGRATE_UNMOVABLE] = 1234;
	z->free_area[3].nr_free = 1;
	z->free_area[3].nr_free_mt[MIGRATE_UNMOVABLE] = 1;
	return zone_watermark_ok(z, 3, 1000, 0, ALLOC_WMARK_MIN, NULL);
}

static void test_order_loop_pre_4_4(void **state)
{
	(void)state;
	assert_false(order3_ok(KVER(3, 10, 0)));
	assert_true(order3_ok(KVER(4, 9, 0)));
	/* with 4000 pages at order 0: 993 > 500, then 993 > 250 and 125 */
	struct zone *z = plain_zone(KVER(3, 10, 0), 5000, 0, 0);
	z->free_area[0].nr_free = 4000;
	assert_true(zone_watermark_ok(z, 3, 1000, 0, ALLOC_WMARK_MIN, NULL));
}

static void test_boost_ignored_for_atomic(void **state)
{
	(void)state;
	struct zone *z = plain_zone(KVER(5, 4, 0), 900, 0, 0);
	z->_watermark[WMARK_MIN] = 1000;
	z->watermark_boost = 4000;
	unsigned flags = ALLOC_WMARK_MIN | ALLOC_HIGH | ALLOC_HARDER;
	assert_true(zone_watermark_fast(z, 0, 5000, 0, flags, GFP_ATOMIC, NULL));
	assert_false(zone_watermark_fast(z, 0, 5000, 0, ALLOC_WMARK_MIN, GFP_KERNEL, NULL));
	z->zone_pgdat->kv = KVER(4, 19, 0);
	assert_false(zone_watermark_fast(z, 0, 5000, 0, flags, GFP_ATOMIC, NULL));
}

/* seed000 (C-SKY, 4.9.56): Normal min:2444kB low:3052kB high:3660kB with
 * managed:734568kB, of which 90112 pages are CMA.  4.9 ran
 * init_per_zone_wmark_min() before cma_init_reserved_areas(): the marks
 * come from the 93530 pages managed without CMA (min_free_kbytes
 * int_sqrt(374120·16) = 2446, min 611 pages, low−min 611/4 = 152).  A
 * stable 4.9.234+ computes them after, from all 183642 pages. */
static void boot_profile(const char *name, kver_t kv, unsigned long want_kb[3],
			 long *lowmem_reserve)
{
	struct machine_desc d = *machine_profile(name);
	struct pglist_data p;
	struct gfp_error err;

	d.kernel = kv;
	assert_int_equal(node_init(&p, &d, NULL, &err), 0);
	for (int w = 0; w < NR_WMARK; w++)
		want_kb[w] = pages_to_kb(&p, p.node_zones[0]._watermark[w]);
	assert_int_equal(p.node_zones[0].managed_pages, 734568 / 4);
	*lowmem_reserve = p.node_zones[0].lowmem_reserve[1];
	node_destroy(&p);
}

static void test_seed000_marks_before_cma(void **state)
{
	(void)state;
	unsigned long kb[3];
	long reserve;

	boot_profile("csky-4.9-usb-gadget", KVER(4, 9, 56), kb, &reserve);
	assert_int_equal(kb[WMARK_MIN], 2444);
	assert_int_equal(kb[WMARK_LOW], 3052);
	assert_int_equal(kb[WMARK_HIGH], 3660);
	assert_int_equal(reserve, 0);

	/* after e08d3fdfe2da: the CMA pages count */
	boot_profile("csky-4.9-usb-gadget", KVER(4, 9, 234), kb, &reserve);
	assert_int_equal(kb[WMARK_MIN], 3428);
	assert_int_equal(kb[WMARK_LOW], 4284);
	assert_int_equal(kb[WMARK_HIGH], 5140);
	boot_profile("csky-4.9-usb-gadget", KVER(4, 9, 233), kb, &reserve);
	assert_int_equal(kb[WMARK_MIN], 2444);
	boot_profile("csky-4.9-usb-gadget", KVER(5, 9, 0), kb, &reserve);
	assert_int_equal(kb[WMARK_MIN], 3428);
	boot_profile("csky-4.9-usb-gadget", KVER(5, 8, 3), kb, &reserve);
	assert_int_equal(kb[WMARK_MIN], 2444);
	/* before bc22af74f271 it was a module_init, after CMA */
	boot_profile("csky-4.9-usb-gadget", KVER(4, 6, 0), kb, &reserve);
	assert_int_equal(kb[WMARK_MIN], 3428);
}

/* The sysctl written after boot (a profile's min_free_kbytes) recomputes
 * the marks with the CMA pages managed, as min_free_kbytes_sysctl_handler()
 * does on the board. */
static void test_sysctl_after_cma(void **state)
{
	(void)state;
	struct machine_desc d = *machine_profile("csky-4.9-usb-gadget");
	struct pglist_data p;
	struct gfp_error err;

	d.min_free_kbytes = 2446;
	assert_int_equal(node_init(&p, &d, NULL, &err), 0);
	/* 2446/4 = 611 pages over 183642 managed: low−min = managed/1000 */
	assert_int_equal(p.node_zones[0]._watermark[WMARK_MIN], 611);
	assert_int_equal(p.node_zones[0]._watermark[WMARK_LOW] -
			 p.node_zones[0]._watermark[WMARK_MIN], 183642 * 10 / 10000);
	node_destroy(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_example_4_9),
		cmocka_unit_test(test_reference_example_5_4),
		cmocka_unit_test(test_reference_example_6_1),
		cmocka_unit_test(test_reference_example_6_12),
		cmocka_unit_test(test_thp_raises_min_free_kbytes),
		cmocka_unit_test(test_user_min_free_kbytes),
		cmocka_unit_test(test_min_free_kbytes_caps),
		cmocka_unit_test(test_lowmem_reserve_empty_zone),
		cmocka_unit_test(test_highmem),
		cmocka_unit_test(test_seed001_marks),
		cmocka_unit_test(test_seed001_atomic_order0),
		cmocka_unit_test(test_discounts_per_version),
		cmocka_unit_test(test_unusable_free),
		cmocka_unit_test(test_order_loop),
		cmocka_unit_test(test_order_loop_pre_4_4),
		cmocka_unit_test(test_boost_ignored_for_atomic),
		cmocka_unit_test(test_seed000_marks_before_cma),
		cmocka_unit_test(test_sysctl_after_cma),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
