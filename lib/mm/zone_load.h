/* Free lists and zone counters set from what the kernel printed. */
#ifndef GFPSHIM_ZONE_LOAD_H
#define GFPSHIM_ZONE_LOAD_H

#include "machine/machine.h"
#include "mm/mmzone.h"

/* Heap state read back from printed text (zone_load.c).  Each loader reads the first matching record in
 * `text`, which may be a whole log: lines may carry "[ts]" stamps, syslog
 * prefixes and "#012" escapes, and a record wrapped over several lines is
 * read as one.  Each returns 0, or -1 with a message in err naming what
 * could not be used and what was expected. */

/* Rebuild a zone's free lists so that show_buddy_line() prints the buddy
 * line ("[Node N ]<Zone>: a*4kB (UM) … = TOTALkB") again.  Every managed
 * frame not in a printed block becomes an allocated order-0 block (frames
 * allocated before are forgotten; per-cpu lists are drained first);
 * blocks go into pageblocks of their migratetype (C inside the CMA areas),
 * no two free buddies of one order side by side.  An order with several
 * letters gets one block per letter, then CMA takes enough to reach the
 * zone's NR_FREE_CMA_PAGES — the zone line's free_cma when that was loaded
 * first — and the other letters share the rest.  NR_FREE_* and
 * nr_reserved_highatomic follow the result. */
int zone_load_buddy_line(struct pglist_data *pgdat, const char *line,
			 struct gfp_error *err);

/* The zone line ("[Node N ]<Zone> free:…kB … free_cma:…kB") and, when it
 * follows, "lowmem_reserve[]: …".  present/managed must match the
 * machine's zone; min/low/high (boost included, as printed) set the
 * watermarks; boost, reserved_highatomic and the zone counters are set as
 * printed, NR_FREE_PAGES and NR_FREE_CMA_PAGES too until the zone's buddy
 * line is loaded (which recounts them).  free_pcp/local_pcp are ignored:
 * they follow the per-cpu lists. */
int zone_load_zone_line(struct pglist_data *pgdat, const char *text,
			struct gfp_error *err);

/* /proc/pagetypeinfo: every zone it names gets exactly the printed blocks
 * per order and migratetype, and exactly the printed pageblock counts per
 * type (the CMA count must equal the machine's CMA pageblocks). */
int node_load_pagetypeinfo(struct pglist_data *pgdat, const char *text,
			   struct gfp_error *err);

#endif
