/* Name tables for the migratetypes (mm/vmstat.c migratetype_names[],
 * mm/page_alloc.c show_migration_types()). */
#include "config.h"

#include "abi/migratetype.h"

const char *const migratetype_names[MIGRATE_TYPES] = {
	[MIGRATE_UNMOVABLE] = "Unmovable",
	[MIGRATE_MOVABLE] = "Movable",
	[MIGRATE_RECLAIMABLE] = "Reclaimable",
	[MIGRATE_HIGHATOMIC] = "HighAtomic",
	[MIGRATE_CMA] = "CMA",
	[MIGRATE_ISOLATE] = "Isolate",
};

const char migratetype_letters[MIGRATE_TYPES] = {
	[MIGRATE_UNMOVABLE] = 'U',
	[MIGRATE_MOVABLE] = 'M',
	[MIGRATE_RECLAIMABLE] = 'E',
	[MIGRATE_HIGHATOMIC] = 'H',
	[MIGRATE_CMA] = 'C',
	[MIGRATE_ISOLATE] = 'I',
};

int migratetype_letter_bit(char c)
{
	if (c == 'R')
		return MIGRATE_RESERVE_BIT;
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		if (migratetype_letters[mt] == c)
			return mt;
	return -1;
}
