/* /proc/pagetypeinfo loaded into the node's free lists and pageblock
 * types (mm/zone_load.h node_load_pagetypeinfo()). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/deferred.h"
#include "mm/internal.h"
#include "mm/page_alloc.h"
#include "mm/zone_load.h"
#include "mm/zone_load_impl.h"

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
