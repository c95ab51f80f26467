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
 *
 * This file holds the log's memory and the loop that
 * hands each record to its reader: logparse_record.c (prefixes, escapes,
 * quoted-printable), logparse_classify.c (what a record is, joining wrapped
 * lines), logparse_header.c (report headers, dump_stack lines),
 * logparse_meminfo.c (show_mem) and logparse_pagetype.c (/proc/buddyinfo,
 * /proc/pagetypeinfo).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/prim.h"
#include "diagnose/logparse.h"
#include "diagnose/logparse_impl.h"

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

const struct log_zone *log_find_zone(const struct log_report *rep,
				     const char *name)
{
	for (unsigned i = 0; i < rep->nr_zones; i++)
		if (!strcmp(rep->zones[i].name, name))
			return &rep->zones[i];
	return NULL;
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

/* Body lines go to the open report; show_mem lines with none open start a
 * dump of their own. */
static struct log_report *body_report(struct builder *b, unsigned lineno)
{
	struct log_report *r = b->cur;

	if (r && r->kind != LOG_BUDDYINFO && r->kind != LOG_PAGETYPEINFO &&
	    r->kind != LOG_VMAP && r->kind != LOG_CMA)
		return r;
	return log_new_report(b, LOG_SHOW_MEM, lineno);
}

/* A report's header and the dump_stack() lines after it. */
static void read_header(struct builder *b, const char *t, unsigned lineno,
			enum rec_class c)
{
	switch (c) {
	case RC_VMAP:
		log_parse_vmap(b, t, lineno);
		break;
	case RC_CMA:
		log_parse_cma(b, t, lineno);
		break;
	case RC_CMA_AVAIL:
		if (b->cur && b->cur->kind == LOG_CMA)
			log_parse_cma_avail(b->cur, t);
		break;
	case RC_CPU:
		if (b->cur && !b->cur->mem_info)
			log_parse_cpu(b->cur, t, lineno);
		break;
	case RC_HARDWARE:
		if (b->cur && !b->cur->mem_info && !b->cur->hardware[0])
			copy_span(b->cur->hardware, sizeof(b->cur->hardware),
				  t + 15, strlen(t + 15));
		break;
	default:        /* RC_FAILURE, RC_STALL, RC_OOM, RC_VMALLOC */
		log_parse_failure(b, t, lineno, c);
		break;
	}
}

/* A line of show_mem() or of the OOM killer's task table, record i; returns
 * the last record it took (wrapped lines are joined). */
static unsigned read_show_mem(struct builder *b, unsigned i, enum rec_class c,
			      struct joined *j)
{
	const char *t = log_record_text(b->log, i);
	unsigned lineno = b->log->records[i].lineno;
	struct log_report *r;

	switch (c) {
	case RC_MEMINFO:
		if (!b->cur || b->cur->mem_info ||
		    b->cur->kind == LOG_BUDDYINFO ||
		    b->cur->kind == LOG_PAGETYPEINFO ||
		    b->cur->kind == LOG_VMAP || b->cur->kind == LOG_CMA)
			log_new_report(b, LOG_SHOW_MEM, lineno);
		if (b->cur)
			b->cur->mem_info = true;
		break;
	case RC_GLOBAL:
		if ((r = body_report(b, lineno)))
			log_parse_global(r, t), r->mem_info = true;
		break;
	case RC_NODE_LINE:
		if (body_report(b, lineno)) {
			log_parse_node_line(b, i, j);
			return j->last;
		}
		break;
	case RC_ZONE_LINE:
		if (body_report(b, lineno)) {
			b->cur->mem_info = true;
			log_parse_zone_line(b, i, j);
			return j->last;
		}
		break;
	case RC_RESERVE:
		if (b->cur)
			log_parse_reserve(b, t, lineno);
		break;
	case RC_BUDDY:
		if (body_report(b, lineno)) {
			b->cur->mem_info = true;
			log_parse_buddy(b, i, j);
			return j->last;
		}
		break;
	case RC_TOTALS:
		if (b->cur && b->cur->mem_info)
			log_parse_totals(b->cur, t);
		break;
	default:        /* RC_TASK_ROW */
		if (b->cur && b->cur->kind == LOG_OOM)
			log_parse_task(b->cur, t);
		break;
	}
	return i;
}

/* A line of /proc/pagetypeinfo or /proc/buddyinfo. */
static void read_pagetype(struct builder *b, const char *t, unsigned lineno,
			  enum rec_class c)
{
	switch (c) {
	case RC_PT_HDR:
		log_parse_pt_hdr(b, t, lineno);
		break;
	case RC_PT_ORDERS:
		log_dump_report(b, LOG_PAGETYPEINFO, lineno);
		b->pt_blocks = false;
		break;
	case RC_PT_FREE:
		log_parse_pt_free(b, t, lineno);
		break;
	case RC_PT_BLOCKS_HDR:
		log_parse_blocks_hdr(b, t, lineno);
		break;
	default:        /* RC_NODE_ZONE */
		log_parse_node_zone(b, t, lineno);
		break;
	}
}

static void build_reports(struct log *log)
{
	struct builder b = { .log = log, .last_zone = -1 };
	struct joined j;

	for (unsigned i = 0; i < log->nr_records; i++) {
		const char *t = log_record_text(log, i);
		unsigned lineno = log->records[i].lineno;
		enum rec_class c = log_classify(t);

		switch (c) {
		case RC_OTHER:
		case RC_TASK_HDR:
			continue;
		case RC_FAILURE:
		case RC_STALL:
		case RC_OOM:
		case RC_VMALLOC:
		case RC_VMAP:
		case RC_CMA:
		case RC_CMA_AVAIL:
		case RC_CPU:
		case RC_HARDWARE:
			read_header(&b, t, lineno, c);
			break;
		case RC_MEMINFO:
		case RC_GLOBAL:
		case RC_NODE_LINE:
		case RC_ZONE_LINE:
		case RC_RESERVE:
		case RC_BUDDY:
		case RC_TOTALS:
		case RC_TASK_ROW:
			i = read_show_mem(&b, i, c, &j);
			break;
		case RC_PT_HDR:
		case RC_PT_ORDERS:
		case RC_PT_FREE:
		case RC_PT_BLOCKS_HDR:
		case RC_NODE_ZONE:
			read_pagetype(&b, t, lineno, c);
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
	if (log_quoted_printable(text, len)) {
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
		size_t n = log_qp_decode(text, len, buf, line_of, &log->nr_lines);
		log_split_records(log, buf, n, line_of);
		prim_unmap(buf, map);
	} else {
		log_split_records(log, text, len, NULL);
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
