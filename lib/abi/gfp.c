/* gfp masks at the edges: canonical <-> kernel numbers, %pGg, parsing.
 *
 * Nothing here allocates or prints; text goes into caller buffers with
 * snprintf semantics.
 */
#include <string.h>

#include "abi/kver_rules.h"
#include "abi/gfp.h"
#include "abi/gfp_tables.h"

/* ---- a bounded text sink ------------------------------------------------ */

struct out {
	char *buf;
	size_t len;     /* capacity */
	size_t pos;     /* length of the whole text, written or not */
};

static void out_init(struct out *o, char *buf, size_t len)
{
	o->buf = buf;
	o->len = len;
	o->pos = 0;
	if (len)
		buf[0] = '\0';
}

static void out_char(struct out *o, char c)
{
	if (o->pos + 1 < o->len) {
		o->buf[o->pos] = c;
		o->buf[o->pos + 1] = '\0';
	}
	o->pos++;
}

static void out_str(struct out *o, const char *s)
{
	while (*s)
		out_char(o, *s++);
}

static void out_strn(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++)
		out_char(o, s[i]);
}

/* "0x%x", lowercase, as the kernel's number() with SPECIAL|SMALL: 0 is
 * "0x0", unlike glibc's "%#x". */
static void out_hex(struct out *o, uint32_t v)
{
	char tmp[8];
	int n = 0;

	out_str(o, "0x");
	do {
		tmp[n++] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	while (n)
		out_char(o, tmp[--n]);
}

static void out_kver(struct out *o, kver_t kv)
{
	char v[24];

	out_str(o, kver_format(kv, v, sizeof(v)));
}

/* ---- translation -------------------------------------------------------- */

static bool wait_era(const struct gfp_layout *l)
{
	return l->bit[GF_WAIT] != 0;
}

uint32_t gfp_to_kernel(gfp_t gfp, kver_t kv)
{
	const struct gfp_layout *l = gfp_layout(kv);
	uint32_t mask = 0;

	for (int f = 0; f < NR_GFP_FLAGS; f++)
		if (l->bit[f] && (gfp & gfp_flag_canon[f]))
			mask |= l->bit[f];
	if (wait_era(l)) {
		if (gfp & __GFP_DIRECT_RECLAIM)
			mask |= l->bit[GF_WAIT];
		if (!(gfp & __GFP_KSWAPD_RECLAIM))
			mask |= l->bit[GF_NO_KSWAPD];
	}
	return mask;
}

gfp_t gfp_from_kernel(uint32_t mask, kver_t kv, uint32_t *unknown)
{
	const struct gfp_layout *l = gfp_layout(kv);
	uint32_t known = 0;
	gfp_t gfp = 0;

	for (int f = 0; f < NR_GFP_FLAGS; f++) {
		known |= l->bit[f];
		if (l->bit[f] && (mask & l->bit[f]))
			gfp |= gfp_flag_canon[f];
	}
	if (wait_era(l)) {
		bool wait = mask & l->bit[GF_WAIT];
		bool no_kswapd = mask & l->bit[GF_NO_KSWAPD];

		if (wait)
			gfp |= __GFP_DIRECT_RECLAIM;
		if (!no_kswapd)
			gfp |= __GFP_KSWAPD_RECLAIM;
		/* gfp_to_alloc_flags(): atomic = !(WAIT | NO_KSWAPD) */
		if (!wait && !no_kswapd)
			gfp |= __GFP_ATOMIC;
	}
	if (unknown)
		*unknown = mask & ~known;
	return gfp;
}

/* ---- names -------------------------------------------------------------- */

/* The report names the flags (%pGg) */
static bool has_pgg(kver_t kv)
{
	return kver_has(kv, KF_GFP_NAMES_IN_PRINTK);
}

/* Mask and printed name of a name-table entry on kv; false if kv does not
 * define it. */
static bool entry_on(const struct gfp_name_entry *e, kver_t kv,
		     uint32_t *mask, const char **name)
{
	if (e->sym >= GFP_SYM_COMPOSITE) {
		enum gfp_composite c = e->sym - GFP_SYM_COMPOSITE;

		if (!gfp_composite_mask(c, kv, mask))
			return false;
		*name = e->name ? e->name : gfp_composite_names[c];
		return true;
	}
	*mask = gfp_layout(kv)->bit[e->sym];
	*name = e->name ? e->name : gfp_flag_name(e->sym, kv);
	return *mask != 0;
}

/* lib/vsprintf.c format_flags() (and trace_print_flags_seq() before
 * 4.5): first entry whose bits are all set wins, '|' only while bits
 * remain, leftovers once as hex. */
static void out_names(struct out *o, uint32_t mask, kver_t kv)
{
	const struct gfp_name_entry *t = gfp_pgg_names;
	unsigned n = gfp_nr_pgg_names;

	if (kver_has(kv, KF_GFP_NAMES_BIT_ORDER)) {
		t = gfp_pgg_bit_order_names;
		n = gfp_nr_pgg_bit_order_names;
	} else if (!has_pgg(kv)) {
		if (!mask) {	/* show_gfp_flags(): 0 is "GFP_NOWAIT" */
			out_str(o, "GFP_NOWAIT");
			return;
		}
		t = gfp_trace_names;
		n = gfp_nr_trace_names;
	}
	for (unsigned i = 0; i < n && mask; i++) {
		uint32_t m;
		const char *name;

		if (!entry_on(&t[i], kv, &m, &name) || (mask & m) != m)
			continue;
		out_str(o, name);
		mask &= ~m;
		if (mask)
			out_char(o, '|');
	}
	if (mask)
		out_hex(o, mask);
}

size_t gfp_format_names(uint32_t mask, kver_t kv, char *buf, size_t len)
{
	struct out o;

	out_init(&o, buf, len);
	out_names(&o, mask, kv);
	return o.pos;
}

size_t gfp_format(uint32_t mask, kver_t kv, char *buf, size_t len)
{
	struct out o;

	out_init(&o, buf, len);
	out_hex(&o, mask);
	if (has_pgg(kv)) {
		out_char(&o, '(');
		out_names(&o, mask, kv);
		out_char(&o, ')');
	}
	return o.pos;
}

static int flag_of_bit(const struct gfp_layout *l, uint32_t bit)
{
	for (int f = 0; f < NR_GFP_FLAGS; f++)
		if (l->bit[f] == bit)
			return f;
	return -1;
}

size_t gfp_format_bits(uint32_t mask, kver_t kv, char *buf, size_t len)
{
	const struct gfp_layout *l = gfp_layout(kv);
	uint32_t unknown = 0;
	bool first = true;
	struct out o;

	out_init(&o, buf, len);
	for (int b = 0; b < 32; b++) {
		uint32_t bit = 1u << b;
		int f;

		if (!(mask & bit))
			continue;
		f = flag_of_bit(l, bit);
		if (f < 0) {
			unknown |= bit;
			continue;
		}
		if (!first)
			out_char(&o, '|');
		out_str(&o, gfp_flag_name(f, kv));
		first = false;
	}
	if (unknown) {
		if (!first)
			out_char(&o, '|');
		out_hex(&o, unknown);
	}
	return o.pos;
}

/* ---- parsing ------------------------------------------------------------ */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool token_is(const char *tok, size_t n, const char *name)
{
	return strlen(name) == n && memcmp(tok, name, n) == 0;
}

static bool token_is_nocase(const char *tok, size_t n, const char *name)
{
	if (strlen(name) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char a = tok[i], b = name[i];

		if (a >= 'a' && a <= 'z')
			a -= 'a' - 'A';
		if (a != b)
			return false;
	}
	return true;
}

/* A name as kernel kv spells it: a flag's macro, a composite, or (before
 * 4.5) a tracepoint name such as "GFP_HIGH".  Composites win over the
 * tracepoint spelling, as GFP_ATOMIC does over 4.4's "GFP_ATOMIC" bit. */
static bool lookup_name(const char *tok, size_t n, kver_t kv, uint32_t *mask,
			bool nocase, const char **canonical)
{
	bool (*eq)(const char *, size_t, const char *) =
		nocase ? token_is_nocase : token_is;
	const struct gfp_layout *l = gfp_layout(kv);

	for (int c = 0; c < NR_GFP_COMPOSITES; c++)
		if (eq(tok, n, gfp_composite_names[c]) &&
		    gfp_composite_mask(c, kv, mask)) {
			*canonical = gfp_composite_names[c];
			return true;
		}
	for (int f = 0; f < NR_GFP_FLAGS; f++)
		if (l->bit[f] && eq(tok, n, gfp_flag_name(f, kv))) {
			*mask = l->bit[f];
			*canonical = gfp_flag_name(f, kv);
			return true;
		}
	if (has_pgg(kv))
		return false;
	for (unsigned i = 0; i < gfp_nr_trace_names; i++) {
		const char *name;

		if (entry_on(&gfp_trace_names[i], kv, mask, &name) &&
		    eq(tok, n, name)) {
			*canonical = name;
			return true;
		}
	}
	return false;
}

/* Bits that exist only in kernels built with an option this model leaves
 * out; such kernels define them as 0. */
static const struct {
	const char *name, *config;
} config_bits[] = {
	{ "__GFP_NOLOCKDEP", "CONFIG_LOCKDEP" },
	{ "__GFP_SKIP_ZERO", "CONFIG_KASAN_HW_TAGS" },
	{ "__GFP_SKIP_KASAN", "CONFIG_KASAN_HW_TAGS" },
	{ "__GFP_SKIP_KASAN_POISON", "CONFIG_KASAN_HW_TAGS" },
	{ "__GFP_SKIP_KASAN_UNPOISON", "CONFIG_KASAN_HW_TAGS" },
	{ "__GFP_NO_OBJ_EXT", "CONFIG_SLAB_OBJ_EXT" },
};

static void out_token(struct out *o, const char *tok, size_t n)
{
	out_char(o, '\'');
	out_strn(o, tok, n);
	out_char(o, '\'');
}

static void explain_unknown_name(struct out *o, const char *tok, size_t n,
				 kver_t kv)
{
	const char *name;
	uint32_t m;
	bool first = true;

	for (unsigned i = 0; i < sizeof(config_bits) / sizeof(config_bits[0]);
	     i++)
		if (token_is(tok, n, config_bits[i].name)) {
			out_token(o, tok, n);
			out_str(o, " exists only in kernels built with ");
			out_str(o, config_bits[i].config);
			out_str(o, ", which this model leaves out (without it "
				   "the bit is 0)");
			return;
		}

	/* the tracepoint spelling of kernels before 4.5: GFP_COMP */
	if (n > 4 && memcmp(tok, "GFP_", 4) == 0 && has_pgg(kv)) {
		char under[64] = "__";

		if (n + 2 < sizeof(under)) {
			memcpy(under + 2, tok, n);
			if (lookup_name(under, n + 2, kv, &m, false, &name)) {
				out_token(o, tok, n);
				out_str(o, " is how kernels before 4.5 print it; "
					   "kernel ");
				out_kver(o, kv);
				out_str(o, " calls it ");
				out_str(o, name);
				return;
			}
		}
	}

	/* defined by other supported kernels? */
	for (const kver_t *k = kver_supported; *k; k++) {
		if (!lookup_name(tok, n, *k, &m, false, &name))
			continue;
		if (first) {
			out_token(o, tok, n);
			out_str(o, " is not defined by kernel ");
			out_kver(o, kv);
			out_str(o, "; kernels that define it: ");
		} else {
			out_str(o, ", ");
		}
		out_kver(o, *k);
		first = false;
	}
	if (!first)
		return;

	out_str(o, "unknown gfp name ");
	out_token(o, tok, n);
	out_str(o, " for kernel ");
	out_kver(o, kv);
	if (lookup_name(tok, n, kv, &m, true, &name)) {
		out_str(o, " (names are case-sensitive: ");
		out_str(o, name);
		out_char(o, ')');
		return;
	}
	out_str(o, ": expected a number (0xa20, 2592) or names joined by '|': ");
	for (int c = 0; c < NR_GFP_COMPOSITES; c++)
		if (c != GC_RECLAIM && gfp_composite_mask(c, kv, &m)) {
			out_str(o, gfp_composite_names[c]);
			out_str(o, ", ");
		}
	out_str(o, "or a __GFP_* flag of that kernel");
}

/* A number: 0x-prefixed hex or decimal, fitting in 32 bits. */
static int parse_number(const char *tok, size_t n, uint32_t *val,
			struct out *err)
{
	uint64_t v = 0;
	size_t i = 0;
	unsigned base = 10;

	if (n > 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == n)
		goto bad;
	for (; i < n; i++) {
		char c = tok[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			goto bad;
		v = v * base + d;
		if (v > UINT32_MAX) {
			out_token(err, tok, n);
			out_str(err, " does not fit in a gfp_t (32 bits)");
			return -1;
		}
	}
	*val = (uint32_t)v;
	return 0;
bad:
	out_token(err, tok, n);
	out_str(err, " is not a number: expected hex with 0x (0xa20) or "
		     "decimal (2592)");
	return -1;
}

static bool starts_number(const char *tok)
{
	return *tok >= '0' && *tok <= '9';
}

/* "GFP_KERNEL | __GFP_NOWARN|0x4000000" -> mask; [s, end) */
static int parse_names(const char *s, const char *end, kver_t kv,
		       uint32_t *mask, struct out *err)
{
	const char *whole = s;
	uint32_t acc = 0;

	for (;;) {
		const char *bar = s;
		const char *a, *b;
		uint32_t m;

		while (bar < end && *bar != '|')
			bar++;
		a = s;
		b = bar;
		while (a < b && is_space(*a))
			a++;
		while (b > a && is_space(b[-1]))
			b--;
		if (a == b) {
			out_str(err, "empty name in ");
			out_token(err, whole, (size_t)(end - whole));
			out_str(err, ": expected names joined by '|', as in "
				     "GFP_KERNEL|__GFP_NOWARN");
			return -1;
		}
		if (starts_number(a)) {
			if (parse_number(a, (size_t)(b - a), &m, err))
				return -1;
		} else {
			const char *name;

			if (!lookup_name(a, (size_t)(b - a), kv, &m, false,
					 &name)) {
				explain_unknown_name(err, a, (size_t)(b - a),
						     kv);
				return -1;
			}
		}
		acc |= m;
		if (bar == end)
			break;
		s = bar + 1;
	}
	*mask = acc;
	return 0;
}

/* The names of a log's "0x…(names)" must be what kv prints for 0x…, or at
 * least name the same bits; otherwise the log is from another kernel. */
static int check_log_form(const char *text, uint32_t number, const char *n0,
			  const char *n1, kver_t kv, struct out *err)
{
	char printed[512];
	size_t plen = gfp_format_names(number, kv, printed, sizeof(printed));
	const char *p = n0;
	size_t i = 0;
	uint32_t named;

	/* same text, ignoring blanks */
	for (; p < n1; p++) {
		if (is_space(*p))
			continue;
		if (i >= plen || *p != printed[i])
			break;
		i++;
	}
	if (p == n1 && i == plen)
		return 0;
	if (n0 == n1) {
		named = 0;
	} else if (parse_names(n0, n1, kv, &named, err)) {
		return -1;
	}
	if (named == number)
		return 0;
	out_token(err, text, strlen(text));
	out_str(err, ": on kernel ");
	out_kver(err, kv);
	out_char(err, ' ');
	out_hex(err, number);
	out_str(err, " prints as ");
	out_hex(err, number);
	out_char(err, '(');
	out_str(err, printed);
	out_str(err, ") and the names mean ");
	out_hex(err, named);
	out_str(err, ": is the kernel version right?");
	return -1;
}

int gfp_parse(const char *text, kver_t kv, uint32_t *mask, char *errbuf,
	      size_t errlen)
{
	struct out err;
	const char *s = text, *e;
	const char *paren;
	uint32_t v;

	out_init(&err, errbuf, errlen);
	if (!text) {
		out_str(&err, "no gfp mask given");
		return -1;
	}
	e = s + strlen(s);
	while (s < e && is_space(*s))
		s++;
	while (e > s && is_space(e[-1]))
		e--;
	if (s == e) {
		out_str(&err, "empty gfp mask: expected a number (0xa20, 2592) "
			      "or names joined by '|' (GFP_KERNEL|__GFP_NOWARN)");
		return -1;
	}

	paren = memchr(s, '(', (size_t)(e - s));
	if (paren) {
		/* the log form: 0xa20(GFP_ATOMIC) */
		const char *num_end = paren;

		while (num_end > s && is_space(num_end[-1]))
			num_end--;
		if (e[-1] != ')') {
			out_token(&err, text, strlen(text));
			out_str(&err, ": expected the log form 0xa20(GFP_ATOMIC), "
				      "ending with ')'");
			return -1;
		}
		if (num_end == s || !starts_number(s)) {
			out_token(&err, text, strlen(text));
			out_str(&err, ": expected a number before '(', as in "
				      "0xa20(GFP_ATOMIC)");
			return -1;
		}
		if (parse_number(s, (size_t)(num_end - s), &v, &err))
			return -1;
		const char *n0 = paren + 1, *n1 = e - 1;

		while (n0 < n1 && is_space(*n0))
			n0++;
		while (n1 > n0 && is_space(n1[-1]))
			n1--;
		if (memchr(n0, '(', (size_t)(n1 - n0)) ||
		    memchr(n0, ')', (size_t)(n1 - n0))) {
			out_token(&err, text, strlen(text));
			out_str(&err, ": unbalanced parentheses; expected the "
				      "log form 0xa20(GFP_ATOMIC)");
			return -1;
		}
		if (check_log_form(text, v, n0, n1, kv, &err))
			return -1;
		*mask = v;
		return 0;
	}
	if (memchr(s, ')', (size_t)(e - s))) {
		out_token(&err, text, strlen(text));
		out_str(&err, ": ')' without '('; expected the log form "
			      "0xa20(GFP_ATOMIC)");
		return -1;
	}
	if (parse_names(s, e, kv, &v, &err))
		return -1;
	*mask = v;
	return 0;
}
