/* The simulated node: zones, free areas, the mem_map.
 *
 * Map of the types (top to bottom, as the data flows):
 *   struct pglist_data   one node: the machine's zones, mem_map, pageblock
 *                        migratetypes, node counters, kernel version
 *   struct zone          one zone: watermarks, lowmem_reserve, counters,
 *                        free_area[order], per-cpu lists, its lock
 *   struct free_area     free_list[migratetype] heads + nr_free for one order
 *   struct page          one entry of mem_map per simulated frame (pfn)
 *   struct per_cpu_pages one simulated CPU's cache of order-0 (5.14+: ≤
 *                        costly-order) pages for one zone
 *
 * Free lists are circular doubly-linked lists threaded through mem_map by
 * pfn (uint32_t links; PFN_NIL for "empty"): a head is the pfn of the first
 * block, the first block's `prev` is the last one, so both add_to_free_list()
 * and add_to_free_list_tail() are O(1), as in the kernel.
 *
 * A struct page that was never written (all zero: flags 0, no links) is
 * "untouched": a frame in a hole between zones, a boot-reserved frame
 * (pfn_reserved()), or inside a boot block whose struct pages are not
 * written yet (struct deferred_blocks).  Only CMA blocks and blocks at
 * unaligned zone edges are written at boot, so a big node costs no
 * mem_map memory until used.
 */
#ifndef GFPSHIM_MMZONE_H
#define GFPSHIM_MMZONE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "abi/gfp.h"
#include "abi/kver.h"
#include "abi/migratetype.h"
#include "machine/machine.h"

#define PFN_NIL MAX_NR_FRAMES    /* the end of a free list; never a frame */

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

/* Per-zone counters printed by show_mem (pages unless the name says KB). */
enum zone_stat_item {
	NR_FREE_PAGES,
	NR_ZONE_INACTIVE_ANON,
	NR_ZONE_ACTIVE_ANON,
	NR_ZONE_INACTIVE_FILE,
	NR_ZONE_ACTIVE_FILE,
	NR_ZONE_UNEVICTABLE,
	NR_ZONE_WRITE_PENDING,
	NR_MLOCK,
	NR_BOUNCE,
	NR_FREE_CMA_PAGES,
	NR_ZONE_SLAB_RECLAIMABLE,       /* zone line ≤4.x */
	NR_ZONE_SLAB_UNRECLAIMABLE,
	NR_ZONE_KERNEL_STACK_KB,        /* zone line ≤5.4 */
	NR_ZONE_PAGETABLE,              /* zone line ≤5.x */
	NR_VM_ZONE_STAT_ITEMS
};

/* Per-node counters printed by show_mem's global block and Node line. */
enum node_stat_item {
	NR_INACTIVE_ANON,
	NR_ACTIVE_ANON,
	NR_INACTIVE_FILE,
	NR_ACTIVE_FILE,
	NR_UNEVICTABLE,
	NR_ISOLATED_ANON,
	NR_ISOLATED_FILE,
	NR_SLAB_RECLAIMABLE,
	NR_SLAB_UNRECLAIMABLE,
	NR_FILE_MAPPED,
	NR_FILE_PAGES,
	NR_FILE_DIRTY,
	NR_WRITEBACK,
	NR_WRITEBACK_TEMP,
	NR_SHMEM,
	NR_SHMEM_THPS,
	NR_SHMEM_PMDMAPPED,
	NR_ANON_THPS,
	NR_UNSTABLE_NFS,
	NR_KERNEL_STACK_KB,
	NR_SHADOW_CALL_STACK_KB,
	NR_PAGETABLE,
	NR_SECONDARY_PAGETABLE,
	NR_KERNEL_MISC_RECLAIMABLE,
	NR_VM_NODE_STAT_ITEMS
};

/* page->flags */
enum pageflags {
	PG_buddy    = 1 << 0,   /* head of a free block on a free_list */
	PG_pcp      = 1 << 1,   /* order-N block on a per-cpu list */
	PG_head     = 1 << 2,   /* first frame of an allocated block */
	PG_tail     = 1 << 3,   /* other frames of an allocated block */
	PG_slab     = 1 << 4,   /* head of a slab */
	PG_charged  = 1 << 5,   /* frame charged for a vm area; bytes elsewhere */
	PG_lru      = 1 << 6,   /* counted as anon LRU memory (user pages) */
};

/* One mem_map entry.  32 bytes; the fields a layer may use are named for
 * it: `lru` links free blocks, `private`/`owner`/`freelist` belong to
 * whoever allocated the block (slab, vm area, the kernel API).  The zone
 * is not stored: page_zone() derives it from the pfn. */
struct page {
	uint32_t next, prev;    /* free_list / pcp list links (pfn) while listed */
	uint8_t order;          /* PG_buddy/PG_pcp: block order; PG_head: alloc order */
	uint8_t flags;          /* enum pageflags */
	uint8_t mt;             /* migratetype of the list the block is on */
	uint32_t private;       /* owner-defined */
	void *owner;            /* owner-defined (slab cache, vm area) */
	void *freelist;         /* owner-defined (slab free objects) */
};

struct free_area {
	uint32_t free_list[MIGRATE_TYPES];      /* head pfn, PFN_NIL if empty */
	unsigned long nr_free;                  /* blocks, all types */
	unsigned long nr_free_mt[MIGRATE_TYPES];/* blocks per list (pagetypeinfo) */
};

struct per_cpu_pages {
	pthread_mutex_t lock;
	int count;                              /* pages (not blocks) on the lists */
	int high;
	int batch;
	/* lists[order * MIGRATE_PCPTYPES + mt]: order 0 only before 5.14,
	 * orders 0..PAGE_ALLOC_COSTLY_ORDER from 5.14 (pcp_allowed_order). */
	uint32_t lists[(3 + 1) * MIGRATE_PCPTYPES];
};

/* Deferred struct page init (CONFIG_DEFERRED_STRUCT_PAGE_INIT, made
 * exact): the max-order blocks node_init() released to MIGRATE_MOVABLE stay
 * untouched in mem_map until the allocator takes them.  One of them, the
 * frontier, is written and linked on free_area[NR_PAGE_ORDERS-1]
 * .free_list[MIGRATE_MOVABLE] where the untouched ones would be: they
 * follow it in list order (ascending pfn from 5.10, which adds boot blocks
 * at the tail; descending before).  When the frontier leaves the list the
 * next block is written and takes its place.  nr_free, nr_free_mt and
 * NR_FREE_PAGES count the untouched blocks as listed (deferred.c). */
struct deferred_blocks {
	unsigned long lo, hi;           /* untouched blocks lie in [lo, hi) … */
	unsigned long nr;               /* … nr of them: those with a CMA pageblock excepted */
	unsigned long frontier;         /* pfn of the listed block standing for them */
	bool active;                    /* the frontier is on the list */
	bool descending;                /* the highest untouched block comes next (≤5.9) */
};

struct zone {
	const char *name;               /* "DMA", "DMA32", "Normal", … */
	enum zone_type type;
	unsigned idx;                   /* position among the configured zones */
	struct pglist_data *zone_pgdat;

	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long managed_pages;
	/* Boot-reserved frames (memblock reservations, present − managed at
	 * boot): the prefix [zone_start_pfn, zone_start_pfn + reserved_pages),
	 * never given to the buddy and never written in mem_map.  Set once by
	 * node_init(); managed_pages may change later (watermark setup takes
	 * CMA out for a moment) but this does not.  The log loaders accept a
	 * zone line only when its present:/managed: equal the machine's, so
	 * they leave it as booted. */
	unsigned long reserved_pages;
	unsigned long cma_pages;        /* managed pages inside CMA areas */

	unsigned long _watermark[NR_WMARK];
	unsigned long watermark_boost;  /* 5.0+ */
	bool boosted;                   /* ZONE_BOOSTED_WATERMARK */
	long lowmem_reserve[MAX_NR_ZONES];
	unsigned long nr_reserved_highatomic;
	unsigned long nr_free_highatomic;       /* free pages on HIGHATOMIC lists
	                                           (6.12.y's watermark discount) */

	pthread_mutex_t lock;           /* zone->lock: free_area and counters */
	struct free_area free_area[MAX_PAGE_ORDERS];
	struct deferred_blocks deferred;        /* zone->lock */
	long vm_stat[NR_VM_ZONE_STAT_ITEMS];

	struct per_cpu_pages pcp[MAX_NR_CPUS];
};

struct machine_desc;

struct pglist_data {
	kver_t kv;
	const struct machine_desc *desc;

	unsigned page_shift;            /* 12, 14 or 16 */
	unsigned nr_page_orders;        /* NR_PAGE_ORDERS (= MAX_ORDER ≤ 6.3) */
	unsigned pageblock_order;
	unsigned nr_cpus;               /* simulated CPUs (per-cpu lists) */
	bool numa;                      /* CONFIG_NUMA: "Node 0 " before zone lines */

	unsigned nr_zones;              /* configured zones (MAX_NR_ZONES of the build) */
	struct zone node_zones[MAX_NR_ZONES];

	unsigned long node_start_pfn;
	unsigned long node_spanned_pages;
	struct page *mem_map;           /* node_spanned_pages entries */
	uint8_t *pageblock_mt;          /* one migratetype per pageblock */
	char *arena;                    /* page_address(pfn) = arena + (pfn << page_shift);
	                                   NULL for a bookkeeping-only node */

	long min_free_kbytes;
	unsigned watermark_scale_factor;
	unsigned watermark_boost_factor;
	unsigned long totalcma_pages;
	long vm_stat[NR_VM_NODE_STAT_ITEMS];
	/* counters show_mem prints that the simulation only carries over
	 * from a profile or a log (swap, page cache, hugepages) */
	long nr_swap_cache, free_swap_kb, total_swap_kb, nr_hwpoisoned;

	/* Compaction moved the allocated block [old_pfn, +2^order) to new_pfn
	 * (mem_map entry, flags and owner fields already copied; arena bytes
	 * copied unless the frames are PG_charged).  `owner` is the block's
	 * page->owner.  Called with zone->lock held: it must only update the
	 * owner's bookkeeping, never call back into the allocator.  NULL: no
	 * owner needs telling. */
	void (*migrate_page)(void *owner, unsigned long old_pfn,
			     unsigned long new_pfn, unsigned order);
};

static inline struct page *pfn_to_page(struct pglist_data *pgdat,
				       unsigned long pfn)
{
	return &pgdat->mem_map[pfn - pgdat->node_start_pfn];
}

static inline unsigned long page_to_pfn(struct pglist_data *pgdat,
					const struct page *page)
{
	return (unsigned long)(page - pgdat->mem_map) + pgdat->node_start_pfn;
}

/* The zone spanning pfn (zones lie in address order, without overlap);
 * NULL for a frame in a hole between zones. */
static inline struct zone *pfn_zone(struct pglist_data *pgdat,
				    unsigned long pfn)
{
	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		struct zone *z = &pgdat->node_zones[i];
		if (pfn - z->zone_start_pfn < z->spanned_pages)
			return z;
	}
	return NULL;
}

static inline struct zone *page_zone(struct pglist_data *pgdat,
				     const struct page *page)
{
	return pfn_zone(pgdat, page_to_pfn(pgdat, page));
}

/* PageReserved() told by the pfn: a boot-reserved frame at the start of
 * its zone, or a frame in a hole outside every zone (the kernel's
 * init_unavailable_range() reserves those too).  Neither is ever given to
 * the buddy, and mem_map holds nothing for them. */
static inline bool pfn_reserved(const struct pglist_data *pgdat,
				unsigned long pfn)
{
	const struct zone *z = pfn_zone((struct pglist_data *)pgdat, pfn);
	return !z || pfn - z->zone_start_pfn < z->reserved_pages;
}

static inline unsigned long pageblock_nr_pages(const struct pglist_data *pgdat)
{
	return 1UL << pgdat->pageblock_order;
}

/* K(x): pages → kB, as show_mem prints them */
static inline unsigned long pages_to_kb(const struct pglist_data *pgdat,
					unsigned long pages)
{
	return pages << (pgdat->page_shift - 10);
}

static inline bool zone_populated(const struct zone *zone)
{
	return zone->present_pages != 0;
}

/* Circular pfn lists (free_list[], pcp lists): *head is the first pfn or
 * PFN_NIL; the first entry's prev is the last entry. */
static inline void pfn_list_add(struct pglist_data *pgdat, uint32_t *head,
				unsigned long pfn, bool tail)
{
	struct page *page = pfn_to_page(pgdat, pfn);

	if (*head == PFN_NIL) {
		page->next = page->prev = (uint32_t)pfn;
		*head = (uint32_t)pfn;
		return;
	}
	struct page *first = pfn_to_page(pgdat, *head);
	struct page *last = pfn_to_page(pgdat, first->prev);
	page->next = *head;
	page->prev = first->prev;
	last->next = (uint32_t)pfn;
	first->prev = (uint32_t)pfn;
	if (!tail)
		*head = (uint32_t)pfn;
}

static inline void pfn_list_del(struct pglist_data *pgdat, uint32_t *head,
				unsigned long pfn)
{
	struct page *page = pfn_to_page(pgdat, pfn);

	if (page->next == pfn) {
		*head = PFN_NIL;
	} else {
		pfn_to_page(pgdat, page->prev)->next = page->next;
		pfn_to_page(pgdat, page->next)->prev = page->prev;
		if (*head == pfn)
			*head = page->next;
	}
	page->next = page->prev = PFN_NIL;
}


/* Pageblock migratetype of the block holding pfn (pageblock_mt[]
 * is indexed by pageblock number relative to node_start_pfn's pageblock). */
int get_pageblock_migratetype(const struct pglist_data *pgdat,
			      unsigned long pfn);
void set_pageblock_migratetype(struct pglist_data *pgdat, unsigned long pfn,
			       int mt);

#endif
