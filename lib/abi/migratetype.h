/* The migratetypes (include/linux/mmzone.h enum migratetype) and how the
 * kernel prints them. */
#ifndef GFPSHIM_MIGRATETYPE_H
#define GFPSHIM_MIGRATETYPE_H

enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,               /* the number of types on the pcp lists */
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_CMA,
	MIGRATE_ISOLATE,
	MIGRATE_TYPES
};

/* MIGRATE_RESERVE, printed 'R' and "Reserve" by kernels before 4.4 (it
 * gave way to MIGRATE_HIGHATOMIC): a reader keeps it as this bit of a
 * type set; no free list of the simulation holds it. */
#define MIGRATE_RESERVE_BIT 7

/* /proc/pagetypeinfo and the "Number of blocks type" header (mm/vmstat.c
 * migratetype_names[]): "Unmovable", … */
extern const char *const migratetype_names[MIGRATE_TYPES];
/* The buddy line's letters (show_migration_types()): 'U','M','E','H','C','I' */
extern const char migratetype_letters[MIGRATE_TYPES];

/* The type bit a buddy-line letter stands for ('R' included), or -1. */
int migratetype_letter_bit(char c);

#endif
