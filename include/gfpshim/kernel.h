/* The Linux kernel's allocation API, for userspace ports of kernel code.
 *
 * Every call runs on libgfpshim's simulated machine (GFPSHIM_PROFILE,
 * GFPSHIM_KERNEL, …) — the same buddy allocator, watermarks, fault rules
 * (GFPSHIM_FAIL) and warn_alloc() reports as the program's malloc — so a
 * port's kmalloc(65536, GFP_ATOMIC) fails, or not, where the device's
 * would, and prints the report the device's kernel prints, with the port's
 * own functions in the backtrace.
 *
 * Link with `pkg-config --cflags --libs gfpshim` (libgfpshim also replaces
 * malloc), or run a port so linked under LD_PRELOAD=libgfpshim.so.
 *
 * Names, arguments and return conventions are the kernel's: NULL (or 0
 * for __get_free_pages) on failure with errno ENOMEM; kmalloc(0) returns
 * ZERO_SIZE_PTR; kfree(NULL) does nothing.  `struct page` is opaque: use
 * page_address() and virt_to_page().
 */
#ifndef GFPSHIM_KERNEL_H
#define GFPSHIM_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gfpshim/gfp_types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct page;
struct kmem_cache;
struct cma;

/* ---- kmalloc (include/linux/slab.h) ------------------------------------ */

#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((uintptr_t)(x) <= (uintptr_t)ZERO_SIZE_PTR)

void *kmalloc(size_t size, gfp_t flags);
void *krealloc(const void *p, size_t new_size, gfp_t flags);
void kfree(const void *p);
void kfree_sensitive(const void *p);     /* kzfree() before 5.9 */
size_t ksize(const void *p);
void *kmemdup(const void *src, size_t len, gfp_t gfp);
char *kstrdup(const char *s, gfp_t gfp);
char *kstrndup(const char *s, size_t max, gfp_t gfp);

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

/* kmalloc_array(): an overflowing n * size fails without a report. */
static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, flags);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}

#define kmalloc_node(size, flags, node)  kmalloc(size, flags)
#define kzalloc_node(size, flags, node)  kzalloc(size, flags)
#define kzfree(p)                        kfree_sensitive(p)

/* ---- kvmalloc and vmalloc (include/linux/mm.h, vmalloc.h) -------------- */

/* kvmalloc(): kmalloc first (quietly: __GFP_NOWARN, and __GFP_NORETRY
 * unless __GFP_RETRY_MAYFAIL), then vmalloc; gfp not compatible with
 * GFP_KERNEL (GFP_ATOMIC, GFP_NOFS …) means kmalloc only. */
void *kvmalloc(size_t size, gfp_t flags);
void kvfree(const void *p);

static inline void *kvzalloc(size_t size, gfp_t flags)
{
	return kvmalloc(size, flags | __GFP_ZERO);
}

static inline void *kvmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kvmalloc(bytes, flags);
}

static inline void *kvcalloc(size_t n, size_t size, gfp_t flags)
{
	return kvmalloc_array(n, size, flags | __GFP_ZERO);
}

void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void *__vmalloc(unsigned long size, gfp_t gfp_mask);
void vfree(const void *addr);

/* ---- the page allocator (include/linux/gfp.h) ------------------------- */

struct page *alloc_pages(gfp_t gfp_mask, unsigned int order);
void __free_pages(struct page *page, unsigned int order);
unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order);
void free_pages(unsigned long addr, unsigned int order);
void *page_address(const struct page *page);
struct page *virt_to_page(const void *addr);

#define alloc_page(gfp_mask)        alloc_pages(gfp_mask, 0)
#define __free_page(page)           __free_pages((page), 0)
#define __get_free_page(gfp_mask)   __get_free_pages((gfp_mask), 0)
#define free_page(addr)             free_pages((addr), 0)

static inline unsigned long get_zeroed_page(gfp_t gfp_mask)
{
	return __get_free_pages(gfp_mask | __GFP_ZERO, 0);
}

/* The simulated machine's PAGE_SIZE (4K, 16K or 64K per the profile). */
unsigned long gfpshim_page_size(void);
#define PAGE_SIZE  gfpshim_page_size()
#define PAGE_SHIFT ((unsigned)__builtin_ctzl(gfpshim_page_size()))

/* get_order(): the smallest order whose block holds size bytes. */
static inline unsigned int get_order(unsigned long size)
{
	unsigned long pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
	return pages <= 1 ? 0 : (unsigned int)(64 - __builtin_clzl(pages - 1));
}

/* ---- named slab caches ------------------------------------------------- */

#define SLAB_HWCACHE_ALIGN      0x00002000u
#define SLAB_CACHE_DMA          0x00004000u
#define SLAB_CACHE_DMA32        0x00008000u
#define SLAB_RECLAIM_ACCOUNT    0x00020000u
#define SLAB_PANIC              0x00040000u
#define SLAB_ACCOUNT            0x04000000u

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned int flags,
				     void (*ctor)(void *));
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags);
void kmem_cache_free(struct kmem_cache *s, void *obj);
void kmem_cache_destroy(struct kmem_cache *s);

static inline void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t flags)
{
	return kmem_cache_alloc(s, flags | __GFP_ZERO);
}

/* ---- DMA and CMA (include/linux/dma-mapping.h, cma.h) ------------------ */

typedef uint64_t dma_addr_t;
typedef uint64_t phys_addr_t;

#define DMA_BIT_MASK(n) (((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))

/* What dma_alloc_coherent() needs of a device: its coherent DMA mask
 * (0 means 32 bits, the kernel's default) and, optionally, its own CMA
 * area (else the machine's default area, "reserved"). */
struct device {
	const char *init_name;
	uint64_t *dma_mask;
	uint64_t coherent_dma_mask;
	struct cma *cma_area;
};

static inline int dma_set_coherent_mask(struct device *dev, uint64_t mask)
{
	dev->coherent_dma_mask = mask;
	return 0;
}

/* dma_alloc_coherent(): with a CMA area and a gfp that may sleep, the
 * pages come from cma_alloc() (its failure message included); otherwise,
 * or when CMA fails, from the page allocator within the zone the mask
 * reaches (GFP_DMA / GFP_DMA32).  *dma_handle is the simulated physical
 * address. */
void *dma_alloc_coherent(struct device *dev, size_t size,
			 dma_addr_t *dma_handle, gfp_t gfp);
void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr,
		       dma_addr_t dma_handle);

/* The machine's CMA areas (GFPSHIM_CMA, the profile's `cma =` lines). */
struct cma *dev_get_cma_area(struct device *dev);
struct cma *cma_find_area(const char *name);   /* NULL: no such area */
const char *cma_get_name(const struct cma *cma);
unsigned long cma_get_size(const struct cma *cma);

/* cma_alloc(): `count` pages aligned to 2^align pages from the area,
 * migrating movable pages out of the way; NULL and "cma: cma_alloc: …
 * alloc failed, req-size: N pages, ret: -E" (4.11+) unless no_warn. */
struct page *cma_alloc(struct cma *cma, unsigned long count,
		       unsigned int align, bool no_warn);
bool cma_release(struct cma *cma, const struct page *pages,
		 unsigned long count);

/* ---- allocation scopes (include/linux/sched/mm.h) ---------------------- */

/* Per thread, and they apply to everything allocated inside the scope,
 * malloc included: noio clears __GFP_IO and __GFP_FS, nofs clears
 * __GFP_FS (current_gfp_context()); noreclaim (PF_MEMALLOC) lets
 * requests ignore the watermarks. */
unsigned int memalloc_noio_save(void);
void memalloc_noio_restore(unsigned int flags);
unsigned int memalloc_nofs_save(void);
void memalloc_nofs_restore(unsigned int flags);
unsigned int memalloc_noreclaim_save(void);
void memalloc_noreclaim_restore(unsigned int flags);
gfp_t current_gfp_context(gfp_t flags);

#ifdef __cplusplus
}
#endif

#endif
