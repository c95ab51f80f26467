/* Kernel logs in: records first, then the reports they make up.
 *
 * Records.  Each physical line loses the prefixes that logging added
 * (printk level, /dev/kmsg header, syslog/journal/logread prefix, dmesg
 * stamp, Android caller id) in any order they were stacked, then splits at
 * "#012" (rsyslog) and "\x0a" (/dev/kmsg): one record per line the kernel
 * printed.  A record keeps whether it started with white space, which is
 * how a multi-line printk's continuation lines look.
 *
 * Reports.  A header (warn_alloc, stall, OOM, vmalloc, vmap, CMA) opens a
 * report; show_mem lines that follow belong to it until the next header.
 * A zone line, Node line or buddy line that a terminal or mail program
 * wrapped is joined with the lines that continue it; a buddy line is read
 * with its white space removed, so a wrap inside a token does no harm.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/kver.h"
#include "diagnose/logparse.h"
#include "base/prim.h"

const char *const log_report_kind_names[LOG_NR_KINDS] = {
	[LOG_ALLOC_FAILURE] = "page allocation failure",
	[LOG_ALLOC_STALL] = "page allocation stall",
	[LOG_OOM] = "OOM killer",
	[LOG_VMALLOC] = "vmalloc failure",
	[LOG_VMAP] = "vmap address space",
	[LOG_CMA] = "CMA allocation failure",
	[LOG_SHOW_MEM] = "memory dump",
	[LOG_BUDDYINFO] = "buddyinfo",
	[LOG_PAGETYPEINFO] = "pagetypeinfo",
};

const char *const log_counter_names[LC_NR] = {
	[LC_ACTIVE_ANON] = "active_anon",
	[LC_INACTIVE_ANON] = "inactive_anon",
	[LC_ISOLATED_ANON] = "isolated_anon",
	[LC_ACTIVE_FILE] = "active_file",
	[LC_INACTIVE_FILE] = "inactive_file",
	[LC_ISOLATED_FILE] = "isolated_file",
	[LC_UNEVICTABLE] = "unevictable",
	[LC_DIRTY] = "dirty",
	[LC_WRITEBACK] = "writeback",
	[LC_SLAB_RECLAIMABLE] = "slab_reclaimable",
	[LC_SLAB_UNRECLAIMABLE] = "slab_unreclaimable",
	[LC_MAPPED] = "mapped",
	[LC_SHMEM] = "shmem",
	[LC_PAGETABLES] = "pagetables",
	[LC_BOUNCE] = "bounce",
	[LC_FREE] = "free",
	[LC_FREE_PCP] = "free_pcp",
	[LC_FREE_CMA] = "free_cma",
};

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

const struct log_zone *log_find_zone(const struct log_report *rep,
				     const char *name)
{
	for (unsigned i = 0; i < rep->nr_zones; i++)
		if (!strcmp(rep->zones[i].name, name))
			return &rep->zones[i];
	return NULL;
}

/* ---- small text helpers ------------------------------------------------ */

static bool sp(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool dig(char c)
{
	return c >= '0' && c <= '9';
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *skip_sp(const char *s)
{
	while (sp(*s))
		s++;
	return s;
}

/* Decimal at *s; advances *s.  False when no digit. */
static bool read_ulong(const char **s, unsigned long *v)
{
	const char *p = *s;
	unsigned long x = 0;

	if (!dig(*p))
		return false;
	while (dig(*p))
		x = x * 10 + (unsigned long)(*p++ - '0');
	*s = p;
	*v = x;
	return true;
}

/* The decimal after `key` in s ("order:" → 4); false if absent. */
static bool field_ulong(const char *s, const char *key, unsigned long *v)
{
	const char *p = strstr(s, key);

	if (!p)
		return false;
	p = skip_sp(p + strlen(key));
	return read_ulong(&p, v);
}

static void copy_span(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* ---- the log's memory ---------------------------------------------------- */

static size_t page_round(size_t n)
{
	size_t pg = prim_page_size();

	return (n + pg - 1) & ~(pg - 1);
}

static struct log *log_alloc(size_t len, struct gfp_error *err)
{
	size_t max_records = len / 2 + 16;
	size_t text_cap = len + max_records + 16;
	size_t off_text = page_round(sizeof(struct log));
	size_t off_rec = page_round(off_text + text_cap);
	size_t off_rep = page_round(off_rec + max_records * sizeof(struct log_record));
	size_t total = page_round(off_rep + LOG_MAX_REPORTS * sizeof(struct log_report));
	char *base = prim_map(total);

	if (!base) {
		snprintf(err->msg, sizeof(err->msg), "cannot map %zu bytes for "
			 "the log: %s", total, strerror(errno));
		return NULL;
	}
	struct log *log = (struct log *)base;
	log->map_len = total;
	log->text = base + off_text;
	log->records = (struct log_record *)(base + off_rec);
	log->reports = (struct log_report *)(base + off_rep);
	return log;
}

void log_free(struct log *log)
{
	if (log)
		prim_unmap(log, log->map_len);
}

static void problem(struct log *log, unsigned lineno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct log *log, unsigned lineno, const char *fmt, ...)
{
	va_list ap;

	if (log->nr_problems >= LOG_MAX_PROBLEMS) {
		log->problems_dropped++;
		return;
	}
	struct log_problem *p = &log->problems[log->nr_problems++];
	p->lineno = lineno;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
}

/* ---- records --------------------------------------------------------------- */

/* "<4>" */
static const char *match_level(const char *s, const char *e)
{
	const char *p = s + 1;

	if (s >= e || *s != '<')
		return NULL;
	while (p < e && dig(*p) && p - s <= 3)
		p++;
	return p > s + 1 && p < e && *p == '>' ? p + 1 : NULL;
}

/* /dev/kmsg: "4,123,456,-;" (level+facility, seq, usec, flags) */
static const char *match_kmsg(const char *s, const char *e)
{
	const char *p = s;

	for (int field = 0; field < 3; field++) {
		const char *d = p;
		while (p < e && dig(*p))
			p++;
		if (p == d)
			return NULL;
		if (field < 2) {
			if (p >= e || *p != ',')
				return NULL;
			p++;
		}
	}
	while (p < e && *p != ';' && p - s < 64) {
		if (sp(*p))
			return NULL;
		p++;
	}
	return p < e && *p == ';' ? p + 1 : NULL;
}

/* "[ 2161.623563]" or dmesg -T's "[Thu Jun 13 04:36:30 2024]" */
static const char *match_stamp(const char *s, const char *e)
{
	const char *p = s + 1;
	bool digit = false, sep = false;

	if (s >= e || *s != '[')
		return NULL;
	while (p < e && *p != ']' && p - s < 40) {
		char c = *p;
		if (dig(c))
			digit = true;
		else if (c == '.' || c == ':')
			sep = true;
		else if (!(isalpha((unsigned char)c) || c == ' ' || c == ',' ||
			   c == '+' || c == '-'))
			return NULL;
		p++;
	}
	if (p >= e || *p != ']' || !digit || !sep)
		return NULL;
	/* "[0.0]" style only: a stamp starts with a digit, a space or a day */
	return p + 1;
}

/* Android/vendor caller ids: "[  T123]", "[ C1]", "(0)[5171:kworker/0:0]",
 * "[0:  kworker/0:0: 5171]" */
static const char *match_caller(const char *s, const char *e)
{
	const char *p;

	if (s < e && *s == '[') {
		p = skip_sp(s + 1);
		if (p < e && (*p == 'T' || *p == 'C') && p + 1 < e && dig(p[1])) {
			p++;
			while (p < e && dig(*p))
				p++;
			if (p < e && *p == ']')
				return p + 1;
		}
		/* "[cpu: comm: pid]" */
		p = s + 1;
		if (p < e && dig(*p)) {
			while (p < e && dig(*p))
				p++;
			if (p < e && *p == ':') {
				const char *close = memchr(p, ']', (size_t)(e - p));
				if (close && close - s < 48) {
					const char *q = close;
					while (q > p && dig(q[-1]))
						q--;
					q = q > p ? q : close;
					while (q > p && sp(q[-1]))
						q--;
					if (q < close && q > p && q[-1] == ':')
						return close + 1;
				}
			}
		}
		return NULL;
	}
	if (s < e && *s == '(') {
		p = s + 1;
		while (p < e && dig(*p))
			p++;
		if (p == s + 1 || p + 1 >= e || p[0] != ')' || p[1] != '[')
			return NULL;
		p += 2;
		const char *d = p;
		while (p < e && dig(*p))
			p++;
		if (p == d || p >= e || *p != ':')
			return NULL;
		const char *close = memchr(p, ']', (size_t)(e - p));
		return close && close - s < 48 ? close + 1 : NULL;
	}
	return NULL;
}

/* syslog, journal, logread: "Jun 13 04:36:30 host kernel: ",
 * "2024-06-13T04:36:30.1+00:00 host kernel: ",
 * "Thu Jun 13 04:36:30 2024 kern.warn kernel: " */
static const char *match_syslog(const char *s, const char *e)
{
	const char *limit = e - s > 200 ? s + 200 : e;
	bool time = false;

	for (const char *p = s; p + 7 <= limit; p++) {
		if (p > s && dig(p[-1]) && *p == ':' && p + 1 < e && dig(p[1]))
			time = true;
		if (*p == ' ' && memcmp(p + 1, "kernel:", 7) == 0) {
			/* a date before it, or just the host name */
			if (!time && memchr(s, ' ', (size_t)(p - s)))
				return NULL;
			return p + 8;
		}
	}
	return NULL;
}

/* logcat -b kernel: "06-13 04:36:30.123     0     0 W         : " */
static const char *match_logcat(const char *s, const char *e)
{
	const char *p = s;

	if (e - s < 20 || !dig(p[0]) || !dig(p[1]) || p[2] != '-' ||
	    !dig(p[3]) || !dig(p[4]) || p[5] != ' ' || !dig(p[6]) ||
	    p[8] != ':')
		return NULL;
	p += 6;
	while (p < e && (dig(*p) || *p == ':' || *p == '.'))
		p++;
	for (int n = 0; n < 2; n++) {
		p = skip_sp(p);
		if (p >= e || !dig(*p))
			return NULL;
		while (p < e && dig(*p))
			p++;
	}
	p = skip_sp(p);
	if (p + 1 >= e || !strchr("VDIWEF", *p) || p[1] != ' ')
		return NULL;
	const char *colon = memchr(p, ':', (size_t)(e - p));
	return colon && colon - p < 40 ? colon + 1 : NULL;
}

static const char *strip_prefixes(const char *s, const char *e, bool *kmsg)
{
	for (int round = 0; round < 8; round++) {
		const char *n = match_level(s, e);
		if (!n && round == 0 && (n = match_kmsg(s, e)))
			*kmsg = true;
		if (!n)
			n = match_syslog(s, e);
		if (!n)
			n = match_logcat(s, e);
		if (!n)
			n = match_stamp(skip_sp(s), e);
		if (!n)
			n = match_caller(s, e);
		if (!n)
			break;
		s = n;
		if (s < e && *s == ' ')
			s++;            /* the separator; more is indentation */
	}
	return s;
}

/* Length of an escape at p that stands for a newline (#012, \x0a), one
 * that stands for a tab (negative), or 0. */
static int escape_at(const char *p, const char *e)
{
	if (e - p >= 4 && p[0] == '#' && p[1] == '0' && p[2] == '1') {
		if (p[3] == '2')
			return 4;
		if (p[3] == '1')
			return -4;
	}
	if (e - p >= 4 && p[0] == '\\' && p[1] == 'x' && p[2] == '0') {
		if (p[3] == 'a' || p[3] == 'A')
			return 4;
		if (p[3] == '9')
			return -4;
	}
	return 0;
}

static void emit_record(struct log *log, size_t *tlen, const char *s,
			const char *e, unsigned lineno, uint32_t flags)
{
	char *out = log->text + *tlen;
	size_t n = 0;
	bool indented = false;

	/* copy with tab escapes as spaces, then trim */
	for (const char *p = s; p < e; p++) {
		int esc = escape_at(p, e);
		if (esc < 0) {
			out[n++] = ' ';
			p += -esc - 1;
			continue;
		}
		out[n++] = *p == '\t' ? ' ' : *p;
	}
	size_t a = 0;
	while (a < n && sp(out[a]))
		a++;
	if (a)
		indented = true;
	while (n > a && (sp(out[n - 1]) || out[n - 1] == '\n'))
		n--;
	if (n == a)
		return;
	memmove(out, out + a, n - a);
	n -= a;
	out[n] = '\0';

	struct log_record *r = &log->records[log->nr_records++];
	r->off = (uint32_t)*tlen;
	r->len = (uint32_t)n;
	r->lineno = lineno;
	r->flags = flags | (indented ? LOG_REC_INDENTED : 0);
	*tlen += n + 1;
}

/* ---- logs that came by mail ------------------------------------------------ */

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A log copied from a mail archive's raw message is quoted-printable:
 * lines end in a soft break "=" and '=' itself is "=3D" (Outlook also
 * writes each newline as "=0A").  Both must be present: a kernel line may
 * end in '=' but never holds "=3D" or "=0A=". */
static bool quoted_printable(const char *text, size_t len)
{
	bool soft = false, escape = false;

	for (size_t i = 0; i + 1 < len && !(soft && escape); i++) {
		if (text[i] != '=')
			continue;
		if (text[i + 1] == '\n' || (text[i + 1] == '\r' && i + 2 < len &&
					    text[i + 2] == '\n'))
			soft = true;
		else if (i + 2 < len && ((text[i + 1] == '3' && text[i + 2] == 'D') ||
					 (text[i + 1] == '0' && text[i + 2] == 'A' &&
					  i + 3 < len && text[i + 3] == '=')))
			escape = true;
	}
	return soft && escape;
}

/* Decode quoted-printable text into out (at most len bytes): soft breaks
 * join lines, "=XX" becomes its byte.  line[k] receives the input line
 * that decoded line k starts on.  Returns the decoded length. */
static size_t qp_decode(const char *text, size_t len, char *out,
			uint32_t *line, unsigned *nr_lines)
{
	size_t n = 0;
	unsigned in_line = 1, k = 0;

	line[k++] = in_line;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == '\n') {
			in_line++;
			out[n++] = c;
			line[k++] = in_line;
			continue;
		}
		if (c != '=') {
			out[n++] = c;
			continue;
		}
		size_t j = i + 1;
		while (j < len && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r'))
			j++;
		if (j >= len || text[j] == '\n') {     /* soft line break */
			if (j < len)
				in_line++;
			i = j;
			continue;
		}
		int hi = i + 2 < len ? hex_val(text[i + 1]) : -1;
		int lo = hi >= 0 ? hex_val(text[i + 2]) : -1;
		if (lo < 0) {
			out[n++] = c;
			continue;
		}
		out[n++] = (char)(hi << 4 | lo);
		if (out[n - 1] == '\n')
			line[k++] = in_line;
		i += 2;
	}
	*nr_lines = in_line;
	return n;
}

/* Mail quote marks ("> ", ">>> ") before a line a reply quoted. */
static const char *skip_quote_marks(const char *s, const char *e)
{
	const char *p = s;

	while (p < e && *p == '>') {
		p++;
		if (p < e && *p == ' ')
			p++;
	}
	return p;
}

static void split_records(struct log *log, const char *text, size_t len,
			  const uint32_t *line_of)
{
	size_t tlen = 0;
	unsigned lineno = 0, k = 0;
	bool kmsg = false;
	const char *end = text + len;

	for (const char *s = text; s < end;) {
		const char *e = memchr(s, '\n', (size_t)(end - s));
		if (!e)
			e = end;
		lineno = line_of ? line_of[k++] : lineno + 1;
		s = skip_quote_marks(s, e);

		/* /dev/kmsg dictionary lines (" SUBSYSTEM=usb") */
		bool dict = false;
		if (kmsg && s < e && *s == ' ') {
			const char *p = s + 1;
			while (p < e && (isupper((unsigned char)*p) || *p == '_'))
				p++;
			dict = p > s + 1 && p < e && *p == '=';
		}
		if (!dict) {
			const char *p = strip_prefixes(s, e, &kmsg);
			const char *seg = p;
			uint32_t flags = 0;
			for (const char *q = p; q < e; q++) {
				int esc = escape_at(q, e);
				if (esc > 0) {
					emit_record(log, &tlen, seg, q, lineno, flags);
					flags = LOG_REC_ESCAPED;
					q += esc - 1;
					seg = q + 1;
				} else if (esc < 0) {
					q += -esc - 1;
				}
			}
			emit_record(log, &tlen, seg, e, lineno, flags);
		}
		s = e + 1;
	}
	if (!line_of)
		log->nr_lines = lineno;
}

/* ---- classifying records ---------------------------------------------------- */

enum rec_class {
	RC_OTHER,
	RC_FAILURE, RC_STALL, RC_OOM, RC_VMALLOC, RC_VMAP, RC_CMA, RC_CMA_AVAIL,
	RC_CPU, RC_HARDWARE, RC_MEMINFO, RC_GLOBAL, RC_NODE_LINE, RC_ZONE_LINE,
	RC_RESERVE, RC_BUDDY, RC_TOTALS, RC_TASK_HDR, RC_TASK_ROW,
	RC_PT_HDR, RC_PT_ORDERS, RC_PT_FREE, RC_PT_BLOCKS_HDR, RC_NODE_ZONE,
};

/* "Node 3 " → after it, node in *node; s unchanged and -1 otherwise. */
static const char *skip_node(const char *s, int *node)
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
static size_t zone_name_at(const char *s, const char *after)
{
	for (int t = 0; t < NR_ZONE_TYPES; t++) {
		size_t n = strlen(zone_names[t]);
		if (!strncmp(s, zone_names[t], n) && starts(s + n, after))
			return n;
	}
	return 0;
}

static int counter_index(const char *s, size_t n)
{
	for (int i = 0; i < LC_NR; i++)
		if (strlen(log_counter_names[i]) == n &&
		    !memcmp(s, log_counter_names[i], n))
			return i;
	return -1;
}

static enum rec_class classify(const char *t)
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
	p = skip_node(t, &node);
	if (node >= 0 && starts(p, "active_anon:"))
		return RC_NODE_LINE;
	if (zone_name_at(p, " free:"))
		return RC_ZONE_LINE;
	size_t zn = zone_name_at(p, ":");
	if (zn && (dig(skip_sp(p + zn + 1)[0]) || !skip_sp(p + zn + 1)[0]))
		return RC_BUDDY;
	if (node < 0) {
		/* pages, no unit: "unevictable:2340kB" continues a Node line */
		const char *colon = strchr(t, ':');
		if (colon && counter_index(t, (size_t)(colon - t)) >= 0 &&
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

struct joined {
	char buf[8192];
	size_t len;
	unsigned last;          /* index of the last record joined */
};

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
static void join_record(const struct log *log, unsigned i, bool buddy,
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
		enum rec_class c = classify(t);
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

/* ---- reports ----------------------------------------------------------------- */

struct builder {
	struct log *log;
	struct log_report *cur;
	int last_zone;                  /* zone of the last zone line, -1 */
	bool pt_blocks;                 /* after "Number of blocks type" */
	int pt_cols[MIGRATE_TYPES];     /* blocks-table column → migratetype */
	unsigned nr_pt_cols;
};

static struct log_report *new_report(struct builder *b,
				     enum log_report_kind kind,
				     unsigned lineno)
{
	struct log *log = b->log;

	b->last_zone = -1;
	b->pt_blocks = false;
	if (log->nr_reports >= LOG_MAX_REPORTS) {
		log->reports_dropped++;
		b->cur = NULL;
		return NULL;
	}
	struct log_report *r = &log->reports[log->nr_reports++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->first_line = r->last_line = lineno;
	r->all_unreclaimable = -1;
	r->oom_score_adj = 0;
	b->cur = r;
	return r;
}

static struct log_zone *report_zone(struct builder *b, struct log_report *r,
				    int node, const char *name, size_t n,
				    unsigned lineno)
{
	char nm[16];

	copy_span(nm, sizeof(nm), name, n);
	for (unsigned i = 0; i < r->nr_zones; i++)
		if (!strcmp(r->zones[i].name, nm) && r->zones[i].node == node)
			return &r->zones[i];
	if (r->nr_zones >= LOG_MAX_ZONES) {
		problem(b->log, lineno, "more than %d zones in one report; "
			"zone %s is left out", LOG_MAX_ZONES, nm);
		return NULL;
	}
	struct log_zone *z = &r->zones[r->nr_zones++];
	memset(z, 0, sizeof(*z));
	snprintf(z->name, sizeof(z->name), "%s", nm);
	z->node = node;
	return z;
}

/* "0xa20(GFP_ATOMIC)" after key; returns false when no number follows. */
static bool parse_mask(struct log_report *r, const char *t, const char *key)
{
	const char *p = strstr(t, key);

	if (!p)
		return false;
	p += strlen(key);
	char *end;
	unsigned long v = strtoul(p, &end, 0);
	if (end == p)
		return false;
	r->have_mask = true;
	r->mask = (uint32_t)v;
	if (*end == '(') {
		const char *close = strchr(end, ')');
		if (close) {
			copy_span(r->mask_names, sizeof(r->mask_names), end + 1,
				  (size_t)(close - end - 1));
			r->mask_named = true;
		} else {
			copy_span(r->mask_names, sizeof(r->mask_names), end + 1,
				  strlen(end + 1));
		}
	}
	return true;
}

static void set_comm(struct log_report *r, const char *t, const char *at)
{
	if (at > t)
		copy_span(r->comm, sizeof(r->comm), t, (size_t)(at - t));
}

static void parse_failure(struct builder *b, const char *t, unsigned lineno,
			  enum rec_class c)
{
	static const enum log_report_kind kinds[] = {
		[RC_FAILURE] = LOG_ALLOC_FAILURE, [RC_STALL] = LOG_ALLOC_STALL,
		[RC_OOM] = LOG_OOM, [RC_VMALLOC] = LOG_VMALLOC,
	};
	struct log_report *r = new_report(b, kinds[c], lineno);
	unsigned long v;

	if (!r)
		return;
	if (strstr(t, ", nodemask="))
		r->formats |= LOGF_NODEMASK;
	if (c == RC_OOM) {
		set_comm(r, t, strstr(t, " invoked oom-killer:"));
		if (!parse_mask(r, t, "gfp_mask="))
			problem(b->log, lineno, "OOM header without gfp_mask=: "
				"the line is cut; the request's mask is unknown");
		if (field_ulong(t, "order=", &v)) {
			r->have_order = true;
			r->order = (unsigned)v;
		} else {
			problem(b->log, lineno, "OOM header without order=: "
				"the line is cut; the request's order is unknown");
		}
		const char *adj = strstr(t, "oom_score_adj=");
		if (adj)
			r->oom_score_adj = strtol(adj + 14, NULL, 10);
		return;
	}

	const char *msg = c == RC_FAILURE ? strstr(t, "page allocation failure") :
			  c == RC_STALL ? strstr(t, "page allocation stalls") :
			  strstr(t, "vmalloc");
	if (msg - t >= 2 && msg[-2] == ':' && msg[-1] == ' ')
		set_comm(r, t, msg - 2);
	const char *mode = strstr(msg, ", mode:");
	copy_span(r->message, sizeof(r->message), msg,
		  mode ? (size_t)(mode - msg) : strlen(msg));
	if (field_ulong(msg, "order:", &v) ||
	    (c == RC_VMALLOC && field_ulong(msg, "page order ", &v))) {
		r->have_order = true;
		r->order = (unsigned)v;
	} else if (c != RC_VMALLOC) {
		problem(b->log, lineno, "%s without order: the line is cut; "
			"expected \"order:N, mode:0x...\"", msg);
	}
	if (c == RC_STALL)
		field_ulong(msg, "stalls for ", &r->stall_ms);
	if (c == RC_VMALLOC) {
		if (field_ulong(msg, "allocated ", &r->vm_allocated)) {
			r->have_vm_allocated = true;
			field_ulong(msg, " of ", &r->vm_size);
		} else if (!field_ulong(msg, "allocation failure: ", &r->vm_size)) {
			field_ulong(msg, "size ", &r->vm_size);
		}
	}
	if (!parse_mask(r, msg, "mode:"))
		problem(b->log, lineno, "%s without mode: the line is cut; "
			"the request's gfp mask is unknown", r->message);
}

static void parse_vmap(struct builder *b, const char *t, unsigned lineno)
{
	struct log_report *r = new_report(b, LOG_VMAP, lineno);

	if (!r)
		return;
	copy_span(r->message, sizeof(r->message), t, strlen(t));
	if (!field_ulong(t, "for size ", &r->vm_size))
		problem(b->log, lineno, "vmap message without a size: the line "
			"is cut");
}

/* "number of available pages: 8@0+16@24=> 24 free of 8192 total pages" */
static void parse_cma_avail(struct log_report *r, const char *t)
{
	if (field_ulong(t, "=> ", &r->cma_free_pages) &&
	    field_ulong(t, "free of ", &r->cma_total_pages))
		r->have_cma_avail = true;
}

static void parse_cma(struct builder *b, const char *t, unsigned lineno)
{
	struct log_report *r = new_report(b, LOG_CMA, lineno);

	if (!r)
		return;
	const char *p = strstr(t, "cma_alloc: ") + strlen("cma_alloc: ");
	const char *q = strstr(p, ": alloc failed");
	if (q && q > p)
		copy_span(r->cma_name, sizeof(r->cma_name), p, (size_t)(q - p));
	copy_span(r->message, sizeof(r->message), t, strlen(t));
	if (!field_ulong(t, "req-size: ", &r->cma_req_pages))
		problem(b->log, lineno, "CMA failure without req-size: the line "
			"is cut");
	const char *ret = strstr(t, "ret: ");
	if (ret)
		r->cma_ret = strtol(ret + 5, NULL, 10);
	if (strstr(t, "number of available pages:"))
		parse_cma_avail(r, t);
}

/* release = the last version-like token before "#N" */
static void parse_cpu(struct log_report *r, const char *t, unsigned lineno)
{
	char tok[80];
	const char *p = t;

	if (r->release[0])
		return;
	if (strstr(t, " UID: "))
		r->formats |= LOGF_UID;
	while (*p) {
		p = skip_sp(p);
		size_t n = strcspn(p, " \t");
		if (!n)
			break;
		if (*p == '#')
			break;
		copy_span(tok, sizeof(tok), p, n);
		kver_t kv;
		if (dig(tok[0]) && strchr(tok, '.') && !kver_parse(tok, &kv)) {
			snprintf(r->release, sizeof(r->release), "%s", tok);
			r->release_line = lineno;
		}
		p += n;
	}
}

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

static void parse_zone_line(struct builder *b, unsigned i, struct joined *j)
{
	struct log *log = b->log;
	unsigned lineno = log->records[i].lineno;
	int node;

	join_record(log, i, false, j);
	const char *p = skip_node(j->buf, &node);
	size_t n = zone_name_at(p, " free:");
	struct log_zone *z = report_zone(b, b->cur, node, p, n, lineno);
	if (!z)
		return;
	b->last_zone = (int)(z - b->cur->zones);
	z->zone_line = lineno;
	struct kv_sink k = { b->cur, z };
	bool unrecl = false;
	int answer;
	bool ok = parse_kv(p + n, &k, &unrecl, &answer);
	if (!ok || !strstr(j->buf, "min:") || !strstr(j->buf, "free_cma:")) {
		problem(log, lineno, "zone line of %s %s: %s; its watermark "
			"numbers are %s", z->name,
			ok ? "is cut (no free_cma:)" : "does not read as key:value pairs",
			"incomplete", strstr(j->buf, "min:") ? "kept" : "unknown");
		if (!strstr(j->buf, "min:"))
			return;
	}
	z->have |= LZ_ZONE_LINE;
}

static void parse_node_line(struct builder *b, unsigned i, struct joined *j)
{
	int node;
	bool unrecl = false;
	int answer = -1;

	join_record(b->log, i, false, j);
	const char *p = skip_node(j->buf, &node);
	struct kv_sink k = { b->cur, NULL };
	parse_kv(p, &k, &unrecl, &answer);
	if (unrecl)
		b->cur->all_unreclaimable = answer;
	else
		problem(b->log, b->log->records[i].lineno, "Node line is cut "
			"(no \"all_unreclaimable?\")");
}

static int letter_type(char c)
{
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		if (migratetype_letters[mt] == c)
			return mt;
	return -1;
}

#define LOG_TYPE_RESERVE 7      /* 'R': MIGRATE_RESERVE before 4.4 */

static void parse_buddy(struct builder *b, unsigned i, struct joined *j)
{
	struct log *log = b->log;
	unsigned lineno = log->records[i].lineno;
	int node;
	char flat[8192];
	size_t n = 0;

	join_record(log, i, true, j);
	const char *p = skip_node(j->buf, &node);
	size_t zn = zone_name_at(p, ":");
	struct log_zone *z = report_zone(b, b->cur, node, p, zn, lineno);
	if (!z)
		return;
	if (z->have & (LZ_BUDDY | LZ_BUDDY_CUT)) {
		/* a second dump: it starts a report of its own */
		if (!new_report(b, LOG_SHOW_MEM, lineno))
			return;
		b->cur->mem_info = true;
		z = report_zone(b, b->cur, node, p, zn, lineno);
	}
	z->buddy_line = lineno;
	for (const char *q = p + zn + 1; *q && n + 1 < sizeof(flat); q++)
		if (!sp(*q))
			flat[n++] = *q;
	flat[n] = '\0';

	unsigned long sum = 0;
	const char *q = flat;
	unsigned order = 0;
	const char *why = NULL;
	while (*q && *q != '=') {
		unsigned long cnt, kb;
		const char *entry = q;
		if (!read_ulong(&q, &cnt) || *q != '*') {
			why = "expected COUNT*SIZEkB";
			break;
		}
		q++;
		if (!read_ulong(&q, &kb) || q[0] != 'k' || q[1] != 'B') {
			why = "expected COUNT*SIZEkB";
			q = entry;
			break;
		}
		q += 2;
		uint8_t types = 0;
		if (*q == '(') {
			const char *close = strchr(q, ')');
			if (!close) {
				why = "migratetype letters cut";
				q = entry;
				break;
			}
			for (const char *c = q + 1; c < close; c++) {
				int mt = *c == 'R' ? LOG_TYPE_RESERVE : letter_type(*c);
				if (mt < 0) {
					why = "unknown migratetype letter";
					break;
				}
				types |= (uint8_t)(1u << mt);
			}
			if (why)
				break;
			q = close + 1;
		}
		if (order == 0) {
			z->unit_kb = kb;
		} else if (kb != z->unit_kb << order) {
			why = "block sizes do not double from order to order";
			break;
		}
		if (order >= MAX_PAGE_ORDERS) {
			why = "more orders than any kernel has";
			break;
		}
		z->nr_free[order] = cnt;
		z->types[order] = types;
		sum += cnt * kb;
		order++;
	}
	z->nr_orders = order;
	if (*q == '=') {
		unsigned long total;
		q++;
		if (read_ulong(&q, &total) && q[0] == 'k' && q[1] == 'B') {
			z->total_kb = total;
			z->have |= LZ_BUDDY;
			if (total != sum)
				problem(log, lineno, "buddy line of %s: its blocks "
					"add up to %lukB but it prints = %lukB; "
					"part of the line was lost", z->name,
					sum, total);
			return;
		}
	}
	z->have |= LZ_BUDDY_CUT;
	problem(log, lineno, "buddy line of %s is cut after order %u (%s); "
		"free blocks of higher orders are unknown", z->name,
		order ? order - 1 : 0, why ? why : "no \"= NkB\" total");
}

static void parse_reserve(struct builder *b, const char *t, unsigned lineno)
{
	if (b->last_zone < 0) {
		problem(b->log, lineno, "lowmem_reserve[] with no zone line "
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
		if (end == p || z->nr_reserve >= MAX_NR_ZONES) {
			problem(b->log, lineno, "lowmem_reserve[] of %s: '%s' is "
				"not a page count", z->name, p);
			return;
		}
		z->lowmem_reserve[z->nr_reserve++] = v;
		p = end;
	}
	z->have |= LZ_RESERVE;
}

static void parse_global(struct log_report *r, const char *t)
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
			int c = counter_index(p, (size_t)(colon - p));
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

static void parse_totals(struct log_report *r, const char *t)
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
static void parse_task(struct log_report *r, const char *t)
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

static int type_by_name(const char *s, size_t n)
{
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		if (strlen(migratetype_names[mt]) == n &&
		    !strncasecmp(s, migratetype_names[mt], n))
			return mt;
	if (n == 7 && !strncmp(s, "Reserve", 7))
		return LOG_TYPE_RESERVE;
	return -1;
}

static struct log_report *dump_report(struct builder *b,
				      enum log_report_kind kind,
				      unsigned lineno)
{
	if (b->cur && b->cur->kind == kind)
		return b->cur;
	if (b->cur && kind == LOG_BUDDYINFO && b->cur->kind == LOG_PAGETYPEINFO)
		return b->cur;
	return new_report(b, kind, lineno);
}

/* "Node 0, zone DMA32, type Unmovable 123 149 …" */
static void parse_pt_free(struct builder *b, const char *t, unsigned lineno)
{
	struct log_report *r = dump_report(b, LOG_PAGETYPEINFO, lineno);
	int node;

	if (!r)
		return;
	const char *p = skip_node(t, &node);
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
	struct log_zone *z = report_zone(b, r, node, p, zn, lineno);
	if (!z)
		return;
	p += zn;
	if (!starts(p, ", type "))
		goto bad;
	p = skip_sp(p + 7);
	size_t tn = strcspn(p, " ");
	int mt = type_by_name(p, tn);
	if (mt < 0 || mt >= MIGRATE_TYPES) {
		if (mt == LOG_TYPE_RESERVE)
			return;
		problem(b->log, lineno, "pagetypeinfo: unknown migratetype "
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
	problem(b->log, lineno, "pagetypeinfo line does not read as \"Node N, "
		"zone NAME, type TYPE counts...\"");
}

static void parse_blocks_hdr(struct builder *b, const char *t, unsigned lineno)
{
	struct log_report *r = dump_report(b, LOG_PAGETYPEINFO, lineno);

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
static void parse_node_zone(struct builder *b, const char *t, unsigned lineno)
{
	bool blocks = b->pt_blocks && b->cur && b->cur->kind == LOG_PAGETYPEINFO;
	struct log_report *r = blocks ? b->cur :
			       dump_report(b, LOG_BUDDYINFO, lineno);
	unsigned long nd, v[MAX_PAGE_ORDERS];
	unsigned nv = 0;

	if (!r)
		return;
	const char *p = skip_sp(t + 4);
	if (!read_ulong(&p, &nd) || !starts(p, ", zone "))
		goto bad;
	p = skip_sp(p + 7);
	size_t zn = strcspn(p, " ");
	struct log_zone *z = report_zone(b, r, (int)nd, p, zn, lineno);
	if (!z)
		return;
	p += zn;
	for (;;) {
		p = skip_sp(p);
		if (!*p)
			break;
		if (nv >= MAX_PAGE_ORDERS || !read_ulong(&p, &v[nv++]))
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
	problem(b->log, lineno, "\"%.60s\" does not read as a buddyinfo or "
		"pagetypeinfo line (\"Node N, zone NAME counts...\")", t);
}

/* Body lines go to the open report; show_mem lines with none open start a
 * dump of their own. */
static struct log_report *body_report(struct builder *b, unsigned lineno)
{
	struct log_report *r = b->cur;

	if (r && r->kind != LOG_BUDDYINFO && r->kind != LOG_PAGETYPEINFO &&
	    r->kind != LOG_VMAP && r->kind != LOG_CMA)
		return r;
	return new_report(b, LOG_SHOW_MEM, lineno);
}

static void build_reports(struct log *log)
{
	struct builder b = { .log = log, .last_zone = -1 };
	struct joined j;

	for (unsigned i = 0; i < log->nr_records; i++) {
		const char *t = log_record_text(log, i);
		unsigned lineno = log->records[i].lineno;
		enum rec_class c = classify(t);
		struct log_report *r;

		switch (c) {
		case RC_OTHER:
		case RC_TASK_HDR:
			continue;
		case RC_FAILURE:
		case RC_STALL:
		case RC_OOM:
		case RC_VMALLOC:
			parse_failure(&b, t, lineno, c);
			break;
		case RC_VMAP:
			parse_vmap(&b, t, lineno);
			break;
		case RC_CMA:
			parse_cma(&b, t, lineno);
			break;
		case RC_CMA_AVAIL:
			if (b.cur && b.cur->kind == LOG_CMA)
				parse_cma_avail(b.cur, t);
			break;
		case RC_CPU:
			if (b.cur && !b.cur->mem_info)
				parse_cpu(b.cur, t, lineno);
			break;
		case RC_HARDWARE:
			if (b.cur && !b.cur->mem_info && !b.cur->hardware[0])
				copy_span(b.cur->hardware, sizeof(b.cur->hardware),
					  t + 15, strlen(t + 15));
			break;
		case RC_MEMINFO:
			if (!b.cur || b.cur->mem_info ||
			    b.cur->kind == LOG_BUDDYINFO ||
			    b.cur->kind == LOG_PAGETYPEINFO ||
			    b.cur->kind == LOG_VMAP || b.cur->kind == LOG_CMA)
				new_report(&b, LOG_SHOW_MEM, lineno);
			if (b.cur)
				b.cur->mem_info = true;
			break;
		case RC_GLOBAL:
			if ((r = body_report(&b, lineno)))
				parse_global(r, t), r->mem_info = true;
			break;
		case RC_NODE_LINE:
			if (body_report(&b, lineno)) {
				parse_node_line(&b, i, &j);
				i = j.last;
			}
			break;
		case RC_ZONE_LINE:
			if (body_report(&b, lineno)) {
				b.cur->mem_info = true;
				parse_zone_line(&b, i, &j);
				i = j.last;
			}
			break;
		case RC_RESERVE:
			if (b.cur)
				parse_reserve(&b, t, lineno);
			break;
		case RC_BUDDY:
			if (body_report(&b, lineno)) {
				b.cur->mem_info = true;
				parse_buddy(&b, i, &j);
				i = j.last;
			}
			break;
		case RC_TOTALS:
			if (b.cur && b.cur->mem_info)
				parse_totals(b.cur, t);
			break;
		case RC_TASK_ROW:
			if (b.cur && b.cur->kind == LOG_OOM)
				parse_task(b.cur, t);
			break;
		case RC_PT_HDR:
			if ((r = dump_report(&b, LOG_PAGETYPEINFO, lineno)) &&
			    starts(t, "Page block order:")) {
				unsigned long v;
				if (field_ulong(t, "order:", &v)) {
					r->pageblock_order = (unsigned)v;
					r->have_pageblock = true;
				}
			}
			break;
		case RC_PT_ORDERS:
			dump_report(&b, LOG_PAGETYPEINFO, lineno);
			b.pt_blocks = false;
			break;
		case RC_PT_FREE:
			parse_pt_free(&b, t, lineno);
			break;
		case RC_PT_BLOCKS_HDR:
			parse_blocks_hdr(&b, t, lineno);
			break;
		case RC_NODE_ZONE:
			parse_node_zone(&b, t, lineno);
			break;
		}
		if (b.cur)
			b.cur->last_line = log->records[i].lineno;
	}
}

/* ---- entry points ----------------------------------------------------------- */

struct log *log_parse(const char *text, size_t len, struct gfp_error *err)
{
	if (len > LOG_MAX_BYTES) {
		snprintf(err->msg, sizeof(err->msg), "the log is %zu bytes; at "
			 "most %u MiB can be read", len, LOG_MAX_BYTES >> 20);
		return NULL;
	}
	struct log *log = log_alloc(len, err);
	if (!log)
		return NULL;
	if (quoted_printable(text, len)) {
		size_t map = page_round(len + 1) + page_round((len + 2) * sizeof(uint32_t));
		char *buf = prim_map(map);
		if (!buf) {
			snprintf(err->msg, sizeof(err->msg), "cannot map %zu bytes "
				 "to decode the quoted-printable log: %s", map,
				 strerror(errno));
			log_free(log);
			return NULL;
		}
		uint32_t *line_of = (uint32_t *)(buf + page_round(len + 1));
		size_t n = qp_decode(text, len, buf, line_of, &log->nr_lines);
		split_records(log, buf, n, line_of);
		prim_unmap(buf, map);
	} else {
		split_records(log, text, len, NULL);
	}
	build_reports(log);
	return log;
}

struct log *log_read(const char *path, struct gfp_error *err)
{
	bool in = !strcmp(path, "-");
	err->msg[0] = '\0';
	int fd = in ? 0 : prim_open(path, O_RDONLY, 0);

	if (fd < 0) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path,
			 strerror(errno));
		return NULL;
	}
	size_t cap = LOG_MAX_BYTES + 1;
	char *buf = prim_map(cap);
	if (!buf) {
		snprintf(err->msg, sizeof(err->msg), "%s: cannot map a buffer: "
			 "%s", path, strerror(errno));
		if (!in)
			prim_close(fd);
		return NULL;
	}
	size_t len = 0;
	for (;;) {
		long n = prim_read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err->msg, sizeof(err->msg), "%s: %s", in ?
				 "standard input" : path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == cap)
			break;
	}
	if (!in)
		prim_close(fd);
	struct log *log = NULL;
	if (!err->msg[0]) {
		if (len > LOG_MAX_BYTES)
			snprintf(err->msg, sizeof(err->msg), "%s: larger than "
				 "%u MiB; cut out the part with the report",
				 in ? "standard input" : path,
				 LOG_MAX_BYTES >> 20);
		else
			log = log_parse(buf, len, err);
	}
	prim_unmap(buf, cap);
	return log;
}
