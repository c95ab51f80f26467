/* The report a failed request gets: what the node's kernel prints for it,
 * with the program's own backtrace, then what GFPSHIM_OOM says to do after
 * an OOM-killer report.
 *
 * Which text, per failure (the kernel function that prints it):
 *   page allocator refused       warn_alloc() "page allocation failure"
 *   a slab's page refused        warn_alloc() for the min order (SLUB's
 *                                allocate_slab() fallback), then
 *                                slab_out_of_memory()
 *   vmalloc refused              warn_alloc() with the version's vmalloc text
 *   the OOM killer would run     oom_kill_process() → dump_header()
 *   a rule fired                 fail_dump(); see report_injected()
 *   order ≥ NR_PAGE_ORDERS, OS   nothing: the kernel WARNs (a splat with its
 *                                own line numbers) or has no such failure
 *
 * Gates, as the kernel has them: __GFP_NOWARN (warn_alloc(),
 * slab_out_of_memory()), one ratelimit state each for warn_alloc (nopage_rs),
 * slab_out_of_memory (slub_oom_rs) and the OOM report (oom_rs), try-locked
 * like ___ratelimit() so that contention suppresses rather than waits.
 *
 * Safety: the text goes into a static buffer (or, when that is busy with
 * another report, a fresh mapping); the frames are unwound and symbolized
 * without malloc; show_mem() and the slab counters are read under
 * try-locks, so a report from a signal handler, or while this thread holds
 * a zone or list lock, prints what it can and never waits.  errno is left
 * as it was.
 */
#include "config.h"

#include "abi/kver_rules.h"
#include "shim/shim.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mm/page_alloc.h"
#include "base/prim.h"
#include "shim/reporting.h"
#include "base/stack.h"
#include "mm/vmalloc.h"
#include "report/warn_alloc.h"

#define REPORT_BUF_SIZE (128 * 1024)
#define NSEC_PER_SEC 1000000000ULL

/* ---- time since start ---------------------------------------------------- */

static uint64_t start_ns;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* printk times count from boot; the program's start is ours */
__attribute__((constructor)) static void report_clock_start(void)
{
	if (!start_ns)
		start_ns = now_ns();
}

/* ---- ratelimits ------------------------------------------------------------ */

struct ratelimit {
	atomic_flag busy;               /* ___ratelimit()'s raw_spin_trylock */
	bool ready;
	struct report_ratelimit rs;
};

static struct ratelimit nopage_rs = { .busy = ATOMIC_FLAG_INIT };
static struct ratelimit slub_oom_rs = { .busy = ATOMIC_FLAG_INIT };
static struct ratelimit oom_rs = { .busy = ATOMIC_FLAG_INIT };

/* DEFAULT_RATELIMIT_INTERVAL / _BURST (include/linux/ratelimit_types.h) */
static void ratelimit_default(struct report_ratelimit *rs, const char *name)
{
	memset(rs, 0, sizeof(*rs));
	rs->interval_ns = 5 * NSEC_PER_SEC;
	rs->burst = 10;
	rs->name = name;
}

/* May this report be printed?  When suppressed calls came before, the
 * "N callbacks suppressed" line goes to sb and their number to *missed. */
static bool ratelimit_ok(struct ratelimit *r, struct sbuf *sb,
			 unsigned *missed)
{
	if (shim.opt.ratelimit == RATELIMIT_OFF)
		return true;
	if (atomic_flag_test_and_set_explicit(&r->busy, memory_order_acquire))
		return false;
	if (!r->ready) {
		if (r == &nopage_rs)
			report_ratelimit_init(&r->rs, shim.node.kv);
		else
			ratelimit_default(&r->rs, r == &oom_rs ?
					  "oom_kill_process" :
					  "slab_out_of_memory");
		r->ready = true;
	}
	unsigned before = r->rs.missed;
	bool ok = report_ratelimit(&r->rs, now_ns() - start_ns, sb);
	if (ok && before && !r->rs.missed)
		*missed += before;
	atomic_flag_clear_explicit(&r->busy, memory_order_release);
	return ok;
}

/* ---- report buffers -------------------------------------------------------- */

static char report_static[REPORT_BUF_SIZE];
static atomic_flag report_static_busy = ATOMIC_FLAG_INIT;

/* The static buffer, or a mapping when another report (another thread,
 * or this one interrupted by a signal) is using it; NULL: no memory. */
static char *buf_get(void)
{
	if (!atomic_flag_test_and_set_explicit(&report_static_busy,
					       memory_order_acquire))
		return report_static;
	return prim_map(REPORT_BUF_SIZE);
}

static void buf_put(char *buf)
{
	if (buf == report_static)
		atomic_flag_clear_explicit(&report_static_busy,
					   memory_order_release);
	else
		prim_unmap(buf, REPORT_BUF_SIZE);
}

/* ---- the task and its frames ----------------------------------------------- */

static int read_oom_score_adj(void)
{
	char buf[16];
	long n = prim_read_file("/proc/self/oom_score_adj", buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return atoi(buf);
}

/* The kernel's current: the thread's id (task pid), the comm the shim
 * uses for rules, and the simulated CPU the thread's per-cpu pages live on
 * (the CPU line and local_pcp must agree on it).  CONFIG_CPUSETS, root
 * cpuset. */
static void task_fill(struct report_task *t, bool oom)
{
	memset(t, 0, sizeof(*t));
	t->comm = shim.comm;
	t->pid = (int)syscall(SYS_gettid);
	t->uid = (unsigned)geteuid();
	t->cpu = shim_self.kt ? shim_self.kt->cpu_id : 0;
	t->cpuset = "/";
	t->oom_score_adj = oom ? read_oom_score_adj() : 0;
}

struct frames {
	struct stack_trace st;
	struct report_frame rf[STACK_MAX_DEPTH];
	unsigned nr;
};

/* The program's stack above the allocation: the shim's own frames are
 * dropped from the top, nothing is put in their place. */
static void frames_capture(struct frames *fr)
{
	stack_trace_init(&fr->st);
	stack_capture(&fr->st, 0);
	fr->nr = 0;
}

/* Every entry is a return address (the shim's frames are gone), so each is
 * looked up at ip − 1 as %pB does. */
static void frames_symbolize(struct frames *fr)
{
	for (unsigned i = 0; i < fr->st.nr; i++) {
		struct frame_info fi;
		struct report_frame *f = &fr->rf[i];

		memset(f, 0, sizeof(*f));
		f->addr = fr->st.ip[i];
		if (stack_symbolize(fr->st.ip[i], true, &fi) && fi.func) {
			f->func = fi.func;
			f->off = fi.off;
			f->size = fi.size;
		}
		f->module = fi.object && !fi.main_program ? fi.object : NULL;
	}
	fr->nr = fr->st.nr;
}

/* ---- what the kernel prints ------------------------------------------------ */

static enum vmalloc_failure vmalloc_why(const struct kheap_failure *f)
{
	switch (f->reason) {
	case KHEAP_FAIL_TOO_BIG: return VMALLOC_FAIL_TOO_BIG;
	case KHEAP_FAIL_OS: return VMALLOC_FAIL_AREA;
	default: return VMALLOC_FAIL_PAGES;
	}
}

static void classify(struct failure_facts *ff, const struct kheap_failure *f,
		     const struct fault_verdict *v)
{
	ff->f = f;
	ff->v = v;
	ff->order = f->order;
	ff->gfp = f->page_gfp;
	if (v) {
		ff->kind = FAILURE_INJECTED;
		ff->verdict = "injected";
		return;
	}
	switch (f->reason) {
	case KHEAP_FAIL_PAGES:
		if (f->outcome.verdict == ALLOC_FAIL_OOM) {
			/* __alloc_pages_may_oom(): the OOM killer runs for
			 * the page request, whatever layer asked */
			ff->kind = FAILURE_OOM;
			ff->verdict = "oom";
		} else if (f->site == KHEAP_SITE_SLAB) {
			ff->kind = FAILURE_SLAB;
			ff->verdict = "fail";
		} else if (f->site == KHEAP_SITE_VMALLOC) {
			ff->kind = FAILURE_VMALLOC;
			ff->verdict = "fail";
			ff->gfp = f->report_gfp;
		} else {
			ff->kind = FAILURE_PAGE_ALLOC;
			ff->verdict = "fail";
		}
		break;
	case KHEAP_FAIL_TOO_BIG:
		ff->verdict = "too_big";
		/* __vmalloc_node_range() reports it; __alloc_pages() only
		 * WARN_ON_ONCE()s an order ≥ NR_PAGE_ORDERS */
		ff->kind = f->site == KHEAP_SITE_VMALLOC ? FAILURE_VMALLOC :
			FAILURE_SILENT;
		/* the caller's mask: __GFP_HIGHMEM is added only later, in
		 * __vmalloc_area_node() */
		ff->gfp = f->gfp;
		break;
	case KHEAP_FAIL_OS:
		/* the address space for a vm area is what the kernel's
		 * "vm_struct allocation failed" is about */
		ff->verdict = "os";
		ff->kind = f->site == KHEAP_SITE_VMALLOC ? FAILURE_VMALLOC :
			FAILURE_SILENT;
		ff->gfp = f->gfp;
		break;
	default:
		ff->verdict = "unknown";
		ff->kind = FAILURE_SILENT;
		break;
	}
}

/* mm/slub.c slab_out_of_memory(): kmalloc asks for NUMA_NO_NODE; 6.12 names
 * the CPU too; before 4.5 the mask had no %pGg. */
static void slab_out_of_memory(struct sbuf *sb, const struct failure_facts *ff)
{
	const struct kheap_failure *f = ff->f;
	struct kmem_cache *s = (struct kmem_cache *)f->cache;
	kver_t kv = ff->pgdat->kv;
	uint32_t mask = gfp_to_kernel(f->gfp, kv);
	char gfp[256];

	if (!s)
		return;
	gfp_format(mask, kv, gfp, sizeof(gfp));
	if (kver_has(kv, KF_SLUB_OOM_CPU))
		sb_printf(sb, "SLUB: Unable to allocate memory on CPU %u (of node 0) on node -1, gfp=%s\n",
			  ff->task.cpu, gfp);
	else if (kver_has(kv, KF_SLUB_OOM_GFP_COMMA))
		sb_printf(sb, "SLUB: Unable to allocate memory on node -1, gfp=%s\n",
			  gfp);
	else
		sb_printf(sb, "SLUB: Unable to allocate memory on node -1 (gfp=%s)\n",
			  gfp);
	sb_printf(sb, "  cache: %s, object size: %u, buffer size: %u, default order: %u, min order: %u\n",
		  s->name, s->object_size, s->size, s->oo_order, s->min_order);
	/* count_partial() takes the list lock: skip the line rather than
	 * wait for it (a signal handler may have interrupted its holder) */
	if (pthread_mutex_trylock(&s->list_lock) != 0)
		return;
	pthread_mutex_unlock(&s->list_lock);
	struct kmem_cache_stats st;
	kheap_cache_stats(s, &st);
	sb_printf(sb, "  node 0: slabs: %ld, objs: %ld, free: %ld\n",
		  (long)st.slabs, (long)st.objs, (long)st.free);
}

/* A rule fired.  The kernel's fault points return before anything else
 * prints: fail_page_alloc is checked in prepare_alloc_pages() (4.9:
 * __alloc_pages_nodemask()) before the fast path, so no warn_alloc();
 * failslab in slab_pre_alloc_hook() before any slab is touched, so no
 * slab_out_of_memory().  Only vmalloc goes on to report: its page request
 * failing makes __vmalloc_area_node() print its warn_alloc() text.
 * GFPSHIM_FAULT_REPORT=kernel prints just that; the default, full, goes
 * on as a failure of the request in the allocator would: warn_alloc() for
 * the page request (the slab's minimum-order one, with
 * slab_out_of_memory() after it), which is what the program's users see
 * when the allocation fails for real. */
static enum failure_kind injected_then(const struct kheap_failure *f,
				       const struct fault_verdict *v)
{
	if (f->site == KHEAP_SITE_VMALLOC)
		return FAILURE_VMALLOC;
	/* a rule with verbose=0 fails without a word; cma_alloc()'s own
	 * message is kernel_api.c's (it holds the area's bitmap) */
	if (shim.opt.fault_report == FAULT_REPORT_KERNEL || !v->dump ||
	    f->site == KHEAP_SITE_CMA)
		return FAILURE_SILENT;
	return f->site == KHEAP_SITE_SLAB ? FAILURE_SLAB : FAILURE_PAGE_ALLOC;
}

/* fail_dump()'s lines when the rule is verbose, the rule that fired, and
 * the stack when verbose > 1 — unless the full report that follows prints
 * the same stack in its own dump_stack(). */
static void report_injected(struct sbuf *sb, const struct failure_facts *ff,
			    const struct report_ctx *rc, bool stack_follows)
{
	const struct fault_verdict *v = ff->v;

	if (!v->dump)
		return;
	sb_puts(sb, ff->attr);
	/* not the kernel's: which of the user's rules this was */
	sb_printf(sb, "gfpshim: GFPSHIM_FAIL rule %u fired", v->rule);
	if (v->nr_match)
		sb_printf(sb, " on its matching request %lu", v->nr_match);
	sb_printf(sb, ": %s\n", ff->rule);
	if (v->dump_stack && !stack_follows)
		report_dump_stack(sb, rc);
}

static void injected_facts(struct failure_facts *ff)
{
	const struct kheap_failure *f = ff->f;
	struct fault_request req = {
		.site = shim_fault_site(f->site), .gfp = f->gfp, .order = f->order,
		.size = f->size, .comm = shim.comm,
	};

	fault_rule_format(&shim.fault, ff->v->rule - 1, ff->rule,
			  sizeof(ff->rule));
	fault_format_dump(&shim.fault, &req, ff->v, ff->attr, sizeof(ff->attr));
}

/* The allocator's report of kind `kind` for the failure, past its gates
 * (`warn`: warn_alloc() or the OOM header may print; `slub`:
 * slab_out_of_memory() may).  An injected failure's masks are the ones
 * the failing request would have had in the allocator. */
static void report_failure(struct sbuf *sb, const struct failure_facts *ff,
			   const struct report_ctx *rc, enum failure_kind kind,
			   bool warn, bool slub)
{
	const struct kheap_failure *f = ff->f;
	bool injected = ff->kind == FAILURE_INJECTED;

	switch (kind) {
	case FAILURE_PAGE_ALLOC:
		if (warn)
			report_page_alloc_failure(sb, rc, ff->gfp, ff->order);
		break;
	case FAILURE_SLAB:
		/* allocate_slab()'s min-order request fails in the page
		 * allocator first */
		if (warn)
			report_page_alloc_failure(sb, rc, injected && f->cache ?
				kheap_slab_page_gfp(&shim.heap, f->cache, f->gfp) :
				ff->gfp, ff->order);
		if (slub)
			slab_out_of_memory(sb, ff);
		break;
	case FAILURE_VMALLOC:
		if (warn)
			report_vmalloc_failure(sb, rc, injected ? f->report_gfp :
					       ff->gfp, vmalloc_why(f), f->size,
					       f->done, 0);
		break;
	case FAILURE_OOM:
		if (warn)
			report_oom(sb, rc, ff->gfp, ff->order);
		break;
	case FAILURE_INJECTED:
	case FAILURE_SILENT:
		break;
	}
}

/* After the OOM report: GFPSHIM_OOM.  "kill" is what the OOM killer does
 * to its victim, which here is always the caller (it holds all the
 * simulated memory): SIGKILL, after the counters are out. */
static void oom_policy(void)
{
	switch (shim.opt.oom) {
	case OOM_KILL:
		stats_print();
		syscall(SYS_kill, prim_getpid(), SIGKILL);
		break;
	case OOM_ABORT:
		stats_print();
		abort();
	case OOM_NULL:
		break;
	}
}

void report_heap_failure(struct kheap *h, const struct kheap_failure *f,
			 const struct fault_verdict *v)
{
	int saved = errno;
	struct failure_facts ff;
	struct frames fr;

	memset(&ff, 0, sizeof(ff));
	fr.st.nr = 0;
	ff.pgdat = h->pgdat;
	classify(&ff, f, v);
	ff.ns = now_ns() - start_ns;
	task_fill(&ff.task, ff.kind == FAILURE_OOM);

	char *buf = buf_get();
	struct sbuf sb = SBUF_INIT(buf, buf ? REPORT_BUF_SIZE : 0);
	char ts[32];
	bool json = logsink_json();
	if (shim.opt.timestamps && !json)
		sb.prefix = report_timestamp(ts, sizeof(ts), ff.ns);

	/* the gates, in the kernel's order: __GFP_NOWARN first, then the
	 * ratelimit (whose "suppressed" line precedes the report) */
	char gate_buf[128];
	struct sbuf gate = SBUF_INIT(gate_buf, sizeof(gate_buf));
	bool warn = false, slub = false, dump = false;
	enum failure_kind then = ff.kind;
	if (ff.kind == FAILURE_INJECTED) {
		dump = v->dump;
		if (dump)
			injected_facts(&ff);
		then = injected_then(f, v);
	}
	switch (then) {
	case FAILURE_PAGE_ALLOC:
	case FAILURE_VMALLOC:
		warn = f->warn && ratelimit_ok(&nopage_rs, &gate, &ff.suppressed);
		break;
	case FAILURE_SLAB:
		warn = f->warn && ratelimit_ok(&nopage_rs, &gate, &ff.suppressed);
		slub = !(f->gfp & __GFP_NOWARN) &&
		       ratelimit_ok(&slub_oom_rs, &gate, &ff.suppressed);
		break;
	case FAILURE_OOM:
		warn = ratelimit_ok(&oom_rs, &gate, &ff.suppressed);
		break;
	case FAILURE_INJECTED:
	case FAILURE_SILENT:
		break;
	}
	ff.full_report = ff.kind == FAILURE_INJECTED && then != FAILURE_SILENT &&
			 (warn || slub);
	bool print = warn || slub || dump;

	if (print || stats_enabled())
		frames_capture(&fr);
	if (print && buf) {
		frames_symbolize(&fr);
		ff.frames = fr.rf;
		ff.nr_frames = fr.nr;
		struct report_ctx rc = { h->pgdat, &ff.task, fr.rf, fr.nr };

		if (json) {
			logsink_json_failure(&sb, &ff);
		} else {
			if (ff.kind == FAILURE_INJECTED)
				report_injected(&sb, &ff, &rc,
						warn && then != FAILURE_VMALLOC);
			sb_puts(&sb, sb_str(&gate));
			report_failure(&sb, &ff, &rc, then, warn, slub);
		}
		size_t len = sb.len < sb.cap ? sb.len : sb.cap - 1;
		logsink_write(buf, len);
	}
	if (stats_enabled())
		stats_note_failure(&ff, fr.st.nr ? fr.st.ip[0] : 0);
	if (buf)
		buf_put(buf);
	if (ff.kind == FAILURE_OOM)
		oom_policy();
	errno = saved;
}
