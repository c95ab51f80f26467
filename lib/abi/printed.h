/* The fields of the lines the kernel prints, per version: one row per
 * field in the order it is printed, with the first and last kernel that
 * prints it there.  show_mem() prints from these tables; a reader of the
 * same line walks the same rows.
 *
 * A field that moved or changed its spelling between versions has one row
 * per form, with disjoint version ranges.
 */
#ifndef GFPSHIM_PRINTED_H
#define GFPSHIM_PRINTED_H

#include <stdbool.h>

#include "abi/kver.h"

/* Inclusive bounds: a row is printed by kernels first <= kv <= last. */
#define KVER_ANY_FIRST 0u
#define KVER_ANY_LAST  UINT32_MAX
#define KVER_LAST_OF(major, minor) KVER(major, minor, KVER_SUB_LATEST)

struct printed_field {
	int field;              /* the printer's value: enum zone_field, … */
	const char *name;       /* as printed, colon included: "free:" */
	const char *unit;       /* after the number: "kB", "KB", "" */
	kver_t first, last;
	bool line_break;        /* starts a new line ("\n ") instead of " " */
};

static inline bool printed_by(const struct printed_field *f, kver_t kv)
{
	return kv >= f->first && kv <= f->last;
}

/* show_free_areas(): the global block after "Mem-Info:", "active_anon:…"
 * through " free_cma:…" (page counts, no unit). */
enum global_field {
	GF_ACTIVE_ANON, GF_INACTIVE_ANON, GF_ISOLATED_ANON, GF_ACTIVE_FILE,
	GF_INACTIVE_FILE, GF_ISOLATED_FILE, GF_UNEVICTABLE, GF_DIRTY,
	GF_WRITEBACK, GF_UNSTABLE, GF_SLAB_RECLAIMABLE, GF_SLAB_UNRECLAIMABLE,
	GF_MAPPED, GF_SHMEM, GF_PAGETABLES, GF_SEC_PAGETABLES, GF_BOUNCE,
	GF_KERNEL_MISC_RECLAIMABLE, GF_FREE, GF_FREE_PCP, GF_FREE_CMA,
	NR_GLOBAL_FIELDS
};
extern const struct printed_field global_block_fields[];
extern const unsigned nr_global_block_fields;

/* show_free_areas(): the zone line after its name, " free:…kB" through
 * " free_cma:…kB" (lowmem_reserve is a line of its own). */
enum zone_field {
	ZF_FREE, ZF_BOOST, ZF_MIN, ZF_LOW, ZF_HIGH, ZF_RESERVED_HIGHATOMIC,
	ZF_ACTIVE_ANON, ZF_INACTIVE_ANON, ZF_ACTIVE_FILE, ZF_INACTIVE_FILE,
	ZF_UNEVICTABLE, ZF_WRITEPENDING, ZF_PRESENT, ZF_MANAGED, ZF_MLOCKED,
	ZF_SLAB_RECLAIMABLE, ZF_SLAB_UNRECLAIMABLE, ZF_KERNEL_STACK,
	ZF_PAGETABLES, ZF_BOUNCE, ZF_FREE_PCP, ZF_LOCAL_PCP, ZF_FREE_CMA,
	NR_ZONE_FIELDS
};
extern const struct printed_field zone_line_fields[];
extern const unsigned nr_zone_line_fields;

/* show_free_areas(): the node line after "Node N", " active_anon:…kB"
 * through the page-table counters ("all_unreclaimable? " follows). */
enum node_field {
	NF_ACTIVE_ANON, NF_INACTIVE_ANON, NF_ACTIVE_FILE, NF_INACTIVE_FILE,
	NF_UNEVICTABLE, NF_ISOLATED_ANON, NF_ISOLATED_FILE, NF_MAPPED,
	NF_DIRTY, NF_WRITEBACK, NF_SHMEM, NF_SHMEM_THP, NF_SHMEM_PMDMAPPED,
	NF_ANON_THP, NF_WRITEBACK_TMP, NF_UNSTABLE, NF_KERNEL_STACK,
	NF_PAGETABLES, NF_SEC_PAGETABLES, NF_PAGES_SCANNED, NR_NODE_FIELDS
};
extern const struct printed_field node_line_fields[];
extern const unsigned nr_node_line_fields;

/* The node line's THP fields are printed with CONFIG_TRANSPARENT_HUGEPAGE
 * only. */
static inline bool node_field_is_thp(int field)
{
	return field == NF_SHMEM_THP || field == NF_SHMEM_PMDMAPPED ||
	       field == NF_ANON_THP;
}

#endif
