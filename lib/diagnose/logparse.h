/* Kernel logs in: the records of a log a customer sent, and the reports
 * among them.
 *
 * A log is read whole.  Every physical line is normalised into records:
 * printk levels ("<4>"), /dev/kmsg headers ("4,123,456,-;"), syslog,
 * journal and logread prefixes ("Jun 13 04:36:30 host kernel: "), dmesg
 * stamps ("[ 2161.623563]", "[Thu Jun 13 04:36:30 2024]"), Android caller
 * ids ("[  T123]", "[ C1]", "(0)[5171:kworker/0:0]") are dropped, and
 * rsyslog's "#012" and kmsg's "\x0a" escapes split a line into the records
 * the kernel printed.  Records are then read as reports: warn_alloc
 * failures and stalls, OOM-killer headers, vmalloc, vmap and CMA failure
 * messages, show_mem dumps, /proc/buddyinfo and /proc/pagetypeinfo.  Lines
 * of a record that a terminal or a mail program wrapped are joined again;
 * a record cut short, or one that does not read as what it starts like,
 * is noted with its line number and parsing goes on.
 *
 * Nothing here allocates with malloc: the log's memory comes from
 * prim_map(), sized for the text, and log_free() returns it.
 */
#ifndef GFPSHIM_LOGPARSE_H
#define GFPSHIM_LOGPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/printed.h"
#include "machine/machine.h"
#include "mm/mmzone.h"

#define LOG_MAX_BYTES    (64u << 20)    /* larger logs are refused */
#define LOG_MAX_REPORTS  256            /* later reports are counted only */
#define LOG_MAX_PROBLEMS 256            /* likewise */
#define LOG_MAX_ZONES    8
#define LOG_MAX_TASKS    16             /* largest OOM task-table entries kept */
/* Numbers read from a log saturate at LOG_NUMBER_MAX (1 EiB in kB), so
 * that the sums explain and replay make of them stay inside a long; an
 * order at or above LOG_ORDER_LIMIT is no order (no kernel has more than
 * MAX_PAGE_ORDERS) and is refused, so that 1 << order stays defined. */
#define LOG_NUMBER_MAX   ((1UL << 50) - 1)
#define LOG_ORDER_LIMIT  32u

/* One record: a line as the kernel printed it, prefixes removed. */
struct log_record {
	uint32_t off, len;      /* text (NUL-terminated) in log->text */
	uint32_t lineno;        /* 1-based line of the input it came from */
	uint32_t flags;         /* LOG_REC_* */
};
#define LOG_REC_INDENTED 0x1u   /* began with white space (a continuation
                                   line of a multi-line printk) */
#define LOG_REC_ESCAPED  0x2u   /* came after a #012 or \x0a escape */

enum log_report_kind {
	LOG_ALLOC_FAILURE,      /* "page allocation failure: order:N, mode:…" */
	LOG_ALLOC_STALL,        /* "page allocation stalls for Nms, order:N" (4.9–4.14) */
	LOG_OOM,                /* "invoked oom-killer: gfp_mask=…, order=N" */
	LOG_VMALLOC,            /* warn_alloc from mm/vmalloc.c */
	LOG_VMAP,               /* "vmap allocation for size N failed" */
	LOG_CMA,                /* "cma_alloc: … alloc failed, req-size: N pages" */
	LOG_SHOW_MEM,           /* a Mem-Info dump with no failure before it */
	LOG_BUDDYINFO,          /* /proc/buddyinfo */
	LOG_PAGETYPEINFO,       /* /proc/pagetypeinfo */
	LOG_NR_KINDS
};
extern const char *const log_report_kind_names[LOG_NR_KINDS];

/* A zone as the report printed it.  Sizes are kB as printed. */
struct log_zone {
	char name[16];          /* "DMA32" */
	int node;               /* -1 when printed without "Node N " */
	uint32_t have;          /* LZ_* */
	unsigned zone_line, buddy_line;         /* line numbers, 0 = none */
	/* zone line */
	unsigned long free_kb, boost_kb, min_kb, low_kb, high_kb;
	unsigned long highatomic_kb, present_kb, managed_kb;
	unsigned long free_pcp_kb, free_cma_kb;
	/* lowmem_reserve[] (pages), one entry per configured zone */
	unsigned nr_reserve;
	long lowmem_reserve[MAX_NR_ZONES];
	/* buddy line: nr_free and the migratetypes with a non-empty list */
	unsigned nr_orders;                     /* orders printed */
	unsigned long unit_kb;                  /* kB of an order-0 block */
	unsigned long nr_free[MAX_PAGE_ORDERS];
	uint8_t types[MAX_PAGE_ORDERS];         /* bit (1 << migratetype) */
	unsigned long total_kb;                 /* "= NkB" */
	/* /proc/pagetypeinfo (blocks per order and type; blocks per type) */
	uint8_t pt_types;                       /* types printed */
	unsigned pt_orders;
	unsigned long pt_free[MAX_PAGE_ORDERS][MIGRATE_TYPES];
	unsigned long pt_blocks[MIGRATE_TYPES];
};
#define LZ_ZONE_LINE    0x01u   /* free/min/low/high/present/managed/free_cma */
#define LZ_BOOST        0x02u   /* "boost:" printed (6.1+) */
#define LZ_HIGHATOMIC   0x04u   /* "reserved_highatomic:" printed (5.10+) */
#define LZ_RESERVE      0x08u   /* lowmem_reserve[] */
#define LZ_BUDDY        0x10u   /* buddy line, complete */
#define LZ_BUDDY_CUT    0x20u   /* buddy line cut: orders ≥ nr_orders unknown */
#define LZ_PAGETYPES    0x40u   /* pagetypeinfo free counts */
#define LZ_BLOCKS       0x80u   /* pagetypeinfo "Number of blocks type" */
#define LZ_BUDDYINFO    0x100u  /* /proc/buddyinfo counts (no letters) */
#define LZ_FREE_PCP     0x200u

/* Header forms seen, for telling kernel versions apart (the fields of the
 * show_mem lines are kept by name in log_report's *_fields). */
#define LOGF_NODEMASK       0x001u  /* warn_alloc ", nodemask=" */
#define LOGF_UID            0x002u  /* dump_stack "CPU: N UID: N PID:" */

struct log_task {               /* one row of the OOM killer's task table */
	char name[32];
	unsigned long rss;      /* pages */
	unsigned nr;            /* processes of that name */
};

struct log_report {
	enum log_report_kind kind;
	unsigned first_line, last_line;
	char comm[32];                  /* task before ": page allocation …" */
	bool have_order, have_mask;
	unsigned order;
	uint32_t mask;                  /* as the kernel numbered it */
	char mask_names[160];           /* "GFP_ATOMIC|__GFP_COMP"; "" if none */
	bool mask_named;                /* the names were printed */
	char message[160];              /* failure text: "vmalloc error: size 8192, …" */
	char release[80];               /* dump_stack "CPU:" line's release */
	char hardware[96];              /* "Hardware name:" */
	unsigned release_line;
	uint32_t formats;               /* LOGF_* */
	/* the fields printed, bit (1 << field) of abi/printed.h's enums */
	uint32_t global_fields, node_fields, zone_fields;
	unsigned long stall_ms;
	long oom_score_adj;
	/* vmalloc: size and bytes allocated before the failure, as printed */
	unsigned long vm_size, vm_allocated;
	bool have_vm_allocated;
	/* CMA */
	char cma_name[32];
	unsigned long cma_req_pages, cma_free_pages, cma_total_pages;
	long cma_ret;
	bool have_cma_avail;
	/* show_mem */
	bool mem_info;
	unsigned long counters[NR_GLOBAL_FIELDS];       /* pages */
	unsigned long kernel_stack_kb;  /* Node line (5.10+) or Σ zone lines */
	int all_unreclaimable;          /* -1 not printed, 0 no, 1 yes */
	unsigned nr_zones;
	struct log_zone zones[LOG_MAX_ZONES];
	bool have_ram, have_reserved, have_cma_reserved, have_highmem;
	unsigned long pages_ram, pages_reserved, pages_cma_reserved, pages_highmem;
	/* /proc/pagetypeinfo header */
	bool have_pageblock;
	unsigned pageblock_order;
	/* OOM task table: the largest resident names */
	unsigned nr_tasks;
	struct log_task tasks[LOG_MAX_TASKS];
};

struct log_problem {
	unsigned lineno;
	char msg[200];
};

struct log {
	size_t map_len;                 /* prim_map()ed bytes, for log_free() */
	char *text;                     /* normalised records, NUL after each */
	struct log_record *records;
	unsigned nr_records, nr_lines;
	unsigned nr_reports, reports_dropped;
	struct log_report *reports;     /* LOG_MAX_REPORTS */
	unsigned nr_problems, problems_dropped;
	struct log_problem problems[LOG_MAX_PROBLEMS];
};

/* Read and parse text[0, len).  Returns NULL (message in err) only when
 * the log cannot be held (too large, no memory); a log with nothing
 * recognisable in it parses to no reports. */
struct log *log_parse(const char *text, size_t len, struct gfp_error *err);
/* Read a whole file ("-" is standard input) and parse it. */
struct log *log_read(const char *path, struct gfp_error *err);
void log_free(struct log *log);

static inline const char *log_record_text(const struct log *log, unsigned i)
{
	return log->text + log->records[i].off;
}

/* The zone of a report by name ("Normal"); NULL if it was not printed. */
const struct log_zone *log_find_zone(const struct log_report *rep,
				     const char *name);

/* Zone name → zone type; -1 for a name no kernel uses. */
int log_zone_type(const char *name);

#endif
