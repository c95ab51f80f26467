/* show_mem(): the Mem-Info block of a failure report, per kernel version
 * (lib/show_mem.c show_mem() → mm/page_alloc.c show_free_areas(); from
 * 6.1 __show_mem()/__show_free_areas(), mm/show_mem.c from 6.6).
 *
 * Every line is printed as that version's format string prints it; the
 * version boundaries are the upstream commits that changed the text.
 */

#include "abi/kver_rules.h"
#include "abi/printed.h"
#include "report/report.h"

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

/* Where a counter lived in kernel `kv`: slab and page-table pages were
 * zone counters before they moved to the node. */
static bool slab_in_zone(kver_t kv)
{
	return !kver_has(kv, KF_SLAB_NODE_COUNTERS);
}

static bool pagetables_in_zone(kver_t kv)
{
	return !kver_has(kv, KF_PAGETABLES_NODE_COUNTER);
}

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

static unsigned long global_field_value(struct pglist_data *pgdat,
					int field, unsigned long free_pcp)
{
	switch (field) {
	case GF_ACTIVE_ANON:    return node_stat(pgdat, NR_ACTIVE_ANON);
	case GF_INACTIVE_ANON:  return node_stat(pgdat, NR_INACTIVE_ANON);
	case GF_ISOLATED_ANON:  return node_stat(pgdat, NR_ISOLATED_ANON);
	case GF_ACTIVE_FILE:    return node_stat(pgdat, NR_ACTIVE_FILE);
	case GF_INACTIVE_FILE:  return node_stat(pgdat, NR_INACTIVE_FILE);
	case GF_ISOLATED_FILE:  return node_stat(pgdat, NR_ISOLATED_FILE);
	case GF_UNEVICTABLE:    return node_stat(pgdat, NR_UNEVICTABLE);
	case GF_DIRTY:          return node_stat(pgdat, NR_FILE_DIRTY);
	case GF_WRITEBACK:      return node_stat(pgdat, NR_WRITEBACK);
	case GF_UNSTABLE:       return node_stat(pgdat, NR_UNSTABLE_NFS);
	case GF_SLAB_RECLAIMABLE:   return global_slab(pgdat, true);
	case GF_SLAB_UNRECLAIMABLE: return global_slab(pgdat, false);
	case GF_MAPPED:         return node_stat(pgdat, NR_FILE_MAPPED);
	case GF_SHMEM:          return node_stat(pgdat, NR_SHMEM);
	case GF_PAGETABLES:     return global_pagetables(pgdat);
	case GF_SEC_PAGETABLES: return node_stat(pgdat, NR_SECONDARY_PAGETABLE);
	case GF_BOUNCE:         return global_zone_stat(pgdat, NR_BOUNCE);
	case GF_KERNEL_MISC_RECLAIMABLE:
		return node_stat(pgdat, NR_KERNEL_MISC_RECLAIMABLE);
	case GF_FREE:           return global_zone_stat(pgdat, NR_FREE_PAGES);
	case GF_FREE_PCP:       return free_pcp;
	case GF_FREE_CMA:       return global_zone_stat(pgdat, NR_FREE_CMA_PAGES);
	}
	return 0;
}

/* The rows of a printed line or block that kernel kv prints, each as
 * " name:valueunit" (a new line where the row says so). */
#define for_each_printed(f, table, nr, kv)                                  \
	for (const struct printed_field *f = (table); f < (table) + (nr); f++) \
		if (printed_by(f, kv))

static void show_global_block(struct sbuf *sb, struct pglist_data *pgdat,
			      int max_zone_idx)
{
	unsigned long free_pcp = 0;
	bool first = true;

	for (unsigned i = 0; i < pgdat->nr_zones; i++)
		if (zone_shown(&pgdat->node_zones[i], max_zone_idx))
			free_pcp += zone_pcp_count(pgdat, &pgdat->node_zones[i]);

	for_each_printed(f, global_block_fields, nr_global_block_fields,
			 pgdat->kv) {
		sb_printf(sb, "%s%s%lu%s", first ? "" : f->line_break ? "\n " : " ",
			  f->name, global_field_value(pgdat, f->field, free_pcp),
			  f->unit);
		first = false;
	}
	sb_puts(sb, "\n");
}

static unsigned long node_field_value(struct pglist_data *pgdat, int field)
{
	switch (field) {
	case NF_ACTIVE_ANON:     return K(node_stat(pgdat, NR_ACTIVE_ANON));
	case NF_INACTIVE_ANON:   return K(node_stat(pgdat, NR_INACTIVE_ANON));
	case NF_ACTIVE_FILE:     return K(node_stat(pgdat, NR_ACTIVE_FILE));
	case NF_INACTIVE_FILE:   return K(node_stat(pgdat, NR_INACTIVE_FILE));
	case NF_UNEVICTABLE:     return K(node_stat(pgdat, NR_UNEVICTABLE));
	case NF_ISOLATED_ANON:   return K(node_stat(pgdat, NR_ISOLATED_ANON));
	case NF_ISOLATED_FILE:   return K(node_stat(pgdat, NR_ISOLATED_FILE));
	case NF_MAPPED:          return K(node_stat(pgdat, NR_FILE_MAPPED));
	case NF_DIRTY:           return K(node_stat(pgdat, NR_FILE_DIRTY));
	case NF_WRITEBACK:       return K(node_stat(pgdat, NR_WRITEBACK));
	case NF_SHMEM:           return K(node_stat(pgdat, NR_SHMEM));
	case NF_SHMEM_THP:       return K(node_stat(pgdat, NR_SHMEM_THPS));
	case NF_SHMEM_PMDMAPPED: return K(node_stat(pgdat, NR_SHMEM_PMDMAPPED));
	case NF_ANON_THP:        return K(node_stat(pgdat, NR_ANON_THPS));
	case NF_WRITEBACK_TMP:   return K(node_stat(pgdat, NR_WRITEBACK_TEMP));
	case NF_UNSTABLE:        return K(node_stat(pgdat, NR_UNSTABLE_NFS));
	case NF_KERNEL_STACK:    return node_stat(pgdat, NR_KERNEL_STACK_KB);
	case NF_PAGETABLES:      return K(node_stat(pgdat, NR_PAGETABLE));
	case NF_SEC_PAGETABLES:  return K(node_stat(pgdat, NR_SECONDARY_PAGETABLE));
	case NF_PAGES_SCANNED:   return 0;
	case NF_BALLOON:         return 0;      /* no balloon driver */
	}
	return 0;
}

static void show_node_line(struct sbuf *sb, struct pglist_data *pgdat,
			   const struct report_kconfig *kc)
{
	sb_printf(sb, "Node %d", 0);
	for (int after = 0; after < 2; after++) {
		if (after)
			sb_printf(sb, " all_unreclaimable? %s", "no");
		for_each_printed(f, node_line_fields, nr_node_line_fields, pgdat->kv)
			if (f->after_answer == after &&
			    (kc->thp || !node_field_is_thp(f->field)))
				sb_printf(sb, " %s%lu%s", f->name,
					  node_field_value(pgdat, f->field), f->unit);
	}
	sb_puts(sb, "\n");
}

static unsigned long zone_field_value(struct pglist_data *pgdat,
				      struct zone *zone, int field,
				      unsigned cpu)
{
	/* min_wmark_pages() etc. include the boost */
	unsigned long boost = kver_has(pgdat->kv, KF_WATERMARK_BOOST) ?
			      zone->watermark_boost : 0;
	int local = cpu < MAX_NR_CPUS ? zone->pcp[cpu].count : 0;

	switch (field) {
	case ZF_FREE:          return K(zone_stat(zone, NR_FREE_PAGES));
	case ZF_BOOST:         return K(zone->watermark_boost);
	case ZF_MIN:           return K(zone->_watermark[WMARK_MIN] + boost);
	case ZF_LOW:           return K(zone->_watermark[WMARK_LOW] + boost);
	case ZF_HIGH:          return K(zone->_watermark[WMARK_HIGH] + boost);
	case ZF_RESERVED_HIGHATOMIC: return K(zone->nr_reserved_highatomic);
	case ZF_FREE_HIGHATOMIC: return K(zone->nr_free_highatomic);
	case ZF_ACTIVE_ANON:   return K(zone_stat(zone, NR_ZONE_ACTIVE_ANON));
	case ZF_INACTIVE_ANON: return K(zone_stat(zone, NR_ZONE_INACTIVE_ANON));
	case ZF_ACTIVE_FILE:   return K(zone_stat(zone, NR_ZONE_ACTIVE_FILE));
	case ZF_INACTIVE_FILE: return K(zone_stat(zone, NR_ZONE_INACTIVE_FILE));
	case ZF_UNEVICTABLE:   return K(zone_stat(zone, NR_ZONE_UNEVICTABLE));
	case ZF_WRITEPENDING:  return K(zone_stat(zone, NR_ZONE_WRITE_PENDING));
	case ZF_ZSPAGES:       return 0;        /* no zsmalloc */
	case ZF_PRESENT:       return K(zone->present_pages);
	case ZF_MANAGED:       return K(zone->managed_pages);
	case ZF_MLOCKED:       return K(zone_stat(zone, NR_MLOCK));
	case ZF_SLAB_RECLAIMABLE:
		return K(zone_stat(zone, NR_ZONE_SLAB_RECLAIMABLE));
	case ZF_SLAB_UNRECLAIMABLE:
		return K(zone_stat(zone, NR_ZONE_SLAB_UNRECLAIMABLE));
	case ZF_KERNEL_STACK:  return zone_stat(zone, NR_ZONE_KERNEL_STACK_KB);
	case ZF_PAGETABLES:    return K(zone_stat(zone, NR_ZONE_PAGETABLE));
	case ZF_BOUNCE:        return K(zone_stat(zone, NR_BOUNCE));
	case ZF_FREE_PCP:      return K(zone_pcp_count(pgdat, zone));
	case ZF_LOCAL_PCP:
		return (unsigned)K(local > 0 ? (unsigned long)local : 0);
	case ZF_FREE_CMA:      return K(zone_stat(zone, NR_FREE_CMA_PAGES));
	}
	return 0;
}

static void show_zone_line(struct sbuf *sb, struct pglist_data *pgdat,
			   struct zone *zone, unsigned cpu)
{
	show_node(sb, pgdat);
	sb_puts(sb, zone->name);
	for_each_printed(f, zone_line_fields, nr_zone_line_fields, pgdat->kv)
		sb_printf(sb, " %s%lu%s", f->name,
			  zone_field_value(pgdat, zone, f->field, cpu), f->unit);
	sb_puts(sb, "\n");

	sb_puts(sb, "lowmem_reserve[]:");
	for (unsigned i = 0; i < pgdat->nr_zones; i++)
		sb_printf(sb, " %ld", zone->lowmem_reserve[i]);
	sb_puts(sb, "\n");
}

/* show_swap_cache_info() (CONFIG_SWAP); the stats line went in 6.0 */
static void show_swap_cache_info(struct sbuf *sb, struct pglist_data *pgdat)
{
	sb_printf(sb, "%ld pages in swap cache\n", pgdat->nr_swap_cache);
	if (!kver_has(pgdat->kv, KF_NO_SWAP_CACHE_STATS))
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
	if (kver_has(pgdat->kv, KF_SHOW_MEM_ZONE_FILTER)) {
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
	if (node_shown || !kver_has(pgdat->kv, KF_SHOW_MEM_ZONE_FILTER))
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
