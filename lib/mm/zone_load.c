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

#include "mm/deferred.h"
#include "mm/page_alloc.h"
#include "mm/zone_load.h"
#include "mm/zone_load_impl.h"
#include "mm/internal.h"

/* ---- tokens ------------------------------------------------------------ */


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
bool tok_next(struct logtok *t, const char **s, size_t *n)
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

bool tok_join(const char *text, char *out, size_t cap)
{
	struct logtok t = { text, true };
	const char *s;
	size_t n, len = 0;

	while (tok_next(&t, &s, &n)) {
		if (len + n + 2 > cap)
			return false;
		if (len)
			out[len++] = ' ';
		memcpy(out + len, s, n);
		len += n;
	}
	out[len] = '\0';
	return true;
}

bool tok_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* Parse an unsigned decimal filling exactly [s, s+n); false otherwise. */
bool parse_ulong(const char *s, size_t n, unsigned long *out)
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

struct zone *zone_by_name(struct pglist_data *pgdat, const char *s,
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
bool kb_to_pages(const struct pglist_data *pgdat, unsigned long kb,
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

int zone_rebuild(struct pglist_data *pgdat, struct zone *zone,
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
