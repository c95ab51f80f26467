/* Reports: what the kernel prints, formatted into a caller's buffer.
 *
 * Nothing here allocates.  Text goes into a struct sbuf (a fixed buffer
 * that counts what did not fit), and a sink writes it out with write(2).
 * Every function prints for the node's kernel version.
 */
#ifndef GFPSHIM_REPORT_H
#define GFPSHIM_REPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "machine/machine.h"
#include "mm/mmzone.h"
#include "mm/page_alloc.h"

struct sbuf {
	char *buf;
	size_t cap;
	size_t len;             /* may exceed cap: the text did not fit */
	const char *prefix;     /* put before every line (a timestamp); NULL */
};

#define SBUF_INIT(b, n) { (b), (n), 0, NULL }

/* printf into the buffer; integer and string conversions only. */
void sb_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap);
void sb_puts(struct sbuf *sb, const char *s);
const char *sb_str(struct sbuf *sb);            /* NUL-terminated view */
void sb_reset(struct sbuf *sb);
bool sb_overflowed(const struct sbuf *sb);      /* some text did not fit */

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

/* State in (zone_load.c).  Each loader reads the first matching record in
 * `text`, which may be a whole log: lines may carry "[ts]" stamps, syslog
 * prefixes and "#012" escapes, and a record wrapped over several lines is
 * read as one.  Each returns 0, or -1 with a message in err naming what
 * could not be used and what was expected. */

/* Rebuild a zone's free lists so that show_buddy_line() prints the buddy
 * line ("[Node N ]<Zone>: a*4kB (UM) … = TOTALkB") again.  Every managed
 * frame not in a printed block becomes an allocated order-0 block (frames
 * allocated before are forgotten; per-cpu lists are drained first);
 * blocks go into pageblocks of their migratetype (C inside the CMA areas),
 * no two free buddies of one order side by side.  An order with several
 * letters gets one block per letter, then CMA takes enough to reach the
 * zone's NR_FREE_CMA_PAGES — the zone line's free_cma when that was loaded
 * first — and the other letters share the rest.  NR_FREE_* and
 * nr_reserved_highatomic follow the result. */
int zone_load_buddy_line(struct pglist_data *pgdat, const char *line,
			 struct gfp_error *err);

/* The zone line ("[Node N ]<Zone> free:…kB … free_cma:…kB") and, when it
 * follows, "lowmem_reserve[]: …".  present/managed must match the
 * machine's zone; min/low/high (boost included, as printed) set the
 * watermarks; boost, reserved_highatomic and the zone counters are set as
 * printed, NR_FREE_PAGES and NR_FREE_CMA_PAGES too until the zone's buddy
 * line is loaded (which recounts them).  free_pcp/local_pcp are ignored:
 * they follow the per-cpu lists. */
int zone_load_zone_line(struct pglist_data *pgdat, const char *text,
			struct gfp_error *err);

/* /proc/pagetypeinfo: every zone it names gets exactly the printed blocks
 * per order and migratetype, and exactly the printed pageblock counts per
 * type (the CMA count must equal the machine's CMA pageblocks). */
int node_load_pagetypeinfo(struct pglist_data *pgdat, const char *text,
			   struct gfp_error *err);

#endif
