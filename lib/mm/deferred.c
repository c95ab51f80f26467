/* Deferred struct page init, kept exact.  A kernel built with
 * CONFIG_DEFERRED_STRUCT_PAGE_INIT initialises most struct pages after
 * boot; here the max-order blocks of the boot release are never written
 * until the allocator takes them, one by one, in the order the free list
 * would hand them out — so a 16 GiB node boots without touching its
 * 128 MiB mem_map, and every count, list order and report stays what a
 * fully written boot gives.
 */
#include "config.h"

#include "abi/kver_rules.h"
#include "mm/deferred.h"
#include "mm/page_alloc.h"
#include "mm/internal.h"

static unsigned max_order(const struct zone *zone)
{
	return zone->zone_pgdat->nr_page_orders - 1;
}

static unsigned long block_pages(const struct zone *zone)
{
	return 1UL << max_order(zone);
}

/* CMA blocks are released onto the CMA lists, never deferred. */
static bool block_has_cma(const struct zone *zone, unsigned long pfn)
{
	const struct pglist_data *pgdat = zone->zone_pgdat;
	unsigned long step = pageblock_nr_pages(pgdat);

	for (unsigned long p = pfn; p < pfn + block_pages(zone); p += step)
		if (get_pageblock_migratetype(pgdat, p) == MIGRATE_CMA)
			return true;
	return false;
}

void deferred_add_boot_block(struct zone *zone, unsigned long pfn)
{
	struct deferred_blocks *db = &zone->deferred;

	if (!db->nr) {
		db->lo = pfn;
		db->descending = !kver_has(zone->zone_pgdat->kv, KF_FREE_TO_TAIL);
	}
	db->hi = pfn + block_pages(zone);
	db->nr++;
}

/* The next untouched block in list order, taken out of [lo, hi). */
static unsigned long take_next(struct zone *zone)
{
	struct deferred_blocks *db = &zone->deferred;
	unsigned long n = block_pages(zone);
	unsigned long pfn;

	if (db->descending) {
		pfn = db->hi - n;
		while (block_has_cma(zone, pfn))
			pfn -= n;
		db->hi = pfn;
	} else {
		pfn = db->lo;
		while (block_has_cma(zone, pfn))
			pfn += n;
		db->lo = pfn + n;
	}
	if (--db->nr == 0)
		db->lo = db->hi;
	return pfn;
}

/* Write the block's head as add_to_free_list() would, without counting
 * it: it was counted free at boot. */
static void write_head(struct zone *zone, unsigned long pfn)
{
	struct page *page = pfn_to_page(zone->zone_pgdat, pfn);

	page->flags = PG_buddy;
	page->order = (uint8_t)max_order(zone);
	page->mt = MIGRATE_MOVABLE;
}

static void link_after(struct pglist_data *pgdat, unsigned long pos,
		       unsigned long pfn)
{
	struct page *at = pfn_to_page(pgdat, pos);
	struct page *page = pfn_to_page(pgdat, pfn);

	page->prev = (uint32_t)pos;
	page->next = at->next;
	pfn_to_page(pgdat, at->next)->prev = (uint32_t)pfn;
	at->next = (uint32_t)pfn;
}

bool deferred_take_first(struct zone *zone, unsigned long *pfn)
{
	if (!zone->deferred.nr)
		return false;
	*pfn = take_next(zone);
	return true;
}

void deferred_start(struct zone *zone, unsigned long frontier)
{
	struct deferred_blocks *db = &zone->deferred;
	unsigned o = max_order(zone);
	struct free_area *area = &zone->free_area[o];

	db->frontier = frontier;
	db->active = true;
	area->nr_free += db->nr;
	area->nr_free_mt[MIGRATE_MOVABLE] += db->nr;
	zone->vm_stat[NR_FREE_PAGES] += (long)(db->nr << o);
}

void deferred_advance(struct zone *zone)
{
	struct deferred_blocks *db = &zone->deferred;

	if (!db->nr) {
		db->active = false;
		return;
	}
	unsigned long pfn = take_next(zone);
	write_head(zone, pfn);
	link_after(zone->zone_pgdat, db->frontier, pfn);
	db->frontier = pfn;
}

bool pfn_deferred(const struct zone *zone, unsigned long pfn)
{
	const struct deferred_blocks *db = &zone->deferred;

	if (!db->nr || pfn < db->lo || pfn >= db->hi)
		return false;
	return !block_has_cma(zone, pfn & ~(block_pages(zone) - 1));
}

void zone_undefer(struct zone *zone)
{
	struct deferred_blocks *db = &zone->deferred;
	unsigned long pos = db->frontier;

	if (!db->active)
		return;
	while (db->nr) {
		unsigned long pfn = take_next(zone);
		write_head(zone, pfn);
		link_after(zone->zone_pgdat, pos, pfn);
		pos = pfn;
	}
	db->active = false;
}

void deferred_forget(struct zone *zone)
{
	struct deferred_blocks *db = &zone->deferred;

	db->lo = db->hi = db->nr = 0;
	db->frontier = 0;
	db->active = false;
	db->descending = false;
}
