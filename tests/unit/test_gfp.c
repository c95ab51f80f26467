/* gfp masks per kernel: %pGg output, parsing, canonical translation.
 * Expected strings come from real logs (tests/data/logs) and from the
 * kernels' own definitions (include/linux/gfp.h, trace/events/mmflags.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "abi/gfp.h"
#include "abi/gfp_tables.h"

static kver_t kv_of(const char *text)
{
	kver_t kv;

	if (kver_parse(text, &kv))
		fail_msg("bad version %s", text);
	return kv;
}

static void check_format(const char *ver, uint32_t mask, const char *want)
{
	char buf[256];
	size_t n = gfp_format(mask, kv_of(ver), buf, sizeof(buf));

	if (strcmp(buf, want))
		fail_msg("%s: gfp_format(%#x) = \"%s\", want \"%s\"", ver,
			 mask, buf, want);
	assert_int_equal(n, strlen(want));
}

static uint32_t parse_ok(const char *ver, const char *text)
{
	char err[512] = "";
	uint32_t mask = 0xdeadbeef;

	if (gfp_parse(text, kv_of(ver), &mask, err, sizeof(err)))
		fail_msg("%s: gfp_parse(\"%s\"): %s", ver, text, err);
	return mask;
}

/* The log line's mask, printed back from its number and parsed back from
 * its text, on the kernel that wrote it. */
static void check_log(const char *ver, const char *logged, uint32_t mask)
{
	check_format(ver, mask, logged);
	assert_int_equal(parse_ok(ver, logged), mask);
}

static void test_issue_examples(void **state)
{
	(void)state;
	/* seed000 (4.9.56 csky) */
	check_log("4.9", "0x2084020(GFP_ATOMIC|__GFP_COMP)", 0x2084020);
	/* seed002 (5.4.125 android), seed003 (5.4.74) */
	check_log("5.4.125-android11-2-g6d2ca40337f4-dirty-ab2800",
		  "0xa20(GFP_ATOMIC)", 0xa20);
	check_log("5.4", "0x100cca(GFP_HIGHUSER_MOVABLE)", 0x100cca);
	/* seed001 (RHEL 8 4.18) */
	check_log("4.18.0-513.24.1.el8_9.v1.aarch64", "0x480020(GFP_ATOMIC)",
		  0x480020);
	check_log("5.15", "0x40cc0(GFP_KERNEL|__GFP_COMP)", 0x40cc0);
	check_log("5.15", "0xcc4(GFP_KERNEL|GFP_DMA32)", 0xcc4);
	check_log("6.1", "0xcc4(GFP_KERNEL|GFP_DMA32)", 0xcc4);
	check_log("6.6", "0x820(GFP_ATOMIC)", 0x820);
	check_log("6.8", "0x820(GFP_ATOMIC)", 0x820);	/* 6.8.0 xtensa log */
	check_log("5.13", "0x40a20(GFP_ATOMIC|__GFP_COMP)", 0x40a20);
	check_log("6.12", "0x2cc0(GFP_KERNEL|__GFP_NOWARN)", 0x2cc0);
	check_log("6.12", "0x2800(GFP_NOWAIT)", 0x2800);
	check_log("6.12", "0x0()", 0);
	check_log("5.4", "0x0()", 0);
	check_log("4.9", "0x24201ca(GFP_HIGHUSER_MOVABLE|__GFP_COLD)",
		  0x24201ca);
	check_log("4.14", "0x14200ca(GFP_HIGHUSER_MOVABLE)", 0x14200ca);
	check_log("4.19", "0x6200ca(GFP_HIGHUSER_MOVABLE)", 0x6200ca);
	check_log("4.19", "0x6000c0(GFP_KERNEL)", 0x6000c0);
	check_log("6.1", "0xdc2(GFP_KERNEL|__GFP_HIGHMEM|__GFP_ZERO)", 0xdc2);
	check_log("6.12", "0xdc2(GFP_KERNEL|__GFP_HIGHMEM|__GFP_ZERO)", 0xdc2);
	check_log("6.12", "0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO)", 0x40dc0);
	check_log("6.12", "0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)",
		  0x140cca);
	/* the 6.16 mm-tree OOM log (6.15.0-rc6-00281) and the 6.19-rc5
	 * kswapd0 report: the single flags in bit order from 6.15 */
	check_log("6.15.0-rc6-00281-g780138b12381",
		  "0x440dc0(GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP)", 0x440dc0);
	check_log("6.19.0-rc5-00027-g40fd0acc45d0",
		  "0xc0c40(GFP_NOFS|__GFP_COMP|__GFP_NOMEMALLOC)", 0xc0c40);
}

static void test_unknown_bits(void **state)
{
	(void)state;
	/* no name covers them: one lowercase hex remainder, after a '|' */
	check_format("6.12", 0x4000000, "0x4000000(0x4000000)");
	check_format("6.12", 0x4000cc0, "0x4000cc0(GFP_KERNEL|0x4000000)");
	check_format("6.12", 0xc000cc0, "0xc000cc0(GFP_KERNEL|0xc000000)");
	/* 0x200 was __GFP_ATOMIC until 6.2 and is unused from 6.3 */
	check_format("6.1", 0xa20, "0xa20(GFP_ATOMIC)");
	check_format("6.6", 0xa20, "0xa20(GFP_ATOMIC|0x200)");
	/* 4.9's __GFP_OTHER_NODE is gone in 4.10 */
	check_format("4.9", 0x800000, "0x800000(__GFP_OTHER_NODE)");
	check_format("4.14", 0x800000, "0x800000(__GFP_WRITE)");
	check_format("4.9", 0x80000000, "0x80000000(0x80000000)");
	assert_int_equal(parse_ok("6.12", "0x4000cc0(GFP_KERNEL|0x4000000)"),
			 0x4000cc0);
	assert_int_equal(parse_ok("6.12", "GFP_KERNEL|0x4000000"), 0x4000cc0);
}

static void test_version_changes(void **state)
{
	(void)state;
	/* GFP_NOWAIT gained __GFP_NOWARN in 6.8 */
	assert_int_equal(parse_ok("6.7", "GFP_NOWAIT"), 0x800);
	assert_int_equal(parse_ok("6.8", "GFP_NOWAIT"), 0x2800);
	check_format("6.6", 0x2800, "0x2800(GFP_NOWAIT|__GFP_NOWARN)");
	/* GFP_ATOMIC lost __GFP_ATOMIC in 6.3 */
	assert_int_equal(parse_ok("6.2", "GFP_ATOMIC"), 0xa20);
	assert_int_equal(parse_ok("6.3", "GFP_ATOMIC"), 0x820);
	/* __GFP_REPEAT became __GFP_RETRY_MAYFAIL in 4.13 */
	check_format("4.12", 0x14004c0, "0x14004c0(GFP_KERNEL|__GFP_REPEAT)");
	check_format("4.13", 0x14004c0,
		     "0x14004c0(GFP_KERNEL|__GFP_RETRY_MAYFAIL)");
	/* GFP_TEMPORARY printed up to 4.13, removed in 4.14 */
	check_format("4.13", 0x14000d0, "0x14000d0(GFP_TEMPORARY)");
	check_format("4.14", 0x14000d0,
		     "0x14000d0(GFP_KERNEL|__GFP_RECLAIMABLE)");
	/* __GFP_ZEROTAGS is named from 5.14 */
	check_format("5.13", 0x800000, "0x800000(0x800000)");
	check_format("5.14", 0x800000, "0x800000(__GFP_ZEROTAGS)");
	/* 4.15 left holes where __GFP_COLD and __GFP_NOTRACK were */
	check_format("4.15", 0x1000100, "0x1000100(GFP_NOWAIT|0x100)");
	/* 5.1 shuffled the bits */
	assert_int_equal(parse_ok("5.0", "GFP_KERNEL"), 0x6000c0);
	assert_int_equal(parse_ok("5.1", "GFP_KERNEL"), 0xcc0);
	/* ca29a0bf1221 (6.15): composites, then single flags in bit order;
	 * 6.12.y and 6.14 keep the old table */
	check_format("6.14", 0x40dc0, "0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO)");
	check_format("6.15", 0x40dc0, "0x40dc0(GFP_KERNEL|__GFP_ZERO|__GFP_COMP)");
	check_format("6.14", 0xdd0, "0xdd0(GFP_KERNEL|__GFP_ZERO|__GFP_RECLAIMABLE)");
	check_format("6.15", 0xdd0, "0xdd0(GFP_KERNEL|__GFP_RECLAIMABLE|__GFP_ZERO)");
	check_format("7.1", 0xc0de0, "0xc0de0(GFP_KERNEL|__GFP_HIGH|__GFP_ZERO|"
		     "__GFP_COMP|__GFP_NOMEMALLOC)");
	check_format("6.15", 0xdc2, "0xdc2(GFP_KERNEL|__GFP_HIGHMEM|__GFP_ZERO)");
	/* GFP_TRANSHUGE_LIGHT from 4.8 */
	check_format("4.8", 0x342ca, "0x342ca(GFP_TRANSHUGE_LIGHT)");
	check_format("4.7", 0x352ca, "0x352ca(GFP_TRANSHUGE)");
}

/* §1.3 of the reference: each composite's number in each era. */
static void test_composite_values(void **state)
{
	static const struct {
		const char *name;
		/* 4.9, 4.10, 4.19, 5.4, 6.1, 6.6, 6.12; 0 = not defined */
		uint32_t v[7];
	} rows[] = {
		{ "GFP_ATOMIC", { 0x2080020, 0x1080020, 0x480020, 0xa20, 0xa20,
				  0x820, 0x820 } },
		{ "GFP_KERNEL", { 0x24000c0, 0x14000c0, 0x6000c0, 0xcc0, 0xcc0,
				  0xcc0, 0xcc0 } },
		{ "GFP_KERNEL_ACCOUNT", { 0x25000c0, 0x15000c0, 0x7000c0,
					  0x400cc0, 0x400cc0, 0x400cc0,
					  0x400cc0 } },
		{ "GFP_NOWAIT", { 0x2000000, 0x1000000, 0x400000, 0x800, 0x800,
				  0x800, 0x2800 } },
		{ "GFP_NOIO", { 0x2400000, 0x1400000, 0x600000, 0xc00, 0xc00,
				0xc00, 0xc00 } },
		{ "GFP_NOFS", { 0x2400040, 0x1400040, 0x600040, 0xc40, 0xc40,
				0xc40, 0xc40 } },
		{ "GFP_TEMPORARY", { 0x24000d0, 0x14000d0, 0, 0, 0, 0, 0 } },
		{ "GFP_USER", { 0x24200c0, 0x14200c0, 0x6200c0, 0x100cc0,
				0x100cc0, 0x100cc0, 0x100cc0 } },
		{ "GFP_DMA", { 1, 1, 1, 1, 1, 1, 1 } },
		{ "GFP_DMA32", { 4, 4, 4, 4, 4, 4, 4 } },
		{ "GFP_HIGHUSER", { 0x24200c2, 0x14200c2, 0x6200c2, 0x100cc2,
				    0x100cc2, 0x100cc2, 0x100cc2 } },
		{ "GFP_HIGHUSER_MOVABLE", { 0x24200ca, 0x14200ca, 0x6200ca,
					    0x100cca, 0x100cca, 0x100cca,
					    0x100cca } },
		{ "GFP_TRANSHUGE_LIGHT", { 0x342ca, 0x342ca, 0x342ca, 0x1c20ca,
					   0x1c20ca, 0x1c20ca, 0x1c20ca } },
		{ "GFP_TRANSHUGE", { 0x4342ca, 0x4342ca, 0x2342ca, 0x1c24ca,
				     0x1c24ca, 0x1c24ca, 0x1c24ca } },
	};
	static const char *const vers[7] = {
		"4.9", "4.10", "4.19", "5.4", "6.1", "6.6", "6.12"
	};

	(void)state;
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
		for (int v = 0; v < 7; v++) {
			char err[512], buf[128];
			uint32_t mask;
			int rc = gfp_parse(rows[r].name, kv_of(vers[v]), &mask,
					   err, sizeof(err));

			if (!rows[r].v[v]) {
				assert_int_equal(rc, -1);
				assert_non_null(strstr(err, rows[r].name));
				continue;
			}
			if (rc || mask != rows[r].v[v])
				fail_msg("%s on %s: %#x (%s), want %#x",
					 rows[r].name, vers[v], mask, err,
					 rows[r].v[v]);
			/* alone, a composite prints as itself */
			gfp_format_names(mask, kv_of(vers[v]), buf,
					 sizeof(buf));
			assert_string_equal(buf, rows[r].name);
		}
}

/* canonical -> kernel numbers: the 5.4–6.2 definitions in gfp.h, printed
 * on every era (§1.3), and back. */
static void test_canonical_round_trip(void **state)
{
	static const struct {
		gfp_t canon;
		const char *ver;
		uint32_t kernel;
	} rows[] = {
		{ GFP_ATOMIC, "3.10", 0x20 },
		{ GFP_ATOMIC, "4.4", 0x2080020 },
		{ GFP_ATOMIC, "4.9", 0x2080020 },
		{ GFP_ATOMIC, "4.14", 0x1080020 },
		{ GFP_ATOMIC, "4.19", 0x480020 },
		{ GFP_ATOMIC, "5.4", 0xa20 },
		{ GFP_ATOMIC, "6.1", 0xa20 },
		{ GFP_ATOMIC, "6.6", 0x820 },
		{ GFP_ATOMIC | __GFP_COMP, "4.9", 0x2084020 },
		{ GFP_KERNEL, "3.10", 0xd0 },
		{ GFP_KERNEL, "4.4", 0x24000c0 },
		{ GFP_KERNEL, "4.9", 0x24000c0 },
		{ GFP_KERNEL, "4.14", 0x14000c0 },
		{ GFP_KERNEL, "4.19", 0x6000c0 },
		{ GFP_KERNEL | __GFP_COMP, "5.15", 0x40cc0 },
		{ GFP_KERNEL | __GFP_NOWARN, "6.12", 0x2cc0 },
		{ GFP_HIGHUSER_MOVABLE, "3.10", 0x200da },
		{ GFP_HIGHUSER_MOVABLE, "4.9", 0x24200ca },
		{ GFP_HIGHUSER_MOVABLE, "4.14", 0x14200ca },
		{ GFP_HIGHUSER_MOVABLE, "4.19", 0x6200ca },
		{ GFP_HIGHUSER_MOVABLE, "5.10", 0x100cca },
		{ GFP_HIGHUSER_MOVABLE | __GFP_COLD, "4.9", 0x24201ca },
		{ GFP_TRANSHUGE, "4.9", 0x4342ca },
		{ GFP_TRANSHUGE, "4.19", 0x2342ca },
		{ GFP_TRANSHUGE, "6.12", 0x1c24ca },
		{ GFP_TRANSHUGE_LIGHT, "6.12", 0x1c20ca },
		{ GFP_KERNEL_ACCOUNT, "4.9", 0x25000c0 },
		{ GFP_NOWAIT, "4.9", 0x2000000 },
		{ GFP_NOWAIT, "3.10", 0 },
		{ __GFP_NOACCOUNT | GFP_KERNEL, "4.4", 0x25000c0 },
		{ __GFP_ACCOUNT | GFP_KERNEL, "3.10", 0x1000d0 },
		{ __GFP_NOTRACK | __GFP_OTHER_NODE, "4.9", 0xa00000 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		kver_t kv = kv_of(rows[i].ver);
		uint32_t unknown = 0xffffffff;
		uint32_t k = gfp_to_kernel(rows[i].canon, kv);

		if (k != rows[i].kernel)
			fail_msg("row %zu: %#x on %s -> %#x, want %#x", i,
				 rows[i].canon, rows[i].ver, k, rows[i].kernel);
		gfp_t back = gfp_from_kernel(k, kv, &unknown);
		assert_int_equal(unknown, 0);
		assert_int_equal(gfp_to_kernel(back, kv), k);
		/* exact where the kernel has every bit of the definition */
		if (kv >= KVER(4, 4, 0) && kv < KVER(6, 3, 0))
			assert_int_equal(back, rows[i].canon);
	}
}

/* Bits a kernel lacks are dropped going out and reported coming in. */
static void test_translation_edges(void **state)
{
	uint32_t unknown;

	(void)state;
	/* 6.3+ has no __GFP_ATOMIC bit */
	assert_int_equal(gfp_to_kernel(__GFP_ATOMIC, kv_of("6.6")), 0);
	assert_int_equal(gfp_from_kernel(0x200, kv_of("6.6"), &unknown), 0);
	assert_int_equal(unknown, 0x200);
	/* no __GFP_ZEROTAGS before 5.14, no __GFP_COLD from 4.15 */
	assert_int_equal(gfp_to_kernel(__GFP_ZEROTAGS | __GFP_IO,
				       kv_of("5.10")), 0x40);
	assert_int_equal(gfp_to_kernel(__GFP_COLD, kv_of("4.19")), 0);
	assert_int_equal(gfp_from_kernel(0x100, kv_of("4.15"), &unknown), 0);
	assert_int_equal(unknown, 0x100);
	/* the config-dependent bits are not modelled: 0 on every kernel */
	assert_int_equal(gfp_to_kernel(__GFP_NOLOCKDEP | __GFP_SKIP_ZERO,
				       kv_of("6.1")), 0);
	/* unknown may be NULL */
	assert_int_equal(gfp_from_kernel(0x20, kv_of("5.4"), NULL), __GFP_HIGH);
}

/* 3.10 has __GFP_WAIT and __GFP_NO_KSWAPD: translated by meaning, and every
 * 3.10 mask survives kernel -> canonical -> kernel. */
static void test_wait_era(void **state)
{
	kver_t kv = kv_of("3.10");
	uint32_t unknown;

	(void)state;
	/* no WAIT, no NO_KSWAPD: atomic (ALLOC_HARDER) and wakes kswapd */
	assert_int_equal(gfp_from_kernel(0, kv, &unknown),
			 __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM);
	assert_int_equal(gfp_from_kernel(0x20, kv, &unknown), GFP_ATOMIC);
	assert_int_equal(gfp_from_kernel(0xd0, kv, &unknown), GFP_KERNEL);
	/* GFP_TRANSHUGE: reclaims directly, never wakes kswapd */
	gfp_t thp = gfp_from_kernel(0x4352da, kv, &unknown);
	assert_true(thp & __GFP_DIRECT_RECLAIM);
	assert_false(thp & (__GFP_KSWAPD_RECLAIM | __GFP_ATOMIC));
	assert_int_equal(unknown, 0);
	for (uint32_t m = 0; m < (1u << 25); m += 0x1357) {
		gfp_t g = gfp_from_kernel(m, kv, &unknown);
		assert_int_equal(unknown, 0);
		assert_int_equal(gfp_to_kernel(g, kv), m);
	}
	assert_int_equal(gfp_from_kernel(0x2000000, kv, &unknown) &
			 __GFP_ATOMIC, __GFP_ATOMIC);
	assert_int_equal(unknown, 0x2000000);
	/* __GFP_KMEMCG (3.10) is __GFP_ACCOUNT; gone in 3.16 */
	assert_int_equal(gfp_from_kernel(0x100000, kv, NULL) & __GFP_ACCOUNT,
			 __GFP_ACCOUNT);
	gfp_from_kernel(0x100000, kv_of("3.18"), &unknown);
	assert_int_equal(unknown, 0x100000);
}

/* Before 4.5 the kernel printed only the number; the names are those of
 * the kmem tracepoints (show_gfp_flags). */
static void test_pre_pgg(void **state)
{
	char buf[256];

	(void)state;
	check_format("3.10", 0x20, "0x20");
	check_format("4.4", 0x2080020, "0x2080020");
	check_format("4.4", 0, "0x0");
	check_format("4.5", 0x2080020, "0x2080020(GFP_ATOMIC)");
	gfp_format_names(0x4020, kv_of("3.10"), buf, sizeof(buf));
	assert_string_equal(buf, "GFP_ATOMIC|GFP_COMP");
	gfp_format_names(0, kv_of("3.10"), buf, sizeof(buf));
	assert_string_equal(buf, "GFP_NOWAIT");
	gfp_format_names(0x10, kv_of("3.10"), buf, sizeof(buf));
	assert_string_equal(buf, "GFP_NOIO");
	gfp_format_names(0x400020, kv_of("3.10"), buf, sizeof(buf));
	assert_string_equal(buf, "GFP_ATOMIC|GFP_NO_KSWAPD");
	/* __GFP_WRITE and __GFP_FS had no tracepoint name */
	gfp_format_names(0x1000080, kv_of("3.10"), buf, sizeof(buf));
	assert_string_equal(buf, "0x1000080");
	/* 4.4 printed __GFP_ATOMIC as "GFP_ATOMIC" too */
	gfp_format_names(0x80000, kv_of("4.4"), buf, sizeof(buf));
	assert_string_equal(buf, "GFP_ATOMIC");
	gfp_format_names(0x2400040, kv_of("4.4"), buf, sizeof(buf));
	assert_string_equal(buf, "GFP_NOFS");
	gfp_format_names(0x400000, kv_of("4.4"), buf, sizeof(buf));
	assert_string_equal(buf, "GFP_DIRECT_RECLAIM");
	gfp_format_names(0x4352ca, kv_of("4.4"), buf, sizeof(buf));
	assert_string_equal(buf, "GFP_TRANSHUGE");
	/* tracepoint spellings parse on those kernels */
	assert_int_equal(parse_ok("3.10", "GFP_WAIT|GFP_IO"), 0x50);
	assert_int_equal(parse_ok("3.10", "__GFP_WAIT|__GFP_IO"), 0x50);
	assert_int_equal(parse_ok("3.10", "GFP_NOWAIT"), 0);
	assert_int_equal(parse_ok("3.10", "0x0(GFP_NOWAIT)"), 0);
	assert_int_equal(parse_ok("4.4", "0x80000(GFP_ATOMIC)"), 0x80000);
	assert_int_equal(parse_ok("3.10", "GFP_IOFS"), 0xc0);
	assert_int_equal(parse_ok("4.4", "__GFP_RECLAIM"), 0x2400000);
	assert_int_equal(parse_ok("4.4", "__GFP_NOACCOUNT"), 0x100000);
}

static void test_format_bits(void **state)
{
	char buf[256];

	(void)state;
	gfp_format_bits(0xa20, kv_of("5.4"), buf, sizeof(buf));
	assert_string_equal(buf, "__GFP_HIGH|__GFP_ATOMIC|__GFP_KSWAPD_RECLAIM");
	gfp_format_bits(0x2084020, kv_of("4.9"), buf, sizeof(buf));
	assert_string_equal(buf, "__GFP_HIGH|__GFP_COMP|__GFP_ATOMIC|"
			    "__GFP_KSWAPD_RECLAIM");
	gfp_format_bits(0x4000820, kv_of("6.12"), buf, sizeof(buf));
	assert_string_equal(buf, "__GFP_HIGH|__GFP_KSWAPD_RECLAIM|0x4000000");
	gfp_format_bits(0x400, kv_of("4.9"), buf, sizeof(buf));
	assert_string_equal(buf, "__GFP_REPEAT");
	gfp_format_bits(0xd0, kv_of("3.10"), buf, sizeof(buf));
	assert_string_equal(buf, "__GFP_WAIT|__GFP_IO|__GFP_FS");
	assert_int_equal(gfp_format_bits(0, kv_of("6.12"), buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, "");
}

static void test_truncation(void **state)
{
	char buf[8];

	(void)state;
	/* snprintf semantics: full length returned, len-1 bytes written */
	assert_int_equal(gfp_format(0x2084020, kv_of("4.9"), buf, sizeof(buf)),
			 strlen("0x2084020(GFP_ATOMIC|__GFP_COMP)"));
	assert_string_equal(buf, "0x20840");
	assert_int_equal(gfp_format(0xa20, kv_of("5.4"), buf, 1), 17);
	assert_string_equal(buf, "");
	assert_int_equal(gfp_format_names(0xa20, kv_of("5.4"), NULL, 0), 10);
}

static void test_parse_forms(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("5.4", "0xa20"), 0xa20);
	assert_int_equal(parse_ok("5.4", "0XA20"), 0xa20);
	assert_int_equal(parse_ok("5.4", "2592"), 0xa20);
	assert_int_equal(parse_ok("5.4", "  GFP_ATOMIC  "), 0xa20);
	assert_int_equal(parse_ok("4.9", "GFP_ATOMIC|__GFP_COMP"), 0x2084020);
	assert_int_equal(parse_ok("6.12", "GFP_KERNEL | __GFP_NOWARN"), 0x2cc0);
	assert_int_equal(parse_ok("6.12", "GFP_KERNEL|0x2000"), 0x2cc0);
	assert_int_equal(parse_ok("5.4", "0xa20 ( GFP_ATOMIC )"), 0xa20);
	assert_int_equal(parse_ok("5.4", "0xffffffff"), 0xffffffff);
	assert_int_equal(parse_ok("5.4", "0"), 0);
	/* a log's names in another order still name the same bits */
	assert_int_equal(parse_ok("4.9", "0x2084020(__GFP_COMP|GFP_ATOMIC)"),
			 0x2084020);
	/* names resolve with that kernel's definitions */
	assert_int_equal(parse_ok("4.9", "GFP_KERNEL"), 0x24000c0);
	assert_int_equal(parse_ok("4.12", "__GFP_REPEAT"), 0x400);
	assert_int_equal(parse_ok("4.13", "__GFP_RETRY_MAYFAIL"), 0x400);
}

static void check_error(const char *ver, const char *text, const char *want1,
			const char *want2)
{
	char err[512] = "";
	uint32_t mask = 0x5a5a5a5a;

	if (gfp_parse(text, kv_of(ver), &mask, err, sizeof(err)) != -1)
		fail_msg("%s: gfp_parse(\"%s\") accepted", ver, text);
	assert_int_equal(mask, 0x5a5a5a5a);
	if (!strstr(err, want1) || (want2 && !strstr(err, want2)))
		fail_msg("%s: \"%s\": error \"%s\" lacks \"%s\"/\"%s\"", ver,
			 text, err, want1, want2 ? want2 : "");
}

static void test_parse_errors(void **state)
{
	char small[16];
	uint32_t mask;

	(void)state;
	check_error("6.12", "", "empty gfp mask", "GFP_KERNEL|__GFP_NOWARN");
	check_error("6.12", "   ", "empty gfp mask", NULL);
	check_error("6.12", "GFP_BOGUS", "'GFP_BOGUS'",
		    "GFP_KERNEL, GFP_NOFS, GFP_ATOMIC");
	check_error("6.12", "GFP_BOGUS", "kernel 6.12", "__GFP_* flag");
	check_error("6.12", "gfp_kernel", "'gfp_kernel'", "case-sensitive: GFP_KERNEL");
	check_error("6.12", "__GFP_ATOMIC", "not defined by kernel 6.12",
		    "4.4, 4.9, 4.14, 4.19, 5.4, 5.10, 5.15, 6.1");
	check_error("4.9", "__GFP_ZEROTAGS", "'__GFP_ZEROTAGS'", "5.15, 6.1");
	check_error("6.12", "GFP_TEMPORARY", "'GFP_TEMPORARY'", "3.10, 4.4, 4.9");
	check_error("6.12", "GFP_COMP", "'GFP_COMP'", "calls it __GFP_COMP");
	check_error("6.1", "__GFP_NOLOCKDEP", "CONFIG_LOCKDEP", NULL);
	check_error("6.1", "__GFP_SKIP_ZERO", "CONFIG_KASAN_HW_TAGS", NULL);
	check_error("6.12", "GFP_KERNEL||__GFP_COMP", "empty name",
		    "'GFP_KERNEL||__GFP_COMP'");
	check_error("6.12", "|GFP_KERNEL", "empty name", NULL);
	check_error("6.12", "GFP_KERNEL|", "empty name", NULL);
	check_error("6.12", "0xzz", "'0xzz' is not a number", "0xa20");
	check_error("6.12", "0x", "'0x'", NULL);
	check_error("6.12", "12abc", "'12abc' is not a number", "decimal");
	check_error("6.12", "GFP_KERNEL|0x1g", "'0x1g' is not a number", NULL);
	check_error("6.12", "0x100000000", "'0x100000000'", "32 bits");
	check_error("6.12", "4294967296", "'4294967296'", "32 bits");
	check_error("6.12", "a20", "'a20'", "0xa20");
	check_error("6.12", "-1", "'-1'", NULL);
	check_error("5.4", "0xa20(GFP_ATOMIC", "ending with ')'", NULL);
	check_error("5.4", "GFP_ATOMIC)", "')' without '('", NULL);
	check_error("5.4", "(GFP_ATOMIC)", "number before '('", NULL);
	check_error("5.4", "0xa20((GFP_ATOMIC))", "unbalanced", NULL);
	check_error("5.4", "0xa20(GFP_BOGUS)", "'GFP_BOGUS'", NULL);
	check_error("5.4", "0xzz(GFP_ATOMIC)", "'0xzz' is not a number", NULL);
	check_error("5.4", "0xa20(GFP_KERNEL)", "0xa20(GFP_ATOMIC)",
		    "kernel version right");
	/* a 4.9 log read as 6.12: the names disagree with the number */
	check_error("6.12", "0x2084020(GFP_ATOMIC|__GFP_COMP)", "0x40820",
		    "kernel 6.12");
	check_error("6.12", "0xa20()", "0xa20", "kernel version right");
	/* the message is cut to the buffer, NUL-terminated */
	assert_int_equal(gfp_parse("GFP_BOGUS", kv_of("6.12"), &mask, small,
				   sizeof(small)), -1);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(gfp_parse(NULL, kv_of("6.12"), &mask, small,
				   sizeof(small)), -1);
}

/* A table entry whose mask is 0 would match every mask (format_flags); the
 * kernels never had one in the modelled configuration. */
static void test_tables_sane(void **state)
{
	(void)state;
	for (const kver_t *k = kver_supported; *k; k++) {
		const struct gfp_layout *l = gfp_layout(*k);
		uint32_t seen = 0, m;

		for (int f = 0; f < NR_GFP_FLAGS; f++) {
			if (!l->bit[f])
				continue;
			/* one bit each, no two flags on one bit */
			assert_int_equal(l->bit[f] & (l->bit[f] - 1), 0);
			assert_int_equal(seen & l->bit[f], 0);
			seen |= l->bit[f];
		}
		for (int c = 0; c < NR_GFP_COMPOSITES; c++)
			if (gfp_composite_mask(c, *k, &m) && *k >= KVER(4, 4, 0))
				assert_int_not_equal(m, 0);
		/* every single bit of the layout prints by name, not as hex */
		for (int f = 0; f < NR_GFP_FLAGS; f++) {
			char buf[64];

			if (!l->bit[f] || *k < KVER(4, 5, 0))
				continue;
			gfp_format_names(l->bit[f], *k, buf, sizeof(buf));
			assert_true(buf[0] != '0');
		}
	}
	/* layouts are ordered */
	for (unsigned i = 1; i < gfp_nr_layouts; i++)
		assert_true(gfp_layouts[i].since > gfp_layouts[i - 1].since);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_examples),
		cmocka_unit_test(test_unknown_bits),
		cmocka_unit_test(test_version_changes),
		cmocka_unit_test(test_composite_values),
		cmocka_unit_test(test_canonical_round_trip),
		cmocka_unit_test(test_translation_edges),
		cmocka_unit_test(test_wait_era),
		cmocka_unit_test(test_pre_pgg),
		cmocka_unit_test(test_format_bits),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_tables_sane),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
