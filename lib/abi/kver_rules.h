/* The allocator's version rules, by name: what a kernel does, from which
 * release, and in which stable releases by backport.  `kver_has(kv, KF_X)`
 * replaces a bare version comparison, so that what changed in one release
 * reads as the rows of kver_rules.c that name it.
 */
#ifndef GFPSHIM_KVER_RULES_H
#define GFPSHIM_KVER_RULES_H

#include <stdbool.h>

#include "abi/kver.h"

enum kver_feature {
	/* the machine a kernel boots (arch setup, mm/cma.c) */
	KF_ARM64_ZONE_DMA32,
	KF_ARM64_ZONE_DMA,
	KF_ARM64_DMA_32BIT,
	KF_CMA_PAGEBLOCK_ALIGNED,
	KF_X86_CMA_ABOVE_4G,
	/* boot (mm/page_alloc.c, mm/mm_init.c) */
	KF_FREE_TO_TAIL,
	KF_WATERMARK_BOOST,
	/* watermarks, lowmem_reserve, min_free_kbytes (mm/page_alloc.c) */
	KF_WATERMARK_SCALE_FACTOR,
	KF_MIN_FREE_KBYTES_256M,
	KF_WMARK_INIT_BEFORE_CMA,
	KF_LOWMEM_RESERVE_ZERO_RATIO,
	KF_LOWMEM_RESERVE_EMPTY_ZONE,
	KF_WMARK_LOWMEM_ONLY,
	KF_THP_MIN_FREE_LOWMEM_ONLY,
	/* __zone_watermark_ok() and zone_watermark_fast() */
	KF_WMARK_BLOCK_CHECK,
	KF_ALLOC_OOM,
	KF_HARDER_NEEDS_BLOCK,
	KF_WMARK_FAST_UNUSABLE,
	KF_ATOMIC_IGNORES_BOOST,
	KF_NO_GFP_ATOMIC,
	KF_ALLOC_RESERVES_SPLIT,
	KF_NR_FREE_HIGHATOMIC,
	/* the slow path (__alloc_pages_slowpath()) */
	KF_MIGRATE_HIGHATOMIC,
	KF_ALLOC_NOFRAGMENT,
	KF_LOWMEM_RESERVE_HIGHEST_ZONEIDX,
	KF_HIGHATOMIC_NEEDS_GFP_HIGH,
	KF_NOFAIL_CHECKED,
	KF_RETRY_MAYFAIL,
	KF_COMPACT_UNMOVABLE_FIRST,
	KF_UNRESERVE_BEFORE_OOM,
	KF_COSTLY_NEEDS_GFP_IO,
	/* the buddy's fallbacks and the highatomic reserve (mm/page_alloc.c) */
	KF_FALLBACK_STEALS,
	KF_KSWAPD_WAKE_ON_BOOST,
	KF_CMA_BY_ALLOC_CMA,
	KF_FALLBACK_RETURNS_PAGE,
	KF_MOVE_FREEPAGES_WHOLE_BLOCK,
	KF_RMQUEUE_CLAIM_STEAL,
	KF_HIGHATOMIC_LIMIT_ROUNDED,
	KF_HIGHATOMIC_LARGE_BLOCKS,
	/* per-cpu lists */
	KF_PCP_HIGH_ORDER,
	KF_PCP_SKIP_NON_CMA_MOVABLE,
	KF_PCP_FREE_ROUND_ROBIN,
	KF_PCP_FLUSH_BY_PAGEBLOCK,
	/* slab, kmalloc and vmalloc (mm/slub.c, mm/slab_common.c, mm/vmalloc.c) */
	KF_GFP_NOTRACK,
	KF_KMALLOC_RECLAIM,
	KF_KMALLOC_SHORT_NAMES,
	KF_KMALLOC_LARGE_COUNTED,
	KF_KMALLOC_CGROUP,
	KF_KMALLOC_FIX_FLAGS,
	KF_ARM64_KMALLOC_MINALIGN_8,
	KF_SLAB_ORDER_BY_MAX_OBJECTS,
	KF_SLAB_ALWAYS_COMP,
	KF_VMALLOC_REPORTS_HIGHMEM,
	/* free lists */
	KF_MERGE_PCPTYPES_ONLY,
	KF_FREE_LIST_BY_PAGEBLOCK,
	/* printed: warn_alloc(), dump_stack(), the OOM and CMA messages */
	KF_WARN_ALLOC_NODEMASK,
	KF_CPUSET_INLINE,
	KF_NOPAGE_RATELIMIT_10S,
	KF_DUMP_STACK_UID,
	KF_DUMP_STACK_PREEMPT_MODEL,
	KF_X86_FRAME_NO_ADDR,
	KF_X86_TASK_MARKS,
	KF_ARM64_FRAME_NO_ADDR,
	KF_ARM_FRAME_NO_ADDR,
	KF_ARM_CALL_TRACE_HEADER,
	KF_VMALLOC_ERROR_TEXT,
	KF_VMALLOC_NO_ORDER,
	KF_CMA_FAILURE_MESSAGE,
	KF_CMA_AREA_NAME,
	KF_CMA_FROM___CMA_ALLOC,
	KF_SLUB_OOM_GFP_COMMA,
	KF_SLUB_OOM_CPU,
	/* printed: show_mem() */
	KF_SLAB_NODE_COUNTERS,
	KF_PAGETABLES_NODE_COUNTER,
	KF_NO_SWAP_CACHE_STATS,
	KF_SHOW_MEM_ZONE_FILTER,
	KF_PAGETYPEINFO_CAPPED,
	KF_GFP_NAMES_IN_PRINTK,
	KF_GFP_NAMES_BIT_ORDER,
	NR_KVER_FEATURES
};

/* [from, to): to 0 means no end. */
struct kver_range {
	kver_t from, to;
};

#define KVER_RULE_RANGES 8

struct kver_rule {
	const char *name;               /* "ALLOC_OOM" */
	const char *source;             /* the kernel function or commit */
	struct kver_range ranges[KVER_RULE_RANGES];     /* ends at from 0 */
};

extern const struct kver_rule kver_rules[NR_KVER_FEATURES];

static inline bool kver_has(kver_t kv, enum kver_feature f)
{
	const struct kver_range *r = kver_rules[f].ranges;

	for (unsigned i = 0; i < KVER_RULE_RANGES && r[i].from; i++)
		if (kv >= r[i].from && (!r[i].to || kv < r[i].to))
			return true;
	return false;
}

#endif
