/* A heap that starts as a device's does after days of uptime.
 *
 * A machine profile may describe the node's state after boot with
 * `initial.*` settings, kept in machine_desc.initial and applied after
 * node_init():
 *
 *   initial.zone = <zone line>          a show_mem zone line ("Normal
 *                                       free:248344kB min:… free_cma:…kB")
 *   initial.buddy = <buddy line>        "Normal: 4*4kB (UEC) … = 248344kB":
 *                                       the zone's free lists, exactly
 *   initial.pagetypeinfo = PATH         /proc/pagetypeinfo as printed;
 *                                       PATH relative to the profile file
 *   initial.fragment = N% [unmovable|movable]
 *                                       pin N% of each zone's non-CMA
 *                                       memory as scattered order-0 pages
 *                                       (one in every 100/N frames, at a
 *                                       place drawn from GFPSHIM_SEED);
 *                                       movable pages are user pages that
 *                                       compaction may move
 *
 * Zone lines are applied first, then buddy lines, pagetypeinfo, and the
 * fragmentation pattern last.  Nothing here allocates or prints.
 */
#ifndef GFPSHIM_INITIAL_STATE_H
#define GFPSHIM_INITIAL_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/machine.h"
#include "mm/mmzone.h"

#define INITIAL_KEY_PREFIX "initial."

/* page->private of a frame initial.fragment pinned */
#define INITIAL_PAGE_PINNED 0x919e0000u

/* machine_set() for keys beginning "initial.": check the value (a buddy
 * line's blocks must add up to its total, a pagetypeinfo file must be
 * readable, a percentage must be above 0 and below 100) and append it to
 * d->initial.  Errors read "WHERE: KEY: message". */
int initial_state_set(struct machine_desc *d, const char *key,
		      const char *value, const char *where,
		      struct gfp_error *err);

/* Apply d->initial to a node node_init() built from d.  `seed` places the
 * fragmentation pattern (the same seed gives the same frames).  Returns 0,
 * or -1 with "machine NAME: initial.KEY: message" in err. */
int initial_state_apply(struct pglist_data *pgdat,
			const struct machine_desc *d, uint64_t seed,
			struct gfp_error *err);

/* The free buddy block holding pfn, if there is one. */
bool zone_free_block_of(struct pglist_data *pgdat, unsigned long pfn,
			unsigned long *head, unsigned *order);

/* Take the frames [start, end) of a zone out of the buddy as allocated
 * order-0 blocks (alloc_contig_range() over free frames), splitting the
 * free blocks that straddle the ends.  Returns 0, or -1 with *busy set to
 * the first frame of the range that is not free (nothing is taken).
 * zone->lock held; per-cpu lists are the caller's to drain. */
int zone_take_range(struct zone *zone, unsigned long start, unsigned long end,
		    unsigned long *busy);

#endif
