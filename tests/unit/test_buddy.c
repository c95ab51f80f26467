/* The buddy allocator, block by block: exact placement, split and merge,
 * each version's fallback and CMA rules, the highatomic reserve, and
 * compaction.  check_node() runs after every step.
 *
 * Nodes are x86_64-like (4K pages, orders 0..10, pageblock_order 9) with one
 * Normal zone starting at pfn 0; the boot release leaves every pageblock
 * MIGRATE_MOVABLE (CMA areas MIGRATE_CMA).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "mm/page_alloc.h"
#include "mm/internal.h"
#include "testdata.h"

#define MiB (1ULL << 20)

static const kver_t v49 = KVER(4, 9, 337);
static const kver_t v54 = KVER(5, 4, 286);
static const kver_t v510 = KVER(5, 10, 228);
static const kver_t v612 = KVER(6, 12, 117);

static struct machine_desc desc;

static struct pglist_data *boot(kver_t kv, uint64_t size, uint64_t cma_base,
				uint64_t cma_size)
{
	fixture_desc(&desc, kv, 12);
	fixture_zone(&desc, ZONE_NORMAL, 0, size, 0);
	if (cma_size)
		fixture_cma(&desc, "reserved", cma_base, cma_size);
	return fixture_node(&desc);
}

#define CHECK(pgdat)                                                          \
	do {                                                                  \
		char msg_[256];                                               \
		if (check_node((pgdat), msg_, sizeof(msg_)))                  \
			fail_msg("check_node: %s", msg_);                     \
	} while (0)

static struct zone *normal(struct pglist_data *pgdat)
{
	return &pgdat->node_zones[0];
}

/* the zone lock is held around buddy primitives, as their callers do */
static unsigned long take(struct pglist_data *pgdat, unsigned order, int mt,
			  unsigned flags)
{
	struct zone *z = normal(pgdat);
	pthread_mutex_lock(&z->lock);
	unsigned long pfn = rmqueue(z, order, mt, flags);
	pthread_mutex_unlock(&z->lock);
	CHECK(pgdat);
	return pfn;
}

static void give(struct pglist_data *pgdat, unsigned long pfn, unsigned order)
{
	struct zone *z = normal(pgdat);
	pthread_mutex_lock(&z->lock);
	free_one_page(z, pfn, order, get_pageblock_migratetype(pgdat, pfn));
	pthread_mutex_unlock(&z->lock);
	CHECK(pgdat);
}

static unsigned long nr_free(struct pglist_data *pgdat, unsigned order, int mt)
{
	return normal(pgdat)->free_area[order].nr_free_mt[mt];
}

#define FOR_EACH_VERSION(kv)                                                  \
	for (size_t vi_ = 0; vi_ < NR_TEST_KERNELS && \
	     ((kv) = test_kernels[vi_], 1); vi_++)

/* allocate, allocate, fail, free, and the same frames come back */
static void test_exact_placement(void **state)
{
	kver_t kv;
	(void)state;
	FOR_EACH_VERSION(kv) {
		struct pglist_data *p = boot(kv, 4 * MiB, 0, 0);
		CHECK(p);
		assert_int_equal(normal(p)->vm_stat[NR_FREE_PAGES], 1024);
		assert_int_equal(nr_free(p, 10, MIGRATE_MOVABLE), 1);

		assert_int_equal(take(p, 9, MIGRATE_MOVABLE, 0), 0);
		assert_int_equal(take(p, 9, MIGRATE_MOVABLE, 0), 512);
		assert_int_equal(take(p, 9, MIGRATE_MOVABLE, 0), PFN_NIL);
		assert_int_equal(take(p, 0, MIGRATE_MOVABLE, 0), PFN_NIL);
		assert_int_equal(normal(p)->vm_stat[NR_FREE_PAGES], 0);

		give(p, 512, 9);
		give(p, 0, 9);
		assert_int_equal(nr_free(p, 10, MIGRATE_MOVABLE), 1);
		assert_int_equal(nr_free(p, 9, MIGRATE_MOVABLE), 0);
		assert_int_equal(take(p, 9, MIGRATE_MOVABLE, 0), 0);
		assert_int_equal(take(p, 9, MIGRATE_MOVABLE, 0), 512);
		fixture_node_free(p);
	}
}

/* expand() hands out the low half and keeps one block of each order */
static void test_split_order(void **state)
{
	kver_t kv;
	(void)state;
	FOR_EACH_VERSION(kv) {
		struct pglist_data *p = boot(kv, 4 * MiB, 0, 0);

		assert_int_equal(take(p, 0, MIGRATE_MOVABLE, 0), 0);
		for (unsigned o = 0; o < 10; o++) {
			assert_int_equal(nr_free(p, o, MIGRATE_MOVABLE), 1);
			assert_int_equal(normal(p)->free_area[o].free_list[MIGRATE_MOVABLE],
					 1UL << o);
		}
		assert_int_equal(nr_free(p, 10, MIGRATE_MOVABLE), 0);
		assert_int_equal(take(p, 0, MIGRATE_MOVABLE, 0), 1);
		assert_int_equal(take(p, 1, MIGRATE_MOVABLE, 0), 2);
		/* the order-2 block at 4 splits: 4 out, 5 and 6 back */
		assert_int_equal(take(p, 0, MIGRATE_MOVABLE, 0), 4);
		assert_int_equal(take(p, 0, MIGRATE_MOVABLE, 0), 5);
		assert_int_equal(take(p, 0, MIGRATE_MOVABLE, 0), 6);
		assert_int_equal(take(p, 0, MIGRATE_MOVABLE, 0), 7);
		assert_int_equal(take(p, 3, MIGRATE_MOVABLE, 0), 8);
		assert_int_equal(normal(p)->vm_stat[NR_FREE_PAGES], 1024 - 16);
		fixture_node_free(p);
	}
}

/* every frame allocated singly, freed in a scrambled order: one block of
 * order NR_PAGE_ORDERS-1 again */
static void test_merge_to_max_order(void **state)
{
	kver_t kv;
	(void)state;
	FOR_EACH_VERSION(kv) {
		struct pglist_data *p = boot(kv, 4 * MiB, 0, 0);
		struct zone *z = normal(p);

		pthread_mutex_lock(&z->lock);
		for (unsigned long i = 0; i < 1024; i++)
			assert_int_equal(rmqueue(z, 0, MIGRATE_MOVABLE, 0), i);
		assert_int_equal(rmqueue(z, 0, MIGRATE_MOVABLE, 0), PFN_NIL);
		pthread_mutex_unlock(&z->lock);
		CHECK(p);
		for (unsigned long i = 0; i < 1024; i++) {
			unsigned long pfn = (i * 389) % 1024;   /* 389 is odd: a permutation */
			pthread_mutex_lock(&z->lock);
			free_one_page(z, pfn, 0, MIGRATE_MOVABLE);
			pthread_mutex_unlock(&z->lock);
			if (i % 64 == 0 || i > 1016)
				CHECK(p);
		}
		assert_int_equal(z->free_area[10].nr_free, 1);
		for (unsigned o = 0; o < 10; o++)
			assert_int_equal(z->free_area[o].nr_free, 0);
		assert_int_equal(z->vm_stat[NR_FREE_PAGES], 1024);
		fixture_node_free(p);
	}
}

/* __free_pages_core(): the boot release goes to the tail from 5.10, so
 * 5.10+ hands out low frames first and 4.9/5.4 high ones */
static void test_boot_release_order(void **state)
{
	static const struct { kver_t kv; unsigned long first; } cases[] = {
		{ KVER(4, 9, 337), 1024 }, { KVER(5, 4, 286), 1024 },
		{ KVER(5, 10, 228), 0 }, { KVER(6, 12, 117), 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pglist_data *p = boot(cases[i].kv, 8 * MiB, 0, 0);
		struct zone *z = normal(p);
		unsigned long a = take(p, 10, MIGRATE_MOVABLE, 0);
		unsigned long b = take(p, 10, MIGRATE_MOVABLE, 0);
		assert_int_equal(a + b, 1024);

		pthread_mutex_lock(&z->lock);
		free_pages_core(z, 0, 10, MIGRATE_MOVABLE);
		free_pages_core(z, 1024, 10, MIGRATE_MOVABLE);
		pthread_mutex_unlock(&z->lock);
		CHECK(p);
		assert_int_equal(take(p, 10, MIGRATE_MOVABLE, 0), cases[i].first);
		fixture_node_free(p);
	}
}

/* buddy_merge_likely(): a block whose buddy is busy but whose parent's
 * buddy is free goes to the tail of its list, so it stays free longer */
static void test_free_to_tail_when_merge_likely(void **state)
{
	kver_t kv;
	(void)state;
	FOR_EACH_VERSION(kv) {
		struct pglist_data *p = boot(kv, 4 * MiB, 0, 0);
		struct zone *z = normal(p);

		pthread_mutex_lock(&z->lock);
		for (unsigned long i = 0; i < 8; i++)
			rmqueue(z, 0, MIGRATE_MOVABLE, 0);
		pthread_mutex_unlock(&z->lock);
		give(p, 2, 0);
		give(p, 3, 0);      /* order 1 at 2 */
		give(p, 5, 0);      /* buddy 4 busy, parent's buddy 6 busy: head */
		give(p, 0, 0);      /* buddy 1 busy, parent's buddy 2 free: tail */
		uint32_t head = z->free_area[0].free_list[MIGRATE_MOVABLE];
		assert_int_equal(head, 5);
		assert_int_equal(pfn_to_page(p, head)->prev, 0);
		assert_int_equal(take(p, 0, MIGRATE_MOVABLE, 0), 5);
		give(p, 1, 0);      /* 0..3 merge */
		assert_int_equal(z->free_area[2].nr_free_mt[MIGRATE_MOVABLE], 1);
		fixture_node_free(p);
	}
}

/* Build a one-pageblock zone (512 pages) with every frame allocated
 * singly; `lru` marks them movable user pages. */
static struct pglist_data *full_pageblock(kver_t kv, bool lru)
{
	struct pglist_data *p = boot(kv, 2 * MiB, 0, 0);
	struct zone *z = normal(p);

	pthread_mutex_lock(&z->lock);
	for (unsigned long i = 0; i < 512; i++) {
		assert_int_equal(rmqueue(z, 0, MIGRATE_MOVABLE, 0), i);
		if (lru)
			pfn_to_page(p, i)->flags |= PG_lru;
	}
	pthread_mutex_unlock(&z->lock);
	CHECK(p);
	return p;
}

/* An UNMOVABLE request falls back onto a MOVABLE pageblock holding 8
 * scattered free pages and a free order-3 block.  4.9 claims the block
 * only when half of it is free; 4.13+ also counts the allocated pages
 * that are not movable as alike. */
static void steal_scenario(kver_t kv, bool lru, int *block_mt_after,
			   unsigned long *pfn_out, struct pglist_data **pout)
{
	struct pglist_data *p = full_pageblock(kv, lru);

	for (unsigned long i = 0; i < 8; i++)
		give(p, 100 + 2 * i, 0);
	for (unsigned long i = 64; i < 72; i++)
		give(p, i, 0);
	assert_int_equal(nr_free(p, 3, MIGRATE_MOVABLE), 1);
	*pfn_out = take(p, 0, MIGRATE_UNMOVABLE, 0);
	*block_mt_after = get_pageblock_migratetype(p, 0);
	*pout = p;
}

static void test_steal_claims_pageblock_per_version(void **state)
{
	int mt;
	unsigned long pfn;
	struct pglist_data *p;
	(void)state;

	/* 4.9: 16 free pages < 256: the block stays MOVABLE, but its free
	 * pages move to the UNMOVABLE lists and the largest block is used */
	steal_scenario(v49, false, &mt, &pfn, &p);
	assert_int_equal(mt, MIGRATE_MOVABLE);
	assert_int_equal(pfn, 64);
	assert_int_equal(nr_free(p, 0, MIGRATE_MOVABLE), 0);
	assert_int_equal(nr_free(p, 0, MIGRATE_UNMOVABLE), 9);
	fixture_node_free(p);

	/* 5.4, 6.12: 496 non-movable allocated pages are alike: claimed */
	steal_scenario(v54, false, &mt, &pfn, &p);
	assert_int_equal(mt, MIGRATE_UNMOVABLE);
	assert_int_equal(nr_free(p, 0, MIGRATE_MOVABLE), 0);
	fixture_node_free(p);
	steal_scenario(v612, false, &mt, &pfn, &p);
	assert_int_equal(mt, MIGRATE_UNMOVABLE);
	assert_int_equal(pfn, 100);
	assert_int_equal(nr_free(p, 0, MIGRATE_MOVABLE), 0);
	fixture_node_free(p);
}

static void test_steal_movable_neighbours_per_version(void **state)
{
	int mt;
	unsigned long pfn;
	struct pglist_data *p;
	(void)state;

	/* the rest of the block is movable user pages: nobody claims it */
	steal_scenario(v49, true, &mt, &pfn, &p);
	assert_int_equal(mt, MIGRATE_MOVABLE);
	assert_int_equal(pfn, 64);
	fixture_node_free(p);

	/* 5.4: the free pages moved to the head of the UNMOVABLE lists in pfn
	 * order, so the retry takes the last one moved */
	steal_scenario(v54, true, &mt, &pfn, &p);
	assert_int_equal(mt, MIGRATE_MOVABLE);
	assert_int_equal(pfn, 114);
	assert_int_equal(nr_free(p, 0, MIGRATE_MOVABLE), 0);
	assert_int_equal(nr_free(p, 3, MIGRATE_UNMOVABLE), 1);
	fixture_node_free(p);

	/* 5.10: moved to the tail instead: the first one moved */
	steal_scenario(v510, true, &mt, &pfn, &p);
	assert_int_equal(mt, MIGRATE_MOVABLE);
	assert_int_equal(pfn, 100);
	fixture_node_free(p);

	/* 6.12.117: no claim, so __rmqueue_steal takes the smallest block
	 * (the last freed, at the head) and leaves the rest MOVABLE */
	steal_scenario(v612, true, &mt, &pfn, &p);
	assert_int_equal(mt, MIGRATE_MOVABLE);
	assert_int_equal(pfn, 114);
	assert_int_equal(nr_free(p, 0, MIGRATE_MOVABLE), 7);
	assert_int_equal(nr_free(p, 3, MIGRATE_MOVABLE), 1);
	assert_int_equal(nr_free(p, 0, MIGRATE_UNMOVABLE), 0);
	fixture_node_free(p);
}

/* A MOVABLE request with only an UNMOVABLE pageblock's order-3 and order-1
 * blocks free: 4.9 takes the largest; 5.x (find_smallest) and 6.12
 * (__rmqueue_steal) the smallest, 6.12 leaving its remainder on the
 * UNMOVABLE list. */
static struct pglist_data *unmovable_block(kver_t kv)
{
	struct pglist_data *p = full_pageblock(kv, false);
	set_pageblock_migratetype(p, 0, MIGRATE_UNMOVABLE);
	for (unsigned long i = 8; i < 16; i++)
		give(p, i, 0);
	give(p, 2, 0);
	give(p, 3, 0);
	assert_int_equal(nr_free(p, 3, MIGRATE_UNMOVABLE), 1);
	assert_int_equal(nr_free(p, 1, MIGRATE_UNMOVABLE), 1);
	return p;
}

static void test_movable_fallback_smallest(void **state)
{
	(void)state;
	struct pglist_data *p = unmovable_block(v49);
	assert_int_equal(take(p, 0, MIGRATE_MOVABLE, 0), 8);
	assert_int_equal(nr_free(p, 0, MIGRATE_MOVABLE), 1);   /* 9 */
	assert_int_equal(nr_free(p, 2, MIGRATE_MOVABLE), 1);   /* 12 */
	assert_int_equal(nr_free(p, 1, MIGRATE_UNMOVABLE), 1); /* 2 untouched */
	assert_int_equal(get_pageblock_migratetype(p, 0), MIGRATE_UNMOVABLE);
	fixture_node_free(p);

	kver_t v5[] = { v54, v510, KVER(6, 1, 0) };
	for (size_t i = 0; i < 3; i++) {
		p = unmovable_block(v5[i]);
		assert_int_equal(take(p, 0, MIGRATE_MOVABLE, 0), 2);
		assert_int_equal(nr_free(p, 0, MIGRATE_MOVABLE), 1);   /* 3 */
		assert_int_equal(nr_free(p, 3, MIGRATE_UNMOVABLE), 1);
		assert_int_equal(get_pageblock_migratetype(p, 0), MIGRATE_UNMOVABLE);
		fixture_node_free(p);
	}

	p = unmovable_block(v612);
	assert_int_equal(take(p, 0, MIGRATE_MOVABLE, 0), 2);
	assert_int_equal(nr_free(p, 0, MIGRATE_MOVABLE), 0);
	assert_int_equal(nr_free(p, 0, MIGRATE_UNMOVABLE), 1);  /* 3 */
	fixture_node_free(p);
}

/* A zone of 3072 pages: 0..1023 normal, 1024..3071 CMA (two thirds free
 * CMA).  4.9 and 5.4 use CMA for movable requests only when the movable
 * lists are empty; 5.10+ goes to CMA first once free_cma > free / 2. */
static void test_cma_use_per_version(void **state)
{
	static const struct { kver_t kv; bool cma_first; } cases[] = {
		{ KVER(4, 9, 337), false }, { KVER(5, 4, 286), false },
		{ KVER(5, 10, 228), true }, { KVER(6, 1, 192), true },
		{ KVER(6, 12, 117), true },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pglist_data *p = boot(cases[i].kv, 12 * MiB, 4 * MiB, 8 * MiB);
		struct zone *z = normal(p);
		CHECK(p);
		assert_int_equal(z->vm_stat[NR_FREE_CMA_PAGES], 2048);
		assert_int_equal(z->vm_stat[NR_FREE_PAGES], 3072);

		unsigned long pfn = take(p, 0, MIGRATE_MOVABLE, ALLOC_CMA);
		assert_int_equal(get_pageblock_migratetype(p, pfn) == MIGRATE_CMA,
				 cases[i].cma_first);
		assert_int_equal(z->vm_stat[NR_FREE_CMA_PAGES],
				 cases[i].cma_first ? 2047 : 2048);
		give(p, pfn, 0);

		/* the non-CMA memory gone: CMA serves movable, never unmovable */
		assert_int_equal(take(p, 10, MIGRATE_UNMOVABLE, 0), 0);
		assert_int_equal(take(p, 0, MIGRATE_UNMOVABLE, 0), PFN_NIL);
		pfn = take(p, 0, MIGRATE_MOVABLE, ALLOC_CMA);
		assert_int_equal(get_pageblock_migratetype(p, pfn), MIGRATE_CMA);
		assert_int_equal(z->vm_stat[NR_FREE_CMA_PAGES], 2047);
		fixture_node_free(p);
	}
}

/* highatomic: the reserve takes a pageblock, serves ALLOC_HARDER /
 * ALLOC_HIGHATOMIC requests only, is capped per version, and is given
 * back one pageblock at a time. */
static void test_highatomic_reserve_and_release(void **state)
{
	static const struct { kver_t kv; unsigned max_blocks; } cases[] = {
		/* 256 MiB: 65536 pages; 4.9/5.x/6.1: 655 + 512 -> 3 blocks,
		 * 6.12: ALIGN(655, 512) = 1024 -> 2 blocks */
		{ KVER(4, 9, 337), 3 }, { KVER(5, 10, 228), 3 },
		{ KVER(6, 1, 192), 3 }, { KVER(6, 12, 117), 2 },
	};
	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		kver_t kv = cases[c].kv;
		unsigned hflag = kver_alloc_reserves_split(kv) ? ALLOC_HIGHATOMIC :
								  ALLOC_HARDER;
		struct pglist_data *p = boot(kv, 256 * MiB, 0, 0);
		struct zone *z = normal(p);
		unsigned long blk[8];

		for (int i = 0; i < 8; i++)
			blk[i] = take(p, 9, MIGRATE_MOVABLE, 0);
		/* even ones: their buddies (odd ones) stay allocated */
		for (int i = 0; i < 8; i += 2) {
			reserve_highatomic_pageblock(z, blk[i], 9);
			CHECK(p);
		}
		assert_int_equal(z->nr_reserved_highatomic, 512 * cases[c].max_blocks);
		unsigned n = 0;
		for (int i = 0; i < 8; i += 2) {
			if (get_pageblock_migratetype(p, blk[i]) == MIGRATE_HIGHATOMIC) {
				give(p, blk[i], 9);
				n++;
			}
		}
		assert_int_equal(n, cases[c].max_blocks);
		assert_int_equal(z->nr_free_highatomic, 512 * n);
		assert_int_equal(nr_free(p, 9, MIGRATE_HIGHATOMIC), n);

		/* only the reserve's users get it */
		unsigned long a = take(p, 1, MIGRATE_UNMOVABLE, hflag);
		assert_int_equal(get_pageblock_migratetype(p, a), MIGRATE_HIGHATOMIC);
		unsigned long b = take(p, 1, MIGRATE_UNMOVABLE, 0);
		assert_int_not_equal(get_pageblock_migratetype(p, b), MIGRATE_HIGHATOMIC);
		give(p, a, 1);
		give(p, b, 1);

		/* released one pageblock at a time, the last one kept */
		unsigned released = 0;
		while (unreserve_highatomic_pageblock(p, 0, MIGRATE_MOVABLE, false)) {
			CHECK(p);
			released++;
		}
		assert_int_equal(released, cases[c].max_blocks - 1);
		assert_int_equal(z->nr_reserved_highatomic, 512);
		assert_true(unreserve_highatomic_pageblock(p, 0, MIGRATE_MOVABLE, true));
		CHECK(p);
		assert_int_equal(z->nr_reserved_highatomic, 0);
		assert_int_equal(z->nr_free_highatomic, 0);
		fixture_node_free(p);
	}
}

/* 6.12: 1% of a 16 MiB zone is under a pageblock: no reserve at all */
static void test_highatomic_small_zone(void **state)
{
	(void)state;
	struct pglist_data *p = boot(v612, 16 * MiB, 0, 0);
	unsigned long pfn = take(p, 1, MIGRATE_UNMOVABLE, ALLOC_HIGHATOMIC);
	reserve_highatomic_pageblock(normal(p), pfn, 1);
	assert_int_equal(normal(p)->nr_reserved_highatomic, 0);
	fixture_node_free(p);

	p = boot(v49, 16 * MiB, 0, 0);
	pfn = take(p, 1, MIGRATE_UNMOVABLE, ALLOC_HARDER);
	reserve_highatomic_pageblock(normal(p), pfn, 1);
	CHECK(p);
	assert_int_equal(normal(p)->nr_reserved_highatomic, 512);
	assert_int_equal(get_pageblock_migratetype(p, pfn), MIGRATE_HIGHATOMIC);
	fixture_node_free(p);
}

/* Compaction: every other frame of a 1024-page zone allocated, nothing of
 * order ≥ 1 free. */
static unsigned nr_moves;
static unsigned long moved_from[64], moved_to[64];

static void record_move(void *owner, unsigned long old_pfn,
			unsigned long new_pfn, unsigned order)
{
	assert_ptr_equal(owner, &nr_moves);
	assert_int_equal(order, 0);
	if (nr_moves < 64) {
		moved_from[nr_moves] = old_pfn;
		moved_to[nr_moves] = new_pfn;
	}
	nr_moves++;
}

static struct pglist_data *checkerboard(kver_t kv, uint8_t flags)
{
	struct pglist_data *p = boot(kv, 4 * MiB, 0, 0);
	struct zone *z = normal(p);

	pthread_mutex_lock(&z->lock);
	for (unsigned long i = 0; i < 1024; i++) {
		rmqueue(z, 0, MIGRATE_MOVABLE, 0);
		pfn_to_page(p, i)->flags |= flags;
		pfn_to_page(p, i)->owner = &nr_moves;
	}
	for (unsigned long i = 0; i < 1024; i += 2)
		free_one_page(z, i, 0, MIGRATE_MOVABLE);
	pthread_mutex_unlock(&z->lock);
	CHECK(p);
	p->migrate_page = record_move;
	nr_moves = 0;
	assert_int_equal(z->free_area[0].nr_free, 512);
	assert_int_equal(z->free_area[1].nr_free, 0);
	return p;
}

static void test_compaction_moves_movable(void **state)
{
	kver_t kv;
	(void)state;
	FOR_EACH_VERSION(kv) {
		struct pglist_data *p = checkerboard(kv, PG_charged);
		struct zone *z = normal(p);

		assert_true(try_compact_zone(z, 4, MIGRATE_UNMOVABLE, 0));
		CHECK(p);
		/* the first 16 frames: their 8 allocated ones moved to the end */
		assert_int_equal(nr_moves, 8);
		for (unsigned i = 0; i < nr_moves; i++) {
			assert_true(moved_from[i] < 16 && (moved_from[i] & 1));
			assert_true(moved_to[i] >= 1024 - 16);
			struct page *np = pfn_to_page(p, moved_to[i]);
			assert_true(np->flags & PG_head);
			assert_true(np->flags & PG_charged);
			assert_ptr_equal(np->owner, &nr_moves);
		}
		assert_true(pfn_to_page(p, 0)->flags & PG_buddy);
		assert_int_equal(pfn_to_page(p, 0)->order, 4);
		assert_int_equal(z->vm_stat[NR_FREE_PAGES], 512);
		/* already there: nothing more to do */
		assert_true(try_compact_zone(z, 4, MIGRATE_UNMOVABLE, 0));
		assert_int_equal(nr_moves, 8);
		assert_int_equal(take(p, 4, MIGRATE_UNMOVABLE, 0), 0);
		fixture_node_free(p);
	}
}

static void test_compaction_cannot_move_unmovable(void **state)
{
	(void)state;
	/* kmalloc-style frames (no PG_charged/PG_lru) and slab frames */
	static const uint8_t kinds[] = { 0, PG_slab, PG_slab | PG_lru };
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct pglist_data *p = checkerboard(v612, kinds[k]);
		assert_false(try_compact_zone(normal(p), 4, MIGRATE_MOVABLE, ALLOC_CMA));
		assert_int_equal(nr_moves, 0);
		CHECK(p);
		fixture_node_free(p);
	}

	/* movable frames, but one pinned frame in every 16-frame range */
	struct pglist_data *p = checkerboard(v54, PG_lru);
	for (unsigned long i = 1; i < 1024; i += 16)
		pfn_to_page(p, i)->flags &= (uint8_t)~PG_lru;
	assert_false(try_compact_zone(normal(p), 4, MIGRATE_MOVABLE, ALLOC_CMA));
	CHECK(p);
	/* order 3 still works: ranges 8..15 have no pinned frame */
	assert_true(try_compact_zone(normal(p), 3, MIGRATE_MOVABLE, ALLOC_CMA));
	CHECK(p);
	assert_true(nr_moves > 0);
	fixture_node_free(p);
}

/* The checker finds what it promises to find. */
static void test_check_node_catches(void **state)
{
	(void)state;
	char msg[256];
	struct pglist_data *p = boot(v510, 4 * MiB, 0, 0);
	struct zone *z = normal(p);

	take(p, 0, MIGRATE_MOVABLE, 0);
	z->vm_stat[NR_FREE_PAGES]++;
	assert_int_equal(check_node(p, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "NR_FREE_PAGES 1024"));
	z->vm_stat[NR_FREE_PAGES]--;

	z->free_area[3].nr_free_mt[MIGRATE_MOVABLE]++;
	assert_int_equal(check_node(p, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "order 3 Movable: nr_free_mt 2, recount 1"));
	z->free_area[3].nr_free_mt[MIGRATE_MOVABLE]--;

	/* a frame lost: neither free nor allocated */
	pfn_to_page(p, 0)->flags = 0;
	assert_int_equal(check_node(p, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "pfn 0 (flags 0) is neither free"));
	pfn_to_page(p, 0)->flags = PG_head;

	/* two free buddies that were not merged */
	pthread_mutex_lock(&z->lock);
	del_page_from_free_list(z, 1);
	add_to_free_list(z, 0, 0, MIGRATE_MOVABLE, false);
	add_to_free_list(z, 1, 0, MIGRATE_MOVABLE, false);
	pthread_mutex_unlock(&z->lock);
	assert_int_equal(check_node(p, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "buddies at pfn 0 and 0x1 were not merged"));
	fixture_node_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_placement),
		cmocka_unit_test(test_split_order),
		cmocka_unit_test(test_merge_to_max_order),
		cmocka_unit_test(test_boot_release_order),
		cmocka_unit_test(test_free_to_tail_when_merge_likely),
		cmocka_unit_test(test_steal_claims_pageblock_per_version),
		cmocka_unit_test(test_steal_movable_neighbours_per_version),
		cmocka_unit_test(test_movable_fallback_smallest),
		cmocka_unit_test(test_cma_use_per_version),
		cmocka_unit_test(test_highatomic_reserve_and_release),
		cmocka_unit_test(test_highatomic_small_zone),
		cmocka_unit_test(test_compaction_moves_movable),
		cmocka_unit_test(test_compaction_cannot_move_unmovable),
		cmocka_unit_test(test_check_node_catches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
