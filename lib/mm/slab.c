#include "config.h"

#include "abi/kver_rules.h"
#include "mm/slab.h"

#include <stdio.h>
#include <string.h>

#include "base/prim.h"
#include "mm/internal.h"

/* mm/internal.h: the gfp bits a slab page request keeps from the caller */
#define GFP_RECLAIM_MASK (__GFP_RECLAIM | __GFP_HIGH | __GFP_IO | __GFP_FS | \
			  __GFP_NOWARN | __GFP_RETRY_MAYFAIL | __GFP_NOFAIL | \
			  __GFP_NORETRY | __GFP_MEMALLOC | __GFP_NOMEMALLOC | \
			  __GFP_ATOMIC | __GFP_NOLOCKDEP)
#define GFP_CONSTRAINT_MASK (__GFP_HARDWALL | __GFP_THISNODE)

#define REMOTE_HEAD(w)  ((unsigned)((w) & 0xffffu))
#define REMOTE_COUNT(w) ((unsigned)(((w) >> 16) & 0xffffu))
#define REMOTE_WORD(head, count) \
	((uint64_t)(head) | ((uint64_t)(count) << 16))

static const char *const kmalloc_type_prefix[NR_KMALLOC_TYPES] = {
	[KMALLOC_NORMAL]  = "kmalloc-",
	[KMALLOC_RECLAIM] = "kmalloc-rcl-",
	[KMALLOC_DMA]     = "dma-kmalloc-",
	[KMALLOC_CGROUP]  = "kmalloc-cg-",
};

/* ---- small helpers ------------------------------------------------------ */

static inline void *get_fp(const struct kmem_cache *s, void *obj)
{
	return *(void **)((char *)obj + s->offset);
}

static inline void set_fp(const struct kmem_cache *s, void *obj, void *fp)
{
	*(void **)((char *)obj + s->offset) = fp;
}

static void account_slab(struct kheap *h, struct kmem_cache *s,
			 unsigned long pfn, long pages)
{
	struct pglist_data *pgdat = h->pgdat;
	struct zone *zone = page_zone(pgdat, pfn_to_page(pgdat, pfn));
	bool rcl = s->node_stat == NR_SLAB_RECLAIMABLE;
	kheap_stat_add(&pgdat->vm_stat[s->node_stat], pages);
	kheap_stat_add(&zone->vm_stat[rcl ? NR_ZONE_SLAB_RECLAIMABLE :
				NR_ZONE_SLAB_UNRECLAIMABLE], pages);
}

/* ---- slabs --------------------------------------------------------------- */

static void list_push(struct slab **head, struct slab *slab)
{
	slab->prev = NULL;
	slab->next = *head;
	if (*head)
		(*head)->prev = slab;
	*head = slab;
}

static void list_unlink(struct slab **head, struct slab **tail,
			struct slab *slab)
{
	if (slab->prev)
		slab->prev->next = slab->next;
	else
		*head = slab->next;
	if (slab->next)
		slab->next->prev = slab->prev;
	else if (tail)
		*tail = slab->prev;
	slab->next = slab->prev = NULL;
}

static void partial_add(struct kmem_cache *s, struct slab *slab)
{
	list_push(&s->partial, slab);
	slab->list = SLAB_LIST_NODE;
	s->nr_partial++;
}

static void partial_del(struct kmem_cache *s, struct slab *slab)
{
	list_unlink(&s->partial, NULL, slab);
	slab->list = SLAB_LIST_NONE;
	s->nr_partial--;
}

/* The owner's partial list is a queue: a slab that got a free object
 * waits at the tail, gathering more, while the older ones are used. */
static void cpu_partial_add(struct kmem_cache_cpu *c, struct slab *slab)
{
	slab->next = NULL;
	slab->prev = c->partial_tail;
	if (c->partial_tail)
		c->partial_tail->next = slab;
	else
		c->partial = slab;
	c->partial_tail = slab;
	slab->list = SLAB_LIST_PARTIAL;
}

static struct slab *cpu_partial_pop(struct kmem_cache_cpu *c)
{
	struct slab *slab = c->partial;
	if (slab) {
		list_unlink(&c->partial, &c->partial_tail, slab);
		slab->list = SLAB_LIST_NONE;
	}
	return slab;
}

/* The thread's list of its slabs, touched only when ownership changes. */
static void own(struct kmem_cache_cpu *c, struct slab *slab)
{
	slab->owned_prev = NULL;
	slab->owned_next = c->owned;
	if (c->owned)
		c->owned->owned_prev = slab;
	c->owned = slab;
}

static void disown(struct kmem_cache_cpu *c, struct slab *slab)
{
	if (slab->list == SLAB_LIST_PARTIAL)
		list_unlink(&c->partial, &c->partial_tail, slab);
	if (slab->owned_prev)
		slab->owned_prev->owned_next = slab->owned_next;
	else
		c->owned = slab->owned_next;
	if (slab->owned_next)
		slab->owned_next->owned_prev = slab->owned_prev;
	slab->list = SLAB_LIST_NONE;
}

static struct kheap_thread *slab_owner(const struct slab *slab)
{
	return __atomic_load_n(&slab->owner, __ATOMIC_RELAXED);
}

static void set_owner(struct slab *slab, struct kheap_thread *t)
{
	__atomic_store_n(&slab->owner, t, __ATOMIC_RELAXED);
}

static void *obj_at(const struct kmem_cache *s, const struct slab *slab,
		    unsigned idx)
{
	return idx == SLAB_REMOTE_NONE ? NULL : slab->base + (size_t)idx * s->size;
}

/* Take the remote free list, leaving `flags` as the slab's state bits.
 * Returns the list (linked through the free pointer), count in *n. */
static void *take_remote(struct kmem_cache *s, struct slab *slab,
			 uint64_t flags, unsigned *n)
{
	uint64_t old = atomic_exchange_explicit(
		&slab->remote, REMOTE_WORD(SLAB_REMOTE_NONE, 0) | flags,
		memory_order_acquire);
	if (n)
		*n = REMOTE_COUNT(old);
	return obj_at(s, slab, REMOTE_HEAD(old));
}

/* list ++ tail, both linked through the free pointer */
static void *splice(const struct kmem_cache *s, void *list, void *tail)
{
	if (!list)
		return tail;
	void *last = list;
	while (get_fp(s, last))
		last = get_fp(s, last);
	set_fp(s, last, tail);
	return list;
}

/* allocate_slab(): the preferred order with NOWARN|NORETRY, then the
 * minimum order with the caller's flags.  Returns the new slab, owned by
 * t, its objects on its freelist, or NULL with t->fail filled. */
gfp_t kheap_slab_page_gfp(const struct kheap *h, const struct kmem_cache *s,
			  gfp_t gfp)
{
	gfp_t flags = gfp;
	if (flags & GFP_SLAB_BUG_MASK)          /* kmalloc_fix_flags() */
		flags &= ~GFP_SLAB_BUG_MASK;
	flags &= GFP_RECLAIM_MASK | GFP_CONSTRAINT_MASK;
	flags |= s->allocflags;
	if (kver_has(h->pgdat->kv, KF_GFP_NOTRACK))   /* alloc_slab_page() */
		flags |= __GFP_NOTRACK;
	return flags;
}

static struct slab *new_slab(struct kheap *h, struct kheap_thread *t,
			     struct kmem_cache *s, gfp_t gfp, size_t size)
{
	struct pglist_data *pgdat = h->pgdat;
	gfp_t flags = kheap_slab_page_gfp(h, s, gfp);

	gfp_t alloc_gfp = (flags | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL;
	if ((alloc_gfp & __GFP_DIRECT_RECLAIM) && s->oo_order > s->min_order)
		alloc_gfp = (alloc_gfp | __GFP_NOMEMALLOC) & ~__GFP_RECLAIM;

	struct alloc_outcome *out = &t->fail.outcome;
	unsigned order = s->oo_order, objects = s->oo_objects;
	if (!alloc_pages_node(pgdat, alloc_gfp, order, t->cpu_id, out)) {
		order = s->min_order;
		objects = s->min_objects;
		if (!alloc_pages_node(pgdat, flags, order, t->cpu_id, out)) {
			kheap_fail_set(&t->fail, KHEAP_FAIL_PAGES, KHEAP_SITE_SLAB, size, 0, order,
			       gfp, flags, flags, !((flags) & __GFP_NOWARN), s);
			return NULL;
		}
	}
	unsigned long pfn = out->pfn;
	struct slab *slab = meta_alloc(&h->meta, sizeof(*slab));
	if (!slab) {
		free_pages_node(pgdat, pfn, order, t->cpu_id);
		kheap_fail_set(&t->fail, KHEAP_FAIL_OS, KHEAP_SITE_SLAB, size, 0, order,
			       gfp, flags, flags, !((flags) & __GFP_NOWARN), s);
		return NULL;
	}
	slab->cache = s;
	slab->size = s->size;
	slab->reciprocal_size = s->reciprocal_size;
	slab->offset = s->offset;
	slab->cache_id = (uint16_t)s->id;
	slab->pfn = pfn;
	slab->base = kheap_page_address(h, pfn);
	slab->order = order;
	slab->objects = objects;
	slab->owner = t;
	atomic_init(&slab->remote,
		    REMOTE_WORD(SLAB_REMOTE_NONE, 0) | SLAB_REMOTE_OWNED);
	atomic_init(&slab->inuse, 0);
	atomic_init(&slab->delayed, false);

	for (unsigned long i = 0; i < (1UL << order); i++) {
		struct page *page = pfn_to_page(pgdat, pfn + i);
		page->private = KHEAP_PAGE_SLAB;
		page->owner = slab;
	}
	pfn_to_page(pgdat, pfn)->flags |= PG_slab;

	/* link the objects in address order, constructing each once */
	char *p = slab->base;
	for (unsigned i = 0; i < objects; i++, p += s->size) {
		if (s->ctor)
			s->ctor(p);
		set_fp(s, p, i + 1 < objects ? p + s->size : NULL);
	}
	slab->freelist = slab->base;
	account_slab(h, s, pfn, 1L << order);
	atomic_fetch_add_explicit(&s->nr_slabs, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->total_objects, objects,
				  memory_order_relaxed);
	return slab;
}

static void discard_slab(struct kheap *h, struct kheap_thread *t,
			 struct slab *slab)
{
	struct kmem_cache *s = slab->cache;
	struct pglist_data *pgdat = h->pgdat;
	for (unsigned long i = 0; i < (1UL << slab->order); i++) {
		struct page *page = pfn_to_page(pgdat, slab->pfn + i);
		page->private = 0;
		page->owner = NULL;
	}
	pfn_to_page(pgdat, slab->pfn)->flags &= (uint8_t)~PG_slab;
	account_slab(h, s, slab->pfn, -(1L << slab->order));
	atomic_fetch_sub_explicit(&s->nr_slabs, 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&s->total_objects, slab->objects,
				  memory_order_relaxed);
	kheap_free_frames(h, t, slab->pfn, slab->order);
	meta_free(&h->meta, slab, sizeof(*slab));
}

/* Put an unowned slab where it belongs, list_lock held: on the partial
 * list when it has free objects; an empty one is returned for discarding
 * when the cache already keeps min_partial slabs (__slab_free()). */
static struct slab *settle(struct kmem_cache *s, struct slab *slab)
{
	uint64_t w = atomic_load_explicit(&slab->remote, memory_order_acquire);
	if (w & SLAB_REMOTE_OWNED)
		return NULL;
	bool listed = slab->list == SLAB_LIST_NODE;
	unsigned inuse = atomic_load_explicit(&slab->inuse, memory_order_relaxed);
	unsigned rcount = REMOTE_COUNT(w);
	if (inuse == rcount && s->nr_partial >= s->min_partial + listed) {
		if (listed)
			partial_del(s, slab);
		return slab;
	}
	if ((slab->freelist || rcount) && !listed)
		partial_add(s, slab);
	return NULL;
}

/* Move the full slabs other threads have freed to onto the partial list
 * (the owner, or list_lock held for a thread that cannot run). */
static void drain_delayed(struct kmem_cache_cpu *c)
{
	struct slab *slab = atomic_exchange_explicit(&c->delayed, NULL,
						     memory_order_acquire);
	while (slab) {
		struct slab *next = slab->delayed_next;
		atomic_store_explicit(&slab->delayed, false, memory_order_release);
		if (slab->list == SLAB_LIST_FULL)
			cpu_partial_add(c, slab);
		slab = next;
	}
}

/* A remote free found the slab full, list_lock held: queue it for its
 * owner (mimalloc's delayed free), once until the owner looks. */
static void notify_owner(struct kmem_cache *s, struct slab *slab)
{
	struct kmem_cache_cpu *c = &slab->owner->cpu[s->id];
	if (atomic_exchange_explicit(&slab->delayed, true, memory_order_acq_rel))
		return;
	struct slab *head = atomic_load_explicit(&c->delayed,
						 memory_order_relaxed);
	do
		slab->delayed_next = head;
	while (!atomic_compare_exchange_weak_explicit(
			&c->delayed, &head, slab, memory_order_release,
			memory_order_relaxed));
}

/* Give an owned slab to the cache (list_lock held); returns it when it is
 * empty and the cache keeps enough. */
static struct slab *abandon(struct kmem_cache *s, struct kmem_cache_cpu *c,
			    struct slab *slab)
{
	/* nothing may stay queued for an owner the slab no longer has */
	if (atomic_load_explicit(&slab->delayed, memory_order_acquire))
		drain_delayed(c);
	disown(c, slab);
	uint64_t old = atomic_load_explicit(&slab->remote, memory_order_relaxed);
	while (!atomic_compare_exchange_weak_explicit(
			&slab->remote, &old,
			old & ~(SLAB_REMOTE_OWNED | SLAB_REMOTE_FULL),
			memory_order_acq_rel, memory_order_relaxed))
		;
	set_owner(slab, NULL);
	return settle(s, slab);
}

/* Make slab t's cpu slab: its free objects and its remote ones become the
 * cpu freelist. */
static void *cpu_slab_take(struct kmem_cache_cpu *c, struct kmem_cache *s,
			   struct slab *slab)
{
	void *list = slab->freelist;
	slab->freelist = NULL;
	if (REMOTE_COUNT(atomic_load_explicit(&slab->remote,
					      memory_order_relaxed)))
		list = splice(s, take_remote(s, slab, SLAB_REMOTE_OWNED, NULL),
			      list);
	atomic_store_explicit(&slab->inuse, slab->objects, memory_order_relaxed);
	slab->list = SLAB_LIST_CPU;
	c->slab = slab;
	return list;
}

/* The cpu slab has no free object left: set it aside as full, unless
 * other threads have freed to it meanwhile (then return their objects). */
static void *cpu_slab_retire(struct kmem_cache_cpu *c, struct kmem_cache *s,
			     struct slab *slab)
{
	uint64_t old = atomic_load_explicit(&slab->remote, memory_order_relaxed);
	do {
		if (REMOTE_COUNT(old))
			return take_remote(s, slab, SLAB_REMOTE_OWNED, NULL);
	} while (!atomic_compare_exchange_weak_explicit(
			&slab->remote, &old, old | SLAB_REMOTE_FULL,
			memory_order_acq_rel, memory_order_relaxed));
	slab->list = SLAB_LIST_FULL;
	c->slab = NULL;
	return NULL;
}

/* Give every slab of one cache that t holds to the cache (flush_slab(),
 * unfreeze_partials()); empty ones beyond the cache's reserve go back to
 * the buddy. */
static void cpu_cache_flush(struct kheap *h, struct kheap_thread *t,
			    struct kmem_cache *s)
{
	struct kmem_cache_cpu *c = &t->cpu[s->id];
	struct slab *empty = NULL, *slab;

	if (!c->owned)
		return;
	pthread_mutex_lock(&s->list_lock);
	drain_delayed(c);
	if ((slab = c->slab)) {
		unsigned n = 0;
		for (void *p = c->freelist; p; p = get_fp(s, p))
			n++;
		slab->freelist = c->freelist;
		atomic_store_explicit(&slab->inuse, slab->objects - n,
				      memory_order_relaxed);
		c->slab = NULL;
		c->freelist = NULL;
		if ((slab = abandon(s, c, slab))) {
			slab->next = empty;
			empty = slab;
		}
	}
	while ((slab = c->owned)) {
		if ((slab = abandon(s, c, slab))) {
			slab->next = empty;
			empty = slab;
		}
	}
	c->nr_empty = 0;
	pthread_mutex_unlock(&s->list_lock);
	while (empty) {
		slab = empty->next;
		discard_slab(h, t, empty);
		empty = slab;
	}
}

/* ___slab_alloc(): the cpu freelist is empty.  In order: objects other
 * threads freed to the cpu slab, the thread's own partial slabs, the
 * cache's partial list, a new slab. */
static void *slab_alloc_refill(struct kheap *h, struct kheap_thread *t,
			       struct kmem_cache *s, gfp_t gfp, size_t size)
{
	struct kmem_cache_cpu *c = &t->cpu[s->id];
	struct slab *slab = c->slab;
	void *list = NULL;

	if (slab)
		list = cpu_slab_retire(c, s, slab);
	if (!list && atomic_load_explicit(&c->delayed, memory_order_relaxed))
		drain_delayed(c);
	while (!list && (slab = cpu_partial_pop(c))) {
		if (atomic_load_explicit(&slab->inuse, memory_order_relaxed) == 0)
			c->nr_empty--;
		list = cpu_slab_take(c, s, slab);
		if (!list)      /* its remote objects were its only ones */
			list = cpu_slab_retire(c, s, slab);
	}
	if (!list && s->partial) {
		pthread_mutex_lock(&s->list_lock);
		if ((slab = s->partial)) {
			partial_del(s, slab);
			uint64_t old = atomic_load_explicit(&slab->remote,
							    memory_order_relaxed);
			while (!atomic_compare_exchange_weak_explicit(
					&slab->remote, &old,
					old | SLAB_REMOTE_OWNED,
					memory_order_acq_rel,
					memory_order_relaxed))
				;
			set_owner(slab, t);
			own(c, slab);
			list = cpu_slab_take(c, s, slab);
		}
		pthread_mutex_unlock(&s->list_lock);
	}
	if (!list) {
		slab = new_slab(h, t, s, gfp, size);
		if (!slab)
			return NULL;
		own(c, slab);
		list = cpu_slab_take(c, s, slab);
	}
	c->freelist = get_fp(s, list);
	return list;
}

/* May a request of this cache and gfp fail?  The fault hook is asked
 * about each kind of request once per thread (heap->may_fail). */
static bool slab_may_fail(struct kheap *h, struct kmem_cache_cpu *c,
			  struct kmem_cache *s, gfp_t gfp, size_t size)
{
	if (!h->should_fail || c->nofail_gfp == gfp)
		return false;
	if (h->may_fail) {
		struct kheap_request req = {
			.site = KHEAP_SITE_SLAB, .gfp = gfp,
			.order = s->min_order, .size = size, .cache = s->name,
		};
		if (!h->may_fail(h->fault_arg, &req)) {
			c->nofail_gfp = gfp;
			return false;
		}
	}
	return true;
}

/* The slab entry: one fault-hook call, then the cpu freelist. */
void *slab_alloc(struct kheap *h, struct kheap_thread *t,
		 struct kmem_cache *s, gfp_t gfp, size_t size)
{
	struct kmem_cache_cpu *c = &t->cpu[s->id];
	if (slab_may_fail(h, c, s, gfp, size) &&
	    kheap_should_fail(h, t, KHEAP_SITE_SLAB, gfp, s->min_order, size,
			      s->name)) {
		t->fail.cache = s;
		return NULL;
	}
	void *obj = c->freelist;
	if (obj)
		c->freelist = get_fp(s, obj);
	else
		obj = slab_alloc_refill(h, t, s, gfp, size);
	if (obj && (gfp & __GFP_ZERO))
		memset(obj, 0, s->object_size);
	return obj;
}

/* __slab_free() for another thread's slab or an unowned one: one CAS onto
 * the slab's remote list.  A free that finds the slab set aside as full
 * hands it back to its owner; one that may put an unowned slab on the
 * partial list or empty it settles it.  Both take list_lock before their
 * CAS (as __slab_free() takes n->list_lock first), so the owner cannot go
 * away meanwhile and no other freer can settle a slab that this one has
 * already discarded. */
static void slab_free_remote(struct kheap *h, struct kheap_thread *t,
			     struct kmem_cache *s, struct slab *slab, void *obj)
{
	unsigned idx = kheap_obj_index(slab, obj);
	uint64_t old = atomic_load_explicit(&slab->remote, memory_order_relaxed);
	uint64_t new;
	bool locked = false;
	for (;;) {
		if (!locked && ((old & SLAB_REMOTE_FULL) ||
				!(old & SLAB_REMOTE_OWNED))) {
			unsigned inuse = atomic_load_explicit(
				&slab->inuse, memory_order_relaxed);
			if ((old & SLAB_REMOTE_FULL) ||
			    REMOTE_COUNT(old) == 0 ||
			    REMOTE_COUNT(old) + 1 == inuse) {
				pthread_mutex_lock(&s->list_lock);
				locked = true;
				old = atomic_load_explicit(&slab->remote,
							   memory_order_relaxed);
			}
		}
		set_fp(s, obj, obj_at(s, slab, REMOTE_HEAD(old)));
		new = REMOTE_WORD(idx, REMOTE_COUNT(old) + 1) |
			(old & SLAB_REMOTE_OWNED);
		if (atomic_compare_exchange_weak_explicit(
				&slab->remote, &old, new, memory_order_acq_rel,
				memory_order_relaxed))
			break;
	}
	if (!locked)
		return;
	struct slab *empty = NULL;
	if (old & SLAB_REMOTE_FULL)
		notify_owner(s, slab);
	else
		empty = settle(s, slab);
	pthread_mutex_unlock(&s->list_lock);
	if (empty)
		discard_slab(h, t, empty);
}

/* A free by the slab's owner: no lock, no atomic.  A full slab becomes
 * partial again; an empty one beyond the thread's few goes to the cache. */
static void slab_free_local(struct kheap *h, struct kheap_thread *t,
			    struct kmem_cache *s, struct slab *slab, void *obj)
{
	struct kmem_cache_cpu *c = &t->cpu[s->id];
	if (slab == c->slab) {
		set_fp(s, obj, c->freelist);
		c->freelist = obj;
		return;
	}
	set_fp(s, obj, slab->freelist);
	slab->freelist = obj;
	unsigned inuse = atomic_load_explicit(&slab->inuse,
					      memory_order_relaxed) - 1;
	atomic_store_explicit(&slab->inuse, inuse, memory_order_relaxed);
	if (slab->list == SLAB_LIST_FULL)
		cpu_partial_add(c, slab);
	if (inuse || ++c->nr_empty <= SLAB_THREAD_EMPTY)
		return;
	c->nr_empty--;
	pthread_mutex_lock(&s->list_lock);
	struct slab *empty = abandon(s, c, slab);
	pthread_mutex_unlock(&s->list_lock);
	if (empty)
		discard_slab(h, t, empty);
}

void kheap_slab_free_local(struct kheap *h, struct kheap_thread *t,
			   struct slab *slab, void *obj)
{
	slab_free_local(h, t, slab->cache, slab, obj);
}

static void slab_free(struct kheap *h, struct kheap_thread *t,
		      struct slab *slab, void *obj)
{
	struct kmem_cache *s = slab->cache;
	if (t && slab_owner(slab) == t)
		slab_free_local(h, t, s, slab, obj);
	else
		slab_free_remote(h, t, s, slab, obj);
}

/* ---- the heap ------------------------------------------------------------ */

static struct kmem_cache *cache_alloc_desc(struct kheap *h)
{
	struct kmem_cache *s = meta_alloc(&h->meta, sizeof(*s));
	if (!s)
		return NULL;
	pthread_mutex_lock(&h->lock);
	unsigned first = KMALLOC_SHIFT_HIGH_MAX + 1;
	for (unsigned id = first; id < KHEAP_MAX_CACHES; id++) {
		if (!h->caches[id]) {
			s->id = id;
			h->caches[id] = s;
			pthread_mutex_unlock(&h->lock);
			return s;
		}
	}
	pthread_mutex_unlock(&h->lock);
	meta_free(&h->meta, s, sizeof(*s));
	return NULL;
}

/* kmalloc_info[] names */
static void kmalloc_name(const struct kheap *h, enum kmalloc_cache_type type,
			 unsigned idx, char *buf, size_t len)
{
	size_t bytes = idx == 1 ? 96 : idx == 2 ? 192 : (size_t)1 << idx;
	const char *prefix = kmalloc_type_prefix[type];
	if (bytes >= 1024 && kver_has(h->pgdat->kv, KF_KMALLOC_SHORT_NAMES)) {
		if (bytes >= (1u << 20))
			snprintf(buf, len, "%s%zuM", prefix, bytes >> 20);
		else
			snprintf(buf, len, "%s%zuk", prefix, bytes >> 10);
	} else {
		snprintf(buf, len, "%s%zu", prefix, bytes);
	}
}

static int create_kmalloc_cache(struct kheap *h, enum kmalloc_cache_type type,
				unsigned idx, struct gfp_error *err)
{
	struct kmem_cache *s;
	if (type == KMALLOC_NORMAL) {
		s = meta_alloc(&h->meta, sizeof(*s));
		if (s) {
			s->id = idx;
			h->caches[idx] = s;
		}
	} else {
		s = cache_alloc_desc(h);
	}
	if (!s) {
		snprintf(err->msg, sizeof(err->msg),
			 "kmalloc caches: no metadata memory");
		return -1;
	}
	kmalloc_name(h, type, idx, s->name, sizeof(s->name));
	s->object_size = idx == 1 ? 96 : idx == 2 ? 192 : 1u << idx;
	s->align = 8;
	s->flags = SLAB_KMALLOC;
	if (type == KMALLOC_RECLAIM)
		s->flags |= SLAB_RECLAIM_ACCOUNT;
	else if (type == KMALLOC_DMA)
		s->flags |= SLAB_CACHE_DMA;
	else if (type == KMALLOC_CGROUP)
		s->flags |= SLAB_ACCOUNT;
	s->heap = h;
	if (slab_cache_open(h, s) < 0) {
		snprintf(err->msg, sizeof(err->msg),
			 "kmalloc cache %s: no slab order fits", s->name);
		return -1;
	}
	h->kmalloc_caches[type][idx] = s;
	return 0;
}

/* setup_kmalloc_cache_index_table() */
static void setup_size_index(struct kheap *h)
{
	static const uint8_t base[24] = {
		3, 4, 5, 5, 6, 6, 6, 6,         /* 8 … 64 */
		1, 1, 1, 1,                     /* 72 … 96 */
		7, 7, 7, 7,                     /* 104 … 128 */
		2, 2, 2, 2, 2, 2, 2, 2,         /* 136 … 192 */
	};
	size_t min_size = (size_t)1 << h->kmalloc_shift_low;
	memcpy(h->size_index, base, sizeof(base));
	for (size_t i = 8; i < min_size && i <= 192; i += 8)
		h->size_index[(i - 1) / 8] = (uint8_t)h->kmalloc_shift_low;
	if (min_size >= 64)
		for (size_t i = 64 + 8; i <= 96; i += 8)
			h->size_index[(i - 1) / 8] = 7;
	if (min_size >= 128)
		for (size_t i = 128 + 8; i <= 192; i += 8)
			h->size_index[(i - 1) / 8] = 8;
}

struct kheap_thread *kheap_thread_attach(struct kheap *h)
{
	struct kheap_thread *t = meta_alloc(&h->meta, sizeof(*t));
	if (!t)
		return NULL;
	t->heap = h;
	for (unsigned id = 0; id < KHEAP_MAX_CACHES; id++)
		t->cpu[id].nofail_gfp = KHEAP_GFP_UNKNOWN;
	pthread_mutex_lock(&h->lock);
	unsigned cpus = h->pgdat->nr_cpus ? h->pgdat->nr_cpus : 1;
	t->cpu_id = h->next_cpu++ % cpus;
	t->next = h->threads;
	if (h->threads)
		h->threads->prev = t;
	h->threads = t;
	pthread_mutex_unlock(&h->lock);
	return t;
}

void kheap_thread_flush(struct kheap *h, struct kheap_thread *t)
{
	for (unsigned id = 0; id < KHEAP_MAX_CACHES; id++)
		if (h->caches[id])
			cpu_cache_flush(h, t, h->caches[id]);
}

static void thread_unlink(struct kheap *h, struct kheap_thread *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		h->threads = t->next;
	if (t->next)
		t->next->prev = t->prev;
}

void kheap_thread_detach(struct kheap *h, struct kheap_thread *t)
{
	kheap_thread_flush(h, t);
	pthread_mutex_lock(&h->lock);
	thread_unlink(h, t);
	pthread_mutex_unlock(&h->lock);
	meta_free(&h->meta, t, sizeof(*t));
}

/* Lock order: heap, caches by id, vm areas, metadata. */
void kheap_lock_all(struct kheap *h)
{
	pthread_mutex_lock(&h->lock);
	for (unsigned id = 0; id < KHEAP_MAX_CACHES; id++)
		if (h->caches[id])
			pthread_mutex_lock(&h->caches[id]->list_lock);
	pthread_mutex_lock(&h->vm_lock);
	meta_lock(&h->meta);
}

void kheap_unlock_all(struct kheap *h)
{
	meta_unlock(&h->meta);
	pthread_mutex_unlock(&h->vm_lock);
	for (unsigned id = KHEAP_MAX_CACHES; id-- > 0;)
		if (h->caches[id])
			pthread_mutex_unlock(&h->caches[id]->list_lock);
	pthread_mutex_unlock(&h->lock);
}

void kheap_fork_child(struct kheap *h, struct kheap_thread *self)
{
	meta_fork_child(&h->meta);
	pthread_mutex_init(&h->vm_lock, NULL);
	for (unsigned id = 0; id < KHEAP_MAX_CACHES; id++)
		if (h->caches[id])
			pthread_mutex_init(&h->caches[id]->list_lock, NULL);
	pthread_mutex_init(&h->lock, NULL);
	/* the other threads did not survive fork(): their cpu slabs return */
	struct kheap_thread *t = h->threads;
	while (t) {
		struct kheap_thread *next = t->next;
		if (t != self)
			kheap_thread_detach(h, t);
		t = next;
	}
}

/* ---- the heap's side (kheap.c) ------------------------------------------ */

int slab_init(struct kheap *h, struct gfp_error *err)
{
	struct pglist_data *pgdat = h->pgdat;

	/* arm64's ARCH_KMALLOC_MINALIGN */
	bool arm64 = pgdat->desc && strcmp(pgdat->desc->arch, "arm64") == 0;
	h->kmalloc_shift_low = arm64 &&
		!kver_has(pgdat->kv, KF_ARM64_KMALLOC_MINALIGN_8) ? 7 : 3;
	h->kmalloc_shift_high = h->page_shift + 1;
	h->kmalloc_max_cache_size = (size_t)1 << h->kmalloc_shift_high;
	h->kmalloc_max_size = h->page_size << (pgdat->nr_page_orders - 1);
	unsigned cpus = pgdat->nr_cpus ? pgdat->nr_cpus : 1;
	h->min_objects = 4 * (kheap_fls(cpus) + 1);
	setup_size_index(h);

	h->has_type[KMALLOC_NORMAL] = true;
	h->has_type[KMALLOC_RECLAIM] = kver_has(pgdat->kv, KF_KMALLOC_RECLAIM);
	h->has_type[KMALLOC_CGROUP] = kver_has(pgdat->kv, KF_KMALLOC_CGROUP);
	for (unsigned z = 0; z < pgdat->nr_zones; z++)
		if (pgdat->node_zones[z].type == ZONE_DMA)
			h->has_type[KMALLOC_DMA] = true;

	for (int type = 0; type < NR_KMALLOC_TYPES; type++) {
		if (!h->has_type[type])
			continue;
		for (unsigned i = h->kmalloc_shift_low; i <= h->kmalloc_shift_high; i++)
			if (create_kmalloc_cache(h, type, i, err) < 0)
				return -1;
		if (h->kmalloc_shift_low <= 5 &&
		    create_kmalloc_cache(h, type, 1, err) < 0)
			return -1;
		if (h->kmalloc_shift_low <= 6 &&
		    create_kmalloc_cache(h, type, 2, err) < 0)
			return -1;
	}
	return 0;
}

void slab_destroy(struct kheap *h)
{
	for (unsigned id = 0; id < KHEAP_MAX_CACHES; id++) {
		struct kmem_cache *s = h->caches[id];
		if (!s)
			continue;
		while (s->partial) {
			struct slab *slab = s->partial;
			partial_del(s, slab);
			discard_slab(h, NULL, slab);
		}
	}
}

bool slab_kfree(struct kheap *h, struct kheap_thread *t, struct page *page,
		void *p)
{
	uint32_t tag = page->private & KHEAP_PAGE_TAG_MASK;
	if (tag == KHEAP_PAGE_SLAB) {
		struct slab *slab = page->owner;
		if (kheap_obj_index(slab, p) * slab->size !=
		    (size_t)((char *)p - slab->base))
			return false;
		slab_free(h, t, slab, p);
		return true;
	}
	return false;
}

size_t slab_ksize(const struct kheap *h, const struct page *page)
{
	uint32_t tag = page->private & KHEAP_PAGE_TAG_MASK;
	if (tag == KHEAP_PAGE_SLAB)
		return ((struct slab *)page->owner)->cache->object_size;
	if (tag == KHEAP_PAGE_LARGE)
		return h->page_size << (page->private & ~KHEAP_PAGE_TAG_MASK);
	return (size_t)-1;
}

/* ---- named caches ---------------------------------------------------------- */

struct kmem_cache *kheap_cache_create(struct kheap *h, const char *name,
				      unsigned size, unsigned align,
				      unsigned flags, void (*ctor)(void *),
				      struct gfp_error *err)
{
	const unsigned known = SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA |
		SLAB_CACHE_DMA32 | SLAB_PANIC | SLAB_RECLAIM_ACCOUNT |
		SLAB_ACCOUNT;
	size_t max = h->page_size << (h->pgdat->nr_page_orders - 1);
	if (!name || !*name || strlen(name) >= sizeof(((struct kmem_cache *)0)->name)) {
		snprintf(err->msg, sizeof(err->msg),
			 "kmem_cache_create: name must be 1 to %zu characters",
			 sizeof(((struct kmem_cache *)0)->name) - 1);
		return NULL;
	}
	if (size == 0 || size > max) {
		snprintf(err->msg, sizeof(err->msg),
			 "kmem_cache_create %s: size %u out of range (expected "
			 "1 to %zu bytes)", name, size, max);
		return NULL;
	}
	if (align & (align - 1)) {
		snprintf(err->msg, sizeof(err->msg),
			 "kmem_cache_create %s: align %u is not a power of two",
			 name, align);
		return NULL;
	}
	if (flags & ~known) {
		snprintf(err->msg, sizeof(err->msg),
			 "kmem_cache_create %s: unknown flags %#x (expected "
			 "SLAB_HWCACHE_ALIGN, SLAB_CACHE_DMA, SLAB_CACHE_DMA32, "
			 "SLAB_RECLAIM_ACCOUNT, SLAB_ACCOUNT, SLAB_PANIC)",
			 name, flags & ~known);
		return NULL;
	}
	/* calculate_alignment() */
	unsigned a = 8;
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned ralign = 64;
		while (size <= ralign / 2)
			ralign /= 2;
		if (ralign > a)
			a = ralign;
	}
	if (align > a)
		a = align;

	struct kmem_cache *s = cache_alloc_desc(h);
	if (!s) {
		snprintf(err->msg, sizeof(err->msg),
			 "kmem_cache_create %s: too many caches (at most %u)",
			 name, KHEAP_MAX_CACHES - KMALLOC_SHIFT_HIGH_MAX - 1);
		return NULL;
	}
	unsigned id = s->id;
	memset(s, 0, sizeof(*s));
	s->id = id;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->object_size = size;
	s->align = a;
	s->flags = flags;
	s->ctor = ctor;
	s->heap = h;
	if (slab_cache_open(h, s) < 0) {
		pthread_mutex_lock(&h->lock);
		h->caches[id] = NULL;
		pthread_mutex_unlock(&h->lock);
		meta_free(&h->meta, s, sizeof(*s));
		snprintf(err->msg, sizeof(err->msg),
			 "kmem_cache_create %s: no slab order holds %u bytes",
			 name, size);
		return NULL;
	}
	return s;
}

void *kheap_cache_alloc(struct kheap *h, struct kheap_thread *t,
			struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc(h, t, s, gfp, s->object_size);
}

void kheap_cache_free(struct kheap *h, struct kheap_thread *t,
		      struct kmem_cache *s, void *obj)
{
	if (!obj)
		return;
	/* the object's own slab decides (cache_from_obj()) */
	struct page *page = kheap_virt_to_page(h, obj);
	if (!page || (page->private & KHEAP_PAGE_TAG_MASK) != KHEAP_PAGE_SLAB)
		return;
	struct slab *slab = page->owner;
	if (slab->cache == s)
		slab_free(h, t, slab, obj);
}

int kheap_cache_destroy(struct kheap *h, struct kmem_cache *s)
{
	/* flush_all(): every thread's slabs of this cache */
	pthread_mutex_lock(&h->lock);
	for (struct kheap_thread *t = h->threads; t; t = t->next)
		cpu_cache_flush(h, t, s);
	pthread_mutex_unlock(&h->lock);

	kheap_cache_shrink(h, s);
	pthread_mutex_lock(&s->list_lock);
	bool busy = atomic_load(&s->nr_slabs) != 0;
	pthread_mutex_unlock(&s->list_lock);
	if (busy)
		return -1;
	pthread_mutex_lock(&h->lock);
	h->caches[s->id] = NULL;
	pthread_mutex_unlock(&h->lock);
	pthread_mutex_destroy(&s->list_lock);
	meta_free(&h->meta, s, sizeof(*s));
	return 0;
}

void kheap_cache_shrink(struct kheap *h, struct kmem_cache *s)
{
	struct slab *empty = NULL;
	pthread_mutex_lock(&s->list_lock);
	for (struct slab *slab = s->partial, *next; slab; slab = next) {
		next = slab->next;
		uint64_t w = atomic_load(&slab->remote);
		if (atomic_load(&slab->inuse) == REMOTE_COUNT(w)) {
			partial_del(s, slab);
			slab->next = empty;
			empty = slab;
		}
	}
	pthread_mutex_unlock(&s->list_lock);
	while (empty) {
		struct slab *next = empty->next;
		discard_slab(h, NULL, empty);
		empty = next;
	}
}

void kheap_shrink(struct kheap *h)
{
	for (unsigned id = 0; id < KHEAP_MAX_CACHES; id++)
		if (h->caches[id])
			kheap_cache_shrink(h, h->caches[id]);
}

void kheap_cache_stats(struct kmem_cache *s, struct kmem_cache_stats *st)
{
	pthread_mutex_lock(&s->list_lock);
	st->slabs = atomic_load(&s->nr_slabs);
	st->objs = atomic_load(&s->total_objects);
	st->partial = s->nr_partial;
	st->free = 0;
	for (struct slab *slab = s->partial; slab; slab = slab->next) {
		uint64_t w = atomic_load(&slab->remote);
		st->free += slab->objects - atomic_load(&slab->inuse) +
			REMOTE_COUNT(w);
	}
	pthread_mutex_unlock(&s->list_lock);
}
