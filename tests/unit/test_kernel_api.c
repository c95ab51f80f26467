/* <gfpshim/kernel.h> on the shim's heap: each call with the kernel's
 * semantics.  The program links libgfpshim; main() re-executes itself (argv[0])
 * once with the machine it needs (1 GiB, a 64 MiB CMA area) and two fault
 * rules that fail order ≥ 4 requests of exactly GFP_NOIO|__GFP_COMP (rule
 * 1) and GFP_NOFS|__GFP_COMP (rule 2) — the way to see the gfp the
 * allocator was handed inside a memalloc scope — and a third that fails
 * the DMA and CMA requests made under inject_*().  Reports are not
 * ratelimited, so that each test sees its own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include <gfpshim/gfpshim.h>
#include <gfpshim/kernel.h>

/* ---- standard error captured around a call -------------------------------- */

static int saved_fd = -1, cap_fd = -1;

static void capture_start(void)
{
	fflush(stderr);
	saved_fd = dup(2);
	cap_fd = memfd_create("stderr", 0);
	assert_true(saved_fd >= 0 && cap_fd >= 0);
	dup2(cap_fd, 2);
}

static const char *capture_end(void)
{
	static char buf[65536];
	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	lseek(cap_fd, 0, SEEK_SET);
	ssize_t n = read(cap_fd, buf, sizeof(buf) - 1);
	close(cap_fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static unsigned long free_cma(void)
{
	struct gfpshim_stats st;
	assert_int_equal(gfpshim_get_stats(&st, sizeof(st)), 0);
	return st.free_cma_pages;
}

/* ---- kmalloc family -------------------------------------------------------- */

static void test_kmalloc_kzalloc(void **state)
{
	(void)state;
	assert_ptr_equal(kmalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);
	for (size_t size = 8; size <= (1u << 20); size *= 3) {
		unsigned char *p = kmalloc(size, GFP_KERNEL);
		assert_non_null(p);
		memset(p, 0xa5, size);
		kfree(p);
		/* kzalloc gets the same class, maybe the same object: zeroed */
		unsigned char *z = kzalloc(size, GFP_KERNEL);
		assert_non_null(z);
		for (size_t i = 0; i < size; i++)
			if (z[i])
				fail_msg("kzalloc(%zu): byte %zu is %#x", size, i, z[i]);
		kfree(z);
	}
	int *a = kcalloc(1000, sizeof(int), GFP_KERNEL);
	assert_non_null(a);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(a[i], 0);
	kfree(a);
	/* n * size overflows: NULL, no report */
	capture_start();
	void *o = kmalloc_array(SIZE_MAX / 2, 4, GFP_KERNEL);
	assert_string_equal(capture_end(), "");
	assert_null(o);
}

static void test_ksize(void **state)
{
	(void)state;
	static const size_t sizes[] = { 1, 8, 9, 96, 100, 192, 1000, 4096,
					4097, 65536, 65640, 1u << 20 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		void *p = kmalloc(sizes[i], GFP_KERNEL);
		assert_non_null(p);
		size_t k = ksize(p);
		if (k < sizes[i])
			fail_msg("ksize(kmalloc(%zu)) = %zu", sizes[i], k);
		/* the usable size is usable */
		memset(p, 1, k);
		kfree(p);
	}
	/* 65640 bytes is an order-5 compound page (seed004) */
	void *e = kmalloc(65640, GFP_KERNEL);
	assert_int_equal(ksize(e), 32 * PAGE_SIZE);
	kfree(e);
}

static void test_krealloc(void **state)
{
	(void)state;
	unsigned char *p = kmalloc(64, GFP_KERNEL);
	for (int i = 0; i < 64; i++)
		p[i] = (unsigned char)i;
	p = krealloc(p, 10000, GFP_KERNEL);
	assert_non_null(p);
	assert_true(ksize(p) >= 10000);
	for (int i = 0; i < 64; i++)
		assert_int_equal(p[i], i);
	p = krealloc(p, 16, GFP_KERNEL);
	for (int i = 0; i < 16; i++)
		assert_int_equal(p[i], i);
	/* krealloc(NULL) is kmalloc */
	void *q = krealloc(NULL, 32, GFP_KERNEL);
	assert_non_null(q);
	kfree(q);
	kfree_sensitive(p);
}

static void test_kmemdup_kstrdup(void **state)
{
	(void)state;
	static const char text[] = "ip_entry 10.0.0.0/8";
	char *d = kmemdup(text, sizeof(text), GFP_KERNEL);
	assert_non_null(d);
	assert_ptr_not_equal(d, text);
	assert_memory_equal(d, text, sizeof(text));
	char *s = kstrdup(text, GFP_KERNEL);
	assert_string_equal(s, text);
	assert_ptr_not_equal(s, text);
	char *n = kstrndup(text, 8, GFP_KERNEL);
	assert_string_equal(n, "ip_entry");
	assert_null(kstrdup(NULL, GFP_KERNEL));
	kfree(d);
	kfree(s);
	kfree(n);
}

/* kvmalloc: kmalloc memory (in the direct map: virt_to_page finds it) for
 * small sizes, vmalloc memory (not in the direct map) above what kmalloc
 * serves */
static void test_kvmalloc(void **state)
{
	(void)state;
	void *small = kvmalloc(1000, GFP_KERNEL);
	assert_non_null(small);
	assert_non_null(virt_to_page(small));
	size_t big_size = 64u << 20;
	unsigned char *big = kvzalloc(big_size, GFP_KERNEL);
	assert_non_null(big);
	assert_null(virt_to_page(big));
	assert_int_equal(big[0], 0);
	assert_int_equal(big[big_size - 1], 0);
	big[big_size - 1] = 1;
	kvfree(small);
	kvfree(big);
	void *v = vmalloc(3 * PAGE_SIZE + 1);
	assert_non_null(v);
	assert_null(virt_to_page(v));
	vfree(v);
}

/* ---- pages ----------------------------------------------------------------- */

static void test_alloc_pages(void **state)
{
	(void)state;
	for (unsigned order = 0; order <= 10; order++) {
		struct page *pg = alloc_pages(GFP_KERNEL, order);
		assert_non_null(pg);
		char *addr = page_address(pg);
		/* page_address and virt_to_page are inverses */
		assert_int_equal((uintptr_t)addr % PAGE_SIZE, 0);
		assert_ptr_equal(virt_to_page(addr), pg);
		assert_ptr_equal(page_address(virt_to_page(addr)), addr);
		memset(addr, 0x5a, PAGE_SIZE << order);
		__free_pages(pg, order);
	}
	unsigned long z = get_zeroed_page(GFP_KERNEL);
	assert_true(z != 0);
	for (unsigned long i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(((unsigned char *)z)[i], 0);
	free_page(z);
	unsigned long four = __get_free_pages(GFP_KERNEL, 2);
	assert_true(four != 0);
	assert_int_equal(four % PAGE_SIZE, 0);
	memset((void *)four, 1, 4 * PAGE_SIZE);
	free_pages(four, 2);
	/* too large an order: NULL without a report */
	capture_start();
	assert_null(alloc_pages(GFP_KERNEL, 20));
	assert_string_equal(capture_end(), "");
}

/* the physical alignment of a block, through its DMA handle */
static void test_pages_physical_alignment(void **state)
{
	(void)state;
	struct device dev = { .init_name = "test", .coherent_dma_mask = DMA_BIT_MASK(64) };
	for (unsigned order = 0; order <= 6; order++) {
		dma_addr_t h;
		/* GFP_ATOMIC: the page allocator, not CMA */
		void *p = dma_alloc_coherent(&dev, PAGE_SIZE << order, &h, GFP_ATOMIC);
		assert_non_null(p);
		assert_int_equal(h % (PAGE_SIZE << order), 0);
		dma_free_coherent(&dev, PAGE_SIZE << order, p, h);
	}
}

/* ---- named caches ---------------------------------------------------------- */

static int ctor_calls;

static void entry_ctor(void *obj)
{
	memset(obj, 0xc7, 200);
	ctor_calls++;
}

static void test_kmem_cache(void **state)
{
	(void)state;
	struct kmem_cache *s = kmem_cache_create("ip_entry_small", 200, 8, 0,
						 entry_ctor);
	assert_non_null(s);
	unsigned char *o = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(o);
	assert_true(ctor_calls >= 1);
	for (int i = 0; i < 200; i++)
		assert_int_equal(o[i], 0xc7);
	assert_true(ksize(o) >= 200);
	void *objs[100];
	for (int i = 0; i < 100; i++)
		assert_non_null(objs[i] = kmem_cache_alloc(s, GFP_KERNEL));
	for (int i = 0; i < 100; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_free(s, o);
	kmem_cache_destroy(s);

	struct kmem_cache *z = kmem_cache_create("zeroed", 64, 0, SLAB_HWCACHE_ALIGN, NULL);
	unsigned char *q = kmem_cache_zalloc(z, GFP_KERNEL);
	for (int i = 0; i < 64; i++)
		assert_int_equal(q[i], 0);
	/* a cache with live objects is not destroyed, with the kernel's words */
	capture_start();
	kmem_cache_destroy(z);
	const char *err = capture_end();
	assert_non_null(strstr(err, "kmem_cache_destroy zeroed: Slab cache still has objects"));
	kmem_cache_free(z, q);
	kmem_cache_destroy(z);
}

/* ---- DMA and CMA ----------------------------------------------------------- */

static void test_dma_within_mask(void **state)
{
	(void)state;
	struct device dev = { .init_name = "isa", .coherent_dma_mask = DMA_BIT_MASK(24) };
	dma_addr_t h;
	unsigned char *p = dma_alloc_coherent(&dev, 3 * PAGE_SIZE, &h, GFP_KERNEL);
	assert_non_null(p);
	assert_true(h + 3 * PAGE_SIZE - 1 <= DMA_BIT_MASK(24));
	for (unsigned long i = 0; i < 3 * PAGE_SIZE; i++)
		assert_int_equal(p[i], 0);
	dma_free_coherent(&dev, 3 * PAGE_SIZE, p, h);

	struct device dev32 = { .init_name = "dev32", .coherent_dma_mask = DMA_BIT_MASK(32) };
	p = dma_alloc_coherent(&dev32, PAGE_SIZE, &h, GFP_ATOMIC);
	assert_non_null(p);
	assert_true(h + PAGE_SIZE - 1 <= DMA_BIT_MASK(32));
	dma_free_coherent(&dev32, PAGE_SIZE, p, h);
}

static unsigned long cma_pages(void)
{
	return (64u << 20) / PAGE_SIZE;
}

/* Is the whole default area free?  (cma_alloc of all of it, released.) */
static bool cma_all_free(void)
{
	struct cma *cma = dev_get_cma_area(NULL);
	struct page *all = cma_alloc(cma, cma_pages(), 0, true);
	if (!all)
		return false;
	/* every CMA page was free and is now taken: none left free */
	assert_int_equal(free_cma(), 0);
	assert_true(cma_release(cma, all, cma_pages()));
	return true;
}

/* a sleeping multi-page request comes from the default CMA area, an
 * atomic one from the page allocator */
static void test_dma_from_cma(void **state)
{
	(void)state;
	struct device dev = { .init_name = "cam", .coherent_dma_mask = DMA_BIT_MASK(32) };
	size_t size = 1u << 20;
	dma_addr_t h;
	assert_true(cma_all_free());
	void *p = dma_alloc_coherent(&dev, size, &h, GFP_KERNEL);
	assert_non_null(p);
	assert_false(cma_all_free());
	dma_free_coherent(&dev, size, p, h);
	assert_true(cma_all_free());
	p = dma_alloc_coherent(&dev, size, &h, GFP_ATOMIC);
	assert_non_null(p);
	assert_true(cma_all_free());
	dma_free_coherent(&dev, size, p, h);
}

static void test_cma_alloc_release(void **state)
{
	(void)state;
	struct cma *cma = dev_get_cma_area(NULL);
	assert_non_null(cma);
	assert_ptr_equal(cma_find_area("reserved"), cma);
	assert_null(cma_find_area("no-such-area"));
	assert_string_equal(cma_get_name(cma), "reserved");
	assert_int_equal(cma_get_size(cma), 64u << 20);
	unsigned long pages = cma_pages();

	/* 100 pages at the area's start, the rest after them: then full */
	struct page *a = cma_alloc(cma, 100, 4, false);
	assert_non_null(a);
	memset(page_address(a), 0x11, 100 * PAGE_SIZE);
	struct page *b = cma_alloc(cma, pages - 100, 0, false);
	assert_non_null(b);
	assert_int_equal((char *)page_address(b) - (char *)page_address(a),
			 100 * PAGE_SIZE);
	assert_null(cma_alloc(cma, 1, 0, true));
	assert_true(cma_release(cma, a, 100));
	/* aligned to 2^4 pages: 96 of the 100 fit again, at the start */
	struct page *c = cma_alloc(cma, 96, 4, false);
	assert_ptr_equal(c, a);
	assert_true(cma_release(cma, c, 96));
	/* releasing what is not allocated: false, with a warning */
	capture_start();
	assert_false(cma_release(cma, a, 100));
	assert_non_null(strstr(capture_end(), "was not allocated by cma_alloc"));
	assert_true(cma_release(cma, b, pages - 100));
	assert_true(cma_all_free());

	/* more than the area: NULL and the kernel's message */
	capture_start();
	assert_null(cma_alloc(cma, pages + 1, 0, false));
	const char *msg = capture_end();
	char want[128];
	snprintf(want, sizeof(want), "reserved: alloc failed, req-size: %lu pages, ret: -12",
		 pages + 1);
	if (!strstr(msg, want))
		fail_msg("no \"%s\" in:\n%s", want, msg);
	/* no_warn: silent */
	capture_start();
	assert_null(cma_alloc(cma, pages + 1, 0, true));
	assert_string_equal(capture_end(), "");
}

/* ---- scopes ---------------------------------------------------------------- */

static void test_scope_gfp(void **state)
{
	(void)state;
	assert_int_equal(current_gfp_context(GFP_KERNEL), GFP_KERNEL);
	unsigned nofs = memalloc_nofs_save();
	assert_int_equal(current_gfp_context(GFP_KERNEL), GFP_NOFS);
	unsigned noio = memalloc_noio_save();
	assert_int_equal(current_gfp_context(GFP_KERNEL), GFP_NOIO);
	memalloc_noio_restore(noio);
	assert_int_equal(current_gfp_context(GFP_KERNEL), GFP_NOFS);
	memalloc_nofs_restore(nofs);
	assert_int_equal(current_gfp_context(GFP_KERNEL), GFP_KERNEL);
	unsigned nr = memalloc_noreclaim_save();
	assert_true(current_gfp_context(GFP_KERNEL) & __GFP_MEMALLOC);
	assert_false(current_gfp_context(GFP_KERNEL | __GFP_NOMEMALLOC) & __GFP_MEMALLOC);
	memalloc_noreclaim_restore(nr);
	assert_false(current_gfp_context(GFP_KERNEL) & __GFP_MEMALLOC);
}

/* A GFP_KERNEL kmalloc of 64 KiB (kmalloc_large: gfp|__GFP_COMP, order 4)
 * succeeds; inside a nofs scope the allocator is handed
 * GFP_NOFS|__GFP_COMP and rule 2 fails it, inside a noio scope
 * GFP_NOIO|__GFP_COMP and rule 1. */
static void test_scope_reaches_allocator(void **state)
{
	(void)state;
	void *p = kmalloc(65536, GFP_KERNEL);
	assert_non_null(p);
	kfree(p);

	unsigned flags = memalloc_nofs_save();
	capture_start();
	p = kmalloc(65536, GFP_KERNEL);
	const char *rep = capture_end();
	assert_null(p);
	if (!strstr(rep, "GFPSHIM_FAIL rule 2 fired: gfp=GFP_NOFS|__GFP_COMP"))
		fail_msg("report:\n%s", rep);
	memalloc_nofs_restore(flags);

	flags = memalloc_noio_save();
	capture_start();
	p = kmalloc(65536, GFP_KERNEL);
	rep = capture_end();
	assert_null(p);
	if (!strstr(rep, "GFPSHIM_FAIL rule 1 fired: gfp=GFP_NOIO|__GFP_COMP"))
		fail_msg("report:\n%s", rep);
	memalloc_noio_restore(flags);

	p = kmalloc(65536, GFP_KERNEL);
	assert_non_null(p);
	kfree(p);
	struct gfpshim_stats st;
	gfpshim_get_stats(&st, sizeof(st));
	assert_true(st.failures >= 2);
}

/* Plain malloc is kmalloc(n, GFPSHIM_MALLOC_GFP): the scopes reach it too.
 * malloc(64 KiB) inside a nofs scope is the same GFP_NOFS|__GFP_COMP
 * order-4 request as kmalloc's, and rule 2 fails it; outside, it works. */
static void test_scope_reaches_malloc(void **state)
{
	(void)state;
	unsigned flags = memalloc_nofs_save();
	capture_start();
	void *p = malloc(65536);
	int saved = errno;
	const char *rep = capture_end();
	memalloc_nofs_restore(flags);
	assert_null(p);
	assert_int_equal(saved, ENOMEM);
	if (!strstr(rep, "GFPSHIM_FAIL rule 2 fired: gfp=GFP_NOFS|__GFP_COMP"))
		fail_msg("report:\n%s", rep);

	p = malloc(65536);
	assert_non_null(p);
	free(p);
}

/* ---- injected DMA and CMA failures ------------------------------------- */

static __attribute__((noinline)) void *inject_dma(size_t size, gfp_t gfp)
{
	dma_addr_t h;
	void *volatile p = dma_alloc_coherent(NULL, size, &h, gfp);
	return p;
}

static __attribute__((noinline)) struct page *inject_cma(struct cma *cma,
							 unsigned long count)
{
	struct page *volatile page = cma_alloc(cma, count, 0, false);
	return page;
}

static unsigned occurrences(const char *text, const char *what)
{
	unsigned n = 0;
	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/* An atomic DMA buffer comes from the page allocator: rule 3 (site=dma)
 * fails it with fail_dump()'s lines, then warn_alloc()'s report for its
 * order-4 page request in ZONE_DMA32's mask, with Mem-Info. */
static void test_dma_injected(void **state)
{
	(void)state;
	capture_start();
	void *p = inject_dma(65536, GFP_ATOMIC);
	int saved = errno;
	const char *rep = capture_end();
	assert_null(p);
	assert_int_equal(saved, ENOMEM);
	if (!strstr(rep, "FAULT_INJECTION: forcing a failure.\n"
		    "name fail_page_alloc, interval 1, probability 100, space 0, times -1\n"
		    "gfpshim: GFPSHIM_FAIL rule 3 fired: site=dma|cma,caller=inject_*,probability=100,times=-1\n") ||
	    !strstr(rep, ": page allocation failure: order:4, mode:0x824(GFP_ATOMIC|GFP_DMA32)") ||
	    !strstr(rep, "\nMem-Info:\n") || !strstr(rep, "\nNode 0 DMA32: "))
		fail_msg("report:\n%s", rep);
}

/* cma_alloc() has no fault point in the kernel; site=cma fails it, and
 * the report is the one the area's failure prints.  A sleeping DMA
 * buffer tries the area first and the page allocator after it: the rule
 * sees both. */
static void test_cma_injected(void **state)
{
	(void)state;
	struct cma *cma = dev_get_cma_area(NULL);
	capture_start();
	struct page *page = inject_cma(cma, 16);
	const char *rep = capture_end();
	assert_null(page);
	if (!strstr(rep, "gfpshim: GFPSHIM_FAIL rule 3 fired: site=dma|cma,caller=inject_*,probability=100,times=-1\n") ||
	    !strstr(rep, "alloc failed, req-size: 16 pages, ret: -12\n"))
		fail_msg("report:\n%s", rep);

	capture_start();
	void *p = inject_dma(65536, GFP_KERNEL);
	rep = capture_end();
	assert_null(p);
	if (occurrences(rep, "GFPSHIM_FAIL rule 3 fired") != 2 ||
	    !strstr(rep, "alloc failed, req-size: 16 pages, ret: -12\n") ||
	    !strstr(rep, ": page allocation failure: order:4, mode:0xcc4(GFP_KERNEL|GFP_DMA32)"))
		fail_msg("report:\n%s", rep);
	assert_true(cma_all_free());
}

int main(int argc, char **argv)
{
	(void)argc;
	if (!getenv("GFPSHIM_CMA")) {
		setenv("GFPSHIM_MEM", "1G", 1);
		setenv("GFPSHIM_CMA", "64M", 1);
		setenv("GFPSHIM_FAIL", "gfp=GFP_NOIO|__GFP_COMP,min-order=4;"
		       "gfp=GFP_NOFS|__GFP_COMP,min-order=4;"
		       "site=dma|cma,caller=inject_*", 1);
		setenv("GFPSHIM_RATELIMIT", "off", 1);
		unsetenv("GFPSHIM_PROFILE");
		unsetenv("GFPSHIM_KERNEL");
		unsetenv("GFPSHIM_LOG");
		execvp(argv[0], argv);
		perror(argv[0]);
		return 99;
	}
	assert_true(gfpshim_enabled());
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kmalloc_kzalloc),
		cmocka_unit_test(test_ksize),
		cmocka_unit_test(test_krealloc),
		cmocka_unit_test(test_kmemdup_kstrdup),
		cmocka_unit_test(test_kvmalloc),
		cmocka_unit_test(test_alloc_pages),
		cmocka_unit_test(test_pages_physical_alignment),
		cmocka_unit_test(test_kmem_cache),
		cmocka_unit_test(test_dma_within_mask),
		cmocka_unit_test(test_dma_from_cma),
		cmocka_unit_test(test_cma_alloc_release),
		cmocka_unit_test(test_scope_gfp),
		cmocka_unit_test(test_scope_reaches_allocator),
		cmocka_unit_test(test_scope_reaches_malloc),
		cmocka_unit_test(test_dma_injected),
		cmocka_unit_test(test_cma_injected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
