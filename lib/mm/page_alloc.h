/* The page allocator: requests in, frames or a verdict out.
 *
 * alloc_pages_node() follows __alloc_pages(): gfp → highest zone,
 * migratetype and alloc flags for the node's kernel version; the fast path
 * (low watermark) once; then the slow-path decision.  Reclaim and
 * compaction are not simulated as work: the slow path decides, with the
 * kernel's rules, whether the request would have succeeded after them,
 * would fail with "page allocation failure", or would invoke the OOM killer.
 * The outcome records enough (the zones tried, the watermark numbers) for a
 * report or an explanation to be printed afterwards.
 */
#ifndef GFPSHIM_PAGE_ALLOC_H
#define GFPSHIM_PAGE_ALLOC_H

#include <stdbool.h>

#include "abi/kver_rules.h"
#include "mm/mmzone.h"

#define PAGE_ALLOC_COSTLY_ORDER 3

/* alloc_flags (mm/internal.h); the names follow the node's kernel:
 * ALLOC_HARDER ≤6.2 and 6.1.0–6.1.115, ALLOC_NON_BLOCK after. */
#define ALLOC_WMARK_MIN      WMARK_MIN
#define ALLOC_WMARK_LOW      WMARK_LOW
#define ALLOC_WMARK_HIGH     WMARK_HIGH
#define ALLOC_WMARK_MASK     0x03u
#define ALLOC_NO_WATERMARKS  0x04u
#define ALLOC_OOM            0x08u
#define ALLOC_HARDER         0x10u
#define ALLOC_NON_BLOCK      0x10u
#define ALLOC_HIGH           0x20u
#define ALLOC_MIN_RESERVE    0x20u
#define ALLOC_CPUSET         0x40u
#define ALLOC_CMA            0x80u
#define ALLOC_NOFRAGMENT     0x100u
#define ALLOC_HIGHATOMIC     0x200u
#define ALLOC_KSWAPD         0x800u
#define ALLOC_RESERVES \
	(ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

/* KF_ALLOC_RESERVES_SPLIT; false: the ALLOC_HARDER/ALLOC_HIGH rules of
 * 4.x–6.2. */
static inline bool kver_alloc_reserves_split(kver_t kv)
{
	return kver_has(kv, KF_ALLOC_RESERVES_SPLIT);
}

/* One ALLOC_* flag's name in kernel kv; NULL for a flag kv has no name for
 * (ALLOC_HIGHATOMIC before the split). */
const char *alloc_flag_name(unsigned flag, kver_t kv);
/* alloc_flags as kv names them, "ALLOC_WMARK_MIN|ALLOC_CPUSET|...", into
 * buf, cut at its end; the flags in omit are left out. */
void alloc_flags_format(char *buf, size_t len, unsigned flags, kver_t kv,
			unsigned omit);

/* Why a request did not get memory. */
enum alloc_verdict {
	ALLOC_OK,                       /* pages were taken */
	ALLOC_OK_AFTER_RECLAIM,         /* slow path: reclaim/compaction would
	                                   have freed enough; pages were taken */
	ALLOC_FAIL,                     /* "page allocation failure" */
	ALLOC_FAIL_OOM,                 /* the OOM killer would be invoked */
	ALLOC_FAIL_ORDER,               /* order ≥ NR_PAGE_ORDERS: WARN, no report */
	ALLOC_FAIL_BAD_GFP,             /* two zone modifiers (VM_BUG_ON) */
};

/* What the allocator saw in one zone, for reports and `gfpshim explain`. */
struct zone_attempt {
	unsigned zone_idx;
	unsigned long mark;             /* watermark before reserve discounts */
	long min;                       /* after ALLOC_HIGH/HARDER discounts */
	long free_pages;                /* NR_FREE_PAGES */
	long usable;                    /* free − unusable (CMA, highatomic, order) */
	long lowmem_reserve;
	bool watermark_ok;
	bool has_block;                 /* a free block ≥ order on an allowed list */
};

struct alloc_outcome {
	enum alloc_verdict verdict;
	unsigned long pfn;              /* first frame, when the verdict is OK */
	unsigned zone_idx;              /* zone the pages came from */
	unsigned highest_zoneidx;       /* gfp_zone() as a configured index */
	int migratetype;                /* gfp_migratetype() */
	unsigned alloc_flags;           /* the last attempt's flags */
	unsigned nr_attempts;
	struct zone_attempt attempts[MAX_NR_ZONES];
};

/* Allocate 2^order frames.  `cpu` selects the per-cpu lists.  Never prints:
 * the caller reports from the outcome.  Returns true when pages were taken.
 * pgdat's zone locks are taken inside. */
bool alloc_pages_node(struct pglist_data *pgdat, gfp_t gfp, unsigned order,
		      unsigned cpu, struct alloc_outcome *out);

/* Free 2^order frames starting at pfn (as allocated). */
void free_pages_node(struct pglist_data *pgdat, unsigned long pfn,
		     unsigned order, unsigned cpu);

/* Return one CPU's per-cpu pages to the buddy (drain_pages()). */
void drain_pages(struct pglist_data *pgdat, unsigned cpu);

/* gfp helpers, per the node's kernel (gfp_zone(), gfp_migratetype(),
 * gfp_to_alloc_flags()). gfp_zone returns a configured zone index, or -1
 * for a bad combination of zone modifiers. */
int gfp_zone_idx(const struct pglist_data *pgdat, gfp_t gfp);
int gfp_migratetype(gfp_t gfp);
unsigned gfp_to_alloc_flags(const struct pglist_data *pgdat, gfp_t gfp,
			    unsigned order);

/* __zone_watermark_ok() for the node's kernel; fills `seen` when not NULL.
 * `mark` is a wmark_pages() value (boost included). (watermark.c) */
bool zone_watermark_ok(struct zone *z, unsigned order, unsigned long mark,
		       unsigned highest_zoneidx, unsigned alloc_flags,
		       struct zone_attempt *seen);
/* zone_watermark_fast(): the order-0 shortcut, then __zone_watermark_ok(),
 * then (5.4+) the boost-free retry for atomic order-0 requests.
 * (watermark.c) */
bool zone_watermark_fast(struct zone *z, unsigned order, unsigned long mark,
			 unsigned highest_zoneidx, unsigned alloc_flags,
			 gfp_t gfp, struct zone_attempt *seen);

/* Buddy primitives (buddy.c), zone->lock held.  node_init() releases the
 * boot memory through free_pages_core(), its max-order movable blocks
 * through deferred.c; pcp->high and pcp->batch are set by
 * node_setup_watermarks() (zone_pcp_update()). */
/*
 * Block states in mem_map: a free block's first frame has PG_buddy (on
 * free_area[order].free_list[page->mt]) or PG_pcp (on a per-cpu list); an
 * allocated block's first frame has PG_head and page->order, its other
 * frames PG_tail.  rmqueue_smallest(), rmqueue() and pcp_alloc() return a
 * block in the allocated state; free_one_page() and pcp_free() take one
 * back (any owner flags on it are cleared).  As in the kernel, NR_FREE_PAGES
 * and NR_FREE_CMA_PAGES count the pages on the buddy free lists (isolate
 * lists excepted): pages sitting on per-cpu lists are counted only in
 * pcp->count (show_mem's free_pcp), which is why a real log's zone
 * "free:" equals its buddy line total.
 */
unsigned long rmqueue_smallest(struct zone *zone, unsigned order, int mt);
/* rmqueue() minus the per-cpu lists (rmqueue_buddy()): the HIGHATOMIC
 * reserve first for ALLOC_HARDER (≤6.2) / ALLOC_HIGHATOMIC requests of
 * order > 0, then __rmqueue() with the version's CMA and fallback rules,
 * then (6.3+, 6.1.116+) the reserve again for ALLOC_OOM/ALLOC_NON_BLOCK.
 * When pcp_alloc() returned PFN_NIL the caller comes here, as 6.x's
 * rmqueue() does; for older kernels that second attempt finds nothing the
 * refill did not.  PFN_NIL when nothing fits. */
unsigned long rmqueue(struct zone *zone, unsigned order, int mt,
		      unsigned alloc_flags);
/* drain_all_pages(): every CPU's lists back to the buddy (the slow path
 * does this after direct reclaim fails). */
void drain_all_pages(struct pglist_data *pgdat);

/* compact_node(), as `echo 1 > /proc/sys/vm/compact_memory` runs it:
 * every zone compacted whole (cc->order = -1).  A migration scanner walks
 * up from the zone start, a free scanner down from its end (free blocks in
 * movable and CMA pageblocks); each movable block the first meets moves
 * into a free block the second found, until they meet.  Per-cpu lists are
 * left alone.  Returns the pages moved.  Takes each zone->lock. */
unsigned long compact_node(struct pglist_data *pgdat);

/* Invariant checker: every free block on the list of its type and order,
 * aligned, in its zone, not overlapping another; buddies of free blocks not
 * free at the same order (they would have merged) unless a pageblock
 * boundary between isolate and non-isolate forbids it; nr_free, nr_free_mt,
 * NR_FREE_PAGES, NR_FREE_CMA_PAGES and pcp counts equal to recounts.
 * Returns 0, or -1 with the first violation described in msg. */
int check_node(struct pglist_data *pgdat, char *msg, size_t len);

#endif
