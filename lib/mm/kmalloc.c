/* kmalloc(): the size classes (kmalloc_slab()) and the blocks above them
 * taken straight from the buddy (kmalloc_large(), mm/slub.c and
 * mm/slab_common.c). */
#include "config.h"

#include <string.h>

#include "abi/kver_rules.h"
#include "mm/internal.h"
#include "mm/slab.h"

/* kmalloc_type() */
static enum kmalloc_cache_type kmalloc_type(const struct kheap *h, gfp_t gfp)
{
	if (!(gfp & (__GFP_DMA | __GFP_RECLAIMABLE | __GFP_ACCOUNT)))
		return KMALLOC_NORMAL;
	if ((gfp & __GFP_DMA) && h->has_type[KMALLOC_DMA])
		return KMALLOC_DMA;
	if ((gfp & __GFP_RECLAIMABLE) && h->has_type[KMALLOC_RECLAIM])
		return KMALLOC_RECLAIM;
	if ((gfp & __GFP_ACCOUNT) && h->has_type[KMALLOC_CGROUP])
		return KMALLOC_CGROUP;
	return KMALLOC_NORMAL;
}

struct kmem_cache *kmalloc_slab(struct kheap *h, size_t size, gfp_t gfp)
{
	if (size == 0 || size > h->kmalloc_max_cache_size)
		return NULL;
	return h->kmalloc_caches[kmalloc_type(h, gfp)][kmalloc_index(h, size)];
}

/* kmalloc_large(): order = get_order(size), __GFP_COMP, straight from the
 * buddy (___kmalloc_large_node() / kmalloc_order()). */
static void *kmalloc_large(struct kheap *h, struct kheap_thread *t,
			   size_t size, gfp_t gfp, unsigned order)
{
	struct pglist_data *pgdat = h->pgdat;
	gfp_t flags = gfp;
	if (kver_has(pgdat->kv, KF_KMALLOC_FIX_FLAGS) && (flags & GFP_SLAB_BUG_MASK))
		flags &= ~GFP_SLAB_BUG_MASK;    /* kmalloc_fix_flags() */
	flags |= __GFP_COMP;
	if (order >= pgdat->nr_page_orders) {
		/* __alloc_pages(): WARN_ON_ONCE(order > MAX_ORDER), no report */
		memset(&t->fail.outcome, 0, sizeof(t->fail.outcome));
		t->fail.outcome.verdict = ALLOC_FAIL_ORDER;
		kheap_fail_set(&t->fail, KHEAP_FAIL_TOO_BIG, KHEAP_SITE_LARGE, size, 0, order,
			       gfp, flags, flags, !((flags) & __GFP_NOWARN), NULL);
		t->fail.warn = false;
		return NULL;
	}
	if (kheap_should_fail(h, t, KHEAP_SITE_LARGE, flags, order, size, NULL))
		return NULL;
	if (!alloc_pages_node(pgdat, flags, order, t->cpu_id, &t->fail.outcome)) {
		kheap_fail_set(&t->fail, KHEAP_FAIL_PAGES, KHEAP_SITE_LARGE, size, 0, order,
			       gfp, flags, flags, !((flags) & __GFP_NOWARN), NULL);
		return NULL;
	}
	unsigned long pfn = t->fail.outcome.pfn;
	struct page *page = pfn_to_page(pgdat, pfn);
	page->private = KHEAP_PAGE_LARGE | order;
	page->owner = NULL;
	if (kver_has(pgdat->kv, KF_KMALLOC_LARGE_COUNTED))
		kheap_stat_add(&pgdat->vm_stat[NR_SLAB_UNRECLAIMABLE], 1L << order);
	char *p = kheap_page_address(h, pfn);
	if (gfp & __GFP_ZERO)
		memset(p, 0, h->page_size << order);
	return p;
}

bool kmalloc_large_free(struct kheap *h, struct kheap_thread *t,
			struct page *page, void *p)
{
	struct pglist_data *pgdat = h->pgdat;
	unsigned order = page->private & ~KHEAP_PAGE_TAG_MASK;

	if ((uintptr_t)p & (h->page_size - 1))
		return false;
	page->private = 0;
	if (kver_has(pgdat->kv, KF_KMALLOC_LARGE_COUNTED))
		kheap_stat_add(&pgdat->vm_stat[NR_SLAB_UNRECLAIMABLE], -(1L << order));
	kheap_free_frames(h, t, page_to_pfn(pgdat, page), order);
	return true;
}

void *kheap_kmalloc_slow(struct kheap *h, struct kheap_thread *t, size_t size,
			 gfp_t gfp)
{
	if (size == 0)
		return ZERO_SIZE_PTR;
	if (size <= h->kmalloc_max_cache_size)
		return slab_alloc(h, t, kmalloc_slab(h, size, gfp), gfp, size);
	return kmalloc_large(h, t, size, gfp, kheap_get_order(h, size));
}

void *kheap_kmalloc_aligned(struct kheap *h, struct kheap_thread *t,
			    size_t size, size_t align, gfp_t gfp)
{
	if (align <= 8)
		return kheap_kmalloc(h, t, size, gfp);
	size_t need = size > align ? size : align;
	if (need <= h->kmalloc_max_cache_size) {
		/* power-of-two classes are aligned to their size */
		size_t pow2 = (size_t)1 << kheap_fls(need - 1);
		return kheap_kmalloc(h, t, pow2, gfp);
	}
	unsigned order = kheap_get_order(h, need);
	if ((uintptr_t)h->pgdat->arena % (h->page_size << order) != 0 &&
	    align > h->page_size) {
		memset(&t->fail, 0, sizeof(t->fail));
		kheap_fail_set(&t->fail, KHEAP_FAIL_TOO_BIG, KHEAP_SITE_LARGE, size, 0, order,
			       gfp, gfp | __GFP_COMP, gfp | __GFP_COMP, !((gfp | __GFP_COMP) & __GFP_NOWARN), NULL);
		return NULL;
	}
	return kmalloc_large(h, t, size, gfp, order);
}
