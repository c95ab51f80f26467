/* What the files of lib/mm share and nothing else may use, as Linux's
 * mm/internal.h: the buddy's free and reserve paths (buddy.c), the per-cpu
 * lists (pcp.c), direct compaction (compaction.c) and the free-list
 * primitives under zone->lock.  Outside lib/mm, use mm/page_alloc.h.
 */
#ifndef GFPSHIM_MM_INTERNAL_H
#define GFPSHIM_MM_INTERNAL_H

#include <stdbool.h>

#include "mm/mmzone.h"
#include "mm/page_alloc.h"

/* A zone's kernel version, pageblock order and size, and end. */
static inline kver_t zkv(const struct zone *zone)
{
	return zone->zone_pgdat->kv;
}

static inline unsigned pb_order(const struct zone *zone)
{
	return zone->zone_pgdat->pageblock_order;
}

static inline unsigned long pb_pages(const struct zone *zone)
{
	return pageblock_nr_pages(zone->zone_pgdat);
}

static inline unsigned long zone_end_pfn(const struct zone *zone)
{
	return zone->zone_start_pfn + zone->spanned_pages;
}

/* __free_one_page(): merge with free buddies and put the block on its list.
 * `mt` is what the freeing path read: the pageblock's migratetype
 * (get_pageblock_migratetype()). */
void free_one_page(struct zone *zone, unsigned long pfn, unsigned order,
		   int mt);
/* __free_pages_core(): release boot memory.  As free_one_page(), but from
 * 5.10 the block goes to the tail of its list (FPI_TO_TAIL), so a freshly
 * booted 5.10+ node hands out its lowest frames first and a 4.x/5.4 node
 * its highest.  The block is untouched boot memory (only its head is
 * written) or an allocated block. */
void free_pages_core(struct zone *zone, unsigned long pfn, unsigned order,
		     int mt);

/* reserve_highatomic_pageblock(): after a successful ALLOC_HARDER (≤6.2,
 * order > 0) or ALLOC_HIGHATOMIC allocation of [pfn, +2^order), make its
 * pageblock MIGRATE_HIGHATOMIC within the version's limit (1% of the zone
 * plus one pageblock; 6.12: 1% rounded up to pageblocks, nothing when 1% is
 * under a pageblock).  Takes zone->lock. */
void reserve_highatomic_pageblock(struct zone *zone, unsigned long pfn,
				  unsigned order);
/* unreserve_highatomic_pageblock(): give one reserved pageblock back to
 * `mt`, walking the zones from highest_zoneidx down; without `force` a
 * zone keeps its last reserved pageblock.  Returns true when a block was
 * converted.  Takes each zone->lock. */
bool unreserve_highatomic_pageblock(struct pglist_data *pgdat,
				    unsigned highest_zoneidx, int mt,
				    bool force);

/* Per-cpu lists (pcp.c): rmqueue_pcplist() / free_unref_page().  pcp_alloc
 * returns PFN_NIL when the order does not use the pcp lists for this kernel
 * (pcp_allowed_order()) or the refill found nothing; pcp_free returns false
 * when the block must go straight to the buddy instead.  Called without
 * zone->lock: they take the CPU's pcp->lock, and zone->lock for a refill
 * (rmqueue_bulk(), `batch` blocks) or a flush (free_pcppages_bulk() once
 * pcp->count reaches `high`).  `mt` for pcp_free is the pageblock's
 * migratetype, as for free_one_page(). */
unsigned long pcp_alloc(struct zone *zone, unsigned order, int mt,
			unsigned alloc_flags, unsigned cpu);
bool pcp_free(struct zone *zone, unsigned long pfn, unsigned order, int mt,
	      unsigned cpu);
/* pcp_allowed_order(): order 0 before 5.14, ≤ PAGE_ALLOC_COSTLY_ORDER after. */
bool pcp_allowed_order(const struct pglist_data *pgdat, unsigned order);
/* The lists of one CPU: one per pcp type, and per order up to
 * PAGE_ALLOC_COSTLY_ORDER from 5.14. */
unsigned nr_pcp_lists(const struct pglist_data *pgdat);

/* Direct compaction (compaction.c): migrate movable allocated frames out of
 * the way until a free block of `order` exists that the request may use.
 * Returns true when such a block was made.  Movable: allocated blocks whose
 * head is PG_charged or PG_lru (never PG_slab, a reserved frame or kmalloc
 * pages).  Sources are taken from the start of the zone, targets from its
 * end; each move is reported through pgdat->migrate_page.  Takes
 * zone->lock. */
bool try_compact_zone(struct zone *zone, unsigned order, int mt,
		      unsigned alloc_flags);

/* Between buddy.c, pcp.c and compaction.c (zone->lock held).  Blocks
 * handed out by __rmqueue() have PG_buddy cleared and page->mt set to the
 * list they came from (set_pcppage_migratetype()); __free_one_page() takes
 * a block whose flags the caller has cleared. */
enum rmqueue_mode { RMQUEUE_NORMAL, RMQUEUE_CMA, RMQUEUE_CLAIM, RMQUEUE_STEAL };
unsigned long __rmqueue(struct zone *zone, unsigned order, int mt,
			unsigned alloc_flags, enum rmqueue_mode *mode);
void __free_one_page(struct zone *zone, unsigned long pfn, unsigned order,
		     int mt, bool to_tail);
void add_to_free_list(struct zone *zone, unsigned long pfn, unsigned order,
		      int mt, bool tail);
void del_page_from_free_list(struct zone *zone, unsigned long pfn);
/* Between buddy.c and highatomic.c: move a free block, the free blocks of
 * a pageblock, or set a range of pageblocks' type (zone->lock held). */
void move_to_free_list(struct zone *zone, unsigned long pfn, int mt);
long move_freepages_block(struct zone *zone, unsigned long pfn, int mt);
void change_pageblock_range(struct zone *zone, unsigned long pfn,
			    unsigned order, int mt);
bool migratetype_is_mergeable(int mt);
/* prep_new_page(): mark [pfn, +2^order) allocated (PG_head, PG_tail). */
void prep_new_block(struct zone *zone, unsigned long pfn, unsigned order);
/* free_pages_prepare(): clear every flag and owner field of the block. */
void clear_block(struct zone *zone, unsigned long pfn, unsigned order);

/* The slab side of the heap-wide calls (slab.c, for kheap.c): the kmalloc
 * caches of kheap_init() and kheap_destroy(), and kfree()/ksize() of a
 * pointer into the arena whose frame is `page`. */
struct kheap;
struct kheap_thread;
struct gfp_error;
struct kmem_cache;
int slab_init(struct kheap *h, struct gfp_error *err);
/* calculate_sizes() (slab_order.c): stride, orders, allocflags of s. */
int slab_cache_open(struct kheap *h, struct kmem_cache *s);
void slab_destroy(struct kheap *h);
bool slab_kfree(struct kheap *h, struct kheap_thread *t, struct page *page,
		void *p);
size_t slab_ksize(const struct kheap *h, const struct page *page);
/* slab_alloc() of mm/slub.c: an object of s (slab.c, for kmalloc.c). */
void *slab_alloc(struct kheap *h, struct kheap_thread *t,
		 struct kmem_cache *s, gfp_t gfp, size_t size);
/* kfree() of a kmalloc_large() block (kmalloc.c); false when p is not
 * the block's start. */
bool kmalloc_large_free(struct kheap *h, struct kheap_thread *t,
			struct page *page, void *p);

/* Flags kmalloc_fix_flags() takes off a slab request. */
#define GFP_SLAB_BUG_MASK (__GFP_DMA32 | __GFP_HIGHMEM)

#endif
