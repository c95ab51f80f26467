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
