/* The malloc family on the simulated heap: malloc(n) is
 * kmalloc(n, malloc_gfp), calloc is kzalloc, blocks larger than
 * KMALLOC_MAX_SIZE are vm areas (vmalloc), unless the user asked for strict
 * kmalloc semantics, in which case they fail as kmalloc does.
 *
 * Each entry point tries the heap's inline fast path with the calling
 * thread's cpu slabs; everything else (first call of a thread, size 0,
 * failures, big blocks) is out of line. */
#include "config.h"

#include "shim/shim.h"

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <string.h>

#include "shim/kernel_api.h"
#include "mm/page_alloc.h"
#include "mm/vmalloc.h"

/* GFPSHIM_MALLOC_GFP as the thread's memalloc_*_save() scopes change it
 * (current_gfp_context()). */
static inline gfp_t malloc_gfp(void)
{
	return shim_gfp_context(shim.malloc_gfp);
}

#define noinline __attribute__((noinline))

static inline bool is_pow2(size_t x)
{
	return x && !(x & (x - 1));
}

/* Big blocks: a vm area, or kmalloc's own verdict in strict mode. */
static noinline void *big_alloc(struct kheap_thread *kt, size_t n, gfp_t gfp)
{
	void *p = shim.malloc_strict ? kheap_kmalloc(&shim.heap, kt, n, gfp)
				     : kheap_vmalloc(&shim.heap, kt, n, gfp);
	return p ? p : shim_failed(kt);
}

/* Any size and gfp, on an attached thread.  Size 0 is served as 1 byte so
 * that malloc(0) is unique and freeable (kmalloc(0) is ZERO_SIZE_PTR). */
static void *alloc_gfp(struct kheap_thread *kt, size_t n, gfp_t gfp)
{
	if (unlikely(n > shim.heap.kmalloc_max_size)) {
		if (n > PTRDIFF_MAX)
			return shim_refused();
		return big_alloc(kt, n, gfp);
	}
	void *p = kheap_kmalloc(&shim.heap, kt, n ? n : 1, gfp);
	if (unlikely(!p))
		return shim_failed(kt);
	shim_mark(p, n);
	return p;
}

static noinline void *malloc_first(size_t n)
{
	struct kheap_thread *kt = shim_thread();
	if (!kt)
		return shim_refused();
	shim_self.requests++;
	return alloc_gfp(kt, n, malloc_gfp());
}

/* Everything but a pop from the cpu freelist.  A block from a slab the
 * thread has just taken is marked; the later pops from that slab need no
 * mark, since a purge never discards a unit holding a live slab. */
static noinline void *malloc_slow(struct kheap_thread *kt, size_t n, gfp_t gfp)
{
	void *p = kheap_kmalloc_slow(&shim.heap, kt, n, gfp);
	if (likely(!ZERO_OR_NULL_PTR(p))) {
		shim_mark(p, n);
		return p;
	}
	/* kmalloc refused a size it serves: that was the request
	 * (asking again would consult the fault rules twice) */
	if (!p && n <= shim.heap.kmalloc_max_size)
		return shim_failed(kt);
	return alloc_gfp(kt, n, gfp);
}

SHIM_EXPORT void *malloc(size_t n)
{
	struct kheap_thread *kt = shim_self.kt;
	if (likely(kt != NULL)) {
		shim_self.requests++;
		gfp_t gfp = malloc_gfp();
		void *p = kheap_kmalloc_fast(&shim.heap, kt, n, gfp);
		return likely(p != NULL) ? p : malloc_slow(kt, n, gfp);
	}
	return malloc_first(n);
}

static noinline void free_slow(void *p)
{
	/* before the first allocation nothing can be ours */
	if (!p || atomic_load(&shim.state) != SHIM_READY)
		return;
	struct kheap_thread *kt = shim_thread();
	if (kt) {
		kheap_kfree(&shim.heap, kt, p);
		shim_note_free(p);
	}
}

/* A pointer the heap does not know (from ld.so's start-up allocator, or
 * from before the shim was loaded) is ignored: kheap_kfree says so. */
SHIM_EXPORT void free(void *p)
{
	struct kheap_thread *kt = shim_self.kt;
	if (likely(kt != NULL)) {
		if (!likely(kheap_kfree_fast(&shim.heap, kt, p)))
			kheap_kfree(&shim.heap, kt, p);
		shim_note_free(p);
		return;
	}
	free_slow(p);
}

SHIM_EXPORT void *calloc(size_t nmemb, size_t size)
{
	size_t n;
	struct kheap_thread *kt = shim_thread();
	if (!kt)
		return shim_refused();
	shim_self.requests++;
	/* kcalloc(): an overflowing product fails without a report */
	if (__builtin_mul_overflow(nmemb, size, &n))
		return shim_refused();
	return alloc_gfp(kt, n, malloc_gfp() | __GFP_ZERO);
}

/* posix_memalign and friends, align a power of two ≥ sizeof(void *).
 * Slab and kmalloc_large blocks are aligned by the heap; vm areas are
 * mapped, so they are aligned to the OS page. */
static void *aligned_gfp(size_t align, size_t n, gfp_t gfp)
{
	struct kheap_thread *kt = shim_thread();
	if (!kt)
		return shim_refused();
	shim_self.requests++;
	if (align <= 8)
		return alloc_gfp(kt, n, gfp);
	if (n > shim.heap.kmalloc_max_size) {
		if (n > PTRDIFF_MAX || align > shim.host_page)
			return shim_refused();
		return big_alloc(kt, n, gfp);
	}
	void *p = kheap_kmalloc_aligned(&shim.heap, kt, n ? n : 1, align, gfp);
	if (!p)
		return shim_failed(kt);
	shim_mark(p, n);
	return p;
}

SHIM_EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
	if (align < sizeof(void *) || !is_pow2(align))
		return EINVAL;
	int saved = errno;
	void *p = aligned_gfp(align, n, malloc_gfp());
	if (!p)
		return ENOMEM;      /* errno stays ENOMEM, as glibc leaves it */
	errno = saved;
	*out = p;
	return 0;
}

/* glibc: an alignment that is not a power of two is rounded up to one. */
SHIM_EXPORT void *memalign(size_t align, size_t n)
{
	if (align > (SIZE_MAX >> 1) + 1) {
		errno = EINVAL;
		return NULL;
	}
	if (!is_pow2(align))
		align = align <= 1 ? 1 : (size_t)1 << (64 - __builtin_clzll(align - 1));
	return aligned_gfp(align, n, malloc_gfp());
}

/* C17 (and glibc ≥ 2.38): the alignment must be a power of two. */
SHIM_EXPORT void *aligned_alloc(size_t align, size_t n)
{
	if (!is_pow2(align)) {
		errno = EINVAL;
		return NULL;
	}
	return aligned_gfp(align, n, malloc_gfp());
}

SHIM_EXPORT void *valloc(size_t n)
{
	if (!shim_ready())
		return shim_refused();
	return aligned_gfp(shim.host_page, n, malloc_gfp());
}

SHIM_EXPORT void *pvalloc(size_t n)
{
	if (!shim_ready())
		return shim_refused();
	size_t ps = shim.host_page;
	if (n > SIZE_MAX - ps)
		return shim_refused();
	n = n ? (n + ps - 1) & ~(ps - 1) : ps;
	return aligned_gfp(ps, n, malloc_gfp());
}

/* A block the heap does not know cannot tell its size; copy what is
 * certainly readable: up to the end of its OS page. */
static void *realloc_foreign(struct kheap_thread *kt, void *p, size_t n)
{
	void *q = alloc_gfp(kt, n, malloc_gfp());
	if (q) {
		size_t room = shim.host_page -
			      ((uintptr_t)p & (shim.host_page - 1));
		memcpy(q, p, n < room ? n : room);
	}
	return q;
}

/* Move a block to a fresh one of n bytes (n below its usable size when
 * shrinking, above it when growing).  On failure the old block stays. */
static void *realloc_move(struct kheap_thread *kt, void *p, size_t old,
			  size_t n, gfp_t gfp)
{
	void *q = alloc_gfp(kt, n, gfp);
	if (!q)
		return NULL;
	memcpy(q, p, old < n ? old : n);
	kheap_kfree(&shim.heap, kt, p);
	return q;
}

SHIM_EXPORT void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	struct kheap_thread *kt = shim_thread();
	if (!kt)
		return shim_refused();
	if (n == 0) {           /* glibc: free and return NULL */
		kheap_kfree(&shim.heap, kt, p);
		return NULL;
	}
	shim_self.requests++;
	if (n > PTRDIFF_MAX)
		return shim_refused();

	struct kheap *h = &shim.heap;
	enum kheap_owner owner = kheap_pointer_owner(h, p);
	if (owner == KHEAP_NOT_OURS)
		return realloc_foreign(kt, p, n);
	size_t old = kheap_ksize(h, p);
	gfp_t gfp = malloc_gfp();

	if (owner == KHEAP_OWNER_VMALLOC && n > h->kmalloc_max_size) {
		/* a vm area grows or shrinks with mremap */
		void *q = kheap_vrealloc(h, kt, p, n, gfp);
		return q ? q : shim_failed(kt);
	}
	if (n <= old) {
		/* shrink in place unless that would waste more than half */
		if (n >= old / 2 || old <= 16)
			return p;
		int saved = errno;
		void *q = realloc_move(kt, p, old, n, gfp | __GFP_NOWARN);
		if (!q)
			errno = saved;  /* shrinking never fails: keep p */
		return q ? q : p;
	}
	if (n > h->kmalloc_max_size || owner == KHEAP_OWNER_VMALLOC)
		return realloc_move(kt, p, old, n, gfp);
	void *q = kheap_krealloc(h, kt, p, n, gfp);
	if (!q)
		return shim_failed(kt);
	shim_mark(q, n);
	return q;
}

SHIM_EXPORT void *reallocarray(void *p, size_t nmemb, size_t size)
{
	size_t n;
	if (__builtin_mul_overflow(nmemb, size, &n))
		return shim_refused();
	return realloc(p, n);
}

SHIM_EXPORT size_t malloc_usable_size(void *p)
{
	if (!p || atomic_load(&shim.state) != SHIM_READY)
		return 0;
	size_t n = kheap_ksize(&shim.heap, p);
	return n == (size_t)-1 ? 0 : n;
}

/* The simulated heap has no tunables of glibc's: accept them all. */
SHIM_EXPORT int mallopt(int param, int value)
{
	return 1;
}

/* Return this thread's cached objects and every CPU's per-cpu pages to the
 * buddy and purge now; 1 when that freed pages or gave memory back. */
SHIM_EXPORT int malloc_trim(size_t pad)
{
	struct kheap_thread *kt = shim_thread();
	if (!kt)
		return 0;
	struct pglist_data *pgdat = &shim.node;
	unsigned long before = 0, after = 0;
	for (unsigned z = 0; z < pgdat->nr_zones; z++)
		before += (unsigned long)pgdat->node_zones[z].vm_stat[NR_FREE_PAGES];
	kheap_thread_flush(&shim.heap, kt);
	for (unsigned c = 0; c < pgdat->nr_cpus; c++)
		drain_pages(pgdat, c);
	for (unsigned z = 0; z < pgdat->nr_zones; z++)
		after += (unsigned long)pgdat->node_zones[z].vm_stat[NR_FREE_PAGES];
	return (shim_purge() > 0) | (after > before);
}

/* glibc's fields, from the node: arena = frames in use in the arena,
 * hblkhd = bytes of vm areas (mapped apart), fordblks = free frames. */
SHIM_EXPORT struct mallinfo2 mallinfo2(void)
{
	struct mallinfo2 mi;
	memset(&mi, 0, sizeof mi);
	if (!shim_ready())
		return mi;
	struct pglist_data *pgdat = &shim.node;
	unsigned long managed = 0, free_pages = 0;
	for (unsigned z = 0; z < pgdat->nr_zones; z++) {
		managed += pgdat->node_zones[z].managed_pages;
		free_pages += (unsigned long)pgdat->node_zones[z].vm_stat[NR_FREE_PAGES];
	}
	size_t ps = shim.heap.page_size;
	unsigned long vm = vm_nr_pages(&shim.heap);
	unsigned long used = managed > free_pages + vm ? managed - free_pages - vm : 0;
	mi.arena = used * ps;
	mi.uordblks = used * ps;
	mi.hblks = 0;
	mi.hblkhd = vm * ps;
	mi.fordblks = free_pages * ps;
	return mi;
}

SHIM_EXPORT struct mallinfo mallinfo(void)
{
	struct mallinfo2 m2 = mallinfo2();
	struct mallinfo mi;
	memset(&mi, 0, sizeof mi);
	mi.arena = (int)m2.arena;
	mi.uordblks = (int)m2.uordblks;
	mi.hblkhd = (int)m2.hblkhd;
	mi.fordblks = (int)m2.fordblks;
	return mi;
}

/* glibc's internal names, used by some programs and by libc itself. */
SHIM_EXPORT void *__libc_malloc(size_t n) __attribute__((alias("malloc"), copy(malloc)));
SHIM_EXPORT void __libc_free(void *p) __attribute__((alias("free"), copy(free)));
SHIM_EXPORT void *__libc_calloc(size_t a, size_t b)
	__attribute__((alias("calloc"), copy(calloc)));
SHIM_EXPORT void *__libc_realloc(void *p, size_t n)
	__attribute__((alias("realloc"), copy(realloc)));
SHIM_EXPORT void *__libc_memalign(size_t a, size_t n)
	__attribute__((alias("memalign"), copy(memalign)));
SHIM_EXPORT void *__libc_valloc(size_t n) __attribute__((alias("valloc"), copy(valloc)));
SHIM_EXPORT void *__libc_pvalloc(size_t n) __attribute__((alias("pvalloc"), copy(pvalloc)));

bool shim_owns(const void *p)
{
	if (atomic_load(&shim.state) != SHIM_READY)
		return false;
	if (kheap_pointer_owner(&shim.heap, p) != KHEAP_NOT_OURS)
		return true;
	return vm_area_containing(&shim.heap, p) != NULL;
}
