/* The slab layer: kmalloc size classes, named caches, kmalloc_large.
 *
 * Map of the types:
 *   struct kheap          one heap over one node: the kmalloc caches, named
 *                         caches, the vm-area table, the attached threads,
 *                         the fault hook.  No globals: everything hangs here.
 *   struct kheap_thread   one thread's view ("cpu"): a cpu slab per cache,
 *                         the simulated CPU it charges pcp pages to, the
 *                         record of its last failure.
 *   struct kmem_cache     a cache of equal-size objects (SLUB's kmem_cache)
 *   struct slab           one slab: 2^order frames carved into objects
 *   struct kheap_failure  why the last request of a thread failed
 *
 * Pointers are found in O(1): an address inside the arena gives its pfn,
 * and mem_map[pfn] says what the frame belongs to (page->private tag, then
 * page->owner: the struct slab, or the head of a kmalloc_large block).
 * Addresses outside the arena may be vm areas (vmalloc.h).
 *
 * Nothing here sets errno or prints: a failed request returns NULL and
 * fills t->fail; the caller sets ENOMEM and reports.
 */
#ifndef GFPSHIM_SLAB_H
#define GFPSHIM_SLAB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/machine.h"
#include "base/meta.h"
#include "mm/mmzone.h"
#include "mm/page_alloc.h"

/* ---- flags of kmem_cache_create (include/linux/slab.h) ---------------- */
#define SLAB_HWCACHE_ALIGN      0x00002000u
#define SLAB_CACHE_DMA          0x00004000u
#define SLAB_CACHE_DMA32        0x00008000u
#define SLAB_PANIC              0x00040000u
#define SLAB_RECLAIM_ACCOUNT    0x00020000u
#define SLAB_ACCOUNT            0x04000000u
#define SLAB_KMALLOC            0x00200000u  /* internal: a kmalloc cache */

/* kmalloc(0) and friends return this; kfree/ksize accept it. */
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((uintptr_t)(x) <= (uintptr_t)ZERO_SIZE_PTR)

/* Bounds over every supported page size (64K pages: KMALLOC_SHIFT_HIGH 17). */
#define KMALLOC_SHIFT_HIGH_MAX  18
#define KHEAP_MAX_CACHES        256    /* kmalloc caches + named caches */
#define MAX_OBJS_PER_PAGE       32767  /* mm/slub.c */

enum kmalloc_cache_type {
	KMALLOC_NORMAL,
	KMALLOC_RECLAIM,        /* "kmalloc-rcl-", 4.20+ */
	KMALLOC_DMA,            /* "dma-kmalloc-", when the node has ZONE_DMA */
	KMALLOC_CGROUP,         /* "kmalloc-cg-", 5.14+ (__GFP_ACCOUNT) */
	NR_KMALLOC_TYPES
};

/* ---- the fault hook ----------------------------------------------------
 * Consulted once per request at a layer entry (failslab at the slab entry,
 * fail_page_alloc at the large entry, the vm-area entry).  Returning true
 * fails the request before any memory is touched.  The heap's own entries
 * are the first four; the kernel API's DMA and CMA entries consult the
 * same hook with theirs. */
enum kheap_site {
	KHEAP_SITE_SLAB,        /* kmalloc ≤ KMALLOC_MAX_CACHE_SIZE, kmem_cache_alloc */
	KHEAP_SITE_LARGE,       /* kmalloc_large: pages from the buddy */
	KHEAP_SITE_VMALLOC,     /* vm area: order-0 frames, bytes mapped apart */
	KHEAP_SITE_USER,        /* anonymous mmap: user pages */
	KHEAP_SITE_DMA,         /* dma_alloc_coherent: pages within a device's mask */
	KHEAP_SITE_CMA,         /* cma_alloc: a range of a CMA area */
	NR_KHEAP_SITES
};

struct kheap_request {
	enum kheap_site site;
	gfp_t gfp;              /* the caller's gfp */
	unsigned order;         /* order of the page request this becomes */
	size_t size;            /* bytes asked for */
	const char *cache;      /* slab cache name, or NULL */
};

/* heap->may_fail, optional, answers for a whole kind of request: false
 * when no request of req's site, gfp, order and cache can fail, whatever
 * the hook's counters say.  The slab layer asks once per thread, cache and
 * gfp, and then serves such requests without calling should_fail. */
typedef bool (*kheap_fault_fn)(void *arg, const struct kheap_request *req);

/* ---- failures ----------------------------------------------------------
 * What the reporter needs: which layer, the page request that failed
 * (order and the gfp it carried: the report's "mode:"), the caller's size,
 * and the page allocator's outcome. */
enum kheap_fail_reason {
	KHEAP_FAIL_NONE,
	KHEAP_FAIL_PAGES,       /* the page allocator refused: outcome is valid */
	KHEAP_FAIL_INJECTED,    /* the fault hook said so */
	KHEAP_FAIL_TOO_BIG,     /* larger than the layer can ever serve (WARN) */
	KHEAP_FAIL_OS,          /* a mapping for the bytes or metadata failed */
};

struct kheap_failure {
	enum kheap_fail_reason reason;
	enum kheap_site site;
	size_t size;            /* bytes the caller asked for */
	size_t done;            /* vm areas: bytes charged before the failure */
	unsigned order;         /* order of the failed page request */
	gfp_t gfp;              /* the caller's gfp */
	gfp_t page_gfp;         /* gfp of the failed page request */
	gfp_t report_gfp;       /* the mask the kernel's report prints */
	bool warn;              /* the kernel would print a report (no NOWARN) */
	const struct kmem_cache *cache; /* slab failures: slab_out_of_memory() */
	struct alloc_outcome outcome;
};

/* ---- slabs and caches --------------------------------------------------*/

/* Slabs belong to the thread that allocates from them, as mimalloc's pages
 * do: the owner allocates and frees on them with no lock and no atomic,
 * whichever of its slabs an object is on.  Other threads free onto the
 * slab's remote list with one compare-and-swap.  A slab with no owner
 * (its thread exited or gave it back) is the cache's, under list_lock.
 *
 * slab->remote packs what other threads touch:
 *   bits  0..15  index of the first object on the remote free list
 *                (SLAB_REMOTE_NONE: empty); objects link through their
 *                free pointer
 *   bits 16..31  number of objects on the remote list
 *   bit  32      owned: slab->owner is a thread
 *   bit  33      full: the owner set the slab aside with no free object;
 *                the next remote free hands it back to the owner (on the
 *                owner's delayed list, under list_lock)
 * Invariants:
 *   - owner and the owned bit change only under cache->list_lock, and
 *     together;
 *   - an owned slab is on its owner's `owned` list for the cache, and is
 *     (`list`) its cpu slab, queued on its partial list (free objects on
 *     `freelist`) or full; `freelist`, `inuse`, `list` and the links are
 *     the owner's alone;
 *   - an unowned slab's `freelist`, `inuse` and node list membership change
 *     only under list_lock; it is empty when inuse == remote count;
 *   - inuse counts the objects on neither `freelist` nor the cpu freelist
 *     (remote ones included): a cpu slab has inuse == objects. */
#define SLAB_REMOTE_NONE   0xffffu
#define SLAB_REMOTE_OWNED  (1ull << 32)
#define SLAB_REMOTE_FULL   (1ull << 33)

enum slab_list {
	SLAB_LIST_NONE,
	SLAB_LIST_CPU,                  /* the owner's cpu slab */
	SLAB_LIST_PARTIAL,              /* kmem_cache_cpu.partial */
	SLAB_LIST_FULL,                 /* owned, on no list but `owned` */
	SLAB_LIST_NODE,                 /* kmem_cache.partial (unowned) */
};

struct kheap_thread;

/* The first 64 bytes are all a free touches (kheap_kfree_fast() reads the
 * cache's stride, reciprocal, free pointer offset and id from copies here). */
struct slab {
	struct kmem_cache *cache;
	char *base;                     /* page_address(pfn) */
	struct kheap_thread *owner;     /* NULL: the cache's */
	void *freelist;                 /* owner's (or list_lock holder's) */
	_Atomic uint64_t remote;
	_Atomic unsigned inuse;
	unsigned size;                  /* cache->size */
	uint32_t reciprocal_size;       /* cache->reciprocal_size */
	unsigned offset;                /* cache->offset */
	uint16_t cache_id;              /* cache->id */
	uint8_t list;                   /* enum slab_list */
	_Atomic bool delayed;           /* on its owner's delayed list */
	struct slab *next, *prev;       /* partial list (the owner's or node's) */
	unsigned objects;
	unsigned order;
	unsigned long pfn;
	struct slab *delayed_next;
	struct slab *owned_next, *owned_prev; /* the owner's slabs of the cache */
};

struct kmem_cache {
	char name[40];
	unsigned id;                    /* index of heap->caches and thread->cpu */
	unsigned object_size;           /* what the user asked for */
	unsigned size;                  /* object stride (aligned) */
	uint32_t reciprocal_size;       /* obj_to_index(): ceil(2^32 / size) */
	unsigned offset;                /* free pointer (past the object with a ctor) */
	unsigned align;
	unsigned flags;                 /* SLAB_* */
	unsigned oo_order, oo_objects;  /* preferred slab (calculate_order()) */
	unsigned min_order, min_objects;/* fallback slab: get_order(size) */
	unsigned min_partial;           /* empty slabs kept (set_min_partial()) */
	gfp_t allocflags;               /* __GFP_COMP, GFP_DMA, __GFP_RECLAIMABLE … */
	int node_stat;                  /* NR_SLAB_[UN]RECLAIMABLE */
	void (*ctor)(void *);
	struct kheap *heap;

	pthread_mutex_t list_lock;      /* kmem_cache_node->list_lock */
	struct slab *partial;           /* unowned slabs with free objects */
	unsigned long nr_partial;
	_Atomic unsigned long nr_slabs;
	_Atomic unsigned long total_objects;
};

/* A thread never holds more than this many empty slabs of one cache; the
 * next one goes back to the cache (and to the buddy beyond min_partial). */
#define SLAB_THREAD_EMPTY 2

/* No gfp: kmem_cache_cpu.nofail_gfp before the fault hook has answered. */
#define KHEAP_GFP_UNKNOWN ((gfp_t)~0u)

/* One thread's slabs of one cache (kmem_cache_cpu, plus the lists SLUB
 * keeps per node): objects popped from `freelist` with no lock and no
 * atomic all belong to `slab`. */
struct kmem_cache_cpu {
	void *freelist;
	struct slab *slab;
	gfp_t nofail_gfp;               /* heap->may_fail said no request of
	                                   this cache with this gfp can fail */
	unsigned nr_empty;              /* slabs on `partial` with inuse 0 */
	struct slab *partial, *partial_tail; /* owned, free objects on freelist */
	struct slab *owned;             /* every slab the thread owns */
	_Atomic(struct slab *) delayed; /* full slabs other threads freed to */
};

struct kheap_thread {
	struct kmem_cache_cpu cpu[KHEAP_MAX_CACHES];
	struct kheap *heap;
	unsigned cpu_id;                /* simulated CPU for the pcp lists */
	struct kheap_failure fail;      /* the last failure of this thread */
	struct kheap_thread *next, *prev;/* heap->threads */
};

struct vm_area;

struct kheap {
	struct pglist_data *pgdat;
	struct meta meta;               /* descriptors, threads, hash tables */

	kheap_fault_fn should_fail;     /* NULL: no fault injection */
	kheap_fault_fn may_fail;        /* NULL: every request may fail */
	void *fault_arg;
	bool discard_freed;             /* prim_discard frames given back */

	unsigned page_shift;
	size_t page_size;
	unsigned kmalloc_shift_low;     /* 3, or 7 on arm64 before 6.5 */
	unsigned kmalloc_shift_high;    /* PAGE_SHIFT + 1 (SLUB) */
	size_t kmalloc_max_cache_size;  /* 1 << kmalloc_shift_high */
	size_t kmalloc_max_size;        /* largest order the buddy serves */
	unsigned min_objects;           /* slub_min_objects (4 * (fls(cpus) + 1)) */
	uint8_t size_index[24];         /* (size - 1) / 8 → kmalloc index, ≤ 192 */
	bool has_type[NR_KMALLOC_TYPES];
	struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH_MAX + 1];

	pthread_mutex_t lock;           /* caches[], threads, next_cpu */
	struct kmem_cache *caches[KHEAP_MAX_CACHES];
	struct kheap_thread *threads;
	unsigned next_cpu;

	pthread_mutex_t vm_lock;        /* the vm-area table */
	struct vm_area *vm_areas;       /* uthash, keyed by address */
	unsigned long vm_nr_pages;      /* frames charged by all areas */
};

/* ---- the heap ---------------------------------------------------------- */

/* Set up a heap over a node with an arena (pgdat->arena != NULL).  Creates
 * the kmalloc caches the node's kernel has (no slabs yet).  Returns 0, or
 * -1 with err naming what was wrong. */
int kheap_init(struct kheap *h, struct pglist_data *pgdat,
	       struct gfp_error *err);
/* Give every slab, area and metadata page back.  Threads must be gone. */
void kheap_destroy(struct kheap *h);

/* A thread's cpu state: attach once per thread (metadata, never malloc);
 * detach at thread exit returns its cpu slabs to their caches. */
struct kheap_thread *kheap_thread_attach(struct kheap *h);
void kheap_thread_detach(struct kheap *h, struct kheap_thread *t);

/* Flush one thread's cpu slabs without detaching it (drain on demand). */
void kheap_thread_flush(struct kheap *h, struct kheap_thread *t);

/* fork: take every heap lock in one order before fork(), release after;
 * in the child, detach every thread except `self` (they do not exist
 * there) after re-initialising the locks. */
void kheap_lock_all(struct kheap *h);
void kheap_unlock_all(struct kheap *h);
void kheap_fork_child(struct kheap *h, struct kheap_thread *self);

/* ---- kmalloc ------------------------------------------------------------ */

/* kmalloc_index(): the kmalloc cache index (= log2 of the class, 1 for 96,
 * 2 for 192) for size ≤ kmalloc_max_cache_size; 0 for size 0. */
static inline unsigned kmalloc_index(const struct kheap *h, size_t size)
{
	if (size <= 192)
		return size ? h->size_index[(size - 1) >> 3] : 0;
	return (unsigned)(64 - __builtin_clzll((unsigned long long)size - 1));
}

/* gfp bits that leave the NORMAL caches or need work after the pop */
#define KHEAP_GFP_SLOW (__GFP_DMA | __GFP_RECLAIMABLE | __GFP_ACCOUNT | \
			__GFP_ZERO | __GFP_DMA32 | __GFP_HIGHMEM)

void *kheap_kmalloc_slow(struct kheap *h, struct kheap_thread *t, size_t size,
			 gfp_t gfp);

/* kmalloc's pop from the cpu freelist, when the request needs nothing
 * else (no fault rule can fail it, a NORMAL cache, no zeroing); NULL
 * otherwise, having consulted nothing: the caller goes to
 * kheap_kmalloc_slow(). */
static inline void *kheap_kmalloc_fast(struct kheap *h, struct kheap_thread *t,
				       size_t size, gfp_t gfp)
{
	if (__builtin_expect(size - 1 < h->kmalloc_max_cache_size &&
			     !(gfp & KHEAP_GFP_SLOW), 1)) {
		struct kmem_cache_cpu *c = &t->cpu[kmalloc_index(h, size)];
		void *obj = c->freelist;
		if (__builtin_expect(obj != NULL && (!h->should_fail ||
						     c->nofail_gfp == gfp), 1)) {
			c->freelist = *(void **)obj;
			/* the next pop reads that object's free pointer */
			__builtin_prefetch(c->freelist, 1);
			return obj;
		}
	}
	return NULL;
}

/* kmalloc(size, gfp): slab caches, kmalloc_large, or NULL (see t->fail).
 * Sizes above kmalloc_max_size fail as the kernel's do (KHEAP_FAIL_TOO_BIG);
 * the caller decides whether to use a vm area instead. */
static inline void *kheap_kmalloc(struct kheap *h, struct kheap_thread *t,
				  size_t size, gfp_t gfp)
{
	void *obj = kheap_kmalloc_fast(h, t, size, gfp);
	return obj ? obj : kheap_kmalloc_slow(h, t, size, gfp);
}

/* kfree(): any pointer kheap_kmalloc, kheap_cache_alloc or vmalloc.h gave
 * out; NULL and ZERO_SIZE_PTR are no-ops.  Returns false when the pointer
 * is not the heap's (the caller passes it on, e.g. to the libc free). */
bool kheap_kfree(struct kheap *h, struct kheap_thread *t, void *p);

/* ksize()/malloc_usable_size(): the usable bytes, 0 for NULL and
 * ZERO_SIZE_PTR, (size_t)-1 when the pointer is not the heap's. */
size_t kheap_ksize(struct kheap *h, const void *p);

/* krealloc(): NULL p allocates; new_size 0 frees and returns ZERO_SIZE_PTR;
 * a size that still fits returns p; otherwise allocate, copy, free.  On
 * failure p is untouched and NULL returned. */
void *kheap_krealloc(struct kheap *h, struct kheap_thread *t, void *p,
		     size_t new_size, gfp_t gfp);

/* Aligned kmalloc for posix_memalign/aligned_alloc: align is a power of
 * two.  Slab classes are naturally aligned to their power-of-two size, so
 * the request is rounded up to max(size, align) when align ≤ page size;
 * larger alignments come from kmalloc_large (its blocks are aligned to
 * their size) or fail with KHEAP_FAIL_TOO_BIG. */
void *kheap_kmalloc_aligned(struct kheap *h, struct kheap_thread *t,
			    size_t size, size_t align, gfp_t gfp);

/* The cache kmalloc(size, gfp) would use (NULL above the slab range). */
struct kmem_cache *kmalloc_slab(struct kheap *h, size_t size, gfp_t gfp);

/* Where a pointer lives. */
enum kheap_owner {
	KHEAP_NOT_OURS,
	KHEAP_OWNER_SLAB,
	KHEAP_OWNER_LARGE,
	KHEAP_OWNER_VMALLOC,
};
enum kheap_owner kheap_pointer_owner(struct kheap *h, const void *p);

/* ---- named caches ------------------------------------------------------ */

/* kmem_cache_create(): NULL on bad arguments (err says which) or when the
 * heap has KHEAP_MAX_CACHES caches. */
struct kmem_cache *kheap_cache_create(struct kheap *h, const char *name,
				      unsigned size, unsigned align,
				      unsigned flags, void (*ctor)(void *),
				      struct gfp_error *err);
void *kheap_cache_alloc(struct kheap *h, struct kheap_thread *t,
			struct kmem_cache *s, gfp_t gfp);
void kheap_cache_free(struct kheap *h, struct kheap_thread *t,
		      struct kmem_cache *s, void *obj);
/* kmem_cache_destroy(): flushes every thread's cpu slab of the cache.
 * Returns 0, or -1 (cache kept) when objects are still allocated. */
int kheap_cache_destroy(struct kheap *h, struct kmem_cache *s);

/* kmem_cache_shrink(): give every empty slab on the partial list back to
 * the buddy (the cpu slabs of other threads stay).  kheap_shrink() does it
 * for every cache (malloc_trim). */
void kheap_cache_shrink(struct kheap *h, struct kmem_cache *s);
void kheap_shrink(struct kheap *h);

/* Counters for slab_out_of_memory() and tests ("node 0: slabs: %ld,
 * objs: %ld, free: %ld"); free counts objects on partial slabs. */
struct kmem_cache_stats {
	unsigned long slabs, objs, free, partial;
};
void kheap_cache_stats(struct kmem_cache *s, struct kmem_cache_stats *st);

/* ---- page frames (shared with vmalloc.c) ------------------------------- */

/* page->private tags for frames the slab layer owns */
#define KHEAP_PAGE_SLAB   0x51ab0000u
#define KHEAP_PAGE_LARGE  0x1a290000u  /* | order */
#define KHEAP_PAGE_TAG_MASK 0xffff0000u

static inline char *kheap_page_address(const struct kheap *h,
				       unsigned long pfn)
{
	return h->pgdat->arena + (pfn << h->page_shift);
}

/* The frame holding p, or NULL when p is outside the arena. */
static inline struct page *kheap_virt_to_page(const struct kheap *h,
					      const void *p)
{
	const struct pglist_data *pgdat = h->pgdat;
	uintptr_t off = (uintptr_t)p - (uintptr_t)pgdat->arena;
	if (off >= (uintptr_t)pgdat->node_spanned_pages << h->page_shift)
		return NULL;
	return &pgdat->mem_map[off >> h->page_shift];
}

/* A node or zone counter changed by any thread. */
static inline void kheap_stat_add(long *counter, long delta)
{
	__atomic_fetch_add(counter, delta, __ATOMIC_RELAXED);
}

/* fls(): the position of the highest set bit, 1-based; 0 for 0. */
static inline unsigned kheap_fls(unsigned long x)
{
	return x ? (unsigned)(64 - __builtin_clzl(x)) : 0;
}

/* get_order(): the smallest order whose block holds size bytes. */
unsigned kheap_get_order(const struct kheap *h, size_t size);

/* The one writer of a failure record: every field but the outcome. */
void kheap_fail_set(struct kheap_failure *f, enum kheap_fail_reason why,
		    enum kheap_site site, size_t size, size_t done,
		    unsigned order, gfp_t gfp, gfp_t page_gfp, gfp_t report_gfp,
		    bool warn, const struct kmem_cache *cache);

/* allocate_slab(): the mask of a new slab's minimum-order page request
 * for a caller's gfp (the one that warn_alloc() prints when it fails). */
gfp_t kheap_slab_page_gfp(const struct kheap *h, const struct kmem_cache *s,
			  gfp_t gfp);

/* Consult the fault hook; on "fail" fill t->fail and return true. */
bool kheap_should_fail(struct kheap *h, struct kheap_thread *t,
		       enum kheap_site site, gfp_t gfp, unsigned order,
		       size_t size, const char *cache);

/* Give 2^order frames back to the buddy (discarding their bytes when
 * heap->discard_freed is set). */
void kheap_free_frames(struct kheap *h, struct kheap_thread *t,
		       unsigned long pfn, unsigned order);

/* ---- the owner's free, inline ----------------------------------------- */

/* The free pointer of an object of this slab, and its index. */
static inline void **kheap_slab_fp(const struct slab *slab, void *obj)
{
	return (void **)((char *)obj + slab->offset);
}

/* obj_to_index(): (obj - base) / size by reciprocal_divide() */
static inline unsigned kheap_obj_index(const struct slab *slab, const void *obj)
{
	uint32_t off = (uint32_t)((const char *)obj - slab->base);
	return (unsigned)(((uint64_t)off * slab->reciprocal_size) >> 32);
}

/* kfree() of an object of a slab t owns, found by the caller. */
void kheap_slab_free_local(struct kheap *h, struct kheap_thread *t,
			   struct slab *slab, void *obj);

/* kfree() by the owner of the object's slab, inline when nothing is due
 * but the push: the cpu slab's objects go on the cpu freelist, others on
 * their slab's freelist while it stays partial.  Returns false, having
 * done nothing, for every other pointer (kheap_kfree() then decides). */
static inline bool kheap_kfree_fast(struct kheap *h,
				    struct kheap_thread *t, void *p)
{
	struct page *page = kheap_virt_to_page(h, p);
	if (!page || (page->private & KHEAP_PAGE_TAG_MASK) != KHEAP_PAGE_SLAB)
		return false;
	struct slab *slab = page->owner;
	if (__atomic_load_n(&slab->owner, __ATOMIC_RELAXED) != t ||
	    kheap_obj_index(slab, p) * slab->size !=
	    (size_t)((char *)p - slab->base))
		return false;
	struct kmem_cache_cpu *c = &t->cpu[slab->cache_id];
	if (slab == c->slab) {
		*kheap_slab_fp(slab, p) = c->freelist;
		c->freelist = p;
		return true;
	}
	unsigned inuse = atomic_load_explicit(&slab->inuse, memory_order_relaxed);
	if (inuse <= 1 || slab->list == SLAB_LIST_FULL) {
		kheap_slab_free_local(h, t, slab, p);
		return true;
	}
	*kheap_slab_fp(slab, p) = slab->freelist;
	slab->freelist = p;
	atomic_store_explicit(&slab->inuse, inuse - 1, memory_order_relaxed);
	return true;
}

#endif
