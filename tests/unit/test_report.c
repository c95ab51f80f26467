/* Report formatting and state in/out: the sbuf, show_mem's per-version
 * fields, the buddy line, /proc/buddyinfo and /proc/pagetypeinfo, and
 * every error the loaders give for text they cannot use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "mm/page_alloc.h"
#include "mm/zone_load.h"
#include "report/report.h"

static char big[128 * 1024];

/* x86_64 4K: DMA32 1G (16M reserved, a 64M CMA area at 512M) and Normal
 * 1G, Movable configured but empty */
static struct pglist_data *node_for(kver_t kv, struct machine_desc *d)
{
	fixture_desc(d, kv, 12);
	fixture_zone(d, ZONE_DMA32, 0, 1ULL << 30, 16ULL << 20);
	fixture_zone(d, ZONE_NORMAL, 1ULL << 30, 1ULL << 30, 0);
	fixture_zone(d, ZONE_MOVABLE, 2ULL << 30, 0, 0);
	fixture_cma(d, "reserved", 512ULL << 20, 64ULL << 20);
	return fixture_node(d);
}

static void assert_consistent(struct pglist_data *pgdat)
{
	char msg[512];

	if (check_node(pgdat, msg, sizeof(msg)))
		fail_msg("check_node: %s", msg);
}

/* ---- sbuf ------------------------------------------------------------------ */

static void test_sbuf_overflow_counts(void **state)
{
	char buf[8];
	struct sbuf sb = SBUF_INIT(buf, sizeof(buf));

	sb_printf(&sb, "%d-%s", 12, "abc");
	assert_string_equal(sb_str(&sb), "12-abc");
	assert_false(sb_overflowed(&sb));
	sb_puts(&sb, "defgh");
	assert_true(sb_overflowed(&sb));
	assert_int_equal(sb.len, 11);
	assert_string_equal(sb_str(&sb), "12-abcd");   /* cap − 1 bytes kept */
	sb_reset(&sb);
	assert_string_equal(sb_str(&sb), "");
	assert_false(sb_overflowed(&sb));
}

static void test_sbuf_prefix_each_line_once(void **state)
{
	char buf[128];
	struct sbuf sb = SBUF_INIT(buf, sizeof(buf));

	sb.prefix = "> ";
	sb_puts(&sb, "a");
	sb_puts(&sb, "b\n");
	sb_puts(&sb, "c\nd\n");
	sb_puts(&sb, "\n");
	assert_string_equal(sb_str(&sb), "> ab\n> c\n> d\n> \n");
}

/* ---- show_mem per version ---------------------------------------------------- */

static const char *show(struct pglist_data *pgdat, gfp_t gfp)
{
	struct sbuf sb = SBUF_INIT(big, sizeof(big));

	show_mem(&sb, pgdat, gfp, 0);
	assert_false(sb_overflowed(&sb));
	return sb_str(&sb);
}

static void test_show_mem_fields_per_version(void **state)
{
	static const struct {
		kver_t kv;
		const char *present;
		const char *absent;
	} cases[] = {
		{ KVER(4, 9, 0), " unstable:0\n", " boost:" },
		{ KVER(4, 9, 0), " slab_reclaimable:0kB slab_unreclaimable:0kB kernel_stack:0kB pagetables:0kB bounce:", "reserved_highatomic" },
		{ KVER(4, 9, 0), " pages_scanned:0 all_unreclaimable? no\n", "sec_pagetables" },
		{ KVER(5, 4, 0), " mlocked:0kB kernel_stack:0kB pagetables:0kB bounce:0kB", "slab_reclaimable:0kB" },
		{ KVER(5, 4, 0), "Swap cache stats: add 0, delete 0, find 0/0\n", "pages_scanned" },
		{ KVER(5, 10, 0), " reserved_highatomic:0KB active_anon:", " unstable:" },
		{ KVER(5, 10, 0), " writeback_tmp:0kB kernel_stack:0kB all_unreclaimable? no\n", " boost:" },
		{ KVER(5, 10, 0), " pagetables:0 bounce:0\n free:", "kernel_misc_reclaimable" },
		/* tests/data/logs/public/x86_64-5.15-order6-dmesg-T.log */
		{ KVER(5, 15, 0), " pagetables:0 bounce:0\n kernel_misc_reclaimable:0\n free:", " boost:" },
		{ KVER(6, 1, 0), "Normal free:1048576kB boost:0kB min:", "Swap cache stats" },
		{ KVER(6, 1, 0), " mapped:0 shmem:0 pagetables:0\n sec_pagetables:0 bounce:0\n kernel_misc_reclaimable:0\n", "kernel_stack:0kB pagetables:0kB bounce" },
		{ KVER(6, 6, 0), " shmem:0kB writeback_tmp:0kB", "shmem_thp" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct machine_desc d;
		struct pglist_data *pgdat = node_for(cases[i].kv, &d);
		const char *out = show(pgdat, GFP_HIGHUSER_MOVABLE);

		if (!strstr(out, cases[i].present))
			fail_msg("case %zu: \"%s\" missing from:\n%s", i, cases[i].present, out);
		if (strstr(out, cases[i].absent))
			fail_msg("case %zu: \"%s\" should not be in:\n%s", i, cases[i].absent, out);
		fixture_node_free(pgdat);
	}
}

static void test_show_mem_thp_spacing(void **state)
{
	struct machine_desc d;
	struct pglist_data *pgdat;

	fixture_desc(&d, KVER(5, 4, 0), 12);
	d.thp = true;
	fixture_zone(&d, ZONE_DMA32, 0, 1ULL << 30, 0);
	pgdat = fixture_node(&d);
	assert_non_null(strstr(show(pgdat, GFP_KERNEL),
		" shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 0kB writeback_tmp:"));
	fixture_node_free(pgdat);
	d.kernel = KVER(6, 6, 0);
	pgdat = fixture_node(&d);
	assert_non_null(strstr(show(pgdat, GFP_KERNEL),
		" shmem_thp:0kB shmem_pmdmapped:0kB anon_thp:0kB writeback_tmp:"));
	fixture_node_free(pgdat);
}

static void test_show_mem_zone_filter_6_1(void **state)
{
	struct machine_desc d;
	struct pglist_data *pgdat = node_for(KVER(6, 1, 0), &d);
	const char *out = show(pgdat, GFP_DMA32);

	/* __show_mem(): zones above gfp_zone(GFP_DMA32) are not shown … */
	assert_non_null(strstr(out, "\nDMA32 free:"));
	assert_null(strstr(out, "\nNormal free:"));
	assert_null(strstr(out, "\nNormal: "));
	/* … but the totals still count every zone */
	assert_non_null(strstr(out, "\n524288 pages RAM\n"));
	assert_non_null(strstr(out, "\n4096 pages reserved\n16384 pages cma reserved\n"));
	fixture_node_free(pgdat);

	pgdat = node_for(KVER(5, 10, 0), &d);
	out = show(pgdat, GFP_DMA32);
	assert_non_null(strstr(out, "\nNormal free:"));
	fixture_node_free(pgdat);
}

static void test_show_mem_numbers(void **state)
{
	struct machine_desc d;
	struct pglist_data *pgdat = node_for(KVER(5, 4, 0), &d);
	struct zone *dma32 = &pgdat->node_zones[0];
	char want[256];
	const char *out;

	dma32->watermark_boost = 100;
	out = show(pgdat, GFP_KERNEL);
	/* min/low/high include the boost (*_wmark_pages()) */
	snprintf(want, sizeof(want), "DMA32 free:%lukB min:%lukB low:%lukB high:%lukB ",
		 dma32->vm_stat[NR_FREE_PAGES] * 4,
		 (dma32->_watermark[WMARK_MIN] + 100) * 4,
		 (dma32->_watermark[WMARK_LOW] + 100) * 4,
		 (dma32->_watermark[WMARK_HIGH] + 100) * 4);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "\nlowmem_reserve[]: 0 %ld %ld\n",
		 dma32->lowmem_reserve[1], dma32->lowmem_reserve[2]);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, " present:1048576kB managed:1032192kB "));
	fixture_node_free(pgdat);
}

/* ---- buddy line, buddyinfo, pagetypeinfo ----------------------------------------- */

static void test_buddy_line_round_trip(void **state)
{
	static const char line[] =
		"Node 0 Normal: 3*4kB (UM) 1*8kB (E) 0*16kB 2*32kB (UH) 0*64kB 0*128kB "
		"0*256kB 0*512kB 1*1024kB (M) 0*2048kB 4*4096kB (M) = 17492kB\n";
	struct gfp_error err = { { 0 } };
	struct machine_desc d;
	struct pglist_data *pgdat;
	char buf[512];
	struct sbuf sb = SBUF_INIT(buf, sizeof(buf));

	fixture_desc(&d, KVER(5, 10, 0), 12);
	d.numa = true;
	fixture_zone(&d, ZONE_DMA32, 0, 1ULL << 30, 0);
	fixture_zone(&d, ZONE_NORMAL, 1ULL << 30, 1ULL << 30, 0);
	pgdat = fixture_node(&d);
	if (zone_load_buddy_line(pgdat, line, &err))
		fail_msg("%s", err.msg);
	assert_consistent(pgdat);
	show_buddy_line(&sb, pgdat, &pgdat->node_zones[1]);
	assert_string_equal(sb_str(&sb), line);
	/* the one H block sits in a highatomic pageblock, which is reserved */
	assert_int_equal(pgdat->node_zones[1].nr_reserved_highatomic, 512);
	/* the other zone is untouched */
	assert_int_equal(pgdat->node_zones[0].free_area[10].nr_free, 256);

	sb_reset(&sb);
	show_buddyinfo(&sb, pgdat);
	assert_string_equal(sb_str(&sb),
		"Node 0, zone    DMA32      0      0      0      0      0      0      0      0      0      0    256 \n"
		"Node 0, zone   Normal      3      1      0      2      0      0      0      0      1      0      4 \n");
	fixture_node_free(pgdat);
}

static void test_pagetypeinfo_round_trip(void **state)
{
	struct gfp_error err = { { 0 } };
	struct machine_desc d;
	struct pglist_data *pgdat = node_for(KVER(5, 4, 0), &d);
	struct sbuf sb = SBUF_INIT(big, sizeof(big));
	char text[16384];

	/* rebuild from our own output after one allocation changed it */
	struct alloc_outcome out;
	assert_true(alloc_pages_node(pgdat, GFP_KERNEL, 3, 0, &out));
	drain_all_pages(pgdat);
	show_pagetypeinfo(&sb, pgdat);
	snprintf(text, sizeof(text), "%s", sb_str(&sb));
	fixture_node_free(pgdat);

	pgdat = node_for(KVER(5, 4, 0), &d);
	if (node_load_pagetypeinfo(pgdat, text, &err))
		fail_msg("%s", err.msg);
	assert_consistent(pgdat);
	sb_reset(&sb);
	show_pagetypeinfo(&sb, pgdat);
	assert_string_equal(sb_str(&sb), text);
	fixture_node_free(pgdat);
}

static void test_pagetypeinfo_cap_5_4(void **state)
{
	struct gfp_error err = { { 0 } };
	struct machine_desc d;
	struct pglist_data *pgdat;
	struct sbuf sb = SBUF_INIT(big, sizeof(big));
	char line[1024];

	/* 1G of free order-0 Movable pages: 262144 list entries */
	fixture_desc(&d, KVER(5, 4, 0), 12);
	fixture_zone(&d, ZONE_DMA32, 0, 2ULL << 30, 0);
	pgdat = fixture_node(&d);
	snprintf(line, sizeof(line), "DMA32: 262144*4kB (M) 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB "
		 "0*512kB 0*1024kB 0*2048kB 0*4096kB = 1048576kB");
	if (zone_load_buddy_line(pgdat, line, &err))
		fail_msg("%s", err.msg);
	show_pagetypeinfo(&sb, pgdat);
	assert_non_null(strstr(sb_str(&sb), "type      Movable >100000      0 "));
	fixture_node_free(pgdat);

	d.kernel = KVER(4, 9, 0);
	pgdat = fixture_node(&d);
	if (zone_load_buddy_line(pgdat, line, &err))
		fail_msg("%s", err.msg);
	sb_reset(&sb);
	show_pagetypeinfo(&sb, pgdat);
	assert_non_null(strstr(sb_str(&sb), "type      Movable 262144      0 "));
	fixture_node_free(pgdat);
}

static void test_loads_wrapped_syslog_text(void **state)
{
	static const char text[] =
		"Jan 12 10:11:12 box kernel: [  12.345678] DMA32: 2*4kB (M) 0*8kB 0*16kB#012"
		"0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB\n"
		"<4>[  12.345679] 0*2048kB 1*4096kB (C) = 4104kB\n";
	struct gfp_error err = { { 0 } };
	struct machine_desc d;
	struct pglist_data *pgdat = node_for(KVER(5, 4, 0), &d);

	if (zone_load_buddy_line(pgdat, text, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(pgdat->node_zones[0].free_area[0].nr_free_mt[MIGRATE_MOVABLE], 2);
	assert_int_equal(pgdat->node_zones[0].free_area[10].nr_free_mt[MIGRATE_CMA], 1);
	assert_int_equal(pgdat->node_zones[0].vm_stat[NR_FREE_CMA_PAGES], 1024);
	assert_consistent(pgdat);
	fixture_node_free(pgdat);
}

/* ---- errors -------------------------------------------------------------------- */

static void test_loader_errors(void **state)
{
	static const struct {
		int kind;               /* 0 buddy line, 1 zone line, 2 pagetypeinfo */
		const char *text;
		const char *msg;
	} cases[] = {
		{ 0, "no buddy line here", "expected \"<Zone>: N*SIZEkB" },
		{ 0, "Highmem: 1*4kB (M) = 4kB", "zone \"Highmem\" is not one of the machine's zones" },
		{ 0, "DMA32: 1*4kB (M) 0*16kB = 4kB", "column 1 is 16kB blocks; this machine's order-1 blocks are 8kB" },
		{ 0, "DMA32: 1*4kB (M) 0*8kB = 4kB", "2 columns, the machine has 11 orders" },
		{ 0, "DMA32: 1*4kB (X) 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 4kB",
		  "bad migratetype letters \"(X)\"" },
		{ 0, "DMA32: 1*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 4kB",
		  "order 0 has 1 blocks but no migratetype letters" },
		{ 0, "DMA32: 1*4kB (UM) 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 4kB",
		  "1 blocks cannot fill 2 migratetype lists" },
		{ 0, "DMA32: 1*4kB (M) 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 8kB",
		  "total 8kB, but the columns add up to 4kB" },
		{ 0, "DMA32: 1*4kB (M) 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB",
		  "ends before \"= TOTALkB\"" },
		{ 0, "DMA32: 0*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 20*4096kB (C) = 81920kB",
		  "no room for CMA block 17 of 20 at order 10" },
		{ 1, "DMA32 free:4kB min:4kB low:8kB high:12kB present:1kB managed:1kB free_cma:0kB",
		  "present:1kB is not a whole number of 4kB pages" },
		{ 1, "DMA32 free:4kB min:4kB low:8kB high:12kB present:4kB managed:4kB free_cma:0kB",
		  "present:4kB managed:4kB, but the machine's zone has present:1048576kB managed:1032192kB" },
		{ 1, "DMA32 free:4kB min:16kB low:8kB high:12kB present:1048576kB managed:1032192kB free_cma:0kB",
		  "boost <= min <= low <= high" },
		{ 1, "DMA32 free:4kB min:4kB low:8kB high:12kB present:1048576kB managed:1032192kB free_cma:0kB\n"
		     "lowmem_reserve[]: 0 0\n", "2 values, the machine has 3 zones" },
		{ 1, "DMA32 free:4kB min:4kB low:8kB oops present:1048576kB managed:1032192kB free_cma:0kB",
		  "\"oops\" is not a name:NkB field" },
		{ 1, "DMA32 free:4kB low:8kB high:12kB present:1048576kB managed:1032192kB free_cma:0kB",
		  "no min: field" },
		{ 2, "Page block order: 10\n", "page block order 10, the machine's is 9" },
		{ 2, "Page block order: 9\nPages per block: 512\n", "no \"Free pages count per migrate type at order\" header" },
		{ 2, "Free pages count per migrate type at order 0 1 2\n", "3 order columns, the machine has 11 orders" },
		{ 2, "Free pages count per migrate type at order 0 1 2 3 4 5 6 7 8 9 10\n"
		     "Node 0, zone DMA32, type Bogus 0 0 0 0 0 0 0 0 0 0 0\n", "expected \"type <Migratetype>\"" },
		{ 2, "Free pages count per migrate type at order 0 1 2 3 4 5 6 7 8 9 10\n"
		     "Node 0, zone DMA32, type Movable 0 0 0 0 0 0 0 0 0 0 1\n"
		     "Number of blocks type Unmovable Movable Reclaimable HighAtomic CMA Isolate\n"
		     "Node 0, zone DMA32 0 480 0 0 7 0\n", "7 CMA pageblocks given, the machine's CMA areas cover 32" },
		{ 2, "Free pages count per migrate type at order 0 1 2 3 4 5 6 7 8 9 10\n"
		     "Node 0, zone DMA32, type Movable 0 0 0 0 0 0 0 0 0 0 1\n"
		     "Number of blocks type Unmovable Movable Reclaimable HighAtomic CMA Isolate\n"
		     "Node 0, zone DMA32 0 400 0 0 32 0\n", "400 Movable pageblocks given, the zone holds 480" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gfp_error err = { { 0 } };
		struct machine_desc d;
		struct pglist_data *pgdat = node_for(KVER(5, 4, 0), &d);
		int rc = cases[i].kind == 0 ? zone_load_buddy_line(pgdat, cases[i].text, &err) :
			 cases[i].kind == 1 ? zone_load_zone_line(pgdat, cases[i].text, &err) :
			 node_load_pagetypeinfo(pgdat, cases[i].text, &err);

		if (rc != -1 || !strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: rc %d, message \"%s\"; expected \"%s\"", i, rc,
				 err.msg, cases[i].msg);
		fixture_node_free(pgdat);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sbuf_overflow_counts),
		cmocka_unit_test(test_sbuf_prefix_each_line_once),
		cmocka_unit_test(test_show_mem_fields_per_version),
		cmocka_unit_test(test_show_mem_thp_spacing),
		cmocka_unit_test(test_show_mem_zone_filter_6_1),
		cmocka_unit_test(test_show_mem_numbers),
		cmocka_unit_test(test_buddy_line_round_trip),
		cmocka_unit_test(test_pagetypeinfo_round_trip),
		cmocka_unit_test(test_pagetypeinfo_cap_5_4),
		cmocka_unit_test(test_loads_wrapped_syslog_text),
		cmocka_unit_test(test_loader_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
