/* Real heaps rebuilt from real logs: the zone and buddy lines of seed 002
 * (arm64 5.4, an order-4 GFP_ATOMIC failure with 570 MB of CMA free), the
 * pagetypeinfo of the same board at boot, and seed 000's Normal zone
 * (csky 4.9, order-10 GFP_ATOMIC|__GFP_COMP failing beside 58 free
 * order-10 CMA blocks).  Every rebuilt zone reprints the log's buddy line
 * byte for byte and passes check_node().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "mm/page_alloc.h"
#include "mm/zone_load.h"
#include "report/report.h"
#include "testdata.h"

#define TEXT_MAX (64 * 1024)

/* Three logs may be in use at once. */
static char *read_log(const char *name)
{
	static char bufs[3][TEXT_MAX];
	static int next;

	return test_read_log(name, bufs[next++ % 3], TEXT_MAX);
}

/* The log's buddy line for `zone`, unwrapped and without prefixes, as
 * show_buddy_line() prints it (whitespace as in the log, one space). */
static void expected_buddy_line(const char *log, const char *zone, char *out,
				size_t len)
{
	char key[32];
	const char *p, *end;
	size_t o = 0;

	snprintf(key, sizeof(key), "%s: ", zone);
	p = strstr(log, key);
	assert_non_null(p);
	end = strstr(strstr(p, "= "), "kB") + 2;
	for (; p < end && o + 2 < len; p++) {
		char c = *p == '\n' ? ' ' : *p;
		if (c == ' ' && o && out[o - 1] == ' ')
			continue;
		out[o++] = c;
	}
	out[o++] = '\n';
	out[o] = '\0';
}

static void assert_reprints(struct pglist_data *pgdat, const char *zone_name,
			    const char *log)
{
	char want[2048], got[2048];
	struct sbuf sb = SBUF_INIT(got, sizeof(got));
	struct zone *zone = NULL;

	for (unsigned i = 0; i < pgdat->nr_zones; i++)
		if (strcmp(pgdat->node_zones[i].name, zone_name) == 0)
			zone = &pgdat->node_zones[i];
	assert_non_null(zone);
	expected_buddy_line(log, zone_name, want, sizeof(want));
	show_buddy_line(&sb, pgdat, zone);
	/* the log's line has no "Node 0 " when the kernel is not NUMA */
	assert_string_equal(sb_str(&sb), want);
}

static void assert_consistent(struct pglist_data *pgdat)
{
	char msg[512];

	if (check_node(pgdat, msg, sizeof(msg)))
		fail_msg("check_node: %s", msg);
}

static struct pglist_data *boot(const char *profile)
{
	const struct machine_desc *d = machine_profile(profile);

	if (!d)
		fail_msg("no built-in profile \"%s\"", profile);
	return fixture_node(d);
}

static struct zone *zone_named(struct pglist_data *pgdat, const char *name)
{
	for (unsigned i = 0; i < pgdat->nr_zones; i++)
		if (strcmp(pgdat->node_zones[i].name, name) == 0)
			return &pgdat->node_zones[i];
	fail_msg("no zone %s", name);
	return NULL;
}

static void load_or_fail(int rc, const struct gfp_error *err)
{
	if (rc)
		fail_msg("load: %s", err->msg);
}

/* seed002: the report's zone line and buddy line */
static struct pglist_data *seed002_from_report(const char **logp)
{
	struct gfp_error err = { { 0 } };
	const char *log = read_log("seed002-arm64-5.4-android-order4-atomic-cma.log");
	struct pglist_data *pgdat = boot("amlogic-5.4");

	load_or_fail(zone_load_zone_line(pgdat, log, &err), &err);
	load_or_fail(zone_load_buddy_line(pgdat, log, &err), &err);
	assert_consistent(pgdat);
	*logp = log;
	return pgdat;
}

static void test_seed002_report_reprints(void **state)
{
	const char *log;
	struct pglist_data *pgdat = seed002_from_report(&log);
	struct zone *z = zone_named(pgdat, "DMA32");

	assert_reprints(pgdat, "DMA32", log);
	/* the zone line's numbers: min 10240kB, low 21996kB, high 32740kB */
	assert_int_equal(z->_watermark[WMARK_MIN], 2560);
	assert_int_equal(z->_watermark[WMARK_LOW], 5499);
	assert_int_equal(z->_watermark[WMARK_HIGH], 8185);
	/* the buddy total (633204kB), and the zone line's free_cma matched by
	 * splitting the (UMEC) columns */
	assert_int_equal(z->vm_stat[NR_FREE_PAGES], 633204 / 4);
	assert_int_equal(z->vm_stat[NR_FREE_CMA_PAGES], 583960 / 4);
	assert_int_equal(z->lowmem_reserve[0], 0);
	assert_int_equal(z->lowmem_reserve[2], 0);
	fixture_node_free(pgdat);
}

static void test_seed002_report_atomic_fails(void **state)
{
	const char *log;
	struct pglist_data *pgdat = seed002_from_report(&log);
	struct alloc_outcome out;

	/* no non-CMA block of order >= 4 is free: GFP_ATOMIC cannot use CMA */
	assert_false(alloc_pages_node(pgdat, GFP_ATOMIC, 4, 0, &out));
	assert_int_equal(out.verdict, ALLOC_FAIL);
	assert_consistent(pgdat);
	fixture_node_free(pgdat);
}

static void test_seed002_report_movable_from_cma(void **state)
{
	const char *log;
	struct pglist_data *pgdat = seed002_from_report(&log);
	struct alloc_outcome out;

	assert_true(alloc_pages_node(pgdat, GFP_HIGHUSER_MOVABLE, 4, 0, &out));
	assert_int_equal(get_pageblock_migratetype(pgdat, out.pfn), MIGRATE_CMA);
	assert_consistent(pgdat);
	fixture_node_free(pgdat);
}

static void test_seed002_boot_pagetypeinfo_atomic_succeeds(void **state)
{
	struct gfp_error err = { { 0 } };
	const char *pti = read_log("seed002-pagetypeinfo.txt");
	struct pglist_data *pgdat = boot("amlogic-5.4");
	struct zone *z = zone_named(pgdat, "DMA32");
	struct alloc_outcome out;
	char buf[8192];
	struct sbuf sb = SBUF_INIT(buf, sizeof(buf));

	load_or_fail(node_load_pagetypeinfo(pgdat, pti, &err), &err);
	assert_consistent(pgdat);
	/* exact per-type counts: Unmovable order 4 = 45, CMA order 10 = 170 */
	assert_int_equal(z->free_area[4].nr_free_mt[MIGRATE_UNMOVABLE], 45);
	assert_int_equal(z->free_area[10].nr_free_mt[MIGRATE_CMA], 170);
	/* and the pageblock counts (Unmovable 150 … CMA 237) */
	char row[256];
	snprintf(row, sizeof(row), "Node 0, zone %8s %12d %12d %12d %12d %12d %12d \n",
		 "DMA32", 150, 495, 14, 0, 237, 0);
	show_pagetypeinfo(&sb, pgdat);
	assert_non_null(strstr(sb_str(&sb), row));
	assert_true(alloc_pages_node(pgdat, GFP_ATOMIC, 4, 0, &out));
	assert_int_not_equal(get_pageblock_migratetype(pgdat, out.pfn), MIGRATE_CMA);
	assert_consistent(pgdat);
	fixture_node_free(pgdat);
}

/* seed000: the buddy line, with the watermarks of its zone line */
static void test_seed000_order10_atomic_fails_beside_cma(void **state)
{
	struct gfp_error err = { { 0 } };
	const char *log = read_log("seed000-csky-4.9-order10-atomic-comp-cma.log");
	struct pglist_data *pgdat = boot("csky-4.9-usb-gadget");
	struct zone *z = zone_named(pgdat, "Normal");
	struct alloc_outcome out;

	load_or_fail(zone_load_zone_line(pgdat, log, &err), &err);
	load_or_fail(zone_load_buddy_line(pgdat, log, &err), &err);
	assert_consistent(pgdat);
	assert_reprints(pgdat, "Normal", log);
	assert_int_equal(z->_watermark[WMARK_MIN], 2444 / 4);
	assert_int_equal(z->_watermark[WMARK_HIGH], 3660 / 4);
	assert_int_equal(z->free_area[10].nr_free_mt[MIGRATE_CMA], 58);
	assert_int_equal(z->vm_stat[NR_FREE_CMA_PAGES], 240936 / 4);

	assert_false(alloc_pages_node(pgdat, GFP_ATOMIC | __GFP_COMP, 10, 0, &out));
	assert_int_equal(out.verdict, ALLOC_FAIL);
	assert_int_equal(z->free_area[10].nr_free_mt[MIGRATE_CMA], 58);
	assert_consistent(pgdat);
	fixture_node_free(pgdat);
}

/* loading is repeatable: the same line twice gives the same zone */
static void test_seed000_reload_is_stable(void **state)
{
	struct gfp_error err = { { 0 } };
	const char *log = read_log("seed000-csky-4.9-order10-atomic-comp-cma.log");
	struct pglist_data *pgdat = boot("csky-4.9-usb-gadget");

	load_or_fail(zone_load_buddy_line(pgdat, log, &err), &err);
	load_or_fail(zone_load_buddy_line(pgdat, log, &err), &err);
	assert_consistent(pgdat);
	assert_reprints(pgdat, "Normal", log);
	fixture_node_free(pgdat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed002_report_reprints),
		cmocka_unit_test(test_seed002_report_atomic_fails),
		cmocka_unit_test(test_seed002_report_movable_from_cma),
		cmocka_unit_test(test_seed002_boot_pagetypeinfo_atomic_succeeds),
		cmocka_unit_test(test_seed000_order10_atomic_fails_beside_cma),
		cmocka_unit_test(test_seed000_reload_is_stable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
