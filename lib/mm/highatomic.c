/* The highatomic reserve (mm/page_alloc.c reserve_highatomic_pageblock(),
 * unreserve_highatomic_pageblock()): pageblocks set aside after a high-order
 * atomic allocation, and given back before the OOM killer. */
#include "config.h"

#include "abi/kver_rules.h"
#include "mm/internal.h"

void reserve_highatomic_pageblock(struct zone *zone, unsigned long pfn,
				  unsigned order)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	kver_t kv = pgdat->kv;
	unsigned long max_managed;

	if (kver_has(kv, KF_HIGHATOMIC_LIMIT_ROUNDED)) {
		if (zone->managed_pages / 100 < pb_pages(zone))
			return;
		max_managed = (zone->managed_pages / 100 + pb_pages(zone) - 1) &
			      ~(pb_pages(zone) - 1);
	} else {
		max_managed = zone->managed_pages / 100 + pb_pages(zone);
	}

	pthread_mutex_lock(&zone->lock);
	if (zone->nr_reserved_highatomic >= max_managed)
		goto out;
	int mt = get_pageblock_migratetype(pgdat, pfn);
	if (!migratetype_is_mergeable(mt))
		goto out;
	if (kver_has(kv, KF_HIGHATOMIC_LARGE_BLOCKS) && order >= pb_order(zone)) {
		change_pageblock_range(zone, pfn, order, MIGRATE_HIGHATOMIC);
		zone->nr_reserved_highatomic += 1UL << order;
	} else {
		if (move_freepages_block(zone, pfn, MIGRATE_HIGHATOMIC) < 0 &&
		    kver_has(kv, KF_MOVE_FREEPAGES_WHOLE_BLOCK))
			goto out;
		set_pageblock_migratetype(pgdat, pfn, MIGRATE_HIGHATOMIC);
		zone->nr_reserved_highatomic += pb_pages(zone);
	}
out:
	pthread_mutex_unlock(&zone->lock);
}

bool unreserve_highatomic_pageblock(struct pglist_data *pgdat,
				    unsigned highest_zoneidx, int mt,
				    bool force)
{
	for (int zi = (int)highest_zoneidx; zi >= 0; zi--) {
		struct zone *zone = &pgdat->node_zones[zi];

		if ((unsigned)zi >= pgdat->nr_zones || !zone_populated(zone))
			continue;
		/* preserve at least one pageblock unless pressure is high */
		if (!force && zone->nr_reserved_highatomic <= pb_pages(zone))
			continue;

		pthread_mutex_lock(&zone->lock);
		for (unsigned o = 0; o < pgdat->nr_page_orders; o++) {
			uint32_t pfn = zone->free_area[o].free_list[MIGRATE_HIGHATOMIC];
			if (pfn == PFN_NIL)
				continue;
			if (get_pageblock_migratetype(pgdat, pfn) ==
			    MIGRATE_HIGHATOMIC) {
				unsigned long size = pb_pages(zone);
				if (kver_has(pgdat->kv, KF_HIGHATOMIC_LARGE_BLOCKS) &&
				    (1UL << o) > size)
					size = 1UL << o;
				if (size > zone->nr_reserved_highatomic)
					size = zone->nr_reserved_highatomic;
				zone->nr_reserved_highatomic -= size;
			}
			long moved;
			if (kver_has(pgdat->kv, KF_HIGHATOMIC_LARGE_BLOCKS) &&
			    o >= pb_order(zone)) {
				move_to_free_list(zone, pfn, mt);
				change_pageblock_range(zone, pfn, o, mt);
				moved = 1;
			} else {
				set_pageblock_migratetype(pgdat, pfn, mt);
				moved = move_freepages_block(zone, pfn, mt);
			}
			if (moved > 0) {
				pthread_mutex_unlock(&zone->lock);
				return true;
			}
		}
		pthread_mutex_unlock(&zone->lock);
	}
	return false;
}
