/* Failure reports as the kernel prints them: warn_alloc() with its
 * dump_stack() and show_mem(), the fault-injection notice, the OOM-killer
 * header, the vmalloc and CMA failure messages, and the ratelimit that
 * gates them — each for the node's kernel version and architecture.
 *
 * The caller gathers the facts (who failed, the backtrace, the time) into a
 * struct report_ctx; these functions only format them into a struct sbuf.
 * Nothing here allocates, takes a global lock or writes anywhere.  A
 * timestamp prefix is set on the sbuf (report_timestamp()), not passed.
 */
#ifndef GFPSHIM_WARN_ALLOC_H
#define GFPSHIM_WARN_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/cma.h"
#include "report/report.h"

/* One backtrace frame, symbolized: `func+0xoff/0xsize [module]`. */
struct report_frame {
	const char *func;       /* NULL: no symbol covers addr */
	unsigned long off;      /* addr − start of func */
	unsigned long size;     /* size of func */
	const char *module;     /* NULL for the main program ("the kernel") */
	uintptr_t addr;         /* printed by the formats that show addresses */
	bool unreliable;        /* x86 prints "? " before a guessed frame */
};

/* The task the report is about (current). */
struct report_task {
	const char *comm;       /* current->comm */
	int pid;
	unsigned uid;           /* euid, printed by 6.10+ dump_stack */
	unsigned cpu;           /* raw_smp_processor_id(); also picks local_pcp */
	const char *taint;      /* NULL: "Not tainted"; else printed verbatim,
	                           e.g. "Tainted: P        WC O     " */
	const char *release;    /* utsname release; NULL: the machine's release,
	                           else the node's version */
	unsigned build;         /* "#%u" after the release; 0 prints "#1" */
	const char *workqueue;  /* "usb_hub_wq hub_event": a kworker's
	                           "Workqueue:" line; NULL: none */
	const char *cpuset;     /* cpuset cgroup name ("/"); NULL: a kernel
	                           built without CONFIG_CPUSETS */
	int oom_score_adj;
};

struct report_ctx {
	struct pglist_data *pgdat;
	const struct report_task *task;
	const struct report_frame *frames;     /* innermost first */
	unsigned nr_frames;
};

/* "[%5lu.%06lu] " for `ns` since start, into buf (at least 32 bytes);
 * returns buf, ready for sb->prefix. */
char *report_timestamp(char *buf, size_t len, uint64_t ns);

/* dump_stack(): the "CPU: … PID: … Comm: …" line, "Hardware name:",
 * "Workqueue:", then the backtrace in the arch's and version's format. */
void report_dump_stack(struct sbuf *sb, const struct report_ctx *rc);

/* warn_alloc(gfp, NULL nodemask, "page allocation failure: order:%u"):
 * header, dump_stack(), show_mem().  The ratelimit and __GFP_NOWARN are
 * the caller's business (report_ratelimit()). */
void report_page_alloc_failure(struct sbuf *sb, const struct report_ctx *rc,
			       gfp_t gfp, unsigned order);

/* warn_alloc() with any message, e.g. 4.9's
 * "page allocation stalls for %ums, order:%u". */
void report_warn_alloc(struct sbuf *sb, const struct report_ctx *rc, gfp_t gfp,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* lib/fault-inject.c fail_dump(): "FAULT_INJECTION: forcing a failure."
 * and the attribute line; with verbose > 1 a dump_stack() follows. */
struct report_fault_attr {
	const char *name;       /* "fail_page_alloc", "failslab", … */
	unsigned long interval;
	unsigned long probability;
	int space;
	int times;
	int verbose;
};
void report_fault_injection(struct sbuf *sb, const struct report_ctx *rc,
			    const struct report_fault_attr *fa);

/* mm/oom_kill.c dump_header(): "%s invoked oom-killer: gfp_mask=…,
 * order=…, oom_score_adj=…" (with the nodemask and cpuset line before
 * 4.19), dump_stack(), then show_mem(). */
void report_oom(struct sbuf *sb, const struct report_ctx *rc, gfp_t gfp,
		unsigned order);

/* The ways a vmalloc can fail (mm/vmalloc.c), each with its version's
 * warn_alloc() text (§6.2 of the reference). */
enum vmalloc_failure {
	VMALLOC_FAIL_TOO_BIG,           /* size exceeds total pages */
	VMALLOC_FAIL_AREA,              /* no vm_struct / address range */
	VMALLOC_FAIL_PAGE_ARRAY,        /* the pages[] array itself */
	VMALLOC_FAIL_PAGES,             /* a page allocation */
	VMALLOC_FAIL_MAP,               /* mapping the pages */
};
/* `size` is the request, `done` the bytes allocated before failing
 * (VMALLOC_FAIL_PAGES on ≤5.12), `order` the page order tried, `gfp`
 * the area's mask as warn_alloc() prints it. */
void report_vmalloc_failure(struct sbuf *sb, const struct report_ctx *rc,
			    gfp_t gfp, enum vmalloc_failure why,
			    unsigned long size, unsigned long done,
			    unsigned order);

/* mm/cma.c: "cma: cma_alloc: reserved: alloc failed, req-size: N pages,
 * ret: -12" then cma_debug_show_areas() with the area's free runs
 * (count@start, in bitmap order).  Nothing on 4.9 (added in 4.11). */
void report_cma_failure(struct sbuf *sb, kver_t kv, const char *cma_name,
			unsigned long req_pages, int ret,
			const struct cma_run *runs, unsigned nr_runs,
			unsigned long total_pages);

/* ___ratelimit() state for warn_alloc's nopage_rs, owned by the caller:
 * 4.9: DEFAULT_RATELIMIT_INTERVAL/BURST (5 s, 10); 5.0+: (10 s, 1). */
struct report_ratelimit {
	uint64_t interval_ns;   /* 0: no limit */
	unsigned burst;
	uint64_t begin_ns;
	bool begun;
	unsigned printed;
	unsigned missed;
	const char *name;       /* __func__ of the __ratelimit() caller, for
	                           "%s: N callbacks suppressed"; NULL:
	                           "warn_alloc" (slab_out_of_memory and
	                           oom_kill_process have their own states) */
};
void report_ratelimit_init(struct report_ratelimit *rs, kver_t kv);
/* True when a report may be printed at `now_ns`.  When a new window
 * opens after suppressed calls, "warn_alloc: N callbacks suppressed" is
 * written to sb first, as printk_deferred() does. */
bool report_ratelimit(struct report_ratelimit *rs, uint64_t now_ns,
		      struct sbuf *sb);

#endif
