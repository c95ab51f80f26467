/* check_node(): recount everything the allocator keeps in step and report
 * the first disagreement.  Two passes per zone: the lists (every entry
 * linked both ways, of the list's order and type, aligned, inside the
 * zone, none in its boot-reserved prefix), then mem_map by pfn from the
 * end of that prefix (every managed frame in exactly one free, per-cpu or
 * allocated block; free buddies that should have merged).  The prefix
 * holds nothing in mem_map and is never read.
 * Deferred boot blocks count as free max-order blocks on the movable list
 * behind their frontier; their struct pages are never read.
 * The caller must keep the node still while it runs.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "abi/kver_rules.h"
#include "mm/deferred.h"
#include "mm/page_alloc.h"
#include "mm/internal.h"

static int fail(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (msg && len)
		vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -1;
}

struct recount {
	unsigned long blocks;           /* free blocks on the lists */
	unsigned long pcp_blocks;       /* blocks on the pcp lists */
	long free, cma, highatomic;
};

static bool in_zone(const struct zone *z, unsigned long pfn, unsigned order)
{
	return pfn >= z->zone_start_pfn &&
	       pfn + (1UL << order) <= z->zone_start_pfn + z->spanned_pages;
}

/* Walk one circular list: links consistent, bounded length.  `what`
 * checks each entry. */
static int walk_list(struct pglist_data *pgdat, const struct zone *z,
		     uint32_t head, const char *name, unsigned order, int mt,
		     uint8_t flag, bool pcp, unsigned long *count, long *pages,
		     char *msg, size_t len)
{
	unsigned long n = 0, limit = z->spanned_pages + 1;
	uint32_t pfn = head;

	*count = 0;
	*pages = 0;
	if (head == PFN_NIL)
		return 0;
	do {
		if (!in_zone(z, pfn, order))
			return fail(msg, len, "%s %s order %u: pfn %#x is outside the zone "
				    "or its block of %lu pages crosses the zone end",
				    z->name, name, order, pfn, 1UL << order);
		if (pfn_reserved(pgdat, pfn))
			return fail(msg, len, "%s %s order %u: pfn %#x is one of the zone's "
				    "first %lu frames, which are boot-reserved and never "
				    "free", z->name, name, order, pfn, z->reserved_pages);
		struct page *page = pfn_to_page(pgdat, pfn);
		if (!(page->flags & flag))
			return fail(msg, len, "%s %s order %u: pfn %#x is listed but has "
				    "flags %#x, expected %s", z->name, name, order, pfn,
				    page->flags, pcp ? "PG_pcp" : "PG_buddy");
		if (page->order != order)
			return fail(msg, len, "%s %s order %u: pfn %#x has order %u",
				    z->name, name, order, pfn, page->order);
		int want_mt = pcp ? (page->mt < MIGRATE_PCPTYPES ? page->mt :
				     MIGRATE_MOVABLE) : page->mt;
		if (want_mt != mt)
			return fail(msg, len, "%s %s order %u: pfn %#x belongs on the %s list",
				    z->name, name, order, pfn,
				    migratetype_names[want_mt]);
		if (pfn & ((1UL << order) - 1))
			return fail(msg, len, "%s %s order %u: pfn %#x is not aligned to "
				    "%lu pages", z->name, name, order, pfn, 1UL << order);
		struct page *next = pfn_to_page(pgdat, page->next);
		if (page->next == PFN_NIL || !in_zone(z, page->next, 0) ||
		    next->prev != pfn)
			return fail(msg, len, "%s %s order %u: broken link after pfn %#x",
				    z->name, name, order, pfn);
		n++;
		*pages += 1L << order;
		if (n > limit)
			return fail(msg, len, "%s %s order %u: list does not close "
				    "(cycle not through its head)", z->name, name, order);
		pfn = page->next;
	} while (pfn != head);
	*count = n;
	return 0;
}

/* The deferred blocks: inside the zone, aligned, behind a frontier that
 * is a free max-order movable block. */
static int check_deferred(struct pglist_data *pgdat, const struct zone *z,
			  char *msg, size_t len)
{
	const struct deferred_blocks *db = &z->deferred;
	unsigned max = pgdat->nr_page_orders - 1;
	unsigned long n = 1UL << max;

	if (db->nr && !db->active)
		return fail(msg, len, "%s: %lu deferred blocks but no frontier on the "
			    "list", z->name, db->nr);
	if (!db->nr)
		return 0;
	if (db->lo >= db->hi || (db->lo | db->hi) & (n - 1) ||
	    !in_zone(z, db->lo, 0) || !in_zone(z, db->hi - 1, 0) ||
	    pfn_reserved(pgdat, db->lo) || db->nr > (db->hi - db->lo) >> max)
		return fail(msg, len, "%s: %lu deferred blocks in pfns %#lx-%#lx: not "
			    "aligned order-%u blocks inside the zone after its "
			    "reserved frames", z->name, db->nr, db->lo, db->hi, max);
	const struct page *f = pfn_to_page(pgdat, db->frontier);
	if (!in_zone(z, db->frontier, max) || !(f->flags & PG_buddy) ||
	    f->order != max || f->mt != MIGRATE_MOVABLE)
		return fail(msg, len, "%s: deferred frontier pfn %#lx is not a free "
			    "order-%u Movable block", z->name, db->frontier, max);
	return 0;
}

static int check_free_area(struct pglist_data *pgdat, const struct zone *z,
			   struct recount *rc, char *msg, size_t len)
{
	unsigned max = pgdat->nr_page_orders - 1;

	if (check_deferred(pgdat, z, msg, len))
		return -1;
	for (unsigned o = 0; o < MAX_PAGE_ORDERS; o++) {
		const struct free_area *area = &z->free_area[o];
		unsigned long total = 0;

		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			unsigned long n;
			long pages;
			if (o >= pgdat->nr_page_orders) {
				if (area->free_list[mt] != PFN_NIL)
					return fail(msg, len, "%s: order %u is above "
						    "NR_PAGE_ORDERS %u but its %s list is "
						    "not empty", z->name, o,
						    pgdat->nr_page_orders,
						    migratetype_names[mt]);
				continue;
			}
			if (walk_list(pgdat, z, area->free_list[mt],
				      migratetype_names[mt], o, mt, PG_buddy,
				      false, &n, &pages, msg, len))
				return -1;
			if (o == max && mt == MIGRATE_MOVABLE) {
				n += z->deferred.nr;
				pages += (long)(z->deferred.nr << o);
			}
			if (n != area->nr_free_mt[mt])
				return fail(msg, len, "%s order %u %s: nr_free_mt %lu, "
					    "recount %lu", z->name, o,
					    migratetype_names[mt],
					    area->nr_free_mt[mt], n);
			total += n;
			if (mt != MIGRATE_ISOLATE)
				rc->free += pages;
			if (mt == MIGRATE_CMA)
				rc->cma += pages;
			if (mt == MIGRATE_HIGHATOMIC)
				rc->highatomic += pages;
		}
		if (total != area->nr_free)
			return fail(msg, len, "%s order %u: nr_free %lu, recount %lu",
				    z->name, o, area->nr_free, total);
		rc->blocks += total;
	}
	if (z->vm_stat[NR_FREE_PAGES] != rc->free)
		return fail(msg, len, "%s: NR_FREE_PAGES %ld, pages on the free "
			    "lists %ld", z->name, z->vm_stat[NR_FREE_PAGES], rc->free);
	if (z->vm_stat[NR_FREE_CMA_PAGES] != rc->cma)
		return fail(msg, len, "%s: NR_FREE_CMA_PAGES %ld, pages on the CMA "
			    "lists %ld", z->name, z->vm_stat[NR_FREE_CMA_PAGES], rc->cma);
	if ((long)z->nr_free_highatomic != rc->highatomic)
		return fail(msg, len, "%s: nr_free_highatomic %lu, pages on the "
			    "HighAtomic lists %ld", z->name, z->nr_free_highatomic,
			    rc->highatomic);
	return 0;
}

static int check_pcp(struct pglist_data *pgdat, const struct zone *z,
		     struct recount *rc, char *msg, size_t len)
{
	unsigned nlists = nr_pcp_lists(pgdat);

	for (unsigned cpu = 0; cpu < pgdat->nr_cpus; cpu++) {
		const struct per_cpu_pages *pcp = &z->pcp[cpu];
		long pages = 0;
		char name[32];

		snprintf(name, sizeof(name), "cpu %u pcp", cpu);
		for (unsigned i = 0;
		     i < sizeof(pcp->lists) / sizeof(pcp->lists[0]); i++) {
			unsigned long n;
			long p;
			if (i >= nlists && pcp->lists[i] != PFN_NIL)
				return fail(msg, len, "%s %s: list %u holds order %u "
					    "pages, which this kernel keeps off the "
					    "per-cpu lists", z->name, name, i,
					    i / MIGRATE_PCPTYPES);
			if (walk_list(pgdat, z, pcp->lists[i], name,
				      i / MIGRATE_PCPTYPES, (int)(i % MIGRATE_PCPTYPES),
				      PG_pcp, true, &n, &p, msg, len))
				return -1;
			rc->pcp_blocks += n;
			pages += p;
		}
		if (pages != pcp->count)
			return fail(msg, len, "%s %s: count %d, pages on the lists %ld",
				    z->name, name, pcp->count, pages);
	}
	return 0;
}

/* Could these two free buddies have stayed apart?  Only across a pageblock
 * boundary __free_one_page() refuses to merge. */
static bool merge_forbidden(struct pglist_data *pgdat, unsigned long pfn,
			    unsigned long buddy, unsigned order)
{
	if (order < pgdat->pageblock_order)
		return false;
	int a = get_pageblock_migratetype(pgdat, pfn);
	int b = get_pageblock_migratetype(pgdat, buddy);
	if (a == b)
		return false;
	if (kver_has(pgdat->kv, KF_MERGE_PCPTYPES_ONLY))
		return a >= MIGRATE_PCPTYPES || b >= MIGRATE_PCPTYPES;
	return a == MIGRATE_ISOLATE || b == MIGRATE_ISOLATE;
}

static int check_mem_map(struct pglist_data *pgdat, const struct zone *z,
			 const struct recount *rc, char *msg, size_t len)
{
	unsigned long end = z->zone_start_pfn + z->spanned_pages;
	unsigned long buddies = 0, pcps = 0;

	if (z->reserved_pages > z->present_pages ||
	    z->managed_pages != z->present_pages - z->reserved_pages)
		return fail(msg, len, "%s: present %lu, managed %lu and boot-reserved "
			    "%lu pages, expected present = managed + reserved",
			    z->name, z->present_pages, z->managed_pages,
			    z->reserved_pages);
	for (unsigned long pfn = z->zone_start_pfn + z->reserved_pages; pfn < end;) {
		if (pfn_deferred(z, pfn)) {
			unsigned max = pgdat->nr_page_orders - 1;
			unsigned long step = pageblock_nr_pages(pgdat);
			if (pfn & ((1UL << max) - 1))
				return fail(msg, len, "%s: a block before pfn %#lx overlaps "
					    "the deferred block holding it", z->name, pfn);
			for (unsigned long p = pfn; p < pfn + (1UL << max); p += step)
				if (kver_has(pgdat->kv, KF_FREE_LIST_BY_PAGEBLOCK) &&
				    get_pageblock_migratetype(pgdat, p) != MIGRATE_MOVABLE)
					return fail(msg, len, "%s: deferred block at pfn %#lx "
						    "is on the Movable list but pfn %#lx's "
						    "pageblock is %s", z->name, pfn, p,
						    migratetype_names[get_pageblock_migratetype(pgdat, p)]);
			buddies++;
			pfn += 1UL << max;
			continue;
		}
		struct page *page = pfn_to_page(pgdat, pfn);
		uint8_t f = page->flags;
		int kinds = !!(f & PG_buddy) + !!(f & PG_pcp) + !!(f & PG_head);
		if (kinds != 1)
			return fail(msg, len, "%s: pfn %#lx (flags %#x) is %s", z->name,
				    pfn, f, kinds ? "in two states at once" :
				    (f & PG_tail) ? "a tail frame with no head before it" :
				    "neither free, on a per-cpu list nor allocated");
		unsigned order = page->order;
		if (!in_zone(z, pfn, order) || (pfn & ((1UL << order) - 1)))
			return fail(msg, len, "%s: block at pfn %#lx of order %u is "
				    "misaligned or crosses the zone end", z->name, pfn, order);
		for (unsigned long i = 1; i < (1UL << order); i++) {
			uint8_t tf = page[i].flags;
			uint8_t bad = (f & PG_head) ? (uint8_t)~(PG_tail | PG_slab | PG_charged | PG_lru) :
						      0xff;
			if ((tf & bad) || ((f & PG_head) && !(tf & PG_tail)))
				return fail(msg, len, "%s: pfn %#lx (flags %#x) inside the "
					    "order-%u %s block at pfn %#lx", z->name,
					    pfn + i, tf, order,
					    (f & PG_head) ? "allocated" : "free", pfn);
		}
		if (f & PG_buddy) {
			buddies++;
			unsigned long buddy = pfn ^ (1UL << order);
			if (order + 1 < pgdat->nr_page_orders && in_zone(z, buddy, order) &&
			    !pfn_reserved(pgdat, buddy)) {
				struct page *bp = pfn_to_page(pgdat, buddy);
				if ((bp->flags & PG_buddy) && bp->order == order &&
				    !merge_forbidden(pgdat, pfn, buddy, order))
					return fail(msg, len, "%s: free order-%u buddies at pfn "
						    "%#lx and %#lx were not merged", z->name,
						    order, pfn, buddy);
			}
			/* 6.10+: a free block is on its pageblock's list */
			if (kver_has(pgdat->kv, KF_FREE_LIST_BY_PAGEBLOCK)) {
				unsigned long step = pageblock_nr_pages(pgdat);
				for (unsigned long p = pfn; p < pfn + (1UL << order); p += step) {
					int pb = get_pageblock_migratetype(pgdat, p);
					if (pb != page->mt)
						return fail(msg, len, "%s: free block at pfn %#lx "
							    "is on the %s list but pfn %#lx's "
							    "pageblock is %s", z->name, pfn,
							    migratetype_names[page->mt], p,
							    migratetype_names[pb]);
					if (order < pgdat->pageblock_order)
						break;
				}
			}
		}
		if (f & PG_pcp)
			pcps++;
		pfn += 1UL << order;
	}
	if (buddies != rc->blocks)
		return fail(msg, len, "%s: %lu PG_buddy blocks in mem_map, %lu on the "
			    "free lists", z->name, buddies, rc->blocks);
	if (pcps != rc->pcp_blocks)
		return fail(msg, len, "%s: %lu PG_pcp blocks in mem_map, %lu on the "
			    "per-cpu lists", z->name, pcps, rc->pcp_blocks);
	return 0;
}

int check_node(struct pglist_data *pgdat, char *msg, size_t len)
{
	if (msg && len)
		msg[0] = '\0';
	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		const struct zone *z = &pgdat->node_zones[i];
		struct recount rc = { 0 };

		if (!z->spanned_pages)
			continue;
		if (z->idx != i)
			return fail(msg, len, "zone %u (%s) has idx %u", i, z->name, z->idx);
		if (check_free_area(pgdat, z, &rc, msg, len) ||
		    check_pcp(pgdat, z, &rc, msg, len) ||
		    check_mem_map(pgdat, z, &rc, msg, len))
			return -1;
	}
	return 0;
}
