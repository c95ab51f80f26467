/* Built-in machine profiles: the default machine, and one per real
 * failure log in tests/data/logs (each zone's present/managed, the CMA
 * reservation, page size, zone configuration and NUMA-ness read off the
 * log; what a log does not show is said in a comment).
 */
#include "config.h"

#include <string.h>

#include "machine/machine.h"

#define K(x) ((uint64_t)(x) << 10)
#define M(x) ((uint64_t)(x) << 20)
#define G(x) ((uint64_t)(x) << 30)

static const struct machine_desc profiles[] = {
	/* A distro x86_64 VM large enough that ordinary programs never notice
	 * the simulation: DMA 0–16M (first MiB reserved by the BIOS and real
	 * mode), DMA32 16M–4G, Normal 4G–16G holding the mem_map (64 bytes per
	 * page) and the kernel image; Movable and Device configured but empty
	 * (five lowmem_reserve columns, as distro kernels print). */
	{
		.name = "default",
		.arch = "x86_64",
		.hardware = "QEMU Standard PC (i440FX + PIIX, 1996), "
			    "BIOS 1.16.2-debian-1.16.2-1 04/01/2014",
		.kernel = KVER_DEFAULT,
		.release = "6.12",
		.page_shift = 12,
		.nr_cpus = 4,
		.numa = true,
		.nr_zones = 5,
		.zones = {
			{ ZONE_DMA, 0, M(16), M(1) },
			{ ZONE_DMA32, M(16), G(4) - M(16), 0 },
			{ ZONE_NORMAL, G(4), G(12), M(272) },
			{ ZONE_MOVABLE, G(16), 0, 0 },
			{ ZONE_DEVICE, G(16), 0, 0 },
		},
		.min_free_kbytes = -1,
		.watermark_scale_factor = 10,
		.watermark_boost_factor = 15000,
		.thp = true,
	},
	/* seed000: C-SKY board, vendor 4.9.56, USB gadget.  Non-NUMA (zone
	 * lines without "Node 0 "), lowmem_reserve has 3 columns (Normal
	 * HighMem Movable).  Normal present:1048572kB managed:734568kB
	 * (262143 pages RAM, 78501 reserved); 90112 pages cma reserved =
	 * 352M at the top of Normal, aligned to 4M (order 10).  One CPU:
	 * free_pcp equals local_pcp.  No "Hardware name:" line. */
	{
		.name = "csky-4.9-usb-gadget",
		.arch = "csky",
		.kernel = KVER(4, 9, 56),
		.release = "4.9.56",
		.page_shift = 12,
		.nr_cpus = 1,
		.numa = false,
		.nr_zones = 3,
		.zones = {
			{ ZONE_NORMAL, 0, K(1048572), K(1048572 - 734568) },
			{ ZONE_HIGHMEM, K(1048572), 0, 0 },
			{ ZONE_MOVABLE, K(1048572), 0, 0 },
		},
		.nr_cma = 1,
		.cma = { { "reserved", K(684032), M(352) } },
		.min_free_kbytes = -1,
		.watermark_scale_factor = 10,
		.watermark_boost_factor = 0,
		.thp = false,
	},
	/* seed001: RHEL 8 arm64 guest, 64K pages (14 buddy columns up to
	 * 524288kB), NUMA.  RHEL's 4.18 carries 5.0's ZONE_DMA32 rename
	 * (3 lowmem_reserve columns: DMA32 Normal Movable).  DMA32 1G–4G
	 * present:3145728kB managed:2900352kB, Normal 4G–9G present:5242880kB
	 * managed:5223616kB (131072 pages RAM).  The watermarks print
	 * min 8255/8305 pages with low−min = managed/1000: a boost of one
	 * 64K-page pageblock (8192) on top of pages_min 177, i.e.
	 * min_free_kbytes 11328, not raised by khugepaged.  No CMA, no
	 * "Hardware name:" line. */
	{
		.name = "arm64-4.18-el8-64k",
		.arch = "arm64",
		.kernel = KVER(4, 18, 0),
		.release = "4.18.0-513.24.1.el8_9.v1.aarch64",
		.page_shift = 16,
		.nr_cpus = 4,
		.numa = true,
		.nr_zones = 3,
		.zones = {
			{ ZONE_DMA32, G(1), G(3), K(3145728 - 2900352) },
			{ ZONE_NORMAL, G(4), G(5), K(5242880 - 5223616) },
			{ ZONE_MOVABLE, G(9), 0, 0 },
		},
		.min_free_kbytes = 11328,
		.watermark_scale_factor = 10,
		.watermark_boost_factor = 15000,
		.thp = false,
	},
	/* seed002: Amlogic TV box, Android 5.4.125, 4K pages, non-NUMA.
	 * DMA32 present:3670016kB managed:3582536kB (917504 pages RAM,
	 * 21870 reserved); 242688 pages cma reserved (948M) at the top of
	 * DMA32.  Page block order 10 (seed002-pagetypeinfo.txt: the vendor
	 * config has no hugetlb).  Watermarks: min 2560 pages
	 * (min_free_kbytes 10240), low−min = managed×30/10000
	 * (watermark_scale_factor 30); Android's extra_free_kbytes adds
	 * 1012kB to low and high, which this description does not carry. */
	{
		.name = "amlogic-5.4",
		.arch = "arm64",
		.hardware = "Amlogic (DT)",
		.kernel = KVER(5, 4, 125),
		.release = "5.4.125-android11-2-g6d2ca40337f4-dirty-ab2800",
		.page_shift = 12,
		.pageblock_order = 10,
		.nr_cpus = 4,
		.numa = false,
		.nr_zones = 3,
		.zones = {
			{ ZONE_DMA32, 0, K(3670016), K(3670016 - 3582536) },
			{ ZONE_NORMAL, K(3670016), 0, 0 },
			{ ZONE_MOVABLE, K(3670016), 0, 0 },
		},
		.nr_cma = 1,
		.cma = { { "reserved", M(2636), M(948) } },
		.min_free_kbytes = 10240,
		.watermark_scale_factor = 30,
		.watermark_boost_factor = 15000,
		.thp = false,
	},
	/* seed003: Phytium E2000Q demo board, 5.4.74, 64K pages, NUMA.
	 * DRAM from 2G; DMA32 present:2031616kB managed:1996672kB (31744
	 * pages RAM, 546 reserved); 8192 pages cma reserved = 512M, aligned
	 * to the 512M order-13 block.  Watermarks min 1431 pages, low−min
	 * 357 = min/4: min_free_kbytes 91584 (khugepaged's raise, stated). */
	{
		.name = "arm64-5.4-64k-cma",
		.arch = "arm64",
		.hardware = "E2000Q DEMO DDR4 (DT)",
		.kernel = KVER(5, 4, 74),
		.release = "5.4.74",
		.page_shift = 16,
		.nr_cpus = 4,
		.numa = true,
		.nr_zones = 3,
		.zones = {
			{ ZONE_DMA32, G(2), M(1984), K(2031616 - 1996672) },
			{ ZONE_NORMAL, G(2) + M(1984), 0, 0 },
			{ ZONE_MOVABLE, G(2) + M(1984), 0, 0 },
		},
		.nr_cma = 1,
		.cma = { { "reserved", M(3072), M(512) } },
		.min_free_kbytes = 91584,
		.watermark_scale_factor = 10,
		.watermark_boost_factor = 15000,
		.thp = false,
	},
	/* seed004: the ip_entry article: an x86_64 distro kernel with
	 * NR_CPUS=8192 (sizeof(struct ip_entry) = 65640, order 5), as CentOS
	 * 8 (4.18.0-348, the article's date) builds it.  The article shows
	 * only `free` (890M free) and buddyinfo, so the machine is a 4G VM
	 * with the PCI hole: DMA32 16M–3G, Normal 4G–5G. */
	{
		.name = "x86_64-4.x-ip_entry",
		.arch = "x86_64",
		.hardware = "QEMU Standard PC (i440FX + PIIX, 1996), "
			    "BIOS 1.16.2-debian-1.16.2-1 04/01/2014",
		.kernel = KVER(4, 18, 0),
		.release = "4.18.0-348.el8.x86_64",
		.page_shift = 12,
		.nr_cpus = 4,
		.numa = true,
		.nr_zones = 5,
		.zones = {
			{ ZONE_DMA, 0, M(16), M(1) },
			{ ZONE_DMA32, M(16), G(3) - M(16), 0 },
			{ ZONE_NORMAL, G(4), G(1), M(80) },
			{ ZONE_MOVABLE, G(5), 0, 0 },
			{ ZONE_DEVICE, G(5), 0, 0 },
		},
		.min_free_kbytes = -1,
		.watermark_scale_factor = 10,
		.watermark_boost_factor = 15000,
		.thp = true,
	},
};

#define NR_PROFILES (sizeof(profiles) / sizeof(profiles[0]))

const char *const machine_profile_names[NR_PROFILES + 1] = {
	"default",
	"csky-4.9-usb-gadget",
	"arm64-4.18-el8-64k",
	"amlogic-5.4",
	"arm64-5.4-64k-cma",
	"x86_64-4.x-ip_entry",
	NULL,
};

const struct machine_desc *machine_profile(const char *name)
{
	for (size_t i = 0; i < NR_PROFILES; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}
