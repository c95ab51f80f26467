/* A profile's initial heap state (lib/mm/initial_state.c): the fragmentation
 * pattern pins its share of each zone deterministically for a seed, the
 * zone, buddy and pagetypeinfo lines load as the logs printed them, every
 * bad value is refused with "FILE:LINE: KEY: what was expected", and
 * compact_node() undoes a movable pattern.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/initial_state.h"
#include "machine/machine.h"
#include "mm/page_alloc.h"
#include "mm/node.h"
#include "testdata.h"

static int load(const char *text, const char *source, struct machine_desc *d,
		struct gfp_error *err)
{
	return machine_load_text(text, strlen(text), source, d, err);
}

/* Boot the machine of `text` and apply its initial state with `seed`. */
static void boot(const char *text, uint64_t seed, struct machine_desc *d,
		 struct pglist_data *p)
{
	struct gfp_error err = { "" };
	if (load(text, "board.conf", d, &err))
		fail_msg("%s", err.msg);
	if (node_init(p, d, NULL, &err))
		fail_msg("%s", err.msg);
	if (initial_state_apply(p, d, seed, &err))
		fail_msg("%s", err.msg);
}

static void assert_consistent(struct pglist_data *p)
{
	char msg[512];
	if (check_node(p, msg, sizeof(msg)))
		fail_msg("%s", msg);
}

static bool pinned(struct pglist_data *p, unsigned long pfn)
{
	return pfn_to_page(p, pfn)->private == INITIAL_PAGE_PINNED;
}

static unsigned long count_pinned(struct pglist_data *p, const struct zone *z)
{
	unsigned long n = 0;
	for (unsigned long pfn = z->zone_start_pfn;
	     pfn < z->zone_start_pfn + z->spanned_pages; pfn++)
		n += pinned(p, pfn);
	return n;
}

/* The largest order with a free block outside CMA (-1: none). */
static int largest_free_order(const struct zone *z, bool cma)
{
	int best = -1;
	for (unsigned o = 0; o < MAX_PAGE_ORDERS; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			if ((mt == MIGRATE_CMA) == cma && z->free_area[o].nr_free_mt[mt])
				best = (int)o;
	return best;
}

#define CSKY_FRAGMENT "profile = csky-4.9-usb-gadget\ninitial.fragment = 12.5%\n"

/*
 * csky-4.9-usb-gadget: Normal spans pfns 0–262142; the first 78501 are
 * boot-reserved, pfns 171008–261119 are CMA.  12.5% is one pin per
 * aligned eight-frame stretch that has a free non-CMA frame: stretches
 * 9812–21375 (11564) and 32640–32767 (128).
 */
static void test_fragment_share(void **state)
{
	(void)state;
	static struct machine_desc d;
	static struct pglist_data p;
	boot(CSKY_FRAGMENT, 1, &d, &p);
	struct zone *z = &p.node_zones[0];

	assert_int_equal(count_pinned(&p, z), 11564 + 128);
	/* one in every stretch, none in CMA or the reserved frames */
	for (unsigned long k = 0; k * 8 < z->spanned_pages; k++) {
		unsigned n = 0;
		for (unsigned long pfn = k * 8; pfn < k * 8 + 8 && pfn < z->spanned_pages; pfn++)
			n += pinned(&p, pfn);
		bool want = (k >= 9812 && k <= 21375) || k >= 32640;
		if (n != (want ? 1u : 0u))
			fail_msg("stretch %lu holds %u pins", k, n);
	}
	assert_int_equal(z->vm_stat[NR_ZONE_SLAB_UNRECLAIMABLE], 11692);
	assert_int_equal(p.vm_stat[NR_SLAB_UNRECLAIMABLE], 11692);
	/* seven free frames per stretch: orders 0, 1, 2, nothing larger
	 * outside CMA; CMA untouched (its 4 MiB blocks) */
	assert_int_equal(largest_free_order(z, false), 2);
	assert_int_equal(z->free_area[10].nr_free_mt[MIGRATE_CMA], 88);
	assert_int_equal(z->vm_stat[NR_FREE_PAGES] + (long)z->pcp[0].count,
			 (long)(z->managed_pages - 11692));
	assert_consistent(&p);
	node_destroy(&p);
}

/* The same seed pins the same frames; another seed other frames. */
static void test_fragment_seeded(void **state)
{
	(void)state;
	static struct machine_desc d;
	static struct pglist_data a, b, c;
	boot(CSKY_FRAGMENT, 7, &d, &a);
	boot(CSKY_FRAGMENT, 7, &d, &b);
	boot(CSKY_FRAGMENT, 8, &d, &c);
	unsigned long same_ab = 0, same_ac = 0, total = 0;

	for (unsigned long pfn = 0; pfn < a.node_spanned_pages; pfn++) {
		bool pa = pinned(&a, pfn);
		total += pa;
		same_ab += pa && pinned(&b, pfn);
		same_ac += pa && pinned(&c, pfn);
	}
	assert_int_equal(total, 11692);
	assert_int_equal(same_ab, total);
	assert_int_equal(count_pinned(&c, &c.node_zones[0]), 11692);
	/* uniform places in stretches of eight: about one in eight agree */
	assert_true(same_ac < total / 4);
	node_destroy(&a);
	node_destroy(&b);
	node_destroy(&c);
}

/* movable pins are user pages compaction can move: compact_node() turns
 * the pattern back into large free blocks. */
static void test_fragment_movable_compacts(void **state)
{
	(void)state;
	static struct machine_desc d;
	static struct pglist_data p;
	boot("profile = csky-4.9-usb-gadget\ninitial.fragment = 12.5% movable\n",
	     3, &d, &p);
	struct zone *z = &p.node_zones[0];

	assert_int_equal(z->vm_stat[NR_ZONE_ACTIVE_ANON], 11692);
	assert_int_equal(z->vm_stat[NR_ZONE_SLAB_UNRECLAIMABLE], 0);
	assert_int_equal(largest_free_order(z, false), 2);
	struct alloc_outcome out;
	assert_false(alloc_pages_node(&p, GFP_ATOMIC | __GFP_COMP, 5, 0, &out));

	unsigned long moved = compact_node(&p);
	assert_true(moved > 0 && moved <= 11692);
	assert_int_equal(count_pinned(&p, z), 11692);
	assert_true(largest_free_order(z, false) >= 5);
	assert_consistent(&p);
	assert_true(alloc_pages_node(&p, GFP_ATOMIC | __GFP_COMP, 5, 0, &out));
	node_destroy(&p);
}

/* unmovable pins stay: compaction has nothing to move */
static void test_fragment_unmovable_stays(void **state)
{
	(void)state;
	static struct machine_desc d;
	static struct pglist_data p;
	boot(CSKY_FRAGMENT, 3, &d, &p);
	assert_int_equal(compact_node(&p), 0);
	assert_int_equal(largest_free_order(&p.node_zones[0], false), 2);
	node_destroy(&p);
}

static char *read_log(const char *name)
{
	static char buf[65536];

	return test_read_log(name, buf, sizeof(buf));
}

/* The line of `log` starting with `prefix`, timestamps dropped. */
static void log_line(const char *log, const char *prefix, char *out, size_t len)
{
	const char *p = strstr(log, prefix);
	assert_non_null(p);
	size_t n = strcspn(p, "\n");
	snprintf(out, len, "%.*s", (int)n, p);
}

/* seed000's zone and buddy lines as initial.zone / initial.buddy */
static void test_zone_and_buddy_lines(void **state)
{
	(void)state;
	static char text[8192];
	static struct machine_desc d;
	static struct pglist_data p;
	char zone[1024], buddy[1024];
	const char *log = read_log("seed000-csky-4.9-order10-atomic-comp-cma.log");

	log_line(log, "Normal free:", zone, sizeof(zone));
	log_line(log, "Normal: 4*4kB", buddy, sizeof(buddy));
	snprintf(text, sizeof(text), "profile = csky-4.9-usb-gadget\n"
		 "initial.zone = %s\ninitial.buddy = %s\n", zone, buddy);
	boot(text, 1, &d, &p);
	struct zone *z = &p.node_zones[0];
	assert_int_equal(z->vm_stat[NR_FREE_PAGES], 248344 / 4);
	assert_int_equal(z->vm_stat[NR_FREE_CMA_PAGES], 240936 / 4);
	assert_int_equal(z->free_area[10].nr_free_mt[MIGRATE_CMA], 58);
	assert_int_equal(z->free_area[0].nr_free, 4);
	assert_int_equal(z->_watermark[WMARK_MIN], 2444 / 4);
	assert_int_equal(z->_watermark[WMARK_HIGH], 3660 / 4);
	assert_consistent(&p);
	node_destroy(&p);
}

/* seed002's boot pagetypeinfo, by a path relative to the profile file */
static void test_pagetypeinfo(void **state)
{
	(void)state;
	static struct machine_desc d;
	static struct pglist_data p;
	struct gfp_error err = { "" };
	char source[512];
	const char *top = getenv("top_srcdir");
	snprintf(source, sizeof(source), "%s/examples/002_usb_wifi_order4/boot.conf",
		 top ? top : ".");
	const char *text = "profile = amlogic-5.4\n"
			   "initial.pagetypeinfo = boot-pagetypeinfo.txt\n";
	if (load(text, source, &d, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(node_init(&p, &d, NULL, &err), 0);
	if (initial_state_apply(&p, &d, 1, &err))
		fail_msg("%s", err.msg);
	struct zone *z = &p.node_zones[0];
	/* "type Unmovable 123 149 95 …", "type CMA … 2 170" */
	assert_int_equal(z->free_area[0].nr_free_mt[MIGRATE_UNMOVABLE], 123);
	assert_int_equal(z->free_area[1].nr_free_mt[MIGRATE_UNMOVABLE], 149);
	assert_int_equal(z->free_area[4].nr_free_mt[MIGRATE_RECLAIMABLE], 30);
	assert_int_equal(z->free_area[10].nr_free_mt[MIGRATE_CMA], 170);
	assert_consistent(&p);
	node_destroy(&p);
}

static void load_fails(const char *text, const char *msg)
{
	static struct machine_desc d;
	struct gfp_error err = { "" };
	assert_int_equal(load(text, "board.conf", &d, &err), -1);
	if (strcmp(err.msg, msg) != 0)
		fail_msg("got:  %s\nwant: %s", err.msg, msg);
}

#define FRAG_EXPECTED "expected a percentage above 0 and below 100 with at " \
	"most one decimal (\"15%\", \"12.5%\"), optionally followed by " \
	"\"movable\" or \"unmovable\""

static void test_bad_values(void **state)
{
	(void)state;
	load_fails("profile = csky-4.9-usb-gadget\ninitial.fragment = 0%\n",
		   "board.conf:2: initial.fragment: \"0%\": " FRAG_EXPECTED);
	load_fails("initial.fragment = 100%\n",
		   "board.conf:1: initial.fragment: \"100%\": " FRAG_EXPECTED);
	load_fails("cpus = 2\ninitial.fragment = 12.55%\n",
		   "board.conf:2: initial.fragment: \"12.55%\": " FRAG_EXPECTED);
	load_fails("initial.fragment = 10\n",
		   "board.conf:1: initial.fragment: \"10\": " FRAG_EXPECTED);
	load_fails("initial.fragment = 10% sideways\n",
		   "board.conf:1: initial.fragment: \"10% sideways\": " FRAG_EXPECTED);
	load_fails("initial.buddy = Normal: 4*4kB (U) 1*8kB (M) = 20kB\n",
		   "board.conf:1: initial.buddy: the blocks add up to 24kB but the "
		   "line's total is 20kB; expected the line as the kernel printed it");
	load_fails("\ninitial.buddy = Sideways: 4*4kB = 16kB\n",
		   "board.conf:2: initial.buddy: \"Sideways: 4*4kB = 16kB\": expected a "
		   "zone's buddy line, \"[Node 0 ]ZONE: N*4kB (UM) … = TOTALkB\" with "
		   "ZONE one of DMA, DMA32, Normal, HighMem, Movable");
	load_fails("initial.buddy = Normal: 4*4kB (U) 3x8kB = 40kB\n",
		   "board.conf:1: initial.buddy: \"3x8kB = 40kB\": expected a block "
		   "count \"N*SIZEkB\" or the total \"= TOTALkB\"");
	load_fails("initial.buddy = Normal: 4*4kB (UM = 16kB\n",
		   "board.conf:1: initial.buddy: \"(UM = 16kB\": expected the "
		   "migratetype letters closed by ')'");
	load_fails("initial.zone = Normal min:2444kB\n",
		   "board.conf:1: initial.zone: \"Normal min:2444kB\": expected a "
		   "show_mem zone line, \"[Node 0 ]ZONE free:…kB min:…kB low:…kB "
		   "high:…kB … free_cma:…kB\"");
	load_fails("initial.pagetypeinfo = no-such-file.txt\n",
		   "board.conf:1: initial.pagetypeinfo: no-such-file.txt: No such "
		   "file or directory; expected a readable copy of /proc/pagetypeinfo");
	load_fails("initial.pagetypeinfo = /dev/null\n",
		   "board.conf:1: initial.pagetypeinfo: /dev/null: expected the text "
		   "of /proc/pagetypeinfo (\"Free pages count per migrate type …\")");
	load_fails("initial.heap = 3%\n",
		   "board.conf:1: initial.heap: unknown setting; expected one of "
		   "initial.zone, initial.buddy, initial.pagetypeinfo, initial.fragment");
}

/* Values that parse but do not fit the machine fail when applied,
 * naming the machine and the key. */
static void test_apply_errors(void **state)
{
	(void)state;
	static struct machine_desc d;
	static struct pglist_data p;
	struct gfp_error err = { "" };
	const char *text = "profile = csky-4.9-usb-gadget\n"
		"initial.zone = Normal free:8kB min:4kB low:8kB high:12kB "
		"present:4096kB managed:4096kB free_cma:0kB\n";
	assert_int_equal(load(text, "board.conf", &d, &err), 0);
	assert_int_equal(node_init(&p, &d, NULL, &err), 0);
	assert_int_equal(initial_state_apply(&p, &d, 1, &err), -1);
	assert_string_equal(err.msg, "machine csky-4.9-usb-gadget: initial.zone: "
			    "zone line Normal: present:4096kB managed:4096kB, but the "
			    "machine's zone has present:1048572kB managed:734568kB");
	node_destroy(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fragment_share),
		cmocka_unit_test(test_fragment_seeded),
		cmocka_unit_test(test_fragment_movable_compacts),
		cmocka_unit_test(test_fragment_unmovable_stays),
		cmocka_unit_test(test_zone_and_buddy_lines),
		cmocka_unit_test(test_pagetypeinfo),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_apply_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
