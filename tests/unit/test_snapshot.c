/* Snapshots: a node written to a file and read back says what the node
 * says — free blocks per order and list, per-cpu pages, pageblock types,
 * who owns each allocated block — for a booted machine with live
 * allocations and for real heaps rebuilt from seed logs; and every kind
 * of damaged file is refused with a message naming it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "mm/page_alloc.h"
#include "mm/zone_load.h"
#include "report/report.h"
#include "mm/slab.h"
#include "report/snapshot.h"
#include "testdata.h"

#define TEXT_MAX (64 * 1024)

static char *read_log(const char *name)
{
	static char buf[TEXT_MAX];

	return test_read_log(name, buf, sizeof(buf));
}

static void temp_path(char *path, size_t len)
{
	snprintf(path, len, "/tmp/test_snapshot.XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		fail_msg("mkstemp failed");
	close(fd);
}

/* Every number the snapshot holds about a zone equals the node's, and the
 * runs recount the free lists exactly. */
static void assert_matches_node(const struct snapshot *s,
				const struct pglist_data *pgdat)
{
	assert_int_equal(s->hdr.kernel, pgdat->kv);
	assert_int_equal(s->hdr.page_shift, pgdat->page_shift);
	assert_int_equal(s->hdr.pageblock_order, pgdat->pageblock_order);
	assert_int_equal(s->hdr.nr_zones, pgdat->nr_zones);
	assert_int_equal(s->hdr.node_start_pfn, pgdat->node_start_pfn);
	assert_int_equal(s->hdr.node_spanned_pages, pgdat->node_spanned_pages);
	assert_int_equal(s->desc.kernel, pgdat->desc->kernel);
	assert_int_equal(s->desc.nr_cma, pgdat->desc->nr_cma);

	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		const struct zone *z = &pgdat->node_zones[i];
		const struct snap_zone *sz = &s->zones[i];
		struct snap_totals t;
		unsigned long free = 0, pcp = 0, cma = 0;

		assert_string_equal(sz->name, z->name);
		assert_int_equal(sz->managed_pages, z->managed_pages);
		assert_int_equal(sz->watermark[WMARK_MIN], z->_watermark[WMARK_MIN]);
		assert_int_equal(sz->free_pages, z->vm_stat[NR_FREE_PAGES]);
		if (!z->spanned_pages)
			continue;
		snapshot_totals(s, (int)i, &t);
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			if (mt != MIGRATE_ISOLATE)
				free += t.free_mt[mt];
			pcp += t.pcp_mt[mt];
			for (unsigned o = 0; o < pgdat->nr_page_orders; o++)
				assert_int_equal(t.nr_free[o][mt],
						 z->free_area[o].nr_free_mt[mt]);
		}
		cma = t.free_mt[MIGRATE_CMA];
		assert_int_equal(free, z->vm_stat[NR_FREE_PAGES]);
		assert_int_equal(cma, z->vm_stat[NR_FREE_CMA_PAGES]);
		assert_int_equal(pcp, sz->pcp_pages);
		assert_int_equal(t.pages[SNAP_FREE], free + t.free_mt[MIGRATE_ISOLATE]);
		assert_int_equal(t.pages[SNAP_RESERVED],
				 z->present_pages - z->managed_pages);
	}
	for (unsigned long b = 0; b < s->hdr.nr_pageblocks; b++) {
		unsigned long pfn = snap_pageblock_pfn(s, b);
		if (s->pb[b]->zone == SNAP_NO_ZONE)
			continue;
		if (pfn < pgdat->node_start_pfn)
			pfn = pgdat->node_start_pfn;
		assert_int_equal(s->pb[b]->mt, get_pageblock_migratetype(pgdat, pfn));
	}
}

static void write_and_read(const struct pglist_data *pgdat, struct snapshot *s)
{
	struct gfp_error err = { { 0 } };
	char path[64];

	temp_path(path, sizeof(path));
	if (snapshot_write_file(path, pgdat, "test", &err))
		fail_msg("write: %s", err.msg);
	if (snapshot_read_file(path, s, &err))
		fail_msg("read: %s", err.msg);
	unlink(path);
	assert_string_equal(s->hdr.source, "test");
}

static struct pglist_data *small_node(struct machine_desc *d)
{
	fixture_desc(d, KVER(6, 1, 0), 12);
	snprintf(d->release, sizeof(d->release), "6.1.0");
	d->nr_cpus = 2;
	fixture_zone(d, ZONE_DMA, 0, 16ULL << 20, 1ULL << 20);
	fixture_zone(d, ZONE_DMA32, 16ULL << 20, 240ULL << 20, 0);
	fixture_cma(d, "reserved", 128ULL << 20, 64ULL << 20);
	return fixture_node(d);
}

/* Blocks owned by each layer, marked as the layers mark them. */
static unsigned long take(struct pglist_data *pgdat, gfp_t gfp, unsigned order,
			  uint8_t flags, uint32_t private)
{
	struct alloc_outcome out;

	if (!alloc_pages_node(pgdat, gfp, order, 0, &out))
		fail_msg("allocation of order %u failed", order);
	struct page *page = pfn_to_page(pgdat, out.pfn);
	page->flags |= flags;
	page->private = private;
	return out.pfn;
}

static void test_roundtrip_live_node(void **state)
{
	struct machine_desc d;
	struct pglist_data *pgdat = small_node(&d);
	struct snapshot s;
	struct snap_totals t;

	take(pgdat, GFP_KERNEL, 1, PG_slab, KHEAP_PAGE_SLAB);
	take(pgdat, GFP_KERNEL, 3, 0, KHEAP_PAGE_LARGE | 3);
	for (int i = 0; i < 5; i++)
		take(pgdat, GFP_HIGHUSER_MOVABLE, 0, PG_charged | PG_lru, 0);
	for (int i = 0; i < 3; i++)
		take(pgdat, GFP_KERNEL, 0, PG_charged, 0);
	take(pgdat, GFP_KERNEL, 2, 0, 0);

	write_and_read(pgdat, &s);
	assert_matches_node(&s, pgdat);
	snapshot_totals(&s, -1, &t);
	assert_int_equal(t.pages[SNAP_SLAB], 2);
	assert_int_equal(t.pages[SNAP_LARGE], 8);
	assert_int_equal(t.pages[SNAP_USER], 5);
	assert_int_equal(t.pages[SNAP_VMAREA], 3);
	assert_int_equal(t.pages[SNAP_ALLOC], 4);
	/* the order-0 requests refilled the per-cpu lists in batches */
	assert_true(t.pages[SNAP_PCP] > 0);
	/* 64M of CMA in 2M pageblocks */
	assert_int_equal(t.blocks_mt[MIGRATE_CMA], 32);
	assert_int_equal(t.pageblocks, (256UL << 20) >> 21);
	unsigned long cma_area = 0;
	for (unsigned long b = 0; b < s.hdr.nr_pageblocks; b++)
		if (s.pb[b]->flags & SNAP_PB_CMA_AREA)
			cma_area++;
	assert_int_equal(cma_area, 32);
	snapshot_release(&s);
	fixture_node_free(pgdat);
}

/* A node that starts and ends inside pageblocks: the frames outside it are
 * holes, and a block bigger than a pageblock is counted once. */
static void test_roundtrip_unaligned_node(void **state)
{
	struct machine_desc d;
	struct snapshot s;
	struct snap_totals t;

	fixture_desc(&d, KVER(5, 4, 0), 12);
	snprintf(d.release, sizeof(d.release), "5.4.0");
	/* 1M into the first 2M pageblock, ending 12K short of a pageblock */
	fixture_zone(&d, ZONE_DMA32, 1ULL << 20, (63ULL << 20) - 12288, 0);
	struct pglist_data *pgdat = fixture_node(&d);

	write_and_read(pgdat, &s);
	assert_matches_node(&s, pgdat);
	snapshot_totals(&s, -1, &t);
	assert_int_equal(s.hdr.first_pageblock_pfn, 0);
	assert_int_equal(s.hdr.nr_pageblocks, 32);
	assert_int_equal(t.pages[SNAP_HOLE], 256 + 3);
	assert_int_equal(t.pages[SNAP_FREE], pgdat->node_zones[0].managed_pages);
	/* order-10 blocks (4M) span two 2M pageblocks each */
	assert_int_equal(t.nr_free[10][MIGRATE_MOVABLE],
			 pgdat->node_zones[0].free_area[10].nr_free);
	assert_true(t.nr_free[10][MIGRATE_MOVABLE] > 0);
	snapshot_release(&s);
	fixture_node_free(pgdat);
}

/* seed002's board at boot, from its /proc/pagetypeinfo: the pageblock
 * counts the kernel printed (Unmovable 150, Movable 495, Reclaimable 14,
 * CMA 237) and its free blocks (Unmovable order 4: 45; CMA order 10: 170). */
static void test_seed002_pagetypeinfo(void **state)
{
	struct gfp_error err = { { 0 } };
	struct pglist_data *pgdat = fixture_node(machine_profile("amlogic-5.4"));
	struct snapshot s;
	struct snap_totals t;

	if (node_load_pagetypeinfo(pgdat, read_log("seed002-pagetypeinfo.txt"), &err))
		fail_msg("pagetypeinfo: %s", err.msg);
	if (snapshot_from_node(pgdat, "seed002", &s, &err))
		fail_msg("snapshot: %s", err.msg);
	assert_matches_node(&s, pgdat);
	snapshot_totals(&s, 0, &t);
	assert_int_equal(t.blocks_mt[MIGRATE_UNMOVABLE], 150);
	assert_int_equal(t.blocks_mt[MIGRATE_MOVABLE], 495);
	assert_int_equal(t.blocks_mt[MIGRATE_RECLAIMABLE], 14);
	assert_int_equal(t.blocks_mt[MIGRATE_CMA], 237);
	assert_int_equal(t.nr_free[4][MIGRATE_UNMOVABLE], 45);
	assert_int_equal(t.nr_free[10][MIGRATE_CMA], 170);
	snapshot_release(&s);
	fixture_node_free(pgdat);
}

/* seed000's Normal zone from its report: 248344kB free, 240936kB of it
 * CMA, 58 free order-10 CMA blocks; the zone is 262143 pages, so the
 * last pageblock ends in one hole frame. */
static void test_seed000_report(void **state)
{
	struct gfp_error err = { { 0 } };
	const char *log = read_log("seed000-csky-4.9-order10-atomic-comp-cma.log");
	struct pglist_data *pgdat = fixture_node(machine_profile("csky-4.9-usb-gadget"));
	struct snapshot s;
	struct snap_totals t;

	if (zone_load_zone_line(pgdat, log, &err) ||
	    zone_load_buddy_line(pgdat, log, &err))
		fail_msg("load: %s", err.msg);
	if (snapshot_from_node(pgdat, "seed000", &s, &err))
		fail_msg("snapshot: %s", err.msg);
	assert_matches_node(&s, pgdat);
	snapshot_totals(&s, -1, &t);
	unsigned long free = 0;
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		free += t.free_mt[mt];
	assert_int_equal(free, 248344 / 4);
	assert_int_equal(t.free_mt[MIGRATE_CMA], 240936 / 4);
	assert_int_equal(t.nr_free[10][MIGRATE_CMA], 58);
	assert_int_equal(t.pages[SNAP_HOLE], 1);
	assert_int_equal(t.pages[SNAP_RESERVED], 78501);
	snapshot_release(&s);
	fixture_node_free(pgdat);
}

/* ---- damaged files ------------------------------------------------------ */

static size_t good_file(char *buf, size_t cap)
{
	struct machine_desc d;
	struct pglist_data *pgdat = small_node(&d);
	struct gfp_error err = { { 0 } };
	char path[64];

	temp_path(path, sizeof(path));
	if (snapshot_write_file(path, pgdat, "test", &err))
		fail_msg("write: %s", err.msg);
	fixture_node_free(pgdat);
	FILE *f = fopen(path, "rb");
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	unlink(path);
	assert_true(n < cap);
	return n;
}

static void assert_refused(const char *buf, size_t len, const char *want)
{
	struct gfp_error err = { { 0 } };
	struct snapshot s;
	char path[64];

	temp_path(path, sizeof(path));
	FILE *f = fopen(path, "wb");
	fwrite(buf, 1, len, f);
	fclose(f);
	assert_int_equal(snapshot_read_file(path, &s, &err), -1);
	unlink(path);
	if (!strstr(err.msg, want) || !strstr(err.msg, path))
		fail_msg("message \"%s\" lacks \"%s\" or the path", err.msg, want);
}

static void test_damaged_files(void **state)
{
	static char buf[1 << 20], copy[1 << 20];
	size_t n = good_file(buf, sizeof(buf));
	struct snap_header *h = (struct snap_header *)copy;

	assert_refused("hello\n", 6, "not a gfpshim snapshot");
	memcpy(copy, buf, n);
	h->version = 7;
	assert_refused(copy, n, "format version 7; expected version 1");
	memcpy(copy, buf, n);
	h->byte_order = 0x04030201;
	assert_refused(copy, n, "other byte order");
	memcpy(copy, buf, n);
	h->nr_zones = 0;
	assert_refused(copy, n, "header out of range");
	memcpy(copy, buf, n);
	h->node_spanned_pages += 1UL << 20;
	assert_refused(copy, n, "do not cover the node");
	assert_refused(buf, n - 8, "after the last pageblock");
	assert_refused(buf, n / 2, "truncated: 128 pageblocks announced");
	assert_refused(buf, n - 100, "truncated at pageblock");
	assert_refused(buf, 200, "truncated in its machine description");
	memcpy(copy, buf, n);
	memcpy(copy + n, "junk", 4);
	assert_refused(copy, n + 4, "GFPSEND trailer");
	/* a pageblock whose runs do not add up */
	memcpy(copy, buf, n);
	size_t first_pb = sizeof(*h) + ((h->desc_len + 7) & ~7ULL) +
			  h->nr_zones * sizeof(struct snap_zone);
	struct snap_pageblock *pb = (struct snap_pageblock *)(copy + first_pb);
	pb->pages[SNAP_HOLE]++;
	assert_refused(copy, n, "frames counted");
}

static void test_missing_and_unwritable(void **state)
{
	struct gfp_error err = { { 0 } };
	struct machine_desc d;
	struct snapshot s;

	assert_int_equal(snapshot_read_file("/nonexistent/snap", &s, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/snap: No such file"));
	struct pglist_data *pgdat = small_node(&d);
	assert_int_equal(snapshot_write_file("/nonexistent/snap", pgdat, "t", &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/snap: cannot create the snapshot"));
	fixture_node_free(pgdat);
}

/* GFPSHIM_SNAPSHOT values */
static void test_spec(void **state)
{
	char path[64], err[256];
	int sig;

	assert_int_equal(snapshot_spec_parse("/tmp/s", path, sizeof(path), &sig,
					     err, sizeof(err)), 0);
	assert_string_equal(path, "/tmp/s");
	assert_int_equal(sig, 0);
	assert_int_equal(snapshot_spec_parse("/tmp/s.%p,signal=USR2", path,
					     sizeof(path), &sig, err, sizeof(err)), 0);
	assert_string_equal(path, "/tmp/s.%p");
	assert_int_equal(sig, SIGUSR2);
	assert_int_equal(snapshot_spec_parse("s,signal=SIGHUP", path, sizeof(path),
					     &sig, err, sizeof(err)), 0);
	assert_int_equal(sig, SIGHUP);
	assert_int_equal(snapshot_spec_parse("s,signal=KILL", path, sizeof(path),
					     &sig, err, sizeof(err)), -1);
	assert_string_equal(err, "signal \"KILL\"; expected USR1, USR2, HUP or WINCH");
	assert_int_equal(snapshot_spec_parse("s,every=1s", path, sizeof(path),
					     &sig, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "\"every=1s\" after the path"));
	assert_int_equal(snapshot_spec_parse(",signal=USR1", path, sizeof(path),
					     &sig, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "expected PATH[,signal="));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_live_node),
		cmocka_unit_test(test_roundtrip_unaligned_node),
		cmocka_unit_test(test_seed002_pagetypeinfo),
		cmocka_unit_test(test_seed000_report),
		cmocka_unit_test(test_damaged_files),
		cmocka_unit_test(test_missing_and_unwritable),
		cmocka_unit_test(test_spec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
