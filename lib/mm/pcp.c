/* Per-cpu page lists (mm/page_alloc.c: rmqueue_pcplist(), rmqueue_bulk(),
 * free_unref_page(), free_pcppages_bulk(), drain_pages()).
 *
 * One list per (order, migratetype) for the PCPTYPES; order 0 only before
 * 5.14.  CMA and HIGHATOMIC pages freed to the pcp sit on the MOVABLE list;
 * until 6.5 (6.1.56) they remember the type they came with and go back to
 * that list (page->mt), from 6.6 (6.1.57) the pageblock decides when they
 * are flushed.  Pages on a pcp list are not in NR_FREE_PAGES.
 */
#include "config.h"

#include "abi/kver_rules.h"
#include "mm/page_alloc.h"
#include "mm/internal.h"


bool pcp_allowed_order(const struct pglist_data *pgdat, unsigned order)
{
	if (kver_has(pgdat->kv, KF_PCP_HIGH_ORDER))
		return order <= PAGE_ALLOC_COSTLY_ORDER;
	return order == 0;
}

unsigned nr_pcp_lists(const struct pglist_data *pgdat)
{
	return kver_has(pgdat->kv, KF_PCP_HIGH_ORDER) ?
	       (PAGE_ALLOC_COSTLY_ORDER + 1) * MIGRATE_PCPTYPES :
	       MIGRATE_PCPTYPES;
}

static unsigned order_to_pindex(int mt, unsigned order)
{
	return order * MIGRATE_PCPTYPES + (unsigned)mt;
}

/* Flush the coldest block of one list (list_last_entry) to the buddy. */
static int free_pcp_tail(struct zone *zone, struct per_cpu_pages *pcp,
			 unsigned pindex)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	uint32_t *list = &pcp->lists[pindex];
	unsigned long pfn = pfn_to_page(pgdat, *list)->prev;
	struct page *page = pfn_to_page(pgdat, pfn);
	unsigned order = page->order;
	int pb_mt = get_pageblock_migratetype(pgdat, pfn);
	int mt = page->mt;

	/* the pageblock may have been isolated meanwhile */
	if (kver_has(pgdat->kv, KF_PCP_FLUSH_BY_PAGEBLOCK) || pb_mt == MIGRATE_ISOLATE)
		mt = pb_mt;
	pfn_list_del(pgdat, list, pfn);
	pcp->count -= 1 << order;
	page->flags = 0;
	__free_one_page(zone, pfn, order, mt, false);
	return 1 << order;
}

/* free_pcppages_bulk(): `count` pages back to the buddy, zone->lock held.
 * Until 5.19 round-robin across the lists, taking more from fuller ones
 * (batch_free); from 6.0 whole lists in turn, starting with `pindex`. */
static void free_pcppages_bulk(struct zone *zone, int count,
			       struct per_cpu_pages *pcp, unsigned pindex)
{
	const struct pglist_data *pgdat = zone->zone_pgdat;
	int nlists = (int)nr_pcp_lists(pgdat);
	int idx;

	if (count > pcp->count)
		count = pcp->count;
	if (kver_has(pgdat->kv, KF_PCP_FREE_ROUND_ROBIN)) {
		int batch_free = 0;
		idx = 0;
		while (count > 0) {
			do {
				batch_free++;
				if (++idx == nlists)
					idx = 0;
			} while (pcp->lists[idx] == PFN_NIL);
			/* the only non-empty list: free them all */
			if (batch_free == nlists)
				batch_free = count;
			do {
				count -= free_pcp_tail(zone, pcp, (unsigned)idx);
			} while (count > 0 && --batch_free &&
				 pcp->lists[idx] != PFN_NIL);
		}
		return;
	}
	idx = (int)pindex - 1;
	while (count > 0) {
		do {
			if (++idx > nlists - 1)
				idx = 0;
		} while (pcp->lists[idx] == PFN_NIL);
		do {
			count -= free_pcp_tail(zone, pcp, (unsigned)idx);
		} while (count > 0 && pcp->lists[idx] != PFN_NIL);
	}
}

/* rmqueue_bulk(): refill one list with up to `count` blocks, in the order
 * __rmqueue() hands them out (6.12.29+: keeping its rmqueue_mode). */
static void rmqueue_bulk(struct zone *zone, unsigned order, int count,
			 uint32_t *list, int mt, unsigned alloc_flags,
			 struct per_cpu_pages *pcp)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	enum rmqueue_mode mode = RMQUEUE_NORMAL;

	for (int i = 0; i < count; i++) {
		unsigned long pfn = __rmqueue(zone, order, mt, alloc_flags, &mode);
		if (pfn == PFN_NIL)
			break;
		struct page *page = pfn_to_page(pgdat, pfn);
		page->flags = PG_pcp;
		page->order = (uint8_t)order;
		if (kver_has(pgdat->kv, KF_PCP_FLUSH_BY_PAGEBLOCK))
			page->mt = (uint8_t)mt;
		pfn_list_add(pgdat, list, pfn, true);
		pcp->count += 1 << order;
	}
}

/* The kernels that skip the pcp for movable requests without ALLOC_CMA,
 * since the movable list may hold CMA pages (5.8–6.9). */
static bool pcp_skips_non_cma_movable(const struct pglist_data *pgdat, int mt,
				      unsigned alloc_flags)
{
	return kver_has(pgdat->kv, KF_PCP_SKIP_NON_CMA_MOVABLE) &&
	       pgdat->totalcma_pages && mt == MIGRATE_MOVABLE &&
	       !(alloc_flags & ALLOC_CMA);
}

unsigned long pcp_alloc(struct zone *zone, unsigned order, int mt,
			unsigned alloc_flags, unsigned cpu)
{
	struct pglist_data *pgdat = zone->zone_pgdat;

	if (!pcp_allowed_order(pgdat, order) || mt >= MIGRATE_PCPTYPES ||
	    cpu >= pgdat->nr_cpus ||
	    pcp_skips_non_cma_movable(pgdat, mt, alloc_flags))
		return PFN_NIL;

	struct per_cpu_pages *pcp = &zone->pcp[cpu];
	uint32_t *list = &pcp->lists[order_to_pindex(mt, order)];

	pthread_mutex_lock(&pcp->lock);
	if (*list == PFN_NIL) {
		int batch = pcp->batch > 0 ? pcp->batch : 1;
		/* nr_pcp_alloc(): fewer blocks of a higher order (5.14+) */
		if (order) {
			batch >>= order;
			if (batch < 2)
				batch = 2;
		}
		pthread_mutex_lock(&zone->lock);
		rmqueue_bulk(zone, order, batch, list, mt, alloc_flags, pcp);
		pthread_mutex_unlock(&zone->lock);
	}
	unsigned long pfn = *list;
	if (pfn != PFN_NIL) {
		pfn_list_del(pgdat, list, pfn);
		pcp->count -= 1 << order;
		prep_new_block(zone, pfn, order);
	}
	pthread_mutex_unlock(&pcp->lock);
	return pfn;
}

/* nr_pcp_free(): how much to flush once count reaches high. */
static int nr_pcp_free(const struct pglist_data *pgdat, int high, int batch)
{
	if (batch < 1)
		batch = 1;
	if (!kver_has(pgdat->kv, KF_PCP_HIGH_ORDER))
		return batch;
	if (high < batch)
		return 1;
	/* leave at least a batch on the lists */
	return batch < high - batch ? batch : high - batch;
}

bool pcp_free(struct zone *zone, unsigned long pfn, unsigned order, int mt,
	      unsigned cpu)
{
	struct pglist_data *pgdat = zone->zone_pgdat;

	if (!pcp_allowed_order(pgdat, order) || cpu >= pgdat->nr_cpus ||
	    mt == MIGRATE_ISOLATE ||
	    get_pageblock_migratetype(pgdat, pfn) == MIGRATE_ISOLATE)
		return false;

	int list_mt = mt < MIGRATE_PCPTYPES ? mt : MIGRATE_MOVABLE;
	unsigned pindex = order_to_pindex(list_mt, order);
	struct per_cpu_pages *pcp = &zone->pcp[cpu];
	struct page *page = pfn_to_page(pgdat, pfn);

	pthread_mutex_lock(&pcp->lock);
	clear_block(zone, pfn, order);
	page->flags = PG_pcp;
	page->order = (uint8_t)order;
	page->mt = (uint8_t)(kver_has(pgdat->kv, KF_PCP_FLUSH_BY_PAGEBLOCK) ? list_mt : mt);
	pfn_list_add(pgdat, &pcp->lists[pindex], pfn, false);
	pcp->count += 1 << order;
	if (pcp->count >= pcp->high) {
		pthread_mutex_lock(&zone->lock);
		free_pcppages_bulk(zone, nr_pcp_free(pgdat, pcp->high, pcp->batch),
				   pcp, pindex);
		pthread_mutex_unlock(&zone->lock);
	}
	pthread_mutex_unlock(&pcp->lock);
	return true;
}

static void drain_zone_pages(struct zone *zone, unsigned cpu)
{
	struct per_cpu_pages *pcp = &zone->pcp[cpu];

	pthread_mutex_lock(&pcp->lock);
	if (pcp->count) {
		pthread_mutex_lock(&zone->lock);
		free_pcppages_bulk(zone, pcp->count, pcp, 0);
		pthread_mutex_unlock(&zone->lock);
	}
	pthread_mutex_unlock(&pcp->lock);
}

void drain_pages(struct pglist_data *pgdat, unsigned cpu)
{
	if (cpu >= pgdat->nr_cpus)
		return;
	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		if (zone_populated(&pgdat->node_zones[i]))
			drain_zone_pages(&pgdat->node_zones[i], cpu);
	}
}

void drain_all_pages(struct pglist_data *pgdat)
{
	for (unsigned cpu = 0; cpu < pgdat->nr_cpus; cpu++)
		drain_pages(pgdat, cpu);
}
