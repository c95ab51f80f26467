/* explain: each seed log gets its verdict with the numbers the kernel's
 * arithmetic gives on what it printed; small logs cover the other
 * verdicts and the version inference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diagnose/explain.h"
#include "base/prim.h"

static struct explanation *ex;

static int setup(void **state)
{
	(void)state;
	ex = prim_map(sizeof(*ex));
	return ex ? 0 : -1;
}

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

static void explain_first(const struct log *log, kver_t kv)
{
	struct gfp_error err = { { 0 } };

	assert_true(log->nr_reports >= 1);
	if (explain_report(log, 0, kv, ex, &err))
		fail_msg("explain_report: %s", err.msg);
}

static const struct explain_zone *zone(const char *name)
{
	for (unsigned i = 0; i < ex->nr_zones; i++)
		if (!strcmp(ex->zones[i].name, name))
			return &ex->zones[i];
	fail_msg("zone %s not evaluated", name);
	return NULL;
}

static bool noted(const char *text)
{
	for (unsigned i = 0; i < ex->nr_notes; i++)
		if (strstr(ex->notes[i], text))
			return true;
	return false;
}

/* 4.9, order 10 unmovable: the only order-10 blocks are CMA */
static void test_seed000(void **state)
{
	(void)state;
	struct log *log = load("seed000-csky-4.9-order10-atomic-comp-cma.log");
	explain_first(log, 0);
	assert_int_equal(ex->kv_source, KVS_RELEASE);
	assert_int_equal(KVER_MAJOR(ex->kv), 4);
	assert_int_equal(KVER_MINOR(ex->kv), 9);
	assert_int_equal(ex->verdict, EV_CMA_ONLY);
	assert_int_equal(ex->migratetype, MIGRATE_UNMOVABLE);
	assert_true(ex->alloc_flags & ALLOC_HARDER);
	assert_false(ex->alloc_flags & ALLOC_CMA);
	const struct explain_zone *z = zone("Normal");
	/* 611 - 611/2 = 306, - 306/4 = 230; 62086 - 60234 CMA - 1023 = 829 */
	assert_int_equal(z->mark, 611);
	assert_int_equal(z->seen.min, 230);
	assert_int_equal(z->seen.usable, 829);
	assert_int_equal(z->cma, 60234);
	assert_true(z->counts_ok);
	assert_false(z->rmqueue_block);
	assert_int_equal(z->ge_cma_blocks, 58);
	assert_int_equal(z->largest_usable, 9);
	assert_true(ex->recs & REC_DMA_COHERENT);
	assert_true(ex->recs & REC_PREALLOCATE);
	assert_true(ex->recs & REC_FIX_LEAK);
	assert_int_equal(ex->usage.managed, 183642);
	assert_int_equal(ex->usage.untracked, 24656);
	assert_true(noted("CMA included"));
	log_free(log);
}

/* 4.18 (RHEL8), 64K pages, order-0 GFP_ATOMIC: below the printed min in
 * both zones, above it after the atomic discounts */
static void test_seed001(void **state)
{
	(void)state;
	struct log *log = load("seed001-arm64-4.18-el8-order0-atomic-64k.log");
	explain_first(log, 0);
	assert_int_equal(ex->page_kb, 64);
	assert_int_equal(ex->nr_page_orders, 14);
	assert_int_equal(ex->nr_zones, 2);
	assert_string_equal(ex->zones[0].name, "Normal");
	const struct explain_zone *d = zone("DMA32"), *n = zone("Normal");
	assert_int_equal(d->seen.free_pages, 3981);
	assert_int_equal(d->mark, 8255);
	assert_int_equal(d->seen.min, 3096);
	assert_int_equal(d->seen.lowmem_reserve, 316);
	assert_int_equal(d->boost_floor, 8075);
	assert_int_equal(n->seen.free_pages, 4251);
	assert_int_equal(n->mark, 8305);
	assert_int_equal(n->seen.min, 3115);
	assert_int_equal(n->seen.lowmem_reserve, 0);
	assert_true(d->seen.free_pages < d->mark && n->seen.free_pages < n->mark);
	assert_int_equal(ex->verdict, EV_SHOULD_HAVE_SUCCEEDED);
	assert_true(noted("below the printed min watermark in every zone"));
	/* without __GFP_HIGH/__GFP_ATOMIC the same numbers fail */
	explain_first(log, 0);
	log_free(log);
	struct gfp_error err = { { 0 } };
	const char *plain =
		"t: page allocation failure: order:0, mode:0x6000c0(GFP_KERNEL), nodemask=(null)\n"
		"CPU: 1 PID: 2 Comm: t Not tainted 4.18.0 #1\n"
		"Node 0 Normal free:272064kB min:531520kB low:536640kB high:541760kB present:5242880kB managed:5223616kB free_cma:0kB\n"
		"lowmem_reserve[]: 0 0 0\n"
		"Node 0 Normal: 1214*64kB (UM) 82*128kB (UM) 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB 0*8192kB 0*16384kB 0*32768kB 0*65536kB 0*131072kB 0*262144kB 0*524288kB = 88192kB\n";
	log = log_parse(plain, strlen(plain), &err);
	explain_first(log, 0);
	assert_int_equal(ex->verdict, EV_WATERMARK);
	assert_int_equal(zone("Normal")->seen.min, 8305);
	assert_true(ex->recs & REC_MIN_FREE);
	log_free(log);
}

/* 5.4 Android, order-4 GFP_ATOMIC: every block >= 64 kB is CMA */
static void test_seed002(void **state)
{
	(void)state;
	struct log *log = load("seed002-arm64-5.4-android-order4-atomic-cma.log");
	explain_first(log, 0);
	assert_int_equal(KVER_MINOR(ex->kv), 4);
	assert_int_equal(ex->verdict, EV_CMA_ONLY);
	const struct explain_zone *z = zone("DMA32");
	/* 2560 → 1280 → 960; 158325 - 145990 - 15 = 12320 */
	assert_int_equal(z->seen.min, 960);
	assert_int_equal(z->seen.usable, 12320);
	assert_int_equal(z->ge_cma_blocks, 569);
	assert_int_equal(z->largest_usable, 3);
	assert_int_equal(z->largest_any, 10);
	assert_true(ex->recs & REC_DMA_COHERENT);
	assert_true(ex->recs & REC_KVMALLOC);
	assert_true(ex->recs & REC_PREALLOCATE);
	assert_true(ex->recs & REC_FIX_LEAK);
	assert_int_equal(ex->usage.untracked, 328082);
	log_free(log);
	/* the wrapped copy gives the same verdict and numbers */
	log = load("extra/seed002-wrapped78.log");
	explain_first(log, 0);
	assert_int_equal(ex->verdict, EV_CMA_ONLY);
	assert_int_equal(zone("DMA32")->seen.usable, 12320);
	log_free(log);
}

/* 5.4 OOM at order 0, GFP_HIGHUSER_MOVABLE: passes with CMA counted,
 * below min without it */
static void test_seed003(void **state)
{
	(void)state;
	struct log *log = load("seed003-arm64-5.4-oom-highuser-movable-cma-64k.log");
	explain_first(log, 0);
	assert_int_equal(ex->migratetype, MIGRATE_MOVABLE);
	assert_true(ex->alloc_flags & ALLOC_CMA);
	assert_true(ex->can_reclaim);
	const struct explain_zone *z = zone("DMA32");
	assert_int_equal(z->seen.free_pages, 9580);
	assert_int_equal(z->mark, 1431);
	assert_int_equal(ex->verdict, EV_SHOULD_HAVE_SUCCEEDED);
	assert_true(noted("without CMA, DMA32 has 1396 free pages, not above min 1431"));
	assert_true(noted("all_unreclaimable? yes"));
	assert_true(ex->recs & REC_CMA_SIZE);
	assert_true(ex->recs & REC_FIX_LEAK);
	assert_int_equal(ex->usage.anon, 20630);
	log_free(log);
}

static struct log *text_log(const char *text)
{
	struct gfp_error err = { { 0 } };
	struct log *log = log_parse(text, strlen(text), &err);

	if (!log)
		fail_msg("log_parse: %s", err.msg);
	return log;
}

#define ZONE_510(name, free, min, low, high, ha, cma) \
	"Node 0 " name " free:" free "kB min:" min "kB low:" low "kB high:" high \
	"kB reserved_highatomic:" ha "KB active_anon:0kB inactive_anon:0kB " \
	"active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB " \
	"present:4194304kB managed:4000000kB mlocked:0kB pagetables:0kB " \
	"bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:" cma "kB\n"

/* no release: 0xa20(GFP_ATOMIC) fits only 5.4–6.2, "unstable:" only ≤5.9 */
static void test_infer_from_mask(void **state)
{
	(void)state;
	struct log *log = text_log(
		"a: page allocation failure: order:2, mode:0xa20(GFP_ATOMIC), nodemask=(null)\n"
		"Mem-Info:\n"
		"active_anon:1 inactive_anon:1 isolated_anon:0\n"
		" unevictable:0 dirty:0 writeback:0 unstable:0\n"
		"Normal free:400kB min:64kB low:80kB high:96kB present:16384kB managed:16000kB free_cma:0kB\n"
		"lowmem_reserve[]: 0 0 0\n"
		"Normal: 100*4kB (UM) 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 400kB\n");
	explain_first(log, 0);
	assert_int_equal(ex->kv_source, KVS_MASK);
	assert_int_equal(KVER_MAJOR(ex->kv), 5);
	assert_int_equal(KVER_MINOR(ex->kv), 4);
	assert_int_equal(ex->verdict, EV_FRAGMENTATION);
	assert_int_equal(zone("Normal")->largest_usable, 0);
	assert_true(ex->recs & REC_COMPACTION);
	/* --kernel wins, and a mask that does not fit it is noted */
	explain_first(log, KVER(4, 9, 0xffff));
	assert_int_equal(ex->kv_source, KVS_GIVEN);
	assert_true(noted("not how 4.9 numbers it"));
	log_free(log);
}

/* 5.10: the order-3 blocks are all in the highatomic reserve, which a
 * GFP_KERNEL request may not use */
static void test_highatomic(void **state)
{
	(void)state;
	struct log *log = text_log(
		"b: page allocation failure: order:3, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), nodemask=(null),cpuset=/,mems_allowed=0\n"
		"CPU: 0 PID: 9 Comm: b Not tainted 5.10.100 #1\n"
		ZONE_510("Normal", "40000", "4000", "5000", "6000", "8192", "0")
		"lowmem_reserve[]: 0 0 0 0 0\n"
		"Node 0 Normal: 8000*4kB (UME) 1000*8kB (UM) 0*16kB 1*32kB (H) 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 40032kB\n");
	explain_first(log, 0);
	assert_int_equal(ex->verdict, EV_HIGHATOMIC);
	const struct explain_zone *z = zone("Normal");
	/* 10000 - 7 - 2048 highatomic = 7945 > 1000 */
	assert_int_equal(z->seen.usable, 7945);
	assert_int_equal(z->highatomic, 2048);
	assert_int_equal(z->ge_ha_blocks, 1);
	log_free(log);
}

/* x86: DMA32 has pages over its min, not over its lowmem_reserve for a
 * Normal request; Normal is below min */
static void test_lowmem_reserve(void **state)
{
	(void)state;
	struct log *log = text_log(
		"c: page allocation failure: order:0, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0\n"
		"CPU: 0 PID: 9 Comm: c Not tainted 5.10.100 #1\n"
		ZONE_510("DMA32", "50000", "2944", "5908", "8872", "0", "0")
		"lowmem_reserve[]: 0 0 12890 12890 12890\n"
		ZONE_510("Normal", "12000", "13124", "26324", "39524", "0", "0")
		"lowmem_reserve[]: 0 0 0 0 0\n"
		"Node 0 DMA32: 12500*4kB (UM) 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 50000kB\n"
		"Node 0 Normal: 3000*4kB (UM) 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 12000kB\n");
	explain_first(log, 0);
	assert_int_equal(ex->nr_zones, 2);
	const struct explain_zone *d = zone("DMA32"), *n = zone("Normal");
	assert_int_equal(d->why, EV_LOWMEM_RESERVE);
	assert_int_equal(d->seen.lowmem_reserve, 12890);
	assert_int_equal(n->why, EV_WATERMARK);
	/* 12500 > 736 but not > 736 + 12890; the verdict speaks of the zone
	 * with the most free memory */
	assert_int_equal(ex->verdict, EV_LOWMEM_RESERVE);
	log_free(log);
}

static void test_other_verdicts(void **state)
{
	(void)state;
	struct log *log = text_log(
		"[ 1.0] d: page allocation failure: order:11, mode:0xcc0(GFP_KERNEL), nodemask=(null)\n"
		"[ 1.0] CPU: 0 PID: 9 Comm: d Not tainted 5.10.100 #1\n"
		"[ 2.0] insmod: vmalloc: allocation failure: 4198400 bytes, mode:0xcc2(GFP_KERNEL|__GFP_HIGHMEM), nodemask=(null)\n"
		"[ 2.0] CPU: 0 PID: 9 Comm: insmod Not tainted 5.10.100 #1\n"
		"[ 3.0] cma: cma_alloc: reserved: alloc failed, req-size: 256 pages, ret: -12\n"
		"[ 3.0] cma: number of available pages: 8@0+16@24=> 24 free of 8192 total pages\n"
		"[ 4.0] e: page allocation failure: order:1, mode:0xcc1(GFP_KERNEL|GFP_DMA), nodemask=(null)\n"
		"[ 4.0] CPU: 0 PID: 9 Comm: e Not tainted 5.10.100 #1\n"
		"[ 4.0] " ZONE_510("Normal", "40", "4", "5", "6", "0", "0")
		"[ 4.0] lowmem_reserve[]: 0 0 0 0\n"
		"[ 4.0] Node 0 Normal: 10*4kB (UM) 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 40kB\n");
	struct gfp_error err = { { 0 } };
	assert_int_equal(log->nr_reports, 4);
	assert_int_equal(explain_report(log, 0, 0, ex, &err), 0);
	assert_int_equal(ex->verdict, EV_ORDER_TOO_LARGE);
	assert_true(ex->recs & REC_KVMALLOC);
	assert_int_equal(explain_report(log, 1, 0, ex, &err), 0);
	assert_int_equal(ex->verdict, EV_NOT_PAGES);
	assert_true(ex->recs & REC_VMALLOC_SPACE);
	assert_int_equal(explain_report(log, 2, 0, ex, &err), 0);
	assert_int_equal(ex->verdict, EV_CMA_AREA);
	assert_non_null(strstr(ex->verdict_text, "24 of 8192 pages free"));
	assert_int_equal(explain_report(log, 3, 0, ex, &err), 0);
	assert_int_equal(ex->verdict, EV_NO_ZONE);
	assert_string_equal(ex->highest_zone, "DMA");
	assert_true(ex->recs & REC_DMA_ZONE);
	assert_int_equal(explain_report(log, 4, 0, ex, &err), -1);
	assert_non_null(strstr(err.msg, "4 reports"));
	log_free(log);
}

static void test_cut_buddy(void **state)
{
	(void)state;
	struct log *log = load("extra/seed000-buddy-cut.log");
	explain_first(log, 0);
	assert_int_equal(ex->verdict, EV_NO_NUMBERS);
	assert_true(zone("Normal")->orders_unknown);
	assert_non_null(strstr(ex->verdict_text, "cut before order 10"));
	log_free(log);
}

static void test_format(void **state)
{
	(void)state;
	static char buf[1 << 16];
	struct sbuf sb = SBUF_INIT(buf, sizeof(buf));
	struct log *log = load("seed002-arm64-5.4-android-order4-atomic-cma.log");

	explain_first(log, 0);
	explain_format_text(ex, &sb);
	assert_false(sb_overflowed(&sb));
	assert_non_null(strstr(sb_str(&sb), "Verdict: only CMA left"));
	assert_non_null(strstr(sb_str(&sb), "usable 12320 = free 158325 - CMA 145990 - order tail 15"));
	sb_reset(&sb);
	explain_format_json(ex, &sb);
	assert_non_null(strstr(sb_str(&sb), "\"verdict\":\"cma-only\""));
	assert_non_null(strstr(sb_str(&sb), "\"usable\":12320"));
	assert_non_null(strstr(sb_str(&sb), "\"id\":\"dma-coherent\""));
	log_free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed000),
		cmocka_unit_test(test_seed001),
		cmocka_unit_test(test_seed002),
		cmocka_unit_test(test_seed003),
		cmocka_unit_test(test_infer_from_mask),
		cmocka_unit_test(test_highatomic),
		cmocka_unit_test(test_lowmem_reserve),
		cmocka_unit_test(test_other_verdicts),
		cmocka_unit_test(test_cut_buddy),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
