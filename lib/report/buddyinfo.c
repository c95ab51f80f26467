/* The free-area views: show_mem's buddy line, /proc/buddyinfo and
 * /proc/pagetypeinfo (mm/page_alloc.c show_free_areas(), mm/vmstat.c).
 *
 * Counts are read under zone->lock when it can be taken; a report raised
 * while the lock is held elsewhere (a signal handler) reads them unlocked
 * rather than deadlock.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "abi/buddy_line.h"
#include "abi/kver_rules.h"
#include "report/report.h"

static bool zone_lock_try(struct zone *zone)
{
	return pthread_mutex_trylock(&zone->lock) == 0;
}

static void zone_unlock_if(struct zone *zone, bool locked)
{
	if (locked)
		pthread_mutex_unlock(&zone->lock);
}

void show_node(struct sbuf *sb, const struct pglist_data *pgdat)
{
	/* show_node(): "Node %d " only with CONFIG_NUMA */
	if (pgdat->numa)
		sb_puts(sb, "Node 0 ");
}

void show_buddy_line(struct sbuf *sb, struct pglist_data *pgdat,
		     struct zone *zone)
{
	struct buddy_line bl = { .node = pgdat->numa ? 0 : -1 };
	unsigned long total = 0;
	bool locked = zone_lock_try(zone);

	snprintf(bl.zone, sizeof(bl.zone), "%s", zone->name);
	bl.nr_orders = pgdat->nr_page_orders;
	for (unsigned o = 0; o < bl.nr_orders; o++) {
		const struct free_area *area = &zone->free_area[o];

		bl.nr_free[o] = area->nr_free;
		bl.size_kb[o] = pages_to_kb(pgdat, 1) << o;
		total += area->nr_free << o;
		for (int t = 0; t < MIGRATE_TYPES; t++)
			if (area->free_list[t] != PFN_NIL)
				bl.types[o] |= (uint8_t)(1u << t);
	}
	zone_unlock_if(zone, locked);
	bl.total_kb = pages_to_kb(pgdat, total);
	buddy_line_print(sb, &bl, pgdat->kv);
	sb_puts(sb, "\n");
}

void show_buddyinfo(struct sbuf *sb, struct pglist_data *pgdat)
{
	/* frag_show_print(), populated zones only */
	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		struct zone *zone = &pgdat->node_zones[i];

		if (!zone_populated(zone))
			continue;
		sb_printf(sb, "Node %d, zone %8s ", 0, zone->name);
		for (unsigned o = 0; o < pgdat->nr_page_orders; o++)
			sb_printf(sb, "%6lu ", zone->free_area[o].nr_free);
		sb_puts(sb, "\n");
	}
}

/* The migratetypes the kernel was built with (MIGRATE_CMA with CONFIG_CMA,
 * MIGRATE_ISOLATE with CONFIG_MEMORY_ISOLATION), in enum order. */
static unsigned configured_migratetypes(const struct pglist_data *pgdat,
					int *mts)
{
	struct report_kconfig kc;
	unsigned n = 0;

	report_kconfig(pgdat, &kc);
	for (int t = 0; t < MIGRATE_TYPES; t++) {
		if (t == MIGRATE_CMA && !kc.cma)
			continue;
		if (t == MIGRATE_ISOLATE && !kc.memory_isolation)
			continue;
		mts[n++] = t;
	}
	return n;
}

/* The free-list walk of pagetypeinfo_showfree_print() stops at 100000
 * entries from 5.4 on (then prints ">100000"); 4.x counts them all. */
#define PAGETYPEINFO_FREE_CAP 100000UL

static void pagetypeinfo_showfree(struct sbuf *sb, struct pglist_data *pgdat,
				  const int *mts, unsigned nmt)
{
	bool capped = kver_has(pgdat->kv, KF_PAGETYPEINFO_CAPPED);

	sb_printf(sb, "%-43s ", "Free pages count per migrate type at order");
	for (unsigned o = 0; o < pgdat->nr_page_orders; o++)
		sb_printf(sb, "%6d ", (int)o);
	sb_puts(sb, "\n");

	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		struct zone *zone = &pgdat->node_zones[i];

		if (!zone_populated(zone))
			continue;
		for (unsigned m = 0; m < nmt; m++) {
			int t = mts[m];

			sb_printf(sb, "Node %4d, zone %8s, type %12s ", 0,
				  zone->name, migratetype_names[t]);
			for (unsigned o = 0; o < pgdat->nr_page_orders; o++) {
				unsigned long n = zone->free_area[o].nr_free_mt[t];
				bool overflow = capped && n >= PAGETYPEINFO_FREE_CAP;

				if (overflow)
					n = PAGETYPEINFO_FREE_CAP;
				sb_printf(sb, "%s%6lu ", overflow ? ">" : "", n);
			}
			sb_puts(sb, "\n");
		}
	}
}

/* pagetypeinfo_showblockcount_print(): every pageblock start in the zone's
 * span, counted by its migratetype */
static void pagetypeinfo_showblockcount(struct sbuf *sb,
					struct pglist_data *pgdat,
					const int *mts, unsigned nmt)
{
	unsigned long pb = pageblock_nr_pages(pgdat);

	sb_printf(sb, "\n%-23s", "Number of blocks type ");
	for (unsigned m = 0; m < nmt; m++)
		sb_printf(sb, "%12s ", migratetype_names[mts[m]]);
	sb_puts(sb, "\n");

	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		struct zone *zone = &pgdat->node_zones[i];
		unsigned long count[MIGRATE_TYPES] = { 0 };
		unsigned long end = zone->zone_start_pfn + zone->spanned_pages;

		if (!zone_populated(zone))
			continue;
		for (unsigned long pfn = zone->zone_start_pfn; pfn < end;
		     pfn += pb) {
			int mt = get_pageblock_migratetype(pgdat, pfn);

			if (mt >= 0 && mt < MIGRATE_TYPES)
				count[mt]++;
		}
		sb_printf(sb, "Node %d, zone %8s ", 0, zone->name);
		for (unsigned m = 0; m < nmt; m++)
			sb_printf(sb, "%12lu ", count[mts[m]]);
		sb_puts(sb, "\n");
	}
}

void show_pagetypeinfo(struct sbuf *sb, struct pglist_data *pgdat)
{
	int mts[MIGRATE_TYPES];
	unsigned nmt = configured_migratetypes(pgdat, mts);

	/* pagetypeinfo_show() */
	sb_printf(sb, "Page block order: %d\n", (int)pgdat->pageblock_order);
	sb_printf(sb, "Pages per block:  %lu\n", pageblock_nr_pages(pgdat));
	sb_puts(sb, "\n");
	pagetypeinfo_showfree(sb, pgdat, mts, nmt);
	pagetypeinfo_showblockcount(sb, pgdat, mts, nmt);
}
