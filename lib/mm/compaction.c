/* Direct compaction (mm/compaction.c, in spirit): look for an aligned
 * range of 2^order frames, from the start of the zone up, whose allocated
 * blocks are all movable, and migrate them to free frames taken from the
 * end of the zone until the range is one free block.
 *
 * Movable means the frames' contents can change place without the program
 * noticing: vm-area frames (PG_charged: their bytes live in another
 * mapping, only bookkeeping moves) and user pages (PG_lru).  Slab, kmalloc
 * and other kernel-API blocks never move, so one of them inside a range
 * rules the range out.
 */
#include "config.h"

#include <string.h>

#include "mm/deferred.h"
#include "mm/page_alloc.h"
#include "mm/internal.h"

static bool block_movable(const struct page *page)
{
	return (page->flags & PG_head) && (page->flags & (PG_charged | PG_lru)) &&
	       !(page->flags & PG_slab);
}

/* May a request with these flags use a free block on [pfn, +2^order)? */
static bool range_usable(struct pglist_data *pgdat, unsigned long pfn,
			 unsigned order, unsigned alloc_flags)
{
	unsigned long step = pageblock_nr_pages(pgdat);
	unsigned long end = pfn + (1UL << order);

	for (unsigned long p = pfn; p < end; p += step) {
		int mt = get_pageblock_migratetype(pgdat, p);
		if (mt == MIGRATE_ISOLATE || mt == MIGRATE_HIGHATOMIC)
			return false;
		if (mt == MIGRATE_CMA && !(alloc_flags & ALLOC_CMA))
			return false;
		if (order < pgdat->pageblock_order)
			break;
	}
	return true;
}

/* __compact_finished(): a free block of the order on a list the request
 * may take from (its own, a fallback, or CMA with ALLOC_CMA). */
static bool have_free_block(struct zone *zone, unsigned order,
			    unsigned alloc_flags)
{
	for (unsigned o = order; o < zone->zone_pgdat->nr_page_orders; o++) {
		const struct free_area *area = &zone->free_area[o];
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
			if (area->free_list[mt] != PFN_NIL)
				return true;
		}
		if ((alloc_flags & ALLOC_CMA) &&
		    area->free_list[MIGRATE_CMA] != PFN_NIL)
			return true;
	}
	return false;
}

/* isolate_migratepages_block() in one question: can every allocated block
 * of [start, +2^order) move?  Returns the pages to migrate, or -1. */
static long range_movable_pages(struct zone *zone, unsigned long start,
				unsigned order)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	unsigned long end = start + (1UL << order);
	long need = 0;

	for (unsigned long pfn = start; pfn < end;) {
		struct page *page = pfn_to_page(pgdat, pfn);
		if (page->flags & PG_buddy) {
			pfn += 1UL << page->order;
		} else if (block_movable(page) && page->order <= order) {
			need += 1L << page->order;
			pfn += 1UL << page->order;
		} else {
			return -1;
		}
	}
	return need;
}

/* suitable_migration_target(): free pages in movable or CMA pageblocks. */
static bool target_pageblock(struct pglist_data *pgdat, unsigned long pfn)
{
	int mt = get_pageblock_migratetype(pgdat, pfn);
	return mt == MIGRATE_MOVABLE || mt == MIGRATE_CMA;
}

/* isolate_freepages(): from the last pageblock down, the highest free
 * block of at least `order` outside [avoid, avoid_end). */
static unsigned long find_target(struct zone *zone, unsigned order,
				 unsigned long avoid, unsigned long avoid_end)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	unsigned long step = pageblock_nr_pages(pgdat);
	unsigned long zstart = zone->zone_start_pfn;
	unsigned long zend = zstart + zone->spanned_pages;
	unsigned long block = (zend - 1) & ~(step - 1);

	for (;;) {
		unsigned long from = block < zstart ? zstart : block;
		unsigned long to = block + step < zend ? block + step : zend;
		unsigned long found = PFN_NIL;

		if (target_pageblock(pgdat, from)) {
			for (unsigned long pfn = from; pfn < to;) {
				struct page *page = pfn_to_page(pgdat, pfn);
				unsigned long n = (page->flags & (PG_buddy | PG_pcp | PG_head)) ?
						  1UL << page->order : 1;
				if ((page->flags & PG_buddy) && page->order >= order &&
				    (pfn + n <= avoid || pfn >= avoid_end))
					found = pfn;
				pfn += n;
			}
		}
		if (found != PFN_NIL)
			return found;
		if (block <= zstart)
			return PFN_NIL;
		block -= step;
	}
}

/* migrate_pages() for one block: bookkeeping, bytes, owner. */
static void move_block(struct zone *zone, unsigned long from, unsigned long to,
		       unsigned order)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	struct page *src = pfn_to_page(pgdat, from);
	struct page *dst = pfn_to_page(pgdat, to);
	unsigned long n = 1UL << order;

	prep_new_block(zone, to, order);
	dst->private = src->private;
	dst->owner = src->owner;
	dst->freelist = src->freelist;
	for (unsigned long i = 0; i < n; i++)
		dst[i].flags = src[i].flags;
	if (pgdat->arena && !(src->flags & PG_charged))
		memcpy(pgdat->arena + (to << pgdat->page_shift),
		       pgdat->arena + (from << pgdat->page_shift),
		       n << pgdat->page_shift);
	if (pgdat->migrate_page)
		pgdat->migrate_page(src->owner, from, to, order);

	clear_block(zone, from, order);
	__free_one_page(zone, from, order,
			get_pageblock_migratetype(pgdat, from), false);
}

/* Move the allocated block [pfn, +2^k) into the free block at target,
 * keeping its low 2^k frames and returning the rest (expand()). */
static void migrate_to(struct zone *zone, unsigned long pfn, unsigned k,
		       unsigned long target)
{
	struct page *t = pfn_to_page(zone->zone_pgdat, target);
	unsigned t_order = t->order;
	int t_mt = t->mt;

	del_page_from_free_list(zone, target);
	for (unsigned o = t_order; o > k; o--)
		add_to_free_list(zone, target + (1UL << (o - 1)), o - 1, t_mt,
				 false);
	move_block(zone, pfn, target, k);
}

/* Empty [start, +2^order): true when it became one free block. */
static bool compact_range(struct zone *zone, unsigned long start,
			  unsigned order)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	unsigned long end = start + (1UL << order);

	for (unsigned long pfn = start; pfn < end;) {
		struct page *page = pfn_to_page(pgdat, pfn);
		unsigned k = page->order;

		if (!block_movable(page)) {
			pfn += (page->flags & PG_buddy) ? 1UL << k : 1;
			continue;
		}
		unsigned long target = find_target(zone, k, start, end);
		if (target == PFN_NIL)
			return false;
		migrate_to(zone, pfn, k, target);
		pfn += 1UL << k;
	}
	struct page *head = pfn_to_page(pgdat, start);
	return (head->flags & PG_buddy) && head->order >= order;
}

/* `mt` needs no test of its own: any request may take a block from a
 * movable, unmovable or reclaimable pageblock (directly or through
 * fallbacks[]); CMA needs ALLOC_CMA and the highatomic reserve is left alone. */
bool try_compact_zone(struct zone *zone, unsigned order, int mt,
		      unsigned alloc_flags)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	unsigned long size = 1UL << order;
	unsigned long zstart = zone->zone_start_pfn;
	unsigned long zend = zstart + zone->spanned_pages;
	bool done = false;

	if (!zone_populated(zone) || order >= pgdat->nr_page_orders)
		return false;
	pthread_mutex_lock(&zone->lock);
	if (have_free_block(zone, order, alloc_flags)) {
		done = true;
		goto out;
	}
	/* the scanners read mem_map (deferred blocks would have been a free
	 * block above, so this writes nothing in practice) */
	zone_undefer(zone);
	long free = zone->vm_stat[NR_FREE_PAGES];
	for (unsigned long start = (zstart + size - 1) & ~(size - 1);
	     start + size <= zend; start += size) {
		/* the reserved prefix never moves: a range holding any of
		 * it holds its first frame */
		if (pfn_reserved(pgdat, start) ||
		    !range_usable(pgdat, start, order, alloc_flags))
			continue;
		long need = range_movable_pages(zone, start, order);
		/* the pages to move must fit in the free pages outside */
		if (need < 0 || need > free - ((long)size - need))
			continue;
		if (compact_range(zone, start, order)) {
			done = true;
			break;
		}
	}
out:
	pthread_mutex_unlock(&zone->lock);
	return done;
}

/* The free scanner of a whole-zone compaction: it starts at the zone's
 * last pageblock and only moves down, one pageblock at a time, as
 * isolate_freepages() does. */
struct free_scanner {
	unsigned long block;            /* first pfn of the pageblock scanned */
};

/* A free block of at least `order` in a migration-target pageblock at or
 * above `floor` (the migration scanner's next pageblock); PFN_NIL when the
 * scanners have met. */
static unsigned long free_scanner_next(struct zone *zone, struct free_scanner *fs,
				       unsigned order, unsigned long floor)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	unsigned long step = pageblock_nr_pages(pgdat);
	unsigned long zstart = zone->zone_start_pfn;
	unsigned long zend = zstart + zone->spanned_pages;

	while (fs->block >= floor) {
		unsigned long from = fs->block < zstart ? zstart : fs->block;
		unsigned long to = fs->block + step < zend ? fs->block + step : zend;
		if (target_pageblock(pgdat, from)) {
			for (unsigned long pfn = from; pfn < to;) {
				struct page *page = pfn_to_page(pgdat, pfn);
				if ((page->flags & PG_buddy) && page->order >= order)
					return pfn;
				pfn += (page->flags & (PG_buddy | PG_pcp | PG_head)) ?
				       1UL << page->order : 1;
			}
		}
		if (fs->block < step || fs->block <= zstart)
			break;
		fs->block -= step;
	}
	return PFN_NIL;
}

/* compact_zone() with cc->order = -1 (compact_node()): the migration
 * scanner walks up from the zone start moving every movable block into
 * free frames the free scanner finds from the zone end, until they meet. */
static unsigned long compact_zone_full(struct zone *zone)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	unsigned long step = pageblock_nr_pages(pgdat);
	unsigned long zstart = zone->zone_start_pfn;
	unsigned long zend = zstart + zone->spanned_pages;
	struct free_scanner fs = { (zend - 1) & ~(step - 1) };
	unsigned long moved = 0;

	pthread_mutex_lock(&zone->lock);
	/* both scanners read mem_map: write the deferred boot blocks first */
	zone_undefer(zone);
	/* the migration scanner starts after the reserved prefix, which
	 * never moves and holds nothing in mem_map */
	for (unsigned long pfn = zstart + zone->reserved_pages; pfn < zend;) {
		struct page *page = pfn_to_page(pgdat, pfn);
		if (!block_movable(page)) {
			pfn += (page->flags & PG_buddy) ? 1UL << page->order : 1;
			continue;
		}
		unsigned k = page->order;
		unsigned long next_block = (pfn | (step - 1)) + 1;
		unsigned long target = free_scanner_next(zone, &fs, k, next_block);
		if (target == PFN_NIL)
			break;
		migrate_to(zone, pfn, k, target);
		moved += 1UL << k;
		pfn += 1UL << k;
	}
	pthread_mutex_unlock(&zone->lock);
	return moved;
}

unsigned long compact_node(struct pglist_data *pgdat)
{
	unsigned long moved = 0;

	for (unsigned i = 0; i < pgdat->nr_zones; i++)
		if (zone_populated(&pgdat->node_zones[i]))
			moved += compact_zone_full(&pgdat->node_zones[i]);
	return moved;
}
