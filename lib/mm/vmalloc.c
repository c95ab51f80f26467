#include "config.h"

#include <string.h>
#include <sys/mman.h>

#include "abi/kver_rules.h"
#include "mm/slab.h"

/* HASH_ADD under HASH_NONFATAL_OOM: the function's hash_oom says so */
#define uthash_nonfatal_oom(elt) (hash_oom = true)
#include "mm/vmalloc.h"

#include "base/prim.h"

#define UTHASH_META (&h->meta)

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

static unsigned long frames_for(const struct kheap *h, size_t len)
{
	return (unsigned long)((len + h->page_size - 1) >> h->page_shift);
}

static unsigned long totalram_pages(const struct pglist_data *pgdat)
{
	unsigned long n = 0;
	for (unsigned z = 0; z < pgdat->nr_zones; z++)
		n += pgdat->node_zones[z].managed_pages;
	return n;
}

static struct vm_area *area_lookup(struct kheap *h, const void *p)
{
	struct vm_area *a = NULL;
	HASH_FIND(hh, h->vm_areas, &p, sizeof(char *), a);
	return a;
}

struct vm_area *vm_area_find(struct kheap *h, const void *p)
{
	pthread_mutex_lock(&h->vm_lock);
	struct vm_area *a = area_lookup(h, p);
	pthread_mutex_unlock(&h->vm_lock);
	return a;
}

static struct vm_area *area_containing(struct kheap *h, const void *p)
{
	struct vm_area *a = area_lookup(h, p), *tmp;
	if (a)
		return a;
	HASH_ITER(hh, h->vm_areas, a, tmp)
		if ((const char *)p >= a->addr && (const char *)p < a->addr + a->len)
			return a;
	return NULL;
}

struct vm_area *vm_area_containing(struct kheap *h, const void *p)
{
	pthread_mutex_lock(&h->vm_lock);
	struct vm_area *a = area_containing(h, p);
	pthread_mutex_unlock(&h->vm_lock);
	return a;
}

unsigned long vm_nr_pages(struct kheap *h)
{
	return __atomic_load_n(&h->vm_nr_pages, __ATOMIC_RELAXED);
}

/* ---- frames ------------------------------------------------------------ */

/* User pages are anonymous LRU memory: active_anon in show_mem. */
static void account_lru(struct kheap *h, unsigned long pfn, long delta)
{
	struct pglist_data *pgdat = h->pgdat;
	struct zone *zone = page_zone(pgdat, pfn_to_page(pgdat, pfn));
	__atomic_fetch_add(&pgdat->vm_stat[NR_ACTIVE_ANON], delta, __ATOMIC_RELAXED);
	__atomic_fetch_add(&zone->vm_stat[NR_ZONE_ACTIVE_ANON], delta,
			   __ATOMIC_RELAXED);
}

static void own_frame(struct kheap *h, struct vm_area *a, unsigned long idx)
{
	struct page *page = pfn_to_page(h->pgdat, a->pfns[idx]);
	page->owner = a;
	page->private = (uint32_t)idx;
}

static struct zone *frame_zone(struct kheap *h, unsigned long pfn)
{
	return page_zone(h->pgdat, pfn_to_page(h->pgdat, pfn));
}

/* Hold off compaction while entries of area->pfns move around. */
static void lock_zones(struct kheap *h)
{
	for (unsigned z = 0; z < h->pgdat->nr_zones; z++)
		pthread_mutex_lock(&h->pgdat->node_zones[z].lock);
}

static void unlock_zones(struct kheap *h)
{
	for (unsigned z = h->pgdat->nr_zones; z-- > 0;)
		pthread_mutex_unlock(&h->pgdat->node_zones[z].lock);
}

static int reserve_pfns(struct kheap *h, struct vm_area *a, unsigned long n)
{
	if (n <= a->pfns_cap)
		return 0;
	unsigned long cap = a->pfns_cap * 2 > n ? a->pfns_cap * 2 : n;
	uint32_t *pfns = meta_alloc(&h->meta, cap * sizeof(uint32_t));
	if (!pfns)
		return -1;
	uint32_t *old = a->pfns;
	unsigned long old_cap = a->pfns_cap;
	lock_zones(h);
	if (old)
		memcpy(pfns, old, a->nr_pages * sizeof(uint32_t));
	a->pfns = pfns;
	a->pfns_cap = cap;
	unlock_zones(h);
	if (old)
		meta_free(&h->meta, old, old_cap * sizeof(uint32_t));
	return 0;
}

/* Uncharge frames [from, to) of an area, vm_lock held. */
static void release_frames(struct kheap *h, struct kheap_thread *t,
			   struct vm_area *a, unsigned long from,
			   unsigned long to)
{
	struct pglist_data *pgdat = h->pgdat;
	for (unsigned long i = from; i < to; i++) {
		unsigned long pfn;
		for (;;) {
			/* stop compaction from moving it while it is let go */
			pfn = __atomic_load_n(&a->pfns[i], __ATOMIC_RELAXED);
			struct zone *zone = frame_zone(h, pfn);
			pthread_mutex_lock(&zone->lock);
			if (a->pfns[i] == pfn) {
				struct page *page = pfn_to_page(pgdat, pfn);
				if (page->flags & PG_lru)
					account_lru(h, pfn, -1);
				page->flags &= (uint8_t)~(PG_charged | PG_lru);
				page->owner = NULL;
				page->private = 0;
				pthread_mutex_unlock(&zone->lock);
				break;
			}
			pthread_mutex_unlock(&zone->lock);
		}
		free_pages_node(pgdat, pfn, 0, t ? t->cpu_id : 0);
	}
	if (to > from)
		__atomic_fetch_sub(&h->vm_nr_pages, to - from, __ATOMIC_RELAXED);
	if (a->nr_pages == to)
		a->nr_pages = from;
}

/* Charge frames [a->nr_pages, n) with page_gfp, vm_lock held.  On failure
 * the new frames are released again and t->fail holds the outcome. */
static bool charge_frames(struct kheap *h, struct kheap_thread *t,
			  struct vm_area *a, unsigned long n, gfp_t page_gfp)
{
	struct pglist_data *pgdat = h->pgdat;
	unsigned long first = a->nr_pages;
	uint8_t flags = a->kind == KHEAP_SITE_USER ? PG_charged | PG_lru :
		PG_charged;
	while (a->nr_pages < n) {
		if (!alloc_pages_node(pgdat, page_gfp, 0, t->cpu_id,
				      &t->fail.outcome)) {
			unsigned long done = a->nr_pages;
			release_frames(h, t, a, first, done);
			a->nr_pages = first;
			t->fail.done = (size_t)(done - first) << h->page_shift;
			return false;
		}
		unsigned long pfn = t->fail.outcome.pfn;
		struct zone *zone = frame_zone(h, pfn);
		pthread_mutex_lock(&zone->lock);
		a->pfns[a->nr_pages] = (uint32_t)pfn;
		pfn_to_page(pgdat, pfn)->flags |= flags;
		own_frame(h, a, a->nr_pages);
		pthread_mutex_unlock(&zone->lock);
		if (flags & PG_lru)
			account_lru(h, pfn, 1);
		a->nr_pages++;
		__atomic_fetch_add(&h->vm_nr_pages, 1, __ATOMIC_RELAXED);
	}
	return true;
}

/* A vm area's failure: `done` is kept for a failed page charge only. */
static void fail_vm(struct kheap_thread *t, enum kheap_fail_reason why,
		    enum kheap_site site, size_t size, gfp_t gfp,
		    gfp_t page_gfp, gfp_t report_gfp)
{
	size_t done = why == KHEAP_FAIL_PAGES ? t->fail.done : 0;

	kheap_fail_set(&t->fail, why, site, size, done, 0, gfp, page_gfp,
		       report_gfp, !(gfp & __GFP_NOWARN), NULL);
}

static struct vm_area *area_new(struct kheap *h, char *addr, size_t len,
				enum kheap_site kind, gfp_t gfp,
				unsigned long nr)
{
	struct vm_area *a = meta_alloc(&h->meta, sizeof(*a));
	if (!a)
		return NULL;
	a->magic = VM_AREA_MAGIC;
	a->heap = h;
	a->addr = addr;
	a->len = len;
	a->kind = kind;
	a->gfp = gfp;
	if (reserve_pfns(h, a, nr ? nr : 1) < 0) {
		meta_free(&h->meta, a, sizeof(*a));
		return NULL;
	}
	return a;
}

static void area_free(struct kheap *h, struct vm_area *a)
{
	meta_free(&h->meta, a->pfns, a->pfns_cap * sizeof(uint32_t));
	meta_free(&h->meta, a, sizeof(*a));
}

static bool area_insert(struct kheap *h, struct vm_area *a)
{
	bool hash_oom = false;
	HASH_ADD(hh, h->vm_areas, addr, sizeof(char *), a);
	return !hash_oom;
}

/* ---- vmalloc --------------------------------------------------------------- */

/* __vmalloc_area_node(): frames with __GFP_HIGHMEM unless DMA/DMA32; the
 * report carries that mask from 5.13 (the caller's mask before). */
static void vmalloc_masks(const struct kheap *h, gfp_t gfp, gfp_t *page_gfp,
			  gfp_t *report_gfp)
{
	gfp_t highmem = (gfp & (__GFP_DMA | __GFP_DMA32)) ? 0 : __GFP_HIGHMEM;
	*page_gfp = gfp | highmem | __GFP_NOWARN;
	*report_gfp = kver_has(h->pgdat->kv, KF_VMALLOC_REPORTS_HIGHMEM) ?
		      gfp | highmem : gfp;
}

void *kheap_vmalloc(struct kheap *h, struct kheap_thread *t, size_t size,
		    gfp_t gfp)
{
	gfp_t page_gfp, report_gfp;
	vmalloc_masks(h, gfp, &page_gfp, &report_gfp);
	size_t len = round_up(size ? size : 1, h->page_size);
	unsigned long nr = frames_for(h, len);
	if (size == 0 || size > len || nr > totalram_pages(h->pgdat)) {
		/* __vmalloc_node_range(): "exceeds total pages" */
		memset(&t->fail.outcome, 0, sizeof(t->fail.outcome));
		fail_vm(t, KHEAP_FAIL_TOO_BIG, KHEAP_SITE_VMALLOC, size, gfp,
			page_gfp, report_gfp);
		return NULL;
	}
	if (kheap_should_fail(h, t, KHEAP_SITE_VMALLOC, gfp, 0, size, NULL)) {
		t->fail.report_gfp = report_gfp;
		return NULL;
	}
	size_t map_len = round_up(len, prim_page_size());
	char *p = prim_map(map_len);
	if (!p) {
		fail_vm(t, KHEAP_FAIL_OS, KHEAP_SITE_VMALLOC, size, gfp,
			page_gfp, report_gfp);
		return NULL;
	}
	struct vm_area *a = area_new(h, p, len, KHEAP_SITE_VMALLOC, page_gfp, nr);
	if (!a) {
		prim_unmap(p, map_len);
		fail_vm(t, KHEAP_FAIL_OS, KHEAP_SITE_VMALLOC, size, gfp,
			page_gfp, report_gfp);
		return NULL;
	}
	a->map_len = map_len;
	a->req_size = size;
	pthread_mutex_lock(&h->vm_lock);
	t->fail.done = 0;
	bool ok = charge_frames(h, t, a, nr, page_gfp);
	if (ok && !area_insert(h, a)) {
		release_frames(h, t, a, 0, a->nr_pages);
		ok = false;
		fail_vm(t, KHEAP_FAIL_OS, KHEAP_SITE_VMALLOC, size, gfp,
			page_gfp, report_gfp);
	} else if (!ok) {
		fail_vm(t, KHEAP_FAIL_PAGES, KHEAP_SITE_VMALLOC, len, gfp,
			page_gfp, report_gfp);
	}
	pthread_mutex_unlock(&h->vm_lock);
	if (!ok) {
		area_free(h, a);
		prim_unmap(p, map_len);
		return NULL;
	}
	return p;
}

bool kheap_vfree(struct kheap *h, struct kheap_thread *t, void *p)
{
	pthread_mutex_lock(&h->vm_lock);
	struct vm_area *a = area_lookup(h, p);
	if (!a || a->kind != KHEAP_SITE_VMALLOC) {
		pthread_mutex_unlock(&h->vm_lock);
		return false;
	}
	HASH_DEL(h->vm_areas, a);
	release_frames(h, t, a, 0, a->nr_pages);
	pthread_mutex_unlock(&h->vm_lock);
	prim_unmap(a->addr, a->map_len);
	area_free(h, a);
	return true;
}

void *kheap_vrealloc(struct kheap *h, struct kheap_thread *t, void *p,
		     size_t new_size, gfp_t gfp)
{
	gfp_t page_gfp, report_gfp;
	vmalloc_masks(h, gfp, &page_gfp, &report_gfp);
	size_t len = round_up(new_size ? new_size : 1, h->page_size);
	unsigned long nr = frames_for(h, len);
	pthread_mutex_lock(&h->vm_lock);
	struct vm_area *a = area_lookup(h, p);
	if (!a || a->kind != KHEAP_SITE_VMALLOC) {
		pthread_mutex_unlock(&h->vm_lock);
		memset(&t->fail, 0, sizeof(t->fail));
		t->fail.reason = KHEAP_FAIL_OS;
		return NULL;
	}
	if (new_size == 0 || new_size > len || nr > totalram_pages(h->pgdat)) {
		pthread_mutex_unlock(&h->vm_lock);
		memset(&t->fail.outcome, 0, sizeof(t->fail.outcome));
		fail_vm(t, KHEAP_FAIL_TOO_BIG, KHEAP_SITE_VMALLOC, new_size,
			gfp, page_gfp, report_gfp);
		return NULL;
	}
	unsigned long old_nr = a->nr_pages;
	if (nr > old_nr) {
		if (kheap_should_fail(h, t, KHEAP_SITE_VMALLOC, gfp, 0,
				      new_size, NULL)) {
			pthread_mutex_unlock(&h->vm_lock);
			t->fail.report_gfp = report_gfp;
			return NULL;
		}
		t->fail.done = 0;
		if (reserve_pfns(h, a, nr) < 0) {
			pthread_mutex_unlock(&h->vm_lock);
			fail_vm(t, KHEAP_FAIL_OS, KHEAP_SITE_VMALLOC, new_size,
				gfp, page_gfp, report_gfp);
			return NULL;
		}
		if (!charge_frames(h, t, a, nr, page_gfp)) {
			pthread_mutex_unlock(&h->vm_lock);
			fail_vm(t, KHEAP_FAIL_PAGES, KHEAP_SITE_VMALLOC, len,
				gfp, page_gfp, report_gfp);
			return NULL;
		}
	}
	size_t map_len = round_up(len, prim_page_size());
	char *n = a->addr;
	if (map_len != a->map_len) {
		n = prim_mremap(a->addr, a->map_len, map_len, MREMAP_MAYMOVE,
				NULL);
		if (n == MAP_FAILED) {
			release_frames(h, t, a, old_nr, a->nr_pages);
			pthread_mutex_unlock(&h->vm_lock);
			fail_vm(t, KHEAP_FAIL_OS, KHEAP_SITE_VMALLOC, new_size,
				gfp, page_gfp, report_gfp);
			return NULL;
		}
	}
	if (nr < old_nr)
		release_frames(h, t, a, nr, old_nr);
	if (n != a->addr) {
		HASH_DEL(h->vm_areas, a);
		a->addr = n;
		if (!area_insert(h, a)) {
			/* no room to re-key: keep the bytes, drop the charge */
			release_frames(h, t, a, 0, a->nr_pages);
			pthread_mutex_unlock(&h->vm_lock);
			prim_unmap(n, map_len);
			area_free(h, a);
			fail_vm(t, KHEAP_FAIL_OS, KHEAP_SITE_VMALLOC, new_size,
				gfp, page_gfp, report_gfp);
			return NULL;
		}
	}
	a->map_len = map_len;
	a->len = len;
	a->req_size = new_size;
	pthread_mutex_unlock(&h->vm_lock);
	return n;
}

/* ---- user pages ------------------------------------------------------------ */

struct vm_area *vm_user_charge(struct kheap *h, struct kheap_thread *t,
			       void *addr, size_t len, gfp_t gfp)
{
	unsigned long nr = frames_for(h, len);
	if (kheap_should_fail(h, t, KHEAP_SITE_USER, gfp, 0, len, NULL))
		return NULL;
	struct vm_area *a = area_new(h, addr, len, KHEAP_SITE_USER, gfp, nr);
	if (!a) {
		fail_vm(t, KHEAP_FAIL_OS, KHEAP_SITE_USER, len, gfp, gfp, gfp);
		return NULL;
	}
	pthread_mutex_lock(&h->vm_lock);
	t->fail.done = 0;
	bool ok = charge_frames(h, t, a, nr, gfp);
	if (!ok) {
		fail_vm(t, KHEAP_FAIL_PAGES, KHEAP_SITE_USER, len, gfp, gfp, gfp);
	} else if (!area_insert(h, a)) {
		release_frames(h, t, a, 0, a->nr_pages);
		fail_vm(t, KHEAP_FAIL_OS, KHEAP_SITE_USER, len, gfp, gfp, gfp);
		ok = false;
	}
	pthread_mutex_unlock(&h->vm_lock);
	if (!ok) {
		area_free(h, a);
		return NULL;
	}
	return a;
}

static struct vm_area *user_overlapping(struct kheap *h, const char *lo,
					const char *hi)
{
	struct vm_area *a, *tmp;
	HASH_ITER(hh, h->vm_areas, a, tmp)
		if (a->kind == KHEAP_SITE_USER && a->addr < hi &&
		    lo < a->addr + a->len)
			return a;
	return NULL;
}

/* Cut [lo, hi) out of a user area, vm_lock held; returns frames released.
 * The pieces left keep DIV_ROUND_UP(piece, PAGE_SIZE) frames each. */
static unsigned long user_cut(struct kheap *h, struct kheap_thread *t,
			      struct vm_area *a, const char *lo, const char *hi)
{
	char *s = a->addr, *e = a->addr + a->len;
	size_t hl = lo > s ? (size_t)(lo - s) : 0;
	size_t tl = e > hi ? (size_t)(e - hi) : 0;
	unsigned long n = a->nr_pages;
	unsigned long kh = frames_for(h, hl);
	unsigned long kt = frames_for(h, tl);
	if (kh > n)
		kh = n;
	if (kt > n - kh)
		kt = n - kh;
	unsigned long released = n - kh - kt;
	release_frames(h, t, a, kh, n - kt);

	if (hl == 0 && tl == 0) {
		HASH_DEL(h->vm_areas, a);
		area_free(h, a);
		return released;
	}
	struct vm_area *tail = a;
	if (hl > 0 && tl > 0) {
		tail = area_new(h, (char *)hi, tl, KHEAP_SITE_USER, a->gfp, kt);
		if (!tail || !area_insert(h, tail)) {
			/* no metadata for the split: the tail goes uncharged */
			if (tail)
				area_free(h, tail);
			release_frames(h, t, a, n - kt, n);
			a->nr_pages = kh;
			a->len = hl;
			return released + kt;
		}
		lock_zones(h);
		memcpy(tail->pfns, a->pfns + (n - kt), kt * sizeof(uint32_t));
		tail->nr_pages = kt;
		a->nr_pages = kh;
		a->len = hl;
	} else if (tl > 0) {
		HASH_DEL(h->vm_areas, a);
		lock_zones(h);
		memmove(a->pfns, a->pfns + (n - kt), kt * sizeof(uint32_t));
		a->nr_pages = kt;
		a->addr = (char *)hi;
		a->len = tl;
		for (unsigned long i = 0; i < kt; i++)
			own_frame(h, a, i);
		unlock_zones(h);
		if (!area_insert(h, a)) {
			release_frames(h, t, a, 0, a->nr_pages);
			area_free(h, a);
			return released + kt;
		}
		return released;
	} else {
		a->nr_pages = kh;
		a->len = hl;
		return released;
	}
	for (unsigned long i = 0; i < tail->nr_pages; i++)
		own_frame(h, tail, i);
	unlock_zones(h);
	return released;
}

unsigned long vm_user_uncharge(struct kheap *h, struct kheap_thread *t,
			       void *addr, size_t len)
{
	const char *lo = addr, *hi = (const char *)addr + len;
	unsigned long released = 0;
	pthread_mutex_lock(&h->vm_lock);
	struct vm_area *a = area_lookup(h, addr);
	if (a && a->kind != KHEAP_SITE_USER)
		a = NULL;
	if (!a)
		a = user_overlapping(h, lo, hi);
	while (a) {
		released += user_cut(h, t, a, lo, hi);
		a = user_overlapping(h, lo, hi);
	}
	pthread_mutex_unlock(&h->vm_lock);
	return released;
}

int vm_user_resize(struct kheap *h, struct kheap_thread *t, void *addr,
		   size_t new_len, gfp_t gfp)
{
	unsigned long nr = frames_for(h, new_len);
	pthread_mutex_lock(&h->vm_lock);
	struct vm_area *a = area_lookup(h, addr);
	if (!a || a->kind != KHEAP_SITE_USER) {
		pthread_mutex_unlock(&h->vm_lock);
		memset(&t->fail, 0, sizeof(t->fail));
		t->fail.reason = KHEAP_FAIL_OS;
		t->fail.site = KHEAP_SITE_USER;
		return -1;
	}
	if (nr > a->nr_pages) {
		size_t more = new_len - a->len;
		if (kheap_should_fail(h, t, KHEAP_SITE_USER, gfp, 0, more, NULL)) {
			pthread_mutex_unlock(&h->vm_lock);
			return -1;
		}
		t->fail.done = 0;
		if (reserve_pfns(h, a, nr) < 0) {
			pthread_mutex_unlock(&h->vm_lock);
			fail_vm(t, KHEAP_FAIL_OS, KHEAP_SITE_USER, more, gfp,
				gfp, gfp);
			return -1;
		}
		if (!charge_frames(h, t, a, nr, gfp)) {
			pthread_mutex_unlock(&h->vm_lock);
			fail_vm(t, KHEAP_FAIL_PAGES, KHEAP_SITE_USER, more, gfp,
				gfp, gfp);
			return -1;
		}
	} else if (nr < a->nr_pages) {
		release_frames(h, t, a, nr, a->nr_pages);
	}
	a->len = new_len;
	pthread_mutex_unlock(&h->vm_lock);
	return 0;
}

int vm_user_move(struct kheap *h, void *old, void *new_addr)
{
	pthread_mutex_lock(&h->vm_lock);
	struct vm_area *a = area_lookup(h, old);
	if (!a || a->kind != KHEAP_SITE_USER) {
		pthread_mutex_unlock(&h->vm_lock);
		return -1;
	}
	HASH_DEL(h->vm_areas, a);
	a->addr = new_addr;
	int rc = 0;
	if (!area_insert(h, a)) {
		release_frames(h, NULL, a, 0, a->nr_pages);
		area_free(h, a);
		rc = -1;
	}
	pthread_mutex_unlock(&h->vm_lock);
	return rc;
}

/* ---- compaction ------------------------------------------------------------ */

void vm_migrate_page(void *owner, unsigned long old_pfn,
		     unsigned long new_pfn, unsigned order)
{
	struct vm_area *a = owner;
	if (!a || a->magic != VM_AREA_MAGIC || order != 0)
		return;
	struct page *page = pfn_to_page(a->heap->pgdat, new_pfn);
	if (page->private < a->nr_pages && a->pfns[page->private] == old_pfn)
		__atomic_store_n(&a->pfns[page->private], (uint32_t)new_pfn,
				 __ATOMIC_RELAXED);
}

void vm_destroy_all(struct kheap *h)
{
	struct vm_area *a, *tmp;
	pthread_mutex_lock(&h->vm_lock);
	HASH_ITER(hh, h->vm_areas, a, tmp) {
		HASH_DEL(h->vm_areas, a);
		release_frames(h, NULL, a, 0, a->nr_pages);
		if (a->map_len)
			prim_unmap(a->addr, a->map_len);
		area_free(h, a);
	}
	pthread_mutex_unlock(&h->vm_lock);
}
