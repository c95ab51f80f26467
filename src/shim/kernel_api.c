/* <gfpshim/kernel.h>: the kernel's allocation API on the shim's heap.
 *
 * Each function is the kernel's entry point of the same name, with the
 * kernel's gfp handling; underneath it is the heap malloc uses (kheap_*
 * for kmalloc, caches and vmalloc; alloc_pages_node() for pages), so the
 * fault rules and the failure reports are the same.  The scopes of
 * include/linux/sched/mm.h are per-thread flags (shim_pflags) that every
 * front end folds into its gfp with shim_gfp_context().
 *
 * CMA: the machine's areas, searched and taken by mm/cma.h.
 */
#include "config.h"

#include "shim/shim.h"
#include "shim/kernel_api.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <gfpshim/kernel.h>

#include "mm/cma.h"
#include "mm/page_alloc.h"
#include "base/prim.h"
#include "report/report.h"
#include "mm/vmalloc.h"
#include "report/warn_alloc.h"

#define EXPORT SHIM_EXPORT

__thread unsigned shim_pflags __attribute__((tls_model("initial-exec")));

/* page->private tags of the frames this file hands out */
#define KAPI_PAGE_PAGES   0xa1100000u  /* | order: alloc_pages() */

/* CONFIG_CMA_ALIGNMENT (kernel/dma/Kconfig default) */
#define CMA_ALIGNMENT 8

static struct cma cma_areas[MAX_CMA_AREAS];
static unsigned nr_cma_areas;
static pthread_once_t cma_once = PTHREAD_ONCE_INIT;

/* ---- helpers ------------------------------------------------------------ */

static struct kheap_thread *current_thread(void)
{
	struct kheap_thread *kt = shim_thread();
	if (kt)
		shim_self.requests++;
	return kt;
}

static void emit(struct sbuf *sb)
{
	size_t n = sb->len < sb->cap ? sb->len : sb->cap;
	if (report_write)
		report_write(sb->buf, n);
	else
		prim_write_all(2, sb->buf, n);
}

/* A caller bug the kernel would WARN about: say so, once per call. */
static void api_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void api_warn(const char *fmt, ...)
{
	char buf[256];
	struct sbuf sb = SBUF_INIT(buf, sizeof(buf));
	va_list ap;
	va_start(ap, fmt);
	sb_puts(&sb, "gfpshim: ");
	sb_vprintf(&sb, fmt, ap);
	sb_puts(&sb, "\n");
	va_end(ap);
	emit(&sb);
}

static struct pglist_data *node(void)
{
	return &shim.node;
}

static char *pfn_address(unsigned long pfn)
{
	return shim.node.arena + (pfn << shim.node.page_shift);
}

/* The heap returned NULL: errno, count and report (shim_failed()). */
static void *failed(struct kheap_thread *kt)
{
	return shim_failed(kt);
}

/* ---- kmalloc ------------------------------------------------------------ */

EXPORT void *kmalloc(size_t size, gfp_t flags)
{
	struct kheap_thread *kt = current_thread();
	if (!kt)
		return shim_refused();
	gfp_t gfp = shim_gfp_context(flags);
	void *p = kheap_kmalloc(&shim.heap, kt, size, gfp);
	if (!p)
		return failed(kt);
	if (!ZERO_OR_NULL_PTR(p))
		shim_mark(p, size);
	return p;
}

EXPORT void *krealloc(const void *p, size_t new_size, gfp_t flags)
{
	struct kheap_thread *kt = current_thread();
	if (!kt)
		return shim_refused();
	void *q = kheap_krealloc(&shim.heap, kt, (void *)p, new_size,
				 shim_gfp_context(flags));
	if (!q)
		return failed(kt);
	if (!ZERO_OR_NULL_PTR(q))
		shim_mark(q, new_size);
	return q;
}

EXPORT void kfree(const void *p)
{
	if (ZERO_OR_NULL_PTR(p))
		return;
	struct kheap_thread *kt = shim_thread();
	if (!kt)
		return;
	if (!kheap_kfree(&shim.heap, kt, (void *)p)) {
		api_warn("kfree(%p): not an address kmalloc, kmem_cache_alloc "
			 "or vmalloc returned", p);
		return;
	}
	shim_note_free(p);
}

EXPORT size_t ksize(const void *p)
{
	if (!shim_ready())
		return 0;
	size_t n = kheap_ksize(&shim.heap, p);
	return n == (size_t)-1 ? 0 : n;
}

/* kfree_sensitive(): clear the whole usable size before freeing. */
EXPORT void kfree_sensitive(const void *p)
{
	if (ZERO_OR_NULL_PTR(p))
		return;
	size_t n = ksize(p);
	if (n)
		__builtin_memset((void *)p, 0, n);
	kfree(p);
}

EXPORT void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);
	if (!ZERO_OR_NULL_PTR(p))
		memcpy(p, src, len);
	return p;
}

EXPORT char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	if (!s)
		return NULL;
	size_t len = strnlen(s, max);
	char *p = kmalloc(len + 1, gfp);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

EXPORT char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kstrndup(s, strlen(s), gfp) : NULL;
}

/* ---- vmalloc and kvmalloc ------------------------------------------------- */

static void *vmalloc_gfp(size_t size, gfp_t gfp)
{
	struct kheap_thread *kt = current_thread();
	if (!kt)
		return shim_refused();
	void *p = kheap_vmalloc(&shim.heap, kt, size, shim_gfp_context(gfp));
	return p ? p : failed(kt);
}

EXPORT void *__vmalloc(unsigned long size, gfp_t gfp_mask)
{
	return vmalloc_gfp(size, gfp_mask);
}

EXPORT void *vmalloc(unsigned long size)
{
	return vmalloc_gfp(size, GFP_KERNEL);
}

EXPORT void *vzalloc(unsigned long size)
{
	return vmalloc_gfp(size, GFP_KERNEL | __GFP_ZERO);
}

EXPORT void vfree(const void *addr)
{
	if (!addr)
		return;
	struct kheap_thread *kt = shim_thread();
	if (kt && !kheap_vfree(&shim.heap, kt, (void *)addr))
		api_warn("vfree(%p): not an address vmalloc returned", addr);
}

/* kvmalloc_node() (mm/util.c): a gfp that is not GFP_KERNEL-compatible
 * gets kmalloc only; otherwise a quiet kmalloc attempt for sizes above a
 * page, then vmalloc. */
EXPORT void *kvmalloc(size_t size, gfp_t flags)
{
	gfp_t kmalloc_flags = flags;

	if ((flags & GFP_KERNEL) != GFP_KERNEL)
		return kmalloc(size, flags);
	if (size > shim.heap.page_size) {
		kmalloc_flags |= __GFP_NOWARN;
		if (!(kmalloc_flags & __GFP_RETRY_MAYFAIL))
			kmalloc_flags |= __GFP_NORETRY;
	}
	if (size <= shim.heap.kmalloc_max_size) {
		struct kheap_thread *kt = current_thread();
		if (!kt)
			return shim_refused();
		void *p = kheap_kmalloc(&shim.heap, kt, size,
					shim_gfp_context(kmalloc_flags));
		if (p) {
			if (!ZERO_OR_NULL_PTR(p))
				shim_mark(p, size);
			return p;
		}
		/* a page-sized or smaller request failed loudly already */
		if (size <= shim.heap.page_size)
			return failed(kt);
	}
	return vmalloc_gfp(size, flags);
}

EXPORT void kvfree(const void *p)
{
	kfree(p);
}

/* ---- pages -------------------------------------------------------------- */

EXPORT unsigned long gfpshim_page_size(void)
{
	return shim_ready() ? 1UL << shim.node.page_shift : 4096;
}

/* __alloc_pages() for the kernel API: fault hook (fail_page_alloc; the
 * rules see a DMA buffer's pages as site=dma), the simulator, and on
 * failure the page allocator's report. */
static unsigned long pages_alloc(struct kheap_thread *kt, enum kheap_site site,
				 gfp_t gfp, unsigned order)
{
	struct pglist_data *pgdat = node();
	struct kheap_failure *f = &kt->fail;
	size_t size = shim.heap.page_size << order;

	gfp = shim_gfp_context(gfp);
	if (order >= pgdat->nr_page_orders) {
		/* WARN_ON_ONCE(order > MAX_ORDER): no report */
		memset(f, 0, sizeof(*f));
		f->reason = KHEAP_FAIL_TOO_BIG;
		f->outcome.verdict = ALLOC_FAIL_ORDER;
		goto fail;
	}
	if (kheap_should_fail(&shim.heap, kt, site, gfp, order, size, NULL)) {
		failed(kt);
		return 0;
	}
	if (alloc_pages_node(pgdat, gfp, order, kt->cpu_id, &f->outcome)) {
		unsigned long pfn = f->outcome.pfn;
		struct page *page = pfn_to_page(pgdat, pfn);
		page->private = KAPI_PAGE_PAGES | order;
		char *p = pfn_address(pfn);
		shim_mark(p, size);
		if (gfp & __GFP_ZERO)
			memset(p, 0, size);
		return pfn + 1;         /* 0 stays "failed" */
	}
	f->reason = KHEAP_FAIL_PAGES;
fail:
	kheap_fail_set(f, f->reason, site, size, 0, order, gfp, gfp,
		       gfp, f->reason == KHEAP_FAIL_PAGES && !(gfp & __GFP_NOWARN),
		       NULL);
	failed(kt);
	return 0;
}

static void pages_free(unsigned long pfn, unsigned order, const char *who)
{
	struct pglist_data *pgdat = node();
	struct page *page = pfn_to_page(pgdat, pfn);
	if (page->private != (KAPI_PAGE_PAGES | order)) {
		api_warn("%s: pfn %lu is not the start of an order-%u block "
			 "alloc_pages returned", who, pfn, order);
		return;
	}
	struct kheap_thread *kt = shim_thread();
	page->private = 0;
	kheap_free_frames(&shim.heap, kt, pfn, order);
	shim_note_free(pfn_address(pfn));
}

EXPORT struct page *alloc_pages(gfp_t gfp_mask, unsigned int order)
{
	struct kheap_thread *kt = current_thread();
	if (!kt)
		return shim_refused();
	unsigned long pfn1 = pages_alloc(kt, KHEAP_SITE_LARGE, gfp_mask, order);
	return pfn1 ? pfn_to_page(node(), pfn1 - 1) : NULL;
}

EXPORT unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order)
{
	/* __get_free_pages() never returns highmem pages */
	struct page *page = alloc_pages(gfp_mask & ~__GFP_HIGHMEM, order);
	return page ? (unsigned long)page_address(page) : 0;
}

EXPORT void *page_address(const struct page *page)
{
	return pfn_address(page_to_pfn(node(), page));
}

EXPORT struct page *virt_to_page(const void *addr)
{
	if (!shim_ready())
		return NULL;
	return kheap_virt_to_page(&shim.heap, addr);
}

EXPORT void __free_pages(struct page *page, unsigned int order)
{
	if (page)
		pages_free(page_to_pfn(node(), page), order, "__free_pages");
}

EXPORT void free_pages(unsigned long addr, unsigned int order)
{
	if (!addr)
		return;
	struct page *page = virt_to_page((const void *)addr);
	if (!page || (addr & (shim.heap.page_size - 1))) {
		api_warn("free_pages(%#lx): not an address __get_free_pages "
			 "returned", addr);
		return;
	}
	pages_free(page_to_pfn(node(), page), order, "free_pages");
}

/* ---- named caches --------------------------------------------------------- */

EXPORT struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
					    unsigned int align, unsigned int flags,
					    void (*ctor)(void *))
{
	struct gfp_error err;
	if (!shim_ready())
		return NULL;
	memset(&err, 0, sizeof(err));
	struct kmem_cache *s = kheap_cache_create(&shim.heap, name, size, align,
						  flags, ctor, &err);
	if (!s) {
		api_warn("kmem_cache_create(%s): %s", name ? name : "(null)",
			 err.msg);
		if (flags & SLAB_PANIC) {
			api_warn("Kernel panic - not syncing: kmem_cache_create: "
				 "Failed to create slab '%s'", name ? name : "(null)");
			abort();
		}
	}
	return s;
}

EXPORT void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags)
{
	struct kheap_thread *kt = current_thread();
	if (!kt)
		return shim_refused();
	void *p = kheap_cache_alloc(&shim.heap, kt, s, shim_gfp_context(flags));
	if (!p)
		return failed(kt);
	shim_mark(p, s->object_size);
	return p;
}

EXPORT void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	if (!obj)
		return;
	struct kheap_thread *kt = shim_thread();
	if (kt) {
		kheap_cache_free(&shim.heap, kt, s, obj);
		shim_note_free(obj);
	}
}

/* kmem_cache_destroy(): a cache with live objects stays, with the kernel's
 * complaint. */
EXPORT void kmem_cache_destroy(struct kmem_cache *s)
{
	if (!s)
		return;
	char name[sizeof(s->name)];
	memcpy(name, s->name, sizeof(name));
	if (kheap_cache_destroy(&shim.heap, s) < 0)
		api_warn("kmem_cache_destroy %s: Slab cache still has objects",
			 name);
}

/* ---- CMA ------------------------------------------------------------------ */

static void cma_init_areas(void)
{
	const struct machine_desc *d = &shim.desc;

	for (unsigned i = 0; i < d->nr_cma && i < MAX_CMA_AREAS; i++)
		cma_area_init(&cma_areas[i], &d->cma[i], shim.node.page_shift);
	nr_cma_areas = d->nr_cma;
}

static bool cma_ready(void)
{
	if (!shim_ready())
		return false;
	pthread_once(&cma_once, cma_init_areas);
	return true;
}

EXPORT struct cma *cma_find_area(const char *name)
{
	if (!cma_ready())
		return NULL;
	for (unsigned i = 0; i < nr_cma_areas; i++)
		if (strcmp(cma_areas[i].name, name) == 0)
			return &cma_areas[i];
	return NULL;
}

/* dev_get_cma_area(): the device's own area, else the default one
 * (dma_contiguous_default_area, named "reserved"). */
EXPORT struct cma *dev_get_cma_area(struct device *dev)
{
	if (dev && dev->cma_area)
		return dev->cma_area;
	return cma_find_area("reserved");
}

EXPORT const char *cma_get_name(const struct cma *cma)
{
	return cma->name;
}

EXPORT unsigned long cma_get_size(const struct cma *cma)
{
	return cma->count << shim.node.page_shift;
}

/* cma_debug_show_areas(): the free runs of the bitmap. */
static void cma_show_failure(struct cma *cma, unsigned long count, int ret)
{
	struct pglist_data *pgdat = node();
	struct cma_run runs[64];
	unsigned nr = cma_area_free_runs(pgdat, cma, runs, 64);
	char buf[2048];
	struct sbuf sb = SBUF_INIT(buf, sizeof(buf));
	report_cma_failure(&sb, pgdat->kv, cma->name, count, ret, runs, nr,
			   cma->count);
	if (sb.len)
		emit(&sb);
}

/* cma_alloc() (mm/cma.c): the fault hook (site=cma; the kernel has no
 * fault point here), mm/cma.h's search, the failure report. */
EXPORT struct page *cma_alloc(struct cma *cma, unsigned long count,
			      unsigned int align, bool no_warn)
{
	if (!cma || !count || !cma_ready())
		return NULL;
	struct kheap_thread *kt = current_thread();
	if (!kt)
		return shim_refused();
	struct pglist_data *pgdat = node();
	unsigned long pfn;

	/* __cma_alloc()'s mask for alloc_contig_range() */
	gfp_t gfp = GFP_KERNEL | (no_warn ? __GFP_NOWARN : 0);
	size_t size = (size_t)count << pgdat->page_shift;
	if (kheap_should_fail(&shim.heap, kt, KHEAP_SITE_CMA, gfp,
			      kheap_get_order(&shim.heap, size), size, NULL)) {
		failed(kt);
		/* the full report: what the area's failure prints */
		if (!no_warn && shim.opt.fault_report == FAULT_REPORT_FULL &&
		    shim_self.verdict.dump)
			cma_show_failure(cma, count, -ENOMEM);
		return NULL;
	}
	drain_all_pages(pgdat);
	int ret = cma_area_alloc(pgdat, cma, count, align, &pfn);
	if (ret) {
		shim_self.failures++;
		if (!no_warn)
			cma_show_failure(cma, count, ret);
		errno = ENOMEM;
		return NULL;
	}
	struct page *page = pfn_to_page(pgdat, pfn);
	shim_mark(page_address(page), count << pgdat->page_shift);
	return page;
}

EXPORT bool cma_release(struct cma *cma, const struct page *pages,
			unsigned long count)
{
	if (!cma || !pages || !cma_ready())
		return false;
	struct pglist_data *pgdat = node();
	unsigned long pfn = page_to_pfn(pgdat, pages), untaken = PFN_NIL;
	if (cma_area_release(&shim.heap, shim_thread(), cma, pfn, count,
			     &untaken))
		return true;
	if (untaken != PFN_NIL)
		api_warn("cma_release(%s): pfn %lu of %lu pages was not "
			 "allocated by cma_alloc", cma->name, untaken, count);
	return false;
}

/* ---- DMA ------------------------------------------------------------------ */

/* zone_dma_bits: the end of ZONE_DMA, or 24 (x86's ISA limit) without one. */
static unsigned zone_dma_bits(void)
{
	const struct machine_desc *d = &shim.desc;
	for (unsigned i = 0; i < d->nr_zones; i++) {
		if (d->zones[i].type == ZONE_DMA && d->zones[i].size) {
			uint64_t end = d->zones[i].start + d->zones[i].size;
			return (unsigned)(64 - __builtin_clzll(end - 1));
		}
	}
	return 24;
}

/* __dma_direct_optimal_gfp_mask() */
static gfp_t dma_zone_gfp(uint64_t mask)
{
	if (mask <= DMA_BIT_MASK(zone_dma_bits()))
		return GFP_DMA;
	if (mask <= 0xffffffffull)
		return GFP_DMA32;
	return 0;
}

static bool dma_coherent_ok(uint64_t mask, unsigned long pfn, size_t size)
{
	uint64_t phys = (uint64_t)pfn << shim.node.page_shift;
	return phys + size - 1 <= mask;
}

/* dma_direct_alloc() with dma_alloc_contiguous(): CMA for requests that
 * may sleep, else (or when that fails) the page allocator, retrying in
 * lower zones when the pages are beyond the mask. */
EXPORT void *dma_alloc_coherent(struct device *dev, size_t size,
				dma_addr_t *dma_handle, gfp_t gfp)
{
	struct kheap_thread *kt = current_thread();
	if (!kt)
		return shim_refused();
	struct pglist_data *pgdat = node();
	uint64_t mask = dev && dev->coherent_dma_mask ? dev->coherent_dma_mask :
			0xffffffffull;
	size_t alloc = (size + shim.heap.page_size - 1) & ~(shim.heap.page_size - 1);
	unsigned long count = alloc >> pgdat->page_shift;
	unsigned order = kheap_get_order(&shim.heap, alloc);
	unsigned long pfn = PFN_NIL;

	/* dma_alloc_attrs(): the implementation picks the zone */
	gfp &= ~(__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM);
	gfp |= dma_zone_gfp(mask);
	gfp = shim_gfp_context(gfp);

	struct cma *cma = dev && dev->cma_area ? dev->cma_area :
			  count > 1 ? dev_get_cma_area(dev) : NULL;
	if (cma && (gfp & __GFP_DIRECT_RECLAIM)) {
		unsigned align = order < CMA_ALIGNMENT ? order : CMA_ALIGNMENT;
		struct page *page = cma_alloc(cma, count, align,
					      (gfp & __GFP_NOWARN) != 0);
		if (page) {
			pfn = page_to_pfn(pgdat, page);
			if (!dma_coherent_ok(mask, pfn, alloc)) {
				cma_release(cma, page, count);
				pfn = PFN_NIL;
			}
		}
	}
	while (pfn == PFN_NIL) {
		unsigned long pfn1 = pages_alloc(kt, KHEAP_SITE_DMA, gfp, order);
		if (!pfn1)
			return NULL;
		pfn = pfn1 - 1;
		if (dma_coherent_ok(mask, pfn, alloc))
			break;
		pages_free(pfn, order, "dma_alloc_coherent");
		pfn = PFN_NIL;
		if (mask < DMA_BIT_MASK(64) && !(gfp & (__GFP_DMA32 | __GFP_DMA)))
			gfp |= GFP_DMA32;
		else if (!(gfp & __GFP_DMA)) {
			gfp = (gfp & ~__GFP_DMA32) | GFP_DMA;
		} else {
			errno = ENOMEM;
			return NULL;
		}
	}
	char *p = pfn_address(pfn);
	memset(p, 0, alloc);
	if (dma_handle)
		*dma_handle = (dma_addr_t)pfn << pgdat->page_shift;
	return p;
}

EXPORT void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr,
			      dma_addr_t dma_handle)
{
	if (!cpu_addr)
		return;
	struct pglist_data *pgdat = node();
	struct page *page = virt_to_page(cpu_addr);
	if (!page) {
		api_warn("dma_free_coherent(%p): not an address "
			 "dma_alloc_coherent returned", cpu_addr);
		return;
	}
	unsigned long pfn = page_to_pfn(pgdat, page);
	size_t alloc = (size + shim.heap.page_size - 1) & ~(shim.heap.page_size - 1);
	if (page->private == CMA_PAGE_TAKEN) {
		struct cma *cma = NULL;
		for (unsigned i = 0; i < nr_cma_areas; i++)
			if (pfn >= cma_areas[i].base_pfn &&
			    pfn < cma_areas[i].base_pfn + cma_areas[i].count)
				cma = &cma_areas[i];
		cma_release(cma, page, alloc >> pgdat->page_shift);
		return;
	}
	pages_free(pfn, kheap_get_order(&shim.heap, alloc), "dma_free_coherent");
}

/* ---- /proc/sys/vm/compact_memory and /proc/buddyinfo ------------------------ */

/* sysctl_compaction_handler() → compact_nodes() */
EXPORT long gfpshim_compact_memory(void)
{
	if (!shim_ready())
		return -1;
	return (long)compact_node(node());
}

EXPORT long gfpshim_buddyinfo(char *buf, size_t len)
{
	char tmp[4096];
	struct sbuf sb = SBUF_INIT(tmp, sizeof(tmp));

	if (!shim_ready())
		return -1;
	show_buddyinfo(&sb, node());
	size_t n = sb.len < sb.cap ? sb.len : sb.cap;
	if (len) {
		size_t c = n < len - 1 ? n : len - 1;
		memcpy(buf, tmp, c);
		buf[c] = '\0';
	}
	return (long)sb.len;
}

/* ---- scopes --------------------------------------------------------------- */

static unsigned scope_save(unsigned flag)
{
	unsigned old = shim_pflags & flag;
	shim_pflags |= flag;
	return old;
}

static void scope_restore(unsigned flag, unsigned old)
{
	shim_pflags = (shim_pflags & ~flag) | old;
}

EXPORT unsigned int memalloc_noio_save(void)
{
	return scope_save(PF_MEMALLOC_NOIO);
}

EXPORT void memalloc_noio_restore(unsigned int flags)
{
	scope_restore(PF_MEMALLOC_NOIO, flags);
}

EXPORT unsigned int memalloc_nofs_save(void)
{
	return scope_save(PF_MEMALLOC_NOFS);
}

EXPORT void memalloc_nofs_restore(unsigned int flags)
{
	scope_restore(PF_MEMALLOC_NOFS, flags);
}

EXPORT unsigned int memalloc_noreclaim_save(void)
{
	return scope_save(PF_MEMALLOC);
}

EXPORT void memalloc_noreclaim_restore(unsigned int flags)
{
	scope_restore(PF_MEMALLOC, flags);
}

EXPORT gfp_t current_gfp_context(gfp_t flags)
{
	return shim_gfp_context(flags);
}
