/* Reports and their headers: a report opened by warn_alloc()'s "page
 * allocation failure" or stall, out_of_memory()'s "invoked oom-killer",
 * the vmalloc, vmap and cma_alloc() failure messages; the zones a report
 * collects; the dump_stack() "CPU:" line that names the release; and the
 * problems noted against a line of the log.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/kver.h"
#include "diagnose/logparse.h"
#include "diagnose/logparse_impl.h"


void log_problem_at(struct log *log, unsigned lineno, const char *fmt, ...)
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

struct log_report *log_new_report(struct builder *b,
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

struct log_zone *log_report_zone(struct builder *b, struct log_report *r,
				    int node, const char *name, size_t n,
				    unsigned lineno)
{
	char nm[16];

	copy_span(nm, sizeof(nm), name, n);
	for (unsigned i = 0; i < r->nr_zones; i++)
		if (!strcmp(r->zones[i].name, nm) && r->zones[i].node == node)
			return &r->zones[i];
	if (r->nr_zones >= LOG_MAX_ZONES) {
		log_problem_at(b->log, lineno, "more than %d zones in one report; "
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

static void set_order(struct builder *b, struct log_report *r,
		      unsigned long v, unsigned lineno)
{
	if (v >= LOG_ORDER_LIMIT) {
		log_problem_at(b->log, lineno, "order %lu is not an order; "
			"expected one below %u, the request's order is unknown",
			v, LOG_ORDER_LIMIT);
		return;
	}
	r->have_order = true;
	r->order = (unsigned)v;
}

void log_parse_failure(struct builder *b, const char *t, unsigned lineno,
			  enum rec_class c)
{
	static const enum log_report_kind kinds[] = {
		[RC_FAILURE] = LOG_ALLOC_FAILURE, [RC_STALL] = LOG_ALLOC_STALL,
		[RC_OOM] = LOG_OOM, [RC_VMALLOC] = LOG_VMALLOC,
	};
	struct log_report *r = log_new_report(b, kinds[c], lineno);
	unsigned long v;

	if (!r)
		return;
	if (strstr(t, ", nodemask="))
		r->formats |= LOGF_NODEMASK;
	if (c == RC_OOM) {
		set_comm(r, t, strstr(t, " invoked oom-killer:"));
		if (!parse_mask(r, t, "gfp_mask="))
			log_problem_at(b->log, lineno, "OOM header without gfp_mask=: "
				"the line is cut; the request's mask is unknown");
		if (field_ulong(t, "order=", &v)) {
			set_order(b, r, v, lineno);
		} else {
			log_problem_at(b->log, lineno, "OOM header without order=: "
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
		set_order(b, r, v, lineno);
	} else if (c != RC_VMALLOC) {
		log_problem_at(b->log, lineno, "%s without order: the line is cut; "
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
		log_problem_at(b->log, lineno, "%s without mode: the line is cut; "
			"the request's gfp mask is unknown", r->message);
}

void log_parse_vmap(struct builder *b, const char *t, unsigned lineno)
{
	struct log_report *r = log_new_report(b, LOG_VMAP, lineno);

	if (!r)
		return;
	copy_span(r->message, sizeof(r->message), t, strlen(t));
	if (!field_ulong(t, "for size ", &r->vm_size))
		log_problem_at(b->log, lineno, "vmap message without a size: the line "
			"is cut");
}

/* "number of available pages: 8@0+16@24=> 24 free of 8192 total pages" */
void log_parse_cma_avail(struct log_report *r, const char *t)
{
	if (field_ulong(t, "=> ", &r->cma_free_pages) &&
	    field_ulong(t, "free of ", &r->cma_total_pages))
		r->have_cma_avail = true;
}

void log_parse_cma(struct builder *b, const char *t, unsigned lineno)
{
	struct log_report *r = log_new_report(b, LOG_CMA, lineno);

	if (!r)
		return;
	const char *p = strstr(t, "cma_alloc: ") + strlen("cma_alloc: ");
	const char *q = strstr(p, ": alloc failed");
	if (q && q > p)
		copy_span(r->cma_name, sizeof(r->cma_name), p, (size_t)(q - p));
	copy_span(r->message, sizeof(r->message), t, strlen(t));
	if (!field_ulong(t, "req-size: ", &r->cma_req_pages))
		log_problem_at(b->log, lineno, "CMA failure without req-size: the line "
			"is cut");
	const char *ret = strstr(t, "ret: ");
	if (ret)
		r->cma_ret = strtol(ret + 5, NULL, 10);
	if (strstr(t, "number of available pages:"))
		log_parse_cma_avail(r, t);
}

/* release = the last version-like token before "#N" */
void log_parse_cpu(struct log_report *r, const char *t, unsigned lineno)
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
