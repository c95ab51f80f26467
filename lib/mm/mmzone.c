/* Name tables for the migratetypes (mm/vmstat.c migratetype_names[],
 * mm/page_alloc.c show_migration_types()). */
#include "config.h"

#include "mm/mmzone.h"

/* /proc/pagetypeinfo and the "Number of blocks type" header */
const char *const migratetype_names[MIGRATE_TYPES] = {
	[MIGRATE_UNMOVABLE] = "Unmovable",
	[MIGRATE_MOVABLE] = "Movable",
	[MIGRATE_RECLAIMABLE] = "Reclaimable",
	[MIGRATE_HIGHATOMIC] = "HighAtomic",
	[MIGRATE_CMA] = "CMA",
	[MIGRATE_ISOLATE] = "Isolate",
};

/* the letters of the buddy line: "4*4kB (UEC)" */
const char migratetype_letters[MIGRATE_TYPES] = {
	[MIGRATE_UNMOVABLE] = 'U',
	[MIGRATE_MOVABLE] = 'M',
	[MIGRATE_RECLAIMABLE] = 'E',
	[MIGRATE_HIGHATOMIC] = 'H',
	[MIGRATE_CMA] = 'C',
	[MIGRATE_ISOLATE] = 'I',
};

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
