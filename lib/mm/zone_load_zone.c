/* The zone line and its lowmem_reserve line loaded into a zone's
 * watermarks and counters (mm/zone_load.h zone_load_zone_line()). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/printed.h"
#include "mm/deferred.h"
#include "mm/internal.h"
#include "mm/page_alloc.h"
#include "mm/zone_load.h"
#include "mm/zone_load_impl.h"

/* What each zone-line field (abi/printed.h names them, for every
 * version) sets: a value kept for the checks below, a zone counter in
 * pages or in kB as printed, or nothing (the per-cpu counts follow the pcp
 * lists and free_highatomic the free lists, not the text; the simulation
 * has no zsmalloc). */
enum zl_store { ZL_VALUE, ZL_STAT, ZL_KB_STAT, ZL_IGNORED };

static const struct {
	enum zl_store store;
	int stat;               /* enum zone_stat_item for ZL_STAT/ZL_KB_STAT */
} zl_store[NR_ZONE_FIELDS] = {
	[ZF_FREE] = { ZL_VALUE, 0 },
	[ZF_BOOST] = { ZL_VALUE, 0 },
	[ZF_MIN] = { ZL_VALUE, 0 },
	[ZF_LOW] = { ZL_VALUE, 0 },
	[ZF_HIGH] = { ZL_VALUE, 0 },
	[ZF_RESERVED_HIGHATOMIC] = { ZL_VALUE, 0 },
	[ZF_FREE_HIGHATOMIC] = { ZL_IGNORED, 0 },
	[ZF_ACTIVE_ANON] = { ZL_STAT, NR_ZONE_ACTIVE_ANON },
	[ZF_INACTIVE_ANON] = { ZL_STAT, NR_ZONE_INACTIVE_ANON },
	[ZF_ACTIVE_FILE] = { ZL_STAT, NR_ZONE_ACTIVE_FILE },
	[ZF_INACTIVE_FILE] = { ZL_STAT, NR_ZONE_INACTIVE_FILE },
	[ZF_UNEVICTABLE] = { ZL_STAT, NR_ZONE_UNEVICTABLE },
	[ZF_WRITEPENDING] = { ZL_STAT, NR_ZONE_WRITE_PENDING },
	[ZF_ZSPAGES] = { ZL_IGNORED, 0 },
	[ZF_PRESENT] = { ZL_VALUE, 0 },
	[ZF_MANAGED] = { ZL_VALUE, 0 },
	[ZF_MLOCKED] = { ZL_STAT, NR_MLOCK },
	[ZF_SLAB_RECLAIMABLE] = { ZL_STAT, NR_ZONE_SLAB_RECLAIMABLE },
	[ZF_SLAB_UNRECLAIMABLE] = { ZL_STAT, NR_ZONE_SLAB_UNRECLAIMABLE },
	[ZF_KERNEL_STACK] = { ZL_KB_STAT, NR_ZONE_KERNEL_STACK_KB },
	[ZF_PAGETABLES] = { ZL_STAT, NR_ZONE_PAGETABLE },
	[ZF_BOUNCE] = { ZL_STAT, NR_BOUNCE },
	[ZF_FREE_PCP] = { ZL_IGNORED, 0 },
	[ZF_LOCAL_PCP] = { ZL_IGNORED, 0 },
	[ZF_FREE_CMA] = { ZL_VALUE, 0 },
};

static int parse_lowmem_reserve(struct pglist_data *pgdat, struct zone *zone,
				struct logtok *t, struct gfp_error *err)
{
	long vals[MAX_NR_ZONES];
	unsigned n = 0;
	const char *s;
	size_t len;
	struct logtok peek = *t;

	while (tok_next(&peek, &s, &len)) {
		unsigned long v;
		if (!parse_ulong(s, len, &v))
			break;
		if (n == MAX_NR_ZONES) {
			n++;
			break;
		}
		vals[n++] = (long)v;
		*t = peek;
	}
	if (n != pgdat->nr_zones) {
		gfp_error_set(err, "lowmem_reserve[] for zone %s: %u values, the machine has %u zones (MAX_NR_ZONES)",
		       zone->name, n, pgdat->nr_zones);
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		zone->lowmem_reserve[i] = vals[i];
	return 0;
}

/* The zone line's fields as read: the values kept for the checks and
 * the zone counters they set. */
struct zone_fields {
	unsigned long val[NR_ZONE_FIELDS];
	bool seen[NR_ZONE_FIELDS];
	long stats[NR_VM_ZONE_STAT_ITEMS];
	bool stat_seen[NR_VM_ZONE_STAT_ITEMS];
};

/* The first "<Zone> free:…" of text whose zone the machine has; t is
 * left at its "free:" token (s, n). */
static struct zone *find_zone_line(struct pglist_data *pgdat, struct logtok *t,
				   const char **s, size_t *n)
{
	const char *prev = NULL;
	size_t prevn = 0;
	struct zone *zone;

	while (tok_next(t, s, n)) {
		if (prev && *n > 5 && memcmp(*s, "free:", 5) == 0 &&
		    (zone = zone_by_name(pgdat, prev, prevn)))
			return zone;
		prev = *s;
		prevn = *n;
	}
	return NULL;
}

/* The "name:NkB" token [s, s + n) into zf (abi/printed.c names the
 * fields of every version; another vendor's field is skipped).  *last is
 * set at free_cma:, the line's last field. */
static int read_field(struct pglist_data *pgdat, struct zone *zone,
		      const char *s, size_t n, struct zone_fields *zf,
		      bool *last, struct gfp_error *err)
{
	struct printed_value v;
	const char *p = s;

	if (!printed_read_value(&p, &v) || p != s + n || !*v.unit) {
		gfp_error_set(err, "zone line %s: \"%.*s\" is not a name:NkB field",
		       zone->name, (int)n, s);
		return -1;
	}
	const struct printed_field *f = printed_field_named(
		zone_line_fields, nr_zone_line_fields, v.name, v.len);
	if (!f)
		return 0;
	enum zl_store store = zl_store[f->field].store;
	unsigned long pages = v.value;

	if (store != ZL_KB_STAT && store != ZL_IGNORED &&
	    !kb_to_pages(pgdat, v.value, &pages)) {
		gfp_error_set(err, "zone line %s: %.*s is not a whole number of %lukB pages",
		       zone->name, (int)n, s, pages_to_kb(pgdat, 1));
		return -1;
	}
	if (store == ZL_STAT || store == ZL_KB_STAT) {
		zf->stats[zl_store[f->field].stat] = (long)pages;
		zf->stat_seen[zl_store[f->field].stat] = true;
	} else if (store == ZL_VALUE) {
		zf->val[f->field] = pages;
		zf->seen[f->field] = true;
	}
	*last = f->field == ZF_FREE_CMA;
	return 0;
}

/* The fields the allocator needs are there and agree with the machine. */
static int check_fields(struct pglist_data *pgdat, const struct zone *zone,
			const struct zone_fields *zf, struct gfp_error *err)
{
	static const enum zone_field required[] = {
		ZF_FREE, ZF_MIN, ZF_LOW, ZF_HIGH, ZF_PRESENT, ZF_MANAGED };
	static const char *const required_names[] = {
		"free", "min", "low", "high", "present", "managed" };
	const unsigned long *val = zf->val;

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (!zf->seen[required[i]]) {
			gfp_error_set(err, "zone line %s: no %s: field", zone->name, required_names[i]);
			return -1;
		}
	}
	if (val[ZF_PRESENT] != zone->present_pages || val[ZF_MANAGED] != zone->managed_pages) {
		gfp_error_set(err, "zone line %s: present:%lukB managed:%lukB, but the machine's zone has present:%lukB managed:%lukB",
		       zone->name, pages_to_kb(pgdat, val[ZF_PRESENT]),
		       pages_to_kb(pgdat, val[ZF_MANAGED]),
		       pages_to_kb(pgdat, zone->present_pages),
		       pages_to_kb(pgdat, zone->managed_pages));
		return -1;
	}
	if (val[ZF_MIN] > val[ZF_LOW] || val[ZF_LOW] > val[ZF_HIGH] ||
	    val[ZF_BOOST] > val[ZF_MIN]) {
		gfp_error_set(err, "zone line %s: watermarks must satisfy boost <= min <= low <= high",
		       zone->name);
		return -1;
	}
	return 0;
}

static void store_fields(struct zone *zone, const struct zone_fields *zf)
{
	const unsigned long *val = zf->val;

	pthread_mutex_lock(&zone->lock);
	/* the printed min/low/high are *_wmark_pages(): boost included */
	zone->watermark_boost = val[ZF_BOOST];
	zone->_watermark[WMARK_MIN] = val[ZF_MIN] - val[ZF_BOOST];
	zone->_watermark[WMARK_LOW] = val[ZF_LOW] - val[ZF_BOOST];
	zone->_watermark[WMARK_HIGH] = val[ZF_HIGH] - val[ZF_BOOST];
	if (zf->seen[ZF_RESERVED_HIGHATOMIC])
		zone->nr_reserved_highatomic = val[ZF_RESERVED_HIGHATOMIC];
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		if (zf->stat_seen[i])
			zone->vm_stat[i] = zf->stats[i];
	/* the free counters as printed; the buddy line's load recounts them
	 * and uses free_cma to split its multi-letter counts */
	zone->vm_stat[NR_FREE_PAGES] = (long)val[ZF_FREE];
	if (zf->seen[ZF_FREE_CMA])
		zone->vm_stat[NR_FREE_CMA_PAGES] = (long)val[ZF_FREE_CMA];
	pthread_mutex_unlock(&zone->lock);
}

int zone_load_zone_line(struct pglist_data *pgdat, const char *text,
			struct gfp_error *err)
{
	struct logtok t = { text, true };
	struct zone_fields zf;
	const char *s;
	size_t n;
	bool last = false;

	memset(&zf, 0, sizeof(zf));
	struct zone *zone = find_zone_line(pgdat, &t, &s, &n);
	if (!zone) {
		gfp_error_set(err, "zone line: expected \"<Zone> free:NkB min:NkB …\" for one of the machine's zones, found none");
		return -1;
	}
	for (;;) {
		if (read_field(pgdat, zone, s, n, &zf, &last, err))
			return -1;
		if (last)
			break;
		if (!tok_next(&t, &s, &n)) {
			gfp_error_set(err, "zone line %s: the text ends before free_cma:", zone->name);
			return -1;
		}
	}
	if (check_fields(pgdat, zone, &zf, err))
		return -1;

	struct logtok peek = t;
	bool has_reserve = tok_next(&peek, &s, &n) && tok_is(s, n, "lowmem_reserve[]:");
	if (has_reserve && parse_lowmem_reserve(pgdat, zone, &peek, err))
		return -1;
	store_fields(zone, &zf);
	return 0;
}
