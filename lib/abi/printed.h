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
#include <stddef.h>
#include <stdint.h>

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
	bool after_answer;      /* node line: after "all_unreclaimable? yes" */
};

static inline bool printed_by(const struct printed_field *f, kver_t kv)
{
	return kv >= f->first && kv <= f->last;
}

/* One "name:VALUE[unit]" field of a printed line. */
struct printed_value {
	const char *name;       /* in the text, without the colon */
	size_t len;
	unsigned long value;
	const char *unit;       /* "kB", "KB" or "" */
};

/* Reads the field at *pp: blanks before it are skipped, one blank after
 * the colon is allowed ("shmem_thp: 0kB" before 6.6), a name is letters,
 * digits, '_' and "()" ("isolated(anon)").  Reads the text as printed or
 * with its white space gone.  True and *pp past the field; false when the
 * text there is not a field or its value does not fit an unsigned long,
 * with *pp at it. */
bool printed_read_value(const char **pp, struct printed_value *v);

/* The row of rows[] whose name is [name, name + len) (colon not counted),
 * whatever version prints it; NULL when none is. */
const struct printed_field *printed_field_named(const struct printed_field *rows,
						unsigned nr, const char *name,
						size_t len);

/* Is every field of seen (bit 1 << field) printed by kv? */
bool printed_fields_fit(const struct printed_field *rows, unsigned nr,
			uint32_t seen, kver_t kv);
/* Does one of seen's fields tell versions apart (no row prints it in
 * all of them)? */
bool printed_fields_tell(const struct printed_field *rows, unsigned nr,
			 uint32_t seen);

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
	ZF_FREE_HIGHATOMIC, ZF_ACTIVE_ANON, ZF_INACTIVE_ANON, ZF_ACTIVE_FILE, ZF_INACTIVE_FILE,
	ZF_UNEVICTABLE, ZF_WRITEPENDING, ZF_ZSPAGES, ZF_PRESENT, ZF_MANAGED, ZF_MLOCKED,
	ZF_SLAB_RECLAIMABLE, ZF_SLAB_UNRECLAIMABLE, ZF_KERNEL_STACK,
	ZF_PAGETABLES, ZF_BOUNCE, ZF_FREE_PCP, ZF_LOCAL_PCP, ZF_FREE_CMA,
	NR_ZONE_FIELDS
};
extern const struct printed_field zone_line_fields[];
extern const unsigned nr_zone_line_fields;

/* show_free_areas(): the node line after "Node N", " active_anon:…kB"
 * through the page-table counters, then "all_unreclaimable? yes|no" and
 * the rows marked after_answer. */
enum node_field {
	NF_ACTIVE_ANON, NF_INACTIVE_ANON, NF_ACTIVE_FILE, NF_INACTIVE_FILE,
	NF_UNEVICTABLE, NF_ISOLATED_ANON, NF_ISOLATED_FILE, NF_MAPPED,
	NF_DIRTY, NF_WRITEBACK, NF_SHMEM, NF_SHMEM_THP, NF_SHMEM_PMDMAPPED,
	NF_ANON_THP, NF_WRITEBACK_TMP, NF_UNSTABLE, NF_KERNEL_STACK,
	NF_PAGETABLES, NF_SEC_PAGETABLES, NF_PAGES_SCANNED, NF_BALLOON,
	NR_NODE_FIELDS
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
