/* kver_parse / kver_format: every way a user writes a kernel version. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "abi/kver.h"
#include "abi/kver_rules.h"

static void check_parse(const char *text, kver_t want)
{
	kver_t kv = 0;

	if (kver_parse(text, &kv) != 0)
		fail_msg("kver_parse(\"%s\") failed", text);
	assert_int_equal(kv, want);
}

static void test_plain_lines(void **state)
{
	(void)state;
	check_parse("3.10", KVER(3, 10, KVER_SUB_LATEST));
	check_parse("4.4", KVER(4, 4, KVER_SUB_LATEST));
	check_parse("4.9", KVER(4, 9, KVER_SUB_LATEST));
	check_parse("5.4", KVER(5, 4, KVER_SUB_LATEST));
	check_parse("6.12", KVER(6, 12, KVER_SUB_LATEST));
	check_parse("v5.10", KVER(5, 10, KVER_SUB_LATEST));
}

static void test_between_lines(void **state)
{
	(void)state;
	check_parse("4.18", KVER(4, 18, KVER_SUB_LATEST));
	check_parse("5.13", KVER(5, 13, KVER_SUB_LATEST));
	check_parse("6.11", KVER(6, 11, KVER_SUB_LATEST));
	check_parse("3.19", KVER(3, 19, KVER_SUB_LATEST));
	check_parse("7.0", KVER(7, 0, KVER_SUB_LATEST));
	/* a 5.13 kernel is after the 5.10 line and before 5.15 */
	kver_t kv;
	assert_int_equal(kver_parse("5.13", &kv), 0);
	assert_true(kv > KVER(5, 10, KVER_SUB_LATEST));
	assert_true(kv < KVER(5, 14, 0));
}

static void test_vendor_strings(void **state)
{
	(void)state;
	check_parse("5.4.125-android11-2-g6d2ca40337f4-dirty-ab2800",
		    KVER(5, 4, 125));
	check_parse("4.18.0-513.24.1.el8_9.v1.aarch64", KVER(4, 18, 0));
	check_parse("6.12.117", KVER(6, 12, 117));
	check_parse("6.1.116", KVER(6, 1, 116));
	check_parse("3.10.0-1062.el7.x86_64", KVER(3, 10, 0));
	check_parse("6.8.0-rc3", KVER(6, 8, 0));
	check_parse("5.15.0+", KVER(5, 15, 0));
	check_parse("4.9.56", KVER(4, 9, 56));
}

static void test_stable_order(void **state)
{
	kver_t a, b;

	(void)state;
	/* 6.1 without a sublevel is the newest stable: after 6.1.116 */
	assert_int_equal(kver_parse("6.1", &a), 0);
	assert_int_equal(kver_parse("6.1.116", &b), 0);
	assert_true(a > b);
	assert_true(b >= KVER(6, 1, 116));
	assert_true(b < KVER(6, 2, 0));
}

static void test_rejects(void **state)
{
	static const char *const bad[] = {
		"", "6", "6.", ".6", "abc", "5.4x", "5.4.x", "2.6.32", "3.9",
		"3.20", "4.21", "5.20", "6.20", "8.0", "5..4", "5.4.", "05.4", "5.04",
		"-5.4", "5.4 ", " 5.4", "5.4.65535", "5.256", "99.1", "v", "5,4",
	};
	kver_t kv = 0x12345678;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (kver_parse(bad[i], &kv) != -1)
			fail_msg("kver_parse(\"%s\") accepted", bad[i]);
		assert_int_equal(kv, 0x12345678);
	}
	assert_int_equal(kver_parse(NULL, &kv), -1);
}

static void test_format(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(kver_format(KVER(5, 4, KVER_SUB_LATEST), buf,
					sizeof(buf)), "5.4");
	assert_string_equal(kver_format(KVER(6, 1, 116), buf, sizeof(buf)),
			    "6.1.116");
	assert_string_equal(kver_format(KVER(4, 18, 0), buf, sizeof(buf)),
			    "4.18.0");
	/* truncates, NUL-terminated */
	assert_string_equal(kver_format(KVER(6, 12, 117), buf, 4), "6.1");
}

static void test_supported(void **state)
{
	static const char *const lines[] = {
		"3.10", "4.4", "4.9", "4.14", "4.19", "5.4", "5.10", "5.15",
		"6.1", "6.6", "6.12",
	};
	char buf[32];
	size_t n = 0;

	(void)state;
	for (; kver_supported[n]; n++) {
		assert_true(n < sizeof(lines) / sizeof(lines[0]));
		assert_string_equal(kver_format(kver_supported[n], buf,
						sizeof(buf)), lines[n]);
		if (n)
			assert_true(kver_supported[n] > kver_supported[n - 1]);
	}
	assert_int_equal(n, sizeof(lines) / sizeof(lines[0]));
	assert_int_equal(KVER_DEFAULT, KVER(6, 12, KVER_SUB_LATEST));
}

/* Every rule has a name, a source and ranges in order that do not
 * overlap; the stable backports sit inside their own line. */
static void test_rules_well_formed(void **state)
{
	(void)state;
	for (int f = 0; f < NR_KVER_FEATURES; f++) {
		const struct kver_rule *r = &kver_rules[f];
		assert_non_null(r->name);
		assert_non_null(r->source);
		assert_true(r->ranges[0].from != 0);
		for (unsigned i = 0; i < KVER_RULE_RANGES && r->ranges[i].from; i++) {
			const struct kver_range *g = &r->ranges[i];
			assert_true(!g->to || g->from < g->to);
			if (i)
				assert_true(r->ranges[i - 1].to &&
					    r->ranges[i - 1].to <= g->from);
		}
	}
}

/* The stable releases the kernel's changelogs name, each side of them. */
static void test_rules_backports(void **state)
{
	(void)state;
	/* e08d3fdfe2da: postcore_initcall in 5.9 and 4.9.234 … 5.8.4 */
	assert_false(kver_has(KVER(4, 4, 302), KF_WMARK_INIT_BEFORE_CMA));
	assert_true(kver_has(KVER(4, 7, 0), KF_WMARK_INIT_BEFORE_CMA));
	assert_true(kver_has(KVER(4, 9, 233), KF_WMARK_INIT_BEFORE_CMA));
	assert_false(kver_has(KVER(4, 9, 234), KF_WMARK_INIT_BEFORE_CMA));
	assert_true(kver_has(KVER(4, 12, 14), KF_WMARK_INIT_BEFORE_CMA));
	assert_true(kver_has(KVER(5, 4, 60), KF_WMARK_INIT_BEFORE_CMA));
	assert_false(kver_has(KVER(5, 4, 61), KF_WMARK_INIT_BEFORE_CMA));
	assert_true(kver_has(KVER(5, 8, 3), KF_WMARK_INIT_BEFORE_CMA));
	assert_false(kver_has(KVER(5, 8, 4), KF_WMARK_INIT_BEFORE_CMA));
	assert_false(kver_has(KVER(5, 9, 0), KF_WMARK_INIT_BEFORE_CMA));
	/* the ALLOC_HARDER split: 6.3, and 6.1.116+ */
	assert_false(kver_has(KVER(6, 1, 115), KF_ALLOC_RESERVES_SPLIT));
	assert_true(kver_has(KVER(6, 1, 116), KF_ALLOC_RESERVES_SPLIT));
	assert_false(kver_has(KVER(6, 2, 16), KF_ALLOC_RESERVES_SPLIT));
	assert_true(kver_has(KVER(6, 3, 0), KF_ALLOC_RESERVES_SPLIT));
	assert_true(kver_has(KVER(6, 12, KVER_SUB_LATEST),
			     KF_ALLOC_RESERVES_SPLIT));
	/* the pcp flush fix: 6.6, and 6.1.57+ */
	assert_false(kver_has(KVER(6, 1, 56), KF_PCP_FLUSH_BY_PAGEBLOCK));
	assert_true(kver_has(KVER(6, 1, 57), KF_PCP_FLUSH_BY_PAGEBLOCK));
	assert_false(kver_has(KVER(6, 5, 13), KF_PCP_FLUSH_BY_PAGEBLOCK));
	assert_true(kver_has(KVER(6, 6, 0), KF_PCP_FLUSH_BY_PAGEBLOCK));
	/* a rule that ended: 5.8 to 6.9 */
	assert_false(kver_has(KVER(5, 7, 19), KF_PCP_SKIP_NON_CMA_MOVABLE));
	assert_true(kver_has(KVER(6, 9, 12), KF_PCP_SKIP_NON_CMA_MOVABLE));
	assert_false(kver_has(KVER(6, 10, 0), KF_PCP_SKIP_NON_CMA_MOVABLE));
	assert_true(kver_has(KVER(3, 10, 0), KF_PCP_FREE_ROUND_ROBIN));
	assert_false(kver_has(KVER(6, 0, 0), KF_PCP_FREE_ROUND_ROBIN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_lines),
		cmocka_unit_test(test_between_lines),
		cmocka_unit_test(test_vendor_strings),
		cmocka_unit_test(test_stable_order),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_supported),
		cmocka_unit_test(test_rules_well_formed),
		cmocka_unit_test(test_rules_backports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
