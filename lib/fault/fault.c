/* The fault predicate: should_fail_alloc() and the rules' state.
 *
 * Counters are atomics, so rules without a stack filter cost a few compares
 * and, when they match, an atomic or two.  The backtrace is captured at most
 * once per request, and only when a rule with caller=, module= or
 * stack=unique gets past its cheaper filters.  stack=unique keeps the set of
 * stacks it has failed in mapped memory and, when the rule names a file, in
 * that file: one line per stack, appended under flock() so concurrent runs
 * share it, and re-read before a new stack is failed.
 */
#include "config.h"

#include "fault/fault.h"
#include "base/prim.h"
#include "base/prng.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>

struct stack_set {
	size_t cap;             /* slots, a power of two */
	size_t nr;
	uint64_t *slot;         /* 0: empty */
	int fd;                 /* the rule's file; -1: memory only */
	pid_t pid;              /* process that opened fd (reopen after fork) */
	size_t consumed;        /* bytes of the file already read */
};

static const char *const site_names[NR_FAULT_SITES] = {
	[FAULT_SITE_SLAB] = "slab",
	[FAULT_SITE_PAGE] = "page",
	[FAULT_SITE_VMALLOC] = "vmalloc",
	[FAULT_SITE_MMAP] = "mmap",
	[FAULT_SITE_DMA] = "dma",
	[FAULT_SITE_CMA] = "cma",
};

const char *fault_site_name(enum fault_site site)
{
	return site < NR_FAULT_SITES ? site_names[site] : "?";
}

const char *fault_attr_name(enum fault_site site)
{
	return site == FAULT_SITE_SLAB ? "failslab" : "fail_page_alloc";
}

void fault_ctx_init(struct fault_ctx *ctx, kver_t kv)
{
	ctx->kv = kv;
	ctx->nr_rules = 0;
}

void fault_rule_reset(struct fault_rule *r)
{
	atomic_init(&r->times, r->times_init);
	atomic_init(&r->space, r->space_init);
	atomic_init(&r->count, 0);
	atomic_init(&r->nr_match, 0);
	atomic_init(&r->nr_fail, 0);
	pthread_mutex_init(&r->stack_lock, NULL);
	r->seen = NULL;
	atomic_init(&r->caller_seen, NULL);
	atomic_init(&r->module_seen, NULL);
	atomic_init(&r->raw_seen, NULL);
}

/* A rule's answer for one frame address: whether its function (caller=)
 * or its object (module=) matches.  A frame keeps its symbol while its
 * object stays loaded, so the answer is kept: each slot holds
 * ip << 1 | answer (0: empty); a collision replaces the older address. */
#define MATCH_CACHE_SHIFT 10
#define MATCH_CACHE_SLOTS (1u << MATCH_CACHE_SHIFT)

struct match_cache {
	_Atomic uint64_t slot[MATCH_CACHE_SLOTS];
};

static void match_cache_release(struct match_cache *_Atomic *mc)
{
	struct match_cache *c = atomic_exchange(mc, NULL);
	if (c)
		prim_unmap(c, sizeof(*c));
}

void fault_ctx_release(struct fault_ctx *ctx)
{
	for (unsigned i = 0; i < ctx->nr_rules; i++) {
		match_cache_release(&ctx->rule[i].caller_seen);
		match_cache_release(&ctx->rule[i].module_seen);
		match_cache_release(&ctx->rule[i].raw_seen);
		struct stack_set *s = ctx->rule[i].seen;
		if (!s)
			continue;
		if (s->fd >= 0)
			prim_close(s->fd);
		if (s->slot)
			prim_unmap(s->slot, s->cap * sizeof(uint64_t));
		prim_unmap(s, sizeof(*s));
		ctx->rule[i].seen = NULL;
	}
	ctx->nr_rules = 0;
}

/* ---- globs -------------------------------------------------------------- */

/* One glob: '*', '?', "[a-z]" and "[!a-z]"; the pattern ends at pend. */
static bool glob1(const char *p, const char *pend, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;

	for (;;) {
		if (p < pend && *p == '*') {
			star_p = ++p;
			star_s = s;
			continue;
		}
		if (!*s) {
			if (p == pend)
				return true;
			goto backtrack;
		}
		if (p < pend && *p == '?') {
			p++;
			s++;
			continue;
		}
		if (p < pend && *p == '[') {
			const char *q = p + 1;
			bool neg = q < pend && *q == '!', hit = false;
			if (neg)
				q++;
			for (bool first = true; q < pend && (first || *q != ']');
			     first = false) {
				if (q + 2 < pend && q[1] == '-' && q[2] != ']') {
					hit |= (unsigned char)*s >= (unsigned char)q[0] &&
					       (unsigned char)*s <= (unsigned char)q[2];
					q += 3;
				} else {
					hit |= *s == *q++;
				}
			}
			if (q < pend && hit != neg) {
				p = q + 1;
				s++;
				continue;
			}
			goto backtrack;
		}
		if (p < pend && *p == *s) {
			p++;
			s++;
			continue;
		}
backtrack:
		if (!star_p || !*star_s)
			return false;
		p = star_p;
		s = ++star_s;
	}
}

/* Patterns separated by '|': any one matching is a match. */
static bool glob_match(const char *patterns, const char *s)
{
	const char *p = patterns;
	for (;;) {
		const char *bar = strchr(p, '|');
		const char *end = bar ? bar : p + strlen(p);
		if (glob1(p, end, s))
			return true;
		if (!bar)
			return false;
		p = bar + 1;
	}
}

/* ---- stack=unique ------------------------------------------------------- */

static bool set_has(const struct stack_set *s, uint64_t h)
{
	for (size_t i = h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->slot[i] == h)
			return true;
		if (!s->slot[i])
			return false;
	}
}

static bool set_add(struct stack_set *s, uint64_t h)
{
	if (set_has(s, h))
		return true;
	if (2 * (s->nr + 1) > s->cap) {
		size_t cap = s->cap * 2;
		uint64_t *slot = prim_map(cap * sizeof(uint64_t));
		if (!slot)
			return false;
		for (size_t i = 0; i < s->cap; i++) {
			uint64_t v = s->slot[i];
			if (!v)
				continue;
			size_t j = v & (cap - 1);
			while (slot[j])
				j = (j + 1) & (cap - 1);
			slot[j] = v;
		}
		prim_unmap(s->slot, s->cap * sizeof(uint64_t));
		s->slot = slot;
		s->cap = cap;
	}
	size_t i = h & (s->cap - 1);
	while (s->slot[i])
		i = (i + 1) & (s->cap - 1);
	s->slot[i] = h;
	s->nr++;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Lines start with 16 hex digits; the rest of a line is for people. */
static void set_add_line(struct stack_set *s, const char *line, size_t len)
{
	uint64_t h = 0;
	if (len < 16)
		return;
	for (int i = 0; i < 16; i++) {
		int v = hexval(line[i]);
		if (v < 0)
			return;
		h = h << 4 | (uint64_t)v;
	}
	if (h)
		set_add(s, h);
}

/* Read what other runs appended since we last looked (file locked). */
static void stack_file_sync(struct stack_set *s)
{
	char buf[4096];
	size_t have = 0;

	for (;;) {
		long n = prim_pread(s->fd, buf + have, sizeof(buf) - have,
				    (off_t)(s->consumed + have));
		if (n <= 0)
			break;
		have += (size_t)n;
		size_t start = 0;
		for (size_t i = 0; i < have; i++)
			if (buf[i] == '\n') {
				set_add_line(s, buf + start, i - start);
				start = i + 1;
			}
		if (start == 0 && have == sizeof(buf))
			start = have;   /* an overlong line: skip it */
		s->consumed += start;
		memmove(buf, buf + start, have - start);
		have -= start;
	}
}

static void stack_file_open(struct stack_set *s, const char *path)
{
	pid_t pid = prim_getpid();

	if (s->fd >= 0 && s->pid == pid)
		return;
	/* a forked child shares the parent's open file, and with it the
	 * flock(): it needs its own */
	if (s->fd >= 0)
		prim_close(s->fd);
	s->fd = prim_open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	s->pid = pid;
}

static struct stack_set *stack_set_get(struct fault_rule *r)
{
	if (r->seen)
		return r->seen;
	struct stack_set *s = prim_map(sizeof(*s));
	if (!s)
		return NULL;
	s->cap = 64;
	s->slot = prim_map(s->cap * sizeof(uint64_t));
	if (!s->slot) {
		prim_unmap(s, sizeof(*s));
		return NULL;
	}
	s->fd = -1;
	r->seen = s;
	return s;
}

static void stack_file_append(struct stack_set *s, uint64_t h,
			      const struct stack_trace *st)
{
	char line[320];
	struct frame_info fi;
	int n = snprintf(line, sizeof(line), "%016llx ", (unsigned long long)h);

	if (st->nr && stack_symbolize(st->ip[0], true, &fi))
		stack_format_frame(&fi, line + n, sizeof(line) - (size_t)n - 1);
	else
		line[n] = '\0';
	size_t len = strlen(line);
	line[len++] = '\n';
	prim_write_all(s->fd, line, len);
}

static struct match_cache *match_cache_get(struct match_cache *_Atomic *mc);

/* A stack's key in this process: its frame addresses, which stay put
 * while the objects stay loaded.  Never 0. */
static uint64_t raw_stack_key(const struct stack_trace *st, unsigned depth)
{
	unsigned n = st->nr < depth ? st->nr : depth;
	uint64_t h = n;
	for (unsigned i = 0; i < n; i++) {
		h = (h ^ st->ip[i]) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	return h ? h : 1;
}

/* stack=unique looks a stack up by its addresses first, and hashes its
 * frames by object and offset (stack_hash(), which must find each frame's
 * object) only for a stack this process has not recorded yet.  The keys
 * live in a match_cache used as a set: RAW_PROBE slots from the key's
 * own; when those are taken the key is not kept (the slow way answers). */
#define RAW_PROBE 8

static bool raw_seen(struct fault_rule *r, uint64_t key)
{
	struct match_cache *c = atomic_load_explicit(&r->raw_seen,
						     memory_order_acquire);
	if (!c)
		return false;
	for (unsigned i = 0; i < RAW_PROBE; i++) {
		uint64_t e = atomic_load_explicit(
			&c->slot[(key + i) & (MATCH_CACHE_SLOTS - 1)],
			memory_order_relaxed);
		if (e == key)
			return true;
		if (!e)
			return false;
	}
	return false;
}

static void raw_add(struct fault_rule *r, uint64_t key)
{
	struct match_cache *c = match_cache_get(&r->raw_seen);
	if (!c)
		return;
	for (unsigned i = 0; i < RAW_PROBE; i++) {
		uint64_t e = 0;
		_Atomic uint64_t *slot = &c->slot[(key + i) & (MATCH_CACHE_SLOTS - 1)];
		if (atomic_compare_exchange_strong(slot, &e, key) || e == key)
			return;
	}
}

/* This thread is inside stack_record(): a signal handler's request on the
 * same thread must not wait for the lock it holds. */
static __thread bool tls_recording __attribute__((tls_model("initial-exec")));

/* True when h is a stack this rule has not failed before, in this run or
 * (with a file) in any run sharing the file; it is then recorded, and its
 * address key `raw` with it. */
static bool stack_record(struct fault_rule *r, uint64_t h, uint64_t raw,
			 const struct stack_trace *st)
{
	bool fresh = false;

	if (tls_recording)
		return false;
	pthread_mutex_lock(&r->stack_lock);
	tls_recording = true;
	struct stack_set *s = stack_set_get(r);
	if (!s)
		goto out;
	if (set_has(s, h)) {
		raw_add(r, raw);
		goto out;
	}
	if (r->stack_file[0]) {
		stack_file_open(s, r->stack_file);
		if (s->fd >= 0 && prim_flock(s->fd, LOCK_EX) == 0) {
			stack_file_sync(s);
			if (!set_has(s, h))
				stack_file_append(s, h, st);
			prim_flock(s->fd, LOCK_UN);
		}
		if (set_has(s, h))
			goto out;
	}
	fresh = set_add(s, h);
	if (fresh)
		raw_add(r, raw);
out:
	tls_recording = false;
	pthread_mutex_unlock(&r->stack_lock);
	return fresh;
}

void fault_fork_prepare(struct fault_ctx *ctx)
{
	prng_fork_prepare();
	for (unsigned i = 0; i < ctx->nr_rules; i++)
		if (ctx->rule[i].stack_unique)
			pthread_mutex_lock(&ctx->rule[i].stack_lock);
	stack_fork_prepare();
}

void fault_fork_parent(struct fault_ctx *ctx)
{
	stack_fork_parent();
	for (unsigned i = ctx->nr_rules; i-- > 0;)
		if (ctx->rule[i].stack_unique)
			pthread_mutex_unlock(&ctx->rule[i].stack_lock);
}

void fault_fork_child(struct fault_ctx *ctx)
{
	stack_fork_child();
	for (unsigned i = ctx->nr_rules; i-- > 0;)
		if (ctx->rule[i].stack_unique)
			pthread_mutex_unlock(&ctx->rule[i].stack_lock);
	prng_fork_child();
}

/* ---- the predicate ------------------------------------------------------ */

/* A function's own name also matches without the suffix the compiler
 * gives its clones and split parts ("glSetHifInfo.constprop.0",
 * "foo.part.0", "bar.cold"), as the kernel's stack traces show them. */
static bool caller_match(const char *patterns, const char *func)
{
	char base[FAULT_PATTERN_MAX];
	const char *dot = strchr(func, '.');
	size_t n = dot ? (size_t)(dot - func) : 0;

	if (glob_match(patterns, func))
		return true;
	if (!n || n >= sizeof(base))
		return false;
	memcpy(base, func, n);
	base[n] = '\0';
	return glob_match(patterns, base);
}

static bool module_match(const char *patterns, uintptr_t ip)
{
	const char *obj;
	uintptr_t off;
	return stack_object_of(ip, &obj, &off, NULL) && glob_match(patterns, obj);
}

static bool symbol_match(const char *patterns, uintptr_t ip)
{
	struct frame_info fi;
	return stack_symbolize(ip, true, &fi) && fi.func &&
	       caller_match(patterns, fi.func);
}

static struct match_cache *match_cache_get(struct match_cache *_Atomic *mc)
{
	struct match_cache *c = atomic_load_explicit(mc, memory_order_acquire);
	if (c)
		return c;
	struct match_cache *fresh = prim_map(sizeof(*fresh));
	if (!fresh)
		return NULL;
	if (atomic_compare_exchange_strong(mc, &c, fresh))
		return fresh;
	prim_unmap(fresh, sizeof(*fresh));     /* another thread's won */
	return c;
}

static bool frame_matches(struct match_cache *_Atomic *mc, const char *patterns,
			  bool (*match)(const char *, uintptr_t), uintptr_t ip)
{
	struct match_cache *c = match_cache_get(mc);
	if (!c)
		return match(patterns, ip);
	_Atomic uint64_t *slot = &c->slot[(ip * 0x9e3779b97f4a7c15ull) >>
					 (64 - MATCH_CACHE_SHIFT)];
	uint64_t e = atomic_load_explicit(slot, memory_order_relaxed);
	if (e >> 1 == ip)
		return e & 1;
	bool hit = match(patterns, ip);
	atomic_store_explicit(slot, (uint64_t)ip << 1 | hit, memory_order_relaxed);
	return hit;
}

static bool frames_match(struct fault_rule *r, const struct stack_trace *st)
{
	unsigned depth = st->nr < r->stacktrace_depth ? st->nr :
			 r->stacktrace_depth;
	bool caller_ok = !r->caller[0], module_ok = !r->module[0];

	for (unsigned i = 0; i < depth && !(caller_ok && module_ok); i++) {
		if (!module_ok)
			module_ok = frame_matches(&r->module_seen, r->module,
						  module_match, st->ip[i]);
		if (!caller_ok)
			caller_ok = frame_matches(&r->caller_seen, r->caller,
						  symbol_match, st->ip[i]);
	}
	return caller_ok && module_ok;
}

/* The space a request uses up: pages for page-like sites (1 << order, as
 * fail_page_alloc), bytes for slab (the object size, as failslab). */
static long request_space(const struct fault_request *req)
{
	if (req->site == FAULT_SITE_SLAB)
		return req->size > (size_t)LONG_MAX ? LONG_MAX : (long)req->size;
	return req->order >= 62 ? LONG_MAX : 1L << req->order;
}

static bool take_times(struct fault_rule *r, int *before)
{
	int t = atomic_load_explicit(&r->times, memory_order_relaxed);
	do {
		*before = t;
		if (t == 0)
			return false;
		if (t < 0)
			return true;
	} while (!atomic_compare_exchange_weak(&r->times, &t, t - 1));
	return true;
}

/* The filters that look only at the kind of request: site, order, gfp,
 * comm. */
static bool rule_admits(const struct fault_rule *r,
			const struct fault_request *req)
{
	gfp_t gfp = req->gfp;

	if (r->sites && !(r->sites & (1u << req->site)))
		return false;
	if (req->order < r->min_order || req->order > r->max_order)
		return false;
	/* should_fail_alloc_page(), should_failslab() */
	if (r->ignore_gfp_highmem && (gfp & __GFP_HIGHMEM))
		return false;
	if (r->ignore_gfp_wait && (gfp & __GFP_DIRECT_RECLAIM))
		return false;
	if ((gfp & r->gfp_require) != r->gfp_require || (gfp & r->gfp_absent))
		return false;
	if (r->gfp_exact_set && (gfp & r->gfp_valid) != r->gfp_exact)
		return false;
	return !r->comm[0] || (req->comm && glob_match(r->comm, req->comm));
}

static bool rule_exhausted(const struct fault_rule *r)
{
	return atomic_load_explicit(&r->times, memory_order_relaxed) == 0;
}

static bool rule_fires(struct fault_rule *r, const struct fault_request *req,
		       struct stack_trace *st, uintptr_t from,
		       struct fault_verdict *v)
{
	gfp_t gfp = req->gfp;

	/* should_fail_ex(): an exhausted rule costs no unwinding */
	if (!rule_admits(r, req) || rule_exhausted(r))
		return false;
	if (r->caller[0] || r->module[0]) {
		if (!st->captured)
			stack_capture(st, from);
		if (!frames_match(r, st))
			return false;
	}

	unsigned long n = 0;
	if (r->nth || r->after || r->until) {
		n = atomic_fetch_add(&r->nr_match, 1) + 1;
		if (r->nth && n != r->nth)
			return false;
		if (n <= r->after)
			return false;
		if (r->until && n > r->until) {
			atomic_store(&r->times, 0);     /* the window has closed */
			return false;
		}
	}

	if (!r->nth) {
		/* should_fail_ex(): space, interval, probability */
		if (r->probability == 0)
			return false;
		long size = request_space(req);
		long space = atomic_load_explicit(&r->space, memory_order_relaxed);
		while (space > size)
			if (atomic_compare_exchange_weak(&r->space, &space,
							 space - size))
				return false;
		if (r->interval > 1 &&
		    (atomic_fetch_add(&r->count, 1) + 1) % r->interval)
			return false;
		if (r->probability < FAULT_PROB_ONE &&
		    prng_below(FAULT_PROB_ONE) >= r->probability)
			return false;
	}

	int times_before;
	if (!take_times(r, &times_before))
		return false;
	uint64_t hash = 0;
	if (r->stack_unique) {
		if (!st->captured)
			stack_capture(st, from);
		uint64_t raw = raw_stack_key(st, r->stacktrace_depth);
		if (!st->nr || raw_seen(r, raw) ||
		    !stack_record(r, hash = stack_hash(st, r->stacktrace_depth),
				  raw, st)) {
			if (times_before > 0)   /* give the token back */
				atomic_fetch_add(&r->times, 1);
			return false;
		}
	}

	atomic_fetch_add_explicit(&r->nr_fail, 1, memory_order_relaxed);
	if (v) {
		v->nr_match = n;
		v->times = times_before;
		v->space = atomic_load_explicit(&r->space, memory_order_relaxed);
		v->dump = r->verbose > 0 && !(gfp & __GFP_NOWARN);
		v->dump_stack = v->dump && r->verbose > 1;
		v->stack_hash = hash;
	}
	return true;
}

__attribute__((noinline))
bool should_fail_alloc(struct fault_ctx *ctx, const struct fault_request *req)
{
	if (!ctx->nr_rules || (req->gfp & __GFP_NOFAIL))
		return false;

	uintptr_t from = (uintptr_t)__builtin_return_address(0);
	struct stack_trace local, *st = req->stack;
	int saved = errno;
	bool fail = false;

	if (!st) {
		stack_trace_init(&local);
		st = &local;
	}
	for (unsigned i = 0; i < ctx->nr_rules; i++) {
		if (rule_fires(&ctx->rule[i], req, st, from, req->verdict)) {
			if (req->verdict)
				req->verdict->rule = i + 1;
			fail = true;
			break;
		}
	}
	errno = saved;
	return fail;
}

bool fault_may_fail(const struct fault_ctx *ctx, const struct fault_request *req)
{
	if (req->gfp & __GFP_NOFAIL)
		return false;
	for (unsigned i = 0; i < ctx->nr_rules; i++) {
		const struct fault_rule *r = &ctx->rule[i];
		/* stack=unique gives back the token of a stack seen before */
		if (rule_admits(r, req) && (!rule_exhausted(r) || r->stack_unique))
			return true;
	}
	return false;
}

size_t fault_format_dump(const struct fault_ctx *ctx,
			 const struct fault_request *req,
			 const struct fault_verdict *v, char *buf, size_t len)
{
	const struct fault_rule *r = &ctx->rule[v->rule - 1];
	char prob[24];
	unsigned whole = r->probability / (FAULT_PROB_ONE / 100);
	unsigned frac = r->probability % (FAULT_PROB_ONE / 100);
	int n;

	/* the kernel's probability is a whole percent; a finer one prints
	 * its fraction rather than a misleading 0 */
	if (frac) {
		n = snprintf(prob, sizeof(prob), "%u.%04u", whole, frac);
		while (n > 0 && prob[n - 1] == '0')
			prob[--n] = '\0';
	} else {
		snprintf(prob, sizeof(prob), "%u", whole);
	}
	/* fail_dump() */
	n = snprintf(buf, len, "FAULT_INJECTION: forcing a failure.\n"
		     "name %s, interval %lu, probability %s, space %ld, times %d\n",
		     fault_attr_name(req->site), r->interval, prob, v->space,
		     v->times);
	return n < 0 ? 0 : (size_t)n;
}
