/* The buddy line ("Node 0 Normal: 4*4kB (UEC) … = 248344kB") loaded into
 * a zone's free lists (mm/zone_load.h zone_load_buddy_line()). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/deferred.h"
#include "mm/internal.h"
#include "mm/page_alloc.h"
#include "mm/zone_load.h"
#include "mm/zone_load_impl.h"

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
