/* The buddy allocator of one zone (mm/page_alloc.c): free lists, split and
 * merge, the fallbacks[] table and pageblock stealing and CMA use — each
 * as the node's kernel version does it (the highatomic reserve:
 * highatomic.c).
 *
 * Four shapes of the fallback path exist:
 *   < 4.13          __rmqueue_fallback() takes the largest fallback block
 *                   and expands it onto the requested type's lists;
 *   4.13 – 6.9      it steals onto the requested lists (whole pageblock or
 *                   one block) and __rmqueue() retries; movable requests
 *                   that cannot claim a block take the smallest one;
 *   6.10 – 6.12.28  steal_suitable_fallback() returns the page; a block it
 *                   cannot claim stays on the fallback type's lists;
 *   6.12.29+        __rmqueue_claim() then __rmqueue_steal() (6.15's
 *                   rmqueue_mode, backported to 6.12.y).
 */
#include "config.h"

#include <string.h>

#include "abi/kver_rules.h"
#include "mm/deferred.h"
#include "mm/page_alloc.h"
#include "mm/internal.h"

static bool kv_claim_steal(kver_t kv)
{
	return kver_has(kv, KF_RMQUEUE_CLAIM_STEAL);
}

/* ---- free lists ------------------------------------------------------ */

/* account_freepages(): isolated pages are not free memory. */
static void account_freepages(struct zone *zone, long nr, int mt)
{
	if (mt == MIGRATE_ISOLATE)
		return;
	zone->vm_stat[NR_FREE_PAGES] += nr;
	if (mt == MIGRATE_CMA)
		zone->vm_stat[NR_FREE_CMA_PAGES] += nr;
	else if (mt == MIGRATE_HIGHATOMIC)
		zone->nr_free_highatomic += (unsigned long)nr;
}

void add_to_free_list(struct zone *zone, unsigned long pfn, unsigned order,
		      int mt, bool tail)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	struct page *page = pfn_to_page(pgdat, pfn);
	struct free_area *area = &zone->free_area[order];

	page->flags = PG_buddy;
	page->order = (uint8_t)order;
	page->mt = (uint8_t)mt;
	pfn_list_add(pgdat, &area->free_list[mt], pfn, tail);
	area->nr_free++;
	area->nr_free_mt[mt]++;
	account_freepages(zone, 1L << order, mt);
}

void del_page_from_free_list(struct zone *zone, unsigned long pfn)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	struct page *page = pfn_to_page(pgdat, pfn);
	struct free_area *area = &zone->free_area[page->order];

	if (zone->deferred.active && pfn == zone->deferred.frontier)
		deferred_advance(zone);
	pfn_list_del(pgdat, &area->free_list[page->mt], pfn);
	area->nr_free--;
	area->nr_free_mt[page->mt]--;
	page->flags &= (uint8_t)~PG_buddy;
	account_freepages(zone, -(1L << page->order), page->mt);
}

/* move_to_free_list(): list_move() until 5.9, list_move_tail() from 5.10. */
void move_to_free_list(struct zone *zone, unsigned long pfn, int mt)
{
	struct page *page = pfn_to_page(zone->zone_pgdat, pfn);
	unsigned order = page->order;

	del_page_from_free_list(zone, pfn);
	add_to_free_list(zone, pfn, order, mt, kver_has(zkv(zone), KF_FREE_TO_TAIL));
}

/* expand(): split [pfn, +2^high) down to 2^low, returning the upper halves
 * to the head of their lists. */
static void expand(struct zone *zone, unsigned long pfn, unsigned low,
		   unsigned high, int mt)
{
	while (high > low) {
		high--;
		add_to_free_list(zone, pfn + (1UL << high), high, mt, false);
	}
}

void prep_new_block(struct zone *zone, unsigned long pfn, unsigned order)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	struct page *page = pfn_to_page(pgdat, pfn);

	page->flags = PG_head;
	page->order = (uint8_t)order;
	page->next = page->prev = PFN_NIL;
	page->private = 0;
	page->owner = NULL;
	page->freelist = NULL;
	for (unsigned long i = 1; i < (1UL << order); i++)
		page[i].flags = PG_tail;
}

void clear_block(struct zone *zone, unsigned long pfn, unsigned order)
{
	struct page *page = pfn_to_page(zone->zone_pgdat, pfn);

	page->private = 0;
	page->owner = NULL;
	page->freelist = NULL;
	for (unsigned long i = 0; i < (1UL << order); i++)
		page[i].flags = 0;
}

void change_pageblock_range(struct zone *zone, unsigned long pfn,
			    unsigned order, int mt)
{
	unsigned long nr = 1UL << (order - pb_order(zone));

	for (unsigned long i = 0; i < nr; i++)
		set_pageblock_migratetype(zone->zone_pgdat,
					  pfn + i * pb_pages(zone), mt);
}

/* ---- allocation ------------------------------------------------------ */

/* __rmqueue_smallest(): the first block of the smallest order ≥ order. */
static unsigned long rmqueue_smallest_locked(struct zone *zone, unsigned order,
					     int mt)
{
	struct pglist_data *pgdat = zone->zone_pgdat;

	for (unsigned o = order; o < pgdat->nr_page_orders; o++) {
		uint32_t pfn = zone->free_area[o].free_list[mt];
		if (pfn == PFN_NIL)
			continue;
		del_page_from_free_list(zone, pfn);
		expand(zone, pfn, order, o, mt);
		pfn_to_page(pgdat, pfn)->mt = (uint8_t)mt;
		return pfn;
	}
	return PFN_NIL;
}

/* fallbacks[]: the same three rows from 4.4 to 6.12; HIGHATOMIC, CMA and
 * ISOLATE are never stolen from. */
static const int fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE]   = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE]     = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE,   MIGRATE_MOVABLE },
};

/* can_steal_fallback(): whole pageblocks go to unmovable and reclaimable
 * requests, and to movable ones from pageblock_order / 2 up. */
static bool can_steal_fallback(const struct zone *zone, unsigned order,
			       int start_mt)
{
	return order >= pb_order(zone) / 2 ||
	       start_mt == MIGRATE_RECLAIMABLE || start_mt == MIGRATE_UNMOVABLE;
}

/* find_suitable_fallback(): the first non-empty fallback list at `order`;
 * -1 when none; with only_claimable, -2 when one exists but the block
 * could not be claimed. */
static int find_suitable_fallback(const struct zone *zone, unsigned order,
				  int start_mt, bool only_claimable,
				  bool *can_steal)
{
	const struct free_area *area = &zone->free_area[order];

	*can_steal = false;
	if (start_mt >= MIGRATE_PCPTYPES || !area->nr_free)
		return -1;
	for (int i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
		int fmt = fallbacks[start_mt][i];
		if (area->free_list[fmt] == PFN_NIL)
			continue;
		*can_steal = can_steal_fallback(zone, order, start_mt);
		if (!only_claimable || *can_steal)
			return fmt;
		return -2;
	}
	return -1;
}

static bool page_is_movable(const struct page *page)
{
	return (page->flags & (PG_charged | PG_lru)) && !(page->flags & PG_slab);
}

/* Count the free and movable pages of [start, end) (move_freepages()'s
 * num_movable, 6.10's prep_move_freepages_block()). */
static void count_block(struct zone *zone, unsigned long start,
			unsigned long end, long *free, long *movable)
{
	struct pglist_data *pgdat = zone->zone_pgdat;

	*free = *movable = 0;
	for (unsigned long pfn = start; pfn < end;) {
		struct page *page = pfn_to_page(pgdat, pfn);
		if (page->flags & PG_buddy) {
			*free += 1L << page->order;
			pfn += 1UL << page->order;
		} else if (page->flags & PG_head) {
			if (page_is_movable(page))
				*movable += 1L << page->order;
			pfn += 1UL << page->order;
		} else {
			pfn++;
		}
	}
}

/* move_freepages(): every free block of [start, end) onto mt's lists. */
static long move_freepages(struct zone *zone, unsigned long start,
			   unsigned long end, int mt)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	long moved = 0;

	for (unsigned long pfn = start; pfn < end;) {
		struct page *page = pfn_to_page(pgdat, pfn);
		if (!(page->flags & PG_buddy)) {
			pfn++;
			continue;
		}
		unsigned order = page->order;
		move_to_free_list(zone, pfn, mt);
		moved += 1L << order;
		pfn += 1UL << order;
	}
	return moved;
}

/* The pageblock around pfn as [*start, *end); false when it does not lie
 * in the zone.  Before 6.10 a block starting below the zone starts at pfn
 * instead (move_freepages_block()); 6.10 refuses it. */
static bool pageblock_range(struct zone *zone, unsigned long pfn,
			    unsigned long *start, unsigned long *end)
{
	*start = pfn & ~(pb_pages(zone) - 1);
	*end = *start + pb_pages(zone);
	if (*start < zone->zone_start_pfn) {
		if (kver_has(zkv(zone), KF_MOVE_FREEPAGES_WHOLE_BLOCK))
			return false;
		*start = pfn;
	}
	return *end <= zone_end_pfn(zone);
}

/* move_freepages_block(): pages moved, or -1 when the block is not wholly
 * in the zone. */
long move_freepages_block(struct zone *zone, unsigned long pfn, int mt)
{
	unsigned long start, end;

	if (!pageblock_range(zone, pfn, &start, &end))
		return -1;
	return move_freepages(zone, start, end, mt);
}

/* boost_watermark() (5.0+): make kswapd reclaim harder after a fallback. */
static bool boost_watermark(struct zone *zone)
{
	unsigned long factor = zone->zone_pgdat->watermark_boost_factor;
	unsigned long high = zone->_watermark[WMARK_HIGH];

	if (!factor || pb_pages(zone) * 4 > zone->managed_pages)
		return false;
	unsigned long max_boost = (high / 10000) * factor +
				  (high % 10000) * factor / 10000;
	if (!max_boost)
		return false;
	if (max_boost < pb_pages(zone))
		max_boost = pb_pages(zone);
	zone->watermark_boost += pb_pages(zone);
	if (zone->watermark_boost > max_boost)
		zone->watermark_boost = max_boost;
	return true;
}

static void boost_after_fallback(struct zone *zone, unsigned alloc_flags)
{
	kver_t kv = zkv(zone);

	if (!kver_has(kv, KF_WATERMARK_BOOST))
		return;
	bool boosted = boost_watermark(zone);
	if ((boosted || !kver_has(kv, KF_KSWAPD_WAKE_ON_BOOST)) &&
	    (alloc_flags & ALLOC_KSWAPD))
		zone->boosted = true;
}

/* How many pages of the block count as alike for the thresholds of
 * steal_suitable_fallback() / try_to_claim_block(). */
static long alike_pages(const struct zone *zone, int start_type,
			int block_type, long free, long movable)
{
	if (start_type == MIGRATE_MOVABLE)
		return movable;
	if (block_type == MIGRATE_MOVABLE)
		return (long)pb_pages(zone) - (free + movable);
	return 0;
}

static bool claim_threshold(const struct zone *zone, long free, long alike)
{
	return free + alike >= (1L << (pb_order(zone) - 1));
}

/* 4.4–4.12 steal_suitable_fallback(): take over the pageblock when at least
 * half of it is free. */
static void steal_fallback_v4(struct zone *zone, unsigned long pfn, int start_type)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	unsigned order = pfn_to_page(pgdat, pfn)->order;

	if (order >= pb_order(zone)) {
		change_pageblock_range(zone, pfn, order, start_type);
		return;
	}
	long pages = move_freepages_block(zone, pfn, start_type);
	if (pages >= (1L << (pb_order(zone) - 1)))
		set_pageblock_migratetype(pgdat, pfn, start_type);
}

/* 4.9 __rmqueue_fallback(): the largest suitable block, expanded onto the
 * requested type's lists. */
static unsigned long rmqueue_fallback_v4(struct zone *zone, unsigned order,
					 int start_mt)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	bool can_steal;

	for (int co = (int)pgdat->nr_page_orders - 1; co >= (int)order; co--) {
		int fmt = find_suitable_fallback(zone, (unsigned)co, start_mt,
						 false, &can_steal);
		if (fmt < 0)
			continue;
		uint32_t pfn = zone->free_area[co].free_list[fmt];
		if (can_steal)
			steal_fallback_v4(zone, pfn, start_mt);
		del_page_from_free_list(zone, pfn);
		expand(zone, pfn, order, (unsigned)co, start_mt);
		pfn_to_page(pgdat, pfn)->mt = (uint8_t)start_mt;
		return pfn;
	}
	return PFN_NIL;
}

/* 4.13–6.9 steal_suitable_fallback(): claim the pageblock when enough of it
 * is free or alike, else move just this block to the requested list. */
static void steal_fallback_v5(struct zone *zone, unsigned long pfn,
			      unsigned alloc_flags, int start_type,
			      bool whole_block)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	unsigned order = pfn_to_page(pgdat, pfn)->order;
	int old_type = get_pageblock_migratetype(pgdat, pfn);

	if (old_type == MIGRATE_HIGHATOMIC)
		goto single_page;
	if (order >= pb_order(zone)) {
		change_pageblock_range(zone, pfn, order, start_type);
		goto single_page;
	}
	boost_after_fallback(zone, alloc_flags);
	if (!whole_block)
		goto single_page;

	unsigned long start, end;
	long free = 0, movable = 0;
	if (pageblock_range(zone, pfn, &start, &end)) {
		count_block(zone, start, end, &free, &movable);
		move_freepages(zone, start, end, start_type);
	}
	if (!free)
		goto single_page;
	if (claim_threshold(zone, free,
			    alike_pages(zone, start_type, old_type, free, movable)))
		set_pageblock_migratetype(pgdat, pfn, start_type);
	return;

single_page:
	move_to_free_list(zone, pfn, start_type);
}

/* 4.13–6.12.28 __rmqueue_fallback()'s search: largest first (not below
 * pageblock_order under ALLOC_NOFRAGMENT, 5.0+); a movable request that may
 * not claim the block takes the smallest suitable one instead
 * (find_smallest).  The order found, or -1 when no fallback list has a
 * block; *fmt is the list's migratetype, *can_steal whether the block may
 * be claimed. */
static int find_fallback_order(struct zone *zone, unsigned order, int start_mt,
			       unsigned alloc_flags, int *fmt, bool *can_steal)
{
	int max = (int)zone->zone_pgdat->nr_page_orders - 1;
	int min_order = (int)order;
	int co;

	if (kver_has(zkv(zone), KF_ALLOC_NOFRAGMENT) && (alloc_flags & ALLOC_NOFRAGMENT) &&
	    order < pb_order(zone))
		min_order = (int)pb_order(zone);

	for (co = max; co >= min_order; co--) {
		*fmt = find_suitable_fallback(zone, (unsigned)co, start_mt, false,
					      can_steal);
		if (*fmt < 0)
			continue;
		if (!*can_steal && start_mt == MIGRATE_MOVABLE && co > (int)order)
			goto find_smallest;
		return co;
	}
	return -1;

find_smallest:
	for (co = (int)order; co <= max; co++) {
		*fmt = find_suitable_fallback(zone, (unsigned)co, start_mt, false,
					      can_steal);
		if (*fmt >= 0)
			break;
	}
	return co;
}

/* 4.13–6.9 __rmqueue_fallback(): true when something was moved onto the
 * requested lists. */
static bool rmqueue_fallback_v5(struct zone *zone, unsigned order, int start_mt,
				unsigned alloc_flags)
{
	bool can_steal;
	int fmt;
	int co = find_fallback_order(zone, order, start_mt, alloc_flags, &fmt,
				     &can_steal);

	if (co < 0)
		return false;
	steal_fallback_v5(zone, zone->free_area[co].free_list[fmt], alloc_flags,
			  start_mt, can_steal);
	return true;
}

/* 6.10 page_del_and_expand(): take the block, split the rest onto mt. */
static unsigned long page_del_and_expand(struct zone *zone, unsigned long pfn,
					 unsigned order, unsigned high, int mt)
{
	del_page_from_free_list(zone, pfn);
	expand(zone, pfn, order, high, mt);
	pfn_to_page(zone->zone_pgdat, pfn)->mt = (uint8_t)mt;
	return pfn;
}

/* 6.10+ try_to_claim_block() / the claiming half of steal_suitable_fallback():
 * the block is taken over, or PFN_NIL. */
static unsigned long try_to_claim_block(struct zone *zone, unsigned long pfn,
					unsigned current_order, unsigned order,
					int start_type, int block_type,
					unsigned alloc_flags)
{
	struct pglist_data *pgdat = zone->zone_pgdat;

	if (current_order >= pb_order(zone)) {
		del_page_from_free_list(zone, pfn);
		change_pageblock_range(zone, pfn, current_order, start_type);
		expand(zone, pfn, order, current_order, start_type);
		pfn_to_page(pgdat, pfn)->mt = (uint8_t)start_type;
		return pfn;
	}
	boost_after_fallback(zone, alloc_flags);

	unsigned long start, end;
	long free, movable;
	if (!pageblock_range(zone, pfn, &start, &end))
		return PFN_NIL;
	count_block(zone, start, end, &free, &movable);
	if (!claim_threshold(zone, free, alike_pages(zone, start_type, block_type,
						     free, movable)))
		return PFN_NIL;
	move_freepages(zone, start, end, start_type);
	set_pageblock_migratetype(pgdat, start, start_type);
	return rmqueue_smallest_locked(zone, order, start_type);
}

/* 6.10–6.12.28 __rmqueue_fallback() + steal_suitable_fallback(). */
static unsigned long rmqueue_fallback_v610(struct zone *zone, unsigned order,
					   int start_mt, unsigned alloc_flags)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	bool can_steal;
	int fmt;
	int co = find_fallback_order(zone, order, start_mt, alloc_flags, &fmt,
				     &can_steal);

	if (co < 0)
		return PFN_NIL;
	unsigned long pfn = zone->free_area[co].free_list[fmt];
	int block_type = get_pageblock_migratetype(pgdat, pfn);
	if (can_steal && block_type != MIGRATE_HIGHATOMIC) {
		unsigned long got = try_to_claim_block(zone, pfn, (unsigned)co,
						       order, start_mt,
						       block_type, alloc_flags);
		if (got != PFN_NIL)
			return got;
	} else if (block_type != MIGRATE_HIGHATOMIC &&
		   (unsigned)co < pb_order(zone)) {
		boost_after_fallback(zone, alloc_flags);
	}
	return page_del_and_expand(zone, pfn, order, (unsigned)co, block_type);
}

/* 6.12.29+ __rmqueue_claim(): the largest block whose pageblock can be
 * claimed; stops at the first order too small to claim. */
static unsigned long rmqueue_claim(struct zone *zone, unsigned order,
				   int start_mt, unsigned alloc_flags)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	int min_order = (int)order;
	bool can_claim;

	if (order < pb_order(zone) && (alloc_flags & ALLOC_NOFRAGMENT))
		min_order = (int)pb_order(zone);
	for (int co = (int)pgdat->nr_page_orders - 1; co >= min_order; co--) {
		int fmt = find_suitable_fallback(zone, (unsigned)co, start_mt,
						 true, &can_claim);
		if (fmt == -1)
			continue;
		if (fmt == -2)
			break;
		unsigned long pfn = try_to_claim_block(
			zone, zone->free_area[co].free_list[fmt], (unsigned)co,
			order, start_mt, fmt, alloc_flags);
		if (pfn != PFN_NIL)
			return pfn;
	}
	return PFN_NIL;
}

/* 6.12.29+ __rmqueue_steal(): one block from a fallback list, smallest
 * first; its pageblock keeps its type. */
static unsigned long rmqueue_steal(struct zone *zone, unsigned order,
				   int start_mt)
{
	bool can_claim;

	for (unsigned co = order; co < zone->zone_pgdat->nr_page_orders; co++) {
		int fmt = find_suitable_fallback(zone, co, start_mt, false,
						 &can_claim);
		if (fmt < 0)
			continue;
		return page_del_and_expand(zone, zone->free_area[co].free_list[fmt],
					   order, co, fmt);
	}
	return PFN_NIL;
}

/* __rmqueue(). */
unsigned long __rmqueue(struct zone *zone, unsigned order, int mt,
			unsigned alloc_flags, enum rmqueue_mode *mode)
{
	kver_t kv = zkv(zone);
	unsigned long pfn;
	/* CMA as a fallback: for movable requests, or (KF_CMA_BY_ALLOC_CMA)
	 * for ALLOC_CMA, which also brought the balancing below */
	bool cma_ok = kver_has(kv, KF_CMA_BY_ALLOC_CMA) ?
		      (alloc_flags & ALLOC_CMA) != 0 :
					    mt == MIGRATE_MOVABLE;

	/* Balance movable allocations between regular and CMA areas by
	 * allocating from CMA when over half of the zone's free memory is in
	 * the CMA area. */
	if (kver_has(kv, KF_CMA_BY_ALLOC_CMA) && (alloc_flags & ALLOC_CMA) &&
	    zone->vm_stat[NR_FREE_CMA_PAGES] > zone->vm_stat[NR_FREE_PAGES] / 2) {
		pfn = rmqueue_smallest_locked(zone, order, MIGRATE_CMA);
		if (pfn != PFN_NIL)
			return pfn;
	}

	if (kv_claim_steal(kv)) {
		switch (*mode) {
		case RMQUEUE_NORMAL:
			pfn = rmqueue_smallest_locked(zone, order, mt);
			if (pfn != PFN_NIL)
				return pfn;
			/* fall through */
		case RMQUEUE_CMA:
			if (alloc_flags & ALLOC_CMA) {
				pfn = rmqueue_smallest_locked(zone, order, MIGRATE_CMA);
				if (pfn != PFN_NIL) {
					*mode = RMQUEUE_CMA;
					return pfn;
				}
			}
			/* fall through */
		case RMQUEUE_CLAIM:
			pfn = rmqueue_claim(zone, order, mt, alloc_flags);
			if (pfn != PFN_NIL) {
				*mode = RMQUEUE_NORMAL;
				return pfn;
			}
			/* fall through */
		case RMQUEUE_STEAL:
			if (!(alloc_flags & ALLOC_NOFRAGMENT)) {
				pfn = rmqueue_steal(zone, order, mt);
				if (pfn != PFN_NIL) {
					*mode = RMQUEUE_STEAL;
					return pfn;
				}
			}
		}
		return PFN_NIL;
	}

	for (;;) {
		pfn = rmqueue_smallest_locked(zone, order, mt);
		if (pfn != PFN_NIL)
			return pfn;
		if (cma_ok) {
			pfn = rmqueue_smallest_locked(zone, order, MIGRATE_CMA);
			if (pfn != PFN_NIL)
				return pfn;
		}
		if (!kver_has(kv, KF_FALLBACK_STEALS))
			return rmqueue_fallback_v4(zone, order, mt);
		if (kver_has(kv, KF_FALLBACK_RETURNS_PAGE))
			return rmqueue_fallback_v610(zone, order, mt, alloc_flags);
		if (!rmqueue_fallback_v5(zone, order, mt, alloc_flags))
			return PFN_NIL;
	}
}

unsigned long rmqueue_smallest(struct zone *zone, unsigned order, int mt)
{
	unsigned long pfn = rmqueue_smallest_locked(zone, order, mt);

	if (pfn != PFN_NIL)
		prep_new_block(zone, pfn, order);
	return pfn;
}

/* rmqueue_buddy() (6.x) / the high-order half of rmqueue() (4.x–6.2). */
unsigned long rmqueue(struct zone *zone, unsigned order, int mt,
		      unsigned alloc_flags)
{
	kver_t kv = zkv(zone);
	bool split = kver_alloc_reserves_split(kv);
	unsigned long pfn = PFN_NIL;
	enum rmqueue_mode mode = RMQUEUE_NORMAL;

	if (order > 0 &&
	    (alloc_flags & (split ? ALLOC_HIGHATOMIC : ALLOC_HARDER)))
		pfn = rmqueue_smallest_locked(zone, order, MIGRATE_HIGHATOMIC);
	if (pfn == PFN_NIL) {
		pfn = __rmqueue(zone, order, mt, alloc_flags, &mode);
		/* failing now is worse than failing a high-order atomic
		 * allocation later: OOM and non-blocking requests may use the
		 * reserve (6.3+) */
		if (pfn == PFN_NIL && split &&
		    (alloc_flags & (ALLOC_OOM | ALLOC_NON_BLOCK)))
			pfn = rmqueue_smallest_locked(zone, order,
						      MIGRATE_HIGHATOMIC);
	}
	if (pfn == PFN_NIL)
		return PFN_NIL;
	/* ZONE_BOOSTED_WATERMARK is cleared as kswapd is woken (5.0+; 6.x
	 * only for ALLOC_KSWAPD requests) */
	if (zone->boosted && (!split || (alloc_flags & ALLOC_KSWAPD)))
		zone->boosted = false;
	prep_new_block(zone, pfn, order);
	return pfn;
}

/* ---- freeing --------------------------------------------------------- */

/* A buddy outside the zone, or in its boot-reserved prefix, is never free
 * (and the reserved frames' struct pages are not read). */
static bool page_is_buddy(const struct zone *zone, unsigned long pfn,
			  unsigned order)
{
	if (pfn < zone->zone_start_pfn + zone->reserved_pages ||
	    pfn >= zone_end_pfn(zone))
		return false;
	const struct page *page = pfn_to_page(zone->zone_pgdat, pfn);
	return (page->flags & PG_buddy) && page->order == order;
}

/* buddy_merge_likely(): when the buddy of the merged block's parent is
 * free, the block is likely to merge soon: queue it at the tail. */
static bool buddy_merge_likely(const struct zone *zone, unsigned long pfn,
			       unsigned order)
{
	if (order + 2 >= zone->zone_pgdat->nr_page_orders)
		return false;
	unsigned long combined = pfn & ~(1UL << order);
	return page_is_buddy(zone, combined ^ (1UL << (order + 1)), order + 1);
}

bool migratetype_is_mergeable(int mt)
{
	return mt < MIGRATE_PCPTYPES;
}

void __free_one_page(struct zone *zone, unsigned long pfn, unsigned order,
		     int mt, bool to_tail)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	kver_t kv = pgdat->kv;
	unsigned max_order = pgdat->nr_page_orders - 1;

	while (order < max_order) {
		unsigned long buddy = pfn ^ (1UL << order);
		if (!page_is_buddy(zone, buddy, order))
			break;
		if (order >= pb_order(zone)) {
			/* no merging across an isolated pageblock boundary;
			 * 5.18+: nor between a non-mergeable type (HIGHATOMIC,
			 * CMA, ISOLATE) and another */
			int bmt = get_pageblock_migratetype(pgdat, buddy);
			if (bmt != mt &&
			    (kver_has(kv, KF_MERGE_PCPTYPES_ONLY) ?
			     (!migratetype_is_mergeable(mt) ||
			      !migratetype_is_mergeable(bmt)) :
			     (mt == MIGRATE_ISOLATE || bmt == MIGRATE_ISOLATE)))
				break;
			del_page_from_free_list(zone, buddy);
			/* 6.10+: match the buddy's type so a later expand()
			 * puts the halves on the right lists */
			if (kver_has(kv, KF_FREE_LIST_BY_PAGEBLOCK) && bmt != mt)
				change_pageblock_range(zone, buddy, order, mt);
		} else {
			del_page_from_free_list(zone, buddy);
		}
		pfn &= ~(1UL << order);
		order++;
	}
	if (!(to_tail && kver_has(kv, KF_FREE_TO_TAIL)))
		to_tail = buddy_merge_likely(zone, pfn, order);
	add_to_free_list(zone, pfn, order, mt, to_tail);
}

/* free_one_page(): the kernel re-reads the pageblock when it is isolated
 * (and from 6.10 always frees to the pageblock's type). */
static int free_migratetype(struct zone *zone, unsigned long pfn, int mt)
{
	int pb_mt = get_pageblock_migratetype(zone->zone_pgdat, pfn);

	if (kver_has(zkv(zone), KF_FREE_LIST_BY_PAGEBLOCK) ||
	    pb_mt == MIGRATE_ISOLATE ||
	    mt == MIGRATE_ISOLATE)
		return pb_mt;
	return mt;
}

void free_one_page(struct zone *zone, unsigned long pfn, unsigned order,
		   int mt)
{
	clear_block(zone, pfn, order);
	__free_one_page(zone, pfn, order, free_migratetype(zone, pfn, mt),
			false);
}

void free_pages_core(struct zone *zone, unsigned long pfn, unsigned order,
		     int mt)
{
	/* boot memory is untouched: nothing to clear, nothing to write */
	if (pfn_to_page(zone->zone_pgdat, pfn)->flags & PG_head)
		clear_block(zone, pfn, order);
	__free_one_page(zone, pfn, order, free_migratetype(zone, pfn, mt),
			true);
}
