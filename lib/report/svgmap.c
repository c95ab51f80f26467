/* Drawing a snapshot: sections of pageblocks (one per zone, and one per
 * hole between zones), rows of a fixed width, a legend and the totals,
 * as SVG or as terminal text.  Output goes through a fixed buffer that is
 * handed to the sink whenever it fills.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "report/svgmap.h"

/* ---- output ------------------------------------------------------------ */

struct out {
	const struct map_sink *sink;
	struct sbuf sb;
	char buf[16384];
};

static void out_init(struct out *o, const struct map_sink *sink)
{
	o->sink = sink;
	o->sb.buf = o->buf;
	o->sb.cap = sizeof(o->buf);
	o->sb.len = 0;
	o->sb.prefix = NULL;
}

static void out_flush(struct out *o)
{
	if (o->sb.len)
		o->sink->write(o->sink->arg, o->buf, o->sb.len);
	sb_reset(&o->sb);
}

/* Every piece written is far shorter than the slack kept here. */
#define OUT_SLACK 2048

static void out_printf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->sb.len + OUT_SLACK > o->sb.cap)
		out_flush(o);
	va_start(ap, fmt);
	sb_vprintf(&o->sb, fmt, ap);
	va_end(ap);
}

/* Text into XML character data or an attribute value. */
static void out_xml(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		switch (s[i]) {
		case '&': out_printf(o, "&amp;"); break;
		case '<': out_printf(o, "&lt;"); break;
		case '>': out_printf(o, "&gt;"); break;
		case '"': out_printf(o, "&quot;"); break;
		default:
			if ((unsigned char)s[i] < ' ')
				out_printf(o, " ");
			else
				out_printf(o, "%c", s[i]);
		}
	}
}

/* ---- the model ------------------------------------------------------------ */

static const char *const mt_class[MIGRATE_TYPES] = {
	[MIGRATE_UNMOVABLE] = "unmovable",
	[MIGRATE_MOVABLE] = "movable",
	[MIGRATE_RECLAIMABLE] = "reclaimable",
	[MIGRATE_HIGHATOMIC] = "highatomic",
	[MIGRATE_CMA] = "cma",
	[MIGRATE_ISOLATE] = "isolate",
};

/* full colour (the free part) and tint (the rest) per migratetype */
static const char *const mt_colour[MIGRATE_TYPES][2] = {
	[MIGRATE_UNMOVABLE] = { "#d62728", "#f5c4c4" },
	[MIGRATE_MOVABLE] = { "#2ca02c", "#c8e9c8" },
	[MIGRATE_RECLAIMABLE] = { "#1f77b4", "#c3dbef" },
	[MIGRATE_HIGHATOMIC] = { "#ff7f0e", "#ffdcbc" },
	[MIGRATE_CMA] = { "#9467bd", "#e1d5ec" },
	[MIGRATE_ISOLATE] = { "#7f7f7f", "#dcdcdc" },
};

static const char *const mt_ansi[MIGRATE_TYPES] = {
	[MIGRATE_UNMOVABLE] = "31",
	[MIGRATE_MOVABLE] = "32",
	[MIGRATE_RECLAIMABLE] = "34",
	[MIGRATE_HIGHATOMIC] = "33",
	[MIGRATE_CMA] = "35",
	[MIGRATE_ISOLATE] = "90",
};

static unsigned long pb_pages(const struct snapshot *s)
{
	return 1UL << s->hdr.pageblock_order;
}

static unsigned long pb_managed(const struct snap_pageblock *pb,
				unsigned long pbn)
{
	return pbn - pb->pages[SNAP_RESERVED] - pb->pages[SNAP_HOLE];
}

static unsigned long kb(const struct snapshot *s, unsigned long pages)
{
	return pages << (s->hdr.page_shift - 10);
}

/* A section: pageblocks [first, end) with one zone value. */
static unsigned long section_end(const struct snapshot *s, unsigned long first)
{
	unsigned long b = first;

	while (b < s->hdr.nr_pageblocks && s->pb[b]->zone == s->pb[first]->zone)
		b++;
	return b;
}

static void zone_summary(struct out *o, const struct snapshot *s,
			 const struct snap_zone *z, unsigned long end_pfn)
{
	out_printf(o, "%s: pfn 0x%llx-0x%lx, present %lu kB, managed %lu kB, "
		   "free %lu kB", z->name, (unsigned long long)z->start_pfn,
		   end_pfn, kb(s, z->present_pages), kb(s, z->managed_pages),
		   kb(s, (unsigned long)z->free_pages));
	if (z->cma_pages)
		out_printf(o, " (CMA %lu kB of %lu kB)",
			   kb(s, (unsigned long)z->free_cma_pages),
			   kb(s, z->cma_pages));
	out_printf(o, ", min/low/high %lu/%lu/%lu kB",
		   kb(s, z->watermark[WMARK_MIN] + z->watermark_boost),
		   kb(s, z->watermark[WMARK_LOW] + z->watermark_boost),
		   kb(s, z->watermark[WMARK_HIGH] + z->watermark_boost));
}

static void heading(struct out *o, const struct snapshot *s,
		    const char *title, bool xml)
{
	const char *t = title ? title : s->hdr.source;

	if (xml)
		out_xml(o, t, strlen(t));
	else
		out_printf(o, "%s", t);
	if (!xml)
		out_printf(o, "\n");
}

static void machine_line(struct out *o, const struct snapshot *s, bool xml)
{
	const char *rel = s->desc.release;

	out_printf(o, "machine ");
	if (xml)
		out_xml(o, s->desc.name, sizeof(s->desc.name));
	else
		out_printf(o, "%s", s->desc.name);
	out_printf(o, ", %s ", s->desc.arch);
	if (xml)
		out_xml(o, rel, sizeof(s->desc.release));
	else
		out_printf(o, "%s", rel);
	out_printf(o, ", %lu kB pages, pageblock order %u (%lu kB), %llu pageblocks",
		   kb(s, 1), s->hdr.pageblock_order, kb(s, pb_pages(s)),
		   (unsigned long long)s->hdr.nr_pageblocks);
}

/* ---- SVG ------------------------------------------------------------------- */

#define CELL    12
#define LEFT    96
#define TOP     64
#define LABEL_H 22
#define GAP     10
#define LINE_H  18

static unsigned long rows(unsigned long n, unsigned cols)
{
	return (n + cols - 1) / cols;
}

/* Height of the cell area (sections with their labels). */
static unsigned long cells_height(const struct snapshot *s, unsigned cols)
{
	unsigned long h = 0;

	for (unsigned long b = 0; b < s->hdr.nr_pageblocks;) {
		unsigned long e = section_end(s, b);
		h += LABEL_H;
		if (s->pb[b]->zone != SNAP_NO_ZONE)
			h += rows(e - b, cols) * CELL;
		h += GAP;
		b = e;
	}
	return h;
}

static bool in_cma(const struct snapshot *s, unsigned long first,
		   unsigned long end, long b)
{
	return b >= (long)first && b < (long)end &&
	       (s->pb[b]->flags & SNAP_PB_CMA_AREA);
}

/* The outline of the CMA pageblocks of a section: every cell edge whose
 * neighbour across it is not in a CMA area. */
static void svg_cma_outline(struct out *o, const struct snapshot *s,
			    unsigned long first, unsigned long end,
			    unsigned cols, unsigned long y0)
{
	bool any = false;

	for (unsigned long b = first; b < end; b++) {
		if (!(s->pb[b]->flags & SNAP_PB_CMA_AREA))
			continue;
		unsigned long i = b - first, c = i % cols;
		unsigned long x = LEFT + c * CELL, y = y0 + (i / cols) * CELL;
		if (!any)
			out_printf(o, "<path class=\"cma-area\" d=\"");
		any = true;
		if (!in_cma(s, first, end, (long)b - (long)cols))
			out_printf(o, "M%lu %luh%d", x, y, CELL);
		if (!in_cma(s, first, end, (long)(b + cols)))
			out_printf(o, "M%lu %luh%d", x, y + CELL, CELL);
		if (c == 0 || !in_cma(s, first, end, (long)b - 1))
			out_printf(o, "M%lu %luv%d", x, y, CELL);
		if (c == cols - 1 || !in_cma(s, first, end, (long)b + 1))
			out_printf(o, "M%lu %luv%d", x + CELL, y, CELL);
	}
	if (any)
		out_printf(o, "\"/>\n");
}

static void svg_section(struct out *o, const struct snapshot *s,
			unsigned long first, unsigned long end, unsigned cols,
			unsigned long *y)
{
	const struct snap_pageblock *pb0 = s->pb[first];
	unsigned long pbn = pb_pages(s);
	unsigned long start_pfn = snap_pageblock_pfn(s, first);
	unsigned long end_pfn = snap_pageblock_pfn(s, end);

	out_printf(o, "<line class=\"zone-boundary\" x1=\"4\" y1=\"%lu\" "
		   "x2=\"%lu\" y2=\"%lu\"/>\n", *y, (unsigned long)LEFT + cols * CELL,
		   *y);
	out_printf(o, "<text class=\"zone-label\" x=\"4\" y=\"%lu\">", *y + 15);
	if (pb0->zone == SNAP_NO_ZONE) {
		out_printf(o, "hole: pfn 0x%lx-0x%lx, %lu pageblocks with no zone"
			   "</text>\n", start_pfn, end_pfn, end - first);
		*y += LABEL_H + GAP;
		return;
	}
	const struct snap_zone *z = &s->zones[pb0->zone];
	zone_summary(o, s, z, (unsigned long)(z->start_pfn + z->spanned_pages));
	out_printf(o, "</text>\n");
	*y += LABEL_H;

	out_printf(o, "<g class=\"zone\" data-zone=\"");
	out_xml(o, z->name, sizeof(z->name));
	out_printf(o, "\">\n");
	for (unsigned long b = first; b < end; b++) {
		const struct snap_pageblock *pb = s->pb[b];
		unsigned long i = b - first;
		unsigned long x = LEFT + (i % cols) * CELL;
		unsigned long cy = *y + (i / cols) * CELL;
		unsigned long free = pb->pages[SNAP_FREE];

		if (i % cols == 0)
			out_printf(o, "<text class=\"addr\" x=\"%d\" y=\"%lu\">"
				   "0x%llx</text>\n", LEFT - 6, cy + CELL - 2,
				   (unsigned long long)snap_pageblock_pfn(s, b) <<
				   s->hdr.page_shift);
		out_printf(o, "<rect class=\"pb mt-%s\" x=\"%lu\" y=\"%lu\" "
			   "width=\"%d\" height=\"%d\" data-pfn=\"0x%lx\" "
			   "data-free=\"%lu\"/>", mt_class[pb->mt], x, cy, CELL,
			   CELL, snap_pageblock_pfn(s, b), free);
		if (free) {
			unsigned long h = (free * (CELL - 2) + pbn - 1) / pbn;
			out_printf(o, "<rect class=\"fill mt-%s\" x=\"%lu\" "
				   "y=\"%lu\" width=\"%d\" height=\"%lu\"/>",
				   mt_class[pb->mt], x + 1, cy + CELL - 1 - h,
				   CELL - 2, h);
		}
		if (!pb_managed(pb, pbn))
			out_printf(o, "<rect class=\"unmanaged\" x=\"%lu\" "
				   "y=\"%lu\" width=\"%d\" height=\"%d\"/>",
				   x, cy, CELL, CELL);
		out_printf(o, "\n");
	}
	svg_cma_outline(o, s, first, end, cols, *y);
	out_printf(o, "</g>\n");
	*y += rows(end - first, cols) * CELL + GAP;
}

void map_svg(const struct snapshot *s, unsigned cols, const char *title,
	     const struct map_sink *sink)
{
	struct out o;
	struct snap_totals t;
	unsigned long width = LEFT + (unsigned long)cols * CELL + 16;
	unsigned long y = TOP;
	unsigned long legend_h = (MIGRATE_TYPES + 4) * LINE_H;
	unsigned long height = TOP + cells_height(s, cols) + legend_h + 16;

	if (width < 760)
		width = 760;
	out_init(&o, sink);
	snapshot_totals(s, -1, &t);

	out_printf(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%lu\" "
		   "height=\"%lu\" viewBox=\"0 0 %lu %lu\"", width, height,
		   width, height);
	out_printf(&o, " data-pageblocks=\"%lu\"", t.pageblocks);
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		out_printf(&o, " data-pageblocks-%s=\"%lu\" data-free-%s=\"%lu\"",
			   mt_class[mt], t.blocks_mt[mt], mt_class[mt],
			   t.free_mt[mt]);
	out_printf(&o, ">\n<title>");
	heading(&o, s, title, true);
	out_printf(&o, "</title>\n<desc>");
	out_printf(&o, "pageblocks:");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		out_printf(&o, " %s=%lu", migratetype_names[mt], t.blocks_mt[mt]);
	out_printf(&o, "; free-pages:");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		out_printf(&o, " %s=%lu", migratetype_names[mt], t.free_mt[mt]);
	out_printf(&o, "; frames:");
	for (int k = 0; k < NR_SNAP_KINDS; k++)
		out_printf(&o, " %s=%lu", snap_kind_names[k], t.pages[k]);
	out_printf(&o, "</desc>\n<style>\n"
		   "text { font-family: monospace; font-size: 11px; fill: #222; }\n"
		   ".title { font-size: 14px; font-weight: bold; }\n"
		   ".addr { text-anchor: end; fill: #666; font-size: 9px; }\n"
		   ".zone-label { font-weight: bold; }\n"
		   ".zone-boundary { stroke: #000; stroke-width: 1.5; }\n"
		   ".pb { stroke: #fff; stroke-width: 1; }\n"
		   ".unmanaged { fill: #999; fill-opacity: 0.6; }\n"
		   ".cma-area { fill: none; stroke: #000; stroke-width: 2; }\n");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		out_printf(&o, ".pb.mt-%s, .swatch.mt-%s { fill: %s; } "
			   ".fill.mt-%s, .swatch-fill.mt-%s { fill: %s; }\n",
			   mt_class[mt], mt_class[mt], mt_colour[mt][1],
			   mt_class[mt], mt_class[mt], mt_colour[mt][0]);
	out_printf(&o, "</style>\n");
	out_printf(&o, "<text class=\"title\" x=\"4\" y=\"18\">");
	heading(&o, s, title, true);
	out_printf(&o, "</text>\n<text x=\"4\" y=\"36\">");
	machine_line(&o, s, true);
	out_printf(&o, "</text>\n<text x=\"4\" y=\"52\">one cell per pageblock "
		   "in physical order; colour: migratetype; dark part: free "
		   "pages on the buddy lists; outline: CMA area; grey: no "
		   "managed frame</text>\n");

	for (unsigned long b = 0; b < s->hdr.nr_pageblocks;) {
		unsigned long e = section_end(s, b);
		svg_section(&o, s, b, e, cols, &y);
		b = e;
	}

	/* legend and totals */
	out_printf(&o, "<g class=\"legend\">\n<text x=\"4\" y=\"%lu\">type: "
		   "pageblocks, free on its lists</text>\n", y + 12);
	y += LINE_H;
	for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
		out_printf(&o, "<rect class=\"swatch mt-%s\" x=\"4\" "
			   "y=\"%lu\" width=\"%d\" height=\"%d\"/>"
			   "<rect class=\"swatch-fill mt-%s\" x=\"%d\" "
			   "y=\"%lu\" width=\"%d\" height=\"%d\"/>",
			   mt_class[mt], y, CELL, CELL, mt_class[mt], 4 + CELL,
			   y, CELL, CELL);
		out_printf(&o, "<text x=\"%d\" y=\"%lu\">%-12s %6lu pageblocks, "
			   "%lu kB free (%lu pages)</text>\n", 8 + 2 * CELL,
			   y + 10, migratetype_names[mt], t.blocks_mt[mt],
			   kb(s, t.free_mt[mt]), t.free_mt[mt]);
		y += LINE_H;
	}
	unsigned long free = 0;
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		free += t.free_mt[mt];
	out_printf(&o, "<text x=\"4\" y=\"%lu\">total: %lu pageblocks, %lu kB "
		   "free (%lu pages)</text>\n", y + 10, t.pageblocks,
		   kb(s, free), free);
	y += LINE_H;
	out_printf(&o, "<text x=\"4\" y=\"%lu\">frames:", y + 10);
	for (int k = 0; k < NR_SNAP_KINDS; k++)
		out_printf(&o, " %s %lu%s", snap_kind_names[k], t.pages[k],
			   k + 1 < NR_SNAP_KINDS ? "," : "");
	out_printf(&o, "</text>\n</g>\n</svg>\n");
	out_flush(&o);
}

/* ---- text ------------------------------------------------------------------ */

static char pb_char(const struct snapshot *s, const struct snap_pageblock *pb)
{
	unsigned long pbn = pb_pages(s);
	char c = migratetype_letters[pb->mt];

	if (!pb_managed(pb, pbn))
		return '-';
	if (pb->pages[SNAP_FREE] * 2 >= pbn)
		return c;
	return (char)(c - 'A' + 'a');
}

void map_text(const struct snapshot *s, unsigned cols, bool color,
	      const char *title, const struct map_sink *sink)
{
	struct out o;
	struct snap_totals t;

	out_init(&o, sink);
	snapshot_totals(s, -1, &t);
	heading(&o, s, title, false);
	machine_line(&o, s, false);
	out_printf(&o, "\none character per pageblock:");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
		if (color)
			out_printf(&o, " \033[%sm%c\033[0m %s", mt_ansi[mt],
				   migratetype_letters[mt], migratetype_names[mt]);
		else
			out_printf(&o, " %c %s", migratetype_letters[mt],
				   migratetype_names[mt]);
	}
	out_printf(&o, ";\nupper case: at least half free, lower case: less "
		   "than half free, '-': no managed frame\n");

	for (unsigned long b = 0; b < s->hdr.nr_pageblocks;) {
		unsigned long e = section_end(s, b);
		unsigned long start_pfn = snap_pageblock_pfn(s, b);

		if (s->pb[b]->zone == SNAP_NO_ZONE) {
			out_printf(&o, "\n== hole: pfn 0x%lx-0x%lx, %lu pageblocks "
				   "with no zone ==\n", start_pfn,
				   snap_pageblock_pfn(s, e), e - b);
			b = e;
			continue;
		}
		const struct snap_zone *z = &s->zones[s->pb[b]->zone];
		out_printf(&o, "\n== ");
		zone_summary(&o, s, z,
			     (unsigned long)(z->start_pfn + z->spanned_pages));
		out_printf(&o, " ==\n");
		for (unsigned long i = b; i < e; i++) {
			const struct snap_pageblock *pb = s->pb[i];
			if ((i - b) % cols == 0)
				out_printf(&o, "0x%010llx ",
					   (unsigned long long)snap_pageblock_pfn(s, i)
					   << s->hdr.page_shift);
			char c = pb_char(s, pb);
			if (color && c != '-')
				out_printf(&o, "\033[%sm%c\033[0m", mt_ansi[pb->mt], c);
			else
				out_printf(&o, "%c", c);
			if ((i - b) % cols == cols - 1 || i + 1 == e)
				out_printf(&o, "\n");
		}
		b = e;
	}

	unsigned long free = 0, pcp = 0;
	out_printf(&o, "\n%-12s %10s %12s %12s %12s\n", "type", "pageblocks",
		   "free kB", "free pages", "pcp pages");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
		out_printf(&o, "%-12s %10lu %12lu %12lu %12lu\n",
			   migratetype_names[mt], t.blocks_mt[mt],
			   kb(s, t.free_mt[mt]), t.free_mt[mt], t.pcp_mt[mt]);
		free += t.free_mt[mt];
		pcp += t.pcp_mt[mt];
	}
	out_printf(&o, "%-12s %10lu %12lu %12lu %12lu\n", "total", t.pageblocks,
		   kb(s, free), free, pcp);
	out_printf(&o, "frames:");
	for (int k = 0; k < NR_SNAP_KINDS; k++)
		out_printf(&o, " %s %lu%s", snap_kind_names[k], t.pages[k],
			   k + 1 < NR_SNAP_KINDS ? "," : "\n");
	out_flush(&o);
}
