/* The node a report's numbers are loaded into: its zones as printed
 * (free pages, free CMA, watermarks, lowmem_reserve, the highatomic
 * reserve), the free blocks per order and which migratetype lists hold
 * them, and per zone what __zone_watermark_ok() says of the request.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "abi/gfp.h"
#include "diagnose/explain.h"
#include "diagnose/explain_impl.h"

unsigned explain_default_orders(unsigned page_kb)
{
	return page_kb == 64 ? 14 : page_kb == 16 ? 12 : 11;
}

/* Configured zones: the printed ones, ZONE_NORMAL and ZONE_MOVABLE (every
 * kernel has them), then others until lowmem_reserve[]'s length. */
void explain_configure_zones(struct explanation *ex, const struct log_report *rep)
{
	bool have[NR_ZONE_TYPES] = { false };
	unsigned want = 0, n = 0;
	static const enum zone_type fill[] = { ZONE_NORMAL, ZONE_MOVABLE,
		ZONE_DEVICE, ZONE_DMA, ZONE_DMA32, ZONE_HIGHMEM };

	for (unsigned i = 0; i < rep->nr_zones; i++) {
		int t = log_zone_type(rep->zones[i].name);
		if (t >= 0 && !have[t])
			have[t] = true, n++;
		if (rep->zones[i].nr_reserve > want)
			want = rep->zones[i].nr_reserve;
	}
	for (size_t f = 0; f < sizeof(fill) / sizeof(fill[0]); f++) {
		if (have[fill[f]])
			continue;
		if (f >= 2 && n >= want)
			break;
		have[fill[f]] = true;
		n++;
	}
	struct pglist_data *pg = &ex->node;
	pg->nr_zones = 0;
	for (int t = 0; t < NR_ZONE_TYPES; t++) {
		if (!have[t])
			continue;
		struct zone *z = &pg->node_zones[pg->nr_zones];
		memset(z, 0, sizeof(*z));
		z->type = (enum zone_type)t;
		z->idx = pg->nr_zones++;
		z->zone_pgdat = pg;
		z->name = zone_type_names[t];
	}
}

int explain_config_idx(const struct pglist_data *pg, const char *name)
{
	int t = log_zone_type(name);

	for (unsigned i = 0; i < pg->nr_zones; i++)
		if ((int)pg->node_zones[i].type == t)
			return (int)i;
	return -1;
}

long explain_to_pages(const struct explanation *ex, unsigned long kb)
{
	return (long)(kb / ex->page_kb);
}

/* The printed zone as a struct zone of the bookkeeping node. */
struct zone *explain_load_zone(struct explanation *ex, const struct log_zone *lz,
			      int idx)
{
	struct zone *z = &ex->node.node_zones[idx];
	enum zone_type type = z->type;
	const char *name = z->name;

	memset(z, 0, sizeof(*z));
	z->type = type;
	z->name = name;
	z->idx = (unsigned)idx;
	z->zone_pgdat = &ex->node;
	z->present_pages = lz->present_kb ? (unsigned long)explain_to_pages(ex, lz->present_kb) : 1;
	z->managed_pages = (unsigned long)explain_to_pages(ex, lz->managed_kb);
	unsigned long boost = (unsigned long)explain_to_pages(ex, lz->boost_kb);
	z->watermark_boost = boost;
	z->_watermark[WMARK_MIN] = (unsigned long)explain_to_pages(ex, lz->min_kb) - boost;
	z->_watermark[WMARK_LOW] = (unsigned long)explain_to_pages(ex, lz->low_kb) - boost;
	z->_watermark[WMARK_HIGH] = (unsigned long)explain_to_pages(ex, lz->high_kb) - boost;
	for (unsigned j = 0; j < lz->nr_reserve && j < MAX_NR_ZONES; j++)
		z->lowmem_reserve[j] = lz->lowmem_reserve[j];
	z->nr_reserved_highatomic = (unsigned long)explain_to_pages(ex, lz->highatomic_kb);
	long free = (lz->have & LZ_ZONE_LINE) ? explain_to_pages(ex, lz->free_kb) :
		    explain_to_pages(ex, lz->total_kb);
	z->vm_stat[NR_FREE_PAGES] = free;
	z->vm_stat[NR_FREE_CMA_PAGES] = explain_to_pages(ex, lz->free_cma_kb);
	bool any_h = false;
	for (unsigned o = 0; o < MAX_PAGE_ORDERS; o++) {
		struct free_area *a = &z->free_area[o];
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			a->free_list[mt] = PFN_NIL;
		if (o >= lz->nr_orders || !lz->nr_free[o])
			continue;
		a->nr_free = lz->nr_free[o];
		unsigned types = lz->types[o];
		if (!(lz->have & (LZ_BUDDY | LZ_BUDDY_CUT)))
			types = 1u << MIGRATE_UNMOVABLE;        /* counts only */
		if (types & (1u << MIGRATE_RESERVE_BIT))
			types |= 1u << MIGRATE_UNMOVABLE;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			if (types & (1u << mt))
				a->free_list[mt] = 0;   /* non-empty */
		if (types & (1u << MIGRATE_HIGHATOMIC))
			any_h = true;
	}
	z->nr_free_highatomic = any_h ? z->nr_reserved_highatomic : 0;
	return z;
}

/* Lists __rmqueue() may take a block from: its own type and the
 * fallbacks (U/M/E), CMA for movable requests, the highatomic reserve
 * for the version's reserve-entitled requests. */
static unsigned rmqueue_lists(const struct explanation *ex)
{
	unsigned lists = (1u << MIGRATE_UNMOVABLE) | (1u << MIGRATE_MOVABLE) |
			 (1u << MIGRATE_RECLAIMABLE);
	unsigned f = ex->alloc_flags;

	if (f & ALLOC_CMA)
		lists |= 1u << MIGRATE_CMA;
	if (kver_alloc_reserves_split(ex->kv) ?
	    (f & (ALLOC_HIGHATOMIC | ALLOC_OOM | ALLOC_NON_BLOCK)) :
	    ((f & ALLOC_HARDER) && ex->order > 0))
		lists |= 1u << MIGRATE_HIGHATOMIC;
	return lists;
}

void explain_zone_blocks(struct explanation *ex, struct explain_zone *ez,
			const struct log_zone *lz)
{
	unsigned lists = rmqueue_lists(ex);

	ez->largest_any = ez->largest_usable = -1;
	ez->orders_unknown = !(lz->have & LZ_BUDDY) &&
			     !(lz->have & LZ_BUDDYINFO);
	ez->letters_unknown = !(lz->have & (LZ_BUDDY | LZ_BUDDY_CUT));
	for (unsigned o = 0; o < lz->nr_orders; o++) {
		if (!lz->nr_free[o])
			continue;
		unsigned types = ez->letters_unknown ? (1u << MIGRATE_UNMOVABLE) :
				 lz->types[o];
		if (types & (1u << MIGRATE_RESERVE_BIT))
			types |= 1u << MIGRATE_UNMOVABLE;
		ez->largest_any = (int)o;
		if (types & lists)
			ez->largest_usable = (int)o;
		if (o < ex->order)
			continue;
		unsigned long kb = lz->nr_free[o] * (lz->unit_kb << o);
		ez->ge_blocks += lz->nr_free[o];
		ez->ge_kb += kb;
		if (types == (1u << MIGRATE_CMA)) {
			ez->ge_cma_blocks += lz->nr_free[o];
			ez->ge_cma_kb += kb;
		}
		if (types == (1u << MIGRATE_HIGHATOMIC))
			ez->ge_ha_blocks += lz->nr_free[o];
		if (types & lists)
			ez->rmqueue_block = true;
	}
}

/* Which migratetypes hold the blocks ≥ order: C only, H only? */
static bool only_type_ge(const struct log_zone *lz, unsigned order, int mt)
{
	bool any = false;

	for (unsigned o = order; o < lz->nr_orders; o++) {
		if (!lz->nr_free[o])
			continue;
		if (lz->types[o] & ~(1u << mt) & ~(1u << MIGRATE_ISOLATE))
			return false;
		if (lz->types[o] & (1u << mt))
			any = true;
	}
	return any;
}

void explain_judge_zone(struct explanation *ex, struct explain_zone *ez,
		       const struct log_zone *lz)
{
	struct zone_attempt *s = &ez->seen;
	long need = s->min + s->lowmem_reserve;

	ez->counts_ok = s->usable > need;
	if (ez->wmark_unknown) {
		/* buddy line only: the blocks can still rule it out */
		if (ez->rmqueue_block)
			ez->why = EV_NO_NUMBERS;
		else if (!(ex->alloc_flags & ALLOC_CMA) &&
			 only_type_ge(lz, ex->order, MIGRATE_CMA))
			ez->why = EV_CMA_ONLY;
		else if (only_type_ge(lz, ex->order, MIGRATE_HIGHATOMIC))
			ez->why = EV_HIGHATOMIC;
		else
			ez->why = EV_FRAGMENTATION;
		return;
	}
	if (s->watermark_ok && ez->rmqueue_block) {
		ez->why = EV_SHOULD_HAVE_SUCCEEDED;
		return;
	}
	if ((ez->counts_ok || s->watermark_ok) && ez->orders_unknown &&
	    lz->nr_orders <= ex->order) {
		ez->why = EV_NO_NUMBERS;        /* the line stops before the order */
		return;
	}
	if (ez->counts_ok || s->watermark_ok) {
		/* the pages are there; the blocks of this order are not */
		if (!(ex->alloc_flags & ALLOC_CMA) &&
		    only_type_ge(lz, ex->order, MIGRATE_CMA))
			ez->why = EV_CMA_ONLY;
		else if (only_type_ge(lz, ex->order, MIGRATE_HIGHATOMIC))
			ez->why = EV_HIGHATOMIC;
		else
			ez->why = EV_FRAGMENTATION;
		return;
	}
	if (ez->cma && s->usable + ez->cma > need)
		ez->why = EV_CMA_ONLY;
	else if (ez->highatomic && s->usable + ez->highatomic > need)
		ez->why = EV_HIGHATOMIC;
	else if (s->usable > s->min)
		ez->why = EV_LOWMEM_RESERVE;
	else
		ez->why = EV_WATERMARK;
}

void explain_usage_numbers(struct explanation *ex, const struct log_report *rep)
{
	struct explain_usage *u = &ex->usage;
	const unsigned long *c = rep->counters;
	uint32_t need = (1u << GF_FREE) | (1u << GF_ACTIVE_ANON) |
			(1u << GF_ACTIVE_FILE) | (1u << GF_SLAB_UNRECLAIMABLE);

	if ((rep->global_fields & need) != need)
		return;
	unsigned long managed = 0;
	for (unsigned i = 0; i < rep->nr_zones; i++)
		managed += (unsigned long)explain_to_pages(ex, rep->zones[i].managed_kb);
	/* 6.1+ prints only the zones up to gfp_zone(); the totals below
	 * them count every zone (__show_mem()) */
	if (rep->have_ram && rep->have_reserved &&
	    rep->pages_ram > rep->pages_reserved &&
	    rep->pages_ram - rep->pages_reserved > managed)
		managed = rep->pages_ram - rep->pages_reserved;
	if (!managed)
		return;
	u->valid = true;
	u->managed = managed;
	u->free = c[GF_FREE] + c[GF_FREE_PCP];
	u->anon = c[GF_ACTIVE_ANON] + c[GF_INACTIVE_ANON] + c[GF_ISOLATED_ANON];
	u->file = c[GF_ACTIVE_FILE] + c[GF_INACTIVE_FILE] + c[GF_ISOLATED_FILE];
	u->unevictable = c[GF_UNEVICTABLE];
	u->slab_reclaimable = c[GF_SLAB_RECLAIMABLE];
	u->slab_unreclaimable = c[GF_SLAB_UNRECLAIMABLE];
	u->pagetables = c[GF_PAGETABLES];
	u->kernel_stack = rep->kernel_stack_kb / ex->page_kb;
	u->cma_reserved = rep->pages_cma_reserved;
	u->non_cma_free = c[GF_FREE] > c[GF_FREE_CMA] ? c[GF_FREE] - c[GF_FREE_CMA] : 0;
	unsigned long counted = u->free + u->anon + u->file + u->unevictable +
		u->slab_reclaimable + u->slab_unreclaimable + u->pagetables +
		u->kernel_stack;
	u->untracked = managed > counted ? managed - counted : 0;
}

