/* Machine descriptions: sizes, every setting good and bad, validation,
 * the built-in profiles against the numbers their logs print, profile
 * files and their errors, and the printed form read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "machine/machine.h"
#include "report/report.h"
#include "mm/node.h"
#include "testdata.h"

#define KB(x) ((uint64_t)(x) << 10)
#define MB(x) ((uint64_t)(x) << 20)
#define GB(x) ((uint64_t)(x) << 30)

static struct machine_desc profile(const char *name)
{
	const struct machine_desc *p = machine_profile(name);
	assert_non_null(p);
	return *p;
}

/* machine_set() must succeed */
static void set(struct machine_desc *d, const char *key, const char *value)
{
	struct gfp_error err = { "" };
	if (machine_set(d, key, value, "t.conf:1", &err))
		fail_msg("%s = %s: %s", key, value, err.msg);
}

/* machine_set() must fail with exactly `msg` and leave d unchanged */
static void set_fails(struct machine_desc *d, const char *key, const char *value,
		      const char *where, const char *msg)
{
	struct gfp_error err = { "" };
	struct machine_desc before = *d;
	assert_int_equal(machine_set(d, key, value, where, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_memory_equal(&before, d, sizeof(before));
}

static void validate_fails(const struct machine_desc *d, const char *msg)
{
	struct gfp_error err = { "" };
	if (machine_validate(d, &err) == 0)
		fail_msg("validated; expected \"%s\"", msg);
	assert_string_equal(err.msg, msg);
}

static void validates(const struct machine_desc *d)
{
	struct gfp_error err = { "" };
	if (machine_validate(d, &err))
		fail_msg("%s: %s", d->name, err.msg);
}

/* --- parse_size ----------------------------------------------------------- */

static void test_parse_size_good(void **state)
{
	static const struct { const char *text; uint64_t bytes; } cases[] = {
		{ "512M", MB(512) }, { "3.5G", GB(3) + MB(512) }, { "65536", 65536 },
		{ "64K", 65536 }, { "1T", 1ULL << 40 }, { "0", 0 }, { "1.5K", 1536 },
		{ "4KiB", 4096 }, { "4kb", 4096 }, { "2g", GB(2) },
		{ "0.25M", KB(256) }, { "18446744073709551615", UINT64_MAX },
		{ "1048572K", KB(1048572) },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 1;
		assert_int_equal(parse_size(cases[i].text, &v), 0);
		assert_int_equal(v, cases[i].bytes);
	}
}

static void test_parse_size_bad(void **state)
{
	static const char *const bad[] = {
		"", "M", "12Q", "1.", ".5G", "-1", "1.1K", "0.3", "16777216T",
		"18446744073709551616", " 1M", "1M ", "1MM", "1 M", "0x10", "1e3",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = 7;
		if (parse_size(bad[i], &v) != -1)
			fail_msg("\"%s\" parsed as %llu", bad[i], (unsigned long long)v);
		assert_int_equal(v, 7);
	}
}

/* --- machine_set ------------------------------------------------------------ */

static void test_set_mem(void **state)
{
	struct machine_desc d = profile("default");
	(void)state;

	/* 16G lays out exactly the default profile's zones */
	set(&d, "mem", "2G");
	set(&d, "mem", "16G");
	assert_memory_equal(d.zones, machine_profile("default")->zones, sizeof(d.zones));

	set(&d, "mem", "2G");
	assert_int_equal(d.nr_zones, 5);
	assert_int_equal(d.zones[0].start, 0);
	assert_int_equal(d.zones[0].size, MB(16));
	assert_int_equal(d.zones[0].reserved, MB(1));
	assert_int_equal(d.zones[1].start, MB(16));
	assert_int_equal(d.zones[1].size, GB(2) - MB(16));
	/* mem_map: 512Ki pages × 64 bytes, plus a 16M kernel image */
	assert_int_equal(d.zones[1].reserved, MB(32) + MB(16));
	assert_int_equal(d.zones[2].size, 0);
	assert_int_equal(d.zones[2].start, GB(2));
	validates(&d);

	set_fails(&d, "mem", "12Q", "GFPSHIM_MEM=12Q",
		  "GFPSHIM_MEM=12Q: \"12Q\" is not a size; expected a number of bytes "
		  "with an optional unit K, M, G or T (powers of 1024), such as 512M, "
		  "3.5G or 65536");
	set_fails(&d, "mem", "12Q", "board.conf:12",
		  "board.conf:12: mem: \"12Q\" is not a size; expected a number of bytes "
		  "with an optional unit K, M, G or T (powers of 1024), such as 512M, "
		  "3.5G or 65536");
	set_fails(&d, "mem", "1.1K", "GFPSHIM_MEM=1.1K",
		  "GFPSHIM_MEM=1.1K: \"1.1K\" is not a whole number of bytes; expected a "
		  "number of bytes with an optional unit K, M, G or T (powers of 1024), "
		  "such as 512M, 3.5G or 65536");
	set_fails(&d, "mem", "99999999999T", "GFPSHIM_MEM=99999999999T",
		  "GFPSHIM_MEM=99999999999T: \"99999999999T\" is too large; expected "
		  "less than 16384P");
	set_fails(&d, "mem", "4097", "GFPSHIM_MEM=4097",
		  "GFPSHIM_MEM=4097: 4097 is not a multiple of the page size 4K");
	set_fails(&d, "mem", "17M", "GFPSHIM_MEM=17M",
		  "GFPSHIM_MEM=17M: 17M is too small for x86_64: the kernel image and "
		  "mem_map need 1360K, more than half of DMA32 (1M)");
}

static void test_set_mem_32bit_highmem(void **state)
{
	struct machine_desc d = profile("csky-4.9-usb-gadget");
	(void)state;
	/* RAM above csky's 1G of lowmem is HighMem; the default CMA area
	 * moves with the layout and stays at the top of Normal */
	set(&d, "mem", "2G");
	assert_int_equal(d.zones[0].type, ZONE_NORMAL);
	assert_int_equal(d.zones[0].size, GB(1));
	assert_int_equal(d.zones[1].type, ZONE_HIGHMEM);
	assert_int_equal(d.zones[1].start, GB(1));
	assert_int_equal(d.zones[1].size, GB(1));
	/* mem_map of 512Ki pages × 32 bytes + 16M image, in the top zone */
	assert_int_equal(d.zones[1].reserved, MB(16) + MB(16));
	assert_int_equal(d.cma[0].base, GB(1) - MB(352));
	validates(&d);
}

static void test_set_arch(void **state)
{
	struct machine_desc d = profile("default");
	(void)state;

	/* 6.12 arm64: ZONE_DMA covers the 32-bit space, ZONE_DMA32 is empty;
	 * RAM starts at 1G */
	set(&d, "arch", "aarch64");
	assert_string_equal(d.arch, "arm64");
	assert_int_equal(d.nr_zones, 4);
	assert_int_equal(d.zones[0].type, ZONE_DMA);
	assert_int_equal(d.zones[0].start, GB(1));
	assert_int_equal(d.zones[0].size, GB(3));
	assert_int_equal(d.zones[1].type, ZONE_DMA32);
	assert_int_equal(d.zones[1].size, 0);
	assert_int_equal(d.zones[2].type, ZONE_NORMAL);
	assert_int_equal(d.zones[2].start, GB(4));
	assert_int_equal(d.zones[2].size, GB(13));
	validates(&d);

	/* 5.4 arm64: DMA32 Normal Movable */
	set(&d, "kernel", "5.4");
	set(&d, "arch", "arm64");
	assert_int_equal(d.nr_zones, 3);
	assert_int_equal(d.zones[0].type, ZONE_DMA32);
	assert_int_equal(d.zones[0].size, GB(3));
	validates(&d);

	set_fails(&d, "arch", "mips", "GFPSHIM_PROFILE=x",
		  "GFPSHIM_PROFILE=x: unknown architecture \"mips\"; expected one of "
		  "x86_64, arm64, arm, csky");
}

static void test_set_page_size(void **state)
{
	struct machine_desc d = profile("default");
	(void)state;
	set_fails(&d, "page_size", "64K", "t.conf:2",
		  "t.conf:2: page_size: x86_64 has no 64K pages; expected 4K");
	set_fails(&d, "page_size", "8K", "t.conf:2",
		  "t.conf:2: page_size: \"8K\": expected 4K, 16K or 64K");
	d = profile("arm64-5.4-64k-cma");
	set(&d, "page_size", "16K");
	assert_int_equal(d.page_shift, 14);
	assert_int_equal(machine_nr_page_orders(&d), 12);
	assert_int_equal(machine_pageblock_order(&d), 11);
	set(&d, "page_size", "65536");
	assert_int_equal(d.page_shift, 16);
}

static void test_set_kernel(void **state)
{
	struct machine_desc d = profile("default");
	(void)state;
	set(&d, "kernel", "5.4.125-android11-2-g6d2ca40337f4");
	assert_int_equal(d.kernel, KVER(5, 4, 125));
	assert_string_equal(d.release, "5.4.125-android11-2-g6d2ca40337f4");
	set_fails(&d, "kernel", "2.6.32", "GFPSHIM_KERNEL=2.6.32",
		  "GFPSHIM_KERNEL=2.6.32: \"2.6.32\" is not a supported kernel version; "
		  "expected 3.10 or later, such as 4.9, 5.4.125-android11 or 6.12");
	set_fails(&d, "kernel", "banana", "k.conf:3",
		  "k.conf:3: kernel: \"banana\" is not a supported kernel version; "
		  "expected 3.10 or later, such as 4.9, 5.4.125-android11 or 6.12");
}

static void test_set_scalars(void **state)
{
	struct machine_desc d = profile("default");
	char longname[200];
	(void)state;

	set(&d, "hardware", "\"Amlogic (DT)\"");
	assert_string_equal(d.hardware, "Amlogic (DT)");
	set(&d, "hardware", "");
	assert_string_equal(d.hardware, "");
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	set_fails(&d, "hardware", longname, "t.conf:4",
		  "t.conf:4: hardware: the name is 199 characters; expected at most 127");

	set(&d, "cpus", "8");
	assert_int_equal(d.nr_cpus, 8);
	set_fails(&d, "cpus", "0", "GFPSHIM_CPUS=0",
		  "GFPSHIM_CPUS=0: \"0\": expected an integer from 1 to 64");
	set_fails(&d, "cpus", "65", "t.conf:5",
		  "t.conf:5: cpus: \"65\": expected an integer from 1 to 64");
	set_fails(&d, "cpus", "4x", "t.conf:5",
		  "t.conf:5: cpus: \"4x\": expected an integer from 1 to 64");

	set(&d, "numa", "no");
	assert_false(d.numa);
	set(&d, "numa", "ON");
	assert_true(d.numa);
	set_fails(&d, "numa", "maybe", "t.conf:6",
		  "t.conf:6: numa: \"maybe\": expected yes or no (also 1/0, true/false, on/off)");
	set(&d, "thp", "false");
	assert_false(d.thp);
	set_fails(&d, "thp", "", "t.conf:7",
		  "t.conf:7: thp: \"\": expected yes or no (also 1/0, true/false, on/off)");

	set(&d, "nr_page_orders", "12");
	assert_int_equal(machine_nr_page_orders(&d), 12);
	set(&d, "nr_page_orders", "auto");
	assert_int_equal(d.nr_page_orders, 0);
	assert_int_equal(machine_nr_page_orders(&d), 11);
	set_fails(&d, "nr_page_orders", "17", "t.conf:8",
		  "t.conf:8: nr_page_orders: \"17\": expected an integer from 2 to 16");
	set(&d, "pageblock_order", "10");
	assert_int_equal(machine_pageblock_order(&d), 10);
	set_fails(&d, "pageblock_order", "16", "t.conf:9",
		  "t.conf:9: pageblock_order: \"16\": expected an integer from 1 to 15");

	set(&d, "min_free_kbytes", "67584");
	assert_int_equal(d.min_free_kbytes, 67584);
	set(&d, "min_free_kbytes", "auto");
	assert_int_equal(d.min_free_kbytes, -1);
	set_fails(&d, "min_free_kbytes", "-5", "t.conf:10",
		  "t.conf:10: min_free_kbytes: \"-5\": expected an integer from 0 to 2147483647");
	set(&d, "watermark_scale_factor", "30");
	assert_int_equal(d.watermark_scale_factor, 30);
	set_fails(&d, "watermark_scale_factor", "0", "t.conf:11",
		  "t.conf:11: watermark_scale_factor: \"0\": expected an integer from 1 to 3000");
	set(&d, "watermark_boost_factor", "0");
	assert_int_equal(d.watermark_boost_factor, 0);
	set_fails(&d, "watermark_boost_factor", "lots", "t.conf:12",
		  "t.conf:12: watermark_boost_factor: \"lots\": expected an integer "
		  "from 0 to 2147483647");
	set(&d, "name", "board");
	assert_string_equal(d.name, "board");
	set_fails(&d, "name", "", "t.conf:13",
		  "t.conf:13: name: \"\": expected a name of 1 to 63 characters");

	set_fails(&d, "memory", "1G", "t.conf:14",
		  "t.conf:14: unknown setting \"memory\"; expected one of name, arch, "
		  "kernel, hardware, page_size, nr_page_orders, pageblock_order, mem, "
		  "zones, zone, cma, cpus, numa, min_free_kbytes, watermark_scale_factor, "
		  "watermark_boost_factor, thp");
	validates(&d);
}

static void test_set_zones(void **state)
{
	struct machine_desc d = profile("default");
	(void)state;

	/* a new configuration, empty until `mem` or `zone` lines fill it */
	set(&d, "zones", "Normal dma32 Movable");
	assert_int_equal(d.nr_zones, 3);
	assert_int_equal(d.zones[0].type, ZONE_DMA32);
	assert_int_equal(d.zones[0].size, 0);
	assert_int_equal(d.zones[1].type, ZONE_NORMAL);
	assert_int_equal(d.zones[2].type, ZONE_MOVABLE);
	validate_fails(&d, "zones: no zone has memory; expected a `mem` or `zone` setting");
	set(&d, "mem", "6G");
	assert_int_equal(d.zones[0].start, 0);
	assert_int_equal(d.zones[0].size, GB(4));
	assert_int_equal(d.zones[1].size, GB(2));
	validates(&d);

	set_fails(&d, "zones", "DMA32 Normal DMA32", "t.conf:3",
		  "t.conf:3: zones: DMA32 is listed twice");
	set_fails(&d, "zones", "DMA32 Lowmem", "t.conf:3",
		  "t.conf:3: zones: unknown zone \"Lowmem\"; expected zone names among "
		  "DMA DMA32 Normal HighMem Movable Device");
	set_fails(&d, "zones", "", "t.conf:3",
		  "t.conf:3: zones: no zones given; expected a list such as "
		  "\"DMA32 Normal Movable\"");
}

static void test_set_zone(void **state)
{
	struct machine_desc d = profile("arm64-5.4-64k-cma");
	(void)state;

	set(&d, "cma", "none");
	set(&d, "zone", "DMA32 0 3G reserved=20M");
	assert_int_equal(d.zones[0].start, 0);
	assert_int_equal(d.zones[0].size, GB(3));
	assert_int_equal(d.zones[0].reserved, MB(20));
	/* the empty zones after it move along */
	assert_int_equal(d.zones[1].start, GB(3));
	set(&d, "zone", "Normal 4G 1G managed=1000M");
	assert_int_equal(d.zones[1].reserved, MB(24));
	validates(&d);

	set_fails(&d, "zone", "HighMem 0 1G", "board.conf:12",
		  "board.conf:12: zone: HighMem is not among the configured zones "
		  "(DMA32 Normal Movable); expected one of them, or a `zones` line that adds it");
	set_fails(&d, "zone", "DMA32 0", "board.conf:12",
		  "board.conf:12: zone: \"DMA32 0\": expected TYPE START SIZE "
		  "[reserved=SIZE|managed=SIZE], such as \"DMA32 0 3G reserved=20M\"");
	set_fails(&d, "zone", "DMA32 0 3Q", "board.conf:12",
		  "board.conf:12: zone: \"3Q\" is not a size; expected a number of bytes "
		  "with an optional unit K, M, G or T (powers of 1024), such as 512M, "
		  "3.5G or 65536");
	set_fails(&d, "zone", "DMA32 0 1G spare=1M", "board.conf:12",
		  "board.conf:12: zone: \"spare=1M\": expected reserved=SIZE or managed=SIZE");
	set_fails(&d, "zone", "DMA32 0 1G managed=2G", "board.conf:12",
		  "board.conf:12: zone: managed 2G is larger than the zone (1G)");
	set_fails(&d, "zone", "DMA32 0 1G reserved=1M extra", "board.conf:12",
		  "board.conf:12: zone: unexpected \"extra\" after the zone's sizes");
	set_fails(&d, "zone", "Low 0 1G", "board.conf:12",
		  "board.conf:12: zone: unknown zone \"Low\"; expected one of "
		  "DMA DMA32 Normal HighMem Movable Device");
}

/* `cma = SIZE` puts the default area where the kernel put each log's */
static void test_set_cma_default_placement(void **state)
{
	static const char *const names[] = {
		"csky-4.9-usb-gadget", "amlogic-5.4", "arm64-5.4-64k-cma",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct machine_desc d = profile(names[i]);
		const struct cma_desc want = d.cma[0];
		char size[32];
		snprintf(size, sizeof(size), "%lluK", (unsigned long long)(want.size >> 10));
		set(&d, "cma", "none");
		assert_int_equal(d.nr_cma, 0);
		set(&d, "cma", size);
		assert_int_equal(d.nr_cma, 1);
		assert_string_equal(d.cma[0].name, "reserved");
		assert_int_equal(d.cma[0].size, want.size);
		assert_int_equal(d.cma[0].base, want.base);
	}
}

static void test_set_cma(void **state)
{
	struct machine_desc d = profile("default");
	(void)state;

	/* 6.12 x86_64 allocates bottom-up above 4G: the start of Normal,
	 * after the boot reservations, aligned to a pageblock (5.18+) */
	set(&d, "cma", "352M");
	assert_int_equal(d.cma[0].base, GB(4) + MB(272));
	/* sizes are rounded up to the alignment, as cma_declare_contiguous() does */
	set(&d, "cma", "1M");
	assert_int_equal(d.cma[0].size, MB(2));
	assert_int_equal(d.nr_cma, 1);
	/* a second area goes after the first */
	set(&d, "cma", "video:64M");
	assert_int_equal(d.nr_cma, 2);
	assert_string_equal(d.cma[1].name, "video");
	assert_int_equal(d.cma[1].base, GB(4) + MB(274));
	set(&d, "cma", "fw:4M@6G");
	assert_int_equal(d.cma[2].base, GB(6));
	validates(&d);
	set(&d, "cma", "none");
	assert_int_equal(d.nr_cma, 0);
	set(&d, "cma", "6G");
	assert_int_equal(d.cma[0].base, GB(4) + MB(272));
	validates(&d);

	/* before 5.9, top-down from the top of RAM, aligned to order 10 */
	struct machine_desc old = profile("x86_64-4.x-ip_entry");
	set(&old, "cma", "63M");
	assert_int_equal(old.cma[0].size, MB(64));
	assert_int_equal(old.cma[0].base, GB(5) - MB(64));
	/* too big for Normal (1G - 80M reserved): the top of DMA32 */
	set(&old, "cma", "1G");
	assert_int_equal(old.cma[0].base, GB(3) - GB(1));
	validates(&old);

	set_fails(&d, "cma", "12G", "GFPSHIM_CMA=12G",
		  "GFPSHIM_CMA=12G: the CMA area reserved of 12G does not fit in any zone; "
		  "expected at most the part of one zone that is not boot-reserved or in "
		  "another area (largest zone: 12G)");
	set_fails(&d, "cma", "bad name:1M", "GFPSHIM_CMA=bad name:1M",
		  "GFPSHIM_CMA=bad name:1M: \"bad name\" is not an area name; expected 1 "
		  "to 31 letters, digits, '_', '-' or '.'");
	set_fails(&d, "cma", "1M@xyz", "t.conf:2",
		  "t.conf:2: cma: \"xyz\" is not a size; expected a number of bytes with an "
		  "optional unit K, M, G or T (powers of 1024), such as 512M, 3.5G or 65536");
	set_fails(&d, "cma", "dma:0", "t.conf:2",
		  "t.conf:2: cma: area dma has size 0; expected a size, or \"none\" for no CMA");
	for (int i = 1; i < MAX_CMA_AREAS; i++) {
		char v[32];
		snprintf(v, sizeof(v), "a%d:4M", i);
		set(&d, "cma", v);
	}
	set_fails(&d, "cma", "one-more:4M", "t.conf:2",
		  "t.conf:2: cma: too many CMA areas; expected at most 8");
}

/* --- machine_validate ---------------------------------------------------------- */

static void test_validate_errors(void **state)
{
	struct machine_desc d;
	(void)state;

	d = profile("default");
	strcpy(d.arch, "vax");
	validate_fails(&d, "arch: unknown architecture \"vax\"");
	d = profile("default");
	d.page_shift = 13;
	validate_fails(&d, "page_size: page shift 13; expected 12, 14 or 16 (4K, 16K or 64K pages)");
	d = profile("default");
	d.page_shift = 16;
	validate_fails(&d, "page_size: x86_64 has no 64K pages");
	d = profile("default");
	d.kernel = 0;
	validate_fails(&d, "kernel: no kernel version set");
	d = profile("default");
	d.nr_page_orders = 17;
	validate_fails(&d, "nr_page_orders: 17; expected 2 to 16");
	d = profile("default");
	d.pageblock_order = 11;
	validate_fails(&d, "pageblock_order: 11; expected less than nr_page_orders (11)");
	/* a smaller MAX_ORDER pulls the default pageblock_order down with it */
	d = profile("default");
	d.nr_page_orders = 9;
	assert_int_equal(machine_pageblock_order(&d), 8);
	validates(&d);
	d = profile("default");
	d.nr_cpus = 0;
	validate_fails(&d, "cpus: 0; expected 1 to 64");
	d.nr_cpus = 65;
	validate_fails(&d, "cpus: 65; expected 1 to 64");
	d = profile("default");
	d.watermark_scale_factor = 0;
	validate_fails(&d, "watermark_scale_factor: 0; expected 1 to 3000");
	d = profile("default");
	d.min_free_kbytes = 16L << 20;
	validate_fails(&d, "min_free_kbytes: 16777216; expected less than the RAM (16G)");

	d = profile("default");
	d.zones[1].type = ZONE_DMA;
	validate_fails(&d, "zones: DMA listed after DMA; expected the order DMA DMA32 "
		       "Normal HighMem Movable Device, each once");
	d = profile("default");
	d.zones[1].start = MB(8);
	validate_fails(&d, "zone DMA32: starts at 8M, inside the zone before it (which "
		       "ends at 16M); expected zones in address order without overlap");
	d = profile("default");
	d.zones[0].size = MB(32);
	d.zones[1].start = MB(32);
	validate_fails(&d, "zone DMA: ends at 32M; DMA on x86_64 6.12 ends at 16M");
	d = profile("default");
	d.zones[1].size = GB(5);
	validate_fails(&d, "zone DMA32: ends at 5136M; DMA32 on x86_64 6.12 ends at 4G");
	d = profile("default");
	d.zones[0].reserved = MB(16);
	validate_fails(&d, "zone DMA: reserved 16M; expected less than the zone's size 16M");
	d = profile("default");
	d.zones[2].start += 512;
	validate_fails(&d, "zone Normal: start 4294967808, size 12G, reserved 272M: "
		       "expected multiples of the page size 4K");
	d = profile("default");
	for (unsigned i = 0; i < d.nr_zones; i++)
		d.zones[i].size = 0;
	validate_fails(&d, "zones: no zone has memory; expected a `mem` or `zone` setting");
	d = profile("default");
	d.zones[2].size = 1ULL << 45;
	validate_fails(&d, "zones: RAM ends at 32772G, frame 8590983168; expected "
		       "fewer than 2^32 frames");

	d = profile("csky-4.9-usb-gadget");
	d.cma[0].base += 4096;
	validate_fails(&d, "cma reserved: base 684036K, size 352M: expected multiples of "
		       "the pageblock size 4M");
	d = profile("csky-4.9-usb-gadget");
	d.cma[0].base = MB(700);
	validate_fails(&d, "cma reserved: 352M at 700M does not lie inside one zone");
	d = profile("csky-4.9-usb-gadget");
	d.cma[1] = d.cma[0];
	strcpy(d.cma[1].name, "again");
	d.nr_cma = 2;
	validate_fails(&d, "cma again: overlaps area reserved");
	d = profile("csky-4.9-usb-gadget");
	d.cma[0].size = MB(760);
	d.cma[0].base = MB(260);
	validate_fails(&d, "cma reserved: zone Normal holds 760M of CMA and 314004K "
		       "reserved, more than its 1048572K");
}

/* --- profiles ----------------------------------------------------------------------- */

struct log_numbers {
	const char *profile, *log;
	unsigned long pages_ram, pages_reserved, cma_reserved;  /* 0: not printed */
	unsigned lowmem_columns;
	bool node_prefix;
	unsigned buddy_columns;
};

static const struct log_numbers seeds[] = {
	{ "csky-4.9-usb-gadget", "seed000-csky-4.9-order10-atomic-comp-cma.log",
	  262143, 78501, 90112, 3, false, 11 },
	{ "arm64-4.18-el8-64k", "seed001-arm64-4.18-el8-order0-atomic-64k.log",
	  131072, 0, 0, 3, true, 14 },
	{ "amlogic-5.4", "seed002-arm64-5.4-android-order4-atomic-cma.log",
	  917504, 21870, 242688, 3, false, 11 },
	{ "arm64-5.4-64k-cma", "seed003-arm64-5.4-oom-highuser-movable-cma-64k.log",
	  31744, 546, 8192, 3, true, 14 },
};

/* the number printed before `suffix` ("262143 pages RAM") */
static unsigned long number_before(const char *text, const char *suffix)
{
	const char *p = strstr(text, suffix);
	assert_non_null(p);
	while (p > text && p[-1] == ' ')
		p--;
	while (p > text && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return strtoul(p, NULL, 10);
}

static void test_profiles_validate(void **state)
{
	unsigned n = 0;
	(void)state;
	for (const char *const *name = machine_profile_names; *name; name++, n++) {
		const struct machine_desc *d = machine_profile(*name);
		kver_t kv;
		assert_non_null(d);
		assert_string_equal(d->name, *name);
		validates(d);
		/* the release string parses to the kernel the profile names */
		assert_int_equal(kver_parse(d->release, &kv), 0);
		assert_int_equal(KVER_MAJOR(kv), KVER_MAJOR(d->kernel));
		assert_int_equal(KVER_MINOR(kv), KVER_MINOR(d->kernel));
	}
	assert_int_equal(n, 6);
	assert_null(machine_profile("no-such-board"));
}

static void test_profile_default(void **state)
{
	const struct machine_desc *d = machine_profile("default");
	(void)state;
	assert_string_equal(d->arch, "x86_64");
	assert_int_equal(d->kernel, KVER_DEFAULT);
	assert_int_equal(d->nr_zones, 5);       /* 5 lowmem_reserve columns */
	assert_int_equal(d->zones[4].type, ZONE_DEVICE);
	assert_int_equal(d->zones[0].size + d->zones[1].size + d->zones[2].size, GB(16));
	assert_true(d->numa);
	assert_int_equal(d->nr_cpus, 4);
	assert_int_equal(machine_nr_page_orders(d), 11);
	assert_int_equal(machine_pageblock_order(d), 9);
	assert_string_equal(d->hardware, "QEMU Standard PC (i440FX + PIIX, 1996), "
			    "BIOS 1.16.2-debian-1.16.2-1 04/01/2014");
}

/* what each log prints: pages RAM, reserved, cma reserved, present and
 * managed per zone, lowmem_reserve columns, "Node 0 " or not, buddy
 * columns (NR_PAGE_ORDERS) */
static void test_profiles_match_logs(void **state)
{
	static char text[1 << 16];
	(void)state;
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		const struct log_numbers *s = &seeds[i];
		const struct machine_desc *d = machine_profile(s->profile);
		unsigned long ram = 0, reserved = 0, cma = 0;
		const char *p;

		test_read_log(s->log, text, sizeof(text));
		assert_int_equal(number_before(text, " pages RAM"), s->pages_ram);
		if (s->pages_reserved)
			assert_int_equal(number_before(text, " pages reserved"), s->pages_reserved);
		if (s->cma_reserved)
			assert_int_equal(number_before(text, " pages cma reserved"), s->cma_reserved);

		p = text;
		for (unsigned z = 0; z < d->nr_zones; z++) {
			const struct zone_desc *zd = &d->zones[z];
			ram += zd->size >> d->page_shift;
			reserved += zd->reserved >> d->page_shift;
			if (!zd->size)
				continue;
			p = strstr(p, "present:");
			assert_non_null(p);
			assert_int_equal(strtoull(p + 8, NULL, 10), zd->size >> 10);
			p = strstr(p, "managed:");
			assert_non_null(p);
			assert_int_equal(strtoull(p + 8, NULL, 10),
					 (zd->size - zd->reserved) >> 10);
		}
		for (unsigned c = 0; c < d->nr_cma; c++)
			cma += d->cma[c].size >> d->page_shift;
		assert_int_equal(ram, s->pages_ram);
		if (s->pages_reserved)
			assert_int_equal(reserved, s->pages_reserved);
		assert_int_equal(cma, s->cma_reserved);

		/* lowmem_reserve[] prints one column per configured zone */
		p = strstr(text, "lowmem_reserve[]:");
		assert_non_null(p);
		unsigned cols = 0;
		for (p += 17; *p && *p != '\n'; p++)
			if (p[0] == ' ' && p[1] >= '0' && p[1] <= '9')
				cols++;
		assert_int_equal(cols, s->lowmem_columns);
		assert_int_equal(d->nr_zones, s->lowmem_columns);

		assert_int_equal(d->numa, s->node_prefix);
		assert_int_equal(strstr(text, "Node 0 DMA32 free:") != NULL ||
				 strstr(text, "Node 0 Normal free:") != NULL, s->node_prefix);

		/* the buddy line has NR_PAGE_ORDERS "N*SIZEkB" columns */
		const char *bl = strstr(text, d->zones[0].size ?
					(d->zones[0].type == ZONE_NORMAL ? "Normal: " : "DMA32: ") :
					"Normal: ");
		assert_non_null(bl);
		unsigned orders = 0;
		for (const char *q = bl; *q && strncmp(q, " = ", 3) != 0; q++)
			if (q[0] == '*')
				orders++;
		assert_int_equal(orders, s->buddy_columns);
		assert_int_equal(machine_nr_page_orders(d), s->buddy_columns);
	}
}

/* node_init() boots each profile into exactly the zones its log prints */
static void test_node_init_reproduces_logs(void **state)
{
	static char text[1 << 16];
	static struct pglist_data pgdat;
	(void)state;
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		const struct log_numbers *s = &seeds[i];
		const struct machine_desc *d = machine_profile(s->profile);
		struct gfp_error err = { "" };
		unsigned long ram = 0, reserved = 0;
		const char *p = test_read_log(s->log, text, sizeof(text));

		if (node_init(&pgdat, d, NULL, &err))
			fail_msg("%s: %s", s->profile, err.msg);
		assert_int_equal(pgdat.nr_zones, s->lowmem_columns);
		assert_int_equal(pgdat.nr_page_orders, s->buddy_columns);
		for (unsigned z = 0; z < pgdat.nr_zones; z++) {
			struct zone *zone = &pgdat.node_zones[z];
			ram += zone->present_pages;
			reserved += zone->present_pages - zone->managed_pages;
			if (!zone_populated(zone))
				continue;
			p = strstr(p, "present:");
			assert_non_null(p);
			assert_int_equal(strtoull(p + 8, NULL, 10),
					 pages_to_kb(&pgdat, zone->present_pages));
			p = strstr(p, "managed:");
			assert_non_null(p);
			assert_int_equal(strtoull(p + 8, NULL, 10),
					 pages_to_kb(&pgdat, zone->managed_pages));
		}
		assert_int_equal(ram, s->pages_ram);
		if (s->pages_reserved)
			assert_int_equal(reserved, s->pages_reserved);
		assert_int_equal(pgdat.totalcma_pages, s->cma_reserved);
		node_destroy(&pgdat);
	}
}

static void test_amlogic_pageblock_order(void **state)
{
	static char text[8192];
	const struct machine_desc *d = machine_profile("amlogic-5.4");
	(void)state;
	test_read_log("seed002-pagetypeinfo.txt", text, sizeof(text));
	assert_int_equal(number_before(strstr(text, "Page block order:") + 18, "\n"),
			 machine_pageblock_order(d));
	assert_int_equal(machine_pageblock_order(d), 10);
	assert_int_equal(machine_pageblock_order(machine_profile("csky-4.9-usb-gadget")), 10);
	assert_int_equal(machine_pageblock_order(machine_profile("arm64-5.4-64k-cma")), 13);
	assert_string_equal(d->hardware, "Amlogic (DT)");
	assert_string_equal(machine_profile("arm64-5.4-64k-cma")->hardware,
			    "E2000Q DEMO DDR4 (DT)");
}

/* --- profile files and the printed form ------------------------------------------------ */

static bool same_machine(const struct machine_desc *a, const struct machine_desc *b)
{
	if (strcmp(a->name, b->name) || strcmp(a->arch, b->arch) ||
	    strcmp(a->hardware, b->hardware) || a->kernel != b->kernel ||
	    strcmp(a->release, b->release) || a->page_shift != b->page_shift ||
	    machine_nr_page_orders(a) != machine_nr_page_orders(b) ||
	    machine_pageblock_order(a) != machine_pageblock_order(b) ||
	    a->nr_cpus != b->nr_cpus || a->numa != b->numa ||
	    a->nr_zones != b->nr_zones || a->nr_cma != b->nr_cma ||
	    a->min_free_kbytes != b->min_free_kbytes ||
	    a->watermark_scale_factor != b->watermark_scale_factor ||
	    a->watermark_boost_factor != b->watermark_boost_factor || a->thp != b->thp)
		return false;
	for (unsigned i = 0; i < a->nr_zones; i++)
		if (memcmp(&a->zones[i], &b->zones[i], sizeof(a->zones[i])))
			return false;
	for (unsigned i = 0; i < a->nr_cma; i++)
		if (memcmp(&a->cma[i], &b->cma[i], sizeof(a->cma[i])))
			return false;
	return true;
}

static void test_describe_reads_back(void **state)
{
	static char buf[8192];
	(void)state;
	for (const char *const *name = machine_profile_names; *name; name++) {
		struct sbuf sb = SBUF_INIT(buf, sizeof(buf));
		struct machine_desc d;
		struct gfp_error err = { "" };
		machine_describe(machine_profile(*name), &sb);
		assert_false(sb_overflowed(&sb));
		if (machine_load_text(sb_str(&sb), sb.len, *name, &d, &err))
			fail_msg("%s: %s\n%s", *name, err.msg, sb_str(&sb));
		assert_true(same_machine(&d, machine_profile(*name)));
	}
}

static void test_describe_text(void **state)
{
	static char buf[8192];
	struct sbuf sb = SBUF_INIT(buf, sizeof(buf));
	(void)state;
	machine_describe(machine_profile("csky-4.9-usb-gadget"), &sb);
	assert_string_equal(sb_str(&sb),
		"# machine \"csky-4.9-usb-gadget\"\n"
		"name = csky-4.9-usb-gadget\n"
		"arch = csky\n"
		"kernel = 4.9.56\n"
		"page_size = 4K\n"
		"# nr_page_orders = 11 (default)\n"
		"nr_page_orders = auto\n"
		"# pageblock_order = 10 (default)\n"
		"pageblock_order = auto\n"
		"zones = Normal HighMem Movable\n"
		"# Normal: present 1048572kB managed 734568kB, 262143 pages\n"
		"zone = Normal 0 1048572K reserved=314004K\n"
		"zone = HighMem 1048572K 0 reserved=0\n"
		"zone = Movable 1048572K 0 reserved=0\n"
		"# cma reserved: 90112 pages\n"
		"cma = reserved:352M@668M\n"
		"hardware = \n"
		"cpus = 1\n"
		"numa = no\n"
		"min_free_kbytes = auto\n"
		"watermark_scale_factor = 10\n"
		"watermark_boost_factor = 0\n"
		"thp = no\n");
}

static int load(const char *text, struct machine_desc *d, struct gfp_error *err)
{
	return machine_load_text(text, strlen(text), "board.conf", d, err);
}

static void load_fails(const char *text, const char *msg)
{
	struct machine_desc d;
	struct gfp_error err = { "" };
	assert_int_equal(load(text, &d, &err), -1);
	assert_string_equal(err.msg, msg);
}

static void test_load_text(void **state)
{
	struct machine_desc d;
	struct gfp_error err = { "" };
	(void)state;

	/* from a built-in profile, with comments, blank lines, CRLF, spaces */
	assert_int_equal(load("# my board\n"
			      "profile = csky-4.9-usb-gadget\r\n"
			      "\n"
			      "   mem=2G  \n"
			      "\tname = my-board\n"
			      "hardware = C-SKY dev board", &d, &err), 0);
	assert_string_equal(d.name, "my-board");
	assert_string_equal(d.arch, "csky");
	assert_int_equal(d.zones[1].size, GB(1));
	assert_string_equal(d.hardware, "C-SKY dev board");

	/* without a profile line: the default machine */
	assert_int_equal(load("cpus = 2\n", &d, &err), 0);
	assert_string_equal(d.arch, "x86_64");
	assert_int_equal(d.nr_cpus, 2);
	assert_int_equal(load("", &d, &err), 0);
	assert_true(same_machine(&d, machine_profile("default")));

	load_fails("cpus = 2\nzone = DMA32 0 3Q\n",
		   "board.conf:2: zone: \"3Q\" is not a size; expected a number of bytes "
		   "with an optional unit K, M, G or T (powers of 1024), such as 512M, "
		   "3.5G or 65536");
	load_fails("# first\ncpus = 2\nprofile = amlogic-5.4\n",
		   "board.conf:3: profile: must be the first setting (it replaces "
		   "everything before it)");
	load_fails("profile = pi5\n",
		   "board.conf:1: profile: unknown profile \"pi5\"; expected one of default, "
		   "csky-4.9-usb-gadget, arm64-4.18-el8-64k, amlogic-5.4, arm64-5.4-64k-cma, "
		   "x86_64-4.x-ip_entry");
	load_fails("\n\ncpus 4\n",
		   "board.conf:3: \"cpus 4\": expected `key = value` or a # comment");
	load_fails("= 4\n", "board.conf:1: \"= 4\": expected a key before '='");
	load_fails("colour = blue\n",
		   "board.conf:1: unknown setting \"colour\"; expected one of name, arch, "
		   "kernel, hardware, page_size, nr_page_orders, pageblock_order, mem, "
		   "zones, zone, cma, cpus, numa, min_free_kbytes, watermark_scale_factor, "
		   "watermark_boost_factor, thp");
	/* an inconsistent result names the file and the field */
	load_fails("zone = DMA 0 32M\n",
		   "board.conf: zone DMA: ends at 32M; DMA on x86_64 6.12 ends at 16M");

	char longline[700];
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	load_fails(longline, "board.conf:1: line is longer than 511 characters");
}

static void test_load_file(void **state)
{
	static const char *const examples[] = {
		"board-1g-cma.conf", "arm64-64k-2g.conf", "x86-4g-pci-hole.conf",
	};
	const char *top = getenv("top_srcdir");
	char path[512];
	struct machine_desc d;
	struct gfp_error err = { "" };
	(void)state;

	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		snprintf(path, sizeof(path), "%s/tests/data/profiles/%s",
			 top ? top : ".", examples[i]);
		if (machine_load_file(path, &d, &err))
			fail_msg("%s", err.msg);
	}

	assert_int_equal(machine_load_file("/nonexistent/board.conf", &d, &err), -1);
	assert_string_equal(err.msg, "/nonexistent/board.conf: no such file");
	assert_int_equal(machine_load_file("/", &d, &err), -1);
	assert_string_equal(err.msg, "/: is a directory");

	char tmp[] = "/tmp/test_machine_XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	const char *text = "profile = amlogic-5.4\n# boot with less CMA\ncma = none\ncma = 64Q\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(machine_load_file(tmp, &d, &err), -1);
	char want[600];
	snprintf(want, sizeof(want), "%s:4: cma: \"64Q\" is not a size; expected a number "
		 "of bytes with an optional unit K, M, G or T (powers of 1024), such as "
		 "512M, 3.5G or 65536", tmp);
	assert_string_equal(err.msg, want);

	/* larger than the fixed buffer */
	FILE *f = fopen(tmp, "w");
	for (int i = 0; i < 10000; i++)
		fputs("# padding\n", f);
	fclose(f);
	assert_int_equal(machine_load_file(tmp, &d, &err), -1);
	snprintf(want, sizeof(want), "%s: file too large; expected at most 64K of text", tmp);
	assert_string_equal(err.msg, want);
	unlink(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size_good),
		cmocka_unit_test(test_parse_size_bad),
		cmocka_unit_test(test_set_mem),
		cmocka_unit_test(test_set_mem_32bit_highmem),
		cmocka_unit_test(test_set_arch),
		cmocka_unit_test(test_set_page_size),
		cmocka_unit_test(test_set_kernel),
		cmocka_unit_test(test_set_scalars),
		cmocka_unit_test(test_set_zones),
		cmocka_unit_test(test_set_zone),
		cmocka_unit_test(test_set_cma_default_placement),
		cmocka_unit_test(test_set_cma),
		cmocka_unit_test(test_validate_errors),
		cmocka_unit_test(test_profiles_validate),
		cmocka_unit_test(test_profile_default),
		cmocka_unit_test(test_profiles_match_logs),
		cmocka_unit_test(test_node_init_reproduces_logs),
		cmocka_unit_test(test_amlogic_pageblock_order),
		cmocka_unit_test(test_describe_reads_back),
		cmocka_unit_test(test_describe_text),
		cmocka_unit_test(test_load_text),
		cmocka_unit_test(test_load_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
