/* logparse: the seed logs read into the numbers they print; prefixes and
 * escapes in every form logs arrive in give the same records; wrapped and
 * cut lines are joined or reported by line number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diagnose/logparse.h"

static struct log *load(const char *name)
{
	char path[512];
	struct gfp_error err = { { 0 } };
	const char *top = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/tests/data/logs/%s", top ? top : ".",
		 name);
	struct log *log = log_read(path, &err);
	if (!log)
		fail_msg("%s: %s", path, err.msg);
	return log;
}

static struct log *parse(const char *text)
{
	struct gfp_error err = { { 0 } };
	struct log *log = log_parse(text, strlen(text), &err);

	if (!log)
		fail_msg("log_parse: %s", err.msg);
	return log;
}

#define SEED0 "seed000-csky-4.9-order10-atomic-comp-cma.log"
#define SEED1 "seed001-arm64-4.18-el8-order0-atomic-64k.log"
#define SEED2 "seed002-arm64-5.4-android-order4-atomic-cma.log"
#define SEED3 "seed003-arm64-5.4-oom-highuser-movable-cma-64k.log"

static void test_seed000(void **state)
{
	(void)state;
	struct log *log = load(SEED0);
	assert_int_equal(log->nr_reports, 1);
	assert_int_equal(log->nr_problems, 0);
	const struct log_report *r = &log->reports[0];
	assert_int_equal(r->kind, LOG_ALLOC_FAILURE);
	assert_string_equal(r->comm, "xxxx");
	assert_int_equal(r->order, 10);
	assert_int_equal(r->mask, 0x2084020);
	assert_string_equal(r->mask_names, "GFP_ATOMIC|__GFP_COMP");
	assert_false(r->formats & LOGF_NODEMASK);
	assert_true(r->node_fields & (1u << NF_PAGES_SCANNED));
	assert_string_equal(r->release, "4.9.56");
	assert_int_equal(r->counters[GF_FREE], 62086);
	assert_int_equal(r->counters[GF_FREE_CMA], 60234);
	assert_int_equal(r->counters[GF_INACTIVE_FILE], 89286);
	assert_int_equal(r->pages_ram, 262143);
	assert_int_equal(r->pages_reserved, 78501);
	assert_int_equal(r->pages_cma_reserved, 90112);
	assert_int_equal(r->nr_zones, 1);
	const struct log_zone *z = log_find_zone(r, "Normal");
	assert_non_null(z);
	assert_int_equal(z->node, -1);
	assert_int_equal(z->free_kb, 248344);
	assert_int_equal(z->min_kb, 2444);
	assert_int_equal(z->low_kb, 3052);
	assert_int_equal(z->high_kb, 3660);
	assert_int_equal(z->managed_kb, 734568);
	assert_int_equal(z->free_cma_kb, 240936);
	assert_int_equal(z->nr_reserve, 3);
	assert_int_equal(z->unit_kb, 4);
	assert_int_equal(z->nr_orders, 11);
	assert_int_equal(z->nr_free[10], 58);
	assert_int_equal(z->types[10], 1u << MIGRATE_CMA);
	assert_int_equal(z->types[0], (1u << MIGRATE_UNMOVABLE) |
			 (1u << MIGRATE_RECLAIMABLE) | (1u << MIGRATE_CMA));
	assert_int_equal(z->total_kb, 248344);
	assert_true(z->have & LZ_BUDDY);
	log_free(log);
}

/* rsyslog's #012 inside the global block; 64K pages, 14 orders */
static void test_seed001_escapes(void **state)
{
	(void)state;
	struct log *log = load(SEED1);
	assert_int_equal(log->nr_reports, 1);
	const struct log_report *r = &log->reports[0];
	assert_string_equal(r->release, "4.18.0-513.24.1.el8_9.v1.aarch64");
	assert_int_equal(r->mask, 0x480020);
	assert_int_equal(r->order, 0);
	assert_true(r->formats & LOGF_NODEMASK);
	assert_int_equal(r->counters[GF_FREE], 7410);
	assert_int_equal(r->counters[GF_FREE_PCP], 108);
	assert_int_equal(r->counters[GF_ACTIVE_FILE], 5369);
	const struct log_zone *z = log_find_zone(r, "DMA32");
	assert_non_null(z);
	assert_int_equal(z->node, 0);
	assert_int_equal(z->unit_kb, 64);
	assert_int_equal(z->nr_orders, 14);
	assert_int_equal(z->nr_reserve, 3);
	assert_int_equal(z->lowmem_reserve[1], 316);
	assert_int_equal(z->total_kb, 256256);
	assert_int_equal(z->nr_free[0], 1042);
	z = log_find_zone(r, "Normal");
	assert_int_equal(z->min_kb, 531520);
	assert_int_equal(z->nr_free[7], 2);
	/* the "#012 active_file:" piece is its own indented record */
	bool found = false;
	for (unsigned i = 0; i < log->nr_records; i++)
		if (!strncmp(log_record_text(log, i), "active_file:5369", 16)) {
			found = true;
			assert_true(log->records[i].flags & LOG_REC_ESCAPED);
			assert_true(log->records[i].flags & LOG_REC_INDENTED);
			assert_int_equal(log->records[i].lineno, 33);
		}
	assert_true(found);
	log_free(log);
}

/* zone line, Node line and buddy line wrapped over several lines */
static void test_seed002_wrapped(void **state)
{
	(void)state;
	struct log *log = load(SEED2);
	assert_int_equal(log->nr_reports, 1);
	assert_int_equal(log->nr_problems, 0);
	const struct log_report *r = &log->reports[0];
	assert_int_equal(r->mask, 0xa20);
	assert_int_equal(r->order, 4);
	assert_int_equal(r->all_unreclaimable, 0);
	assert_int_equal(r->counters[GF_FREE_CMA], 145990);
	assert_int_equal(r->counters[GF_SLAB_UNRECLAIMABLE], 23878);
	assert_int_equal(r->kernel_stack_kb, 32112);
	const struct log_zone *z = log_find_zone(r, "DMA32");
	assert_int_equal(z->free_kb, 633300);
	assert_int_equal(z->managed_kb, 3582536);
	assert_int_equal(z->free_cma_kb, 583960);
	assert_int_equal(z->nr_orders, 11);
	assert_int_equal(z->nr_free[4], 305);
	assert_int_equal(z->types[4], 1u << MIGRATE_CMA);
	assert_int_equal(z->nr_free[10], 118);
	assert_int_equal(z->total_kb, 633204);
	assert_int_equal(z->buddy_line, 33);
	log_free(log);
}

static void test_seed003_oom(void **state)
{
	(void)state;
	struct log *log = load(SEED3);
	assert_int_equal(log->nr_reports, 1);
	const struct log_report *r = &log->reports[0];
	assert_int_equal(r->kind, LOG_OOM);
	assert_string_equal(r->comm, "oncealloc2");
	assert_int_equal(r->mask, 0x100cca);
	assert_int_equal(r->order, 0);
	assert_int_equal(r->all_unreclaimable, 1);
	assert_string_equal(r->release, "5.4.74");
	assert_string_equal(r->hardware, "E2000Q DEMO DDR4 (DT)");
	bool found = false;
	for (unsigned i = 0; i < r->nr_tasks; i++)
		if (!strcmp(r->tasks[i].name, "oncealloc2")) {
			assert_int_equal(r->tasks[i].rss, 19475);
			assert_int_equal(r->tasks[i].nr, 10);
			found = true;
		}
	assert_true(found);
	const struct log_zone *z = log_find_zone(r, "DMA32");
	assert_int_equal(z->free_cma_kb, 523776);
	assert_int_equal(z->nr_orders, 14);
	assert_int_equal(z->nr_free[12], 1);
	assert_int_equal(z->types[12], 1u << MIGRATE_CMA);
	assert_int_equal(z->zone_line, 32);
	log_free(log);
}

static void test_pagetypeinfo(void **state)
{
	(void)state;
	struct log *log = load("seed002-pagetypeinfo.txt");
	assert_int_equal(log->nr_reports, 1);
	const struct log_report *r = &log->reports[0];
	assert_int_equal(r->kind, LOG_PAGETYPEINFO);
	assert_int_equal(r->pageblock_order, 10);
	const struct log_zone *z = log_find_zone(r, "DMA32");
	assert_true(z->have & LZ_PAGETYPES);
	assert_true(z->have & LZ_BLOCKS);
	assert_int_equal(z->pt_orders, 11);
	assert_int_equal(z->pt_free[10][MIGRATE_CMA], 170);
	assert_int_equal(z->pt_free[4][MIGRATE_UNMOVABLE], 45);
	assert_int_equal(z->pt_blocks[MIGRATE_CMA], 237);
	assert_int_equal(z->pt_blocks[MIGRATE_MOVABLE], 495);
	assert_int_equal(z->pt_blocks[MIGRATE_HIGHATOMIC], 0);
	log_free(log);
}

/* The same records whatever the log went through. */
static void same_records(const char *a, const char *b)
{
	struct log *x = load(a), *y = load(b);

	assert_int_equal(x->nr_records, y->nr_records);
	for (unsigned i = 0; i < x->nr_records; i++)
		if (strcmp(log_record_text(x, i), log_record_text(y, i)))
			fail_msg("%s record %u: \"%s\" != \"%s\"", b, i,
				 log_record_text(x, i), log_record_text(y, i));
	assert_int_equal(y->nr_reports, x->nr_reports);
	assert_int_equal(y->nr_problems, x->nr_problems);
	log_free(x);
	log_free(y);
}

static void test_variant_syslog(void **state)
{
	(void)state;
	same_records(SEED2, "extra/seed002-syslog.log");
}

static void test_variant_android(void **state)
{
	(void)state;
	same_records(SEED2, "extra/seed002-android-caller.log");
}

static void test_variant_journal(void **state)
{
	(void)state;
	same_records(SEED3, "extra/seed003-journal.log");
}

static void test_variant_kmsg(void **state)
{
	(void)state;
	same_records(SEED0, "extra/seed000-kmsg.log");
}

/* wrapped at 78 columns inside tokens: the numbers survive */
static void test_wrapped78(void **state)
{
	(void)state;
	struct log *log = load("extra/seed002-wrapped78.log");
	assert_int_equal(log->nr_reports, 1);
	const struct log_report *r = &log->reports[0];
	assert_int_equal(r->mask, 0xa20);
	const struct log_zone *z = log_find_zone(r, "DMA32");
	assert_non_null(z);
	assert_int_equal(z->free_cma_kb, 583960);
	assert_int_equal(z->min_kb, 10240);
	assert_true(z->have & LZ_BUDDY);
	assert_int_equal(z->total_kb, 633204);
	assert_int_equal(z->nr_free[5], 86);
	assert_int_equal(z->types[3], (1u << MIGRATE_UNMOVABLE) | (1u << MIGRATE_MOVABLE) |
			 (1u << MIGRATE_RECLAIMABLE) | (1u << MIGRATE_CMA));
	log_free(log);
}

/* a buddy line cut short is reported with its line number */
static void test_buddy_cut(void **state)
{
	(void)state;
	struct log *log = load("extra/seed000-buddy-cut.log");
	assert_int_equal(log->nr_reports, 1);
	assert_int_equal(log->nr_problems, 1);
	assert_int_equal(log->problems[0].lineno, 29);
	assert_non_null(strstr(log->problems[0].msg, "cut after order 4"));
	const struct log_zone *z = log_find_zone(&log->reports[0], "Normal");
	assert_true(z->have & LZ_BUDDY_CUT);
	assert_int_equal(z->nr_orders, 5);
	log_free(log);
}

/* other CPUs' lines between the zone line and lowmem_reserve */
static void test_interleaved(void **state)
{
	(void)state;
	struct log *log = load("extra/seed003-interleaved.log");
	assert_int_equal(log->nr_reports, 1);
	assert_int_equal(log->nr_problems, 0);
	const struct log_zone *z = log_find_zone(&log->reports[0], "DMA32");
	assert_int_equal(z->nr_reserve, 3);
	assert_int_equal(z->free_cma_kb, 523776);
	log_free(log);
}

static void test_inline_formats(void **state)
{
	(void)state;
	struct log *log = parse(
		"<4>[  10.000001] swapper: page allocation failure. order:1, mode:0x20\n"
		"Jun 13 04:36:30 box kernel: [  20.5] app: page allocation stalls for 10004ms, order:0, mode:0x24201ca(GFP_HIGHUSER_MOVABLE|__GFP_COLD)\n"
		"6,339,5140900,-;insmod: vmalloc: allocation failure: 4198400 bytes, mode:0x24000c2(GFP_KERNEL|__GFP_HIGHMEM)\n"
		" SUBSYSTEM=module\n"
		"[ 30.1] (0)[77:kworker/0:1]vmap allocation for size 4198400 failed: use vmalloc=<size> to increase size\n"
		"[ 31.0][  T88] cma: cma_alloc: reserved: alloc failed, req-size: 256 pages, ret: -12\n"
		"[ 31.1][  T88] cma: number of available pages: 8@0+16@24=> 24 free of 8192 total pages\n"
		"[ 40.0] kswapd0: vmalloc error: size 8192, page order 0, failed to allocate pages, mode:0xdc2(GFP_KERNEL|__GFP_HIGHMEM|__GFP_ZERO), nodemask=(null)\n"
		"[ 50.0] cat: page allocation failure: order:3,\n");
	assert_int_equal(log->nr_reports, 7);
	const struct log_report *r = log->reports;
	assert_int_equal(r[0].kind, LOG_ALLOC_FAILURE);
	assert_int_equal(r[0].order, 1);
	assert_int_equal(r[0].mask, 0x20);
	assert_false(r[0].mask_named);
	assert_int_equal(r[1].kind, LOG_ALLOC_STALL);
	assert_int_equal(r[1].stall_ms, 10004);
	assert_int_equal(r[1].mask, 0x24201ca);
	assert_int_equal(r[2].kind, LOG_VMALLOC);
	assert_int_equal(r[2].vm_size, 4198400);
	assert_string_equal(r[2].comm, "insmod");
	assert_int_equal(r[3].kind, LOG_VMAP);
	assert_int_equal(r[3].vm_size, 4198400);
	assert_int_equal(r[4].kind, LOG_CMA);
	assert_string_equal(r[4].cma_name, "reserved");
	assert_int_equal(r[4].cma_req_pages, 256);
	assert_int_equal(r[4].cma_ret, -12);
	assert_true(r[4].have_cma_avail);
	assert_int_equal(r[4].cma_free_pages, 24);
	assert_int_equal(r[4].cma_total_pages, 8192);
	assert_int_equal(r[5].kind, LOG_VMALLOC);
	assert_true(r[5].have_order);
	assert_int_equal(r[5].order, 0);
	assert_int_equal(r[5].vm_size, 8192);
	assert_int_equal(r[5].mask, 0xdc2);
	/* the last header is cut before mode: */
	assert_int_equal(log->nr_problems, 1);
	assert_int_equal(log->problems[0].lineno, 9);
	assert_false(r[6].have_mask);
	log_free(log);
}

static void test_escapes_kmsg(void **state)
{
	(void)state;
	struct log *log = parse(
		"4,1,2,-;Mem-Info:\n"
		"4,2,3,-;active_anon:1 inactive_anon:2 isolated_anon:0\\x0a active_file:3 inactive_file:4 isolated_file:0\\x0a free:5 free_pcp:6 free_cma:7\n"
		"4,3,4,c;Normal:#011 1*4kB (U) 0*8kB = 4kB\n");
	assert_int_equal(log->nr_records, 5);
	assert_string_equal(log_record_text(log, 2), "active_file:3 inactive_file:4 isolated_file:0");
	assert_true(log->records[2].flags & LOG_REC_INDENTED);
	assert_int_equal(log->records[2].lineno, 2);
	assert_string_equal(log_record_text(log, 4), "Normal:  1*4kB (U) 0*8kB = 4kB");
	assert_int_equal(log->nr_reports, 1);
	const struct log_report *r = &log->reports[0];
	assert_int_equal(r->kind, LOG_SHOW_MEM);
	assert_int_equal(r->counters[GF_FREE_CMA], 7);
	assert_int_equal(r->zones[0].nr_free[0], 1);
	log_free(log);
}

/* More counts than any kernel has orders: refused with a problem, never
 * stored past nr_free[MAX_PAGE_ORDERS - 1]. */
static void test_buddyinfo_too_many_orders(void **state)
{
	(void)state;
	struct log *log = parse("Node 0, zone   Normal "
		"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n");
	assert_true(log->nr_problems >= 1);
	assert_non_null(strstr(log->problems[0].msg, "buddyinfo"));
	for (unsigned r = 0; r < log->nr_reports; r++)
		for (unsigned z = 0; z < log->reports[r].nr_zones; z++)
			assert_true(log->reports[r].zones[z].nr_orders <=
				    MAX_PAGE_ORDERS);
	log_free(log);
}

static void test_nothing(void **state)
{
	(void)state;
	struct log *log = parse("hello\n\nworld\n");
	assert_int_equal(log->nr_reports, 0);
	assert_int_equal(log->nr_lines, 3);
	assert_int_equal(log->nr_records, 2);
	log_free(log);
	struct gfp_error err = { { 0 } };
	assert_null(log_read("/nonexistent/log", &err));
	assert_non_null(strstr(err.msg, "/nonexistent/log"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed000),
		cmocka_unit_test(test_seed001_escapes),
		cmocka_unit_test(test_seed002_wrapped),
		cmocka_unit_test(test_seed003_oom),
		cmocka_unit_test(test_pagetypeinfo),
		cmocka_unit_test(test_variant_syslog),
		cmocka_unit_test(test_variant_android),
		cmocka_unit_test(test_variant_journal),
		cmocka_unit_test(test_variant_kmsg),
		cmocka_unit_test(test_wrapped78),
		cmocka_unit_test(test_buddy_cut),
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_buddyinfo_too_many_orders),
		cmocka_unit_test(test_inline_formats),
		cmocka_unit_test(test_escapes_kmsg),
		cmocka_unit_test(test_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
