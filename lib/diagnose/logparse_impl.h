/* What the pieces of the log reader share: the text helpers, the record
 * classes, joined lines and the report builder.  Private to lib/diagnose;
 * logparse.h is the public interface.
 */
#ifndef GFPSHIM_LOGPARSE_IMPL_H
#define GFPSHIM_LOGPARSE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "diagnose/logparse.h"


/* ---- small text helpers ------------------------------------------------ */

static inline bool sp(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static inline bool dig(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static inline const char *skip_sp(const char *s)
{
	while (sp(*s))
		s++;
	return s;
}

/* Decimal at *s, saturated at LOG_NUMBER_MAX; advances *s.  False when
 * no digit.  The one reader of the log's numbers. */
static inline bool read_ulong(const char **s, unsigned long *v)
{
	const char *p = *s;
	unsigned long x = 0;

	if (!dig(*p))
		return false;
	while (dig(*p)) {
		x = x * 10 + (unsigned long)(*p++ - '0');
		if (x > LOG_NUMBER_MAX)
			x = LOG_NUMBER_MAX;
	}
	*s = p;
	*v = x;
	return true;
}

/* The decimal after `key` in s ("order:" → 4); false if absent. */
static inline bool field_ulong(const char *s, const char *key, unsigned long *v)
{
	const char *p = strstr(s, key);

	if (!p)
		return false;
	p = skip_sp(p + strlen(key));
	return read_ulong(&p, v);
}

static inline void copy_span(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* ---- problems noted (logparse_header.c) ------------------------------- */

void log_problem_at(struct log *log, unsigned lineno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- records (logparse_record.c) --------------------------------------- */

/* Split text[0, len) into records; line_of[] maps a byte of a decoded
 * quoted-printable text to its input line (NULL: count newlines). */
void log_split_records(struct log *log, const char *text, size_t len,
		       const uint32_t *line_of);
bool log_quoted_printable(const char *text, size_t len);
size_t log_qp_decode(const char *text, size_t len, char *out,
		     uint32_t *line_of, unsigned *nr_lines);

/* ---- classifying and joining (logparse_classify.c) --------------------- */

enum rec_class {
	RC_OTHER,
	RC_FAILURE, RC_STALL, RC_OOM, RC_VMALLOC, RC_VMAP, RC_CMA, RC_CMA_AVAIL,
	RC_CPU, RC_HARDWARE, RC_MEMINFO, RC_GLOBAL, RC_NODE_LINE, RC_ZONE_LINE,
	RC_RESERVE, RC_BUDDY, RC_TOTALS, RC_TASK_HDR, RC_TASK_ROW,
	RC_PT_HDR, RC_PT_ORDERS, RC_PT_FREE, RC_PT_BLOCKS_HDR, RC_NODE_ZONE,
};

enum rec_class log_classify(const char *t);
/* "Node 3 " → after it, node in *node; s unchanged and -1 otherwise. */
const char *log_skip_node(const char *s, int *node);
/* A zone name at s followed by `after`; its length, or 0. */
size_t log_zone_name_at(const char *s, const char *after);

struct joined {
	char buf[8192];
	size_t len;
	unsigned last;          /* index of the last record joined */
};

/* Join record i with the records that continue it. */
void log_join_record(const struct log *log, unsigned i, bool buddy,
		     struct joined *j);

/* ---- the report builder (logparse_header.c) ---------------------------- */

struct builder {
	struct log *log;
	struct log_report *cur;
	int last_zone;                  /* zone of the last zone line, -1 */
	bool pt_blocks;                 /* after "Number of blocks type" */
	int pt_cols[MIGRATE_TYPES];     /* blocks-table column → migratetype */
	unsigned nr_pt_cols;
};

struct log_report *log_new_report(struct builder *b, enum log_report_kind kind,
				  unsigned lineno);
struct log_zone *log_report_zone(struct builder *b, struct log_report *r,
				 int node, const char *name, size_t n,
				 unsigned lineno);
void log_parse_failure(struct builder *b, const char *t, unsigned lineno,
		       enum rec_class c);
void log_parse_vmap(struct builder *b, const char *t, unsigned lineno);
void log_parse_cma(struct builder *b, const char *t, unsigned lineno);
void log_parse_cma_avail(struct log_report *r, const char *t);
void log_parse_cpu(struct log_report *r, const char *t, unsigned lineno);

/* ---- show_mem (logparse_meminfo.c) ------------------------------------- */

void log_parse_zone_line(struct builder *b, unsigned i, struct joined *j);
void log_parse_node_line(struct builder *b, unsigned i, struct joined *j);
void log_parse_buddy(struct builder *b, unsigned i, struct joined *j);
void log_parse_reserve(struct builder *b, const char *t, unsigned lineno);
void log_parse_global(struct log_report *r, const char *t);
void log_parse_totals(struct log_report *r, const char *t);
void log_parse_task(struct log_report *r, const char *t);

/* ---- /proc/buddyinfo and /proc/pagetypeinfo (logparse_pagetype.c) ------ */

struct log_report *log_dump_report(struct builder *b, enum log_report_kind kind,
				   unsigned lineno);
void log_parse_pt_hdr(struct builder *b, const char *t, unsigned lineno);
void log_parse_pt_free(struct builder *b, const char *t, unsigned lineno);
void log_parse_blocks_hdr(struct builder *b, const char *t, unsigned lineno);
void log_parse_node_zone(struct builder *b, const char *t, unsigned lineno);

#endif
