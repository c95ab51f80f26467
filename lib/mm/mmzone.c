/* The pageblock lookups. */
#include "config.h"

#include "mm/mmzone.h"

/* pageblock_mt[] is indexed by pageblock number relative to the pageblock
 * holding node_start_pfn, so an unaligned node start still gets whole
 * pageblocks (the kernel's pageblock bitmap is pfn-aligned the same way). */
static size_t pageblock_index(const struct pglist_data *pgdat,
			      unsigned long pfn)
{
	return (pfn >> pgdat->pageblock_order) -
	       (pgdat->node_start_pfn >> pgdat->pageblock_order);
}

int get_pageblock_migratetype(const struct pglist_data *pgdat,
			      unsigned long pfn)
{
	return pgdat->pageblock_mt[pageblock_index(pgdat, pfn)];
}

void set_pageblock_migratetype(struct pglist_data *pgdat, unsigned long pfn,
			       int mt)
{
	pgdat->pageblock_mt[pageblock_index(pgdat, pfn)] = (uint8_t)mt;
}
