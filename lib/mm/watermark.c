/* Watermarks: min_free_kbytes, the per-zone min/low/high marks,
 * lowmem_reserve, the per-cpu list sizes that follow from them, and the
 * __zone_watermark_ok() check — each as the node's kernel computes it.
 */
#include "config.h"

#include <stdint.h>

#include "abi/kver_rules.h"
#include "machine/machine.h"
#include "mm/page_alloc.h"
#include "mm/node.h"

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, bit = 1UL << (sizeof(long) * 8 - 2);

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

static unsigned long mult_frac(unsigned long x, unsigned long n,
			       unsigned long d)
{
	return (x / d) * n + ((x % d) * n) / d;
}

static bool is_highmem_type(enum zone_type t)
{
	return t == ZONE_HIGHMEM;
}

static unsigned long high_wmark(const struct zone *z)
{
	return z->_watermark[WMARK_HIGH] + z->watermark_boost;
}

/* nr_free_buffer_pages(): managed pages above the high mark in the zones
 * GFP_USER may use (ZONE_NORMAL and below). */
static unsigned long nr_free_buffer_pages(const struct pglist_data *pgdat)
{
	unsigned long sum = 0;

	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		const struct zone *z = &pgdat->node_zones[i];
		if (z->type > ZONE_NORMAL)
			continue;
		if (z->managed_pages > high_wmark(z))
			sum += z->managed_pages - high_wmark(z);
	}
	return sum;
}

/* init_per_zone_wmark_min() / calculate_min_free_kbytes(): the cap was
 * raised from 64 MiB to 256 MiB in 5.7. */
static long default_min_free_kbytes(const struct pglist_data *pgdat)
{
	unsigned long lowmem_kbytes = nr_free_buffer_pages(pgdat) <<
				      (pgdat->page_shift - 10);
	long v = (long)int_sqrt(lowmem_kbytes * 16);
	long cap = kver_has(pgdat->kv, KF_MIN_FREE_KBYTES_256M) ? 262144 : 65536;

	if (v < 128)
		v = 128;
	if (v > cap)
		v = cap;
	return v;
}

/* __setup_per_zone_wmarks() */
static void setup_per_zone_wmarks(struct pglist_data *pgdat)
{
	kver_t kv = pgdat->kv;
	unsigned long pages_min = (unsigned long)pgdat->min_free_kbytes >>
				  (pgdat->page_shift - 10);
	unsigned long lowmem_pages = 0;
	/* 6.12 leaves ZONE_MOVABLE out of the proportional split */
	bool movable_like_highmem = kver_has(kv, KF_WMARK_LOWMEM_ONLY);

	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		const struct zone *z = &pgdat->node_zones[i];
		if (!is_highmem_type(z->type) &&
		    !(movable_like_highmem && z->type == ZONE_MOVABLE))
			lowmem_pages += z->managed_pages;
	}

	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		struct zone *z = &pgdat->node_zones[i];
		unsigned long managed = z->managed_pages;
		uint64_t tmp = lowmem_pages ?
			(uint64_t)pages_min * managed / lowmem_pages : 0;

		if (is_highmem_type(z->type) ||
		    (movable_like_highmem && z->type == ZONE_MOVABLE)) {
			/* highmem gets a token min: __GFP_HIGH should not
			 * dip into it */
			unsigned long m = managed / 1024;
			if (m < 32)
				m = 32;
			if (m > 128)
				m = 128;
			z->_watermark[WMARK_MIN] = m;
		} else {
			z->_watermark[WMARK_MIN] = (unsigned long)tmp;
		}

		if (!kver_has(kv, KF_WATERMARK_SCALE_FACTOR)) {
			/* before watermark_scale_factor: min + 1/4, min + 1/2 */
			z->_watermark[WMARK_LOW] = z->_watermark[WMARK_MIN] + (tmp >> 2);
			z->_watermark[WMARK_HIGH] = z->_watermark[WMARK_MIN] + (tmp >> 1);
		} else {
			unsigned long gap = (unsigned long)(tmp >> 2);
			unsigned long scaled = mult_frac(managed,
					pgdat->watermark_scale_factor, 10000);
			if (scaled > gap)
				gap = scaled;
			z->_watermark[WMARK_LOW] = z->_watermark[WMARK_MIN] + gap;
			z->_watermark[WMARK_HIGH] = z->_watermark[WMARK_MIN] + 2 * gap;
		}
		z->watermark_boost = 0;
		z->boosted = false;
	}
}

/* sysctl_lowmem_reserve_ratio[] by zone type.  4.9 (array of
 * MAX_NR_ZONES-1, positional) gives Normal and HighMem 32; from 4.16 the
 * array is indexed by zone and HighMem/Movable hold 0 (no reserve). */
static int lowmem_reserve_ratio(kver_t kv, enum zone_type t)
{
	switch (t) {
	case ZONE_DMA:
	case ZONE_DMA32:
		return 256;
	case ZONE_NORMAL:
		return 32;
	case ZONE_HIGHMEM:
		return kver_has(kv, KF_LOWMEM_RESERVE_ZERO_RATIO) ? 0 : 32;
	default:
		return 0;
	}
}

/* setup_per_zone_lowmem_reserve(): zone i keeps back, from a request that
 * could have used zone j > i, the managed pages of zones i+1..j over i's
 * ratio.  4.9 forces a ratio below 1 up to 1; later kernels read it as
 * "no reserve", and from 5.8 an empty zone reserves nothing. */
static void setup_per_zone_lowmem_reserve(struct pglist_data *pgdat)
{
	kver_t kv = pgdat->kv;

	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		struct zone *z = &pgdat->node_zones[i];
		int ratio = lowmem_reserve_ratio(kv, z->type);
		bool clear = false;
		unsigned long managed = 0;

		if (ratio < 1) {
			if (kver_has(kv, KF_LOWMEM_RESERVE_ZERO_RATIO))
				clear = true;
			else
				ratio = 1;
		}
		if (kver_has(kv, KF_LOWMEM_RESERVE_EMPTY_ZONE) && !z->managed_pages)
			clear = true;
		for (unsigned j = 0; j < MAX_NR_ZONES; j++)
			z->lowmem_reserve[j] = 0;
		for (unsigned j = i + 1; j < pgdat->nr_zones; j++) {
			managed += pgdat->node_zones[j].managed_pages;
			z->lowmem_reserve[j] = clear ? 0 : (long)(managed / (unsigned long)ratio);
		}
	}
}

/* set_recommended_min_free_kbytes() (khugepaged): room for a free pageblock
 * per migratetype per zone, at most 5% of lowmem.  6.12 counts only the
 * zones GFP_USER may use. */
static void thp_raise_min_free_kbytes(struct pglist_data *pgdat)
{
	unsigned long nr_zones = 0;

	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		const struct zone *z = &pgdat->node_zones[i];
		if (!zone_populated(z))
			continue;
		if (kver_has(pgdat->kv, KF_THP_MIN_FREE_LOWMEM_ONLY) &&
		    z->type > ZONE_NORMAL)
			continue;
		nr_zones++;
	}
	unsigned long pb = pageblock_nr_pages(pgdat);
	unsigned long recommended = pb * nr_zones * 2 +
		pb * nr_zones * MIGRATE_PCPTYPES * MIGRATE_PCPTYPES;
	unsigned long cap = nr_free_buffer_pages(pgdat) / 20;
	if (recommended > cap)
		recommended = cap;
	recommended <<= pgdat->page_shift - 10;
	if ((long)recommended > pgdat->min_free_kbytes) {
		pgdat->min_free_kbytes = (long)recommended;
		setup_per_zone_wmarks(pgdat);
	}
}

static unsigned long rounddown_pow_of_two(unsigned long x)
{
	return x ? 1UL << (sizeof(long) * 8 - 1 - (unsigned)__builtin_clzl(x)) : 0;
}

/* zone_batchsize(): ~0.1% of the zone, at most 512 KiB (1 MiB from 5.14),
 * a power of two minus one. */
static int zone_batchsize(const struct pglist_data *pgdat,
			  const struct zone *z)
{
	unsigned long limit = (kver_has(pgdat->kv, KF_PCP_HIGH_ORDER) ? 1024UL : 512UL) *
			      1024 >> pgdat->page_shift;
	unsigned long batch = z->managed_pages / 1024;

	if (batch > limit)
		batch = limit;
	batch /= 4;
	if (batch < 1)
		batch = 1;
	return (int)(rounddown_pow_of_two(batch + batch / 2) - 1);
}

/* zone_pcp_update(): high is 6 × batch until 5.13; from 5.14 the low
 * watermark split over the node's CPUs (zone_highsize()), at least
 * 4 × batch. */
static void zone_pcp_update(struct pglist_data *pgdat, struct zone *z)
{
	int batch = zone_batchsize(pgdat, z);
	int high;

	if (kver_has(pgdat->kv, KF_PCP_HIGH_ORDER)) {
		unsigned long low = z->_watermark[WMARK_LOW] + z->watermark_boost;
		high = (int)(low / pgdat->nr_cpus);
		if (high < batch * 4)
			high = batch * 4;
	} else {
		high = 6 * batch;
	}
	for (unsigned cpu = 0; cpu < pgdat->nr_cpus; cpu++) {
		z->pcp[cpu].batch = batch;
		z->pcp[cpu].high = high;
	}
}

/* init_per_zone_wmark_min(): min_free_kbytes, the marks and
 * lowmem_reserve from the managed pages the zones have at that initcall. */
static void init_per_zone_wmark_min(struct pglist_data *pgdat)
{
	/* KF_WMARK_INIT_BEFORE_CMA: the initcall ran while the CMA pages were
	 * still memblock-reserved and not yet in managed_pages
	 * (init_cma_reserved_pageblock() adds them): mm/page_alloc.o links
	 * before mm/cma.o. */
	bool before_cma = kver_has(pgdat->kv, KF_WMARK_INIT_BEFORE_CMA);

	if (before_cma)
		for (unsigned i = 0; i < pgdat->nr_zones; i++)
			pgdat->node_zones[i].managed_pages -= pgdat->node_zones[i].cma_pages;
	pgdat->min_free_kbytes = default_min_free_kbytes(pgdat);
	setup_per_zone_wmarks(pgdat);
	setup_per_zone_lowmem_reserve(pgdat);
	if (before_cma)
		for (unsigned i = 0; i < pgdat->nr_zones; i++)
			pgdat->node_zones[i].managed_pages += pgdat->node_zones[i].cma_pages;
}

void node_setup_watermarks(struct pglist_data *pgdat)
{
	const struct machine_desc *d = pgdat->desc;

	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		struct zone *z = &pgdat->node_zones[i];
		for (int w = 0; w < NR_WMARK; w++)
			z->_watermark[w] = 0;
		z->watermark_boost = 0;
	}
	/* boot: the default formula over lowmem, no watermarks yet; what
	 * follows (khugepaged, the sysctl) runs with the CMA pages managed */
	init_per_zone_wmark_min(pgdat);
	if (d && d->thp)
		thp_raise_min_free_kbytes(pgdat);
	/* vm.min_free_kbytes written after boot replaces the value and
	 * recomputes the marks (min_free_kbytes_sysctl_handler()) */
	if (d && d->min_free_kbytes >= 0) {
		pgdat->min_free_kbytes = d->min_free_kbytes;
		setup_per_zone_wmarks(pgdat);
	}
	for (unsigned i = 0; i < pgdat->nr_zones; i++)
		zone_pcp_update(pgdat, &pgdat->node_zones[i]);
}

static bool free_list_empty(const struct free_area *area, int mt)
{
	return area->free_list[mt] == PFN_NIL;
}

/* The order loop of __zone_watermark_ok(): a free block of at least
 * `order` on a list this request may take from. */
static bool zone_has_block(const struct zone *z, unsigned order,
			   unsigned alloc_flags, bool harder)
{
	kver_t kv = z->zone_pgdat->kv;

	for (unsigned o = order; o < z->zone_pgdat->nr_page_orders; o++) {
		const struct free_area *area = &z->free_area[o];
		if (!area->nr_free)
			continue;
		/* 4.9: a harder request may use any free block */
		if (!kver_has(kv, KF_HARDER_NEEDS_BLOCK) && harder)
			return true;
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
			if (!free_list_empty(area, mt))
				return true;
		}
		if ((alloc_flags & ALLOC_CMA) && !free_list_empty(area, MIGRATE_CMA))
			return true;
		if (free_list_empty(area, MIGRATE_HIGHATOMIC))
			continue;
		if (kver_alloc_reserves_split(kv) ?
		    (alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) != 0 : harder)
			return true;
	}
	return false;
}

/* __zone_watermark_unusable_free() and its open-coded ancestors: the
 * order's tail, the highatomic reserve unless the request may use it, free
 * CMA unless the request is movable.  Also says whether the request is
 * "harder" (≤6.2: ALLOC_HARDER, from 4.15 also ALLOC_OOM). */
static long unusable_free(const struct zone *z, unsigned order,
			  unsigned alloc_flags, bool *harder)
{
	kver_t kv = z->zone_pgdat->kv;
	long unusable = (1L << order) - 1;
	bool may_use_highatomic;

	if (kver_alloc_reserves_split(kv)) {
		*harder = false;
		may_use_highatomic = (alloc_flags & ALLOC_RESERVES) != 0;
	} else {
		unsigned mask = kver_has(kv, KF_ALLOC_OOM) ? ALLOC_HARDER | ALLOC_OOM :
						       ALLOC_HARDER;
		*harder = (alloc_flags & mask) != 0;
		may_use_highatomic = *harder;
	}
	/* 6.12.y (backport) discounts only the reserve's free pages */
	if (!may_use_highatomic)
		unusable += (long)(kver_has(kv, KF_NR_FREE_HIGHATOMIC) ?
				   z->nr_free_highatomic :
						       z->nr_reserved_highatomic);
	if (!(alloc_flags & ALLOC_CMA))
		unusable += z->vm_stat[NR_FREE_CMA_PAGES];
	return unusable;
}

/* The watermark after the reserve discounts the request is entitled to. */
static long discounted_min(kver_t kv, long min, unsigned alloc_flags)
{
	if (kver_alloc_reserves_split(kv)) {
		if (alloc_flags & ALLOC_RESERVES) {
			if (alloc_flags & ALLOC_MIN_RESERVE) {
				min -= min / 2;
				if (alloc_flags & ALLOC_NON_BLOCK)
					min -= min / 4;
			}
			if (alloc_flags & ALLOC_OOM)
				min -= min / 2;
		}
		return min;
	}
	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (kver_has(kv, KF_ALLOC_OOM) && (alloc_flags & ALLOC_OOM))
		min -= min / 2;
	else if (alloc_flags & ALLOC_HARDER)
		min -= min / 4;
	return min;
}

/* What a watermark check saw, for reports and `gfpshim explain`. */
static void note_attempt(struct zone_attempt *seen, const struct zone *z,
			 unsigned long mark, long min, long usable, long reserve,
			 bool ok, bool has_block)
{
	if (!seen)
		return;
	seen->zone_idx = z->idx;
	seen->mark = mark;
	seen->min = min;
	seen->free_pages = z->vm_stat[NR_FREE_PAGES];
	seen->usable = usable;
	seen->lowmem_reserve = reserve;
	seen->watermark_ok = ok;
	seen->has_block = has_block;
}

/* Before 4.4 ("mm, page_alloc: only enforce watermarks for order-0
 * allocations") __zone_watermark_ok() had no per-list check: each lower
 * order's free pages were taken away from the count while the watermark
 * halved per order.  CMA is discounted only against the first test. */
static bool order_loop_pre_4_4(const struct zone *z, unsigned order,
			       long free_pages, long min)
{
	for (unsigned o = 0; o < order; o++) {
		free_pages -= (long)(z->free_area[o].nr_free << o);
		min >>= 1;
		if (free_pages <= min)
			return false;
	}
	return true;
}

bool zone_watermark_ok(struct zone *z, unsigned order, unsigned long mark,
		       unsigned highest_zoneidx, unsigned alloc_flags,
		       struct zone_attempt *seen)
{
	kver_t kv = z->zone_pgdat->kv;
	bool harder;
	long free_pages = z->vm_stat[NR_FREE_PAGES];
	long usable = free_pages - unusable_free(z, order, alloc_flags, &harder);
	long min = discounted_min(kv, (long)mark, alloc_flags);
	long reserve = z->lowmem_reserve[highest_zoneidx];
	bool has_block = !kver_has(kv, KF_WMARK_BLOCK_CHECK) ?
		order_loop_pre_4_4(z, order, free_pages - ((1L << order) - 1), min) :
		zone_has_block(z, order, alloc_flags, harder);
	bool ok = usable > min + reserve && (!order || has_block);

	note_attempt(seen, z, mark, min, usable, reserve, ok, has_block);
	return ok;
}

bool zone_watermark_fast(struct zone *z, unsigned order, unsigned long mark,
			 unsigned highest_zoneidx, unsigned alloc_flags,
			 gfp_t gfp, struct zone_attempt *seen)
{
	kver_t kv = z->zone_pgdat->kv;
	long free_pages = z->vm_stat[NR_FREE_PAGES];
	long reserve = z->lowmem_reserve[highest_zoneidx];

	/* order-0 shortcut: only the unusable pages, no reserve discounts */
	if (!order) {
		long usable;
		if (kver_has(kv, KF_WMARK_FAST_UNUSABLE)) {
			bool harder;
			long unusable = unusable_free(z, 0, alloc_flags, &harder);
			usable = free_pages - (unusable < free_pages ? unusable : free_pages);
		} else {
			usable = free_pages - ((alloc_flags & ALLOC_CMA) ? 0 :
					       z->vm_stat[NR_FREE_CMA_PAGES]);
		}
		if (usable > (long)mark + reserve) {
			note_attempt(seen, z, mark, (long)mark, usable, reserve,
				     true, usable > 0);
			return true;
		}
	}
	if (zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, seen))
		return true;

	/* 5.4+: an atomic order-0 request at min ignores the boost */
	bool atomic = kver_has(kv, KF_NO_GFP_ATOMIC) ?
		      (alloc_flags & ALLOC_MIN_RESERVE) != 0 :
					    (gfp & __GFP_ATOMIC) != 0;
	if (kver_has(kv, KF_ATOMIC_IGNORES_BOOST) && !order && atomic &&
	    z->watermark_boost &&
	    (alloc_flags & ALLOC_WMARK_MASK) == WMARK_MIN)
		return zone_watermark_ok(z, order, z->_watermark[WMARK_MIN],
					 highest_zoneidx, alloc_flags, seen);
	return false;
}
