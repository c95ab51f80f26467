/* The field tables of abi/printed.h, from mm/page_alloc.c
 * show_free_areas() (mm/show_mem.c __show_free_areas() from 6.6). */
#include "config.h"

#include <string.h>

#include "abi/printed.h"

#define ALWAYS .first = KVER_ANY_FIRST, .last = KVER_ANY_LAST
#define FROM(major, minor) .first = KVER(major, minor, 0), .last = KVER_ANY_LAST
#define UNTIL(major, minor) \
	.first = KVER_ANY_FIRST, .last = KVER_LAST_OF(major, minor)

#define BREAK .line_break = true
#define AFTER_ANSWER .after_answer = true

const struct printed_field global_block_fields[] = {
	{ GF_ACTIVE_ANON, "active_anon:", "", ALWAYS },
	{ GF_INACTIVE_ANON, "inactive_anon:", "", ALWAYS },
	{ GF_ISOLATED_ANON, "isolated_anon:", "", ALWAYS },
	{ GF_ACTIVE_FILE, "active_file:", "", ALWAYS, BREAK },
	{ GF_INACTIVE_FILE, "inactive_file:", "", ALWAYS },
	{ GF_ISOLATED_FILE, "isolated_file:", "", ALWAYS },
	{ GF_UNEVICTABLE, "unevictable:", "", ALWAYS, BREAK },
	{ GF_DIRTY, "dirty:", "", ALWAYS },
	{ GF_WRITEBACK, "writeback:", "", ALWAYS },
	/* NR_UNSTABLE_NFS went away in 5.8 */
	{ GF_UNSTABLE, "unstable:", "", UNTIL(5, 7) },
	{ GF_SLAB_RECLAIMABLE, "slab_reclaimable:", "", ALWAYS, BREAK },
	{ GF_SLAB_UNRECLAIMABLE, "slab_unreclaimable:", "", ALWAYS },
	{ GF_MAPPED, "mapped:", "", ALWAYS, BREAK },
	{ GF_SHMEM, "shmem:", "", ALWAYS },
	{ GF_PAGETABLES, "pagetables:", "", ALWAYS },
	/* NR_SECONDARY_PAGETABLE: 6.0, on a line of its own */
	{ GF_SEC_PAGETABLES, "sec_pagetables:", "", FROM(6, 0), BREAK },
	{ GF_BOUNCE, "bounce:", "", ALWAYS },
	/* eb2169cee36f (5.15) */
	{ GF_KERNEL_MISC_RECLAIMABLE, "kernel_misc_reclaimable:", "",
	  FROM(5, 15), BREAK },
	{ GF_FREE, "free:", "", ALWAYS, BREAK },
	{ GF_FREE_PCP, "free_pcp:", "", ALWAYS },
	{ GF_FREE_CMA, "free_cma:", "", ALWAYS },
};
const unsigned nr_global_block_fields =
	sizeof(global_block_fields) / sizeof(global_block_fields[0]);

const struct printed_field zone_line_fields[] = {
	{ ZF_FREE, "free:", "kB", ALWAYS },
	/* zone->watermark_boost: 5.16 */
	{ ZF_BOOST, "boost:", "kB", FROM(5, 16) },
	{ ZF_MIN, "min:", "kB", ALWAYS },
	{ ZF_LOW, "low:", "kB", ALWAYS },
	{ ZF_HIGH, "high:", "kB", ALWAYS },
	/* 5.5, with the capital KB of its format string */
	{ ZF_RESERVED_HIGHATOMIC, "reserved_highatomic:", "KB", FROM(5, 5) },
	/* "mm: add nr_free_highatomic in show_free_areas" (6.16); a real
	 * 6.17.7 log prints it */
	{ ZF_FREE_HIGHATOMIC, "free_highatomic:", "KB", FROM(6, 16) },
	{ ZF_ACTIVE_ANON, "active_anon:", "kB", ALWAYS },
	{ ZF_INACTIVE_ANON, "inactive_anon:", "kB", ALWAYS },
	{ ZF_ACTIVE_FILE, "active_file:", "kB", ALWAYS },
	{ ZF_INACTIVE_FILE, "inactive_file:", "kB", ALWAYS },
	{ ZF_UNEVICTABLE, "unevictable:", "kB", ALWAYS },
	{ ZF_WRITEPENDING, "writepending:", "kB", ALWAYS },
	/* "mm: show_mem: show number of zspages in show_free_areas" (6.18);
	 * 0 without CONFIG_ZSMALLOC */
	{ ZF_ZSPAGES, "zspages:", "kB", FROM(6, 18) },
	{ ZF_PRESENT, "present:", "kB", ALWAYS },
	{ ZF_MANAGED, "managed:", "kB", ALWAYS },
	{ ZF_MLOCKED, "mlocked:", "kB", ALWAYS },
	/* slab counters became node counters in 4.13 */
	{ ZF_SLAB_RECLAIMABLE, "slab_reclaimable:", "kB", UNTIL(4, 12) },
	{ ZF_SLAB_UNRECLAIMABLE, "slab_unreclaimable:", "kB", UNTIL(4, 12) },
	/* kernel_stack moved to the node line in 5.9, pagetables in 5.11 */
	{ ZF_KERNEL_STACK, "kernel_stack:", "kB", UNTIL(5, 8) },
	{ ZF_PAGETABLES, "pagetables:", "kB", UNTIL(5, 10) },
	{ ZF_BOUNCE, "bounce:", "kB", ALWAYS },
	{ ZF_FREE_PCP, "free_pcp:", "kB", ALWAYS },
	{ ZF_LOCAL_PCP, "local_pcp:", "kB", ALWAYS },
	{ ZF_FREE_CMA, "free_cma:", "kB", ALWAYS },
};
const unsigned nr_zone_line_fields =
	sizeof(zone_line_fields) / sizeof(zone_line_fields[0]);

const struct printed_field node_line_fields[] = {
	{ NF_ACTIVE_ANON, "active_anon:", "kB", ALWAYS },
	{ NF_INACTIVE_ANON, "inactive_anon:", "kB", ALWAYS },
	{ NF_ACTIVE_FILE, "active_file:", "kB", ALWAYS },
	{ NF_INACTIVE_FILE, "inactive_file:", "kB", ALWAYS },
	{ NF_UNEVICTABLE, "unevictable:", "kB", ALWAYS },
	{ NF_ISOLATED_ANON, "isolated(anon):", "kB", ALWAYS },
	{ NF_ISOLATED_FILE, "isolated(file):", "kB", ALWAYS },
	{ NF_MAPPED, "mapped:", "kB", ALWAYS },
	{ NF_DIRTY, "dirty:", "kB", ALWAYS },
	{ NF_WRITEBACK, "writeback:", "kB", ALWAYS },
	{ NF_SHMEM, "shmem:", "kB", ALWAYS },
	/* the THP fields lost the space after the colon in 6.6 */
	{ NF_SHMEM_THP, "shmem_thp: ", "kB", UNTIL(6, 5) },
	{ NF_SHMEM_THP, "shmem_thp:", "kB", FROM(6, 6) },
	{ NF_SHMEM_PMDMAPPED, "shmem_pmdmapped: ", "kB", UNTIL(6, 5) },
	{ NF_SHMEM_PMDMAPPED, "shmem_pmdmapped:", "kB", FROM(6, 6) },
	{ NF_ANON_THP, "anon_thp: ", "kB", UNTIL(6, 5) },
	{ NF_ANON_THP, "anon_thp:", "kB", FROM(6, 6) },
	/* NR_WRITEBACK_TEMP removed in 6.17: a real 6.17.7 log has no
	 * writeback_tmp: */
	{ NF_WRITEBACK_TMP, "writeback_tmp:", "kB", UNTIL(6, 16) },
	/* NR_UNSTABLE_NFS went away in 5.8 */
	{ NF_UNSTABLE, "unstable:", "kB", UNTIL(5, 7) },
	{ NF_KERNEL_STACK, "kernel_stack:", "kB", FROM(5, 9) },
	{ NF_PAGETABLES, "pagetables:", "kB", FROM(5, 11) },
	/* NR_SECONDARY_PAGETABLE: 6.0 */
	{ NF_SEC_PAGETABLES, "sec_pagetables:", "kB", FROM(6, 0) },
	/* NR_PAGES_SCANNED gave way to kswapd_failures in 4.12 */
	{ NF_PAGES_SCANNED, "pages_scanned:", "", UNTIL(4, 11) },
	/* NR_BALLOON_PAGES, "meminfo: add a per node counter for balloon
	 * drivers" (6.16), after the all_unreclaimable answer */
	{ NF_BALLOON, "Balloon:", "kB", FROM(6, 16), AFTER_ANSWER },
};
const unsigned nr_node_line_fields =
	sizeof(node_line_fields) / sizeof(node_line_fields[0]);

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '(' || c == ')';
}

bool printed_read_value(const char **pp, struct printed_value *v)
{
	const char *p = *pp;

	while (*p == ' ' || *p == '\t')
		p++;
	*pp = p;
	v->name = p;
	while (name_char(*p))
		p++;
	v->len = (size_t)(p - v->name);
	if (!v->len || *p != ':')
		return false;
	p++;
	if (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		return false;
	v->value = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		if (__builtin_mul_overflow(v->value, 10UL, &v->value) ||
		    __builtin_add_overflow(v->value, (unsigned long)(*p - '0'),
					   &v->value))
			return false;
	v->unit = "";
	if (p[0] == 'k' && p[1] == 'B')
		v->unit = "kB";
	else if (p[0] == 'K' && p[1] == 'B')
		v->unit = "KB";
	*pp = p + strlen(v->unit);
	return true;
}

const struct printed_field *printed_field_named(const struct printed_field *rows,
						unsigned nr, const char *name,
						size_t len)
{
	for (unsigned i = 0; i < nr; i++) {
		const char *n = rows[i].name;
		if (strncmp(n, name, len) == 0 && n[len] == ':')
			return &rows[i];
	}
	return NULL;
}

bool printed_fields_fit(const struct printed_field *rows, unsigned nr,
			uint32_t seen, kver_t kv)
{
	for (int field = 0; field < 32; field++) {
		bool printed = false;

		if (!(seen & (1u << field)))
			continue;
		for (unsigned i = 0; i < nr; i++)
			if (rows[i].field == field && printed_by(&rows[i], kv))
				printed = true;
		if (!printed)
			return false;
	}
	return true;
}

bool printed_fields_tell(const struct printed_field *rows, unsigned nr,
			 uint32_t seen)
{
	for (unsigned i = 0; i < nr; i++)
		if ((seen & (1u << rows[i].field)) &&
		    rows[i].first == KVER_ANY_FIRST && rows[i].last == KVER_ANY_LAST)
			seen &= ~(1u << rows[i].field);
	return seen != 0;
}
