/* State in: rebuild a zone from what a kernel printed about it.
 *
 * A log gives a zone line (counters, watermarks), its lowmem_reserve line,
 * a buddy line (free blocks per order, with the migratetypes whose lists
 * were non-empty), or /proc/pagetypeinfo (exact blocks per order and type,
 * pageblocks per type).  Loading throws the zone's free lists away, marks
 * every managed frame allocated (order-0 blocks owned by nobody) and then
 * frees exactly the printed blocks back with free_one_page(), placed so
 * that no two free buddies of the same order exist — the layout the kernel
 * could have had, and one that reprints byte for byte.
 *
 * Text is read as whitespace-separated tokens; each physical line may
 * start with a printk level ("<4>"), a syslog prefix ("… kernel: ") and a
 * "[ 2161.623563]" stamp, which are skipped, and rsyslog's "#012" stands
 * for a newline.  A record wrapped over several lines therefore reads as
 * one.  Nothing here allocates.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/printed.h"
#include "mm/deferred.h"
#include "mm/page_alloc.h"
#include "mm/zone_load.h"
#include "mm/internal.h"

/* ---- tokens ------------------------------------------------------------ */

struct logtok {
	const char *p;
	bool bol;               /* at the start of a physical line */
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool at_escaped_newline(const char *p)
{
	return p[0] == '#' && p[1] == '0' && p[2] == '1' && p[3] == '2';
}

/* Skip "<N>", a syslog "… kernel: " prefix and "[   12.345678]". */
static const char *skip_line_prefix(const char *p)
{
	const char *eol = p, *k;

	if (p[0] == '<' && isdigit((unsigned char)p[1]) && p[2] == '>')
		p += 3;
	while (*eol && *eol != '\n' && eol - p < 120)
		eol++;
	for (k = p; k + 8 <= eol; k++) {
		if (memcmp(k, " kernel: ", 9) == 0) {
			p = k + 9;
			break;
		}
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '[') {
		const char *q = p + 1;
		while (*q == ' ')
			q++;
		const char *digits = q;
		while (isdigit((unsigned char)*q) || *q == '.')
			q++;
		if (q > digits && *q == ']')
			p = q + 1;
	}
	return p;
}

/* Next token into [*s, *s + *n); false at the end of the text. */
static bool tok_next(struct logtok *t, const char **s, size_t *n)
{
	for (;;) {
		if (t->bol) {
			t->p = skip_line_prefix(t->p);
			t->bol = false;
		}
		if (!*t->p)
			return false;
		if (*t->p == '\n') {
			t->p++;
			t->bol = true;
			continue;
		}
		if (at_escaped_newline(t->p)) {
			t->p += 4;
			continue;
		}
		if (is_space(*t->p)) {
			t->p++;
			continue;
		}
		break;
	}
	*s = t->p;
	while (*t->p && !is_space(*t->p) && !at_escaped_newline(t->p))
		t->p++;
	*n = (size_t)(t->p - *s);
	return true;
}

static bool tok_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* Parse an unsigned decimal filling exactly [s, s+n); false otherwise. */
static bool parse_ulong(const char *s, size_t n, unsigned long *out)
{
	unsigned long v = 0;

	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*out = v;
	return true;
}

static struct zone *zone_by_name(struct pglist_data *pgdat, const char *s,
				 size_t n)
{
	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		struct zone *z = &pgdat->node_zones[i];
		if (z->name && tok_is(s, n, z->name))
			return z;
	}
	return NULL;
}

/* kB as printed → pages; false when it is not a whole number of pages */
static bool kb_to_pages(const struct pglist_data *pgdat, unsigned long kb,
			unsigned long *pages)
{
	unsigned shift = pgdat->page_shift - 10;

	if (kb & ((1UL << shift) - 1))
		return false;
	*pages = kb >> shift;
	return true;
}

/* ---- rebuilding the free lists ------------------------------------------ */

#define PB_UNASSIGNED MIGRATE_TYPES     /* pageblock type not decided yet */

struct zone_plan {
	unsigned long n[MAX_PAGE_ORDERS][MIGRATE_TYPES];  /* blocks to place */
	bool has_quota;                                   /* pageblocks per type given */
	unsigned long quota[MIGRATE_TYPES];
};

struct placer {
	struct pglist_data *pgdat;
	struct zone *zone;
	unsigned long start, end;       /* zone span */
	unsigned long assigned[MIGRATE_TYPES];
	const struct zone_plan *plan;
};

static unsigned long pb_start(const struct placer *pl, unsigned long pfn)
{
	return pfn & ~(pageblock_nr_pages(pl->pgdat) - 1);
}

/* May the pageblock holding pfn take a free block of type mt? */
static bool pageblock_takes(const struct placer *pl, unsigned long pfn, int mt)
{
	int cur = get_pageblock_migratetype(pl->pgdat, pfn);

	if (cur == mt)
		return true;
	if (cur != PB_UNASSIGNED || mt == MIGRATE_CMA)
		return false;
	return !pl->plan->has_quota || pl->assigned[mt] < pl->plan->quota[mt];
}

static void pageblock_assign(struct placer *pl, unsigned long pfn, int mt)
{
	if (get_pageblock_migratetype(pl->pgdat, pfn) == PB_UNASSIGNED) {
		set_pageblock_migratetype(pl->pgdat, pfn, mt);
		pl->assigned[mt]++;
	}
}

static bool is_free_head(struct placer *pl, unsigned long pfn, unsigned order)
{
	const struct page *page;

	if (pfn < pl->start || pfn >= pl->end)
		return false;
	page = pfn_to_page(pl->pgdat, pfn);
	return (page->flags & PG_buddy) && page->order == order;
}

/* Can an order-`order` free block of type mt start at pfn? */
static bool block_fits(struct placer *pl, unsigned long pfn, unsigned order,
		       int mt)
{
	struct pglist_data *pgdat = pl->pgdat;
	unsigned long len = 1UL << order;
	unsigned long pb = pageblock_nr_pages(pgdat);

	if (pfn < pl->start || pfn + len > pl->end)
		return false;
	/* inside a free block placed earlier (all are of order >= this one) */
	for (unsigned o = order; o < pgdat->nr_page_orders; o++)
		if (is_free_head(pl, pfn & ~((1UL << o) - 1), o))
			return false;
	/* its buddy free at the same order would have merged with it */
	if (order + 1 < pgdat->nr_page_orders &&
	    is_free_head(pl, pfn ^ len, order))
		return false;
	for (unsigned long p = pb_start(pl, pfn); p < pfn + len; p += pb)
		if (!pageblock_takes(pl, p, mt))
			return false;
	/* the reserved frames are a prefix of the zone: a block inside the
	 * zone holds one exactly when its first frame is one */
	return !pfn_reserved(pgdat, pfn);
}

static void place_block(struct placer *pl, unsigned long pfn, unsigned order,
			int mt)
{
	struct pglist_data *pgdat = pl->pgdat;
	unsigned long len = 1UL << order;

	for (unsigned long p = pb_start(pl, pfn); p < pfn + len;
	     p += pageblock_nr_pages(pgdat))
		pageblock_assign(pl, p, mt);
	/* an allocated block of this order, then freed */
	for (unsigned long p = pfn; p < pfn + len; p++) {
		struct page *page = pfn_to_page(pgdat, p);
		page->flags = p == pfn ? PG_head : PG_tail;
		page->order = p == pfn ? (uint8_t)order : 0;
	}
	free_one_page(pl->zone, pfn, order, mt);
}

/* Forget the zone's free lists and per-cpu pages: every managed frame
 * becomes an allocated order-0 block (deferred boot blocks too: every
 * frame after the reserved prefix is written here; the prefix stays
 * untouched).  Pageblocks other than CMA become undecided. */
static void zone_reset(struct pglist_data *pgdat, struct zone *zone)
{
	unsigned long start = zone->zone_start_pfn;
	unsigned long end = start + zone->spanned_pages;
	unsigned long managed = start + zone->reserved_pages;

	deferred_forget(zone);

	for (unsigned o = 0; o < MAX_PAGE_ORDERS; o++) {
		struct free_area *area = &zone->free_area[o];
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			area->free_list[mt] = PFN_NIL;
			area->nr_free_mt[mt] = 0;
		}
		area->nr_free = 0;
	}
	zone->vm_stat[NR_FREE_PAGES] = 0;
	zone->vm_stat[NR_FREE_CMA_PAGES] = 0;
	for (unsigned long pfn = managed; pfn < end; pfn++) {
		struct page *page = pfn_to_page(pgdat, pfn);
		page->next = page->prev = PFN_NIL;
		page->flags = PG_head;
		page->order = 0;
		page->mt = 0;
		page->private = 0;
		page->owner = NULL;
		page->freelist = NULL;
	}
	for (unsigned long pfn = start; pfn < end; pfn += pageblock_nr_pages(pgdat)) {
		unsigned long p = pfn & ~(pageblock_nr_pages(pgdat) - 1);
		if (get_pageblock_migratetype(pgdat, p) != MIGRATE_CMA)
			set_pageblock_migratetype(pgdat, p, PB_UNASSIGNED);
	}
}

static int zone_rebuild(struct pglist_data *pgdat, struct zone *zone,
			const struct zone_plan *plan, struct gfp_error *err)
{
	struct placer pl = {
		.pgdat = pgdat, .zone = zone, .plan = plan,
		.start = zone->zone_start_pfn,
		.end = zone->zone_start_pfn + zone->spanned_pages,
	};
	unsigned long pbn = pageblock_nr_pages(pgdat);
	unsigned long reserve_target = zone->nr_reserved_highatomic;
	int ret = 0;

	drain_all_pages(pgdat);
	pthread_mutex_lock(&zone->lock);
	zone_reset(pgdat, zone);

	if (plan->has_quota) {
		unsigned long cma = 0;
		for (unsigned long p = pl.start; p < pl.end; p += pbn)
			if (get_pageblock_migratetype(pgdat, p) == MIGRATE_CMA)
				cma++;
		pl.assigned[MIGRATE_CMA] = cma;
		if (plan->quota[MIGRATE_CMA] != cma) {
			gfp_error_set(err, "zone %s: %lu CMA pageblocks given, the machine's CMA areas cover %lu",
			       zone->name, plan->quota[MIGRATE_CMA], cma);
			ret = -1;
			goto out;
		}
	}

	/* Largest blocks first: a smaller block never lands inside a larger
	 * one, and the cursor of each (order, type) only moves forward. */
	for (int o = (int)pgdat->nr_page_orders - 1; o >= 0; o--) {
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			unsigned long want = plan->n[o][mt];
			unsigned long len = 1UL << o;
			unsigned long pfn = (pl.start + len - 1) & ~(len - 1);

			for (unsigned long k = 0; k < want; k++) {
				while (pfn + len <= pl.end && !block_fits(&pl, pfn, (unsigned)o, mt)) {
					/* a whole pageblock of the wrong type is skipped at once */
					if ((unsigned)o < pgdat->pageblock_order &&
					    !pageblock_takes(&pl, pfn, mt))
						pfn = pb_start(&pl, pfn) + pbn;
					else
						pfn += len;
				}
				if (pfn + len > pl.end) {
					gfp_error_set(err, "zone %s: no room for %s block %lu of %lu at order %d "
					       "(%lu pages managed, %lu kB per block)",
					       zone->name, migratetype_names[mt], k + 1, want, o,
					       zone->managed_pages, pages_to_kb(pgdat, len));
					ret = -1;
					goto out;
				}
				place_block(&pl, pfn, (unsigned)o, mt);
				pfn += len;
			}
		}
	}

	/* Undecided pageblocks: the highatomic reserve the zone line asked
	 * for, then any pageblock counts still owed, then MIGRATE_MOVABLE
	 * (what memmap_init_zone() gives every block). */
	for (unsigned long p = pl.start; p < pl.end; p += pbn) {
		unsigned long b = p & ~(pbn - 1);
		int mt = MIGRATE_MOVABLE;

		if (get_pageblock_migratetype(pgdat, b) != PB_UNASSIGNED)
			continue;
		if (!plan->has_quota && pl.assigned[MIGRATE_HIGHATOMIC] * pbn < reserve_target) {
			mt = MIGRATE_HIGHATOMIC;
		} else if (plan->has_quota) {
			for (int t = 0; t < MIGRATE_TYPES; t++) {
				if (pl.assigned[t] < plan->quota[t]) {
					mt = t;
					break;
				}
			}
		}
		set_pageblock_migratetype(pgdat, b, mt);
		pl.assigned[mt]++;
	}
	if (plan->has_quota) {
		for (int t = 0; t < MIGRATE_TYPES; t++) {
			if (pl.assigned[t] != plan->quota[t]) {
				gfp_error_set(err, "zone %s: %lu %s pageblocks given, the zone holds %lu for that type",
				       zone->name, plan->quota[t], migratetype_names[t], pl.assigned[t]);
				ret = -1;
				goto out;
			}
		}
	}
	zone->nr_reserved_highatomic = pl.assigned[MIGRATE_HIGHATOMIC] * pbn;
out:
	pthread_mutex_unlock(&zone->lock);
	return ret;
}

/* ---- buddy line --------------------------------------------------------- */

static int letter_type(char c)
{
	for (int t = 0; t < MIGRATE_TYPES; t++)
		if (migratetype_letters[t] == c)
			return t;
	return -1;
}

struct buddy_line {
	struct zone *zone;
	unsigned long nr[MAX_PAGE_ORDERS];
	unsigned types[MAX_PAGE_ORDERS];        /* letter bits */
	unsigned long total_kb;
};

/* Is [s, s+n) "N*SIZEkB"?  Fills nr and size_kb. */
static bool parse_count_size(const char *s, size_t n, unsigned long *nr,
			     unsigned long *size_kb)
{
	const char *star = memchr(s, '*', n);

	if (!star || n < 4 || memcmp(s + n - 2, "kB", 2) != 0)
		return false;
	return parse_ulong(s, (size_t)(star - s), nr) &&
	       parse_ulong(star + 1, (size_t)(s + n - 2 - (star + 1)), size_kb);
}

static int parse_buddy_line(struct pglist_data *pgdat, const char *text,
			    struct buddy_line *bl, struct gfp_error *err)
{
	struct logtok t = { text, true };
	const char *s, *prev = NULL;
	size_t n, prevn = 0;
	unsigned orders = pgdat->nr_page_orders;

	memset(bl, 0, sizeof(*bl));
	/* find "<Zone>:" followed by "N*SIZEkB" */
	while (tok_next(&t, &s, &n)) {
		unsigned long a, b;
		if (prev && prevn > 1 && prev[prevn - 1] == ':' &&
		    parse_count_size(s, n, &a, &b)) {
			bl->zone = zone_by_name(pgdat, prev, prevn - 1);
			if (!bl->zone) {
				gfp_error_set(err, "buddy line: zone \"%.*s\" is not one of the machine's zones",
				       (int)(prevn - 1), prev);
				return -1;
			}
			break;
		}
		prev = s;
		prevn = n;
	}
	if (!bl->zone) {
		gfp_error_set(err, "buddy line: expected \"<Zone>: N*SIZEkB …\", found none");
		return -1;
	}

	for (unsigned o = 0;; o++) {
		unsigned long nr, size_kb;

		if (tok_is(s, n, "=")) {
			if (o != orders) {
				gfp_error_set(err, "buddy line %s: %u columns, the machine has %u orders",
				       bl->zone->name, o, orders);
				return -1;
			}
			break;
		}
		if (!parse_count_size(s, n, &nr, &size_kb)) {
			gfp_error_set(err, "buddy line %s: column %u is \"%.*s\"; expected N*SIZEkB or \"= TOTALkB\"",
			       bl->zone->name, o, (int)n, s);
			return -1;
		}
		if (o >= orders) {
			gfp_error_set(err, "buddy line %s: more than the machine's %u orders",
			       bl->zone->name, orders);
			return -1;
		}
		if (size_kb != pages_to_kb(pgdat, 1UL << o)) {
			gfp_error_set(err, "buddy line %s: column %u is %lukB blocks; this machine's order-%u blocks are %lukB",
			       bl->zone->name, o, size_kb, o, pages_to_kb(pgdat, 1UL << o));
			return -1;
		}
		bl->nr[o] = nr;
		if (!tok_next(&t, &s, &n))
			goto truncated;
		if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
			for (size_t i = 1; i + 1 < n; i++) {
				int ty = letter_type(s[i]);
				if (ty < 0 || (bl->types[o] & (1u << ty))) {
					gfp_error_set(err, "buddy line %s: order %u: bad migratetype letters \"%.*s\"; expected some of (UMEHCI)",
					       bl->zone->name, o, (int)n, s);
					return -1;
				}
				bl->types[o] |= 1u << ty;
			}
			if (!tok_next(&t, &s, &n))
				goto truncated;
		}
		if (nr && !bl->types[o]) {
			gfp_error_set(err, "buddy line %s: order %u has %lu blocks but no migratetype letters",
			       bl->zone->name, o, nr);
			return -1;
		}
		if (!nr && bl->types[o]) {
			gfp_error_set(err, "buddy line %s: order %u has no blocks but letters", bl->zone->name, o);
			return -1;
		}
		if ((unsigned long)__builtin_popcount(bl->types[o]) > nr) {
			gfp_error_set(err, "buddy line %s: order %u: %lu blocks cannot fill %d migratetype lists",
			       bl->zone->name, o, nr, __builtin_popcount(bl->types[o]));
			return -1;
		}
	}
	if (!tok_next(&t, &s, &n) || n < 3 || memcmp(s + n - 2, "kB", 2) != 0 ||
	    !parse_ulong(s, n - 2, &bl->total_kb)) {
		gfp_error_set(err, "buddy line %s: expected \"= TOTALkB\" at the end", bl->zone->name);
		return -1;
	}
	unsigned long sum = 0;
	for (unsigned o = 0; o < orders; o++)
		sum += bl->nr[o] << o;
	if (pages_to_kb(pgdat, sum) != bl->total_kb) {
		gfp_error_set(err, "buddy line %s: total %lukB, but the columns add up to %lukB",
		       bl->zone->name, bl->total_kb, pages_to_kb(pgdat, sum));
		return -1;
	}
	return 0;
truncated:
	gfp_error_set(err, "buddy line %s: the text ends before \"= TOTALkB\"", bl->zone->name);
	return -1;
}

/* Split each order's count among its letters: every listed type gets one
 * block, CMA takes what makes the zone's free_cma (largest orders first),
 * the other types share the rest evenly, earlier types first. */
static void plan_from_buddy_line(const struct buddy_line *bl, long cma_target,
				 unsigned orders, struct zone_plan *plan)
{
	long cma_left = cma_target;

	memset(plan, 0, sizeof(*plan));
	for (unsigned o = 0; o < orders; o++) {
		for (int t = 0; t < MIGRATE_TYPES; t++)
			if (bl->types[o] & (1u << t))
				plan->n[o][t] = 1;
		if (bl->types[o] & (1u << MIGRATE_CMA))
			cma_left -= 1L << o;
	}
	for (int o = (int)orders - 1; o >= 0; o--) {
		unsigned ty = bl->types[o];
		unsigned nty = (unsigned)__builtin_popcount(ty);
		unsigned long spare = bl->nr[o] - nty;

		if (!(ty & (1u << MIGRATE_CMA)) || !spare)
			continue;
		unsigned long extra = nty == 1 ? spare :
			cma_left > 0 ? (unsigned long)cma_left >> o : 0;
		if (extra > spare)
			extra = spare;
		plan->n[o][MIGRATE_CMA] += extra;
		cma_left -= (long)(extra << o);
	}
	for (unsigned o = 0; o < orders; o++) {
		unsigned long placed = 0, rest;
		unsigned others = 0, k = 0;

		for (int t = 0; t < MIGRATE_TYPES; t++)
			placed += plan->n[o][t];
		rest = bl->nr[o] - placed;
		for (int t = 0; t < MIGRATE_TYPES; t++)
			if ((bl->types[o] & (1u << t)) && t != MIGRATE_CMA)
				others++;
		for (int t = 0; t < MIGRATE_TYPES && others; t++) {
			if (!(bl->types[o] & (1u << t)) || t == MIGRATE_CMA)
				continue;
			plan->n[o][t] += rest / others + (k < rest % others ? 1 : 0);
			k++;
		}
	}
}

int zone_load_buddy_line(struct pglist_data *pgdat, const char *line,
			 struct gfp_error *err)
{
	struct buddy_line bl;
	struct zone_plan plan;

	if (parse_buddy_line(pgdat, line, &bl, err))
		return -1;
	plan_from_buddy_line(&bl, bl.zone->vm_stat[NR_FREE_CMA_PAGES],
			     pgdat->nr_page_orders, &plan);
	return zone_rebuild(pgdat, bl.zone, &plan, err);
}

/* ---- zone line and lowmem_reserve ---------------------------------------- */

/* What each zone-line field (abi/printed.h names them, for every
 * version) sets: a value kept for the checks below, a zone counter in
 * pages or in kB as printed, or nothing (the per-cpu counts follow the pcp
 * lists, not the text). */
enum zl_store { ZL_VALUE, ZL_STAT, ZL_KB_STAT, ZL_IGNORED };

static const struct {
	enum zl_store store;
	int stat;               /* enum zone_stat_item for ZL_STAT/ZL_KB_STAT */
} zl_store[NR_ZONE_FIELDS] = {
	[ZF_FREE] = { ZL_VALUE, 0 },
	[ZF_BOOST] = { ZL_VALUE, 0 },
	[ZF_MIN] = { ZL_VALUE, 0 },
	[ZF_LOW] = { ZL_VALUE, 0 },
	[ZF_HIGH] = { ZL_VALUE, 0 },
	[ZF_RESERVED_HIGHATOMIC] = { ZL_VALUE, 0 },
	[ZF_ACTIVE_ANON] = { ZL_STAT, NR_ZONE_ACTIVE_ANON },
	[ZF_INACTIVE_ANON] = { ZL_STAT, NR_ZONE_INACTIVE_ANON },
	[ZF_ACTIVE_FILE] = { ZL_STAT, NR_ZONE_ACTIVE_FILE },
	[ZF_INACTIVE_FILE] = { ZL_STAT, NR_ZONE_INACTIVE_FILE },
	[ZF_UNEVICTABLE] = { ZL_STAT, NR_ZONE_UNEVICTABLE },
	[ZF_WRITEPENDING] = { ZL_STAT, NR_ZONE_WRITE_PENDING },
	[ZF_PRESENT] = { ZL_VALUE, 0 },
	[ZF_MANAGED] = { ZL_VALUE, 0 },
	[ZF_MLOCKED] = { ZL_STAT, NR_MLOCK },
	[ZF_SLAB_RECLAIMABLE] = { ZL_STAT, NR_ZONE_SLAB_RECLAIMABLE },
	[ZF_SLAB_UNRECLAIMABLE] = { ZL_STAT, NR_ZONE_SLAB_UNRECLAIMABLE },
	[ZF_KERNEL_STACK] = { ZL_KB_STAT, NR_ZONE_KERNEL_STACK_KB },
	[ZF_PAGETABLES] = { ZL_STAT, NR_ZONE_PAGETABLE },
	[ZF_BOUNCE] = { ZL_STAT, NR_BOUNCE },
	[ZF_FREE_PCP] = { ZL_IGNORED, 0 },
	[ZF_LOCAL_PCP] = { ZL_IGNORED, 0 },
	[ZF_FREE_CMA] = { ZL_VALUE, 0 },
};

/* The zone-line field printed as "name:", whatever the version; -1 for
 * a name no version prints. */
static int zone_field_named(const char *s, size_t n)
{
	for (unsigned i = 0; i < nr_zone_line_fields; i++) {
		const char *name = zone_line_fields[i].name;
		if (strlen(name) == n + 1 && memcmp(name, s, n) == 0)
			return zone_line_fields[i].field;
	}
	return -1;
}

static int parse_lowmem_reserve(struct pglist_data *pgdat, struct zone *zone,
				struct logtok *t, struct gfp_error *err)
{
	long vals[MAX_NR_ZONES];
	unsigned n = 0;
	const char *s;
	size_t len;
	struct logtok peek = *t;

	while (tok_next(&peek, &s, &len)) {
		unsigned long v;
		if (!parse_ulong(s, len, &v))
			break;
		if (n == MAX_NR_ZONES) {
			n++;
			break;
		}
		vals[n++] = (long)v;
		*t = peek;
	}
	if (n != pgdat->nr_zones) {
		gfp_error_set(err, "lowmem_reserve[] for zone %s: %u values, the machine has %u zones (MAX_NR_ZONES)",
		       zone->name, n, pgdat->nr_zones);
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		zone->lowmem_reserve[i] = vals[i];
	return 0;
}

int zone_load_zone_line(struct pglist_data *pgdat, const char *text,
			struct gfp_error *err)
{
	struct logtok t = { text, true };
	const char *s, *prev = NULL;
	size_t n, prevn = 0;
	struct zone *zone = NULL;
	unsigned long val[NR_ZONE_FIELDS] = { 0 };
	bool seen[NR_ZONE_FIELDS] = { false };
	long stats[NR_VM_ZONE_STAT_ITEMS];
	bool stat_seen[NR_VM_ZONE_STAT_ITEMS] = { false };

	/* find "<Zone>" followed by "free:…kB" */
	while (tok_next(&t, &s, &n)) {
		if (prev && n > 5 && memcmp(s, "free:", 5) == 0 &&
		    (zone = zone_by_name(pgdat, prev, prevn)))
			break;
		prev = s;
		prevn = n;
	}
	if (!zone) {
		gfp_error_set(err, "zone line: expected \"<Zone> free:NkB min:NkB …\" for one of the machine's zones, found none");
		return -1;
	}

	for (;;) {
		const char *colon = memchr(s, ':', n);
		unsigned long v;

		if (!colon || n < (size_t)(colon - s) + 4 ||
		    (memcmp(s + n - 2, "kB", 2) != 0 && memcmp(s + n - 2, "KB", 2) != 0) ||
		    !parse_ulong(colon + 1, (size_t)(s + n - 2 - (colon + 1)), &v)) {
			gfp_error_set(err, "zone line %s: \"%.*s\" is not a name:NkB field",
			       zone->name, (int)n, s);
			return -1;
		}
		int f = zone_field_named(s, (size_t)(colon - s));
		if (f >= 0) {
			enum zl_store store = zl_store[f].store;
			unsigned long pages = v;

			if (store != ZL_KB_STAT && store != ZL_IGNORED &&
			    !kb_to_pages(pgdat, v, &pages)) {
				gfp_error_set(err, "zone line %s: %.*s is not a whole number of %lukB pages",
				       zone->name, (int)n, s, pages_to_kb(pgdat, 1));
				return -1;
			}
			if (store == ZL_STAT || store == ZL_KB_STAT) {
				stats[zl_store[f].stat] = (long)pages;
				stat_seen[zl_store[f].stat] = true;
			} else if (store == ZL_VALUE) {
				val[f] = pages;
				seen[f] = true;
			}
			if (f == ZF_FREE_CMA)
				break;
		}
		/* other vendor fields (shadow_call_stack, …) are skipped */
		if (!tok_next(&t, &s, &n)) {
			gfp_error_set(err, "zone line %s: the text ends before free_cma:", zone->name);
			return -1;
		}
	}

	static const enum zone_field required[] = {
		ZF_FREE, ZF_MIN, ZF_LOW, ZF_HIGH, ZF_PRESENT, ZF_MANAGED };
	static const char *const required_names[] = {
		"free", "min", "low", "high", "present", "managed" };
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (!seen[required[i]]) {
			gfp_error_set(err, "zone line %s: no %s: field", zone->name, required_names[i]);
			return -1;
		}
	}
	if (val[ZF_PRESENT] != zone->present_pages || val[ZF_MANAGED] != zone->managed_pages) {
		gfp_error_set(err, "zone line %s: present:%lukB managed:%lukB, but the machine's zone has present:%lukB managed:%lukB",
		       zone->name, pages_to_kb(pgdat, val[ZF_PRESENT]),
		       pages_to_kb(pgdat, val[ZF_MANAGED]),
		       pages_to_kb(pgdat, zone->present_pages),
		       pages_to_kb(pgdat, zone->managed_pages));
		return -1;
	}
	if (val[ZF_MIN] > val[ZF_LOW] || val[ZF_LOW] > val[ZF_HIGH] ||
	    val[ZF_BOOST] > val[ZF_MIN]) {
		gfp_error_set(err, "zone line %s: watermarks must satisfy boost <= min <= low <= high",
		       zone->name);
		return -1;
	}

	struct logtok peek = t;
	bool has_reserve = tok_next(&peek, &s, &n) && tok_is(s, n, "lowmem_reserve[]:");
	if (has_reserve && parse_lowmem_reserve(pgdat, zone, &peek, err))
		return -1;

	pthread_mutex_lock(&zone->lock);
	/* the printed min/low/high are *_wmark_pages(): boost included */
	zone->watermark_boost = val[ZF_BOOST];
	zone->_watermark[WMARK_MIN] = val[ZF_MIN] - val[ZF_BOOST];
	zone->_watermark[WMARK_LOW] = val[ZF_LOW] - val[ZF_BOOST];
	zone->_watermark[WMARK_HIGH] = val[ZF_HIGH] - val[ZF_BOOST];
	if (seen[ZF_RESERVED_HIGHATOMIC])
		zone->nr_reserved_highatomic = val[ZF_RESERVED_HIGHATOMIC];
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		if (stat_seen[i])
			zone->vm_stat[i] = stats[i];
	/* the free counters as printed; the buddy line's load recounts them
	 * and uses free_cma to split its multi-letter counts */
	zone->vm_stat[NR_FREE_PAGES] = (long)val[ZF_FREE];
	if (seen[ZF_FREE_CMA])
		zone->vm_stat[NR_FREE_CMA_PAGES] = (long)val[ZF_FREE_CMA];
	pthread_mutex_unlock(&zone->lock);
	return 0;
}

/* ---- /proc/pagetypeinfo ------------------------------------------------- */

static int type_by_name(const char *s, size_t n)
{
	for (int t = 0; t < MIGRATE_TYPES; t++)
		if (tok_is(s, n, migratetype_names[t]))
			return t;
	return -1;
}

/* "Word Word …" starting at the current token? Advances past it. */
static bool tok_match_words(struct logtok *t, const char *s, size_t n,
			    const char *words)
{
	struct logtok peek = *t;
	const char *w = words;

	for (;;) {
		size_t wl = strcspn(w, " ");
		if (wl != n || memcmp(s, w, n) != 0)
			return false;
		w += wl;
		if (!*w)
			break;
		w++;
		if (!tok_next(&peek, &s, &n))
			return false;
	}
	*t = peek;
	return true;
}

struct pagetypeinfo {
	bool zone_seen[MAX_NR_ZONES];
	struct zone_plan plan[MAX_NR_ZONES];
};

static int parse_ulong_tok(struct logtok *t, const char *what, unsigned long *v,
			   struct gfp_error *err)
{
	const char *s;
	size_t n;

	if (!tok_next(t, &s, &n) || !parse_ulong(s, n, v)) {
		gfp_error_set(err, "pagetypeinfo: expected a number after \"%s\"", what);
		return -1;
	}
	return 0;
}

/* "Node 0, zone DMA32[,]" at the current token: the zone. */
static struct zone *parse_node_zone(struct pglist_data *pgdat, struct logtok *t,
				    const char *s, size_t n, bool comma,
				    struct gfp_error *err)
{
	struct zone *zone;

	if (!tok_is(s, n, "Node") || !tok_next(t, &s, &n) ||       /* "0," */
	    !tok_next(t, &s, &n) || !tok_is(s, n, "zone") ||
	    !tok_next(t, &s, &n)) {
		gfp_error_set(err, "pagetypeinfo: expected \"Node N, zone NAME\"");
		return NULL;
	}
	if (comma) {
		if (!n || s[n - 1] != ',') {
			gfp_error_set(err, "pagetypeinfo: expected \"zone %.*s,\"", (int)n, s);
			return NULL;
		}
		n--;
	}
	zone = zone_by_name(pgdat, s, n);
	if (!zone)
		gfp_error_set(err, "pagetypeinfo: zone \"%.*s\" is not one of the machine's zones",
		       (int)n, s);
	return zone;
}

static int parse_pagetypeinfo(struct pglist_data *pgdat, const char *text,
			      struct pagetypeinfo *pti, struct gfp_error *err)
{
	struct logtok t = { text, true };
	const char *s;
	size_t n;
	unsigned long v;
	bool have_orders = false;
	int block_types[MIGRATE_TYPES];
	unsigned nblock_types = 0;
	enum { NONE, FREE_ROWS, BLOCK_ROWS } section = NONE;

	memset(pti, 0, sizeof(*pti));
	while (tok_next(&t, &s, &n)) {
		if (tok_match_words(&t, s, n, "Page block order:")) {
			if (parse_ulong_tok(&t, "Page block order:", &v, err))
				return -1;
			if (v != pgdat->pageblock_order) {
				gfp_error_set(err, "pagetypeinfo: page block order %lu, the machine's is %u",
				       v, pgdat->pageblock_order);
				return -1;
			}
		} else if (tok_match_words(&t, s, n, "Pages per block:")) {
			if (parse_ulong_tok(&t, "Pages per block:", &v, err))
				return -1;
			if (v != pageblock_nr_pages(pgdat)) {
				gfp_error_set(err, "pagetypeinfo: %lu pages per block, the machine has %lu",
				       v, pageblock_nr_pages(pgdat));
				return -1;
			}
		} else if (tok_match_words(&t, s, n,
					   "Free pages count per migrate type at order")) {
			unsigned o = 0;
			struct logtok peek = t;
			while (tok_next(&peek, &s, &n) && parse_ulong(s, n, &v)) {
				if (v != o) {
					gfp_error_set(err, "pagetypeinfo: order header has %lu where %u was expected", v, o);
					return -1;
				}
				o++;
				t = peek;
			}
			if (o != pgdat->nr_page_orders) {
				gfp_error_set(err, "pagetypeinfo: %u order columns, the machine has %u orders",
				       o, pgdat->nr_page_orders);
				return -1;
			}
			have_orders = true;
			section = FREE_ROWS;
		} else if (tok_match_words(&t, s, n, "Number of blocks type")) {
			struct logtok peek = t;
			int ty;
			nblock_types = 0;
			while (tok_next(&peek, &s, &n) && (ty = type_by_name(s, n)) >= 0) {
				if (nblock_types == MIGRATE_TYPES) {
					gfp_error_set(err, "pagetypeinfo: too many migratetype columns");
					return -1;
				}
				block_types[nblock_types++] = ty;
				t = peek;
			}
			section = BLOCK_ROWS;
		} else if (tok_match_words(&t, s, n, "Number of mixed blocks")) {
			section = NONE;         /* CONFIG_PAGE_OWNER statistics */
		} else if (tok_is(s, n, "Node") && section == FREE_ROWS) {
			struct zone *zone = parse_node_zone(pgdat, &t, s, n, true, err);
			int ty;
			if (!zone)
				return -1;
			if (!tok_next(&t, &s, &n) || !tok_is(s, n, "type") ||
			    !tok_next(&t, &s, &n) || (ty = type_by_name(s, n)) < 0) {
				gfp_error_set(err, "pagetypeinfo: zone %s: expected \"type <Migratetype>\"", zone->name);
				return -1;
			}
			for (unsigned o = 0; o < pgdat->nr_page_orders; o++) {
				if (!tok_next(&t, &s, &n)) {
					gfp_error_set(err, "pagetypeinfo: zone %s type %s: row ends at order %u",
					       zone->name, migratetype_names[ty], o);
					return -1;
				}
				if (n && s[0] == '>') {         /* the 100000-entry cap */
					s++;
					n--;
				}
				if (!parse_ulong(s, n, &v)) {
					gfp_error_set(err, "pagetypeinfo: zone %s type %s order %u: \"%.*s\" is not a count",
					       zone->name, migratetype_names[ty], o, (int)n, s);
					return -1;
				}
				pti->plan[zone->idx].n[o][ty] = v;
			}
			pti->zone_seen[zone->idx] = true;
		} else if (tok_is(s, n, "Node") && section == BLOCK_ROWS) {
			struct zone *zone = parse_node_zone(pgdat, &t, s, n, false, err);
			if (!zone)
				return -1;
			for (unsigned i = 0; i < nblock_types; i++) {
				if (parse_ulong_tok(&t, "Number of blocks type", &v, err))
					return -1;
				pti->plan[zone->idx].quota[block_types[i]] = v;
			}
			pti->plan[zone->idx].has_quota = true;
		}
	}
	if (!have_orders) {
		gfp_error_set(err, "pagetypeinfo: no \"Free pages count per migrate type at order\" header");
		return -1;
	}
	return 0;
}

int node_load_pagetypeinfo(struct pglist_data *pgdat, const char *text,
			   struct gfp_error *err)
{
	struct pagetypeinfo pti;

	if (parse_pagetypeinfo(pgdat, text, &pti, err))
		return -1;
	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		if (!pti.zone_seen[i])
			continue;
		if (zone_rebuild(pgdat, &pgdat->node_zones[i], &pti.plan[i], err))
			return -1;
	}
	return 0;
}
