/* Reports: what the kernel prints, formatted into a caller's buffer.
 *
 * Nothing here allocates.  Text goes into a struct sbuf (a fixed buffer
 * that counts what did not fit), and a sink writes it out with write(2).
 * Every function prints for the node's kernel version.
 */
#ifndef GFPSHIM_REPORT_H
#define GFPSHIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sbuf.h"
#include "machine/machine.h"
#include "mm/mmzone.h"
#include "mm/page_alloc.h"

/* What the report needs to know about the kernel's build, derived from
 * the machine: CONFIG_CMA (a CMA area, or a distro arch), CONFIG_SWAP
 * (pgdat->total_swap_kb >= 0; a negative value means "built without"),
 * CONFIG_MEMORY_FAILURE (pgdat->nr_hwpoisoned >= 0, likewise),
 * CONFIG_TRANSPARENT_HUGEPAGE (desc->thp) and the hugetlb page sizes
 * (none unless pageblock_order is the PMD order, as with hugetlbfs). */
struct report_kconfig {
	bool cma;
	bool memory_isolation;
	bool swap;
	bool memory_failure;
	bool thp;
	unsigned nr_hstates;
	unsigned long hstate_kb[4];     /* in hugetlb_add_hstate() order */
};
void report_kconfig(const struct pglist_data *pgdat, struct report_kconfig *kc);

/* show_node(): "Node 0 " before a zone's lines, only with CONFIG_NUMA. */
void show_node(struct sbuf *sb, const struct pglist_data *pgdat);

/* show_mem(): "Mem-Info:" through "pages hwpoisoned" (each line ends in
 * '\n').  `gfp`'s zone limits the zones shown on 6.1+ (__show_mem()). */
void show_mem(struct sbuf *sb, struct pglist_data *pgdat, gfp_t gfp,
	      unsigned cpu);

/* One zone's buddy line: "Node 0 Normal: 4*4kB (UEC) … = 248344kB\n". */
void show_buddy_line(struct sbuf *sb, struct pglist_data *pgdat,
		     struct zone *zone);

/* /proc/buddyinfo and /proc/pagetypeinfo, byte for byte. */
void show_buddyinfo(struct sbuf *sb, struct pglist_data *pgdat);
void show_pagetypeinfo(struct sbuf *sb, struct pglist_data *pgdat);

#endif
