/* The rows of abi/kver_rules.h.  Each range is [from, to); a rule that a
 * stable tree back-ported has one range per tree. */
#include "config.h"

#include "abi/kver_rules.h"

#define V(major, minor, sub) KVER(major, minor, sub)
#define SINCE(major, minor) { { V(major, minor, 0), 0 } }
#define BEFORE(major, minor) { { 1, V(major, minor, 0) } }

const struct kver_rule kver_rules[NR_KVER_FEATURES] = {
	[KF_ARM64_ZONE_DMA32] = { "arm64 ZONE_DMA32",
		"arm64's ZONE_DMA became ZONE_DMA32 (5.0)", SINCE(5, 0) },
	[KF_ARM64_ZONE_DMA] = { "arm64 ZONE_DMA and ZONE_DMA32",
		"\"arm64: use both ZONE_DMA and ZONE_DMA32\" (5.5)", SINCE(5, 5) },
	[KF_ARM64_DMA_32BIT] = { "arm64 zone_dma_bits from dma-ranges",
		"arm64 ZONE_DMA is 30 bits in 5.5–5.10; from 5.11 zone_dma_bits "
		"comes from the firmware's dma-ranges, 32 when nothing limits it",
		SINCE(5, 11) },
	[KF_CMA_PAGEBLOCK_ALIGNED] = { "CMA aligned to a pageblock",
		"cma_declare_contiguous(): CMA_MIN_ALIGNMENT_BYTES, a pageblock "
		"(5.18); the largest buddy block before", SINCE(5, 18) },
	[KF_X86_CMA_ABOVE_4G] = { "x86_64 CMA bottom-up above 4G",
		"x86_64 places the CMA area bottom-up above 4G (5.9); at the top "
		"of RAM before", SINCE(5, 9) },
	[KF_FREE_TO_TAIL] = { "FPI_TO_TAIL",
		"__free_pages_core(): boot memory goes to the tail of its list "
		"(5.10), so a booted node hands out its lowest frames first",
		SINCE(5, 10) },
	[KF_WATERMARK_BOOST] = { "watermark_boost",
		"boost_watermark(), watermark_boost_factor (5.0); the marks "
		"include the boost (min_wmark_pages())", SINCE(5, 0) },
	[KF_WATERMARK_SCALE_FACTOR] = { "watermark_scale_factor",
		"__setup_per_zone_wmarks(): low and high are min plus the "
		"scale factor's share (4.6); before, min + 1/4 and min + 1/2",
		SINCE(4, 6) },
	[KF_MIN_FREE_KBYTES_256M] = { "min_free_kbytes cap 256 MiB",
		"calculate_min_free_kbytes() (5.7; 64 MiB before)",
		SINCE(5, 7) },
	[KF_WMARK_INIT_BEFORE_CMA] = { "init_per_zone_wmark_min before CMA",
		"bc22af74f271 (4.7) made init_per_zone_wmark_min() a "
		"core_initcall that ran before cma_init_reserved_areas(); "
		"e08d3fdfe2da (5.9; stable 4.9.234 4.14.195 4.19.142 5.4.61 "
		"5.7.18 5.8.4) made it a postcore_initcall",
		{ { V(4, 7, 0), V(4, 9, 234) }, { V(4, 10, 0), V(4, 14, 195) },
		  { V(4, 15, 0), V(4, 19, 142) }, { V(4, 20, 0), V(5, 4, 61) },
		  { V(5, 5, 0), V(5, 7, 18) }, { V(5, 8, 0), V(5, 8, 4) } } },
	[KF_LOWMEM_RESERVE_ZERO_RATIO] = { "lowmem_reserve_ratio 0",
		"setup_per_zone_lowmem_reserve(): HIGHMEM's ratio is 0 and a "
		"ratio below 1 means no reserve (4.16); before, 32 and 1",
		SINCE(4, 16) },
	[KF_LOWMEM_RESERVE_EMPTY_ZONE] = { "empty zone reserves nothing",
		"setup_per_zone_lowmem_reserve() (5.8)", SINCE(5, 8) },
	[KF_WMARK_LOWMEM_ONLY] = { "ZONE_MOVABLE out of the min split",
		"__setup_per_zone_wmarks(): ZONE_MOVABLE is not lowmem (6.12)",
		SINCE(6, 12) },
	[KF_THP_MIN_FREE_LOWMEM_ONLY] = { "khugepaged counts lowmem zones",
		"set_recommended_min_free_kbytes(): zones above Normal are "
		"not counted (6.12)", SINCE(6, 12) },
	[KF_WMARK_BLOCK_CHECK] = { "free_area block check",
		"__zone_watermark_ok(): order > 0 needs one free block of the "
		"order on a list it may use (4.4); before, the per-order loop "
		"that drops lower orders' pages", SINCE(4, 4) },
	[KF_ALLOC_OOM] = { "ALLOC_OOM",
		"__zone_watermark_ok(): OOM victims get their own reserve "
		"discount, min/2 (4.15)", SINCE(4, 15) },
	[KF_HARDER_NEEDS_BLOCK] = { "ALLOC_HARDER needs a listed block",
		"__zone_watermark_ok(): ALLOC_HARDER may take a HIGHATOMIC "
		"block, not any block (4.15)", SINCE(4, 15) },
	[KF_WMARK_FAST_UNUSABLE] = { "zone_watermark_fast unusable free",
		"zone_watermark_fast(): the order-0 shortcut subtracts "
		"__zone_watermark_unusable_free() (5.10)", SINCE(5, 10) },
	[KF_ATOMIC_IGNORES_BOOST] = { "atomic order-0 ignores the boost",
		"zone_watermark_fast(): an atomic order-0 request at min "
		"retries without watermark_boost (5.4)", SINCE(5, 4) },
	[KF_NO_GFP_ATOMIC] = { "no __GFP_ATOMIC",
		"\"mm: discard __GFP_ATOMIC\" (6.3): ALLOC_MIN_RESERVE says "
		"what __GFP_ATOMIC said", SINCE(6, 3) },
	[KF_ALLOC_RESERVES_SPLIT] = { "ALLOC_RESERVES",
		"6.3 split ALLOC_HARDER into ALLOC_NON_BLOCK, "
		"ALLOC_MIN_RESERVE and ALLOC_HIGHATOMIC; 6.1.116+ by backport",
		{ { V(6, 1, 116), V(6, 2, 0) }, { V(6, 3, 0), 0 } } },
	[KF_NR_FREE_HIGHATOMIC] = { "nr_free_highatomic",
		"__zone_watermark_unusable_free() discounts the reserve's free "
		"pages, not its size (6.12.29 by backport)",
		{ { V(6, 12, 29), 0 } } },
	[KF_MIGRATE_HIGHATOMIC] = { "MIGRATE_HIGHATOMIC",
		"MIGRATE_HIGHATOMIC replaced MIGRATE_RESERVE (4.4): an "
		"ALLOC_HARDER request of order > 0 may take the reserve",
		SINCE(4, 4) },
	[KF_ALLOC_NOFRAGMENT] = { "ALLOC_NOFRAGMENT",
		"alloc_flags_nofragment(): ALLOC_NOFRAGMENT and ALLOC_KSWAPD "
		"(5.0)", SINCE(5, 0) },
	[KF_LOWMEM_RESERVE_HIGHEST_ZONEIDX] = { "lowmem_reserve[highest_zoneidx]",
		"the watermark check indexes lowmem_reserve by the requested "
		"highest zone (5.8); by the preferred zone (classzone_idx) "
		"before", SINCE(5, 8) },
	[KF_HIGHATOMIC_NEEDS_GFP_HIGH] = { "ALLOC_HIGHATOMIC for __GFP_HIGH",
		"\"only set ALLOC_HIGHATOMIC for __GFP_HIGH allocations\" "
		"(6.12; 6.1.157+ by backport); 6.3–6.11 set it for every "
		"non-blocking request",
		{ { V(6, 1, 157), V(6, 2, 0) }, { V(6, 12, 0), 0 } } },
	[KF_NOFAIL_CHECKED] = { "__GFP_NOFAIL checked for the OOM killer",
		"__alloc_pages_may_oom(): before 4.10 __GFP_NOFAIL skips every "
		"test of whether to kill", SINCE(4, 10) },
	[KF_RETRY_MAYFAIL] = { "__GFP_RETRY_MAYFAIL",
		"__GFP_RETRY_MAYFAIL (4.13) never invokes the OOM killer",
		SINCE(4, 13) },
	[KF_COMPACT_UNMOVABLE_FIRST] = { "unmovable high-order compacts first",
		"__alloc_pages_slowpath(): unmovable requests of order > 0 "
		"compact before reclaim (4.10); costly orders only before",
		SINCE(4, 10) },
	[KF_UNRESERVE_BEFORE_OOM] = { "unreserve before OOM",
		"should_reclaim_retry(): the whole highatomic reserve goes "
		"back before the OOM killer (4.10)", SINCE(4, 10) },
	[KF_COSTLY_NEEDS_GFP_IO] = { "costly retry needs __GFP_IO",
		"__alloc_pages_slowpath(): a costly request without __GFP_IO "
		"cannot compact and gives up (6.0)", SINCE(6, 0) },
	[KF_FALLBACK_STEALS] = { "fallback steals onto the requested lists",
		"__rmqueue_fallback() steals onto the requested type's lists "
		"and __rmqueue() retries (4.13); before, it takes the largest "
		"fallback block and expands it", SINCE(4, 13) },
	[KF_KSWAPD_WAKE_ON_BOOST] = { "kswapd woken on a boost only",
		"steal_suitable_fallback(): ZONE_BOOSTED_WATERMARK wakes kswapd "
		"only when the boost grew (5.6)", SINCE(5, 6) },
	[KF_CMA_BY_ALLOC_CMA] = { "CMA by ALLOC_CMA, balanced",
		"__rmqueue(): CMA for ALLOC_CMA requests, taken first when over "
		"half the zone's free memory is CMA (5.7); for every movable "
		"request as a fallback before", SINCE(5, 7) },
	[KF_FALLBACK_RETURNS_PAGE] = { "steal_suitable_fallback returns the page",
		"__rmqueue_fallback(): a block it cannot claim stays on the "
		"fallback type's lists (6.10)", SINCE(6, 10) },
	[KF_MOVE_FREEPAGES_WHOLE_BLOCK] = { "move_freepages_block whole blocks",
		"move_freepages_block() refuses a pageblock that straddles the "
		"zone, and its callers see the refusal (6.10)", SINCE(6, 10) },
	[KF_RMQUEUE_CLAIM_STEAL] = { "__rmqueue_claim, __rmqueue_steal",
		"rmqueue_mode (6.15; 6.12.29+ by backport)",
		{ { V(6, 12, 29), V(6, 13, 0) }, { V(6, 15, 0), 0 } } },
	[KF_HIGHATOMIC_LIMIT_ROUNDED] = { "highatomic limit in pageblocks",
		"reserve_highatomic_pageblock(): 1% of the zone rounded up to "
		"pageblocks, none when 1% is under a pageblock (6.12); 1% plus a "
		"pageblock before", SINCE(6, 12) },
	[KF_HIGHATOMIC_LARGE_BLOCKS] = { "highatomic blocks above a pageblock",
		"reserve/unreserve_highatomic_pageblock(): a block of pageblock "
		"order or more is reserved and given back whole (6.12)",
		SINCE(6, 12) },
	[KF_PCP_HIGH_ORDER] = { "high-order pcp lists",
		"\"mm/page_alloc: allow high-order pages to be stored on the "
		"per-cpu lists\" (5.14): orders up to PAGE_ALLOC_COSTLY_ORDER, "
		"a list per order and type, batch up to 1 MiB, high from the "
		"low watermark", SINCE(5, 14) },
	[KF_PCP_SKIP_NON_CMA_MOVABLE] = { "pcp skips movable without CMA",
		"rmqueue(): a movable request without ALLOC_CMA bypasses the "
		"pcp lists on a node with CMA (5.8 to 6.9)",
		{ { V(5, 8, 0), V(6, 10, 0) } } },
	[KF_PCP_FREE_ROUND_ROBIN] = { "free_pcppages_bulk round robin",
		"free_pcppages_bulk() walks the lists round robin, batch_free "
		"at a time (before 6.0)", BEFORE(6, 0) },
	[KF_PCP_FLUSH_BY_PAGEBLOCK] = { "pcp flush by pageblock",
		"\"mm: page_alloc: fix CMA and HIGHATOMIC landing on the wrong "
		"buddy list\" (6.6; 6.1.57+ by backport)",
		{ { V(6, 1, 57), V(6, 2, 0) }, { V(6, 6, 0), 0 } } },
	[KF_GFP_NOTRACK] = { "__GFP_NOTRACK",
		"alloc_slab_page() adds __GFP_NOTRACK (kmemcheck) until 4.15",
		BEFORE(4, 15) },
	[KF_KMALLOC_RECLAIM] = { "kmalloc-rcl caches",
		"KMALLOC_RECLAIM caches for __GFP_RECLAIMABLE (4.20)",
		SINCE(4, 20) },
	[KF_KMALLOC_SHORT_NAMES] = { "kmalloc-1k names",
		"kmalloc_info[]: \"kmalloc-1k\" from 5.2, \"kmalloc-1024\" "
		"before", SINCE(5, 2) },
	[KF_KMALLOC_LARGE_COUNTED] = { "kmalloc_large counted as slab",
		"kmalloc_order(): the pages count as NR_SLAB_UNRECLAIMABLE_B "
		"(5.9)", SINCE(5, 9) },
	[KF_KMALLOC_CGROUP] = { "kmalloc-cg caches",
		"KMALLOC_CGROUP caches (5.14)", SINCE(5, 14) },
	[KF_KMALLOC_FIX_FLAGS] = { "kmalloc_large fixes its flags",
		"kmalloc_large(): kmalloc_fix_flags() drops GFP_SLAB_BUG_MASK "
		"(6.1)", SINCE(6, 1) },
	[KF_ARM64_KMALLOC_MINALIGN_8] = { "arm64 kmalloc-8",
		"arm64 ARCH_KMALLOC_MINALIGN is 8 from 6.5 (128 before)",
		SINCE(6, 5) },
	[KF_SLAB_ORDER_BY_MAX_OBJECTS] = { "calc_slab_order() by max objects",
		"calculate_order() (6.8): min_objects capped by what the "
		"largest order holds, orders tried from the smallest",
		SINCE(6, 8) },
	[KF_SLAB_ALWAYS_COMP] = { "__GFP_COMP for every slab",
		"calculate_sizes(): __GFP_COMP for every cache (6.10); above "
		"order 0 only before", SINCE(6, 10) },
	[KF_VMALLOC_REPORTS_HIGHMEM] = { "vmalloc reports __GFP_HIGHMEM",
		"__vmalloc_area_node(): the warning prints the mask with "
		"__GFP_HIGHMEM (5.13)", SINCE(5, 13) },
	[KF_MERGE_PCPTYPES_ONLY] = { "merge within pcp types",
		"__free_one_page(): buddies of different pageblock types merge "
		"unless one is isolated (before 5.18) or not a pcp type (5.18)",
		SINCE(5, 18) },
	[KF_FREE_LIST_BY_PAGEBLOCK] = { "free list of the pageblock",
		"a free block is always on its pageblock's list (6.10)",
		SINCE(6, 10) },
	[KF_WARN_ALLOC_NODEMASK] = { "warn_alloc nodemask",
		"warn_alloc() prints \", nodemask=%*pbl\" (4.10); dump_header() "
		"prints \"(null)\" for no nodemask instead of the mems allowed",
		SINCE(4, 10) },
	[KF_CPUSET_INLINE] = { "cpuset on the report line",
		"\"mm, oom: reorganize the oom report in dump_header\" (4.19): "
		"\",cpuset=/,mems_allowed=0\" appended, dump_header()'s "
		"nodemask on the oom-kill: line", SINCE(4, 19) },
	[KF_NOPAGE_RATELIMIT_10S] = { "nopage_rs 10 s, burst 1",
		"\"ratelimit allocation failure warnings more aggressively\" "
		"(5.0); DEFAULT_RATELIMIT_INTERVAL/BURST before", SINCE(5, 0) },
	[KF_DUMP_STACK_UID] = { "dump_stack UID",
		"dump_stack_print_info(): \"UID: %u\" (6.10)", SINCE(6, 10) },
	[KF_DUMP_STACK_PREEMPT_MODEL] = { "dump_stack preemption model",
		"dump_stack_print_info(): preempt_model_str() and a blank after "
		"the version (6.15, the series of 8bdc5daaa01e \"sched: Add a "
		"generic function to return the preemption string\")",
		SINCE(6, 15) },
	[KF_X86_FRAME_NO_ADDR] = { "x86 frames without addresses",
		"arch/x86/kernel/dumpstack.c: \" sym\" (4.14); \" [<addr>] sym\" "
		"before", SINCE(4, 14) },
	[KF_X86_TASK_MARKS] = { "x86 <TASK> marks",
		"arch/x86/kernel/dumpstack.c: \" <TASK>\" … \" </TASK>\" (5.15)",
		SINCE(5, 15) },
	[KF_ARM64_FRAME_NO_ADDR] = { "arm64 frames without addresses",
		"arch/arm64 dump_backtrace(): \" sym\" (4.15); print_ip_sym()'s "
		"\"[<addr>] sym\" before", SINCE(4, 15) },
	[KF_ARM_FRAME_NO_ADDR] = { "arm frames without addresses",
		"arch/arm/kernel/unwind.c dump_backtrace_entry() (6.1)",
		SINCE(6, 1) },
	[KF_ARM_CALL_TRACE_HEADER] = { "arm Call trace header",
		"arch/arm \"Call trace: \" (6.12)", SINCE(6, 12) },
	[KF_VMALLOC_ERROR_TEXT] = { "vmalloc error: size",
		"__vmalloc_node_range(), __vmalloc_area_node(): \"vmalloc "
		"error: size %lu, …\" (5.13); \"vmalloc: allocation failure\" "
		"before", SINCE(5, 13) },
	[KF_VMALLOC_NO_ORDER] = { "vmalloc error without the order",
		"__vmalloc_area_node(): \"failed to allocate pages\" without "
		"\"page order %u\" (6.12)", SINCE(6, 12) },
	[KF_CMA_FAILURE_MESSAGE] = { "cma_alloc failure message",
		"cma_alloc(): \"cma: cma_alloc: alloc failed\" (4.11)",
		SINCE(4, 11) },
	[KF_CMA_AREA_NAME] = { "cma_alloc area name",
		"cma_alloc(): the area's name in the message (5.10)",
		SINCE(5, 10) },
	[KF_CMA_FROM___CMA_ALLOC] = { "__cma_alloc",
		"the failure message comes from __cma_alloc() (6.12)",
		SINCE(6, 12) },
	[KF_SLAB_NODE_COUNTERS] = { "slab counters per node",
		"NR_SLAB_RECLAIMABLE/UNRECLAIMABLE became node counters (4.13)",
		SINCE(4, 13) },
	[KF_PAGETABLES_NODE_COUNTER] = { "page tables counted per node",
		"NR_PAGETABLE became a node counter (5.11)", SINCE(5, 11) },
	[KF_NO_SWAP_CACHE_STATS] = { "no swap cache stats",
		"show_swap_cache_info() lost \"Swap cache stats:\" (6.0)",
		SINCE(6, 0) },
	[KF_SHOW_MEM_ZONE_FILTER] = { "__show_mem zone filter",
		"__show_mem(): zones above gfp_zone(gfp) are not shown, nor a "
		"node without a shown zone (6.1)", SINCE(6, 1) },
	[KF_PAGETYPEINFO_CAPPED] = { "pagetypeinfo counts capped",
		"pagetypeinfo_showfree_print(): counts stop at 100000, printed "
		"\">100000\" (5.4)", SINCE(5, 4) },
	[KF_GFP_NAMES_IN_PRINTK] = { "%pGg",
		"\"mm, printk: introduce new format string for flags\" (4.5); "
		"before, only tracepoints named the flags", SINCE(4, 5) },
	[KF_GFP_NAMES_BIT_ORDER] = { "%pGg flags in bit order",
		"ca29a0bf1221 \"tracing: gfp: Remove duplication of recording "
		"GFP flags\" (6.15): __def_gfpflag_names is the composites, then "
		"TRACE_GFP_FLAGS in bit order; not in 6.12.y or 6.6.y",
		SINCE(6, 15) },
	[KF_SLUB_OOM_GFP_COMMA] = { "slab_out_of_memory gfp=",
		"slab_out_of_memory(): \"on node -1, gfp=%#x(%pGg)\" (4.5); "
		"\"(gfp=%#x)\" before", SINCE(4, 5) },
	[KF_SLUB_OOM_CPU] = { "slab_out_of_memory CPU",
		"slab_out_of_memory(): \"on CPU %u (of node %d)\" (6.12)",
		SINCE(6, 12) },
};
