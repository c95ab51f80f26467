/* The kinds of zone a kernel may be built with, and their printed names. */
#ifndef GFPSHIM_ZONE_H
#define GFPSHIM_ZONE_H

/* zone_type is the *kind* of a zone; a machine configures a subset of them
 * (zone->idx is the position in that subset, which is what lowmem_reserve[]
 * and gfp_zone() index by, as in a kernel built with that config). */
enum zone_type {
	ZONE_DMA,
	ZONE_DMA32,
	ZONE_NORMAL,
	ZONE_HIGHMEM,
	ZONE_MOVABLE,
	ZONE_DEVICE,
	NR_ZONE_TYPES
};
#define MAX_NR_ZONES NR_ZONE_TYPES

/* The orders a zone's free_area may have: NR_PAGE_ORDERS of any kernel
 * and page size (64K arm64: 14), the columns of any buddy line. */
#define MAX_PAGE_ORDERS 16

/* The names the kernel prints: "DMA", "DMA32", "Normal", … "Device". */
extern const char *const zone_type_names[NR_ZONE_TYPES];

#endif
