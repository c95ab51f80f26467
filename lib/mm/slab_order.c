/* A cache's object stride, slab order and allocation flags, as mm/slub.c
 * calculate_sizes() and calculate_order() compute them per version. */
#include "config.h"

#include <pthread.h>

#include "abi/kver_rules.h"
#include "mm/internal.h"
#include "mm/slab.h"

#define SLUB_MAX_ORDER PAGE_ALLOC_COSTLY_ORDER  /* slub_max_order */
#define MIN_PARTIAL 5
#define MAX_PARTIAL 10

static unsigned order_objects(const struct kheap *h, unsigned order,
			      unsigned size)
{
	return (unsigned)((h->page_size << order) / size);
}

/* calc_slab_order() before 6.8: min_objects decides the first order */
static unsigned slab_order_old(const struct kheap *h, unsigned size,
			       unsigned min_objects, unsigned max_order,
			       unsigned fract_leftover)
{
	if (order_objects(h, 0, size) > MAX_OBJS_PER_PAGE)
		return kheap_get_order(h, (size_t)size * MAX_OBJS_PER_PAGE) - 1;
	unsigned order = kheap_get_order(h, (size_t)min_objects * size);
	for (; order <= max_order; order++) {
		size_t slab_size = h->page_size << order;
		if (slab_size % size <= slab_size / fract_leftover)
			break;
	}
	return order;
}

/* calc_slab_order() 6.8+: the first order is passed in */
static unsigned slab_order_new(const struct kheap *h, unsigned size,
			       unsigned min_order, unsigned max_order,
			       unsigned fract_leftover)
{
	unsigned order = min_order;
	for (; order <= max_order; order++) {
		size_t slab_size = h->page_size << order;
		if (slab_size % size <= slab_size / fract_leftover)
			break;
	}
	return order;
}

/* calculate_order(): the preferred slab order of a cache of stride size */
static int calculate_order(const struct kheap *h, unsigned size)
{
	unsigned max_orders = h->pgdat->nr_page_orders;
	unsigned max_objects = order_objects(h, SLUB_MAX_ORDER, size);
	unsigned min_objects = h->min_objects;
	unsigned order;

	if (kver_has(h->pgdat->kv, KF_SLAB_ORDER_BY_MAX_OBJECTS)) {
		if (max_objects < 1)
			max_objects = 1;
		if (min_objects > max_objects)
			min_objects = max_objects;
		unsigned min_order = kheap_get_order(h, (size_t)min_objects * size);
		if (order_objects(h, min_order, size) > MAX_OBJS_PER_PAGE)
			return (int)kheap_get_order(h, (size_t)size * MAX_OBJS_PER_PAGE) - 1;
		for (unsigned fraction = 16; fraction > 1; fraction /= 2) {
			order = slab_order_new(h, size, min_order, SLUB_MAX_ORDER,
					       fraction);
			if (order <= SLUB_MAX_ORDER)
				return (int)order;
		}
		order = kheap_get_order(h, size);
		return order < max_orders ? (int)order : -1;
	}

	if (min_objects > max_objects)
		min_objects = max_objects;
	while (min_objects > 1) {
		for (unsigned fraction = 16; fraction >= 4; fraction /= 2) {
			order = slab_order_old(h, size, min_objects,
					       SLUB_MAX_ORDER, fraction);
			if (order <= SLUB_MAX_ORDER)
				return (int)order;
		}
		min_objects--;
	}
	order = slab_order_old(h, size, 1, SLUB_MAX_ORDER, 1);
	if (order <= SLUB_MAX_ORDER)
		return (int)order;
	order = slab_order_old(h, size, 1, max_orders, 1);
	return order < max_orders ? (int)order : -1;
}

/* set_min_partial(s, ilog2(s->size) / 2) */
static unsigned min_partial(unsigned size)
{
	unsigned m = (kheap_fls(size) - 1) / 2;
	if (m < MIN_PARTIAL)
		m = MIN_PARTIAL;
	if (m > MAX_PARTIAL)
		m = MAX_PARTIAL;
	return m;
}

/* calculate_sizes(): stride, orders and allocflags of a cache */
int slab_cache_open(struct kheap *h, struct kmem_cache *s)
{
	unsigned size = (s->object_size + 7u) & ~7u;
	if (s->ctor) {
		/* a constructed object keeps its contents: pointer after it */
		s->offset = size;
		size += sizeof(void *);
	} else {
		s->offset = 0;
	}
	size = (size + s->align - 1) & ~(s->align - 1);
	s->size = size;
	s->reciprocal_size = (uint32_t)(((1ull << 32) + size - 1) / size);
	int order = calculate_order(h, size);
	if (order < 0)
		return -1;
	s->oo_order = (unsigned)order;
	s->oo_objects = order_objects(h, s->oo_order, size);
	s->min_order = kheap_get_order(h, size);
	s->min_objects = order_objects(h, s->min_order, size);
	if (s->oo_objects > MAX_OBJS_PER_PAGE)
		s->oo_objects = MAX_OBJS_PER_PAGE;
	if (s->min_objects > MAX_OBJS_PER_PAGE)
		s->min_objects = MAX_OBJS_PER_PAGE;
	s->allocflags = 0;
	if (order > 0 || kver_has(h->pgdat->kv, KF_SLAB_ALWAYS_COMP))
		s->allocflags |= __GFP_COMP;
	if (s->flags & SLAB_CACHE_DMA)
		s->allocflags |= GFP_DMA;
	if (s->flags & SLAB_CACHE_DMA32)
		s->allocflags |= GFP_DMA32;
	if (s->flags & SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= __GFP_RECLAIMABLE;
	s->node_stat = (s->flags & SLAB_RECLAIM_ACCOUNT) ?
		NR_SLAB_RECLAIMABLE : NR_SLAB_UNRECLAIMABLE;
	s->min_partial = min_partial(size);
	pthread_mutex_init(&s->list_lock, NULL);
	return 0;
}
