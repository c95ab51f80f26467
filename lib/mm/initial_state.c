/* The profile's initial heap state applied to the node after node_init()
 * (mm/initial_state.h); the settings are checked by machine/initial.c. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/prim.h"
#include "machine/initial.h"
#include "mm/deferred.h"
#include "mm/initial_state.h"
#include "mm/page_alloc.h"
#include "mm/zone_load.h"
#include "mm/internal.h"
#include "mm/node.h"

/* A pagetypeinfo file is read into one buffer at a time. */
static char ptinfo_buf[MACHINE_FILE_MAX];
static pthread_mutex_t ptinfo_lock = PTHREAD_MUTEX_INITIALIZER;

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
		initial_parse_fragment(v, &pm, &movable);
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
			if (initial_kind_of(line) != kind)
				continue;
			if (apply_one(pgdat, d, kind, eq + 3, &rng, err))
				return apply_error(err, d, line);
		}
	}
	return 0;
}
