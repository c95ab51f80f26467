/* The allocation decision: __alloc_pages() for the node's kernel.
 *
 * gfp → highest zone, migratetype and alloc flags; the fast path at the low
 * watermark; then the slow path as a decision.  Reclaim frees nothing in
 * this simulation (there is no page cache to shrink), so the slow path's
 * outcome follows from what the free lists, the per-cpu lists, compaction
 * and the highatomic reserve can give, and from the kernel's rules about
 * who may fail, who loops and who invokes the OOM killer.
 */
#include "config.h"

#include <string.h>

#include "abi/kver_rules.h"
#include "machine/machine.h"
#include "mm/page_alloc.h"
#include "mm/internal.h"

/* What __alloc_pages() carries through one request (struct alloc_context). */
struct alloc_context {
	struct pglist_data *pgdat;
	gfp_t gfp;
	unsigned order;
	unsigned cpu;
	int highest_zoneidx;
	int migratetype;
	struct alloc_outcome *out;
};

/* The configured index of a zone type, or -1. */
static int zone_idx_of_type(const struct pglist_data *pgdat, enum zone_type t)
{
	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		if (pgdat->node_zones[i].type == t)
			return (int)i;
	}
	return -1;
}

/* gfp_zone(): GFP_ZONE_TABLE.  A zone the build lacks maps to
 * ZONE_NORMAL (OPT_ZONE_DMA, OPT_ZONE_DMA32, OPT_ZONE_HIGHMEM); two of
 * DMA/DMA32/HIGHMEM together is GFP_ZONE_BAD. */
int gfp_zone_idx(const struct pglist_data *pgdat, gfp_t gfp)
{
	unsigned zone_bits = gfp & (__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM);
	enum zone_type t;

	if (zone_bits & (zone_bits - 1))
		return -1;
	if (gfp & __GFP_DMA)
		t = ZONE_DMA;
	else if (gfp & __GFP_DMA32)
		t = ZONE_DMA32;
	else if (gfp & __GFP_HIGHMEM)
		t = (gfp & __GFP_MOVABLE) ? ZONE_MOVABLE : ZONE_HIGHMEM;
	else
		t = ZONE_NORMAL;

	int idx = zone_idx_of_type(pgdat, t);
	if (idx < 0 && t == ZONE_MOVABLE)
		idx = zone_idx_of_type(pgdat, ZONE_HIGHMEM);
	if (idx < 0)
		idx = zone_idx_of_type(pgdat, ZONE_NORMAL);
	if (idx < 0) {
		/* no Normal zone either: the highest configured zone below */
		for (int i = (int)pgdat->nr_zones - 1; i >= 0; i--) {
			if (pgdat->node_zones[i].type < ZONE_NORMAL)
				return i;
		}
	}
	return idx;
}

/* gfp_migratetype() (gfpflags_to_migratetype() ≤5.4) */
int gfp_migratetype(gfp_t gfp)
{
	return (int)((gfp & (__GFP_RECLAIMABLE | __GFP_MOVABLE)) >> 3);
}

/* Before 4.4 masks arrive translated (gfp.h): __GFP_WAIT is
 * __GFP_DIRECT_RECLAIM, 3.10's "atomic" is __GFP_ATOMIC. */
static bool can_direct_reclaim(gfp_t gfp)
{
	return (gfp & __GFP_DIRECT_RECLAIM) != 0;
}

/* gfp_to_alloc_flags(): the slow path's flags (no rt tasks here). */
unsigned gfp_to_alloc_flags(const struct pglist_data *pgdat, gfp_t gfp,
			    unsigned order)
{
	kver_t kv = pgdat->kv;
	unsigned flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	flags |= gfp & __GFP_HIGH;              /* ALLOC_HIGH == __GFP_HIGH */
	if (kver_has(kv, KF_ALLOC_NOFRAGMENT) && (gfp & __GFP_KSWAPD_RECLAIM))
		flags |= ALLOC_KSWAPD;

	if (kver_alloc_reserves_split(kv)) {
		if (!(gfp & __GFP_DIRECT_RECLAIM)) {
			if (!(gfp & __GFP_NOMEMALLOC)) {
				flags |= ALLOC_NON_BLOCK;
				if (order > 0 &&
				    (!kver_has(kv, KF_HIGHATOMIC_NEEDS_GFP_HIGH) ||
				     (flags & ALLOC_MIN_RESERVE)))
					flags |= ALLOC_HIGHATOMIC;
			}
			if (flags & ALLOC_MIN_RESERVE)
				flags &= ~ALLOC_CPUSET;
		}
	} else {
		if (gfp & __GFP_ATOMIC) {
			if (!(gfp & __GFP_NOMEMALLOC))
				flags |= ALLOC_HARDER;
			flags &= ~ALLOC_CPUSET;
		}
	}
	if (gfp_migratetype(gfp) == MIGRATE_MOVABLE)
		flags |= ALLOC_CMA;
	return flags;
}

/* The zone the zonelist starts from: the highest populated zone at or
 * below highest_zoneidx (first_zones_zonelist()); -1 when none. */
static int preferred_zone(const struct pglist_data *pgdat, int highest_zoneidx)
{
	for (int i = highest_zoneidx; i >= 0; i--) {
		if (zone_populated(&pgdat->node_zones[i]))
			return i;
	}
	return -1;
}

/* alloc_flags_nofragment() (5.0+): with ZONE_DMA32 configured, a request
 * starting at Normal first avoids fragmenting pageblocks, trying DMA32
 * before it splits one. */
static unsigned alloc_flags_nofragment(const struct pglist_data *pgdat,
				       int preferred, gfp_t gfp)
{
	unsigned flags = 0;

	if (!kver_has(pgdat->kv, KF_ALLOC_NOFRAGMENT))
		return 0;
	if (gfp & __GFP_KSWAPD_RECLAIM)
		flags |= ALLOC_KSWAPD;
	if (zone_idx_of_type(pgdat, ZONE_DMA32) < 0 || preferred < 0)
		return flags;
	if (pgdat->node_zones[preferred].type != ZONE_NORMAL)
		return flags;
	return flags | ALLOC_NOFRAGMENT;
}

/* rmqueue(): the per-cpu lists for the orders they hold, else (and, as
 * in 6.x, when the refill found nothing) the buddy under zone->lock. */
static unsigned long take_from_zone(struct alloc_context *ac, struct zone *z,
				    unsigned alloc_flags)
{
	unsigned long pfn = PFN_NIL;

	if (pcp_allowed_order(ac->pgdat, ac->order)) {
		pfn = pcp_alloc(z, ac->order, ac->migratetype, alloc_flags,
				ac->cpu);
		if (pfn != PFN_NIL)
			return pfn;
	}
	pthread_mutex_lock(&z->lock);
	pfn = rmqueue(z, ac->order, ac->migratetype, alloc_flags);
	pthread_mutex_unlock(&z->lock);
	return pfn;
}

/* The allocation may turn its pageblock into a highatomic reserve:
 * ≤6.2 and 6.1.0–6.1.115 for order > 0 with ALLOC_HARDER, later for
 * ALLOC_HIGHATOMIC. */
static bool may_reserve_highatomic(kver_t kv, unsigned order,
				   unsigned alloc_flags)
{
	if (kver_alloc_reserves_split(kv))
		return (alloc_flags & ALLOC_HIGHATOMIC) != 0;
	return kver_has(kv, KF_MIGRATE_HIGHATOMIC) && order &&
	       (alloc_flags & ALLOC_HARDER);
}

/* get_page_from_freelist(): walk the zones from the preferred one down,
 * take from the first whose watermark allows it.  A NOFRAGMENT pass that
 * found nothing is repeated without the flag. */
static unsigned long get_page_from_freelist(struct alloc_context *ac,
					    unsigned alloc_flags)
{
	struct pglist_data *pgdat = ac->pgdat;
	struct alloc_outcome *out = ac->out;
	int preferred = preferred_zone(pgdat, ac->highest_zoneidx);
	unsigned reserve_idx = (unsigned)(!kver_has(pgdat->kv,
		KF_LOWMEM_RESERVE_HIGHEST_ZONEIDX) && preferred >= 0 ?
					  preferred : ac->highest_zoneidx);

retry:
	out->alloc_flags = alloc_flags;
	out->nr_attempts = 0;
	for (int i = preferred; i >= 0; i--) {
		struct zone *z = &pgdat->node_zones[i];
		struct zone_attempt *seen = &out->attempts[out->nr_attempts++];
		unsigned wmark = alloc_flags & ALLOC_WMARK_MASK;
		unsigned long mark = z->_watermark[wmark] + z->watermark_boost;

		memset(seen, 0, sizeof(*seen));
		seen->zone_idx = z->idx;
		if (!zone_populated(z))
			continue;
		if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
		    !zone_watermark_fast(z, ac->order, mark, reserve_idx,
					 alloc_flags, ac->gfp, seen))
			continue;

		unsigned long pfn = take_from_zone(ac, z, alloc_flags);
		if (pfn == PFN_NIL)
			continue;
		if (may_reserve_highatomic(pgdat->kv, ac->order, alloc_flags))
			reserve_highatomic_pageblock(z, pfn, ac->order);
		out->zone_idx = z->idx;
		out->pfn = pfn;
		return pfn;
	}
	if (alloc_flags & ALLOC_NOFRAGMENT) {
		alloc_flags &= ~ALLOC_NOFRAGMENT;
		goto retry;
	}
	return PFN_NIL;
}

/* __gfp_pfmemalloc_flags(): __GFP_MEMALLOC without __GFP_NOMEMALLOC
 * ignores the watermarks (PF_MEMALLOC tasks and OOM victims are not
 * simulated). */
static unsigned reserve_flags(gfp_t gfp)
{
	if (gfp & __GFP_NOMEMALLOC)
		return 0;
	return (gfp & __GFP_MEMALLOC) ? ALLOC_NO_WATERMARKS : 0;
}

/* Direct compaction over the zones the request may use; only orders > 0
 * and only callers that may do I/O (try_to_compact_pages()). */
static bool direct_compact(struct alloc_context *ac, unsigned alloc_flags)
{
	bool made = false;

	if (!ac->order || !(ac->gfp & __GFP_IO))
		return false;
	for (int i = preferred_zone(ac->pgdat, ac->highest_zoneidx); i >= 0; i--) {
		struct zone *z = &ac->pgdat->node_zones[i];
		if (zone_populated(z) &&
		    try_compact_zone(z, ac->order, ac->migratetype, alloc_flags)) {
			made = true;
			break;
		}
	}
	return made;
}

/* unreserve_highatomic_pageblock() until a retry succeeds or nothing is
 * left to give back. */
static unsigned long unreserve_and_retry(struct alloc_context *ac,
					 unsigned alloc_flags, bool force)
{
	while (unreserve_highatomic_pageblock(ac->pgdat,
					      (unsigned)ac->highest_zoneidx,
					      ac->migratetype, force)) {
		unsigned long pfn = get_page_from_freelist(ac, alloc_flags);
		if (pfn != PFN_NIL)
			return pfn;
	}
	return PFN_NIL;
}

/* __alloc_pages_may_oom(): the requests for which the OOM killer is not
 * invoked and the allocation fails instead. */
static bool oom_would_kill(struct alloc_context *ac)
{
	const struct pglist_data *pgdat = ac->pgdat;
	gfp_t gfp = ac->gfp;

	if (!kver_has(pgdat->kv, KF_NOFAIL_CHECKED) && (gfp & __GFP_NOFAIL))
		return true;
	if (ac->order > PAGE_ALLOC_COSTLY_ORDER)
		return false;
	if (kver_has(pgdat->kv, KF_RETRY_MAYFAIL) && (gfp & __GFP_RETRY_MAYFAIL))
		return false;
	/* the OOM killer does not kill for lowmem (DMA/DMA32-only) requests */
	if (pgdat->node_zones[ac->highest_zoneidx].type < ZONE_NORMAL)
		return false;
	if (gfp & __GFP_THISNODE)
		return false;
	return true;
}

static enum alloc_verdict got_pages(struct alloc_outcome *out,
				    enum alloc_verdict v)
{
	out->verdict = v;
	return v;
}

/* __alloc_pages_slowpath() as a decision; each step is one escalation. */
static enum alloc_verdict alloc_slowpath(struct alloc_context *ac)
{
	struct pglist_data *pgdat = ac->pgdat;
	struct alloc_outcome *out = ac->out;
	kver_t kv = pgdat->kv;
	bool reclaim = can_direct_reclaim(ac->gfp);
	bool costly = ac->order > PAGE_ALLOC_COSTLY_ORDER;
	bool split = kver_alloc_reserves_split(kv);
	unsigned long pfn;

	/* ≤6.2: __GFP_ATOMIC together with direct reclaim is a caller bug
	 * (WARN_ON_ONCE) and the atomic bit is dropped */
	if (!split && (ac->gfp & __GFP_ATOMIC) && (ac->gfp & __GFP_DIRECT_RECLAIM))
		ac->gfp &= ~__GFP_ATOMIC;

	/* retry at min with the slow path's reserve discounts */
	unsigned alloc_flags = gfp_to_alloc_flags(pgdat, ac->gfp, ac->order);
	pfn = get_page_from_freelist(ac, alloc_flags);
	if (pfn != PFN_NIL)
		return got_pages(out, ALLOC_OK);

	/* costly (and, from 5.x, unmovable high-order) requests compact
	 * before reclaiming */
	bool compact_first = !kver_has(pgdat->kv, KF_COMPACT_UNMOVABLE_FIRST) ?
		costly :
		(costly || (ac->order > 0 && ac->migratetype != MIGRATE_MOVABLE));
	unsigned rflags = reserve_flags(ac->gfp);
	if (reclaim && compact_first && !rflags) {
		if (direct_compact(ac, alloc_flags)) {
			pfn = get_page_from_freelist(ac, alloc_flags);
			if (pfn != PFN_NIL)
				return got_pages(out, ALLOC_OK_AFTER_RECLAIM);
		} else if (costly && (ac->gfp & __GFP_NORETRY)) {
			/* compaction deferred/skipped: give up early */
			goto nopage;
		}
	}

	/* __GFP_MEMALLOC: no watermarks at all */
	if (rflags) {
		alloc_flags = rflags | (alloc_flags & (ALLOC_CMA | ALLOC_KSWAPD));
		pfn = get_page_from_freelist(ac, alloc_flags);
		if (pfn != PFN_NIL)
			return got_pages(out, ALLOC_OK);
	}

	/* atomic and other non-sleeping requests end here */
	if (!reclaim)
		goto nopage;

	/* direct reclaim frees nothing; on failure the kernel releases the
	 * highatomic reserve (keeping a zone's last block) and drains the
	 * per-cpu lists, then retries once */
	pfn = unreserve_and_retry(ac, alloc_flags, false);
	if (pfn != PFN_NIL)
		return got_pages(out, ALLOC_OK_AFTER_RECLAIM);
	drain_all_pages(pgdat);
	pfn = get_page_from_freelist(ac, alloc_flags);
	if (pfn != PFN_NIL)
		return got_pages(out, ALLOC_OK_AFTER_RECLAIM);

	/* direct compaction */
	if (direct_compact(ac, alloc_flags)) {
		pfn = get_page_from_freelist(ac, alloc_flags);
		if (pfn != PFN_NIL)
			return got_pages(out, ALLOC_OK_AFTER_RECLAIM);
	}

	if (ac->gfp & __GFP_NORETRY)
		goto nopage;
	/* costly orders give up unless the caller asked to retry (6.x: and
	 * could compact at all) */
	if (costly && (!(ac->gfp & __GFP_RETRY_MAYFAIL) ||
		       (kver_has(kv, KF_COSTLY_NEEDS_GFP_IO) && !(ac->gfp & __GFP_IO))))
		goto nopage;

	/* should_reclaim_retry() runs out of no-progress loops */
	if (kver_has(pgdat->kv, KF_UNRESERVE_BEFORE_OOM)) {
		pfn = unreserve_and_retry(ac, alloc_flags, true);
		if (pfn != PFN_NIL)
			return got_pages(out, ALLOC_OK_AFTER_RECLAIM);
	}

	if (oom_would_kill(ac)) {
		/* a __GFP_NOFAIL request is then given every reserve */
		if (ac->gfp & __GFP_NOFAIL) {
			pfn = get_page_from_freelist(ac, ALLOC_NO_WATERMARKS |
						     (alloc_flags & ALLOC_CMA));
			if (pfn != PFN_NIL)
				return got_pages(out, ALLOC_OK_AFTER_RECLAIM);
		}
		return got_pages(out, ALLOC_FAIL_OOM);
	}

nopage:
	/* __GFP_NOFAIL that may reclaim never fails: it tries the min
	 * reserve ignoring cpusets and loops (reported as the OOM path it
	 * keeps re-entering) */
	if ((ac->gfp & __GFP_NOFAIL) && reclaim) {
		unsigned nofail_flags = split ? ALLOC_MIN_RESERVE : ALLOC_HARDER;
		pfn = get_page_from_freelist(ac, nofail_flags |
					     (alloc_flags & ALLOC_CMA));
		if (pfn != PFN_NIL)
			return got_pages(out, ALLOC_OK_AFTER_RECLAIM);
		return got_pages(out, ALLOC_FAIL_OOM);
	}
	return got_pages(out, ALLOC_FAIL);
}

bool alloc_pages_node(struct pglist_data *pgdat, gfp_t gfp, unsigned order,
		      unsigned cpu, struct alloc_outcome *out)
{
	struct alloc_context ac = {
		.pgdat = pgdat, .gfp = gfp, .order = order,
		.cpu = cpu < pgdat->nr_cpus ? cpu : cpu % pgdat->nr_cpus,
		.out = out,
	};

	memset(out, 0, sizeof(*out));
	out->pfn = PFN_NIL;
	out->migratetype = gfp_migratetype(gfp);
	ac.migratetype = out->migratetype;

	/* too large an order is refused before any attempt (WARN, no report) */
	if (order >= pgdat->nr_page_orders) {
		out->verdict = ALLOC_FAIL_ORDER;
		return false;
	}
	ac.highest_zoneidx = gfp_zone_idx(pgdat, gfp);
	if (ac.highest_zoneidx < 0) {
		out->verdict = ALLOC_FAIL_BAD_GFP;
		return false;
	}
	out->highest_zoneidx = (unsigned)ac.highest_zoneidx;

	/* fast path: the low watermark, movable requests may use CMA */
	unsigned alloc_flags = ALLOC_WMARK_LOW;
	if (ac.migratetype == MIGRATE_MOVABLE)
		alloc_flags |= ALLOC_CMA;
	alloc_flags |= alloc_flags_nofragment(pgdat,
			preferred_zone(pgdat, ac.highest_zoneidx), gfp);
	if (get_page_from_freelist(&ac, alloc_flags) != PFN_NIL) {
		out->verdict = ALLOC_OK;
		return true;
	}
	enum alloc_verdict v = alloc_slowpath(&ac);
	return v == ALLOC_OK || v == ALLOC_OK_AFTER_RECLAIM;
}

/* free_unref_page(): order-0 (5.14+: ≤ costly) blocks go to this CPU's
 * lists unless their pageblock is isolated; the rest to the buddy. */
void free_pages_node(struct pglist_data *pgdat, unsigned long pfn,
		     unsigned order, unsigned cpu)
{
	struct zone *z = page_zone(pgdat, pfn_to_page(pgdat, pfn));
	int mt = get_pageblock_migratetype(pgdat, pfn);

	if (cpu >= pgdat->nr_cpus)
		cpu %= pgdat->nr_cpus;
	if (mt != MIGRATE_ISOLATE && pcp_free(z, pfn, order, mt, cpu))
		return;
	pthread_mutex_lock(&z->lock);
	free_one_page(z, pfn, order, mt);
	pthread_mutex_unlock(&z->lock);
}
