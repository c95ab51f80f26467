/* What every kheap front end (slab, kmalloc_large, vmalloc, user pages)
 * shares: the order of a size, the fault hook, the one setter of the
 * failure record, and frames back to the buddy. */
#include "config.h"

#include <string.h>

#include "base/prim.h"
#include "mm/slab.h"

unsigned kheap_get_order(const struct kheap *h, size_t size)
{
	if (size <= h->page_size)
		return 0;
	return kheap_fls((size - 1) >> h->page_shift);
}

void kheap_fail_set(struct kheap_failure *f, enum kheap_fail_reason why,
		    enum kheap_site site, size_t size, size_t done,
		    unsigned order, gfp_t gfp, gfp_t page_gfp, gfp_t report_gfp,
		    bool warn, const struct kmem_cache *cache)
{
	f->reason = why;
	f->site = site;
	f->size = size;
	f->done = done;
	f->order = order;
	f->gfp = gfp;
	f->page_gfp = page_gfp;
	f->report_gfp = report_gfp;
	f->warn = warn;
	f->cache = cache;
}

bool kheap_should_fail(struct kheap *h, struct kheap_thread *t,
		       enum kheap_site site, gfp_t gfp, unsigned order,
		       size_t size, const char *cache)
{
	if (!h->should_fail)
		return false;
	struct kheap_request req = {
		.site = site, .gfp = gfp, .order = order, .size = size,
		.cache = cache,
	};
	if (!h->should_fail(h->fault_arg, &req))
		return false;
	if (t) {
		memset(&t->fail, 0, sizeof(t->fail));
		kheap_fail_set(&t->fail, KHEAP_FAIL_INJECTED, site, size, 0,
			       order, gfp, gfp, gfp, !(gfp & __GFP_NOWARN), NULL);
	}
	return true;
}

void kheap_free_frames(struct kheap *h, struct kheap_thread *t,
		       unsigned long pfn, unsigned order)
{
	size_t len = h->page_size << order;
	if (h->discard_freed && h->page_size >= prim_page_size())
		prim_discard(kheap_page_address(h, pfn), len);
	free_pages_node(h->pgdat, pfn, order, t ? t->cpu_id : 0);
}
