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

#include "diagnose/logparse.h"
#include "diagnose/logparse_impl.h"

/* key:value pairs of a zone or Node line with the white space removed
 * (a wrap inside a token does no harm); calls back per pair. */
struct kv_sink {
	struct log_report *r;
	struct log_zone *z;
};

static void kv_pair(struct kv_sink *k, const char *key, size_t n,
		    unsigned long v, const char *unit)
{
	struct log_zone *z = k->z;
	struct log_report *r = k->r;

#define KEY(s) (n == strlen(s) && !memcmp(key, s, n))
	if (!z) {       /* Node line */
		if (KEY("kernel_stack")) {
			r->kernel_stack_kb = v;
			r->formats |= LOGF_NODE_STACK;
		} else if (KEY("pages_scanned")) {
			r->formats |= LOGF_PAGES_SCANNED;
		} else if (KEY("unstable")) {
			r->formats |= LOGF_UNSTABLE;
		}
		return;
	}
	if (KEY("free"))
		z->free_kb = v;
	else if (KEY("boost"))
		z->boost_kb = v, z->have |= LZ_BOOST, r->formats |= LOGF_BOOST;
	else if (KEY("min"))
		z->min_kb = v;
	else if (KEY("low"))
		z->low_kb = v;
	else if (KEY("high"))
		z->high_kb = v;
	else if (KEY("reserved_highatomic"))
		z->highatomic_kb = v, z->have |= LZ_HIGHATOMIC,
		r->formats |= LOGF_HIGHATOMIC_KB;
	else if (KEY("present"))
		z->present_kb = v;
	else if (KEY("managed"))
		z->managed_kb = v;
	else if (KEY("free_pcp"))
		z->free_pcp_kb = v, z->have |= LZ_FREE_PCP;
	else if (KEY("free_cma"))
		z->free_cma_kb = v;
	else if (KEY("kernel_stack"))
		r->kernel_stack_kb += v, r->formats |= LOGF_ZONE_STACK;
	else if (KEY("slab_reclaimable"))
		r->formats |= LOGF_ZONE_SLAB;
	else if (KEY("writepending"))
		r->formats |= LOGF_WRITEPENDING;
	(void)unit;
#undef KEY
}

/* Returns false when the text stops reading as key:value pairs. */
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
		const char *key = p;
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '(' ||
		       *p == ')')
			p++;
		size_t klen = (size_t)(p - key);
		if (*p == '?' && klen == strlen("all_unreclaimable") &&
		    !memcmp(key, "all_unreclaimable", klen)) {
			p++;
			*unreclaimable = true;
			*answer = starts(p, "yes") ? 1 : starts(p, "no") ? 0 : -1;
			return *answer >= 0;
		}
		/* keys never end in a digit; the value does */
		while (klen && dig(key[klen - 1]))
			klen--, p--;
		if (!klen || *p != ':')
			return false;
		p++;
		unsigned long v;
		if (!read_ulong(&p, &v))
			return false;
		const char *unit = "";
		if ((p[0] == 'k' || p[0] == 'K') && p[1] == 'B') {
			unit = "kB";
			p += 2;
		}
		kv_pair(k, key, klen, v, unit);
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

static int letter_type(char c)
{
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		if (migratetype_letters[mt] == c)
			return mt;
	return -1;
}

/* The "COUNT*SIZEkB(TYPES)" entries of a flattened buddy line, from order 0
 * up to the "=" or to what does not read (*why says what); *qp is left at
 * where reading stopped.  Returns the orders read. */
static unsigned buddy_orders(struct log_zone *z, const char **qp,
			     unsigned long *sum, const char **why)
{
	const char *q = *qp;
	unsigned order = 0;

	while (*q && *q != '=') {
		unsigned long cnt, kb;
		const char *entry = q;
		if (!read_ulong(&q, &cnt) || *q != '*') {
			*why = "expected COUNT*SIZEkB";
			break;
		}
		q++;
		if (!read_ulong(&q, &kb) || q[0] != 'k' || q[1] != 'B') {
			*why = "expected COUNT*SIZEkB";
			q = entry;
			break;
		}
		q += 2;
		uint8_t types = 0;
		if (*q == '(') {
			const char *close = strchr(q, ')');
			if (!close) {
				*why = "migratetype letters cut";
				q = entry;
				break;
			}
			for (const char *c = q + 1; c < close; c++) {
				int mt = *c == 'R' ? LOG_TYPE_RESERVE : letter_type(*c);
				if (mt < 0) {
					*why = "unknown migratetype letter";
					break;
				}
				types |= (uint8_t)(1u << mt);
			}
			if (*why)
				break;
			q = close + 1;
		}
		if (order == 0) {
			z->unit_kb = kb;
		} else if (kb != z->unit_kb << order) {
			*why = "block sizes do not double from order to order";
			break;
		}
		if (order >= MAX_PAGE_ORDERS) {
			*why = "more orders than any kernel has";
			break;
		}
		z->nr_free[order] = cnt;
		z->types[order] = types;
		*sum += cnt * kb;
		order++;
	}
	*qp = q;
	return order;
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
	for (const char *q = p + zn + 1; *q && n + 1 < sizeof(flat); q++)
		if (!sp(*q))
			flat[n++] = *q;
	flat[n] = '\0';

	unsigned long sum = 0;
	const char *q = flat;
	const char *why = NULL;
	unsigned order = buddy_orders(z, &q, &sum, &why);
	z->nr_orders = order;
	if (*q == '=') {
		unsigned long total;
		q++;
		if (read_ulong(&q, &total) && q[0] == 'k' && q[1] == 'B') {
			z->total_kb = total;
			z->have |= LZ_BUDDY;
			if (total != sum)
				log_problem_at(log, lineno, "buddy line of %s: its "
					       "blocks add up to %lukB but it prints "
					       "= %lukB; part of the line was lost",
					       z->name, sum, total);
			return;
		}
	}
	z->have |= LZ_BUDDY_CUT;
	log_problem_at(log, lineno, "buddy line of %s is cut after order %u "
		       "(%s); free blocks of higher orders are unknown", z->name,
		       order ? order - 1 : 0, why ? why : "no \"= NkB\" total");
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

void log_parse_global(struct log_report *r, const char *t)
{
	const char *p = t;

	if (strstr(t, " unstable:"))
		r->formats |= LOGF_UNSTABLE;
	if (strstr(t, "sec_pagetables:"))
		r->formats |= LOGF_SEC_PAGETABLES;
	while (*p) {
		p = skip_sp(p);
		size_t n = strcspn(p, " \t");
		const char *colon = memchr(p, ':', n);
		if (colon) {
			int c = log_counter_index(p, (size_t)(colon - p));
			const char *v = colon + 1;
			unsigned long x;
			if (c >= 0 && read_ulong(&v, &x)) {
				r->counters[c] = x;
				r->counters_seen |= 1u << c;
			}
		}
		p += n;
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
