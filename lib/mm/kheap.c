/* The heap as its callers see it: one kheap over the node, and the calls
 * that take any pointer it handed out (slab objects, kmalloc_large blocks,
 * vm areas) and pass it to the front end that owns it. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "mm/internal.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"

int kheap_init(struct kheap *h, struct pglist_data *pgdat,
	       struct gfp_error *err)
{
	memset(h, 0, sizeof(*h));
	if (!pgdat || !pgdat->arena) {
		snprintf(err->msg, sizeof(err->msg),
			 "kheap: the node has no arena (expected a node built "
			 "with simulated RAM to carve objects from)");
		return -1;
	}
	if (pgdat->page_shift + 1 > KMALLOC_SHIFT_HIGH_MAX ||
	    pgdat->nr_page_orders < 2) {
		snprintf(err->msg, sizeof(err->msg),
			 "kheap: page shift %u / %u page orders not supported "
			 "(expected a page shift of at most %u and 2+ orders)",
			 pgdat->page_shift, pgdat->nr_page_orders,
			 KMALLOC_SHIFT_HIGH_MAX - 1);
		return -1;
	}
	h->pgdat = pgdat;
	if (!pgdat->migrate_page)
		pgdat->migrate_page = vm_migrate_page;
	meta_init(&h->meta);
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->vm_lock, NULL);
	h->page_shift = pgdat->page_shift;
	h->page_size = (size_t)1 << pgdat->page_shift;

	if (slab_init(h, err) == 0)
		return 0;
	meta_destroy(&h->meta);
	return -1;
}

void kheap_destroy(struct kheap *h)
{
	vm_destroy_all(h);
	slab_destroy(h);
	meta_destroy(&h->meta);
	if (h->pgdat->migrate_page == vm_migrate_page)
		h->pgdat->migrate_page = NULL;
	h->pgdat = NULL;
}

enum kheap_owner kheap_pointer_owner(struct kheap *h, const void *p)
{
	struct page *page = kheap_virt_to_page(h, p);
	if (page) {
		uint32_t tag = page->private & KHEAP_PAGE_TAG_MASK;
		if (tag == KHEAP_PAGE_SLAB && page->owner)
			return KHEAP_OWNER_SLAB;
		if (tag == KHEAP_PAGE_LARGE &&
		    ((uintptr_t)p & (h->page_size - 1)) == 0)
			return KHEAP_OWNER_LARGE;
		return KHEAP_NOT_OURS;
	}
	return vm_area_find(h, p) ? KHEAP_OWNER_VMALLOC : KHEAP_NOT_OURS;
}

bool kheap_kfree(struct kheap *h, struct kheap_thread *t, void *p)
{
	if (ZERO_OR_NULL_PTR(p))
		return true;
	struct page *page = kheap_virt_to_page(h, p);
	if (!page)
		return kheap_vfree(h, t, p);
	if ((page->private & KHEAP_PAGE_TAG_MASK) == KHEAP_PAGE_LARGE)
		return kmalloc_large_free(h, t, page, p);
	return slab_kfree(h, t, page, p);
}

size_t kheap_ksize(struct kheap *h, const void *p)
{
	if (ZERO_OR_NULL_PTR(p))
		return 0;
	struct page *page = kheap_virt_to_page(h, p);
	if (!page) {
		struct vm_area *a = vm_area_find(h, p);
		return a ? a->len : (size_t)-1;
	}
	return slab_ksize(h, page);
}

/* __do_krealloc(): keep the block while it is large enough */
void *kheap_krealloc(struct kheap *h, struct kheap_thread *t, void *p,
		     size_t new_size, gfp_t gfp)
{
	if (ZERO_OR_NULL_PTR(p))
		return kheap_kmalloc(h, t, new_size, gfp);
	if (new_size == 0) {
		kheap_kfree(h, t, p);
		return ZERO_SIZE_PTR;
	}
	if (!kheap_virt_to_page(h, p))
		return kheap_vrealloc(h, t, p, new_size, gfp);
	size_t ks = kheap_ksize(h, p);
	if (ks == (size_t)-1)
		return NULL;
	if (new_size <= ks) {
		if (gfp & __GFP_ZERO)
			memset((char *)p + new_size, 0, ks - new_size);
		return p;
	}
	void *n = kheap_kmalloc(h, t, new_size, gfp);
	if (!n)
		return NULL;
	memcpy(n, p, ks);
	kheap_kfree(h, t, p);
	return n;
}
