/* /proc/pagetypeinfo (pagetypeinfo_showfree(), pagetypeinfo_showblockcount())
 * and /proc/buddyinfo (frag_show()): free blocks per zone, order and
 * migratetype, and pageblocks per migratetype.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "diagnose/logparse.h"
#include "diagnose/logparse_impl.h"

static int type_by_name(const char *s, size_t n)
{
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		if (strlen(migratetype_names[mt]) == n &&
		    !strncasecmp(s, migratetype_names[mt], n))
			return mt;
	if (n == 7 && !strncmp(s, "Reserve", 7))
		return MIGRATE_RESERVE_BIT;
	return -1;
}

struct log_report *log_dump_report(struct builder *b,
				      enum log_report_kind kind,
				      unsigned lineno)
{
	if (b->cur && b->cur->kind == kind)
		return b->cur;
	if (b->cur && kind == LOG_BUDDYINFO && b->cur->kind == LOG_PAGETYPEINFO)
		return b->cur;
	return log_new_report(b, kind, lineno);
}

/* "Page block order: 9", "Pages per block:  512" */
void log_parse_pt_hdr(struct builder *b, const char *t, unsigned lineno)
{
	struct log_report *r = log_dump_report(b, LOG_PAGETYPEINFO, lineno);
	unsigned long v;

	if (r && starts(t, "Page block order:") && field_ulong(t, "order:", &v)) {
		if (v >= MAX_PAGE_ORDERS) {
			log_problem_at(b->log, lineno, "pageblock order %lu; expected "
				"one below %u", v, MAX_PAGE_ORDERS);
			return;
		}
		r->pageblock_order = (unsigned)v;
		r->have_pageblock = true;
	}
}

/* "Node 0, zone DMA32, type Unmovable 123 149 …" */
void log_parse_pt_free(struct builder *b, const char *t, unsigned lineno)
{
	struct log_report *r = log_dump_report(b, LOG_PAGETYPEINFO, lineno);
	int node;

	if (!r)
		return;
	const char *p = log_skip_node(t, &node);
	if (node < 0) {
		/* "Node    0, zone" pads the node number */
		unsigned long nd;
		p = skip_sp(t + 4);
		if (!read_ulong(&p, &nd))
			goto bad;
		node = (int)nd;
	} else {
		p = t + 5;
		unsigned long nd;
		read_ulong(&p, &nd);
	}
	if (!starts(p, ", zone "))
		goto bad;
	p = skip_sp(p + 7);
	size_t zn = strcspn(p, ",");
	struct log_zone *z = log_report_zone(b, r, node, p, zn, lineno);
	if (!z)
		return;
	p += zn;
	if (!starts(p, ", type "))
		goto bad;
	p = skip_sp(p + 7);
	size_t tn = strcspn(p, " ");
	int mt = type_by_name(p, tn);
	if (mt < 0 || mt >= MIGRATE_TYPES) {
		if (mt == MIGRATE_RESERVE_BIT)
			return;
		log_problem_at(b->log, lineno, "pagetypeinfo: unknown migratetype "
			"'%.*s'", (int)tn, p);
		return;
	}
	p += tn;
	unsigned o = 0;
	for (;;) {
		p = skip_sp(p);
		if (*p == '>')
			p++;
		unsigned long v;
		if (!read_ulong(&p, &v))
			break;
		if (o < MAX_PAGE_ORDERS)
			z->pt_free[o][mt] = v;
		o++;
	}
	if (*skip_sp(p))
		goto bad;
	z->pt_types |= (uint8_t)(1u << mt);
	if (o > z->pt_orders)
		z->pt_orders = o > MAX_PAGE_ORDERS ? MAX_PAGE_ORDERS : o;
	z->have |= LZ_PAGETYPES;
	return;
bad:
	log_problem_at(b->log, lineno, "pagetypeinfo line does not read as \"Node N, "
		"zone NAME, type TYPE counts...\"");
}

void log_parse_blocks_hdr(struct builder *b, const char *t, unsigned lineno)
{
	struct log_report *r = log_dump_report(b, LOG_PAGETYPEINFO, lineno);

	if (!r)
		return;
	b->nr_pt_cols = 0;
	b->pt_blocks = starts(t, "Number of blocks type");
	if (!b->pt_blocks)
		return;
	const char *p = t + strlen("Number of blocks type");
	for (;;) {
		p = skip_sp(p);
		size_t n = strcspn(p, " ");
		if (!n || b->nr_pt_cols >= MIGRATE_TYPES)
			break;
		b->pt_cols[b->nr_pt_cols++] = type_by_name(p, n);
		p += n;
	}
}

/* "Node 0, zone   Normal   1 2 3 …": buddyinfo, or the blocks table */
void log_parse_node_zone(struct builder *b, const char *t, unsigned lineno)
{
	bool blocks = b->pt_blocks && b->cur && b->cur->kind == LOG_PAGETYPEINFO;
	struct log_report *r = blocks ? b->cur :
			       log_dump_report(b, LOG_BUDDYINFO, lineno);
	unsigned long nd, v[MAX_PAGE_ORDERS];
	unsigned nv = 0;

	if (!r)
		return;
	const char *p = skip_sp(t + 4);
	if (!read_ulong(&p, &nd) || !starts(p, ", zone "))
		goto bad;
	p = skip_sp(p + 7);
	size_t zn = strcspn(p, " ");
	struct log_zone *z = log_report_zone(b, r, (int)nd, p, zn, lineno);
	if (!z)
		return;
	p += zn;
	for (;;) {
		p = skip_sp(p);
		if (!*p)
			break;
		if (nv >= MAX_PAGE_ORDERS) {
			log_problem_at(b->log, lineno, "buddyinfo line of %s has more "
				"than %u counts; expected one per order, at most %u",
				z->name, MAX_PAGE_ORDERS, MAX_PAGE_ORDERS);
			return;
		}
		if (!read_ulong(&p, &v[nv++]))
			goto bad;
	}
	if (blocks) {
		for (unsigned c = 0; c < nv && c < b->nr_pt_cols; c++)
			if (b->pt_cols[c] >= 0 && b->pt_cols[c] < MIGRATE_TYPES)
				z->pt_blocks[b->pt_cols[c]] = v[c];
		z->have |= LZ_BLOCKS;
		return;
	}
	for (unsigned o = 0; o < nv; o++)
		z->nr_free[o] = v[o];
	z->nr_orders = nv;
	z->have |= LZ_BUDDYINFO;
	return;
bad:
	log_problem_at(b->log, lineno, "\"%.60s\" does not read as a buddyinfo or "
		"pagetypeinfo line (\"Node N, zone NAME counts...\")", t);
}
