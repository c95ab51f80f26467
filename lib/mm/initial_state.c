/* The profile's initial heap state: parsed with the machine description,
 * applied to the node after node_init() (lib/mm/initial_state.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mm/deferred.h"
#include "mm/initial_state.h"
#include "mm/page_alloc.h"
#include "base/prim.h"
#include "mm/zone_load.h"

enum initial_kind { INIT_ZONE, INIT_BUDDY, INIT_PAGETYPEINFO, INIT_FRAGMENT,
		    NR_INIT_KINDS };

static const char *const kind_keys[NR_INIT_KINDS] = {
	[INIT_ZONE] = "initial.zone",
	[INIT_BUDDY] = "initial.buddy",
	[INIT_PAGETYPEINFO] = "initial.pagetypeinfo",
	[INIT_FRAGMENT] = "initial.fragment",
};

static int kind_of(const char *key)
{
	for (int k = 0; k < NR_INIT_KINDS; k++)
		if (strcmp(key, kind_keys[k]) == 0)
			return k;
	return -1;
}

static int __attribute__((format(printf, 4, 5)))
set_error(struct gfp_error *err, const char *where, const char *key,
	  const char *fmt, ...)
{
	size_t n = (size_t)snprintf(err->msg, sizeof(err->msg), "%s: %s: ",
				    where, key);
	if (n < sizeof(err->msg)) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ---- checking values -------------------------------------------------- */

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* "[Node N ]ZoneName" at p: the zone type, and p past the name; -1 when
 * the text does not start with a zone name. */
static int zone_prefix(const char **pp)
{
	const char *p = skip_spaces(*pp);
	if (strncmp(p, "Node ", 5) == 0) {
		p += 5;
		while (*p >= '0' && *p <= '9')
			p++;
		p = skip_spaces(p);
	}
	size_t n = 0;
	while (p[n] && p[n] != ':' && p[n] != ' ')
		n++;
	for (int t = 0; t < NR_ZONE_TYPES; t++) {
		if (strlen(zone_type_names[t]) == n &&
		    strncasecmp(p, zone_type_names[t], n) == 0) {
			*pp = p + n;
			return t;
		}
	}
	return -1;
}

static bool read_ulong(const char **pp, unsigned long long *v)
{
	char *end;
	errno = 0;
	*v = strtoull(*pp, &end, 10);
	if (end == *pp || errno)
		return false;
	*pp = end;
	return true;
}

/* A buddy line's blocks ("N*SIZEkB (LETTERS)") must add up to its total. */
static int check_buddy(const char *v, const char *where, const char *key,
		       struct gfp_error *err)
{
	const char *p = v;
	unsigned long long sum = 0, total, count, size;

	if (zone_prefix(&p) < 0 || *p != ':')
		return set_error(err, where, key, "\"%.40s\": expected a zone's "
				 "buddy line, \"[Node 0 ]ZONE: N*4kB (UM) … = "
				 "TOTALkB\" with ZONE one of DMA, DMA32, Normal, "
				 "HighMem, Movable", v);
	p++;
	for (;;) {
		p = skip_spaces(p);
		if (*p == '=')
			break;
		const char *tok = p;
		if (!read_ulong(&p, &count) || *p++ != '*' ||
		    !read_ulong(&p, &size) || strncmp(p, "kB", 2) != 0)
			return set_error(err, where, key, "\"%.24s\": expected "
					 "a block count \"N*SIZEkB\" or the "
					 "total \"= TOTALkB\"", tok);
		p += 2;
		sum += count * size;
		p = skip_spaces(p);
		if (*p == '(') {
			const char *close = strchr(p, ')');
			if (!close)
				return set_error(err, where, key, "\"%.24s\": "
						 "expected the migratetype "
						 "letters closed by ')'", p);
			p = close + 1;
		}
	}
	p = skip_spaces(p + 1);
	if (!read_ulong(&p, &total) || strncmp(p, "kB", 2) != 0)
		return set_error(err, where, key, "\"%.24s\": expected the total "
				 "as \"TOTALkB\"", p);
	if (total != sum)
		return set_error(err, where, key, "the blocks add up to %llukB "
				 "but the line's total is %llukB; expected the "
				 "line as the kernel printed it", sum, total);
	return 0;
}

static int check_zone_line(const char *v, const char *where, const char *key,
			   struct gfp_error *err)
{
	const char *p = v;
	if (zone_prefix(&p) < 0 || strncmp(p, " free:", 6) != 0)
		return set_error(err, where, key, "\"%.40s\": expected a show_mem "
				 "zone line, \"[Node 0 ]ZONE free:…kB min:…kB "
				 "low:…kB high:…kB … free_cma:…kB\"", v);
	return 0;
}

/* "12.5%" → 125 per mille; then an optional "movable" or "unmovable". */
static int parse_fragment(const char *v, unsigned *permille, bool *movable)
{
	const char *p = skip_spaces(v);
	unsigned long long whole, tenths = 0;
	if (!read_ulong(&p, &whole))
		return -1;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		tenths = (unsigned)(*p++ - '0');
	}
	if (*p++ != '%')
		return -1;
	unsigned long long pm = whole * 10 + tenths;
	if (pm == 0 || pm >= 1000)
		return -1;
	p = skip_spaces(p);
	*movable = false;
	if (strcmp(p, "movable") == 0)
		*movable = true;
	else if (*p && strcmp(p, "unmovable") != 0)
		return -1;
	*permille = (unsigned)pm;
	return 0;
}

/* A relative path is relative to the profile file named in `where`
 * ("dir/board.conf:12"). */
static int resolve_path(const char *v, const char *where, char *out,
			size_t len)
{
	const char *colon = strrchr(where, ':');
	const char *slash = NULL;
	for (const char *q = where; colon && q < colon; q++)
		if (*q == '/')
			slash = q;
	int n;
	if (v[0] == '/' || !slash)
		n = snprintf(out, len, "%s", v);
	else
		n = snprintf(out, len, "%.*s/%s", (int)(slash - where), where, v);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static char ptinfo_buf[MACHINE_FILE_MAX];
static pthread_mutex_t ptinfo_lock = PTHREAD_MUTEX_INITIALIZER;

int initial_state_set(struct machine_desc *d, const char *key,
		      const char *value, const char *where,
		      struct gfp_error *err)
{
	char path[512];
	const char *v = value;
	int kind = kind_of(key);

	if (!where || !*where)
		where = d->name;
	if (kind < 0)
		return set_error(err, where, key, "unknown setting; expected one "
				 "of initial.zone, initial.buddy, "
				 "initial.pagetypeinfo, initial.fragment");
	switch (kind) {
	case INIT_ZONE:
		if (check_zone_line(value, where, key, err))
			return -1;
		break;
	case INIT_BUDDY:
		if (check_buddy(value, where, key, err))
			return -1;
		break;
	case INIT_PAGETYPEINFO: {
		if (resolve_path(value, where, path, sizeof(path)))
			return set_error(err, where, key, "\"%s\": path too long",
					 value);
		pthread_mutex_lock(&ptinfo_lock);
		long n = prim_read_file(path, ptinfo_buf, sizeof(ptinfo_buf));
		bool ok = n > 0 && strstr(ptinfo_buf, "Free pages count per "
					  "migrate type") != NULL;
		int e = errno;
		pthread_mutex_unlock(&ptinfo_lock);
		if (n < 0)
			return set_error(err, where, key, "%s: %s; expected a "
					 "readable copy of /proc/pagetypeinfo",
					 path, strerror(e));
		if (!ok)
			return set_error(err, where, key, "%s: expected the text "
					 "of /proc/pagetypeinfo (\"Free pages "
					 "count per migrate type …\")", path);
		v = path;
		break;
	}
	case INIT_FRAGMENT: {
		unsigned pm;
		bool movable;
		if (parse_fragment(value, &pm, &movable))
			return set_error(err, where, key, "\"%s\": expected a "
					 "percentage above 0 and below 100 with at "
					 "most one decimal (\"15%%\", \"12.5%%\"), "
					 "optionally followed by \"movable\" or "
					 "\"unmovable\"", value);
		break;
	}
	}
	size_t used = strlen(d->initial);
	int n = snprintf(d->initial + used, sizeof(d->initial) - used,
			 "%s = %s\n", key, v);
	if (n < 0 || (size_t)n >= sizeof(d->initial) - used) {
		d->initial[used] = '\0';
		return set_error(err, where, key, "the initial state is longer "
				 "than %u characters; expected fewer or shorter "
				 "initial.* lines", MACHINE_INITIAL_MAX - 1);
	}
	return 0;
}

/* ---- taking frames ------------------------------------------------------ */

bool zone_free_block_of(struct pglist_data *pgdat, unsigned long pfn,
			unsigned long *head, unsigned *order)
{
	struct zone *zone = pfn_zone(pgdat, pfn);

	if (zone && pfn_deferred(zone, pfn)) {
		*order = pgdat->nr_page_orders - 1;
		*head = pfn & ~((1UL << *order) - 1);
		return true;
	}
	for (unsigned o = 0; o < pgdat->nr_page_orders; o++) {
		unsigned long h = pfn & ~((1UL << o) - 1);
		if (h < pgdat->node_start_pfn)
			break;
		const struct page *p = pfn_to_page(pgdat, h);
		if ((p->flags & PG_buddy) && p->order >= o) {
			*head = h;
			*order = p->order;
			return true;
		}
	}
	return false;
}

/* The parts of the block [h, +2^order) outside [s, e) go back on the
 * free list of type mt. */
static void release_outside(struct zone *zone, unsigned long h, unsigned order,
			    unsigned long s, unsigned long e, int mt)
{
	unsigned long end = h + (1UL << order);
	if (h >= s && end <= e)
		return;
	if (end <= s || h >= e) {
		add_to_free_list(zone, h, order, mt, false);
		return;
	}
	release_outside(zone, h, order - 1, s, e, mt);
	release_outside(zone, h + (1UL << (order - 1)), order - 1, s, e, mt);
}

int zone_take_range(struct zone *zone, unsigned long start, unsigned long end,
		    unsigned long *busy)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	unsigned long pfn, h;
	unsigned order;
	unsigned long n = 1UL << (pgdat->nr_page_orders - 1);

	/* free blocks are found by their heads: write deferred ones first */
	for (pfn = start & ~(n - 1); pfn < end; pfn += n) {
		if (pfn_deferred(zone, pfn)) {
			zone_undefer(zone);
			break;
		}
	}
	for (pfn = start; pfn < end; pfn = h + (1UL << order)) {
		if (!zone_free_block_of(pgdat, pfn, &h, &order)) {
			*busy = pfn;
			return -1;
		}
	}
	for (pfn = start; pfn < end; pfn = h + (1UL << order)) {
		zone_free_block_of(pgdat, pfn, &h, &order);
		int mt = pfn_to_page(pgdat, h)->mt;
		del_page_from_free_list(zone, h);
		release_outside(zone, h, order, start, end, mt);
	}
	for (pfn = start; pfn < end; pfn++)
		prep_new_block(zone, pfn, 0);
	return 0;
}

/* ---- applying ------------------------------------------------------------- */

/* splitmix64: the pattern's own stream, so that fault injection's
 * streams stay as GFPSHIM_SEED makes them. */
static uint64_t mix_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void pin_frame(struct zone *zone, unsigned long pfn, bool movable)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	struct page *page = pfn_to_page(pgdat, pfn);
	page->private = INITIAL_PAGE_PINNED;
	if (movable) {
		/* a user page on the LRU of some other process: compaction
		 * may move it, and its bytes are not in this arena
		 * (PG_charged), so a move copies bookkeeping only */
		page->flags |= PG_lru | PG_charged;
		pgdat->vm_stat[NR_ACTIVE_ANON]++;
		zone->vm_stat[NR_ZONE_ACTIVE_ANON]++;
	} else {
		pgdat->vm_stat[NR_SLAB_UNRECLAIMABLE]++;
		zone->vm_stat[NR_ZONE_SLAB_UNRECLAIMABLE]++;
	}
}

/* One frame in every 1000/permille of the zone's span, at a random place
 * in its stretch; CMA frames and frames already allocated are skipped (a
 * stretch with no free non-CMA frame pins nothing). */
static void fragment_zone(struct zone *zone, unsigned permille, bool movable,
			  uint64_t *rng)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	unsigned long zstart = zone->zone_start_pfn;
	unsigned long span = zone->spanned_pages;

	pthread_mutex_lock(&zone->lock);
	for (unsigned long k = 0;; k++) {
		unsigned long s = (unsigned long)((unsigned long long)k * 1000 / permille);
		unsigned long e = (unsigned long)((unsigned long long)(k + 1) * 1000 / permille);
		if (s >= span)
			break;
		if (e > span)
			e = span;
		unsigned long len = e - s;
		if (!len)
			continue;
		unsigned long off = (unsigned long)(mix_next(rng) % len);
		for (unsigned long j = 0; j < len; j++) {
			unsigned long pfn = zstart + s + (off + j) % len;
			unsigned long busy;
			if (get_pageblock_migratetype(pgdat, pfn) == MIGRATE_CMA)
				continue;
			if (zone_take_range(zone, pfn, pfn + 1, &busy) == 0) {
				pin_frame(zone, pfn, movable);
				break;
			}
		}
	}
	pthread_mutex_unlock(&zone->lock);
}

static int apply_error(struct gfp_error *err, const struct machine_desc *d,
		       const char *key)
{
	char msg[sizeof(err->msg)];
	memcpy(msg, err->msg, sizeof(msg));
	snprintf(err->msg, sizeof(err->msg), "machine %.63s: %.31s: %.400s", d->name, key,
		 msg);
	return -1;
}

static int apply_one(struct pglist_data *pgdat, const struct machine_desc *d,
		     int kind, const char *v, uint64_t *rng,
		     struct gfp_error *err)
{
	switch (kind) {
	case INIT_ZONE:
		return zone_load_zone_line(pgdat, v, err);
	case INIT_BUDDY:
		return zone_load_buddy_line(pgdat, v, err);
	case INIT_PAGETYPEINFO: {
		pthread_mutex_lock(&ptinfo_lock);
		long n = prim_read_file(v, ptinfo_buf, sizeof(ptinfo_buf) - 1);
		int rc;
		if (n < 0) {
			snprintf(err->msg, sizeof(err->msg), "%s: %s", v,
				 strerror(errno));
			rc = -1;
		} else {
			ptinfo_buf[n] = '\0';
			rc = node_load_pagetypeinfo(pgdat, ptinfo_buf, err);
		}
		pthread_mutex_unlock(&ptinfo_lock);
		return rc;
	}
	case INIT_FRAGMENT: {
		unsigned pm;
		bool movable;
		parse_fragment(v, &pm, &movable);
		for (unsigned c = 0; c < pgdat->nr_cpus; c++)
			drain_pages(pgdat, c);
		for (unsigned z = 0; z < pgdat->nr_zones; z++)
			if (zone_populated(&pgdat->node_zones[z]))
				fragment_zone(&pgdat->node_zones[z], pm, movable, rng);
		return 0;
	}
	}
	return 0;
}

int initial_state_apply(struct pglist_data *pgdat,
			const struct machine_desc *d, uint64_t seed,
			struct gfp_error *err)
{
	uint64_t rng = seed;

	for (int kind = 0; kind < NR_INIT_KINDS; kind++) {
		const char *p = d->initial;
		while (*p) {
			const char *eol = strchr(p, '\n');
			size_t n = eol ? (size_t)(eol - p) : strlen(p);
			char line[MACHINE_INITIAL_MAX];
			memcpy(line, p, n);
			line[n] = '\0';
			p += n + (eol != NULL);
			char *eq = strstr(line, " = ");
			if (!eq)
				continue;
			*eq = '\0';
			if (kind_of(line) != kind)
				continue;
			if (apply_one(pgdat, d, kind, eq + 3, &rng, err))
				return apply_error(err, d, line);
		}
	}
	return 0;
}
