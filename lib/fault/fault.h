/* Fault injection: one predicate, consulted once per request at each layer
 * entry, configured by GFPSHIM_FAIL rules.
 *
 * A rule carries the kernel's fault_attr knobs under their debugfs names and
 * meanings (lib/fault-inject.c should_fail_ex(), mm/fail_page_alloc.c,
 * mm/failslab.c): probability, interval, times, space, min-order,
 * ignore-gfp-wait, ignore-gfp-highmem, stacktrace-depth, verbose; plus
 * filters the kernel has no word for: max-order, gfp=, site=, caller=,
 * module=, comm=, nth=, stack=unique, after=/until=.
 *
 * Where the kernel's debugfs default would make a rule inert, a rule's
 * default differs, so that "min-order=4" alone means "fail those":
 *   probability 100 (kernel 0), times -1 (kernel 1), min-order 0 (kernel 1
 *   for fail_page_alloc), ignore-gfp-wait N and ignore-gfp-highmem N
 *   (kernel Y).  interval 1, space 0, verbose 2, stacktrace-depth 32 are the
 *   kernel's.
 *
 * Per request, a rule is evaluated like should_fail_ex():
 *   1. filters: site, min/max-order, ignore-gfp-*, gfp=, comm=; then, when
 *      times is not yet 0, caller= and module= on the backtrace (captured
 *      only now, and only once per request for all rules);
 *   2. the request is the rule's Nth matching one: after=/until= windows,
 *      or nth= (fails exactly that one);
 *   3. space (debited while it exceeds the request: pages, 1 << order, for
 *      page-like sites, bytes for slab), interval, probability;
 *   4. stack=unique: fails only a call stack not yet in the rule's set;
 *   5. a token of `times` is taken (unless -1) and the request fails.
 * caller=/module= are filters, so interval and nth count the named caller's
 * requests (the kernel checks its address-range filter after probability).
 * Rules are tried in order; the first that fires decides and the rules
 * after it do not see the request.  __GFP_NOFAIL is never failed.
 */
#ifndef GFPSHIM_FAULT_H
#define GFPSHIM_FAULT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/gfp.h"
#include "abi/kver.h"
#include "base/stack.h"

enum fault_site {
	FAULT_SITE_SLAB,        /* kmalloc / kmem_cache_alloc (failslab) */
	FAULT_SITE_PAGE,        /* alloc_pages (fail_page_alloc) */
	FAULT_SITE_VMALLOC,
	FAULT_SITE_MMAP,        /* anonymous user pages */
	FAULT_SITE_DMA,         /* dma_alloc_coherent */
	FAULT_SITE_CMA,         /* cma_alloc */
	NR_FAULT_SITES
};

#define FAULT_MAX_RULES   16
#define FAULT_PATTERN_MAX 128   /* caller=, module=, comm= (with the NUL) */
#define FAULT_PATH_MAX    256   /* stack=unique:FILE */

/* 100% in probability units: probability is kept in millionths of 100%,
 * so "0.5" (percent) is 5000. */
#define FAULT_PROB_ONE 1000000u

/* Knob bits, for fault_rule.set (which knobs the rule names). */
enum fault_knob {
	FK_PROBABILITY, FK_INTERVAL, FK_TIMES, FK_SPACE, FK_MIN_ORDER,
	FK_MAX_ORDER, FK_IGNORE_GFP_WAIT, FK_IGNORE_GFP_HIGHMEM,
	FK_STACKTRACE_DEPTH, FK_VERBOSE, FK_GFP, FK_SITE, FK_CALLER,
	FK_MODULE, FK_COMM, FK_NTH, FK_STACK, FK_AFTER, FK_UNTIL,
	NR_FAULT_KNOBS
};

struct stack_set;
struct match_cache;

struct fault_rule {
	/* configuration: written by the parser, read-only afterwards */
	uint32_t set;                   /* 1 << enum fault_knob given */
	uint32_t probability;           /* of FAULT_PROB_ONE */
	unsigned long interval;
	int times_init;                 /* -1: unlimited */
	long space_init;
	unsigned min_order, max_order;
	bool ignore_gfp_wait, ignore_gfp_highmem;
	unsigned stacktrace_depth;
	unsigned verbose;
	unsigned sites;                 /* 1 << enum fault_site */
	gfp_t gfp_require;              /* all of these present */
	gfp_t gfp_absent;               /* none of these present */
	bool gfp_exact_set;
	gfp_t gfp_exact;                /* the mask equals this, */
	gfp_t gfp_valid;                /* compared on the bits the kernel has */
	char caller[FAULT_PATTERN_MAX]; /* '|'-separated globs */
	char module[FAULT_PATTERN_MAX];
	char comm[FAULT_PATTERN_MAX];
	unsigned long nth;              /* 0: not set */
	unsigned long after, until;     /* until 0: no upper bound */
	bool stack_unique;
	char stack_file[FAULT_PATH_MAX];/* "" : the set lives in memory only */

	/* state (kernel fault_attr: times, space, count) */
	atomic_int times;
	atomic_long space;
	atomic_ulong count;             /* interval counter */
	atomic_ulong nr_match;          /* requests that passed the filters */
	atomic_ulong nr_fail;
	pthread_mutex_t stack_lock;     /* stack=unique only */
	struct stack_set *seen;
	/* caller= and module= answers by frame address (mapped on first use) */
	struct match_cache *_Atomic caller_seen, *_Atomic module_seen;
	struct match_cache *_Atomic raw_seen;   /* stack=unique: stacks by
	                                           their addresses, once recorded */
};

struct fault_ctx {
	kver_t kv;                      /* gfp names in rules follow this kernel */
	unsigned nr_rules;
	struct fault_rule rule[FAULT_MAX_RULES];
};

/* Which rule made a request fail, with what fail_dump() prints. */
struct fault_verdict {
	unsigned rule;                  /* 1-based index in the context */
	unsigned long nr_match;         /* the request's number for that rule */
	int times;                      /* attr->times before this failure */
	long space;                     /* attr->space */
	bool dump;                      /* print FAULT_INJECTION lines: verbose
	                                   > 0 and no __GFP_NOWARN */
	bool dump_stack;                /* verbose > 1 */
	uint64_t stack_hash;            /* stack=unique: the stack recorded */
};

struct fault_request {
	enum fault_site site;
	gfp_t gfp;                      /* canonical */
	unsigned order;
	size_t size;                    /* bytes asked for */
	const char *comm;               /* the caller's comm; NULL: unknown */
	struct stack_trace *stack;      /* captured here when a rule needs it
	                                   (stack_trace_init() it first); NULL:
	                                   the predicate uses its own */
	struct fault_verdict *verdict;  /* filled when the request fails; may
	                                   be NULL */
};

/* An empty context (no rules: nothing fails) for kernel kv. */
void fault_ctx_init(struct fault_ctx *ctx, kver_t kv);

/* Close the rules' stack files and unmap their sets; ctx is then empty. */
void fault_ctx_release(struct fault_ctx *ctx);

/* Parse GFPSHIM_FAIL text and append its rules to ctx (fault_parse.c).
 * Returns 0, or -1 with a message in err naming the rule number, the token
 * and what was expected; ctx is then left as it was. */
int fault_parse(struct fault_ctx *ctx, const char *text, char *err,
		size_t errlen);

/* Print rule i (0-based) back in canonical form, parseable again:
 * "site=slab,min-order=4,probability=100,times=-1".  snprintf semantics. */
size_t fault_rule_format(const struct fault_ctx *ctx, unsigned i, char *buf,
			 size_t len);

/* The kernel's fault_attr name for a site: "failslab" or "fail_page_alloc". */
const char *fault_attr_name(enum fault_site site);
const char *fault_site_name(enum fault_site site);

/* fail_dump()'s two lines for a failure:
 *   "FAULT_INJECTION: forcing a failure.\n"
 *   "name failslab, interval 1, probability 100, space 0, times -1\n"
 * snprintf semantics. */
size_t fault_format_dump(const struct fault_ctx *ctx,
			 const struct fault_request *req,
			 const struct fault_verdict *v, char *buf, size_t len);

static inline bool fault_active(const struct fault_ctx *ctx)
{
	return ctx->nr_rules != 0;
}

/* The predicate.  Thread-safe; takes a lock only for stack=unique rules;
 * unwinds only when a rule with caller=, module= or stack= gets that far.
 * errno is preserved. */
bool should_fail_alloc(struct fault_ctx *ctx, const struct fault_request *req);

/* Whether a request of req's kind (site, gfp, order, comm) can fail now or
 * later: false when every rule's filters turn it away or the rule has used
 * up its `times` (neither changes back).  No counter moves and nothing is
 * unwound, so a caller may remember a false answer for that kind and skip
 * should_fail_alloc() for it: the rules then see exactly the requests they
 * would have counted.  req->size, stack and verdict are not looked at. */
bool fault_may_fail(const struct fault_ctx *ctx, const struct fault_request *req);

/* fork(): call prepare in the parent before fork(), then parent or child
 * after it.  Takes every stack=unique lock (rule order) and the
 * symbolizer's, and gives the child its own random streams (prng.h). */
void fault_fork_prepare(struct fault_ctx *ctx);
void fault_fork_parent(struct fault_ctx *ctx);
void fault_fork_child(struct fault_ctx *ctx);

/* Internal to fault.c and fault_parse.c: bring a parsed rule's state to its
 * initial values. */
void fault_rule_reset(struct fault_rule *r);

#endif
