/* The show_mem() dump, as __show_free_areas() prints it: the global
 * counters, the Node and zone lines, lowmem_reserve[], the per-zone buddy
 * line of free blocks by order and migratetype, the RAM totals; and the
 * OOM killer's task table (dump_tasks()).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/buddy_line.h"
#include "diagnose/logparse.h"
#include "diagnose/logparse_impl.h"

/* The fields of a zone or Node line (abi/printed.h names them for every
 * version) into the report. */
struct kv_sink {
	struct log_report *r;
	struct log_zone *z;     /* NULL for the Node line */
};

static void node_value(struct log_report *r, int field, unsigned long v)
{
	r->node_fields |= 1u << field;
	if (field == NF_KERNEL_STACK)
		r->kernel_stack_kb = v;
}

static void zone_value(struct log_report *r, struct log_zone *z, int field,
		       unsigned long v)
{
	r->zone_fields |= 1u << field;
	switch (field) {
	case ZF_FREE: z->free_kb = v; break;
	case ZF_BOOST: z->boost_kb = v; z->have |= LZ_BOOST; break;
	case ZF_MIN: z->min_kb = v; break;
	case ZF_LOW: z->low_kb = v; break;
	case ZF_HIGH: z->high_kb = v; break;
	case ZF_RESERVED_HIGHATOMIC: z->highatomic_kb = v; z->have |= LZ_HIGHATOMIC; break;
	case ZF_PRESENT: z->present_kb = v; break;
	case ZF_MANAGED: z->managed_kb = v; break;
	case ZF_FREE_PCP: z->free_pcp_kb = v; z->have |= LZ_FREE_PCP; break;
	case ZF_FREE_CMA: z->free_cma_kb = v; break;
	case ZF_KERNEL_STACK: r->kernel_stack_kb += v; break;
	default: break;
	}
}

static void kv_pair(struct kv_sink *k, const struct printed_value *v)
{
	const struct printed_field *f;

	if (!k->z) {
		f = printed_field_named(node_line_fields, nr_node_line_fields,
					v->name, v->len);
		if (f)
			node_value(k->r, f->field, v->value);
		return;
	}
	f = printed_field_named(zone_line_fields, nr_zone_line_fields,
				v->name, v->len);
	if (f)
		zone_value(k->r, k->z, f->field, v->value);
}

/* Returns false when the text stops reading as name:value fields; reads
 * with the white space removed (a wrap inside a field does no harm). */
static bool parse_kv(const char *s, struct kv_sink *k, bool *unreclaimable,
		     int *answer)
{
	char flat[8192];
	size_t n = 0;

	for (const char *p = s; *p && n + 1 < sizeof(flat); p++)
		if (!sp(*p))
			flat[n++] = *p;
	flat[n] = '\0';
	const char *p = flat;
	while (*p) {
		struct printed_value v;

		if (starts(p, "all_unreclaimable?")) {
			p += strlen("all_unreclaimable?");
			*unreclaimable = true;
			*answer = starts(p, "yes") ? 1 : starts(p, "no") ? 0 : -1;
			if (*answer < 0)
				return false;
			/* Balloon: (6.16) and other fields may follow the
			 * answer; what does not read as one ends the line */
			p += *answer ? strlen("yes") : strlen("no");
			while (printed_read_value(&p, &v))
				kv_pair(k, &v);
			return true;
		}
		if (!printed_read_value(&p, &v))
			return false;
		kv_pair(k, &v);
	}
	return true;
}

void log_parse_zone_line(struct builder *b, unsigned i, struct joined *j)
{
	struct log *log = b->log;
	unsigned lineno = log->records[i].lineno;
	int node;

	log_join_record(log, i, false, j);
	const char *p = log_skip_node(j->buf, &node);
	size_t n = log_zone_name_at(p, " free:");
	struct log_zone *z = log_report_zone(b, b->cur, node, p, n, lineno);
	if (!z)
		return;
	b->last_zone = (int)(z - b->cur->zones);
	z->zone_line = lineno;
	struct kv_sink k = { b->cur, z };
	bool unrecl = false;
	int answer;
	bool ok = parse_kv(p + n, &k, &unrecl, &answer);
	if (!ok || !strstr(j->buf, "min:") || !strstr(j->buf, "free_cma:")) {
		log_problem_at(log, lineno, "zone line of %s %s: %s; its watermark "
			"numbers are %s", z->name,
			ok ? "is cut (no free_cma:)" : "does not read as key:value pairs",
			"incomplete", strstr(j->buf, "min:") ? "kept" : "unknown");
		if (!strstr(j->buf, "min:"))
			return;
	}
	z->have |= LZ_ZONE_LINE;
}

void log_parse_node_line(struct builder *b, unsigned i, struct joined *j)
{
	int node;
	bool unrecl = false;
	int answer = -1;

	log_join_record(b->log, i, false, j);
	const char *p = log_skip_node(j->buf, &node);
	struct kv_sink k = { b->cur, NULL };
	parse_kv(p, &k, &unrecl, &answer);
	if (unrecl)
		b->cur->all_unreclaimable = answer;
	else
		log_problem_at(b->log, b->log->records[i].lineno, "Node line is cut "
			"(no \"all_unreclaimable?\")");
}

/* Keeps the columns of bl whose block sizes double from order 0 up; the
 * first that does not ends the line there.  Returns why it was cut, or
 * NULL when every column was kept. */
static const char *keep_columns(struct log_zone *z, const struct buddy_line *bl)
{
	z->unit_kb = bl->nr_orders ? bl->size_kb[0] : 0;
	for (unsigned o = 0; o < bl->nr_orders; o++) {
		if (bl->size_kb[o] != z->unit_kb << o) {
			z->nr_orders = o;
			return "block sizes do not double from order to order";
		}
		z->nr_free[o] = bl->nr_free[o];
		z->types[o] = bl->types[o];
	}
	z->nr_orders = bl->nr_orders;
	return NULL;
}

/* "Node 0 DMA32: 3*4kB (UM) 1*8kB (M) … = 1234kB", after show_free_areas() */
void log_parse_buddy(struct builder *b, unsigned i, struct joined *j)
{
	struct log *log = b->log;
	unsigned lineno = log->records[i].lineno;
	int node;
	char flat[8192];
	size_t n = 0;

	log_join_record(log, i, true, j);
	const char *p = log_skip_node(j->buf, &node);
	size_t zn = log_zone_name_at(p, ":");
	struct log_zone *z = log_report_zone(b, b->cur, node, p, zn, lineno);
	if (!z)
		return;
	if (z->have & (LZ_BUDDY | LZ_BUDDY_CUT)) {
		/* a second dump: it starts a report of its own */
		if (!log_new_report(b, LOG_SHOW_MEM, lineno))
			return;
		b->cur->mem_info = true;
		z = log_report_zone(b, b->cur, node, p, zn, lineno);
	}
	z->buddy_line = lineno;
	/* a wrap inside a column leaves a space in it: read without any */
	for (const char *q = p; *q && n + 1 < sizeof(flat); q++)
		if (!sp(*q))
			flat[n++] = *q;
	flat[n] = '\0';

	struct buddy_line bl;
	enum buddy_line_stop stop = buddy_line_read(flat, &bl);
	const char *why = keep_columns(z, &bl);
	if (!why && stop == BL_COMPLETE) {
		z->total_kb = bl.total_kb;
		z->have |= LZ_BUDDY;
		if (bl.total_kb != bl.sum_kb)
			log_problem_at(log, lineno, "buddy line of %s: its "
				       "blocks add up to %lukB but it prints "
				       "= %lukB; part of the line was lost",
				       z->name, bl.sum_kb, bl.total_kb);
		return;
	}
	z->have |= LZ_BUDDY_CUT;
	log_problem_at(log, lineno, "buddy line of %s is cut after order %u "
		       "(%s); free blocks of higher orders are unknown", z->name,
		       z->nr_orders ? z->nr_orders - 1 : 0,
		       why ? why : buddy_line_stop_text(stop));
}

void log_parse_reserve(struct builder *b, const char *t, unsigned lineno)
{
	if (b->last_zone < 0) {
		log_problem_at(b->log, lineno, "lowmem_reserve[] with no zone line "
			"before it");
		return;
	}
	struct log_zone *z = &b->cur->zones[b->last_zone];
	const char *p = t + strlen("lowmem_reserve[]:");
	z->nr_reserve = 0;
	for (;;) {
		p = skip_sp(p);
		if (!*p)
			break;
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p || v < 0 || z->nr_reserve >= MAX_NR_ZONES) {
			log_problem_at(b->log, lineno, "lowmem_reserve[] of %s: '%s' is "
				"not a page count", z->name, p);
			return;
		}
		z->lowmem_reserve[z->nr_reserve++] = v > (long)LOG_NUMBER_MAX ?
						     (long)LOG_NUMBER_MAX : v;
		p = end;
	}
	z->have |= LZ_RESERVE;
}

/* A line of the global block after "Mem-Info:": name:pages fields */
void log_parse_global(struct log_report *r, const char *t)
{
	const char *p = t;

	while (*p) {
		struct printed_value v;
		if (!printed_read_value(&p, &v)) {
			p += strcspn(p, " \t");        /* not a field: skip it */
			continue;
		}
		const struct printed_field *f = printed_field_named(
			global_block_fields, nr_global_block_fields, v.name, v.len);
		if (f) {
			r->counters[f->field] = v.value;
			r->global_fields |= 1u << f->field;
		}
	}
}

void log_parse_totals(struct log_report *r, const char *t)
{
	const char *p = t;
	unsigned long n = 0;

	read_ulong(&p, &n);
	if (!strcmp(p, " pages RAM"))
		r->pages_ram = n, r->have_ram = true;
	else if (!strcmp(p, " pages reserved"))
		r->pages_reserved = n, r->have_reserved = true;
	else if (!strcmp(p, " pages cma reserved"))
		r->pages_cma_reserved = n, r->have_cma_reserved = true;
	else
		r->pages_highmem = n, r->have_highmem = true;
}

/* "[ 1428]     0  1428     2082     2053   327680        0             0 oncealloc2" */
void log_parse_task(struct log_report *r, const char *t)
{
	const char *p = strchr(t, ']') + 1;
	const char *tok[12];
	size_t len[12];
	unsigned nt = 0;

	while (*p && nt < 12) {
		p = skip_sp(p);
		if (!*p)
			break;
		tok[nt] = p;
		len[nt] = strcspn(p, " \t");
		p += len[nt++];
	}
	if (nt < 5)
		return;
	const char *rp = tok[3];
	unsigned long rss;
	if (!read_ulong(&rp, &rss))
		return;
	char name[32];
	copy_span(name, sizeof(name), tok[nt - 1], len[nt - 1]);
	unsigned k;
	for (k = 0; k < r->nr_tasks; k++)
		if (!strcmp(r->tasks[k].name, name))
			break;
	if (k == r->nr_tasks) {
		if (r->nr_tasks < LOG_MAX_TASKS) {
			r->nr_tasks++;
		} else {
			k = 0;
			for (unsigned m = 1; m < r->nr_tasks; m++)
				if (r->tasks[m].rss < r->tasks[k].rss)
					k = m;
			if (r->tasks[k].rss >= rss)
				return;
		}
		memset(&r->tasks[k], 0, sizeof(r->tasks[k]));
		snprintf(r->tasks[k].name, sizeof(r->tasks[k].name), "%s", name);
	}
	r->tasks[k].rss += rss;
	r->tasks[k].nr++;
}
