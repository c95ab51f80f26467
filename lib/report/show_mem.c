/* show_mem(): the Mem-Info block of a failure report, per kernel version
 * (lib/show_mem.c show_mem() → mm/page_alloc.c show_free_areas(); from
 * 6.1 __show_mem()/__show_free_areas(), mm/show_mem.c from 6.6).
 *
 * Every line is printed as that version's format string prints it; the
 * version boundaries are the upstream commits that changed the text.
 */
#include <string.h>

#include "report/report.h"

static bool arch_is(const struct pglist_data *pgdat, const char *arch)
{
	return pgdat->desc && strcmp(pgdat->desc->arch, arch) == 0;
}

/* hugetlb_add_hstate() order of the architectures the profiles describe:
 * x86_64 registers 1G (gbpages) then 2M; arm64's hugetlbpage_init()
 * registers PUD (4K pages only), CONT_PMD, PMD, CONT_PTE sizes. */
static void report_hstates(const struct pglist_data *pgdat,
			   struct report_kconfig *kc)
{
	unsigned shift = pgdat->page_shift;
	unsigned pmd_order = shift - 3;         /* one table level */

	kc->nr_hstates = 0;
	/* a kernel with CONFIG_HUGETLB_PAGE has pageblock_order =
	 * HUGETLB_PAGE_ORDER (pageblock-flags.h); one without it uses
	 * MAX_ORDER-1, which is how a profile says "no hugetlbfs" */
	if (pgdat->pageblock_order != pmd_order)
		return;
	if (arch_is(pgdat, "x86_64") && shift == 12) {
		kc->hstate_kb[kc->nr_hstates++] = 1048576;
		kc->hstate_kb[kc->nr_hstates++] = 2048;
	} else if (arch_is(pgdat, "arm64")) {
		unsigned long page_kb = 1UL << (shift - 10);
		unsigned long pmd_kb = page_kb << pmd_order;
		/* CONT_PTES / CONT_PMDS: 16/16 (4K), 128/32 (16K), 32/32 (64K) */
		unsigned cont_pte = shift == 12 ? 16 : shift == 14 ? 128 : 32;
		unsigned cont_pmd = shift == 12 ? 16 : 32;

		if (shift == 12)
			kc->hstate_kb[kc->nr_hstates++] = pmd_kb << pmd_order;
		kc->hstate_kb[kc->nr_hstates++] = pmd_kb * cont_pmd;
		kc->hstate_kb[kc->nr_hstates++] = pmd_kb;
		kc->hstate_kb[kc->nr_hstates++] = page_kb * cont_pte;
	}
}

void report_kconfig(const struct pglist_data *pgdat, struct report_kconfig *kc)
{
	bool distro = arch_is(pgdat, "x86_64") || arch_is(pgdat, "arm64");

	memset(kc, 0, sizeof(*kc));
	kc->cma = distro || pgdat->totalcma_pages ||
		(pgdat->desc && pgdat->desc->nr_cma);
	/* CONFIG_CMA selects CONFIG_MEMORY_ISOLATION */
	kc->memory_isolation = kc->cma;
	kc->swap = pgdat->total_swap_kb >= 0;
	kc->memory_failure = pgdat->nr_hwpoisoned >= 0;
	kc->thp = pgdat->desc && pgdat->desc->thp;
	report_hstates(pgdat, kc);
}

static unsigned long node_stat(const struct pglist_data *pgdat,
			       enum node_stat_item item)
{
	long v = pgdat->vm_stat[item];

	return v > 0 ? (unsigned long)v : 0;
}

static unsigned long zone_stat(const struct zone *zone,
			       enum zone_stat_item item)
{
	long v = zone->vm_stat[item];

	return v > 0 ? (unsigned long)v : 0;
}

/* global_zone_page_state(): the sum over the node's zones */
static unsigned long global_zone_stat(const struct pglist_data *pgdat,
				      enum zone_stat_item item)
{
	unsigned long sum = 0;

	for (unsigned i = 0; i < pgdat->nr_zones; i++)
		sum += zone_stat(&pgdat->node_zones[i], item);
	return sum;
}

static unsigned long zone_pcp_count(const struct pglist_data *pgdat,
				    const struct zone *zone)
{
	unsigned long sum = 0;

	for (unsigned cpu = 0; cpu < pgdat->nr_cpus && cpu < MAX_NR_CPUS; cpu++)
		sum += zone->pcp[cpu].count > 0 ? (unsigned long)zone->pcp[cpu].count : 0;
	return sum;
}

#define K(x) pages_to_kb(pgdat, (x))

/* Where a counter lived in kernel `kv`: slab and page-table pages and the
 * kernel stack were zone counters before they moved to the node. */
static bool slab_in_zone(kver_t kv)        { return kv < KVER(4, 13, 0); }
static bool kstack_in_zone(kver_t kv)      { return kv < KVER(5, 9, 0); }
static bool pagetables_in_zone(kver_t kv)  { return kv < KVER(5, 11, 0); }

static unsigned long global_slab(const struct pglist_data *pgdat, bool recl)
{
	if (slab_in_zone(pgdat->kv))
		return global_zone_stat(pgdat, recl ? NR_ZONE_SLAB_RECLAIMABLE :
					NR_ZONE_SLAB_UNRECLAIMABLE);
	return node_stat(pgdat, recl ? NR_SLAB_RECLAIMABLE : NR_SLAB_UNRECLAIMABLE);
}

static unsigned long global_pagetables(const struct pglist_data *pgdat)
{
	if (pagetables_in_zone(pgdat->kv))
		return global_zone_stat(pgdat, NR_ZONE_PAGETABLE);
	return node_stat(pgdat, NR_PAGETABLE);
}

static bool zone_shown(const struct zone *zone, int max_zone_idx)
{
	return zone_populated(zone) && (int)zone->idx <= max_zone_idx;
}

static void show_global_block(struct sbuf *sb, struct pglist_data *pgdat,
			      int max_zone_idx)
{
	kver_t kv = pgdat->kv;
	unsigned long free_pcp = 0;

	for (unsigned i = 0; i < pgdat->nr_zones; i++)
		if (zone_shown(&pgdat->node_zones[i], max_zone_idx))
			free_pcp += zone_pcp_count(pgdat, &pgdat->node_zones[i]);

	sb_printf(sb, "active_anon:%lu inactive_anon:%lu isolated_anon:%lu\n"
		  " active_file:%lu inactive_file:%lu isolated_file:%lu\n",
		  node_stat(pgdat, NR_ACTIVE_ANON),
		  node_stat(pgdat, NR_INACTIVE_ANON),
		  node_stat(pgdat, NR_ISOLATED_ANON),
		  node_stat(pgdat, NR_ACTIVE_FILE),
		  node_stat(pgdat, NR_INACTIVE_FILE),
		  node_stat(pgdat, NR_ISOLATED_FILE));
	sb_printf(sb, " unevictable:%lu dirty:%lu writeback:%lu",
		  node_stat(pgdat, NR_UNEVICTABLE),
		  node_stat(pgdat, NR_FILE_DIRTY),
		  node_stat(pgdat, NR_WRITEBACK));
	/* NR_UNSTABLE_NFS went away in 5.8 */
	if (kv < KVER(5, 8, 0))
		sb_printf(sb, " unstable:%lu", node_stat(pgdat, NR_UNSTABLE_NFS));
	sb_printf(sb, "\n slab_reclaimable:%lu slab_unreclaimable:%lu\n",
		  global_slab(pgdat, true), global_slab(pgdat, false));
	sb_printf(sb, " mapped:%lu shmem:%lu pagetables:%lu",
		  node_stat(pgdat, NR_FILE_MAPPED), node_stat(pgdat, NR_SHMEM),
		  global_pagetables(pgdat));
	/* NR_SECONDARY_PAGETABLE: 6.0 */
	if (kv >= KVER(6, 0, 0))
		sb_printf(sb, "\n sec_pagetables:%lu",
			  node_stat(pgdat, NR_SECONDARY_PAGETABLE));
	sb_printf(sb, " bounce:%lu\n", global_zone_stat(pgdat, NR_BOUNCE));
	/* kernel_misc_reclaimable shown from 5.15 (eb2169cee36f, 2021-09);
	 * a 5.15 log prints it without the zone's boost: (public log
	 * x86_64-5.15-order6-dmesg-T) */
	if (kv >= KVER(5, 15, 0))
		sb_printf(sb, " kernel_misc_reclaimable:%lu\n",
			  node_stat(pgdat, NR_KERNEL_MISC_RECLAIMABLE));
	sb_printf(sb, " free:%lu free_pcp:%lu free_cma:%lu\n",
		  global_zone_stat(pgdat, NR_FREE_PAGES), free_pcp,
		  global_zone_stat(pgdat, NR_FREE_CMA_PAGES));
}

static void show_node_line(struct sbuf *sb, struct pglist_data *pgdat,
			   const struct report_kconfig *kc)
{
	kver_t kv = pgdat->kv;
	/* the THP fields lost the space after the colon in 6.6 */
	const char *sp = kv >= KVER(6, 6, 0) ? "" : " ";

	sb_printf(sb, "Node %d active_anon:%lukB inactive_anon:%lukB"
		  " active_file:%lukB inactive_file:%lukB unevictable:%lukB"
		  " isolated(anon):%lukB isolated(file):%lukB mapped:%lukB"
		  " dirty:%lukB writeback:%lukB shmem:%lukB", 0,
		  K(node_stat(pgdat, NR_ACTIVE_ANON)),
		  K(node_stat(pgdat, NR_INACTIVE_ANON)),
		  K(node_stat(pgdat, NR_ACTIVE_FILE)),
		  K(node_stat(pgdat, NR_INACTIVE_FILE)),
		  K(node_stat(pgdat, NR_UNEVICTABLE)),
		  K(node_stat(pgdat, NR_ISOLATED_ANON)),
		  K(node_stat(pgdat, NR_ISOLATED_FILE)),
		  K(node_stat(pgdat, NR_FILE_MAPPED)),
		  K(node_stat(pgdat, NR_FILE_DIRTY)),
		  K(node_stat(pgdat, NR_WRITEBACK)),
		  K(node_stat(pgdat, NR_SHMEM)));
	if (kc->thp)
		sb_printf(sb, " shmem_thp:%s%lukB shmem_pmdmapped:%s%lukB"
			  " anon_thp:%s%lukB",
			  sp, K(node_stat(pgdat, NR_SHMEM_THPS)),
			  sp, K(node_stat(pgdat, NR_SHMEM_PMDMAPPED)),
			  sp, K(node_stat(pgdat, NR_ANON_THPS)));
	sb_printf(sb, " writeback_tmp:%lukB",
		  K(node_stat(pgdat, NR_WRITEBACK_TEMP)));
	if (kv < KVER(5, 8, 0))
		sb_printf(sb, " unstable:%lukB",
			  K(node_stat(pgdat, NR_UNSTABLE_NFS)));
	if (!kstack_in_zone(kv))
		sb_printf(sb, " kernel_stack:%lukB",
			  node_stat(pgdat, NR_KERNEL_STACK_KB));
	if (!pagetables_in_zone(kv))
		sb_printf(sb, " pagetables:%lukB",
			  K(node_stat(pgdat, NR_PAGETABLE)));
	if (kv >= KVER(6, 0, 0))
		sb_printf(sb, " sec_pagetables:%lukB",
			  K(node_stat(pgdat, NR_SECONDARY_PAGETABLE)));
	/* NR_PAGES_SCANNED gave way to kswapd_failures in 4.12 */
	if (kv < KVER(4, 12, 0))
		sb_printf(sb, " pages_scanned:%lu", 0UL);
	sb_printf(sb, " all_unreclaimable? %s\n", "no");
}

static void show_zone_line(struct sbuf *sb, struct pglist_data *pgdat,
			   struct zone *zone, unsigned cpu)
{
	kver_t kv = pgdat->kv;
	unsigned long boost = zone->watermark_boost;
	int local = cpu < MAX_NR_CPUS ? zone->pcp[cpu].count : 0;

	show_node(sb, pgdat);
	sb_printf(sb, "%s free:%lukB", zone->name,
		  K(zone_stat(zone, NR_FREE_PAGES)));
	/* boost: 5.16 */
	if (kv >= KVER(5, 16, 0))
		sb_printf(sb, " boost:%lukB", K(boost));
	/* min_wmark_pages() etc. include the boost (5.0+) */
	if (kv < KVER(5, 0, 0))
		boost = 0;
	sb_printf(sb, " min:%lukB low:%lukB high:%lukB",
		  K(zone->_watermark[WMARK_MIN] + boost),
		  K(zone->_watermark[WMARK_LOW] + boost),
		  K(zone->_watermark[WMARK_HIGH] + boost));
	/* reserved_highatomic: 5.5, with the kernel's capital KB */
	if (kv >= KVER(5, 5, 0))
		sb_printf(sb, " reserved_highatomic:%luKB",
			  K(zone->nr_reserved_highatomic));
	sb_printf(sb, " active_anon:%lukB inactive_anon:%lukB active_file:%lukB"
		  " inactive_file:%lukB unevictable:%lukB writepending:%lukB"
		  " present:%lukB managed:%lukB mlocked:%lukB",
		  K(zone_stat(zone, NR_ZONE_ACTIVE_ANON)),
		  K(zone_stat(zone, NR_ZONE_INACTIVE_ANON)),
		  K(zone_stat(zone, NR_ZONE_ACTIVE_FILE)),
		  K(zone_stat(zone, NR_ZONE_INACTIVE_FILE)),
		  K(zone_stat(zone, NR_ZONE_UNEVICTABLE)),
		  K(zone_stat(zone, NR_ZONE_WRITE_PENDING)),
		  K(zone->present_pages), K(zone->managed_pages),
		  K(zone_stat(zone, NR_MLOCK)));
	if (slab_in_zone(kv))
		sb_printf(sb, " slab_reclaimable:%lukB slab_unreclaimable:%lukB",
			  K(zone_stat(zone, NR_ZONE_SLAB_RECLAIMABLE)),
			  K(zone_stat(zone, NR_ZONE_SLAB_UNRECLAIMABLE)));
	if (kstack_in_zone(kv))
		sb_printf(sb, " kernel_stack:%lukB",
			  zone_stat(zone, NR_ZONE_KERNEL_STACK_KB));
	if (pagetables_in_zone(kv))
		sb_printf(sb, " pagetables:%lukB",
			  K(zone_stat(zone, NR_ZONE_PAGETABLE)));
	sb_printf(sb, " bounce:%lukB free_pcp:%lukB local_pcp:%ukB"
		  " free_cma:%lukB\n",
		  K(zone_stat(zone, NR_BOUNCE)), K(zone_pcp_count(pgdat, zone)),
		  (unsigned)K(local > 0 ? (unsigned long)local : 0),
		  K(zone_stat(zone, NR_FREE_CMA_PAGES)));

	sb_puts(sb, "lowmem_reserve[]:");
	for (unsigned i = 0; i < pgdat->nr_zones; i++)
		sb_printf(sb, " %ld", zone->lowmem_reserve[i]);
	sb_puts(sb, "\n");
}

/* show_swap_cache_info() (CONFIG_SWAP); the stats line went in 6.0 */
static void show_swap_cache_info(struct sbuf *sb, struct pglist_data *pgdat)
{
	sb_printf(sb, "%ld pages in swap cache\n", pgdat->nr_swap_cache);
	if (pgdat->kv < KVER(6, 0, 0))
		sb_printf(sb, "Swap cache stats: add %lu, delete %lu, find %lu/%lu\n",
			  0UL, 0UL, 0UL, 0UL);
	sb_printf(sb, "Free swap  = %ldkB\n", pgdat->free_swap_kb);
	sb_printf(sb, "Total swap = %lukB\n", (unsigned long)pgdat->total_swap_kb);
}

static bool zone_is_highmem(const struct pglist_data *pgdat,
			    const struct zone *zone)
{
	/* is_highmem_idx(): ZONE_HIGHMEM, and ZONE_MOVABLE when the zone it
	 * takes its pages from is HighMem */
	if (zone->type == ZONE_HIGHMEM)
		return true;
	if (zone->type != ZONE_MOVABLE)
		return false;
	for (unsigned i = 0; i < pgdat->nr_zones; i++)
		if (pgdat->node_zones[i].type == ZONE_HIGHMEM &&
		    zone_populated(&pgdat->node_zones[i]))
			return true;
	return false;
}

void show_mem(struct sbuf *sb, struct pglist_data *pgdat, gfp_t gfp,
	      unsigned cpu)
{
	struct report_kconfig kc;
	int max_zone_idx = (int)pgdat->nr_zones - 1;
	bool node_shown = false;

	report_kconfig(pgdat, &kc);
	/* 6.1 __show_mem(): zones above gfp_zone(gfp) are not shown */
	if (pgdat->kv >= KVER(6, 1, 0)) {
		int z = gfp_zone_idx(pgdat, gfp);

		if (z >= 0)
			max_zone_idx = z;
	}

	sb_puts(sb, "Mem-Info:\n");
	show_global_block(sb, pgdat, max_zone_idx);

	/* 6.1: a node with no managed zone at or below the limit is skipped */
	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		const struct zone *zone = &pgdat->node_zones[i];

		if ((int)zone->idx <= max_zone_idx && zone->managed_pages)
			node_shown = true;
	}
	if (node_shown || pgdat->kv < KVER(6, 1, 0))
		show_node_line(sb, pgdat, &kc);

	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		struct zone *zone = &pgdat->node_zones[i];

		if (zone_shown(zone, max_zone_idx))
			show_zone_line(sb, pgdat, zone, cpu);
	}
	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		struct zone *zone = &pgdat->node_zones[i];

		if (zone_shown(zone, max_zone_idx))
			show_buddy_line(sb, pgdat, zone);
	}

	/* hugetlb_show_meminfo() */
	for (unsigned h = 0; h < kc.nr_hstates; h++)
		sb_printf(sb, "Node %d hugepages_total=%u hugepages_free=%u"
			  " hugepages_surp=%u hugepages_size=%lukB\n",
			  0, 0u, 0u, 0u, kc.hstate_kb[h]);
	sb_printf(sb, "%ld total pagecache pages\n",
		  (long)node_stat(pgdat, NR_FILE_PAGES));
	if (kc.swap)
		show_swap_cache_info(sb, pgdat);

	/* show_mem() totals: every populated zone, unfiltered */
	unsigned long total = 0, highmem = 0, reserved = 0;
	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		const struct zone *zone = &pgdat->node_zones[i];

		if (!zone_populated(zone))
			continue;
		total += zone->present_pages;
		reserved += zone->present_pages - zone->managed_pages;
		if (zone_is_highmem(pgdat, zone))
			highmem += zone->present_pages;
	}
	sb_printf(sb, "%lu pages RAM\n", total);
	sb_printf(sb, "%lu pages HighMem/MovableOnly\n", highmem);
	sb_printf(sb, "%lu pages reserved\n", reserved);
	if (kc.cma)
		sb_printf(sb, "%lu pages cma reserved\n", pgdat->totalcma_pages);
	if (kc.memory_failure)
		sb_printf(sb, "%lu pages hwpoisoned\n",
			  (unsigned long)pgdat->nr_hwpoisoned);
}
