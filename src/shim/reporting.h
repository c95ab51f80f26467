/* Between the three parts of the shim's reporting: report.c decides what
 * the kernel would print for a failure and formats it, logsink.c writes it
 * where GFPSHIM_LOG says (text, or one JSON object per line), stats.c
 * counts failures for GFPSHIM_STATS.
 *
 * Map of the types:
 *   struct failure_facts  one failed request as the report sees it: who,
 *                         what was asked, why it failed, which rule fired,
 *                         the program's frames.  Built once by report.c and
 *                         read by the text report, the JSON record and the
 *                         counters alike, so the three never disagree.
 *
 * Nothing here allocates from the heap: buffers are static, on the stack or
 * mapped with prim_map(); output is write(2).
 */
#ifndef GFPSHIM_REPORTING_H
#define GFPSHIM_REPORTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fault/fault.h"
#include "report/report.h"
#include "mm/slab.h"
#include "report/warn_alloc.h"

/* What the kernel does with the failure, in the order report.c decides. */
enum failure_kind {
	FAILURE_SILENT,         /* no kernel text exists for it (WARN_ON,
	                           an OS mapping) */
	FAILURE_PAGE_ALLOC,     /* warn_alloc "page allocation failure" */
	FAILURE_SLAB,           /* warn_alloc for the min order + SLUB lines */
	FAILURE_VMALLOC,        /* warn_alloc with the version's vmalloc text */
	FAILURE_OOM,            /* the OOM killer's dump_header() */
	FAILURE_INJECTED,       /* fail_dump() (and vmalloc's text after it) */
};

struct failure_facts {
	enum failure_kind kind;
	const struct kheap_failure *f;
	const struct fault_verdict *v;  /* injected failures only */
	struct pglist_data *pgdat;
	struct report_task task;
	uint64_t ns;                    /* since the process started */
	const char *verdict;            /* "fail", "oom", "injected", … */
	gfp_t gfp;                      /* the mask the report prints */
	unsigned order;
	char rule[512];                 /* the rule that fired, canonical */
	char attr[160];                 /* fail_dump()'s two lines */
	const struct report_frame *frames;
	unsigned nr_frames;
	unsigned suppressed;            /* "N callbacks suppressed" before it */
	bool full_report;               /* injected: the allocator's report
	                                   followed fail_dump() */
};

/* ---- logsink.c ---------------------------------------------------------- */

/* A GFPSHIM_LOG file that cannot be opened stops the program before main,
 * with the variable, the value and what was expected (the constructor
 * calls this once the shim has booted). */
void logsink_check(void);

/* GFPSHIM_LOG asks for JSON lines ("json:" before the destination). */
bool logsink_json(void);
/* Write one whole report (several lines) with a single write(2) to the
 * destination: stderr, stdout, fd:N, or a file opened O_APPEND with every
 * "%p" replaced by the pid (re-opened in a child after fork). */
void logsink_write(const char *text, size_t len);
/* One JSON object (one line, '\n' included) for a failure, into sb: the
 * same facts as the text report. */
void logsink_json_failure(struct sbuf *sb, const struct failure_facts *ff);

/* ---- stats.c ------------------------------------------------------------ */

/* The counters need a call site (the first frame outside the shim). */
bool stats_enabled(void);
/* Count a failed request.  `site` is the caller's return address, 0 when
 * unknown.  Lock-free except for the call-site table (try-locked). */
void stats_note_failure(const struct failure_facts *ff, uintptr_t site);
/* Print the counters now (the OOM-kill path, before SIGKILL); at most once
 * per process. */
void stats_print(void);

#endif
