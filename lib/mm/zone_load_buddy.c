/* The buddy line ("Node 0 Normal: 4*4kB (UEC) … = 248344kB") loaded into
 * a zone's free lists (mm/zone_load.h zone_load_buddy_line()). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/buddy_line.h"
#include "mm/deferred.h"
#include "mm/internal.h"
#include "mm/page_alloc.h"
#include "mm/zone_load.h"
#include "mm/zone_load_impl.h"

/* The length of the token at s, for messages. */
static int token_len(const char *s)
{
	return (int)strcspn(s, " \t\n");
}

/* The first "[Node N ]<Zone>: COUNT*SIZEkB …" in text, read. */
static bool find_buddy_line(const char *text, struct buddy_line *bl)
{
	for (const char *p = text; *p; p += strcspn(p, " \t\n")) {
		p += strspn(p, " \t\n");
		enum buddy_line_stop stop = buddy_line_read(p, bl);
		/* a first column read, whatever its letters */
		if (bl->nr_orders || stop == BL_LETTERS_CUT || stop == BL_BAD_LETTER)
			return true;
	}
	return false;
}

/* The letters of each order: present exactly when it has blocks, no more
 * lists than blocks, and only types this machine's lists have. */
static int check_letters(const struct buddy_line *bl, struct gfp_error *err)
{
	for (unsigned o = 0; o < bl->nr_orders; o++) {
		unsigned long nr = bl->nr_free[o];
		unsigned types = bl->types[o];

		if (types & (1u << MIGRATE_RESERVE_BIT)) {
			gfp_error_set(err, "buddy line %s: order %u: 'R' (MIGRATE_RESERVE) is printed by kernels before 4.4 only; expected some of (UMEHCI)",
			       bl->zone, o);
			return -1;
		}
		if (nr && !types) {
			gfp_error_set(err, "buddy line %s: order %u has %lu blocks but no migratetype letters",
			       bl->zone, o, nr);
			return -1;
		}
		if (!nr && types) {
			gfp_error_set(err, "buddy line %s: order %u has no blocks but letters", bl->zone, o);
			return -1;
		}
		if ((unsigned long)__builtin_popcount(types) > nr) {
			gfp_error_set(err, "buddy line %s: order %u: %lu blocks cannot fill %d migratetype lists",
			       bl->zone, o, nr, __builtin_popcount(types));
			return -1;
		}
	}
	return 0;
}

/* Why the reader stopped short of a whole line, as a message. */
static int stop_error(const struct buddy_line *bl, unsigned orders,
		      struct gfp_error *err)
{
	switch (bl->stop) {
	case BL_LETTERS_CUT:
	case BL_BAD_LETTER:
		gfp_error_set(err, "buddy line %s: order %u: bad migratetype letters \"%.*s\"; expected some of (UMEHCI)",
		       bl->zone, bl->nr_orders, token_len(bl->at), bl->at);
		break;
	case BL_TOO_MANY_ORDERS:
		gfp_error_set(err, "buddy line %s: more than the machine's %u orders",
		       bl->zone, orders);
		break;
	case BL_NO_TOTAL:
		gfp_error_set(err, "buddy line %s: the text ends before \"= TOTALkB\"", bl->zone);
		break;
	case BL_BAD_TOTAL:
		gfp_error_set(err, "buddy line %s: expected \"= TOTALkB\" at the end", bl->zone);
		break;
	default:
		gfp_error_set(err, "buddy line %s: column %u is \"%.*s\"; expected N*SIZEkB or \"= TOTALkB\"",
		       bl->zone, bl->nr_orders, token_len(bl->at), bl->at);
		break;
	}
	return -1;
}

static int parse_buddy_line(struct pglist_data *pgdat, const char *text,
			    struct buddy_line *bl, struct zone **zonep,
			    struct gfp_error *err)
{
	unsigned orders = pgdat->nr_page_orders;
	char line[8192];

	if (!tok_join(text, line, sizeof(line))) {
		gfp_error_set(err, "buddy line: longer than %zu bytes", sizeof(line));
		return -1;
	}
	if (!find_buddy_line(line, bl)) {
		gfp_error_set(err, "buddy line: expected \"<Zone>: N*SIZEkB …\", found none");
		return -1;
	}
	*zonep = zone_by_name(pgdat, bl->zone, strlen(bl->zone));
	if (!*zonep) {
		gfp_error_set(err, "buddy line: zone \"%s\" is not one of the machine's zones",
		       bl->zone);
		return -1;
	}
	for (unsigned o = 0; o < bl->nr_orders; o++) {
		if (o >= orders) {
			gfp_error_set(err, "buddy line %s: more than the machine's %u orders",
			       bl->zone, orders);
			return -1;
		}
		if (bl->size_kb[o] != pages_to_kb(pgdat, 1UL << o)) {
			gfp_error_set(err, "buddy line %s: column %u is %lukB blocks; this machine's order-%u blocks are %lukB",
			       bl->zone, o, bl->size_kb[o], o, pages_to_kb(pgdat, 1UL << o));
			return -1;
		}
	}
	if (bl->stop != BL_COMPLETE)
		return stop_error(bl, orders, err);
	if (bl->nr_orders != orders) {
		gfp_error_set(err, "buddy line %s: %u columns, the machine has %u orders",
		       bl->zone, bl->nr_orders, orders);
		return -1;
	}
	if (check_letters(bl, err))
		return -1;
	if (bl->sum_kb != bl->total_kb) {
		gfp_error_set(err, "buddy line %s: total %lukB, but the columns add up to %lukB",
		       bl->zone, bl->total_kb, bl->sum_kb);
		return -1;
	}
	return 0;
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
		unsigned long spare = bl->nr_free[o] - nty;

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
		rest = bl->nr_free[o] - placed;
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
	struct zone *zone;
	struct zone_plan plan;

	if (parse_buddy_line(pgdat, line, &bl, &zone, err))
		return -1;
	plan_from_buddy_line(&bl, zone->vm_stat[NR_FREE_CMA_PAGES],
			     pgdat->nr_page_orders, &plan);
	return zone_rebuild(pgdat, zone, &plan, err);
}
