/* The verdict engine: a report's numbers through the version's rules.
 *
 * The node the arithmetic runs on is bookkeeping only: each zone gets the
 * printed free count, free CMA, watermarks (boost split off where it was
 * printed), lowmem_reserve, the highatomic reserve, and per order the
 * block count and which migratetype lists were non-empty (a free_list
 * head that is PFN_NIL or not — all __zone_watermark_ok() looks at).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diagnose/explain.h"
#include "abi/gfp.h"

const char *const explain_verdict_names[EV_NR] = {
	[EV_SHOULD_HAVE_SUCCEEDED] = "should-have-succeeded",
	[EV_FRAGMENTATION] = "fragmentation",
	[EV_CMA_ONLY] = "cma-only",
	[EV_WATERMARK] = "below-watermark",
	[EV_HIGHATOMIC] = "highatomic-reserve",
	[EV_LOWMEM_RESERVE] = "lowmem-reserve",
	[EV_NO_ZONE] = "no-eligible-zone",
	[EV_ORDER_TOO_LARGE] = "order-too-large",
	[EV_NOT_PAGES] = "not-a-page-shortage",
	[EV_CMA_AREA] = "cma-area",
	[EV_NO_NUMBERS] = "no-numbers",
	[EV_DUMP] = "dump",
};

#define LOG_TYPE_RESERVE_BIT (1u << 7)  /* 'R' (MIGRATE_RESERVE, ≤4.3) */

/* "an unmovable request" */
static const char *const mt_request[MIGRATE_TYPES] = {
	[MIGRATE_UNMOVABLE] = "an unmovable", [MIGRATE_MOVABLE] = "a movable",
	[MIGRATE_RECLAIMABLE] = "a reclaimable", [MIGRATE_HIGHATOMIC] = "a highatomic",
	[MIGRATE_CMA] = "a CMA", [MIGRATE_ISOLATE] = "an isolate",
};

static void note(struct explanation *ex, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct explanation *ex, const char *fmt, ...)
{
	va_list ap;

	if (ex->nr_notes >= EXPLAIN_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(ex->notes[ex->nr_notes++], sizeof(ex->notes[0]), fmt, ap);
	va_end(ap);
}

/* ---- the kernel version -------------------------------------------------- */

struct kv_rule {
	uint32_t format;
	bool present;           /* the rule applies when the format was seen */
	kver_t min, max;        /* lines allowed: [min, max] */
	const char *what;
};

#define KV_ANY_MAX KVER(99, 0, 0)

static const struct kv_rule kv_rules[] = {
	{ LOGF_NODEMASK, true, KVER(4, 10, 0), KV_ANY_MAX, "\", nodemask=\" (4.10+)" },
	{ LOGF_UNSTABLE, true, 0, KVER(5, 7, 0xffff), "\"unstable:\" (up to 5.7)" },
	{ LOGF_PAGES_SCANNED, true, 0, KVER(4, 9, 0xffff), "\"pages_scanned:\" (up to 4.9)" },
	{ LOGF_HIGHATOMIC_KB, true, KVER(5, 5, 0), KV_ANY_MAX, "\"reserved_highatomic:\" (5.5+)" },
	{ LOGF_BOOST, true, KVER(6, 1, 0), KV_ANY_MAX, "zone \"boost:\" (6.1+)" },
	{ LOGF_SEC_PAGETABLES, true, KVER(6, 1, 0), KV_ANY_MAX, "\"sec_pagetables:\" (6.1+)" },
	{ LOGF_UID, true, KVER(6, 12, 0), KV_ANY_MAX, "\"UID:\" in the CPU line (6.12+)" },
	{ LOGF_ZONE_STACK, true, 0, KVER(5, 8, 0xffff), "zone \"kernel_stack:\" (up to 5.8)" },
	{ LOGF_NODE_STACK, true, KVER(5, 9, 0), KV_ANY_MAX, "Node \"kernel_stack:\" (5.9+)" },
};

static bool kv_allowed(const struct log_report *rep, kver_t kv)
{
	for (size_t i = 0; i < sizeof(kv_rules) / sizeof(kv_rules[0]); i++) {
		const struct kv_rule *r = &kv_rules[i];
		if ((rep->formats & r->format) && (kv < r->min || kv > r->max))
			return false;
	}
	/* a warn_alloc line without ", nodemask=" is 4.9 or older */
	if (rep->kind == LOG_ALLOC_FAILURE && rep->have_mask &&
	    !(rep->formats & LOGF_NODEMASK) && kv >= KVER(4, 10, 0))
		return false;
	return true;
}

static bool mask_fits(const struct log_report *rep, kver_t kv)
{
	char text[200], err[256];
	uint32_t m;

	if (!rep->have_mask || !rep->mask_named)
		return true;
	snprintf(text, sizeof(text), "0x%x(%s)", rep->mask, rep->mask_names);
	return gfp_parse(text, kv, &m, err, sizeof(err)) == 0;
}

kver_t explain_infer_kernel(const struct log_report *rep,
			    enum explain_kver_source *src, char *why,
			    size_t len)
{
	kver_t kv;
	char a[24], b[24];

	if (rep->release[0] && !kver_parse(rep->release, &kv)) {
		*src = KVS_RELEASE;
		snprintf(why, len, "from the dump_stack header (line %u): %s",
			 rep->release_line, rep->release);
		return kv;
	}
	/* the supported lines the mask's names and the format allow */
	kver_t first = 0, last = 0;
	bool by_mask = rep->have_mask && rep->mask_named;
	for (int pass = 0; pass < 2 && !first; pass++) {
		for (const kver_t *k = kver_supported; *k; k++) {
			if (!kv_allowed(rep, *k) || (pass == 0 && !mask_fits(rep, *k)))
				continue;
			if (!first)
				first = *k;
			last = *k;
		}
		if (pass == 0 && first)
			break;
		by_mask = false;
	}
	if (!first || (!rep->formats && !(rep->have_mask && rep->mask_named))) {
		*src = KVS_DEFAULT;
		snprintf(why, len, "nothing in the report names a version; "
			 "assumed %s (give --kernel)",
			 kver_format(KVER_DEFAULT, a, sizeof(a)));
		return KVER_DEFAULT;
	}
	*src = by_mask ? KVS_MASK : KVS_FORMAT;
	kver_format(first, a, sizeof(a));
	kver_format(last, b, sizeof(b));
	if (first == last)
		snprintf(why, len, "%s%s fits only %s", by_mask ? "mode " : "",
			 by_mask ? rep->mask_names : "the report's format", a);
	else
		snprintf(why, len, "%s%s%s fits %s to %s; assumed %s, the oldest "
			 "(give --kernel)", by_mask ? "0x" : "",
			 by_mask ? "" : "the report's format",
			 by_mask ? rep->mask_names : "", a, b, a);
	if (by_mask && first != last) {
		char m[200];
		snprintf(m, sizeof(m), "0x%x(%s)", rep->mask, rep->mask_names);
		snprintf(why, len, "%s fits the %s to %s lines; assumed %s, the "
			 "oldest (give --kernel)", m, a, b, a);
	}
	return first;
}

/* ---- building the node ------------------------------------------------------ */

static unsigned default_orders(unsigned page_kb)
{
	return page_kb == 64 ? 14 : page_kb == 16 ? 12 : 11;
}

/* Configured zones: the printed ones, ZONE_NORMAL and ZONE_MOVABLE (every
 * kernel has them), then others until lowmem_reserve[]'s length. */
static void configure_zones(struct explanation *ex, const struct log_report *rep)
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

static int config_idx(const struct pglist_data *pg, const char *name)
{
	int t = log_zone_type(name);

	for (unsigned i = 0; i < pg->nr_zones; i++)
		if ((int)pg->node_zones[i].type == t)
			return (int)i;
	return -1;
}

static long to_pages(const struct explanation *ex, unsigned long kb)
{
	return (long)(kb / ex->page_kb);
}

/* The printed zone as a struct zone of the bookkeeping node. */
static struct zone *load_zone(struct explanation *ex, const struct log_zone *lz,
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
	z->present_pages = lz->present_kb ? (unsigned long)to_pages(ex, lz->present_kb) : 1;
	z->managed_pages = (unsigned long)to_pages(ex, lz->managed_kb);
	unsigned long boost = (unsigned long)to_pages(ex, lz->boost_kb);
	z->watermark_boost = boost;
	z->_watermark[WMARK_MIN] = (unsigned long)to_pages(ex, lz->min_kb) - boost;
	z->_watermark[WMARK_LOW] = (unsigned long)to_pages(ex, lz->low_kb) - boost;
	z->_watermark[WMARK_HIGH] = (unsigned long)to_pages(ex, lz->high_kb) - boost;
	for (unsigned j = 0; j < lz->nr_reserve && j < MAX_NR_ZONES; j++)
		z->lowmem_reserve[j] = lz->lowmem_reserve[j];
	z->nr_reserved_highatomic = (unsigned long)to_pages(ex, lz->highatomic_kb);
	long free = (lz->have & LZ_ZONE_LINE) ? to_pages(ex, lz->free_kb) :
		    to_pages(ex, lz->total_kb);
	z->vm_stat[NR_FREE_PAGES] = free;
	z->vm_stat[NR_FREE_CMA_PAGES] = to_pages(ex, lz->free_cma_kb);
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
		if (types & LOG_TYPE_RESERVE_BIT)
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

static void zone_blocks(struct explanation *ex, struct explain_zone *ez,
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
		if (types & LOG_TYPE_RESERVE_BIT)
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

static void judge_zone(struct explanation *ex, struct explain_zone *ez,
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

static void alloc_flags_text(struct explanation *ex)
{
	static const struct { unsigned bit; const char *old, *split; } names[] = {
		{ ALLOC_NO_WATERMARKS, "ALLOC_NO_WATERMARKS", "ALLOC_NO_WATERMARKS" },
		{ ALLOC_OOM, "ALLOC_OOM", "ALLOC_OOM" },
		{ ALLOC_HARDER, "ALLOC_HARDER", "ALLOC_NON_BLOCK" },
		{ ALLOC_HIGH, "ALLOC_HIGH", "ALLOC_MIN_RESERVE" },
		{ ALLOC_CPUSET, "ALLOC_CPUSET", "ALLOC_CPUSET" },
		{ ALLOC_CMA, "ALLOC_CMA", "ALLOC_CMA" },
		{ ALLOC_HIGHATOMIC, "ALLOC_HIGHATOMIC", "ALLOC_HIGHATOMIC" },
		{ ALLOC_KSWAPD, "ALLOC_KSWAPD", "ALLOC_KSWAPD" },
	};
	bool split = kver_alloc_reserves_split(ex->kv);
	size_t n = (size_t)snprintf(ex->alloc_flags_text,
				    sizeof(ex->alloc_flags_text), "ALLOC_WMARK_MIN");

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((ex->alloc_flags & names[i].bit) && n < sizeof(ex->alloc_flags_text))
			n += (size_t)snprintf(ex->alloc_flags_text + n,
					      sizeof(ex->alloc_flags_text) - n, "|%s",
					      split ? names[i].split : names[i].old);
}

static void usage_numbers(struct explanation *ex, const struct log_report *rep)
{
	struct explain_usage *u = &ex->usage;
	const unsigned long *c = rep->counters;
	uint32_t need = (1u << LC_FREE) | (1u << LC_ACTIVE_ANON) |
			(1u << LC_ACTIVE_FILE) | (1u << LC_SLAB_UNRECLAIMABLE);

	if ((rep->counters_seen & need) != need)
		return;
	unsigned long managed = 0;
	for (unsigned i = 0; i < rep->nr_zones; i++)
		managed += (unsigned long)to_pages(ex, rep->zones[i].managed_kb);
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
	u->free = c[LC_FREE] + c[LC_FREE_PCP];
	u->anon = c[LC_ACTIVE_ANON] + c[LC_INACTIVE_ANON] + c[LC_ISOLATED_ANON];
	u->file = c[LC_ACTIVE_FILE] + c[LC_INACTIVE_FILE] + c[LC_ISOLATED_FILE];
	u->unevictable = c[LC_UNEVICTABLE];
	u->slab_reclaimable = c[LC_SLAB_RECLAIMABLE];
	u->slab_unreclaimable = c[LC_SLAB_UNRECLAIMABLE];
	u->pagetables = c[LC_PAGETABLES];
	u->kernel_stack = rep->kernel_stack_kb / ex->page_kb;
	u->cma_reserved = rep->pages_cma_reserved;
	u->non_cma_free = c[LC_FREE] > c[LC_FREE_CMA] ? c[LC_FREE] - c[LC_FREE_CMA] : 0;
	unsigned long counted = u->free + u->anon + u->file + u->unevictable +
		u->slab_reclaimable + u->slab_unreclaimable + u->pagetables +
		u->kernel_stack;
	u->untracked = managed > counted ? managed - counted : 0;
}

static unsigned pct(unsigned long part, unsigned long whole)
{
	return whole ? (unsigned)(part * 100 / whole) : 0;
}

/* KiB → "633300 kB (618 MiB)" */
static const char *human_kb(unsigned long kb, char *buf, size_t len)
{
	if (kb >= 10 * 1024 * 1024)
		snprintf(buf, len, "%lu GiB", kb >> 20);
	else if (kb >= 10 * 1024)
		snprintf(buf, len, "%lu MiB", kb >> 10);
	else
		snprintf(buf, len, "%lu kB", kb);
	return buf;
}

/* "5", or "none" for -1 */
static const char *order_or_none(int order, char *buf, size_t len)
{
	if (order < 0)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%d", order);
	return buf;
}

/* ---- the verdict --------------------------------------------------------------- */

static void verdict_text(struct explanation *ex)
{
	char *t = ex->verdict_text;
	size_t n = sizeof(ex->verdict_text);
	const struct explain_zone *z = ex->primary >= 0 ? &ex->zones[ex->primary] : NULL;
	const struct log_report *rep = ex->rep;
	char h1[32], h2[32];
	unsigned long block_kb = (unsigned long)ex->page_kb << ex->order;

	switch (ex->verdict) {
	case EV_SHOULD_HAVE_SUCCEEDED:
		snprintf(t, n, "the snapshot says it should have succeeded: in "
			 "%s, %ld usable free pages are above min %ld + "
			 "lowmem_reserve %ld, and a free block of order >= %u is "
			 "on a list this request may take", z->name,
			 z->seen.usable, z->seen.min, z->seen.lowmem_reserve,
			 ex->order);
		break;
	case EV_CMA_ONLY:
		if (z->counts_ok || z->seen.watermark_ok || z->wmark_unknown)
			snprintf(t, n, "only CMA left: every free block of order "
				 ">= %u (%s) in %s is on a CMA list (%lu blocks, "
				 "%s), and %s request may not take CMA pages",
				 ex->order, human_kb(block_kb, h1, sizeof(h1)),
				 z->name, z->ge_cma_blocks,
				 human_kb(z->ge_cma_kb, h2, sizeof(h2)),
				 mt_request[ex->migratetype]);
		else
			snprintf(t, n, "only CMA left: %s has %ld free pages, %ld "
				 "of them CMA, which %s request may not use; "
				 "the other %ld are not above min %ld + "
				 "lowmem_reserve %ld", z->name, z->seen.free_pages,
				 z->cma, mt_request[ex->migratetype],
				 z->seen.usable, z->seen.min,
				 z->seen.lowmem_reserve);
		break;
	case EV_FRAGMENTATION:
		if (z->wmark_unknown)
			snprintf(t, n, "fragmentation: %s has %ld free pages by "
				 "its buddy line (no zone line: its watermark is "
				 "unknown), but no free block of order >= %u (%s) "
				 "on a list this request may take; the largest is "
				 "order %s", z->name, z->seen.free_pages, ex->order,
				 human_kb(block_kb, h1, sizeof(h1)),
				 order_or_none(z->largest_usable, h2, sizeof(h2)));
		else
			snprintf(t, n, "fragmentation: %s has %ld free pages, "
				 "enough for the watermark (min %ld), but no free "
				 "block of order >= %u (%s) on a list this request "
				 "may take; the largest free block is order %s",
				 z->name, z->seen.free_pages, z->seen.min, ex->order,
				 human_kb(block_kb, h1, sizeof(h1)),
				 order_or_none(z->largest_usable, h2, sizeof(h2)));
		break;
	case EV_WATERMARK:
		snprintf(t, n, "below the %swatermark: %s has %ld usable free "
			 "pages, not above min %ld (printed %ld%s) + lowmem_reserve "
			 "%ld", (ex->alloc_flags & (ALLOC_HIGH | ALLOC_HARDER)) ?
			 "atomic " : "", z->name, z->seen.usable, z->seen.min,
			 z->mark, z->seen.min != z->mark ?
			 ", after the reserve discounts" : "",
			 z->seen.lowmem_reserve);
		if (z->boost) {
			size_t l = strlen(t);
			snprintf(t + l, n - l, "; %ld of the printed min is "
				 "watermark_boost, raised after pageblocks were "
				 "stolen for fallbacks", z->boost);
		}
		break;
	case EV_HIGHATOMIC:
		if (ex->order && z->ge_ha_blocks) {
			snprintf(t, n, "highatomic reserve trap: every free block "
				 "of order >= %u (%s) in %s is in the highatomic "
				 "reserve (%lu block%s, letter H), which this "
				 "request may not use", ex->order,
				 human_kb(block_kb, h1, sizeof(h1)), z->name,
				 z->ge_ha_blocks, z->ge_ha_blocks == 1 ? "" : "s");
			break;
		}
		snprintf(t, n, "highatomic reserve trap: the free memory %s "
			 "needs in %s is held in the highatomic reserve (%ld "
			 "pages reserved), which this request may not use",
			 ex->order ? "of that order" : "", z->name,
			 z->highatomic ? z->highatomic :
			 (long)ex->node.node_zones[z->idx].nr_reserved_highatomic);
		break;
	case EV_LOWMEM_RESERVE:
		snprintf(t, n, "lowmem_reserve protection: %s has %ld usable free "
			 "pages, above min %ld but not above min + lowmem_reserve "
			 "%ld, which it keeps for requests that cannot use a "
			 "higher zone", z->name, z->seen.usable, z->seen.min,
			 z->seen.lowmem_reserve);
		break;
	case EV_NO_ZONE:
		snprintf(t, n, "no eligible zone: the request may use zones up "
			 "to %s, and the report prints none of them",
			 ex->highest_zone);
		break;
	case EV_ORDER_TOO_LARGE:
		snprintf(t, n, "order too large: order %u is beyond the largest "
			 "order this kernel has (%u, %s blocks); the allocator "
			 "refuses it without looking at free memory", ex->order,
			 ex->nr_page_orders - 1,
			 human_kb((unsigned long)ex->page_kb << (ex->nr_page_orders - 1),
				  h1, sizeof(h1)));
		break;
	case EV_NOT_PAGES:
		snprintf(t, n, "not a page shortage: %s — the vmalloc address "
			 "space (or the area's metadata) ran out, not free pages",
			 rep->message);
		break;
	case EV_CMA_AREA:
		if (rep->have_cma_avail)
			snprintf(t, n, "the CMA area%s%s has %lu of %lu pages "
				 "free but no free run of %lu pages at the "
				 "alignment asked", rep->cma_name[0] ? " " : "",
				 rep->cma_name, rep->cma_free_pages,
				 rep->cma_total_pages, rep->cma_req_pages);
		else
			snprintf(t, n, "the CMA area%s%s has no free run of %lu "
				 "pages (ret %ld)", rep->cma_name[0] ? " " : "",
				 rep->cma_name, rep->cma_req_pages, rep->cma_ret);
		break;
	case EV_NO_NUMBERS:
		if (z && z->wmark_unknown) {
			snprintf(t, n, "cannot tell: %s has a free block of order "
				 ">= %u on a list this request may take, but no "
				 "zone line gives its watermark", z->name, ex->order);
			break;
		}
		if (z) {
			snprintf(t, n, "cannot tell: %s has enough free pages "
				 "(%ld usable > min %ld + lowmem_reserve %ld), but its "
				 "buddy line is cut before order %u, so whether a "
				 "free block of that order existed is unknown",
				 z->name, z->seen.usable, z->seen.min,
				 z->seen.lowmem_reserve, ex->order);
			break;
		}
		snprintf(t, n, "the report carries no zone numbers (no show_mem "
			 "dump or it was cut): nothing to check the request "
			 "against");
		break;
	case EV_DUMP:
		snprintf(t, n, "no failure in this %s; it shows the free blocks "
			 "per zone below", log_report_kind_names[rep->kind]);
		break;
	case EV_NR:
		break;
	}
}

static void recommend(struct explanation *ex)
{
	const struct explain_usage *u = &ex->usage;
	bool atomic = ex->have_request && !ex->can_reclaim;
	bool high = ex->have_request && ex->order > 0;

	switch (ex->verdict) {
	case EV_CMA_ONLY:
		if (ex->migratetype != MIGRATE_MOVABLE)
			ex->recs |= REC_DMA_COHERENT;
		if (ex->rep->kind == LOG_OOM || ex->migratetype == MIGRATE_MOVABLE)
			ex->recs |= REC_CMA_SIZE;
		if (high)
			ex->recs |= REC_KVMALLOC;
		if (atomic)
			ex->recs |= REC_PREALLOCATE;
		break;
	case EV_FRAGMENTATION:
		ex->recs |= REC_COMPACTION | REC_KVMALLOC;
		if (atomic)
			ex->recs |= REC_PREALLOCATE | REC_MIN_FREE;
		break;
	case EV_HIGHATOMIC:
		ex->recs |= REC_COMPACTION;
		if (high)
			ex->recs |= REC_KVMALLOC;
		break;
	case EV_WATERMARK:
		ex->recs |= REC_MIN_FREE;
		if (atomic)
			ex->recs |= REC_PREALLOCATE | REC_SLEEPING_CTX;
		break;
	case EV_LOWMEM_RESERVE:
		if (ex->gfp & (__GFP_DMA | __GFP_DMA32))
			ex->recs |= REC_DMA_ZONE;
		break;
	case EV_NO_ZONE:
		ex->recs |= REC_DMA_ZONE;
		break;
	case EV_ORDER_TOO_LARGE:
		ex->recs |= REC_KVMALLOC | REC_DMA_COHERENT;
		break;
	case EV_NOT_PAGES:
		ex->recs |= REC_VMALLOC_SPACE;
		break;
	case EV_CMA_AREA:
		ex->recs |= REC_CMA_PINS | REC_PREALLOCATE;
		break;
	case EV_SHOULD_HAVE_SUCCEEDED:
		if (atomic)
			ex->recs |= REC_NOWARN | REC_MIN_FREE;
		break;
	default:
		break;
	}
	if (u->valid && ex->verdict != EV_DUMP &&
	    (pct(u->untracked, u->managed) >= 10 ||
	     pct(u->slab_unreclaimable, u->managed) >= 20 ||
	     pct(u->anon, u->managed) >= 50))
		ex->recs |= REC_FIX_LEAK;
}

/* The request's zones, evaluated from the highest down. */
static void evaluate_zones(struct explanation *ex, const struct log_report *rep)
{
	struct pglist_data *pg = &ex->node;
	int highest = gfp_zone_idx(pg, ex->gfp);

	if (highest < 0) {
		note(ex, "the mask names two zones (__GFP_DMA, __GFP_DMA32, "
		     "__GFP_HIGHMEM): the kernel's gfp_zone() calls that a bug");
		highest = (int)pg->nr_zones - 1;
	}
	snprintf(ex->highest_zone, sizeof(ex->highest_zone), "%s",
		 pg->node_zones[highest].name);
	/* 5.8+: lowmem_reserve[highest_zoneidx]; before, the preferred zone's
	 * index (ac_classzone_idx()) */
	int classzone = highest;
	if (ex->kv < KVER(5, 8, 0)) {
		for (classzone = highest; classzone > 0; classzone--) {
			const char *nm = pg->node_zones[classzone].name;
			const struct log_zone *lz = log_find_zone(rep, nm);
			if (lz && lz->present_kb)
				break;
		}
	}
	unsigned reserve_idx = (unsigned)classzone;

	for (int idx = highest; idx >= 0; idx--) {
		for (unsigned i = 0; i < rep->nr_zones; i++) {
			const struct log_zone *lz = &rep->zones[i];
			if (config_idx(pg, lz->name) != idx)
				continue;
			if (!(lz->have & (LZ_ZONE_LINE | LZ_BUDDY | LZ_BUDDY_CUT |
					  LZ_BUDDYINFO)))
				continue;
			if (ex->nr_zones >= LOG_MAX_ZONES)
				return;
			struct explain_zone *ez = &ex->zones[ex->nr_zones++];
			memset(ez, 0, sizeof(*ez));
			snprintf(ez->name, sizeof(ez->name), "%s", lz->name);
			ez->node = lz->node;
			ez->idx = (unsigned)idx;
			ez->wmark_unknown = !(lz->have & LZ_ZONE_LINE);
			struct zone *z = load_zone(ex, lz, idx);
			ez->mark = to_pages(ex, lz->min_kb);
			ez->low = to_pages(ex, lz->low_kb);
			ez->high = to_pages(ex, lz->high_kb);
			ez->boost = (long)z->watermark_boost;
			/* boost not printed (before 6.1): when low - min says
			 * the zone's own min is under half the printed one */
			if (!(lz->have & LZ_BOOST) && ez->low > ez->mark &&
			    4 * (ez->low - ez->mark) < ez->mark / 2)
				ez->boost_floor = ez->mark - 4 * (ez->low - ez->mark);
			zone_watermark_fast(z, ex->order, (unsigned long)ez->mark,
					    reserve_idx, ex->alloc_flags, ex->gfp,
					    &ez->seen);
			if (!(ex->alloc_flags & ALLOC_CMA))
				ez->cma = z->vm_stat[NR_FREE_CMA_PAGES];
			ez->highatomic = ez->seen.free_pages - ez->seen.usable -
					 ez->cma - ((1L << ex->order) - 1);
			if (ez->highatomic < 0)
				ez->highatomic = 0;
			zone_blocks(ex, ez, lz);
			judge_zone(ex, ez, lz);
		}
	}
}

static void primary_verdict(struct explanation *ex)
{
	long best = -1;

	ex->primary = -1;
	for (unsigned i = 0; i < ex->nr_zones; i++) {
		if (ex->zones[i].why == EV_SHOULD_HAVE_SUCCEEDED) {
			ex->primary = (int)i;
			ex->verdict = EV_SHOULD_HAVE_SUCCEEDED;
			return;
		}
	}
	/* the zone with the most free memory is the one that was expected */
	for (unsigned i = 0; i < ex->nr_zones; i++) {
		if (ex->zones[i].seen.free_pages > best) {
			best = ex->zones[i].seen.free_pages;
			ex->primary = (int)i;
		}
	}
	ex->verdict = ex->zones[ex->primary].why;
}

static void request_notes(struct explanation *ex, const struct log_report *rep)
{
	for (unsigned i = 0; i < ex->nr_zones; i++) {
		const struct explain_zone *z = &ex->zones[i];
		if (z->boost_floor > 0)
			note(ex, "%s: low - min is only %ld pages, so at most %ld "
			     "of min %ld is the zone's own watermark: at least %ld "
			     "pages of it are watermark_boost (raised after "
			     "pageblocks were stolen for fallbacks)", z->name,
			     z->low - z->mark, 4 * (z->low - z->mark), z->mark,
			     z->boost_floor);
		if (z->orders_unknown)
			note(ex, "%s: the buddy line is cut or missing; free "
			     "blocks of orders it does not show are unknown",
			     z->name);
		if (z->letters_unknown && !z->orders_unknown)
			note(ex, "%s: no migratetype letters (buddyinfo counts "
			     "only): every block was taken as usable", z->name);
	}
	const struct explain_zone *p = ex->primary >= 0 ? &ex->zones[ex->primary] : NULL;
	for (unsigned i = 0; i < ex->nr_zones && ex->order; i++) {
		const struct explain_zone *z = &ex->zones[i];
		if (z == p || z->why == ex->verdict)
			continue;
		if (z->why == EV_HIGHATOMIC && z->ge_ha_blocks)
			note(ex, "%s holds %lu free block%s of order >= %u, all in "
			     "the highatomic reserve, which this request may not "
			     "take", z->name, z->ge_ha_blocks,
			     z->ge_ha_blocks == 1 ? "" : "s", ex->order);
		else if (z->why == EV_CMA_ONLY && z->ge_cma_blocks)
			note(ex, "%s holds %lu free block%s of order >= %u, all "
			     "CMA, which this request may not take", z->name,
			     z->ge_cma_blocks, z->ge_cma_blocks == 1 ? "" : "s",
			     ex->order);
	}
	if (p && ex->verdict == EV_SHOULD_HAVE_SUCCEEDED) {
		bool below = true;
		for (unsigned i = 0; i < ex->nr_zones; i++)
			if (ex->zones[i].seen.free_pages > ex->zones[i].mark)
				below = false;
		if (below && (ex->alloc_flags & (ALLOC_HIGH | ALLOC_HARDER)))
			note(ex, "free is below the printed min watermark in every "
			     "zone; only the reserve discounts of this request "
			     "(__GFP_HIGH: -1/2, then -1/4) lift it over: a "
			     "request without them would have failed here, and "
			     "this one needed free memory only a little lower "
			     "than printed");
		if ((ex->alloc_flags & ALLOC_CMA) && rep->nr_zones) {
			struct zone *z = &ex->node.node_zones[p->idx];
			long cma = z->vm_stat[NR_FREE_CMA_PAGES];
			long rest = p->seen.usable - cma;
			if (cma && rest <= p->seen.min + p->seen.lowmem_reserve) {
				ex->recs |= REC_CMA_SIZE;
				note(ex, "without CMA, %s has %ld free pages, not "
				     "above min %ld + lowmem_reserve %ld: everything "
				     "above the watermark is CMA.  This request is "
				     "movable and may use CMA; if this kernel kept "
				     "it out of CMA (long-term pinned pages, "
				     "PF_MEMALLOC_NOCMA, a vendor change), that is "
				     "why it failed", p->name, rest, p->seen.min,
				     p->seen.lowmem_reserve);
			}
		}
		note(ex, "show_mem runs after the failing attempt: pages freed in "
		     "between (other CPUs, per-cpu lists) are in this snapshot, "
		     "and a cpuset, mempolicy or __GFP_THISNODE can narrow the "
		     "zones tried");
	}
	if (rep->kind == LOG_OOM)
		note(ex, "the OOM killer ran: reclaim made no progress at order "
		     "%u (all_unreclaimable? %s)", ex->order,
		     rep->all_unreclaimable < 0 ? "not printed" :
		     rep->all_unreclaimable ? "yes" : "no");
	if (ex->kv < KVER(4, 15, 0) && (ex->alloc_flags & ALLOC_HARDER) &&
	    ex->order && p && p->seen.watermark_ok && !p->rmqueue_block)
		note(ex, "on %u.%u the watermark check lets an ALLOC_HARDER "
		     "request pass on any free block of the order, CMA "
		     "included; __rmqueue() then finds none it may take",
		     KVER_MAJOR(ex->kv), KVER_MINOR(ex->kv));
	if (rep->kind == LOG_ALLOC_STALL)
		note(ex, "a stall report (%lu ms), not a failure: the request "
		     "was still being retried", rep->stall_ms);
}

static void explain_request(struct explanation *ex, const struct log_report *rep)
{
	uint32_t unknown = 0;

	ex->order = rep->order;
	ex->mask = rep->mask;
	ex->gfp = gfp_from_kernel(rep->mask, ex->kv, &unknown);
	gfp_format(rep->mask, ex->kv, ex->mask_text, sizeof(ex->mask_text));
	gfp_format_bits(rep->mask, ex->kv, ex->mask_bits, sizeof(ex->mask_bits));
	if (unknown)
		note(ex, "bits 0x%x of the mask mean nothing on this kernel "
		     "(vendor or config bits)", unknown);
	if (rep->mask_named && !mask_fits(rep, ex->kv)) {
		char v[24];
		note(ex, "the log names the mask %s, which is not how %s "
		     "numbers it: the version is probably wrong", rep->mask_names,
		     kver_format(ex->kv, v, sizeof(v)));
	}
	if (rep->kind == LOG_VMALLOC && !(ex->gfp & (__GFP_DMA | __GFP_DMA32)))
		ex->gfp |= __GFP_HIGHMEM;       /* the pages it asked for */
	ex->migratetype = gfp_migratetype(ex->gfp);
	ex->can_reclaim = (ex->gfp & __GFP_DIRECT_RECLAIM) != 0;
	ex->alloc_flags = gfp_to_alloc_flags(&ex->node, ex->gfp, ex->order);
	alloc_flags_text(ex);
	/* the zone gfp_zone() names, until the printed zones say more */
	snprintf(ex->highest_zone, sizeof(ex->highest_zone), "%s",
		 (ex->gfp & __GFP_DMA) ? "DMA" : (ex->gfp & __GFP_DMA32) ? "DMA32" :
		 (ex->gfp & __GFP_HIGHMEM) ?
		 ((ex->gfp & __GFP_MOVABLE) ? "Movable" : "HighMem") : "Normal");
	/* pagefault_out_of_memory() builds its oom_control with no mask */
	if (rep->kind == LOG_OOM && !rep->mask && !rep->order)
		note(ex, "gfp_mask=0x0 with order 0 is pagefault_out_of_memory(): "
		     "a page fault handler returned VM_FAULT_OOM (a driver's "
		     "fault handler or a memory cgroup charge), not a failed "
		     "page allocation; the zones below were not what refused it");
	if (rep->kind == LOG_VMALLOC && rep->have_vm_allocated) {
		note(ex, "vmalloc takes its pages one by one (order 0, with "
		     "__GFP_NOWARN) and stopped after %lu of %lu bytes: one "
		     "page allocation failed there%s", rep->vm_allocated,
		     rep->vm_size, KVER_MAJOR(ex->kv) == 4 && KVER_MINOR(ex->kv) == 10 ?
		     ", or the task had a fatal signal pending, on which 4.10's "
		     "__vmalloc_area_node() stops (commit 5d17a73a2ebe)" : "");
	}
}

/* vmalloc messages that are not about pages */
static bool vmalloc_not_pages(const struct log_report *rep)
{
	const char *m = rep->message;

	if (rep->kind == LOG_VMAP)
		return true;
	return strstr(m, "vm_struct allocation failed") ||
	       (strstr(m, "allocation failure:") && strstr(m, " bytes") &&
		!strstr(m, "allocated"));
}

int explain_report(const struct log *log, unsigned i, kver_t kv,
		   struct explanation *ex, struct gfp_error *err)
{
	if (i >= log->nr_reports) {
		snprintf(err->msg, sizeof(err->msg), "report %u: the log has %u "
			 "report%s", i + 1, log->nr_reports,
			 log->nr_reports == 1 ? "" : "s");
		return -1;
	}
	const struct log_report *rep = &log->reports[i];

	memset(ex, 0, sizeof(*ex));
	ex->rep = rep;
	ex->number = i + 1;
	ex->primary = -1;
	if (kv) {
		ex->kv = kv;
		ex->kv_source = KVS_GIVEN;
		snprintf(ex->kv_detail, sizeof(ex->kv_detail), "given with --kernel");
	} else {
		ex->kv = explain_infer_kernel(rep, &ex->kv_source, ex->kv_detail,
					      sizeof(ex->kv_detail));
	}

	/* page size and orders from the buddy lines */
	for (unsigned z = 0; z < rep->nr_zones; z++) {
		const struct log_zone *lz = &rep->zones[z];
		if (lz->unit_kb && !ex->page_kb)
			ex->page_kb = (unsigned)lz->unit_kb;
		if ((lz->have & LZ_BUDDY) && lz->nr_orders > ex->nr_page_orders)
			ex->nr_page_orders = lz->nr_orders;
	}
	if (!ex->page_kb) {
		ex->page_kb = 4;
		if (rep->nr_zones && rep->kind != LOG_PAGETYPEINFO &&
		    rep->kind != LOG_BUDDYINFO)
			note(ex, "no buddy line gives the page size: 4 kB assumed");
	}
	if (!ex->nr_page_orders)
		ex->nr_page_orders = default_orders(ex->page_kb);

	struct pglist_data *pg = &ex->node;
	pg->kv = ex->kv;
	pg->page_shift = (unsigned)__builtin_ctz(ex->page_kb) + 10;
	pg->nr_page_orders = ex->nr_page_orders;
	pg->pageblock_order = rep->have_pageblock ? rep->pageblock_order :
			      ex->nr_page_orders - 2;
	pg->nr_cpus = 1;
	configure_zones(ex, rep);
	usage_numbers(ex, rep);

	switch (rep->kind) {
	case LOG_SHOW_MEM:
	case LOG_BUDDYINFO:
	case LOG_PAGETYPEINFO:
		ex->verdict = EV_DUMP;
		verdict_text(ex);
		return 0;
	case LOG_CMA:
		ex->verdict = EV_CMA_AREA;
		verdict_text(ex);
		recommend(ex);
		return 0;
	default:
		break;
	}
	if (vmalloc_not_pages(rep)) {
		ex->verdict = EV_NOT_PAGES;
		verdict_text(ex);
		recommend(ex);
		return 0;
	}
	if (rep->kind == LOG_VMALLOC && !rep->have_order)
		ex->order = 0;          /* vmalloc takes order-0 pages */
	ex->have_request = rep->have_mask && (rep->have_order || rep->kind == LOG_VMALLOC);
	if (!ex->have_request) {
		ex->verdict = EV_NO_NUMBERS;
		snprintf(ex->verdict_text, sizeof(ex->verdict_text), "the report "
			 "line is cut before its %s: the request is unknown",
			 rep->have_mask ? "order" : "gfp mask");
		return 0;
	}
	explain_request(ex, rep);
	if (!rep->have_order)
		ex->order = 0;
	if (ex->order >= ex->nr_page_orders) {
		ex->verdict = EV_ORDER_TOO_LARGE;
		verdict_text(ex);
		recommend(ex);
		return 0;
	}
	if (!rep->mem_info || !rep->nr_zones) {
		ex->verdict = EV_NO_NUMBERS;
		verdict_text(ex);
		return 0;
	}
	evaluate_zones(ex, rep);
	if (!ex->nr_zones) {
		ex->verdict = EV_NO_ZONE;
		verdict_text(ex);
		recommend(ex);
		return 0;
	}
	primary_verdict(ex);
	verdict_text(ex);
	request_notes(ex, rep);
	recommend(ex);
	return 0;
}

/* ---- output ------------------------------------------------------------------ */

static const char *const rec_keys[] = {
	"dma-coherent", "kvmalloc", "preallocate", "fix-leak", "compaction",
	"min-free-kbytes", "sleeping-context", "cma-size", "vmalloc-space",
	"dma-api", "nowarn", "cma-pins",
};
#define NR_RECS (sizeof(rec_keys) / sizeof(rec_keys[0]))

/* The biggest consumer the counters show, for "fix the leak". */
static void leak_pointer(const struct explanation *ex, char *buf, size_t len)
{
	const struct explain_usage *u = &ex->usage;
	const struct log_report *rep = ex->rep;
	char h[32];

	if (pct(u->untracked, u->managed) >= 10) {
		snprintf(buf, len, "%lu pages (%s, %u%% of managed) are in no "
			 "counter: pages drivers took straight from the page "
			 "allocator (alloc_pages, DMA/CMA buffers, GPU/ION), which "
			 "is where a leak hides; watch MemFree over time and the "
			 "drivers' allocations", u->untracked,
			 human_kb(u->untracked * ex->page_kb, h, sizeof(h)),
			 pct(u->untracked, u->managed));
	} else if (pct(u->slab_unreclaimable, u->managed) >= 20) {
		snprintf(buf, len, "unreclaimable slab holds %lu pages (%s, %u%%): "
			 "look at /proc/slabinfo (slabtop) and kmemleak",
			 u->slab_unreclaimable,
			 human_kb(u->slab_unreclaimable * ex->page_kb, h, sizeof(h)),
			 pct(u->slab_unreclaimable, u->managed));
	} else {
		unsigned best = 0;
		for (unsigned i = 1; i < rep->nr_tasks; i++)
			if (rep->tasks[i].rss > rep->tasks[best].rss)
				best = i;
		int n = snprintf(buf, len, "user memory (anon) holds %lu pages "
				 "(%s, %u%% of managed)", u->anon,
				 human_kb(u->anon * ex->page_kb, h, sizeof(h)),
				 pct(u->anon, u->managed));
		if (rep->nr_tasks && n > 0 && (size_t)n < len)
			snprintf(buf + n, len - (size_t)n, "; the largest resident "
				 "in the OOM table is %s (%u process%s, %lu pages)",
				 rep->tasks[best].name, rep->tasks[best].nr,
				 rep->tasks[best].nr == 1 ? "" : "es",
				 rep->tasks[best].rss);
	}
}

static void rec_text(const struct explanation *ex, unsigned bit, char *buf,
		     size_t len)
{
	const struct explain_zone *z = ex->primary >= 0 ? &ex->zones[ex->primary] : NULL;
	unsigned long cma = ex->rep->pages_cma_reserved;
	char h[32];

	switch (bit) {
	case REC_DMA_COHERENT:
		snprintf(buf, len, "make the buffer CMA-eligible: a device buffer "
			 "from dma_alloc_coherent()/dma_alloc_attrs() comes out of "
			 "the CMA area (cma_alloc) instead of the unmovable free "
			 "lists; only __GFP_MOVABLE allocations may take free CMA "
			 "pages");
		break;
	case REC_KVMALLOC:
		snprintf(buf, len, "if it need not be physically contiguous, use "
			 "kvmalloc()/vmalloc(): order-0 pages instead of one "
			 "order-%u block%s", ex->order, ex->can_reclaim ? "" :
			 " (vmalloc may sleep: not from this atomic context)");
		break;
	case REC_PREALLOCATE:
		snprintf(buf, len, "allocate it early (probe or boot) while large "
			 "blocks exist and keep it, or use a mempool; and check the "
			 "result for NULL so a failure is not a crash");
		break;
	case REC_FIX_LEAK:
		leak_pointer(ex, buf, len);
		break;
	case REC_COMPACTION:
		snprintf(buf, len, "compaction rebuilds large blocks from movable "
			 "pages: echo 1 > /proc/sys/vm/compact_memory, or "
			 "vm.compaction_proactiveness (5.9+)%s", ex->can_reclaim ? "" :
			 "; an atomic request cannot compact for itself");
		break;
	case REC_MIN_FREE:
		snprintf(buf, len, "raise vm.min_free_kbytes (and "
			 "vm.watermark_scale_factor) so kswapd keeps more free ahead "
			 "of bursts%s", z ? "" : "");
		break;
	case REC_SLEEPING_CTX:
		snprintf(buf, len, "allocate from a context that may sleep "
			 "(GFP_KERNEL in a workqueue) so reclaim can run");
		break;
	case REC_CMA_SIZE:
		snprintf(buf, len, "the CMA reservation (%lu pages, %s) serves only "
			 "movable pages and cma_alloc(); if the workload cannot use "
			 "it, make cma= smaller", cma,
			 human_kb(cma * ex->page_kb, h, sizeof(h)));
		break;
	case REC_VMALLOC_SPACE:
		snprintf(buf, len, "look for vmalloc areas never freed "
			 "(/proc/vmallocinfo); on 32-bit, vmalloc=<size> enlarges "
			 "the space");
		break;
	case REC_DMA_ZONE:
		snprintf(buf, len, "ask for DMA-able memory through the DMA API "
			 "(dma_alloc_coherent with the device's dma_mask) instead of "
			 "GFP_DMA/GFP_DMA32 zones");
		break;
	case REC_NOWARN:
		snprintf(buf, len, "if the caller copes with the failure (a "
			 "network refill retries), __GFP_NOWARN keeps it out of the "
			 "log");
		break;
	case REC_CMA_PINS:
		snprintf(buf, len, "free CMA pages with no run long enough mean "
			 "unmovable or pinned pages inside the area: look for "
			 "long-term pins (get_user_pages) and long-lived cma_alloc "
			 "users, or give the device its own area");
		break;
	default:
		buf[0] = '\0';
	}
}

static const char *kvs_name(enum explain_kver_source s)
{
	static const char *const n[] = { "given", "release", "mask", "format",
					 "default" };
	return n[s];
}

static void text_zone(const struct explanation *ex, const struct explain_zone *z,
		      struct sbuf *sb)
{
	const struct zone_attempt *s = &z->seen;
	char h[32];
	long tail = (1L << ex->order) - 1;

	sb_printf(sb, "  %s: free %ld pages (%s)", z->name, s->free_pages,
		  human_kb((unsigned long)s->free_pages * ex->page_kb, h, sizeof(h)));
	if (z->cma || ex->node.node_zones[z->idx].vm_stat[NR_FREE_CMA_PAGES])
		sb_printf(sb, ", CMA %ld", ex->node.node_zones[z->idx].vm_stat[NR_FREE_CMA_PAGES]);
	if (ex->node.node_zones[z->idx].nr_reserved_highatomic)
		sb_printf(sb, ", highatomic reserve %lu",
			  ex->node.node_zones[z->idx].nr_reserved_highatomic);
	if (z->wmark_unknown) {
		sb_printf(sb, " by its buddy line\n    no zone line: min, "
			  "lowmem_reserve and free CMA unknown\n");
		goto blocks;
	}
	sb_printf(sb, "\n    min %ld (low %ld, high %ld%s)", z->mark, z->low,
		  z->high, z->boost ? ", boost included" : "");
	if (s->min != z->mark)
		sb_printf(sb, " -> %ld after this request's reserve discounts", s->min);
	sb_printf(sb, "; lowmem_reserve %ld\n", s->lowmem_reserve);
	sb_printf(sb, "    usable %ld = free %ld", s->usable, s->free_pages);
	if (z->cma)
		sb_printf(sb, " - CMA %ld", z->cma);
	if (z->highatomic)
		sb_printf(sb, " - highatomic %ld", z->highatomic);
	if (tail && s->usable != s->free_pages)
		sb_printf(sb, " - order tail %ld", tail);
	sb_printf(sb, "; %s %ld + %ld: %s\n", z->counts_ok ? ">" : "<=",
		  s->min, s->lowmem_reserve,
		  z->counts_ok ? "enough pages" : "too few pages");
blocks:
	sb_printf(sb, "    blocks >= order %u: %lu (%s)", ex->order, z->ge_blocks,
		  human_kb(z->ge_kb, h, sizeof(h)));
	if (z->ge_cma_blocks)
		sb_printf(sb, ", %lu of them CMA only", z->ge_cma_blocks);
	if (z->ge_ha_blocks)
		sb_printf(sb, ", %lu highatomic only", z->ge_ha_blocks);
	if (z->largest_any < 0)
		sb_printf(sb, "; no free block at all%s\n", z->orders_unknown ?
			  " in the orders printed" : "");
	else
		sb_printf(sb, "; largest free order %d, largest this request may "
			  "take %s%s\n", z->largest_any,
			  order_or_none(z->largest_usable, h, sizeof(h)),
			  z->orders_unknown ? " (buddy line cut: higher orders unknown)" : "");
	sb_printf(sb, "    -> %s\n", explain_verdict_names[z->why]);
}

static void text_dump(const struct explanation *ex, struct sbuf *sb)
{
	const struct log_report *rep = ex->rep;

	for (unsigned i = 0; i < rep->nr_zones; i++) {
		const struct log_zone *z = &rep->zones[i];
		int largest = -1;
		unsigned orders = z->nr_orders > z->pt_orders ? z->nr_orders : z->pt_orders;
		for (unsigned o = 0; o < orders; o++) {
			unsigned long n = z->nr_free[o];
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				n += z->pt_free[o][mt];
			if (n)
				largest = (int)o;
		}
		sb_printf(sb, "  %s: largest free order %d", z->name, largest);
		if (z->have & LZ_PAGETYPES) {
			sb_printf(sb, "; by type:");
			for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
				int lt = -1;
				if (!(z->pt_types & (1u << mt)))
					continue;
				for (unsigned o = 0; o < z->pt_orders; o++)
					if (z->pt_free[o][mt])
						lt = (int)o;
				sb_printf(sb, " %s %d", migratetype_names[mt], lt);
			}
		}
		if (z->have & LZ_BLOCKS) {
			sb_printf(sb, "; pageblocks:");
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				if (z->pt_blocks[mt])
					sb_printf(sb, " %s %lu", migratetype_names[mt],
						  z->pt_blocks[mt]);
		}
		sb_printf(sb, "\n");
	}
}

void explain_format_text(const struct explanation *ex, struct sbuf *sb)
{
	const struct log_report *rep = ex->rep;
	char v[24], h[32], buf[600];

	sb_printf(sb, "Report %u, lines %u-%u: %s\n", ex->number, rep->first_line,
		  rep->last_line, log_report_kind_names[rep->kind]);
	if (ex->have_request) {
		sb_printf(sb, "  task %s: order %u (%s), mode:%s\n",
			  rep->comm[0] ? rep->comm : "?", ex->order,
			  human_kb((unsigned long)ex->page_kb << ex->order, h, sizeof(h)),
			  ex->mask_text);
		if (!rep->mask_named && ex->mask_bits[0])
			sb_printf(sb, "  mode bits (the kernel printed no names): %s\n",
				  ex->mask_bits);
		if (rep->kind == LOG_VMALLOC && rep->vm_size)
			sb_printf(sb, "  vmalloc of %lu bytes%s\n", rep->vm_size,
				  rep->have_vm_allocated ? " (part allocated)" : "");
	} else if (rep->message[0]) {
		sb_printf(sb, "  %s%s%s\n", rep->comm, rep->comm[0] ? ": " : "",
			  rep->message);
	}
	if (ex->verdict != EV_DUMP)
		sb_printf(sb, "  kernel %s: %s\n", kver_format(ex->kv, v, sizeof(v)),
			  ex->kv_detail);
	if (ex->have_request) {
		sb_printf(sb, "  request: %s, zones %s and below, %s; %s\n",
			  migratetype_names[ex->migratetype], ex->highest_zone,
			  ex->alloc_flags_text, ex->can_reclaim ?
			  "may reclaim and compact" :
			  "no direct reclaim: it fails without reclaim or compaction");
	}
	sb_printf(sb, "\nVerdict: %s.\n", ex->verdict_text);

	if (ex->nr_zones) {
		sb_printf(sb, "\nZones the request may use, highest first:\n");
		for (unsigned i = 0; i < ex->nr_zones; i++)
			text_zone(ex, &ex->zones[i], sb);
	}
	if (ex->verdict == EV_DUMP)
		text_dump(ex, sb);

	const struct explain_usage *u = &ex->usage;
	if (u->valid && ex->verdict != EV_DUMP) {
		sb_printf(sb, "\nWhere the memory is (pages, of %lu managed):\n",
			  u->managed);
		sb_printf(sb, "  free %lu (%u%%)", u->free, pct(u->free, u->managed));
		if (rep->counters[LC_FREE_CMA])
			sb_printf(sb, ", of it CMA %lu: not CMA %lu",
				  rep->counters[LC_FREE_CMA], u->non_cma_free);
		sb_printf(sb, "\n  anon %lu (%u%%), file %lu (%u%%), unevictable %lu, "
			  "slab %lu reclaimable + %lu unreclaimable (%u%%), "
			  "pagetables %lu, kernel stacks %lu\n",
			  u->anon, pct(u->anon, u->managed), u->file,
			  pct(u->file, u->managed), u->unevictable,
			  u->slab_reclaimable, u->slab_unreclaimable,
			  pct(u->slab_unreclaimable, u->managed), u->pagetables,
			  u->kernel_stack);
		sb_printf(sb, "  in no counter: %lu (%u%%)", u->untracked,
			  pct(u->untracked, u->managed));
		if (u->cma_reserved)
			sb_printf(sb, "; CMA reserved %lu (%u%%)", u->cma_reserved,
				  pct(u->cma_reserved, u->managed));
		sb_printf(sb, "\n");
	}
	if (ex->recs) {
		sb_printf(sb, "\nWhat to do:\n");
		for (unsigned b = 0; b < NR_RECS; b++) {
			if (!(ex->recs & (1u << b)))
				continue;
			rec_text(ex, 1u << b, buf, sizeof(buf));
			sb_printf(sb, "  - %s\n", buf);
		}
	}
	if (ex->nr_notes) {
		sb_printf(sb, "\nNotes:\n");
		for (unsigned i = 0; i < ex->nr_notes; i++)
			sb_printf(sb, "  - %s\n", ex->notes[i]);
	}
}

static void json_key(struct sbuf *sb, const char *key, const char *val)
{
	sb_printf(sb, "\"%s\":", key);
	sb_json_string(sb, val);
}

void explain_format_json(const struct explanation *ex, struct sbuf *sb)
{
	const struct log_report *rep = ex->rep;
	char v[24], buf[600];

	sb_printf(sb, "{\"report\":%u,", ex->number);
	json_key(sb, "kind", log_report_kind_names[rep->kind]);
	sb_printf(sb, ",\"first_line\":%u,\"last_line\":%u,", rep->first_line,
		  rep->last_line);
	json_key(sb, "comm", rep->comm);
	sb_puts(sb, ",");
	json_key(sb, "kernel", kver_format(ex->kv, v, sizeof(v)));
	sb_puts(sb, ",");
	json_key(sb, "kernel_source", kvs_name(ex->kv_source));
	sb_puts(sb, ",");
	json_key(sb, "kernel_detail", ex->kv_detail);
	if (ex->have_request) {
		sb_printf(sb, ",\"order\":%u,\"mask\":\"0x%x\",", ex->order, ex->mask);
		json_key(sb, "mode", ex->mask_text);
		sb_puts(sb, ",");
		json_key(sb, "mode_bits", ex->mask_bits);
		sb_puts(sb, ",");
		json_key(sb, "migratetype", migratetype_names[ex->migratetype]);
		sb_puts(sb, ",");
		json_key(sb, "alloc_flags", ex->alloc_flags_text);
		sb_printf(sb, ",\"can_reclaim\":%s,", ex->can_reclaim ? "true" : "false");
		json_key(sb, "highest_zone", ex->highest_zone);
	}
	if (rep->message[0]) {
		sb_puts(sb, ",");
		json_key(sb, "message", rep->message);
	}
	sb_printf(sb, ",\"page_kb\":%u,\"nr_page_orders\":%u,", ex->page_kb,
		  ex->nr_page_orders);
	json_key(sb, "verdict", explain_verdict_names[ex->verdict]);
	sb_puts(sb, ",");
	json_key(sb, "verdict_text", ex->verdict_text);
	if (ex->primary >= 0) {
		sb_puts(sb, ",");
		json_key(sb, "verdict_zone", ex->zones[ex->primary].name);
	}
	sb_puts(sb, ",\"zones\":[");
	for (unsigned i = 0; i < ex->nr_zones; i++) {
		const struct explain_zone *z = &ex->zones[i];
		const struct zone_attempt *s = &z->seen;
		sb_printf(sb, "%s{", i ? "," : "");
		json_key(sb, "name", z->name);
		sb_printf(sb, ",\"node\":%d,", z->node);
		json_key(sb, "verdict", explain_verdict_names[z->why]);
		sb_printf(sb, ",\"free\":%ld,\"free_cma\":%ld,\"cma_left_out\":%ld,"
			  "\"highatomic_left_out\":%ld,\"min_printed\":%ld,"
			  "\"low\":%ld,\"high\":%ld,\"boost\":%ld,\"boost_floor\":%ld,"
			  "\"min\":%ld,\"lowmem_reserve\":%ld,\"usable\":%ld,"
			  "\"enough_pages\":%s,\"watermark_ok\":%s,\"block_ok\":%s,"
			  "\"largest_order\":%d,\"largest_usable_order\":%d,"
			  "\"blocks_ge_order\":%lu,\"kb_ge_order\":%lu,"
			  "\"cma_blocks_ge_order\":%lu,\"highatomic_blocks_ge_order\":%lu,"
			  "\"orders_unknown\":%s,\"zone_line\":%s}",
			  s->free_pages,
			  ex->node.node_zones[z->idx].vm_stat[NR_FREE_CMA_PAGES],
			  z->cma, z->highatomic, z->mark, z->low, z->high, z->boost,
			  z->boost_floor, s->min, s->lowmem_reserve, s->usable,
			  z->counts_ok && !z->wmark_unknown ? "true" : "false",
			  s->watermark_ok && !z->wmark_unknown ? "true" : "false",
			  z->rmqueue_block ? "true" : "false", z->largest_any,
			  z->largest_usable, z->ge_blocks, z->ge_kb, z->ge_cma_blocks,
			  z->ge_ha_blocks, z->orders_unknown ? "true" : "false",
			  z->wmark_unknown ? "false" : "true");
	}
	sb_puts(sb, "]");
	const struct explain_usage *u = &ex->usage;
	if (u->valid)
		sb_printf(sb, ",\"usage\":{\"managed\":%lu,\"free\":%lu,"
			  "\"free_cma\":%lu,\"anon\":%lu,\"file\":%lu,"
			  "\"unevictable\":%lu,\"slab_reclaimable\":%lu,"
			  "\"slab_unreclaimable\":%lu,\"pagetables\":%lu,"
			  "\"kernel_stack\":%lu,\"untracked\":%lu,"
			  "\"cma_reserved\":%lu}", u->managed, u->free,
			  rep->counters[LC_FREE_CMA], u->anon, u->file,
			  u->unevictable, u->slab_reclaimable,
			  u->slab_unreclaimable, u->pagetables, u->kernel_stack,
			  u->untracked, u->cma_reserved);
	sb_puts(sb, ",\"recommendations\":[");
	bool first = true;
	for (unsigned b = 0; b < NR_RECS; b++) {
		if (!(ex->recs & (1u << b)))
			continue;
		rec_text(ex, 1u << b, buf, sizeof(buf));
		sb_printf(sb, "%s{", first ? "" : ",");
		json_key(sb, "id", rec_keys[b]);
		sb_puts(sb, ",");
		json_key(sb, "text", buf);
		sb_puts(sb, "}");
		first = false;
	}
	sb_puts(sb, "],\"notes\":[");
	for (unsigned i = 0; i < ex->nr_notes; i++) {
		if (i)
			sb_puts(sb, ",");
		sb_json_string(sb, ex->notes[i]);
	}
	sb_puts(sb, "]}");
}
