/* Deferred struct page init: a node boots without writing the struct
 * pages of its max-order boot blocks, and nothing it reports or hands out
 * differs from a node whose every block was written.
 *
 * The reference ("materialised") node is booted the same way, then every
 * max-order movable block is taken out and released again, in ascending
 * pfn order, with free_pages_core() — the kernel's boot release done block
 * by block, with every struct page written.  The two nodes then run the
 * same requests and must agree pfn for pfn, line for line and byte for
 * byte (snapshots); check_node() runs on both after every step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fixture.h"
#include "mm/deferred.h"
#include "mm/initial_state.h"
#include "mm/page_alloc.h"
#include "mm/zone_load.h"
#include "report/report.h"
#include "report/snapshot.h"
#include "mm/internal.h"
#include "testdata.h"

#define MiB (1ULL << 20)
#define TEXT_MAX (64 * 1024)

#define CHECK(pgdat)                                                          \
	do {                                                                  \
		char msg_[256];                                               \
		if (check_node((pgdat), msg_, sizeof(msg_)))                  \
			fail_msg("check_node: %s", msg_);                     \
	} while (0)


/* ---- machines ------------------------------------------------------------ */

/* Three zones with every awkward edge: DMA with its first MiB reserved,
 * DMA32 ending off a 4 MiB boundary, a hole, Normal with 3 MiB reserved
 * and a CMA area that (from 5.18, where CMA needs only pageblock
 * alignment) shares a 4 MiB block with movable memory. */
static void small_machine(struct machine_desc *d, kver_t kv)
{
	fixture_desc(d, kv, 12);
	kver_format(kv, d->release, sizeof(d->release));
	fixture_zone(d, ZONE_DMA, 0, 16 * MiB, 1 * MiB);
	fixture_zone(d, ZONE_DMA32, 16 * MiB, 46 * MiB, 0);
	fixture_zone(d, ZONE_NORMAL, 128 * MiB, 64 * MiB, 3 * MiB);
	if (kv >= KVER(5, 18, 0))
		fixture_cma(d, "reserved", 138 * MiB, 6 * MiB);
	else
		fixture_cma(d, "reserved", 136 * MiB, 8 * MiB);
}

static int cmp_pfn(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return x < y ? -1 : x > y;
}

/* Boot, then release every max-order movable block again by hand. */
static struct pglist_data *materialised(const struct machine_desc *d)
{
	static unsigned long pfns[8192];
	struct pglist_data *p = fixture_node(d);
	unsigned max = p->nr_page_orders - 1;

	for (unsigned i = 0; i < p->nr_zones; i++) {
		struct zone *z = &p->node_zones[i];
		size_t n = 0;

		pthread_mutex_lock(&z->lock);
		while (z->free_area[max].nr_free_mt[MIGRATE_MOVABLE]) {
			assert_true(n < sizeof(pfns) / sizeof(pfns[0]));
			pfns[n++] = rmqueue_smallest(z, max, MIGRATE_MOVABLE);
		}
		assert_false(z->deferred.active);
		qsort(pfns, n, sizeof(pfns[0]), cmp_pfn);
		for (size_t k = 0; k < n; k++)
			free_pages_core(z, pfns[k], max, MIGRATE_MOVABLE);
		pthread_mutex_unlock(&z->lock);
	}
	CHECK(p);
	return p;
}

/* ---- what a node says ---------------------------------------------------- */

static const char *node_text(struct pglist_data *p, char *buf, size_t len)
{
	struct sbuf sb = SBUF_INIT(buf, len);

	for (unsigned i = 0; i < p->nr_zones; i++)
		if (zone_populated(&p->node_zones[i]))
			show_buddy_line(&sb, p, &p->node_zones[i]);
	show_buddyinfo(&sb, p);
	show_pagetypeinfo(&sb, p);
	show_mem(&sb, p, GFP_KERNEL, 0);
	assert_false(sb_overflowed(&sb));
	return sb_str(&sb);
}

static void assert_same_text(struct pglist_data *a, struct pglist_data *b)
{
	static char ta[TEXT_MAX], tb[TEXT_MAX];
	assert_string_equal(node_text(a, ta, sizeof(ta)), node_text(b, tb, sizeof(tb)));
}

static void assert_same_snapshot(struct pglist_data *a, struct pglist_data *b)
{
	struct snapshot sa, sb;
	struct gfp_error err = { "" };

	if (snapshot_from_node(a, "test", &sa, &err) ||
	    snapshot_from_node(b, "test", &sb, &err))
		fail_msg("snapshot: %s", err.msg);
	assert_int_equal(sa.data_len, sb.data_len);
	assert_memory_equal(sa.data, sb.data, sa.data_len);
	snapshot_release(&sa);
	snapshot_release(&sb);
}

/* Resident pages of the mem_map mapping (mincore(2)), and in *reserved
 * those of them that hold only boot-reserved frames' struct pages. */
static size_t resident_of(const struct pglist_data *p, size_t *total,
			  size_t *reserved)
{
	static unsigned char vec[1 << 16];
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (p->node_spanned_pages * sizeof(struct page) + pg - 1) & ~(pg - 1);
	size_t n = 0;

	*total = len / pg;
	assert_true(*total <= sizeof(vec));
	assert_int_equal(mincore(p->mem_map, len, vec), 0);
	for (size_t i = 0; i < *total; i++)
		n += vec[i] & 1;
	*reserved = 0;
	for (unsigned z = 0; z < p->nr_zones; z++) {
		const struct zone *zone = &p->node_zones[z];
		size_t lo = (zone->zone_start_pfn - p->node_start_pfn) *
			    sizeof(struct page);
		size_t hi = lo + zone->reserved_pages * sizeof(struct page);
		for (size_t i = (lo + pg - 1) / pg; i < hi / pg; i++)
			*reserved += vec[i] & 1;
	}
	return n;
}

/* ---- requests ------------------------------------------------------------ */

static uint64_t rng;

static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(rng >> 33) % n;
}

struct live {
	unsigned long pfn;
	unsigned order;
};

static const gfp_t gfps[] = {
	GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_HIGHUSER_MOVABLE, GFP_ATOMIC,
	GFP_KERNEL | GFP_DMA32, GFP_KERNEL | GFP_DMA,
};
static const unsigned orders[] = { 0, 0, 0, 0, 1, 1, 2, 3, 3, 4, 5, 6, 8, 9, 10, 10 };

/* One request on both nodes: the same verdict and the same frames. */
static bool alloc_both(struct pglist_data *a, struct pglist_data *b,
		       gfp_t gfp, unsigned order, struct live *l)
{
	struct alloc_outcome oa, ob;
	bool ga = alloc_pages_node(a, gfp, order, 0, &oa);
	bool gb = alloc_pages_node(b, gfp, order, 0, &ob);

	assert_int_equal(ga, gb);
	assert_int_equal(oa.verdict, ob.verdict);
	if (!ga)
		return false;
	assert_int_equal(oa.pfn, ob.pfn);
	l->pfn = oa.pfn;
	l->order = order;
	/* user pages: compaction may move them */
	if (gfp & __GFP_MOVABLE) {
		pfn_to_page(a, oa.pfn)->flags |= PG_lru;
		pfn_to_page(b, ob.pfn)->flags |= PG_lru;
	}
	return true;
}

/* `steps` mixed allocations and frees on both nodes. */
static size_t run_mixed(struct pglist_data *a, struct pglist_data *b,
			unsigned steps, uint64_t seed, struct live *live,
			size_t cap)
{
	size_t n = 0;

	rng = seed;
	for (unsigned s = 0; s < steps; s++) {
		if (n == 0 || (n < cap && rnd(10) < 6)) {
			gfp_t gfp = gfps[rnd(sizeof(gfps) / sizeof(gfps[0]))];
			unsigned order = orders[rnd(sizeof(orders) / sizeof(orders[0]))];
			if (alloc_both(a, b, gfp, order, &live[n]))
				n++;
		} else {
			size_t i = rnd((unsigned)n);
			free_pages_node(a, live[i].pfn, live[i].order, 0);
			free_pages_node(b, live[i].pfn, live[i].order, 0);
			live[i] = live[--n];
		}
		CHECK(a);
		CHECK(b);
		if (s % 64 == 0)
			assert_same_text(a, b);
	}
	return n;
}

static unsigned long deferred_left(const struct pglist_data *p)
{
	unsigned long n = 0;
	for (unsigned i = 0; i < p->nr_zones; i++)
		n += p->node_zones[i].deferred.nr;
	return n;
}

/* ---- tests --------------------------------------------------------------- */

/* The default machine (16 GiB, 4K pages: a 128 MiB mem_map) boots with
 * its mem_map all but untouched — the 273 MiB of boot-reserved frames
 * included: they are told by their pfn, never written — and prints the
 * buddy lines the fully written boot printed. */
static void test_big_node_boots_untouched(void **state)
{
	static const char *const lines =
		"Node 0 DMA: 0*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB "
		"0*512kB 1*1024kB (M) 1*2048kB (M) 3*4096kB (M) = 15360kB\n"
		"Node 0 DMA32: 0*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB "
		"0*512kB 0*1024kB 0*2048kB 1020*4096kB (M) = 4177920kB\n"
		"Node 0 Normal: 0*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB "
		"0*512kB 0*1024kB 0*2048kB 3004*4096kB (M) = 12304384kB\n";
	static struct machine_desc d;
	static char buf[TEXT_MAX];
	static struct live live[256];
	(void)state;

	d = *machine_profile("default");
	for (int v = 0; v < 2; v++) {
		d.kernel = v ? KVER(4, 9, 337) : machine_profile("default")->kernel;
		struct pglist_data *p = fixture_node(&d);
		size_t total, in_rsv, before = resident_of(p, &total, &in_rsv);

		assert_int_equal(total, 32768);
		/* 69888 reserved frames: 546 pages of mem_map, none resident */
		unsigned long rsv = 0;
		for (unsigned i = 0; i < p->nr_zones; i++) {
			const struct zone *z = &p->node_zones[i];
			assert_int_equal(z->reserved_pages,
					 z->present_pages - z->managed_pages);
			rsv += z->reserved_pages;
		}
		assert_int_equal(rsv, 69888);
		assert_int_equal(in_rsv, 0);
		/* the DMA zone's edge block heads and each zone's frontier:
		 * a handful of pages */
		assert_in_range(before, 3, 16);
		assert_int_equal(deferred_left(p), 2 + 1019 + 3003);

		struct sbuf sb = SBUF_INIT(buf, sizeof(buf));
		for (unsigned i = 0; i < p->nr_zones; i++)
			if (zone_populated(&p->node_zones[i]))
				show_buddy_line(&sb, p, &p->node_zones[i]);
		assert_string_equal(sb_str(&sb), lines);

		/* the checker reads no deferred struct page: only the
		 * interiors of listed free blocks (a frontier's 32 KiB of
		 * mem_map, the DMA zone's edge blocks) */
		CHECK(p);
		size_t after_check = resident_of(p, &total, &in_rsv);
		assert_in_range(after_check, before, before + 3 * 8 + 8);
		assert_int_equal(in_rsv, 0);

		/* requests take blocks one by one; the rest stay untouched */
		rng = 42;
		size_t n = 0;
		for (int i = 0; i < 200; i++) {
			gfp_t gfp = gfps[rnd(3)];
			unsigned order = orders[rnd(sizeof(orders) / sizeof(orders[0]))];
			struct alloc_outcome out;
			if (alloc_pages_node(p, gfp, order, 0, &out)) {
				live[n].pfn = out.pfn;
				live[n++].order = order;
			}
		}
		assert_int_equal(n, 200);
		CHECK(p);
		assert_int_equal(p->node_zones[2].free_area[10].nr_free,
				 p->node_zones[2].deferred.nr + 1);
		assert_true(resident_of(p, &total, &in_rsv) < total / 16);
		assert_int_equal(in_rsv, 0);
		assert_true(deferred_left(p) > 3900);
		for (size_t i = 0; i < n; i++)
			free_pages_node(p, live[i].pfn, live[i].order, 0);
		drain_all_pages(p);
		CHECK(p);
		resident_of(p, &total, &in_rsv);
		assert_int_equal(in_rsv, 0);
		fixture_node_free(p);
	}
}

/* Boot blocks come off the list in the kernel's order around blocks
 * added at the head and at the tail: [head adds] [boot blocks] [tail
 * adds], the boot blocks lowest first from 5.10 and highest first before. */
static void test_list_order_around_boot_blocks(void **state)
{
	static struct machine_desc d;
	(void)state;

	for (size_t v = 0; v < NR_TEST_KERNELS; v++) {
		small_machine(&d, test_kernels[v]);
		struct pglist_data *a = fixture_node(&d);
		struct pglist_data *b = materialised(&d);
		struct zone *za = &a->node_zones[1], *zb = &b->node_zones[1];
		unsigned max = a->nr_page_orders - 1;
		unsigned long x[3];

		assert_true(za->deferred.active);
		assert_true(za->deferred.nr > 2);
		pthread_mutex_lock(&za->lock);
		pthread_mutex_lock(&zb->lock);
		for (int i = 0; i < 3; i++) {
			x[i] = rmqueue_smallest(za, max, MIGRATE_MOVABLE);
			assert_int_equal(rmqueue_smallest(zb, max, MIGRATE_MOVABLE), x[i]);
		}
		/* DMA32's blocks: 16M..60M, lowest first from 5.10 */
		assert_int_equal(x[0], test_kernels[v] >= KVER(5, 10, 0) ?
				 (16 * MiB) >> 12 : (56 * MiB) >> 12);
		free_one_page(za, x[0], max, MIGRATE_MOVABLE);          /* head */
		free_one_page(zb, x[0], max, MIGRATE_MOVABLE);
		free_pages_core(za, x[1], max, MIGRATE_MOVABLE);        /* tail from 5.10 */
		free_pages_core(zb, x[1], max, MIGRATE_MOVABLE);
		pthread_mutex_unlock(&zb->lock);
		pthread_mutex_unlock(&za->lock);
		CHECK(a);
		CHECK(b);
		assert_same_text(a, b);

		pthread_mutex_lock(&za->lock);
		pthread_mutex_lock(&zb->lock);
		unsigned long pa, n = 0;
		while ((pa = rmqueue_smallest(za, max, MIGRATE_MOVABLE)) != PFN_NIL) {
			assert_int_equal(rmqueue_smallest(zb, max, MIGRATE_MOVABLE), pa);
			/* the last head add: x[1] before 5.10 */
			if (n == 0)
				assert_int_equal(pa, test_kernels[v] >= KVER(5, 10, 0) ? x[0] : x[1]);
			n++;
		}
		assert_int_equal(rmqueue_smallest(zb, max, MIGRATE_MOVABLE), PFN_NIL);
		assert_false(za->deferred.active);
		pthread_mutex_unlock(&zb->lock);
		pthread_mutex_unlock(&za->lock);
		CHECK(a);
		CHECK(b);
		fixture_node_free(a);
		fixture_node_free(b);
	}
}

/* A few hundred mixed requests, per version: the same frames, the same
 * reports, the same snapshot as the written node; then zone_undefer()
 * changes nothing anyone can see. */
static void test_requests_match_materialised(void **state)
{
	static struct machine_desc d;
	static struct live live[512];
	(void)state;

	for (size_t v = 0; v < NR_TEST_KERNELS; v++) {
		small_machine(&d, test_kernels[v]);
		struct pglist_data *a = fixture_node(&d);
		struct pglist_data *b = materialised(&d);

		assert_true(deferred_left(a) > 0);
		assert_int_equal(deferred_left(b), 0);
		assert_same_text(a, b);
		assert_same_snapshot(a, b);

		run_mixed(a, b, 400, 1000 + v, live, 512);
		assert_same_text(a, b);
		assert_same_snapshot(a, b);

		for (unsigned i = 0; i < a->nr_zones; i++) {
			struct zone *z = &a->node_zones[i];
			pthread_mutex_lock(&z->lock);
			zone_undefer(z);
			pthread_mutex_unlock(&z->lock);
		}
		assert_int_equal(deferred_left(a), 0);
		CHECK(a);
		assert_same_text(a, b);
		assert_same_snapshot(a, b);
		run_mixed(a, b, 100, 2000 + v, live, 512);
		fixture_node_free(a);
		fixture_node_free(b);
	}
}

static unsigned long moves[2][4096][2];
static unsigned nr_moves[2];

static void record_move(void *owner, unsigned long old_pfn,
			unsigned long new_pfn, unsigned order)
{
	unsigned which = owner == NULL ? 0 : 1;
	(void)order;
	if (nr_moves[which] < 4096) {
		moves[which][nr_moves[which]][0] = old_pfn;
		moves[which][nr_moves[which]][1] = new_pfn;
	}
	nr_moves[which]++;
}

/* Direct and whole-node compaction on a node that still has deferred
 * blocks move the same frames to the same places. */
static void test_compaction_on_deferred_node(void **state)
{
	static struct machine_desc d;
	static struct live live[512];
	(void)state;

	for (size_t v = 0; v < NR_TEST_KERNELS; v++) {
		small_machine(&d, test_kernels[v]);
		struct pglist_data *a = fixture_node(&d);
		struct pglist_data *b = materialised(&d);

		size_t n = run_mixed(a, b, 300, 3000 + v, live, 512);
		/* free every other block: holes between the movable ones */
		for (size_t i = 0; i < n; i += 2) {
			free_pages_node(a, live[i].pfn, live[i].order, 0);
			free_pages_node(b, live[i].pfn, live[i].order, 0);
		}
		drain_all_pages(a);
		drain_all_pages(b);
		assert_true(deferred_left(a) > 0);
		/* tell the nodes apart in record_move through the owner */
		for (unsigned long pfn = b->node_start_pfn;
		     pfn < b->node_start_pfn + b->node_spanned_pages; pfn++) {
			struct page *pg = pfn_to_page(b, pfn);
			if ((pg->flags & PG_head) && (pg->flags & PG_lru))
				pg->owner = b;
		}
		a->migrate_page = b->migrate_page = record_move;
		nr_moves[0] = nr_moves[1] = 0;

		for (unsigned i = 0; i < a->nr_zones; i++) {
			bool ca = try_compact_zone(&a->node_zones[i], 10,
						   MIGRATE_MOVABLE, ALLOC_CMA);
			bool cb = try_compact_zone(&b->node_zones[i], 10,
						   MIGRATE_MOVABLE, ALLOC_CMA);
			assert_int_equal(ca, cb);
		}
		CHECK(a);
		CHECK(b);
		assert_int_equal(compact_node(a), compact_node(b));
		CHECK(a);
		CHECK(b);
		assert_int_equal(nr_moves[0], nr_moves[1]);
		assert_true(nr_moves[0] > 0);
		assert_memory_equal(moves[0], moves[1],
				    sizeof(moves[0][0]) * (nr_moves[0] < 4096 ? nr_moves[0] : 4096));
		assert_same_text(a, b);
		assert_same_snapshot(a, b);
		fixture_node_free(a);
		fixture_node_free(b);
	}
}

/* The loaders rebuild zones that still have deferred blocks: a buddy
 * line and initial.fragment give what they give on a written node. */
static void test_loaders_on_deferred_node(void **state)
{
	static struct machine_desc d;
	static struct live live[512];
	static char line[1024];
	(void)state;

	for (size_t v = 0; v < NR_TEST_KERNELS; v++) {
		struct gfp_error err = { "" };

		/* a buddy line from a used node, loaded into fresh ones */
		small_machine(&d, test_kernels[v]);
		struct pglist_data *a = fixture_node(&d);
		struct pglist_data *b = materialised(&d);
		run_mixed(a, b, 200, 4000 + v, live, 512);
		struct sbuf sb = SBUF_INIT(line, sizeof(line));
		show_buddy_line(&sb, a, &a->node_zones[1]);
		fixture_node_free(a);
		fixture_node_free(b);

		a = fixture_node(&d);
		b = materialised(&d);
		assert_true(a->node_zones[1].deferred.active);
		if (zone_load_buddy_line(a, line, &err) ||
		    zone_load_buddy_line(b, line, &err))
			fail_msg("zone_load_buddy_line: %s", err.msg);
		assert_false(a->node_zones[1].deferred.active);
		CHECK(a);
		CHECK(b);
		static char back[1024];
		struct sbuf sb2 = SBUF_INIT(back, sizeof(back));
		show_buddy_line(&sb2, a, &a->node_zones[1]);
		assert_string_equal(sb_str(&sb2), line);
		assert_same_text(a, b);
		assert_same_snapshot(a, b);
		run_mixed(a, b, 50, 5000 + v, live, 512);
		fixture_node_free(a);
		fixture_node_free(b);

		/* initial.fragment pins frames inside deferred blocks */
		small_machine(&d, test_kernels[v]);
		if (initial_state_set(&d, "initial.fragment", "2% movable", "test", &err))
			fail_msg("initial_state_set: %s", err.msg);
		a = fixture_node(&d);
		b = materialised(&d);
		if (initial_state_apply(a, &d, 7, &err) ||
		    initial_state_apply(b, &d, 7, &err))
			fail_msg("initial_state_apply: %s", err.msg);
		assert_int_equal(deferred_left(a), 0);
		CHECK(a);
		CHECK(b);
		assert_same_text(a, b);
		assert_same_snapshot(a, b);
		assert_int_equal(compact_node(a), compact_node(b));
		assert_same_snapshot(a, b);
		fixture_node_free(a);
		fixture_node_free(b);
	}
}

/* The checker notices a deferred record that disagrees with the lists. */
static void test_check_node_catches_deferred(void **state)
{
	static struct machine_desc d;
	char msg[256];
	(void)state;

	small_machine(&d, KVER(6, 12, 117));
	struct pglist_data *p = fixture_node(&d);
	struct zone *z = &p->node_zones[1];
	struct deferred_blocks keep = z->deferred;

	/* DMA32's 11 blocks 0x1000-0x3c00: the frontier at 0x1000, 10 behind it */
	z->deferred.nr++;
	assert_int_equal(check_node(p, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "DMA32: 11 deferred blocks in pfns 0x1400-0x3c00: "
			       "not aligned order-10 blocks inside the zone"));
	z->deferred = keep;

	z->deferred.nr--;
	assert_int_equal(check_node(p, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "DMA32 order 10 Movable: nr_free_mt 11, recount 10"));
	z->deferred = keep;

	z->deferred.active = false;
	assert_int_equal(check_node(p, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "DMA32: 10 deferred blocks but no frontier"));
	z->deferred = keep;

	z->deferred.frontier += 1024;
	assert_int_equal(check_node(p, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "deferred frontier pfn 0x1400 is not a free"));
	z->deferred = keep;

	/* a deferred block's pageblock of another type (6.10+) */
	set_pageblock_migratetype(p, z->deferred.hi - 512, MIGRATE_UNMOVABLE);
	assert_int_equal(check_node(p, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "deferred block at pfn 0x3800 is on the Movable "
			       "list but pfn 0x3a00's pageblock is Unmovable"));
	set_pageblock_migratetype(p, z->deferred.hi - 512, MIGRATE_MOVABLE);
	CHECK(p);
	fixture_node_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_big_node_boots_untouched),
		cmocka_unit_test(test_list_order_around_boot_blocks),
		cmocka_unit_test(test_requests_match_materialised),
		cmocka_unit_test(test_compaction_on_deferred_node),
		cmocka_unit_test(test_loaders_on_deferred_node),
		cmocka_unit_test(test_check_node_catches_deferred),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
