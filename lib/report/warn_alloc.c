/* Failure reports, formatted as each kernel version prints them:
 * mm/page_alloc.c warn_alloc(), lib/dump_stack.c, the arch show_stack(),
 * lib/fault-inject.c fail_dump(), mm/oom_kill.c dump_header(),
 * mm/vmalloc.c and mm/cma.c failure messages, lib/ratelimit.c.
 */
#include <stdio.h>
#include <string.h>

#include "abi/kver_rules.h"
#include "report/warn_alloc.h"

#define NSEC_PER_SEC 1000000000ULL

char *report_timestamp(char *buf, size_t len, uint64_t ns)
{
	/* printk's print_time(): "[%5lu.%06lu] " */
	snprintf(buf, len, "[%5lu.%06lu] ", (unsigned long)(ns / NSEC_PER_SEC),
		 (unsigned long)(ns % NSEC_PER_SEC / 1000));
	return buf;
}

static kver_t rc_kv(const struct report_ctx *rc)
{
	return rc->pgdat->kv;
}

static const char *rc_arch(const struct report_ctx *rc)
{
	return rc->pgdat->desc ? rc->pgdat->desc->arch : "";
}

/* `%#x(%pGg)` of the mask in the version's own bit layout */
static void print_gfp(struct sbuf *sb, const struct report_ctx *rc, gfp_t gfp)
{
	char buf[256];

	gfp_format(gfp_to_kernel(gfp, rc_kv(rc)), rc_kv(rc), buf, sizeof(buf));
	sb_puts(sb, buf);
}

/* %pS / %pB: "func+0xoff/0xsize [module]", or the bare address */
static void print_symbol(struct sbuf *sb, const struct report_frame *f)
{
	if (!f->func) {
		sb_printf(sb, "0x%lx", (unsigned long)f->addr);
		return;
	}
	sb_printf(sb, "%s+0x%lx/0x%lx", f->func, f->off, f->size);
	if (f->module)
		sb_printf(sb, " [%s]", f->module);
}

static void dump_stack_print_info(struct sbuf *sb, const struct report_ctx *rc)
{
	const struct report_task *t = rc->task;
	kver_t kv = rc_kv(rc);
	char rel[32];
	const char *release = t->release;

	if (!release && rc->pgdat->desc && rc->pgdat->desc->release[0])
		release = rc->pgdat->desc->release;
	if (!release)
		release = kver_format(kv, rel, sizeof(rel));
	/* lib/dump_stack.c dump_stack_print_info(); 6.10 added "UID: %u" */
	sb_printf(sb, "CPU: %u ", t->cpu);
	if (kver_has(kv, KF_DUMP_STACK_UID))
		sb_printf(sb, "UID: %u ", t->uid);
	sb_printf(sb, "PID: %d Comm: %.20s %s %s #%u", t->pid, t->comm,
		  t->taint ? t->taint : "Not tainted", release,
		  t->build ? t->build : 1);
	/* 6.15: preempt_model_str(), PREEMPT_DYNAMIC's voluntary default of
	 * distribution kernels, then " " BUILD_ID_FMT (empty) */
	if (kver_has(kv, KF_DUMP_STACK_PREEMPT_MODEL))
		sb_puts(sb, " PREEMPT(voluntary) ");
	sb_puts(sb, "\n");
	if (rc->pgdat->desc && rc->pgdat->desc->hardware[0])
		sb_printf(sb, "Hardware name: %s\n", rc->pgdat->desc->hardware);
	/* print_worker_info(): "Workqueue: %s %ps" */
	if (t->workqueue)
		sb_printf(sb, "Workqueue: %s\n", t->workqueue);
}

/* arch/x86/kernel/dumpstack.c: 4.9–4.13 print " [<addr>] sym"; later
 * " sym" (with "? " for unreliable frames); task stacks are bracketed by
 * " <TASK>" … " </TASK>" from 5.15. */
static void show_stack_x86(struct sbuf *sb, const struct report_ctx *rc)
{
	kver_t kv = rc_kv(rc);
	bool task_marks = kver_has(kv, KF_X86_TASK_MARKS);

	sb_puts(sb, "Call Trace:\n");
	if (task_marks)
		sb_puts(sb, " <TASK>\n");
	for (unsigned i = 0; i < rc->nr_frames; i++) {
		const struct report_frame *f = &rc->frames[i];

		if (!kver_has(kv, KF_X86_FRAME_NO_ADDR))
			sb_printf(sb, " [<%016lx>] ", (unsigned long)f->addr);
		else
			sb_puts(sb, " ");
		if (f->unreliable)
			sb_puts(sb, "? ");
		print_symbol(sb, f);
		sb_puts(sb, "\n");
	}
	if (task_marks)
		sb_puts(sb, " </TASK>\n");
}

/* arch/arm64/kernel/traps.c (stacktrace.c later): "Call trace:", then
 * print_ip_sym()'s "[<addr>] sym" up to 4.14, " sym" after. */
static void show_stack_arm64(struct sbuf *sb, const struct report_ctx *rc)
{
	sb_puts(sb, "Call trace:\n");
	for (unsigned i = 0; i < rc->nr_frames; i++) {
		const struct report_frame *f = &rc->frames[i];

		if (!kver_has(rc_kv(rc), KF_ARM64_FRAME_NO_ADDR))
			sb_printf(sb, "[<%016lx>] ", (unsigned long)f->addr);
		else
			sb_puts(sb, " ");
		print_symbol(sb, f);
		sb_puts(sb, "\n");
	}
}

/* arch/arm/kernel/unwind.c dump_backtrace_entry(): each frame with its
 * caller; 6.12 adds a "Call trace: " header, 6.1 drops the addresses. */
static void show_stack_arm(struct sbuf *sb, const struct report_ctx *rc)
{
	kver_t kv = rc_kv(rc);

	if (kver_has(kv, KF_ARM_CALL_TRACE_HEADER))
		sb_puts(sb, "Call trace: \n");
	for (unsigned i = 0; i < rc->nr_frames; i++) {
		const struct report_frame *f = &rc->frames[i];
		const struct report_frame *from =
			i + 1 < rc->nr_frames ? &rc->frames[i + 1] : NULL;

		if (!kver_has(kv, KF_ARM_FRAME_NO_ADDR)) {
			sb_printf(sb, "[<%08lx>] (", (unsigned long)f->addr);
			if (f->func)
				sb_puts(sb, f->func);
			else
				sb_printf(sb, "0x%lx", (unsigned long)f->addr);
			sb_printf(sb, ") from [<%08lx>] (",
				  from ? (unsigned long)from->addr : 0UL);
			if (from)
				print_symbol(sb, from);
			sb_puts(sb, ")\n");
		} else {
			sb_printf(sb, " %s from ", f->func ? f->func : "?");
			if (from)
				print_symbol(sb, from);
			sb_puts(sb, "\n");
		}
	}
}

/* Other 32-bit ports (csky, …): "Call Trace:" and "[<addr>] sym" */
static void show_stack_generic(struct sbuf *sb, const struct report_ctx *rc)
{
	sb_puts(sb, "Call Trace:\n");
	for (unsigned i = 0; i < rc->nr_frames; i++) {
		const struct report_frame *f = &rc->frames[i];

		sb_printf(sb, "[<%08lx>] ", (unsigned long)f->addr);
		print_symbol(sb, f);
		sb_puts(sb, "\n");
	}
}

void report_dump_stack(struct sbuf *sb, const struct report_ctx *rc)
{
	const char *arch = rc_arch(rc);

	dump_stack_print_info(sb, rc);
	if (strcmp(arch, "x86_64") == 0 || strcmp(arch, "i386") == 0)
		show_stack_x86(sb, rc);
	else if (strcmp(arch, "arm64") == 0)
		show_stack_arm64(sb, rc);
	else if (strcmp(arch, "arm") == 0)
		show_stack_arm(sb, rc);
	else
		show_stack_generic(sb, rc);
}

/* cpuset_print_current_mems_allowed(): its own line "comm cpuset=/
 * mems_allowed=0" up to 4.18, appended ",cpuset=/,mems_allowed=0" from
 * 4.19 ("mm, oom: reorganize the oom report in dump_header"). */
static bool cpuset_inline(kver_t kv)
{
	return kver_has(kv, KF_CPUSET_INLINE);
}

static void cpuset_print_line(struct sbuf *sb, const struct report_ctx *rc)
{
	if (rc->task->cpuset && !cpuset_inline(rc_kv(rc)))
		sb_printf(sb, "%s cpuset=%s mems_allowed=0\n", rc->task->comm,
			  rc->task->cpuset);
}

static void warn_alloc_v(struct sbuf *sb, const struct report_ctx *rc,
			 gfp_t gfp, const char *fmt, va_list ap)
{
	kver_t kv = rc_kv(rc);

	/* warn_alloc(): 4.9 has no nodemask; 4.10+ prints the caller's
	 * nodemask, NULL for every path simulated here */
	sb_printf(sb, "%s: ", rc->task->comm);
	sb_vprintf(sb, fmt, ap);
	sb_puts(sb, ", mode:");
	print_gfp(sb, rc, gfp);
	if (kver_has(kv, KF_WARN_ALLOC_NODEMASK))
		sb_puts(sb, ", nodemask=(null)");
	if (rc->task->cpuset && cpuset_inline(kv))
		sb_printf(sb, ",cpuset=%s,mems_allowed=0", rc->task->cpuset);
	sb_puts(sb, "\n");
	if (kver_has(kv, KF_WARN_ALLOC_NODEMASK))
		cpuset_print_line(sb, rc);
	report_dump_stack(sb, rc);
	/* warn_alloc_show_mem() → show_mem(filter, nodemask[, gfp_zone]) */
	show_mem(sb, rc->pgdat, gfp, rc->task->cpu);
}

void report_warn_alloc(struct sbuf *sb, const struct report_ctx *rc, gfp_t gfp,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	warn_alloc_v(sb, rc, gfp, fmt, ap);
	va_end(ap);
}

void report_page_alloc_failure(struct sbuf *sb, const struct report_ctx *rc,
			       gfp_t gfp, unsigned order)
{
	report_warn_alloc(sb, rc, gfp, "page allocation failure: order:%u", order);
}

void report_fault_injection(struct sbuf *sb, const struct report_ctx *rc,
			    const struct report_fault_attr *fa)
{
	/* fail_dump(): printed when verbose > 0, the stack when > 1 */
	if (fa->verbose <= 0)
		return;
	sb_puts(sb, "FAULT_INJECTION: forcing a failure.\n");
	sb_printf(sb, "name %s, interval %lu, probability %lu, space %d, times %d\n",
		  fa->name, fa->interval, fa->probability, fa->space, fa->times);
	if (fa->verbose > 1)
		report_dump_stack(sb, rc);
}

void report_oom(struct sbuf *sb, const struct report_ctx *rc, gfp_t gfp,
		unsigned order)
{
	kver_t kv = rc_kv(rc);

	/* dump_header(): 4.9 prints cpuset_current_mems_allowed when the
	 * nodemask is NULL, 4.10–4.18 "(null)"; 4.19 moved the nodemask to
	 * the "oom-kill:" summary line */
	sb_printf(sb, "%s invoked oom-killer: gfp_mask=", rc->task->comm);
	print_gfp(sb, rc, gfp);
	if (!kver_has(kv, KF_WARN_ALLOC_NODEMASK))
		sb_puts(sb, ", nodemask=0");
	else if (!kver_has(kv, KF_CPUSET_INLINE))
		sb_puts(sb, ", nodemask=(null)");
	sb_printf(sb, ", order=%u, oom_score_adj=%hd\n", order,
		  (short)rc->task->oom_score_adj);
	cpuset_print_line(sb, rc);
	report_dump_stack(sb, rc);
	show_mem(sb, rc->pgdat, gfp, rc->task->cpu);
}

void report_vmalloc_failure(struct sbuf *sb, const struct report_ctx *rc,
			    gfp_t gfp, enum vmalloc_failure why,
			    unsigned long size, unsigned long done,
			    unsigned order)
{
	kver_t kv = rc_kv(rc);
	unsigned long page_size = 1UL << rc->pgdat->page_shift;
	unsigned long nr_pages = (size + page_size - 1) / page_size;

	if (!kver_has(kv, KF_VMALLOC_ERROR_TEXT)) {
		/* __vmalloc_node_range() / __vmalloc_area_node() */
		if (why == VMALLOC_FAIL_TOO_BIG || why == VMALLOC_FAIL_AREA)
			report_warn_alloc(sb, rc, gfp,
					  "vmalloc: allocation failure: %lu bytes",
					  size);
		else
			report_warn_alloc(sb, rc, gfp,
					  "vmalloc: allocation failure, allocated %ld of %ld bytes",
					  (long)done, (long)(nr_pages * page_size));
		return;
	}
	switch (why) {
	case VMALLOC_FAIL_TOO_BIG:
		report_warn_alloc(sb, rc, gfp,
				  "vmalloc error: size %lu, exceeds total pages",
				  size);
		break;
	case VMALLOC_FAIL_AREA:
		report_warn_alloc(sb, rc, gfp,
				  "vmalloc error: size %lu, vm_struct allocation failed%s",
				  size, (gfp & __GFP_NOFAIL) ? ". Retrying." : "");
		break;
	case VMALLOC_FAIL_PAGE_ARRAY:
		report_warn_alloc(sb, rc, gfp,
				  "vmalloc error: size %lu, failed to allocated page array size %lu",
				  size, nr_pages * (unsigned long)sizeof(void *));
		break;
	case VMALLOC_FAIL_PAGES:
		/* 6.12 dropped the order from the text */
		if (kver_has(kv, KF_VMALLOC_NO_ORDER))
			report_warn_alloc(sb, rc, gfp,
					  "vmalloc error: size %lu, failed to allocate pages",
					  size);
		else
			report_warn_alloc(sb, rc, gfp,
					  "vmalloc error: size %lu, page order %u, failed to allocate pages",
					  size, order);
		break;
	case VMALLOC_FAIL_MAP:
		report_warn_alloc(sb, rc, gfp,
				  "vmalloc error: size %lu, failed to map pages",
				  size);
		break;
	}
}

void report_cma_failure(struct sbuf *sb, kver_t kv, const char *cma_name,
			unsigned long req_pages, int ret,
			const struct cma_run *runs, unsigned nr_runs,
			unsigned long total_pages)
{
	unsigned long nr_total = 0;

	/* cma_alloc()'s failure message appeared in 4.11; the area's name
	 * in 5.10; 6.12 reports from __cma_alloc() */
	if (!kver_has(kv, KF_CMA_FAILURE_MESSAGE))
		return;
	if (kver_has(kv, KF_CMA_FROM___CMA_ALLOC))
		sb_printf(sb, "cma: __cma_alloc: %s: alloc failed, req-size: %lu pages, ret: %d\n",
			  cma_name, req_pages, ret);
	else if (kver_has(kv, KF_CMA_AREA_NAME))
		sb_printf(sb, "cma: cma_alloc: %s: alloc failed, req-size: %lu pages, ret: %d\n",
			  cma_name, req_pages, ret);
	else
		sb_printf(sb, "cma: cma_alloc: alloc failed, req-size: %lu pages, ret: %d\n",
			  req_pages, ret);

	/* cma_debug_show_areas() */
	sb_puts(sb, "cma: number of available pages: ");
	for (unsigned i = 0; i < nr_runs; i++) {
		sb_printf(sb, "%s%lu@%lu", nr_total ? "+" : "", runs[i].count,
			  runs[i].start);
		nr_total += runs[i].count;
	}
	sb_printf(sb, "=> %lu free of %lu total pages\n", nr_total, total_pages);
}

void report_ratelimit_init(struct report_ratelimit *rs, kver_t kv)
{
	memset(rs, 0, sizeof(*rs));
	/* nopage_rs: DEFAULT_RATELIMIT_INTERVAL/BURST until "ratelimit
	 * allocation failure warnings more aggressively" (5.0) */
	if (!kver_has(kv, KF_NOPAGE_RATELIMIT_10S)) {
		rs->interval_ns = 5 * NSEC_PER_SEC;
		rs->burst = 10;
	} else {
		rs->interval_ns = 10 * NSEC_PER_SEC;
		rs->burst = 1;
	}
}

bool report_ratelimit(struct report_ratelimit *rs, uint64_t now_ns,
		      struct sbuf *sb)
{
	/* ___ratelimit() */
	if (!rs->interval_ns)
		return true;
	if (!rs->begun) {
		rs->begun = true;
		rs->begin_ns = now_ns;
	}
	if (now_ns - rs->begin_ns > rs->interval_ns) {
		if (rs->missed) {
			sb_printf(sb, "%s: %u callbacks suppressed\n",
				  rs->name ? rs->name : "warn_alloc", rs->missed);
			rs->missed = 0;
		}
		rs->begin_ns = now_ns;
		rs->printed = 0;
	}
	if (rs->burst && rs->burst > rs->printed) {
		rs->printed++;
		return true;
	}
	rs->missed++;
	return false;
}
