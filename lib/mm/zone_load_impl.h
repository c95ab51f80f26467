/* What the readers of zone_load.c, zone_load_buddy.c, zone_load_zone.c
 * and zone_load_pagetypeinfo.c share: the tokenizer of printed text and
 * the rebuild of a zone's free lists from a plan.  lib/mm only. */
#ifndef GFPSHIM_ZONE_LOAD_IMPL_H
#define GFPSHIM_ZONE_LOAD_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "mm/mmzone.h"

/* A position in the text; `bol` when at the start of a physical line
 * (where a printk level, syslog prefix or timestamp is skipped). */
struct logtok {
	const char *p;
	bool bol;               /* at the start of a physical line */
};

/* The next whitespace-separated token; false at the end of the text. */
bool tok_next(struct logtok *t, const char **s, size_t *n);
bool tok_is(const char *s, size_t n, const char *word);
/* The tokens of text, one space between them, into out; false when they
 * do not fit in cap bytes. */
bool tok_join(const char *text, char *out, size_t cap);
/* An unsigned decimal filling exactly [s, s+n). */
bool parse_ulong(const char *s, size_t n, unsigned long *out);
/* The machine's zone named by [s, s+n) ("Normal", "DMA32"), or NULL. */
struct zone *zone_by_name(struct pglist_data *pgdat, const char *s,
			  size_t n);
/* kB as printed, in whole pages; false when not whole. */
bool kb_to_pages(const struct pglist_data *pgdat, unsigned long kb,
		 unsigned long *pages);

/* The blocks to place per order and type, and the pageblocks per type
 * when given (pagetypeinfo). */
struct zone_plan {
	unsigned long n[MAX_PAGE_ORDERS][MIGRATE_TYPES];  /* blocks to place */
	bool has_quota;                                   /* pageblocks per type given */
	unsigned long quota[MIGRATE_TYPES];
};

/* Throw the zone's free lists away and free exactly the planned blocks
 * (zone_load.c).  0, or -1 with a message in err. */
int zone_rebuild(struct pglist_data *pgdat, struct zone *zone,
		 const struct zone_plan *plan, struct gfp_error *err);

#endif
