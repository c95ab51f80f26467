/* GFPSHIM_FAIL: the fault rule language.
 *
 *   rules    := rule { ';' rule }
 *   rule     := knob { ',' knob }
 *   knob     := key '=' value
 *             | ('+' | '-') MASK        more of the gfp= just before it
 *
 *   min-order=4,probability=100           every request of order >= 4
 *   nth=3                                 exactly the third request
 *   caller=glSetHifInfo,times=1           once, from under glSetHifInfo()
 *   site=slab,probability=5,interval=10   5% of every 10th slab request
 *   stack=unique:/tmp/run.stacks          each call stack once, across runs
 *   gfp=+__GFP_HIGH,-__GFP_DIRECT_RECLAIM,min-order=3
 *   site=page|vmalloc,comm=kworker*,probability=0.5%
 *
 * Keys (see fault.h for the defaults and the order of evaluation):
 *   probability=P       percent, 0-100, up to 4 decimals, optional '%'
 *   interval=N          fail only every Nth request that gets that far
 *   times=N             at most N failures; -1: no limit
 *   space=N[K|M|G]      let N pages (page sites) / bytes (slab) through first
 *   min-order=N, max-order=N
 *   ignore-gfp-wait=Y|N, ignore-gfp-highmem=Y|N
 *   stacktrace-depth=N  frames looked at by caller=, module=, stack=
 *   verbose=0|1|2       FAULT_INJECTION line; 2: and a stack dump
 *   gfp=MASK | +MASK | -MASK   mask equal to / flags all present / absent;
 *                       MASK as the kernel names it ("GFP_ATOMIC|__GFP_COMP")
 *   site=S|S...         slab, page, vmalloc, mmap, dma, cma
 *   caller=GLOB|GLOB    a function in the backtrace
 *   module=GLOB|GLOB    an object in the backtrace ("libfoo.so*")
 *   comm=GLOB|GLOB      the task's comm
 *   nth=N (fail-nth=N)  exactly the Nth matching request
 *   after=N, until=M    only matching requests N+1 .. M
 *   stack=unique[:FILE] each distinct call stack once; FILE keeps the set
 * Globs take '*', '?' and [a-z]; values may not contain ',' or ';'.
 */
#include "config.h"

#include "fault/fault.h"
#include "base/prim.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define ORDER_LIMIT        63   /* max-order's default and upper bound */
#define DEFAULT_DEPTH      32   /* MAX_STACK_TRACE_DEPTH, lib/fault-inject.c */
#define DEFAULT_VERBOSE    2    /* FAULT_ATTR_INITIALIZER */
#define VALUE_MAX          (FAULT_PATH_MAX + 16)

/* How a knob's value is read (parse_value()). */
enum knob_kind {
	KNOB_PROBABILITY,       /* uint32_t, of FAULT_PROB_ONE */
	KNOB_ULONG,             /* unsigned long in [lo, hi] */
	KNOB_UINT,              /* unsigned in [lo, hi] */
	KNOB_TIMES,             /* int: -1, or [lo, hi] */
	KNOB_SPACE,             /* long: pages or bytes, K/M/G */
	KNOB_BOOL,              /* bool: Y/N, 1/0, on/off */
	KNOB_GFP,               /* a mask, then +/- items */
	KNOB_SITES,             /* unsigned: 1 << enum fault_site */
	KNOB_PATTERN,           /* char[FAULT_PATTERN_MAX]: globs */
	KNOB_STACK,             /* unique[:FILE] */
};

/* One row per knob: the key, how its value is read and checked, where it
 * is stored, and what the message says was expected.  `expected` is a
 * format that may print `hi`; a pattern's is the `what` and the example. */
struct knob {
	const char *name;
	enum knob_kind kind;
	unsigned long lo, hi;
	size_t field;                   /* offsetof(struct fault_rule, …) */
	const char *expected;
	const char *example;            /* KNOB_PATTERN */
};

#define F(member) offsetof(struct fault_rule, member)

static const struct knob knobs[NR_FAULT_KNOBS] = {
	[FK_PROBABILITY] = { "probability", KNOB_PROBABILITY, 0, 0,
		F(probability), "expected a percentage from 0 to 100 with at "
		"most 4 decimals (e.g. 5, 0.5 or 0.5%%)" },
	[FK_INTERVAL] = { "interval", KNOB_ULONG, 1, ULONG_MAX, F(interval),
		"expected a whole number >= 1" },
	[FK_TIMES] = { "times", KNOB_TIMES, 0, INT_MAX, F(times_init),
		"expected -1 (no limit) or a count from 0 to %lu" },
	[FK_SPACE] = { "space", KNOB_SPACE, 0, 0, F(space_init),
		"expected a count of pages (page sites) or bytes (slab), "
		"optionally with K, M or G" },
	[FK_MIN_ORDER] = { "min-order", KNOB_UINT, 0, ORDER_LIMIT,
		F(min_order), "expected an order from 0 to %lu" },
	[FK_MAX_ORDER] = { "max-order", KNOB_UINT, 0, ORDER_LIMIT,
		F(max_order), "expected an order from 0 to %lu" },
	[FK_IGNORE_GFP_WAIT] = { "ignore-gfp-wait", KNOB_BOOL, 0, 0,
		F(ignore_gfp_wait), "expected Y or N (or 1/0, on/off)" },
	[FK_IGNORE_GFP_HIGHMEM] = { "ignore-gfp-highmem", KNOB_BOOL, 0, 0,
		F(ignore_gfp_highmem), "expected Y or N (or 1/0, on/off)" },
	[FK_STACKTRACE_DEPTH] = { "stacktrace-depth", KNOB_UINT, 1,
		STACK_MAX_DEPTH, F(stacktrace_depth),
		"expected a depth from 1 to %lu" },
	[FK_VERBOSE] = { "verbose", KNOB_UINT, 0, 2, F(verbose),
		"expected 0, 1 or 2" },
	[FK_GFP] = { "gfp", KNOB_GFP, 0, 0, 0, NULL },
	[FK_SITE] = { "site", KNOB_SITES, 0, 0, F(sites), "expected sites "
		"from slab, page, vmalloc, mmap, dma, cma separated by '|'" },
	[FK_CALLER] = { "caller", KNOB_PATTERN, 0, 0, F(caller), "function",
		"glSetHifInfo|mydrv_*" },
	[FK_MODULE] = { "module", KNOB_PATTERN, 0, 0, F(module), "object",
		"libfoo.so*" },
	[FK_COMM] = { "comm", KNOB_PATTERN, 0, 0, F(comm), "comm",
		"kworker*" },
	[FK_NTH] = { "nth", KNOB_ULONG, 1, ULONG_MAX, F(nth),
		"expected a request number >= 1" },
	[FK_STACK] = { "stack", KNOB_STACK, 0, 0, 0, NULL },
	[FK_AFTER] = { "after", KNOB_ULONG, 0, ULONG_MAX, F(after),
		"expected a count of requests >= 0" },
	[FK_UNTIL] = { "until", KNOB_ULONG, 1, ULONG_MAX, F(until),
		"expected a request number >= 1" },
};

#undef F

struct span {
	const char *p;
	size_t n;
};

struct parser {
	kver_t kv;
	unsigned rule_no;
	char *err;
	size_t errlen;
	struct span tok[NR_FAULT_KNOBS];        /* the token that set each knob */
	bool in_gfp;                            /* +/- items continue gfp= */
};

static int perr(struct parser *ps, struct span tok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct parser *ps, struct span tok, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ps->errlen)
		return -1;
	if (tok.p)
		n = snprintf(ps->err, ps->errlen, "GFPSHIM_FAIL rule %u: '%.*s': ",
			     ps->rule_no, (int)tok.n, tok.p);
	else
		n = snprintf(ps->err, ps->errlen, "GFPSHIM_FAIL rule %u: ",
			     ps->rule_no);
	if (n >= 0 && (size_t)n < ps->errlen) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static struct span trim(const char *p, size_t n)
{
	while (n && isspace((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	return (struct span){ p, n };
}

/* ---- values ------------------------------------------------------------- */

static bool parse_ulong(const char *s, unsigned long *out)
{
	unsigned long v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		unsigned d = (unsigned)(*s - '0');
		if (v > (ULONG_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool parse_bounded(const char *s, unsigned long lo, unsigned long hi,
			  unsigned long *out)
{
	return parse_ulong(s, out) && *out >= lo && *out <= hi;
}

/* "5", "0.5", "0.5%", "100%" → millionths of 100%. */
static bool parse_probability(const char *s, uint32_t *out)
{
	unsigned long whole = 0, frac = 0;
	unsigned digits = 0, fdigits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if (whole <= 100)
			whole = whole * 10 + (unsigned long)(*s - '0');
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, fdigits++) {
			if (fdigits == 4)
				return false;   /* finer than 1 in a million */
			frac = frac * 10 + (unsigned long)(*s - '0');
		}
		if (!fdigits)
			return false;
	}
	if (*s == '%')
		s++;
	if (*s || !digits)
		return false;
	for (; fdigits < 4; fdigits++)
		frac *= 10;
	if (whole > 100 || (whole == 100 && frac))
		return false;
	*out = (uint32_t)(whole * (FAULT_PROB_ONE / 100) + frac);
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	/* kstrtobool()'s spellings */
	if (!strcmp(s, "Y") || !strcmp(s, "y") || !strcmp(s, "1") ||
	    !strcasecmp(s, "on")) {
		*out = true;
		return true;
	}
	if (!strcmp(s, "N") || !strcmp(s, "n") || !strcmp(s, "0") ||
	    !strcasecmp(s, "off")) {
		*out = false;
		return true;
	}
	return false;
}

static bool parse_space(const char *s, long *out)
{
	char num[32];
	size_t n = strlen(s);
	unsigned shift = 0;
	unsigned long v;

	if (n && strchr("KkMmGg", s[n - 1])) {
		char c = (char)toupper((unsigned char)s[n - 1]);
		shift = c == 'K' ? 10 : c == 'M' ? 20 : 30;
		n--;
	}
	if (!n || n >= sizeof(num))
		return false;
	memcpy(num, s, n);
	num[n] = '\0';
	if (!parse_ulong(num, &v) || v > (unsigned long)LONG_MAX >> shift)
		return false;
	*out = (long)(v << shift);
	return true;
}

/* A '|'-separated list of globs with no empty member. */
static bool pattern_ok(const char *s)
{
	if (!*s || *s == '|' || s[strlen(s) - 1] == '|')
		return false;
	return !strstr(s, "||");
}

static bool parse_sites(const char *s, unsigned *out)
{
	unsigned sites = 0;
	while (*s) {
		const char *bar = strchr(s, '|');
		size_t n = bar ? (size_t)(bar - s) : strlen(s);
		int i;
		for (i = 0; i < NR_FAULT_SITES; i++)
			if (strlen(fault_site_name(i)) == n &&
			    !strncmp(fault_site_name(i), s, n))
				break;
		if (i == NR_FAULT_SITES)
			return false;
		sites |= 1u << i;
		if (!bar)
			break;
		s = bar + 1;
		if (!*s)
			return false;
	}
	*out = sites;
	return sites != 0;
}

/* Canonical bits that kernel kv has (so exact masks compare only those). */
static gfp_t gfp_valid_bits(kver_t kv)
{
	gfp_t valid = 0;
	for (unsigned b = 0; b < 32; b++) {
		uint32_t unknown;
		gfp_t bit = (gfp_t)1 << b;
		if (gfp_from_kernel(gfp_to_kernel(bit, kv), kv, &unknown) & bit)
			valid |= bit;
	}
	return valid;
}

/* One gfp item: "+MASK", "-MASK" or "MASK" (the whole mask). */
static int parse_gfp_item(struct parser *ps, struct fault_rule *r,
			  struct span tok, const char *item)
{
	char msg[160];
	char ver[32];
	uint32_t kmask, unknown;
	char sign = (*item == '+' || *item == '-') ? *item++ : 0;

	if (!*item)
		return perr(ps, tok, "missing gfp flags after '%c' (expected "
			    "e.g. +__GFP_HIGH or -__GFP_DIRECT_RECLAIM)", sign);
	if (gfp_parse(item, ps->kv, &kmask, msg, sizeof(msg)) < 0)
		return perr(ps, tok, "%s", msg);
	gfp_t mask = gfp_from_kernel(kmask, ps->kv, &unknown);
	if (unknown)
		return perr(ps, tok, "bits %#x are not gfp flags of kernel %s",
			    unknown, kver_format(ps->kv, ver, sizeof(ver)));
	if (sign == '+') {
		if (mask & r->gfp_absent)
			return perr(ps, tok, "flags both required and absent");
		r->gfp_require |= mask;
	} else if (sign == '-') {
		if (mask & r->gfp_require)
			return perr(ps, tok, "flags both required and absent");
		r->gfp_absent |= mask;
	} else {
		if (r->gfp_exact_set)
			return perr(ps, tok, "a second whole mask (expected "
				    "+FLAGS or -FLAGS after the first)");
		r->gfp_exact_set = true;
		r->gfp_exact = mask;
		r->gfp_valid = gfp_valid_bits(ps->kv);
	}
	return 0;
}

/* ---- keys --------------------------------------------------------------- */

static unsigned edit_distance(const char *a, size_t na, const char *b)
{
	unsigned row[48];
	size_t nb = strlen(b);

	if (na >= 48 || nb >= 48)
		return UINT_MAX;
	for (size_t j = 0; j <= nb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= na; i++) {
		unsigned diag = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= nb; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[nb];
}

/* The knob a mistyped key was probably meant to be, or NULL. */
static const char *suggest(const char *key, size_t n)
{
	char norm[48];
	const char *best = NULL;
	unsigned best_d = UINT_MAX;

	if (n >= sizeof(norm))
		return NULL;
	for (size_t i = 0; i < n; i++)
		norm[i] = key[i] == '_' ? '-' : (char)tolower((unsigned char)key[i]);
	norm[n] = '\0';
	for (int k = 0; k < NR_FAULT_KNOBS; k++) {
		unsigned d = edit_distance(norm, n, knobs[k].name);
		if (d < best_d) {
			best_d = d;
			best = knobs[k].name;
		}
	}
	return best_d <= (n >= 8 ? 3u : 2u) ? best : NULL;
}

static int knob_index(struct span key)
{
	for (int k = 0; k < NR_FAULT_KNOBS; k++)
		if (strlen(knobs[k].name) == key.n &&
		    !memcmp(knobs[k].name, key.p, key.n))
			return k;
	if (key.n == 8 && !memcmp(key.p, "fail-nth", 8))
		return FK_NTH;
	return -1;
}

static int copy_pattern(struct parser *ps, struct span tok, char *dst,
			const char *val, const char *what, const char *example)
{
	if (strlen(val) >= FAULT_PATTERN_MAX)
		return perr(ps, tok, "pattern longer than %d characters",
			    FAULT_PATTERN_MAX - 1);
	if (!pattern_ok(val))
		return perr(ps, tok, "expected %s globs separated by '|' "
			    "(e.g. %s)", what, example);
	strcpy(dst, val);
	return 0;
}

/* stack=unique[:FILE] */
static int parse_stack(struct parser *ps, struct fault_rule *r,
		       struct span tok, const char *val)
{
	if (strncmp(val, "unique", 6) || (val[6] && val[6] != ':'))
		return perr(ps, tok, "expected unique or unique:FILE");
	if (val[6] == ':' && !val[7])
		return perr(ps, tok, "missing file name after "
			    "'unique:' (expected e.g. unique:/tmp/run.stacks)");
	if (val[6] == ':' && strlen(val + 7) >= FAULT_PATH_MAX)
		return perr(ps, tok, "file name longer than %d characters",
			    FAULT_PATH_MAX - 1);
	r->stack_unique = true;
	strcpy(r->stack_file, val[6] ? val + 7 : "");
	return 0;
}

/* The value of knob k into its field of r. */
static int parse_value(struct parser *ps, struct fault_rule *r, int k,
		       struct span tok, const char *val)
{
	const struct knob *kn = &knobs[k];
	void *field = (char *)r + kn->field;
	unsigned long ul;

	switch (kn->kind) {
	case KNOB_PROBABILITY:
		if (!parse_probability(val, field))
			break;
		return 0;
	case KNOB_ULONG:
		if (!parse_bounded(val, kn->lo, kn->hi, field))
			break;
		return 0;
	case KNOB_UINT:
		if (!parse_bounded(val, kn->lo, kn->hi, &ul))
			break;
		*(unsigned *)field = (unsigned)ul;
		return 0;
	case KNOB_TIMES:
		if (!strcmp(val, "-1"))
			*(int *)field = -1;
		else if (parse_bounded(val, kn->lo, kn->hi, &ul))
			*(int *)field = (int)ul;
		else
			break;
		return 0;
	case KNOB_SPACE:
		if (!parse_space(val, field))
			break;
		return 0;
	case KNOB_BOOL:
		if (!parse_bool(val, field))
			break;
		return 0;
	case KNOB_SITES:
		if (!parse_sites(val, field))
			break;
		return 0;
	case KNOB_GFP:
		if (parse_gfp_item(ps, r, tok, val) < 0)
			return -1;
		ps->in_gfp = true;
		return 0;
	case KNOB_PATTERN:
		return copy_pattern(ps, tok, field, val, kn->expected,
				    kn->example);
	case KNOB_STACK:
		return parse_stack(ps, r, tok, val);
	}
	return perr(ps, tok, kn->expected, kn->hi);
}

static int parse_knob(struct parser *ps, struct fault_rule *r, struct span tok)
{
	const char *eq = memchr(tok.p, '=', tok.n);
	char val[VALUE_MAX];

	if (!eq || eq == tok.p) {
		const char *s = suggest(tok.p, tok.n);
		if (!eq && s)
			return perr(ps, tok, "expected key=value (did you mean "
				    "'%s=...'?)", s);
		return perr(ps, tok, "expected key=value (e.g. min-order=4)");
	}
	struct span key = trim(tok.p, (size_t)(eq - tok.p));
	struct span v = trim(eq + 1, (size_t)(tok.p + tok.n - (eq + 1)));
	int k = knob_index(key);
	if (k < 0) {
		const char *s = suggest(key.p, key.n);
		if (s)
			return perr(ps, tok, "unknown knob (did you mean '%s'?)", s);
		char list[256];
		size_t n = 0;
		for (int i = 0; i < NR_FAULT_KNOBS && n < sizeof(list); i++)
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
					      i ? ", " : "", knobs[i].name);
		return perr(ps, tok, "unknown knob (expected one of %s)", list);
	}
	if (r->set & (1u << k))
		return perr(ps, tok, "%s given twice in one rule", knobs[k].name);
	if (!v.n)
		return perr(ps, tok, "missing value after '='");
	if (v.n >= sizeof(val))
		return perr(ps, tok, "value longer than %zu characters",
			    sizeof(val) - 1);
	memcpy(val, v.p, v.n);
	val[v.n] = '\0';
	r->set |= 1u << k;
	ps->tok[k] = tok;
	ps->in_gfp = false;
	return parse_value(ps, r, k, tok, val);
}

static void rule_defaults(struct fault_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->probability = FAULT_PROB_ONE;
	r->interval = 1;
	r->times_init = -1;
	r->max_order = ORDER_LIMIT;
	r->stacktrace_depth = DEFAULT_DEPTH;
	r->verbose = DEFAULT_VERBOSE;
}

#define HAS(r, k) ((r)->set & (1u << (k)))

/* Checks that need the whole rule. */
static int rule_finish(struct parser *ps, struct fault_rule *r)
{
	static const enum fault_knob not_with_nth[] = {
		FK_PROBABILITY, FK_INTERVAL, FK_TIMES, FK_SPACE, FK_AFTER,
		FK_UNTIL, FK_STACK,
	};

	if (r->min_order > r->max_order)
		return perr(ps, ps->tok[HAS(r, FK_MAX_ORDER) ? FK_MAX_ORDER :
					FK_MIN_ORDER],
			    "max-order=%u is below min-order=%u", r->max_order,
			    r->min_order);
	if (HAS(r, FK_UNTIL) && r->until <= r->after)
		return perr(ps, ps->tok[FK_UNTIL], "until= must be above "
			    "after=%lu (the window is requests after+1 .. until)",
			    r->after);
	if (HAS(r, FK_NTH)) {
		for (size_t i = 0; i < sizeof(not_with_nth) / sizeof(*not_with_nth);
		     i++)
			if (HAS(r, not_with_nth[i]))
				return perr(ps, ps->tok[FK_NTH], "nth= fails exactly "
					    "one request and cannot be combined "
					    "with %s=", knobs[not_with_nth[i]].name);
		r->times_init = 1;
	}
	if (r->stack_file[0]) {
		int fd = prim_open(r->stack_file,
				   O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0)
			return perr(ps, ps->tok[FK_STACK], "cannot open the file "
				    "for the set of seen stacks: %s",
				    strerror(errno));
		prim_close(fd);
	}
	fault_rule_reset(r);
	return 0;
}

static int parse_rule(struct parser *ps, struct fault_rule *r, struct span text)
{
	rule_defaults(r);
	memset(ps->tok, 0, sizeof(ps->tok));
	ps->in_gfp = false;
	if (!text.n)
		return perr(ps, (struct span){ NULL, 0 }, "empty rule (expected "
			    "knobs such as min-order=4,probability=100)");

	const char *p = text.p, *end = text.p + text.n;
	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		struct span tok = trim(p, (size_t)(stop - p));
		if (!tok.n)
			return perr(ps, (struct span){ NULL, 0 }, "empty knob "
				    "between commas (expected key=value)");
		if ((*tok.p == '+' || *tok.p == '-') && !memchr(tok.p, '=', tok.n)) {
			char item[VALUE_MAX];
			if (!ps->in_gfp)
				return perr(ps, tok, "gfp flags outside gfp= "
					    "(expected gfp=%.*s)", (int)tok.n, tok.p);
			if (tok.n >= sizeof(item))
				return perr(ps, tok, "value longer than %zu "
					    "characters", sizeof(item) - 1);
			memcpy(item, tok.p, tok.n);
			item[tok.n] = '\0';
			if (parse_gfp_item(ps, r, tok, item) < 0)
				return -1;
		} else if (parse_knob(ps, r, tok) < 0) {
			return -1;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	return rule_finish(ps, r);
}

int fault_parse(struct fault_ctx *ctx, const char *text, char *err,
		size_t errlen)
{
	struct parser ps = { .kv = ctx->kv, .err = err, .errlen = errlen };
	unsigned nr = ctx->nr_rules;
	const char *p = text;

	if (errlen)
		err[0] = '\0';
	if (!trim(text, strlen(text)).n)
		return 0;
	for (ps.rule_no = 1;; ps.rule_no++) {
		const char *semi = strchr(p, ';');
		struct span rt = trim(p, semi ? (size_t)(semi - p) : strlen(p));
		/* a trailing ';' ends the list */
		if (!semi && !rt.n && ps.rule_no > 1)
			break;
		if (nr == FAULT_MAX_RULES)
			return perr(&ps, rt, "too many rules (at most %d)",
				    FAULT_MAX_RULES);
		if (parse_rule(&ps, &ctx->rule[nr], rt) < 0)
			return -1;
		nr++;
		if (!semi)
			break;
		p = semi + 1;
	}
	ctx->nr_rules = nr;
	return 0;
}

/* ---- canonical form ----------------------------------------------------- */

struct out {
	char *buf;
	size_t len;
	size_t pos;             /* may pass len: snprintf semantics */
	bool first;
};

static void out_printf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	char *dst = o->pos < o->len ? o->buf + o->pos : NULL;
	size_t room = o->pos < o->len ? o->len - o->pos : 0;

	va_start(ap, fmt);
	int n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
}

static void out_knob(struct out *o, enum fault_knob k)
{
	out_printf(o, "%s%s=", o->first ? "" : ",", knobs[k].name);
	o->first = false;
}

static void out_gfp(struct out *o, const char *sign, gfp_t mask, kver_t kv)
{
	char names[256];
	uint32_t km = gfp_to_kernel(mask, kv);

	uint32_t back;
	char err[128];

	gfp_format_names(km, kv, names, sizeof(names));
	/* before 4.5 the printed names are the tracepoints' ("GFP_NOWAIT" for
	 * 0), which need not read back as the mask: the number then */
	if (names[0] && gfp_parse(names, kv, &back, err, sizeof(err)) == 0 &&
	    back == km)
		out_printf(o, "%s%s", sign, names);
	else
		out_printf(o, "%s%#x", sign, km);
}

size_t fault_rule_format(const struct fault_ctx *ctx, unsigned i, char *buf,
			 size_t len)
{
	const struct fault_rule *r = &ctx->rule[i];
	struct out o = { buf, len, 0, true };

	if (len)
		buf[0] = '\0';
	if (r->sites) {
		const char *sep = "";
		out_knob(&o, FK_SITE);
		for (int s = 0; s < NR_FAULT_SITES; s++)
			if (r->sites & (1u << s)) {
				out_printf(&o, "%s%s", sep, fault_site_name(s));
				sep = "|";
			}
	}
	if (r->comm[0]) {
		out_knob(&o, FK_COMM);
		out_printf(&o, "%s", r->comm);
	}
	if (r->caller[0]) {
		out_knob(&o, FK_CALLER);
		out_printf(&o, "%s", r->caller);
	}
	if (r->module[0]) {
		out_knob(&o, FK_MODULE);
		out_printf(&o, "%s", r->module);
	}
	if (r->gfp_exact_set || r->gfp_require || r->gfp_absent) {
		const char *sep = "";
		out_knob(&o, FK_GFP);
		if (r->gfp_exact_set) {
			out_gfp(&o, "", r->gfp_exact, ctx->kv);
			sep = ",";
		}
		if (r->gfp_require) {
			out_printf(&o, "%s", sep);
			out_gfp(&o, "+", r->gfp_require, ctx->kv);
			sep = ",";
		}
		if (r->gfp_absent) {
			out_printf(&o, "%s", sep);
			out_gfp(&o, "-", r->gfp_absent, ctx->kv);
		}
	}
	if (r->min_order) {
		out_knob(&o, FK_MIN_ORDER);
		out_printf(&o, "%u", r->min_order);
	}
	if (r->max_order != ORDER_LIMIT) {
		out_knob(&o, FK_MAX_ORDER);
		out_printf(&o, "%u", r->max_order);
	}
	if (r->ignore_gfp_wait) {
		out_knob(&o, FK_IGNORE_GFP_WAIT);
		out_printf(&o, "Y");
	}
	if (r->ignore_gfp_highmem) {
		out_knob(&o, FK_IGNORE_GFP_HIGHMEM);
		out_printf(&o, "Y");
	}
	if (r->after) {
		out_knob(&o, FK_AFTER);
		out_printf(&o, "%lu", r->after);
	}
	if (r->until) {
		out_knob(&o, FK_UNTIL);
		out_printf(&o, "%lu", r->until);
	}
	if (r->nth) {
		out_knob(&o, FK_NTH);
		out_printf(&o, "%lu", r->nth);
	}
	if (r->stack_unique) {
		out_knob(&o, FK_STACK);
		out_printf(&o, "unique%s%s", r->stack_file[0] ? ":" : "",
			   r->stack_file);
	}
	if (r->space_init) {
		out_knob(&o, FK_SPACE);
		out_printf(&o, "%ld", r->space_init);
	}
	if (r->interval != 1) {
		out_knob(&o, FK_INTERVAL);
		out_printf(&o, "%lu", r->interval);
	}
	if (!r->nth) {
		unsigned whole = r->probability / (FAULT_PROB_ONE / 100);
		unsigned frac = r->probability % (FAULT_PROB_ONE / 100);
		out_knob(&o, FK_PROBABILITY);
		if (frac) {
			char f[8];
			int n = snprintf(f, sizeof(f), "%04u", frac);
			while (n > 1 && f[n - 1] == '0')
				f[--n] = '\0';
			out_printf(&o, "%u.%s", whole, f);
		} else {
			out_printf(&o, "%u", whole);
		}
		out_knob(&o, FK_TIMES);
		out_printf(&o, "%d", r->times_init);
	}
	if (r->stacktrace_depth != DEFAULT_DEPTH) {
		out_knob(&o, FK_STACKTRACE_DEPTH);
		out_printf(&o, "%u", r->stacktrace_depth);
	}
	if (r->verbose != DEFAULT_VERBOSE) {
		out_knob(&o, FK_VERBOSE);
		out_printf(&o, "%u", r->verbose);
	}
	return o.pos;
}
