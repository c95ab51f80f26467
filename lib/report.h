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

#include "machine.h"
#include "mmzone.h"
#include "page_alloc.h"

struct sbuf {
	char *buf;
	size_t cap;
	size_t len;             /* may exceed cap: the text did not fit */
};

#define SBUF_INIT(b, n) { (b), (n), 0 }

/* printf into the buffer; integer and string conversions only. */
void sb_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap);
void sb_puts(struct sbuf *sb, const char *s);
const char *sb_str(struct sbuf *sb);            /* NUL-terminated view */
void sb_reset(struct sbuf *sb);

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

/* State in: rebuild a zone's free lists so that show_buddy_line() prints
 * `line` again.  Frames not needed for the free blocks are marked
 * allocated; NR_FREE_* follow.  Accepts the line with or without "Node N ",
 * timestamp or syslog prefix.  Returns 0 or -1 with a message naming the
 * column that could not be used. */
int zone_load_buddy_line(struct pglist_data *pgdat, const char *line,
			 struct gfp_error *err);

/* State in from /proc/pagetypeinfo text (all zones it names). */
int node_load_pagetypeinfo(struct pglist_data *pgdat, const char *text,
			   struct gfp_error *err);

#endif
