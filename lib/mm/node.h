/* Booting a node from its description (node.c, watermark.c). */
#ifndef GFPSHIM_NODE_H
#define GFPSHIM_NODE_H

#include "machine/machine.h"
#include "mm/mmzone.h"

/* Build a node.  `arena` is the simulated RAM (or NULL for bookkeeping
 * only); metadata (mem_map, pageblock flags) is mapped by the node itself. */
int node_init(struct pglist_data *pgdat, const struct machine_desc *d,
	      char *arena, struct gfp_error *err);
void node_destroy(struct pglist_data *pgdat);

/* Recompute min_free_kbytes, watermarks and lowmem_reserve for the node's
 * kernel (init_per_zone_wmark_min(), setup_per_zone_wmarks(),
 * setup_per_zone_lowmem_reserve()). */
void node_setup_watermarks(struct pglist_data *pgdat);

#endif
