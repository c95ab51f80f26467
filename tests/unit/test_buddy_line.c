/* abi/buddy_line.h against real logs: every whole buddy line of the logs
 * reads and reprints byte for byte with its kernel's letter order (3.10's
 * "(UEM)", 4.4's "(UME)"), and each way a line can stop short is told
 * with where. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "abi/buddy_line.h"
#include "testdata.h"

#define TEXT_MAX (256 * 1024)

/* The whole buddy lines of a log and the kernel that printed it; the
 * counts are those of `grep -cE '[A-Za-z0-9]+: [0-9]+\*[0-9]+kB .*= [0-9]+kB'`.
 * Android's common kernels moved MIGRATE_CMA before MIGRATE_PCPTYPES (CMA
 * gets pcp lists there), so they print "(UMECH)" where mainline prints
 * "(UMEHC)": their lines reprint with mainline's order, the same set. */
static const struct {
	const char *log;
	kver_t kv;
	unsigned lines;
	bool android;
} logs[] = {
	{ "seed000-csky-4.9-order10-atomic-comp-cma.log", KVER(4, 9, 56), 1 },
	{ "seed001-arm64-4.18-el8-order0-atomic-64k.log", KVER(4, 18, 0), 2 },
	{ "public/arm64-5.10-android-oom-order3-buddy-only.log", KVER(5, 10, 0), 2, true },
	{ "public/el7-3.10-x86_64-order6-kmemcg-syslog.log", KVER(3, 10, 0), 3 },
	{ "public/ppc32-6.9-gfp-kernel-boost-quoted.log", KVER(6, 9, 0), 1 },
	{ "public/x86_64-5.15-order6-dmesg-T.log", KVER(5, 15, 0), 3 },
};

static void test_real_lines_reprint(void **state)
{
	static char text[TEXT_MAX];
	char out[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		unsigned found = 0;

		test_read_log(logs[i].log, text, sizeof(text));
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
			for (const char *p = line; *p; p += strcspn(p, " ")) {
				struct buddy_line bl;
				struct sbuf sb = SBUF_INIT(out, sizeof(out));

				p += strspn(p, " ");
				if (buddy_line_read(p, &bl) != BL_COMPLETE)
					continue;
				buddy_line_print(&sb, &bl, logs[i].kv);
				const char *o = sb_str(&sb);
				size_t n = (size_t)(bl.at - p);
				struct buddy_line again;
				assert_int_equal(buddy_line_read(o, &again), BL_COMPLETE);
				again.at = bl.at;
				if (memcmp(&again, &bl, sizeof(bl)) != 0 ||
				    (!logs[i].android &&
				     (strlen(o) != n || memcmp(o, p, n) != 0)))
					fail_msg("%s: reprinted\n%s\nas\n%s", logs[i].log, p, o);
				assert_int_equal(bl.sum_kb, bl.total_kb);
				found++;
				break;
			}
		}
		if (found != logs[i].lines)
			fail_msg("%s: %u whole buddy lines, expected %u", logs[i].log,
				 found, logs[i].lines);
	}
}

/* show_migration_types() follows enum migratetype, which 4.4 reordered. */
static void test_letter_order_by_version(void **state)
{
	struct buddy_line bl;
	char out[256];
	struct sbuf sb = SBUF_INIT(out, sizeof(out));

	(void)state;
	assert_int_equal(buddy_line_read("Normal: 3*4kB (MEU) = 12kB", &bl), BL_COMPLETE);
	sb_reset(&sb);
	buddy_line_print(&sb, &bl, KVER(3, 10, 0));
	assert_string_equal(sb_str(&sb), "Normal: 3*4kB (UEM) = 12kB");
	sb_reset(&sb);
	buddy_line_print(&sb, &bl, KVER(4, 4, 0));
	assert_string_equal(sb_str(&sb), "Normal: 3*4kB (UME) = 12kB");
	/* 'R' is MIGRATE_RESERVE's, where 4.4 put HighAtomic */
	assert_int_equal(buddy_line_read("Node 1 DMA: 2*4kB (RM) = 8kB", &bl), BL_COMPLETE);
	assert_int_equal(bl.node, 1);
	assert_int_equal(bl.types[0], (1u << MIGRATE_MOVABLE) | (1u << MIGRATE_RESERVE_BIT));
	sb_reset(&sb);
	buddy_line_print(&sb, &bl, KVER(3, 10, 0));
	assert_string_equal(sb_str(&sb), "Node 1 DMA: 2*4kB (MR) = 8kB");
}

/* A log joined without its white space reads as printed. */
static void test_reads_without_spaces(void **state)
{
	struct buddy_line a, b;

	(void)state;
	assert_int_equal(buddy_line_read("Node 0 DMA32: 19160*4kB (UEM) 6346*8kB (UEM) "
					 "35*16kB (EM) 0*32kB = 128192kB", &a), BL_COMPLETE);
	assert_int_equal(buddy_line_read("Node0DMA32:19160*4kB(UEM)6346*8kB(UEM)"
					 "35*16kB(EM)0*32kB=128192kB", &b), BL_COMPLETE);
	assert_int_equal(a.nr_orders, 4);
	assert_int_equal(b.nr_orders, 4);
	assert_memory_equal(a.nr_free, b.nr_free, sizeof(a.nr_free));
	assert_memory_equal(a.types, b.types, sizeof(a.types));
	assert_int_equal(a.sum_kb, 19160 * 4 + 6346 * 8 + 35 * 16);
	assert_int_equal(a.total_kb, 128192);
}

static void test_stops(void **state)
{
	static const struct {
		const char *text;
		enum buddy_line_stop stop;
		const char *at;         /* the text from where it stopped */
		unsigned orders;
	} cases[] = {
		{ "DMA 1*4kB = 4kB", BL_NO_ZONE, "DMA 1*4kB = 4kB", 0 },
		{ "DMA: 1*4kB (UX) = 4kB", BL_BAD_LETTER, "(UX) = 4kB", 0 },
		{ "DMA: 1*4kB 2*4kB (UU) = 12kB", BL_BAD_LETTER, "(UU) = 12kB", 1 },
		{ "DMA: 1*4kB (UM = 4kB", BL_LETTERS_CUT, "(UM = 4kB", 0 },
		{ "DMA: 1*4kB 3x8kB = 28kB", BL_NOT_A_COLUMN, "3x8kB = 28kB", 1 },
		{ "DMA: 1*4kB 0*8kB", BL_NO_TOTAL, "", 2 },
		{ "DMA: 1*4kB = 4", BL_BAD_TOTAL, "4", 1 },
		{ "DMA: 99999999999999999999*4kB = 4kB", BL_TOO_BIG,
		  "99999999999999999999*4kB = 4kB", 0 },
		{ "DMA: 18446744073709551615*4kB = 4kB", BL_TOO_BIG,
		  "18446744073709551615*4kB = 4kB", 0 },
		{ "DMA: 0*1kB 0*1kB 0*1kB 0*1kB 0*1kB 0*1kB 0*1kB 0*1kB 0*1kB 0*1kB "
		  "0*1kB 0*1kB 0*1kB 0*1kB 0*1kB 0*1kB 0*1kB = 0kB", BL_TOO_MANY_ORDERS,
		  "0*1kB = 0kB", 16 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buddy_line bl;
		enum buddy_line_stop stop = buddy_line_read(cases[i].text, &bl);

		if (stop != cases[i].stop || strcmp(bl.at, cases[i].at) != 0 ||
		    bl.nr_orders != cases[i].orders)
			fail_msg("\"%s\": stop %d at \"%s\" after %u orders; expected %d at \"%s\" after %u",
				 cases[i].text, stop, bl.at, bl.nr_orders,
				 cases[i].stop, cases[i].at, cases[i].orders);
		assert_non_null(buddy_line_stop_text(stop));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_lines_reprint),
		cmocka_unit_test(test_letter_order_by_version),
		cmocka_unit_test(test_reads_without_spaces),
		cmocka_unit_test(test_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
