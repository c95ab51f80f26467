/* What a record is (a report header, a show_mem line, a pagetypeinfo row,
 * ...), and joining a zone, Node or buddy line that a terminal or a mail
 * program wrapped with the records that continue it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "diagnose/logparse.h"
#include "diagnose/logparse_impl.h"

/* zone_names[] of every config */
static const char *const zone_names[] = {
	[ZONE_DMA] = "DMA", [ZONE_DMA32] = "DMA32", [ZONE_NORMAL] = "Normal",
	[ZONE_HIGHMEM] = "HighMem", [ZONE_MOVABLE] = "Movable",
	[ZONE_DEVICE] = "Device",
};

int log_zone_type(const char *name)
{
	for (int t = 0; t < NR_ZONE_TYPES; t++)
		if (!strcmp(name, zone_names[t]))
			return t;
	return -1;
}

const char *log_skip_node(const char *s, int *node)
{
	unsigned long n;
	const char *p = s;

	*node = -1;
	if (!starts(p, "Node "))
		return s;
	p += 5;
	if (!read_ulong(&p, &n) || *p != ' ')
		return s;
	*node = (int)n;
	return p + 1;
}

/* A zone name at s followed by `after`; its length, or 0. */
size_t log_zone_name_at(const char *s, const char *after)
{
	for (int t = 0; t < NR_ZONE_TYPES; t++) {
		size_t n = strlen(zone_names[t]);
		if (!strncmp(s, zone_names[t], n) && starts(s + n, after))
			return n;
	}
	return 0;
}

enum rec_class log_classify(const char *t)
{
	int node;
	const char *p;

	if (strstr(t, "page allocation failure"))
		return RC_FAILURE;
	if (strstr(t, "page allocation stalls for "))
		return RC_STALL;
	if (strstr(t, "invoked oom-killer:"))
		return RC_OOM;
	if (strstr(t, "vmalloc: allocation failure") ||
	    strstr(t, "vmalloc error: size ") ||
	    (strstr(t, "vmalloc size ") && strstr(t, "allocation failure")))
		return RC_VMALLOC;
	if (strstr(t, "vmap allocation for size ") ||
	    strstr(t, "vmalloc_node_range for size "))
		return RC_VMAP;
	if (strstr(t, "cma_alloc: ") && strstr(t, "alloc failed, req-size:"))
		return RC_CMA;
	if (strstr(t, "number of available pages:"))
		return RC_CMA_AVAIL;
	if (starts(t, "CPU: ") && strstr(t, "PID: "))
		return RC_CPU;
	if (starts(t, "Hardware name: "))
		return RC_HARDWARE;
	if (!strcmp(t, "Mem-Info:"))
		return RC_MEMINFO;
	if (starts(t, "lowmem_reserve[]:"))
		return RC_RESERVE;
	if (starts(t, "Tasks state (memory values in pages)") ||
	    starts(t, "[ pid ]") || starts(t, "[  pid  ]"))
		return RC_TASK_HDR;
	if (starts(t, "Page block order:") || starts(t, "Pages per block:"))
		return RC_PT_HDR;
	if (starts(t, "Free pages count per migrate type at order"))
		return RC_PT_ORDERS;
	if (starts(t, "Number of blocks type") ||
	    starts(t, "Number of mixed blocks"))
		return RC_PT_BLOCKS_HDR;
	if (starts(t, "Node ") && (p = strchr(t, ',')) && starts(p, ", zone ")) {
		if (strstr(p, ", type "))
			return RC_PT_FREE;
		return RC_NODE_ZONE;
	}
	p = log_skip_node(t, &node);
	if (node >= 0 && starts(p, "active_anon:"))
		return RC_NODE_LINE;
	if (log_zone_name_at(p, " free:"))
		return RC_ZONE_LINE;
	size_t zn = log_zone_name_at(p, ":");
	if (zn && (dig(skip_sp(p + zn + 1)[0]) || !skip_sp(p + zn + 1)[0]))
		return RC_BUDDY;
	if (node < 0) {
		/* pages, no unit: "unevictable:2340kB" continues a Node line */
		const char *colon = strchr(t, ':');
		if (colon && printed_field_named(global_block_fields,
						 nr_global_block_fields, t,
						 (size_t)(colon - t)) &&
		    dig(colon[1])) {
			const char *v = colon + 1;
			while (dig(*v))
				v++;
			if (!*v || *v == ' ')
				return RC_GLOBAL;
		}
		p = t;
		unsigned long n;
		if (read_ulong(&p, &n) && *p == ' ' &&
		    (!strcmp(p, " pages RAM") || !strcmp(p, " pages reserved") ||
		     !strcmp(p, " pages cma reserved") ||
		     !strcmp(p, " pages HighMem/MovableOnly")))
			return RC_TOTALS;
		if (t[0] == '[') {
			p = skip_sp(t + 1);
			if (read_ulong(&p, &n) && *p == ']')
				return RC_TASK_ROW;
		}
	}
	return RC_OTHER;
}

/* ---- joining wrapped lines --------------------------------------------------- */

static void join_add(struct joined *j, const char *t)
{
	size_t n = strlen(t);

	if (j->len + n + 2 > sizeof(j->buf))
		n = sizeof(j->buf) - j->len - 2;
	if (j->len)
		j->buf[j->len++] = ' ';
	memcpy(j->buf + j->len, t, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

/* Does a key:value line (zone line, Node line) end complete? */
static bool kv_line_complete(const char *s)
{
	const char *p = strstr(s, "all_unreclaimable?");
	if (p) {
		p = skip_sp(p + strlen("all_unreclaimable?"));
		return starts(p, "yes") || starts(p, "no");
	}
	p = strstr(s, "free_cma:");
	if (!p)
		return false;
	p += strlen("free_cma:");
	while (dig(*p))
		p++;
	return (p[0] == 'k' || p[0] == 'K') && p[1] == 'B' && !p[2];
}

static bool kv_continuation(const char *t, enum rec_class c)
{
	if (c != RC_OTHER)
		return false;
	size_t first = strcspn(t, " ");
	if (memchr(t, ':', first))
		return true;
	if (!strcmp(t, "yes") || !strcmp(t, "no"))
		return true;
	/* the rest of a value: "0kB", "B" */
	for (size_t i = 0; i < first; i++)
		if (!dig(t[i]) && t[i] != 'k' && t[i] != 'K' && t[i] != 'B')
			return false;
	return true;
}

static bool buddy_complete(const char *s)
{
	const char *eq = strrchr(s, '=');

	if (!eq)
		return false;
	eq = skip_sp(eq + 1);
	while (dig(*eq))
		eq++;
	return eq[0] == 'k' && eq[1] == 'B';
}

static bool buddy_continuation(const char *t)
{
	for (const char *p = t; *p; p++)
		if (!dig(*p) && !strchr("*kB()UMEHCIR= ", *p))
			return false;
	return true;
}

/* Join record i with the records that continue it (at most a few may
 * come from other CPUs in between for buddy lines). */
void log_join_record(const struct log *log, unsigned i, bool buddy,
			struct joined *j)
{
	j->len = 0;
	j->buf[0] = '\0';
	join_add(j, log_record_text(log, i));
	j->last = i;
	for (unsigned k = i + 1, skipped = 0; k < log->nr_records && k < i + 16; k++) {
		const char *t = log_record_text(log, k);
		if (buddy ? buddy_complete(j->buf) : kv_line_complete(j->buf))
			return;
		enum rec_class c = log_classify(t);
		if (buddy ? c == RC_OTHER && buddy_continuation(t) :
			    kv_continuation(t, c)) {
			join_add(j, t);
			j->last = k;
			continue;
		}
		if (!buddy || c != RC_OTHER || ++skipped > 2)
			return;
	}
}
