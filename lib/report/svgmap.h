/* Maps of a snapshot: one cell per pageblock in physical order, coloured
 * by migratetype, filled by how much of the pageblock is free, with CMA
 * areas outlined, zone boundaries labelled, a legend and the totals.
 *
 * map_svg() draws an SVG document; map_text() draws the same for a
 * terminal, one character per pageblock.  Both write through a sink in
 * pieces and never allocate.  The SVG carries its counts for programs: the
 * root element's data-* attributes and a <desc> give pageblocks and free
 * pages per migratetype, and each cell says its pfn, type and free pages.
 */
#ifndef GFPSHIM_SVGMAP_H
#define GFPSHIM_SVGMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "report/snapshot.h"

struct map_sink {
	void (*write)(void *arg, const char *buf, size_t len);
	void *arg;
};

#define MAP_COLS_DEFAULT 64
#define MAP_COLS_MAX     1024

/* cols: pageblocks per row (1 to MAP_COLS_MAX).  title: the heading
 * (the snapshot's source when NULL). */
void map_svg(const struct snapshot *s, unsigned cols, const char *title,
	     const struct map_sink *out);

/* Characters: the migratetype letter (U M E H C I), upper case when at
 * least half the pageblock is free, lower case when less; '-' for a
 * pageblock with no managed frame.  color: ANSI colours per type. */
void map_text(const struct snapshot *s, unsigned cols, bool color,
	      const char *title, const struct map_sink *out);

#endif
