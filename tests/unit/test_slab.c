/* The slab layer: kmalloc size classes and names, SLUB slab orders, object
 * placement, per-thread cpu slabs and cross-thread frees, kmalloc_large,
 * named caches, and what each layer reports when it fails.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "abi/gfp.h"
#include "heap_fixture.h"
#include "mm/slab.h"

static const char *cache_name(struct heap_fixture *f, size_t size, gfp_t gfp)
{
	return kmalloc_slab(f->heap, size, gfp)->name;
}

/* __kmalloc_index() classes with 96 and 192; usable size = class size */
static void test_size_classes(void **state)
{
	struct heap_fixture f;
	heap_fixture_init(&f, KVER(6, 1, 0), 12, 64, 8);
	struct kheap_thread *t = kheap_thread_attach(f.heap);
	static const size_t req[] = { 1, 8, 9, 16, 17, 33, 64, 65, 96, 97,
				      128, 129, 192, 193, 256, 257, 1000,
				      2048, 2049, 4096, 4097, 8192 };
	static const size_t usable[] = { 8, 8, 16, 16, 32, 64, 64, 96, 96, 128,
					 128, 192, 192, 256, 256, 512, 1024,
					 2048, 4096, 4096, 8192, 8192 };
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		void *p = kheap_kmalloc(f.heap, t, req[i], GFP_KERNEL);
		assert_non_null(p);
		assert_int_equal(kheap_ksize(f.heap, p), usable[i]);
		assert_int_equal(kheap_pointer_owner(f.heap, p), KHEAP_OWNER_SLAB);
		assert_true(kheap_kfree(f.heap, t, p));
	}
	assert_string_equal(cache_name(&f, 70, GFP_KERNEL), "kmalloc-96");
	assert_string_equal(cache_name(&f, 150, GFP_KERNEL), "kmalloc-192");
	assert_string_equal(cache_name(&f, 1000, GFP_KERNEL), "kmalloc-1k");
	assert_string_equal(cache_name(&f, 8000, GFP_KERNEL), "kmalloc-8k");
	assert_string_equal(cache_name(&f, 64, GFP_KERNEL | __GFP_RECLAIMABLE),
			    "kmalloc-rcl-64");
	assert_string_equal(cache_name(&f, 64, GFP_KERNEL_ACCOUNT),
			    "kmalloc-cg-64");
	assert_null(kmalloc_slab(f.heap, 8193, GFP_KERNEL));
	assert_ptr_equal(kheap_kmalloc(f.heap, t, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	assert_int_equal(kheap_ksize(f.heap, ZERO_SIZE_PTR), 0);
	assert_true(kheap_kfree(f.heap, t, ZERO_SIZE_PTR));
	kheap_thread_detach(f.heap, t);
	heap_fixture_free(&f);

	/* 4.9 names the big classes by bytes and has no rcl/cg caches */
	heap_fixture_init(&f, KVER(4, 9, 0), 12, 64, 8);
	assert_string_equal(cache_name(&f, 1000, GFP_KERNEL), "kmalloc-1024");
	assert_string_equal(cache_name(&f, 8000, GFP_KERNEL), "kmalloc-8192");
	assert_string_equal(cache_name(&f, 64, GFP_KERNEL | __GFP_RECLAIMABLE),
			    "kmalloc-64");
	heap_fixture_free(&f);

	/* arm64 5.4: 128-byte minimum, no 96/192; 64K pages: up to 128k */
	heap_fixture_init(&f, KVER(5, 4, 0), 16, 512, 8);
	t = kheap_thread_attach(f.heap);
	assert_string_equal(cache_name(&f, 1, GFP_KERNEL), "kmalloc-128");
	assert_string_equal(cache_name(&f, 150, GFP_KERNEL), "kmalloc-256");
	assert_string_equal(cache_name(&f, 100000, GFP_KERNEL), "kmalloc-128k");
	void *p = kheap_kmalloc(f.heap, t, 70, GFP_KERNEL);
	assert_int_equal(kheap_ksize(f.heap, p), 128);
	kheap_kfree(f.heap, t, p);
	kheap_thread_detach(f.heap, t);
	heap_fixture_free(&f);
	(void)state;
}

/* calculate_order() with 8 CPUs (min_objects 20): the pages per slab and
 * objects per slab a 4K x86_64 box shows in /proc/slabinfo. */
static void check_orders(kver_t kv)
{
	static const struct { size_t size; unsigned order, objects; } want[] = {
		{ 8, 0, 512 }, { 16, 0, 256 }, { 32, 0, 128 }, { 64, 0, 64 },
		{ 96, 0, 42 }, { 128, 0, 32 }, { 192, 0, 21 }, { 256, 1, 32 },
		{ 512, 2, 32 }, { 1024, 3, 32 }, { 2048, 3, 16 },
		{ 4096, 3, 8 }, { 8192, 3, 4 },
	};
	struct heap_fixture f;
	heap_fixture_init(&f, kv, 12, 64, 8);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct kmem_cache *s = kmalloc_slab(f.heap, want[i].size, 0);
		assert_int_equal(s->oo_order, want[i].order);
		assert_int_equal(s->oo_objects, want[i].objects);
		assert_int_equal(s->min_order, want[i].size == 8192 ? 1 : 0);
		assert_int_equal(!!(s->allocflags & __GFP_COMP),
				 want[i].order > 0 || kv >= KVER(6, 10, 0));
	}
	heap_fixture_free(&f);
}

static void test_slab_orders(void **state)
{
	check_orders(KVER(4, 9, 0));    /* the old calc_slab_order() loop */
	check_orders(KVER(6, 1, 0));
	check_orders(KVER(6, 12, 0));   /* 6.8's loop, 6.10's __GFP_COMP */
	(void)state;
}

/* Objects never overlap: fill every object with its own byte pattern and
 * verify them all afterwards. */
static void test_no_overlap(void **state)
{
	enum { N = 3000 };
	static unsigned char *obj[N];
	static size_t len[N];
	struct heap_fixture f;
	heap_fixture_init(&f, KVER(6, 1, 0), 12, 64, 4);
	struct kheap_thread *t = kheap_thread_attach(f.heap);
	long before = heap_fixture_free_pages(&f);
	uint32_t seed = 12345;
	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		len[i] = 1 + (seed >> 8) % 20000;
		obj[i] = kheap_kmalloc(f.heap, t, len[i], GFP_KERNEL);
		assert_non_null(obj[i]);
		assert_true(kheap_ksize(f.heap, obj[i]) >= len[i]);
		memset(obj[i], i & 0xff, len[i]);
	}
	for (int i = 0; i < N; i++)
		for (size_t b = 0; b < len[i]; b++)
			if (obj[i][b] != (unsigned char)(i & 0xff))
				fail_msg("object %d (%zu bytes) overwritten at %zu",
					 i, len[i], b);
	for (int i = 0; i < N; i += 2)
		kheap_kfree(f.heap, t, obj[i]);
	for (int i = 1; i < N; i += 2)
		kheap_kfree(f.heap, t, obj[i]);
	kheap_thread_detach(f.heap, t);
	kheap_shrink(f.heap);
	/* every frame is back: the buddy is as it was */
	assert_int_equal(heap_fixture_free_pages(&f), before);
	assert_int_equal(f.pgdat->vm_stat[NR_SLAB_UNRECLAIMABLE], 0);
	heap_fixture_check(&f);
	heap_fixture_free(&f);
	(void)state;
}

struct xfer {
	struct kheap *heap;
	void **objs;
	int n;
};

static void *free_all(void *arg)
{
	struct xfer *x = arg;
	struct kheap_thread *t = kheap_thread_attach(x->heap);
	for (int i = 0; i < x->n; i++)
		assert_true(kheap_kfree(x->heap, t, x->objs[i]));
	kheap_thread_detach(x->heap, t);
	return NULL;
}

/* Frees from another thread land on the slab's remote list; the owner
 * takes them back on its slow path, and nothing is lost or duplicated. */
static void test_cross_thread_free(void **state)
{
	enum { N = 5000 };
	static void *objs[N];
	struct heap_fixture f;
	heap_fixture_init(&f, KVER(6, 1, 0), 12, 64, 2);
	struct kheap_thread *t = kheap_thread_attach(f.heap);
	long before = heap_fixture_free_pages(&f);
	struct kmem_cache *s = kmalloc_slab(f.heap, 64, GFP_KERNEL);

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++) {
			objs[i] = kheap_kmalloc(f.heap, t, 64, GFP_KERNEL);
			assert_non_null(objs[i]);
			memset(objs[i], round, 64);
		}
		struct kmem_cache_stats st;
		kheap_cache_stats(s, &st);
		/* one slab per 64 objects, none kept back */
		assert_true(st.slabs >= N / 64 && st.slabs <= N / 64 + 2);
		struct xfer x = { f.heap, objs, N };
		pthread_t th;
		assert_int_equal(pthread_create(&th, NULL, free_all, &x), 0);
		pthread_join(th, NULL);
	}
	/* the cpu slab's remote objects come back to its owner */
	void *again = kheap_kmalloc(f.heap, t, 64, GFP_KERNEL);
	assert_non_null(again);
	kheap_kfree(f.heap, t, again);
	kheap_thread_detach(f.heap, t);

	struct kmem_cache_stats st;
	kheap_cache_stats(s, &st);
	assert_int_equal(st.free, st.objs);             /* all free */
	assert_true(st.slabs <= s->min_partial);        /* the reserve only */
	kheap_shrink(f.heap);
	kheap_cache_stats(s, &st);
	assert_int_equal(st.slabs, 0);
	assert_int_equal(heap_fixture_free_pages(&f), before);
	heap_fixture_check(&f);
	heap_fixture_free(&f);
	(void)state;
}

static void *alloc_and_exit(void *arg)
{
	struct xfer *x = arg;
	struct kheap_thread *t = kheap_thread_attach(x->heap);
	x->objs[0] = kheap_kmalloc(x->heap, t, 150, GFP_KERNEL);
	void *tmp = kheap_kmalloc(x->heap, t, 150, GFP_KERNEL);
	kheap_kfree(x->heap, t, tmp);
	kheap_thread_detach(x->heap, t);
	return NULL;
}

/* A thread's exit returns its cpu slab: the slab is on the partial list
 * with every object but the live one free. */
static void test_thread_exit(void **state)
{
	static void *obj[1];
	struct heap_fixture f;
	heap_fixture_init(&f, KVER(6, 1, 0), 12, 64, 2);
	struct kmem_cache *s = kmalloc_slab(f.heap, 150, GFP_KERNEL);
	struct xfer x = { f.heap, obj, 1 };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, alloc_and_exit, &x), 0);
	pthread_join(th, NULL);
	struct kmem_cache_stats st;
	kheap_cache_stats(s, &st);
	assert_int_equal(st.slabs, 1);
	assert_int_equal(st.partial, 1);
	assert_int_equal(st.free, st.objs - 1);
	assert_int_equal(st.objs, 21);
	/* the last object freed by a thread without a cpu slab empties it */
	assert_true(kheap_kfree(f.heap, NULL, obj[0]));
	kheap_cache_stats(s, &st);
	assert_int_equal(st.free, st.objs);
	heap_fixture_free(&f);
	(void)state;
}

/* kmalloc_large: order = get_order(size), one compound block. */
static void test_kmalloc_large(void **state)
{
	struct heap_fixture f;
	heap_fixture_init(&f, KVER(5, 4, 0), 12, 64, 2);
	struct kheap_thread *t = kheap_thread_attach(f.heap);
	long before = heap_fixture_free_pages(&f);
	void *p = kheap_kmalloc(f.heap, t, 65640, GFP_KERNEL);  /* ip_entry */
	assert_non_null(p);
	assert_int_equal(kheap_pointer_owner(f.heap, p), KHEAP_OWNER_LARGE);
	assert_int_equal(kheap_ksize(f.heap, p), 128 << 10);    /* order 5 */
	assert_int_equal(heap_fixture_free_pages(&f), before - 32);
	memset(p, 0x5a, 65640);
	void *q = kheap_krealloc(f.heap, t, p, 100000, GFP_KERNEL);
	assert_ptr_equal(q, p);                         /* still fits */
	q = kheap_krealloc(f.heap, t, p, 200000, GFP_KERNEL);
	assert_non_null(q);
	assert_int_equal(((unsigned char *)q)[65639], 0x5a);
	assert_int_equal(kheap_ksize(f.heap, q), 256 << 10);
	assert_ptr_equal(kheap_krealloc(f.heap, t, q, 0, GFP_KERNEL),
			 ZERO_SIZE_PTR);
	/* posix_memalign-style alignments */
	void *a = kheap_kmalloc_aligned(f.heap, t, 100, 64, GFP_KERNEL);
	assert_int_equal((uintptr_t)a % 64, 0);
	void *b = kheap_kmalloc_aligned(f.heap, t, 10, 1 << 16, GFP_KERNEL);
	assert_int_equal((uintptr_t)b % (1 << 16), 0);
	kheap_kfree(f.heap, t, a);
	kheap_kfree(f.heap, t, b);
	kheap_thread_detach(f.heap, t);
	kheap_shrink(f.heap);
	assert_int_equal(heap_fixture_free_pages(&f), before);
	heap_fixture_check(&f);
	heap_fixture_free(&f);
	(void)state;
}

static void format_mode(struct heap_fixture *f, gfp_t gfp, char *buf,
			size_t len)
{
	gfp_format(gfp_to_kernel(gfp, f->pgdat->kv), f->pgdat->kv, buf, len);
}

/* Each layer's failure names the order and gfp the kernel would print:
 * kmalloc(64 KiB, GFP_ATOMIC) on a 4K node is an order-4 page request
 * with __GFP_COMP (seed 002), a kmalloc-8k slab an order-1 one. */
static void test_failures(void **state)
{
	char mode[128];
	struct heap_fixture f;
	heap_fixture_init(&f, KVER(5, 4, 0), 12, 16, 1);
	struct kheap_thread *t = kheap_thread_attach(f.heap);
	static void *held[4096];
	int n = 0;
	while (n < 4096 && (held[n] = kheap_kmalloc(f.heap, t, 64 << 10,
						     GFP_ATOMIC)))
		n++;
	assert_true(n > 10 && n < 4096);
	struct kheap_failure *fl = &t->fail;
	assert_int_equal(fl->reason, KHEAP_FAIL_PAGES);
	assert_int_equal(fl->site, KHEAP_SITE_LARGE);
	assert_int_equal(fl->order, 4);
	assert_int_equal(fl->size, 64 << 10);
	assert_true(fl->warn);
	assert_int_equal(fl->outcome.verdict, ALLOC_FAIL);
	format_mode(&f, fl->page_gfp, mode, sizeof(mode));
	assert_string_equal(mode, "0x40a20(GFP_ATOMIC|__GFP_COMP)");

	/* eat the order-0 and order-1 blocks the large requests left */
	static void *small[8192];
	int m = 0;
	while (m < 8192 && (small[m] = kheap_kmalloc(f.heap, t, 4096,
						      GFP_ATOMIC)))
		m++;
	assert_true(m < 8192);
	assert_int_equal(fl->site, KHEAP_SITE_SLAB);
	assert_string_equal(fl->cache->name, "kmalloc-4k");
	assert_int_equal(fl->order, 0);         /* min order after order 3 */
	format_mode(&f, fl->page_gfp, mode, sizeof(mode));
	assert_string_equal(mode, "0x40a20(GFP_ATOMIC|__GFP_COMP)");
	assert_null(kheap_kmalloc(f.heap, t, 8192, GFP_ATOMIC | __GFP_NOWARN));
	assert_int_equal(fl->order, 1);
	assert_false(fl->warn);
	format_mode(&f, fl->page_gfp, mode, sizeof(mode));
	assert_string_equal(mode, "0x42a20(GFP_ATOMIC|__GFP_NOWARN|__GFP_COMP)");

	/* larger than KMALLOC_MAX_SIZE: the order check, no report */
	assert_null(kheap_kmalloc(f.heap, t, (4 << 20) + 1, GFP_KERNEL));
	assert_int_equal(fl->reason, KHEAP_FAIL_TOO_BIG);
	assert_int_equal(fl->order, 11);
	assert_false(fl->warn);

	for (int i = 0; i < m; i++)
		kheap_kfree(f.heap, t, small[i]);
	for (int i = 0; i < n; i++)
		kheap_kfree(f.heap, t, held[i]);
	kheap_thread_detach(f.heap, t);
	heap_fixture_check(&f);
	heap_fixture_free(&f);
	(void)state;
}

static int hook_calls;
static bool fail_slab_only(void *arg, const struct kheap_request *req)
{
	(void)arg;
	hook_calls++;
	return req->site == KHEAP_SITE_SLAB;
}

/* The fault hook: one call per request, at the layer entry. */
static void test_fault_hook(void **state)
{
	struct heap_fixture f;
	heap_fixture_init(&f, KVER(6, 1, 0), 12, 64, 1);
	struct kheap_thread *t = kheap_thread_attach(f.heap);
	f.heap->should_fail = fail_slab_only;
	hook_calls = 0;
	assert_null(kheap_kmalloc(f.heap, t, 100, GFP_KERNEL));
	assert_int_equal(hook_calls, 1);
	assert_int_equal(t->fail.reason, KHEAP_FAIL_INJECTED);
	assert_string_equal(t->fail.cache->name, "kmalloc-128");
	void *p = kheap_kmalloc(f.heap, t, 20000, GFP_KERNEL);
	assert_non_null(p);
	assert_int_equal(hook_calls, 2);
	kheap_kfree(f.heap, t, p);
	f.heap->should_fail = NULL;
	kheap_thread_detach(f.heap, t);
	heap_fixture_free(&f);
	(void)state;
}

static int ctor_calls;
static void ctor(void *p)
{
	ctor_calls++;
	memset(p, 0xc7, 100);
}

static void test_named_cache(void **state)
{
	struct gfp_error err = { { 0 } };
	struct heap_fixture f;
	heap_fixture_init(&f, KVER(6, 1, 0), 12, 64, 1);
	struct kheap_thread *t = kheap_thread_attach(f.heap);

	assert_null(kheap_cache_create(f.heap, "", 10, 0, 0, NULL, &err));
	assert_non_null(strstr(err.msg, "name"));
	assert_null(kheap_cache_create(f.heap, "x", 0, 0, 0, NULL, &err));
	assert_non_null(strstr(err.msg, "size 0 out of range"));
	assert_null(kheap_cache_create(f.heap, "x", 8, 24, 0, NULL, &err));
	assert_non_null(strstr(err.msg, "not a power of two"));
	assert_null(kheap_cache_create(f.heap, "x", 8, 0, 0x1, NULL, &err));
	assert_non_null(strstr(err.msg, "unknown flags 0x1"));

	struct kmem_cache *s = kheap_cache_create(f.heap, "ip_entry", 100, 0,
						  SLAB_HWCACHE_ALIGN, ctor, &err);
	assert_non_null(s);
	assert_int_equal(s->size, 128);         /* 100 + free pointer, 64-aligned */
	ctor_calls = 0;
	unsigned char *a = kheap_cache_alloc(f.heap, t, s, GFP_KERNEL);
	assert_int_equal(ctor_calls, (int)s->oo_objects);
	assert_int_equal(a[0], 0xc7);
	assert_int_equal(a[99], 0xc7);
	unsigned char *z = kheap_cache_alloc(f.heap, t, s, GFP_KERNEL | __GFP_ZERO);
	assert_int_equal(z[50], 0);
	assert_int_equal((uintptr_t)a % 64, 0);
	assert_int_equal(kheap_cache_destroy(f.heap, s), -1);   /* objects live */
	kheap_cache_free(f.heap, t, s, a);
	kheap_cache_free(f.heap, t, s, z);
	assert_int_equal(kheap_cache_destroy(f.heap, s), 0);

	struct kmem_cache *r = kheap_cache_create(f.heap, "dentry", 192, 0,
						  SLAB_RECLAIM_ACCOUNT, NULL, &err);
	void *d = kheap_cache_alloc(f.heap, t, r, GFP_KERNEL);
	assert_true(r->allocflags & __GFP_RECLAIMABLE);
	assert_int_equal(f.pgdat->vm_stat[NR_SLAB_RECLAIMABLE], 1);
	kheap_cache_free(f.heap, t, r, d);
	kheap_thread_flush(f.heap, t);
	assert_int_equal(kheap_cache_destroy(f.heap, r), 0);
	assert_int_equal(f.pgdat->vm_stat[NR_SLAB_RECLAIMABLE], 0);
	kheap_thread_detach(f.heap, t);
	heap_fixture_free(&f);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_classes),
		cmocka_unit_test(test_slab_orders),
		cmocka_unit_test(test_no_overlap),
		cmocka_unit_test(test_cross_thread_free),
		cmocka_unit_test(test_thread_exit),
		cmocka_unit_test(test_kmalloc_large),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_fault_hook),
		cmocka_unit_test(test_named_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
