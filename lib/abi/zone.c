/* include/linux/mmzone.h enum zone_type and mm/page_alloc.c zone_names[]. */
#include "config.h"

#include "abi/zone.h"

const char *const zone_type_names[NR_ZONE_TYPES] = {
	[ZONE_DMA] = "DMA",
	[ZONE_DMA32] = "DMA32",
	[ZONE_NORMAL] = "Normal",
	[ZONE_HIGHMEM] = "HighMem",
	[ZONE_MOVABLE] = "Movable",
	[ZONE_DEVICE] = "Device",
};
