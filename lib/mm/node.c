/* Booting a node from a machine description: mem_map, zones, pageblock
 * migratetypes, CMA areas, then every managed frame released into the
 * buddy and the watermarks computed, as free_area_init() + memmap_init() +
 * memblock_free_all() + cma_init_reserved_areas() + init_per_zone_wmark_min()
 * leave a freshly booted kernel.
 *
 * The work is per zone and per pageblock, not per frame: mem_map starts
 * all zero ("untouched", mmzone.h); only the heads of released blocks are
 * written, the boot-reserved frames are a count per zone (pfn_reserved()),
 * and the max-order blocks of the release stay untouched until the
 * allocator takes them (deferred.c).  The pageblock migratetypes are
 * simply written: one byte per pageblock, 8 KiB for 16 GiB of 4K pages,
 * too little to be worth an encoding that would make MIGRATE_MOVABLE the
 * array's zero.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "abi/kver_rules.h"
#include "mm/deferred.h"
#include "machine/machine.h"
#include "mm/node.h"
#include "mm/page_alloc.h"
#include "base/prim.h"
#include "mm/internal.h"

static size_t map_len(size_t bytes)
{
	size_t pg = prim_page_size();
	return (bytes + pg - 1) & ~(pg - 1);
}

static size_t pageblock_count(const struct pglist_data *pgdat)
{
	unsigned long first = pgdat->node_start_pfn >> pgdat->pageblock_order;
	unsigned long end = pgdat->node_start_pfn + pgdat->node_spanned_pages;
	unsigned long last = (end + pageblock_nr_pages(pgdat) - 1) >>
			     pgdat->pageblock_order;
	return last - first;
}

static void init_zone_lists(struct zone *zone, unsigned nr_cpus)
{
	for (unsigned o = 0; o < MAX_PAGE_ORDERS; o++) {
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			zone->free_area[o].free_list[mt] = PFN_NIL;
	}
	pthread_mutex_init(&zone->lock, NULL);
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		struct per_cpu_pages *pcp = &zone->pcp[cpu];
		for (size_t i = 0; i < sizeof(pcp->lists) / sizeof(pcp->lists[0]); i++)
			pcp->lists[i] = PFN_NIL;
		pthread_mutex_init(&pcp->lock, NULL);
	}
}

/* free_area_init_core() + memmap_init_zone(): spans, present, managed;
 * the boot-reserved frames are the zone's first reserved_pages (nothing
 * is written for them), every pageblock starts MIGRATE_MOVABLE. */
static void init_zone(struct pglist_data *pgdat, unsigned idx,
		      const struct zone_desc *zd)
{
	struct zone *zone = &pgdat->node_zones[idx];
	unsigned shift = pgdat->page_shift;

	zone->name = zone_type_names[zd->type];
	zone->type = zd->type;
	zone->idx = idx;
	zone->zone_pgdat = pgdat;
	zone->zone_start_pfn = zd->start >> shift;
	zone->spanned_pages = zd->size >> shift;
	zone->present_pages = zone->spanned_pages;
	unsigned long reserved = (zd->reserved + (1UL << shift) - 1) >> shift;
	if (reserved > zone->present_pages)
		reserved = zone->present_pages;
	zone->managed_pages = zone->present_pages - reserved;
	zone->reserved_pages = reserved;
	init_zone_lists(zone, pgdat->nr_cpus);

	unsigned long start = zone->zone_start_pfn;
	unsigned long end = start + zone->spanned_pages;
	for (unsigned long pfn = start; pfn < end;
	     pfn = (pfn | (pageblock_nr_pages(pgdat) - 1)) + 1)
		set_pageblock_migratetype(pgdat, pfn, MIGRATE_MOVABLE);
}

/* The managed frames: after the reserved ones at the start of the zone. */
static unsigned long managed_start(const struct zone *zone)
{
	return zone->zone_start_pfn + zone->reserved_pages;
}

static struct zone *zone_of_range(struct pglist_data *pgdat,
				  unsigned long start, unsigned long end)
{
	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		struct zone *z = &pgdat->node_zones[i];
		if (start >= z->zone_start_pfn &&
		    end <= z->zone_start_pfn + z->spanned_pages)
			return z;
	}
	return NULL;
}

/* cma_init_reserved_mem() + cma_activate_area(): the area's pageblocks
 * become MIGRATE_CMA; its frames are managed but held back from the boot
 * release (memblock keeps them reserved until the area is activated). */
static int init_cma_area(struct pglist_data *pgdat, const struct cma_desc *cd,
			 struct gfp_error *err)
{
	unsigned long start = cd->base >> pgdat->page_shift;
	unsigned long end = start + (cd->size >> pgdat->page_shift);
	struct zone *zone = zone_of_range(pgdat, start, end);

	if (!zone) {
		snprintf(err->msg, sizeof(err->msg),
			 "cma area \"%s\": pfns %#lx-%#lx do not lie inside one zone",
			 cd->name, start, end);
		return -1;
	}
	for (unsigned long pfn = start; pfn < end; pfn += pageblock_nr_pages(pgdat))
		set_pageblock_migratetype(pgdat, pfn, MIGRATE_CMA);
	/* the area's frames that are not reserved at the zone start */
	unsigned long from = start > managed_start(zone) ? start : managed_start(zone);
	if (end > from)
		zone->cma_pages += end - from;
	return 0;
}

static bool pfn_in_cma(const struct pglist_data *pgdat, unsigned long pfn)
{
	return get_pageblock_migratetype(pgdat, pfn) == MIGRATE_CMA;
}

/* __free_pages_memory(): release [start, end) in the largest naturally
 * aligned blocks, each with its pageblock's migratetype.  Max-order
 * MIGRATE_MOVABLE blocks are deferred: counted free, left untouched. */
static void release_range(struct zone *zone, unsigned long start,
			  unsigned long end)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	unsigned max_order = pgdat->nr_page_orders - 1;

	while (start < end) {
		unsigned order = max_order;
		if (start && (unsigned)__builtin_ctzl(start) < order)
			order = (unsigned)__builtin_ctzl(start);
		while (start + (1UL << order) > end)
			order--;
		int mt = get_pageblock_migratetype(pgdat, start);
		if (order == max_order && mt == MIGRATE_MOVABLE)
			deferred_add_boot_block(zone, start);
		else
			free_pages_core(zone, start, order, mt);
		start += 1UL << order;
	}
}

/* memblock_free_all() gives every managed non-CMA frame to the buddy in
 * ascending pfn order; the CMA areas follow when they are activated.
 * CMA-ness changes only at pageblock boundaries, so the runs are found a
 * pageblock at a time. */
/* The first deferred block goes on its free list as the frontier (the
 * MIGRATE_MOVABLE list of the zone's max order); the rest stay counted. */
static void start_deferred(struct zone *zone)
{
	unsigned long pfn;

	if (!deferred_take_first(zone, &pfn))
		return;
	add_to_free_list(zone, pfn, zone->zone_pgdat->nr_page_orders - 1,
			 MIGRATE_MOVABLE, false);
	deferred_start(zone, pfn);
}

static void release_managed(struct pglist_data *pgdat)
{
	unsigned long pb = pageblock_nr_pages(pgdat);

	for (int pass_cma = 0; pass_cma <= 1; pass_cma++) {
		for (unsigned i = 0; i < pgdat->nr_zones; i++) {
			struct zone *z = &pgdat->node_zones[i];
			unsigned long pfn = managed_start(z);
			unsigned long end = z->zone_start_pfn + z->spanned_pages;

			pthread_mutex_lock(&z->lock);
			while (pfn < end) {
				unsigned long run = pfn;
				bool cma = pfn_in_cma(pgdat, pfn);
				while (run < end && pfn_in_cma(pgdat, run) == cma)
					run = (run | (pb - 1)) + 1;
				if (run > end)
					run = end;
				if (cma == pass_cma)
					release_range(z, pfn, run);
				pfn = run;
			}
			if (!pass_cma)
				start_deferred(z);
			pthread_mutex_unlock(&z->lock);
		}
	}
}

int node_init(struct pglist_data *pgdat, const struct machine_desc *d,
	      char *arena, struct gfp_error *err)
{
	memset(pgdat, 0, sizeof(*pgdat));
	pgdat->kv = d->kernel;
	pgdat->desc = d;
	pgdat->arena = arena;
	pgdat->page_shift = d->page_shift;
	pgdat->nr_page_orders = machine_nr_page_orders(d);
	pgdat->pageblock_order = machine_pageblock_order(d);
	pgdat->nr_cpus = d->nr_cpus ? d->nr_cpus : 1;
	pgdat->numa = d->numa;
	pgdat->nr_zones = d->nr_zones;
	pgdat->min_free_kbytes = d->min_free_kbytes;
	pgdat->watermark_scale_factor = d->watermark_scale_factor ?
					d->watermark_scale_factor : 10;
	pgdat->watermark_boost_factor = kver_has(d->kernel, KF_WATERMARK_BOOST) ?
					d->watermark_boost_factor : 0;

	if (pgdat->nr_cpus > MAX_NR_CPUS || pgdat->nr_page_orders > MAX_PAGE_ORDERS ||
	    pgdat->pageblock_order >= pgdat->nr_page_orders) {
		snprintf(err->msg, sizeof(err->msg),
			 "machine \"%s\": nr_cpus %u, nr_page_orders %u, pageblock_order %u: "
			 "expected at most %u cpus, %u orders and pageblock_order < nr_page_orders",
			 d->name, pgdat->nr_cpus, pgdat->nr_page_orders,
			 pgdat->pageblock_order, MAX_NR_CPUS, MAX_PAGE_ORDERS);
		return -1;
	}

	unsigned long start = ~0UL, end = 0;
	for (unsigned i = 0; i < d->nr_zones; i++) {
		unsigned long zs = d->zones[i].start >> d->page_shift;
		unsigned long ze = zs + (d->zones[i].size >> d->page_shift);
		if (zs == ze)
			continue;
		if (zs < start)
			start = zs;
		if (ze > end)
			end = ze;
	}
	if (start >= end) {
		snprintf(err->msg, sizeof(err->msg),
			 "machine \"%s\": no zone has memory; expected at least one zone with a size",
			 d->name);
		return -1;
	}
	pgdat->node_start_pfn = start;
	pgdat->node_spanned_pages = end - start;

	size_t mm_len = map_len(pgdat->node_spanned_pages * sizeof(struct page));
	size_t pb_len = map_len(pageblock_count(pgdat));
	pgdat->mem_map = prim_map(mm_len);
	pgdat->pageblock_mt = prim_map(pb_len);
	if (!pgdat->mem_map || !pgdat->pageblock_mt) {
		snprintf(err->msg, sizeof(err->msg),
			 "machine \"%s\": cannot map metadata for %lu frames (%zu bytes)",
			 d->name, pgdat->node_spanned_pages, mm_len + pb_len);
		node_destroy(pgdat);
		return -1;
	}
	/* mem_map is untouched: frames in holes between zones stay so */
	for (unsigned i = 0; i < d->nr_zones; i++)
		init_zone(pgdat, i, &d->zones[i]);
	for (unsigned i = 0; i < d->nr_cma; i++) {
		if (init_cma_area(pgdat, &d->cma[i], err)) {
			node_destroy(pgdat);
			return -1;
		}
	}
	for (unsigned i = 0; i < d->nr_zones; i++)
		pgdat->totalcma_pages += pgdat->node_zones[i].cma_pages;

	release_managed(pgdat);
	node_setup_watermarks(pgdat);
	return 0;
}

void node_destroy(struct pglist_data *pgdat)
{
	if (pgdat->mem_map) {
		for (unsigned i = 0; i < pgdat->nr_zones; i++) {
			struct zone *z = &pgdat->node_zones[i];
			pthread_mutex_destroy(&z->lock);
			for (unsigned cpu = 0; cpu < pgdat->nr_cpus; cpu++)
				pthread_mutex_destroy(&z->pcp[cpu].lock);
		}
		prim_unmap(pgdat->mem_map,
			   map_len(pgdat->node_spanned_pages * sizeof(struct page)));
	}
	if (pgdat->pageblock_mt)
		prim_unmap(pgdat->pageblock_mt, map_len(pageblock_count(pgdat)));
	pgdat->mem_map = NULL;
	pgdat->pageblock_mt = NULL;
}
