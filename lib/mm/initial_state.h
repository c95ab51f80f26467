/* A heap that starts as a device's does after days of uptime: the
 * profile's `initial.*` settings (machine/initial.h), applied to the node
 * after node_init().  Nothing here allocates or prints.
 */
#ifndef GFPSHIM_INITIAL_STATE_H
#define GFPSHIM_INITIAL_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/machine.h"
#include "mm/mmzone.h"

/* page->private of a frame initial.fragment pinned */
#define INITIAL_PAGE_PINNED 0x919e0000u

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
