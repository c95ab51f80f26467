/* vm areas: exact frame charges for vmalloc and user pages, partial
 * unmaps and resizes, the vmalloc failure record, and compaction moving
 * the frames of an area behind its back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "abi/gfp.h"
#include "heap_fixture.h"
#include "mm/vmalloc.h"
#include "mm/internal.h"

/* Every frame of an area is PG_charged, owned by it, at its index. */
static void check_area(struct heap_fixture *f, struct vm_area *a)
{
	for (unsigned long i = 0; i < a->nr_pages; i++) {
		struct page *page = pfn_to_page(f->pgdat, a->pfns[i]);
		assert_true(page->flags & PG_charged);
		assert_ptr_equal(page->owner, a);
		assert_int_equal(page->private, i);
	}
}

static void test_vmalloc_charges(void **state)
{
	struct heap_fixture f;
	heap_fixture_init(&f, KVER(6, 1, 0), 12, 64, 1);
	struct kheap_thread *t = kheap_thread_attach(f.heap);
	long before = heap_fixture_free_pages(&f);

	char *p = kheap_vmalloc(f.heap, t, 10 * 4096 + 1, GFP_KERNEL);
	assert_non_null(p);
	assert_null(kheap_virt_to_page(f.heap, p));     /* bytes apart */
	assert_int_equal(vm_nr_pages(f.heap), 11);
	assert_int_equal(heap_fixture_free_pages(&f), before - 11);
	assert_int_equal(kheap_ksize(f.heap, p), 11 * 4096);
	assert_int_equal(kheap_pointer_owner(f.heap, p), KHEAP_OWNER_VMALLOC);
	check_area(&f, vm_area_find(f.heap, p));
	memset(p, 0x77, 10 * 4096 + 1);

	/* grow: more frames, bytes kept */
	char *q = kheap_vrealloc(f.heap, t, p, 40 * 4096, GFP_KERNEL);
	assert_non_null(q);
	assert_int_equal(vm_nr_pages(f.heap), 40);
	assert_int_equal((unsigned char)q[10 * 4096], 0x77);
	check_area(&f, vm_area_find(f.heap, q));
	/* shrink: frames back */
	q = kheap_vrealloc(f.heap, t, q, 3 * 4096, GFP_KERNEL);
	assert_int_equal(vm_nr_pages(f.heap), 3);
	assert_int_equal((unsigned char)q[3 * 4096 - 1], 0x77);
	assert_true(kheap_kfree(f.heap, t, q));
	assert_int_equal(vm_nr_pages(f.heap), 0);
	assert_int_equal(heap_fixture_free_pages(&f), before);
	assert_false(kheap_vfree(f.heap, t, q));        /* gone */
	heap_fixture_check(&f);
	kheap_thread_detach(f.heap, t);
	heap_fixture_free(&f);
	(void)state;
}

/* A vmalloc that runs out of frames gives every frame back and reports as
 * __vmalloc_area_node() does: __GFP_HIGHMEM added, __GFP_NOWARN only on
 * the page requests. */
static void test_vmalloc_failure(void **state)
{
	char mode[128];
	struct heap_fixture f;
	heap_fixture_init(&f, KVER(6, 1, 0), 12, 16, 1);
	struct kheap_thread *t = kheap_thread_attach(f.heap);
	long before = heap_fixture_free_pages(&f);
	size_t size = (size_t)(before - 16) * 4096;    /* below the watermarks */

	assert_null(kheap_vmalloc(f.heap, t, size, GFP_KERNEL | __GFP_ZERO));
	struct kheap_failure *fl = &t->fail;
	assert_int_equal(fl->reason, KHEAP_FAIL_PAGES);
	assert_int_equal(fl->site, KHEAP_SITE_VMALLOC);
	assert_int_equal(fl->order, 0);
	assert_true(fl->done > 0 && fl->done < size);
	assert_true(fl->warn);
	assert_true(fl->page_gfp & __GFP_NOWARN);
	gfp_format(gfp_to_kernel(fl->report_gfp, KVER(6, 1, 0)), KVER(6, 1, 0),
		   mode, sizeof(mode));
	assert_string_equal(mode, "0xdc2(GFP_KERNEL|__GFP_HIGHMEM|__GFP_ZERO)");
	assert_int_equal(vm_nr_pages(f.heap), 0);
	assert_int_equal(heap_fixture_free_pages(&f), before);

	/* DMA32 requests get no __GFP_HIGHMEM; too big for the node */
	assert_null(kheap_vmalloc(f.heap, t, 32 << 20, GFP_KERNEL | GFP_DMA32));
	assert_int_equal(fl->reason, KHEAP_FAIL_TOO_BIG);
	assert_false(fl->report_gfp & __GFP_HIGHMEM);
	heap_fixture_check(&f);
	kheap_thread_detach(f.heap, t);
	heap_fixture_free(&f);

	/* 5.4 printed the caller's mask */
	heap_fixture_init(&f, KVER(5, 4, 0), 12, 16, 1);
	t = kheap_thread_attach(f.heap);
	before = heap_fixture_free_pages(&f);
	assert_null(kheap_vmalloc(f.heap, t, (size_t)(before - 16) * 4096,
				  GFP_KERNEL));
	assert_int_equal(t->fail.report_gfp, GFP_KERNEL);
	kheap_thread_detach(f.heap, t);
	heap_fixture_free(&f);
	(void)state;
}

/* Anonymous mmap bookkeeping: charge, partial munmap (head, middle, tail),
 * mremap grow/shrink/move. */
static void test_user_pages(void **state)
{
	struct heap_fixture f;
	heap_fixture_init(&f, KVER(5, 4, 0), 12, 64, 1);
	struct kheap_thread *t = kheap_thread_attach(f.heap);
	long before = heap_fixture_free_pages(&f);
	size_t len = 100 * 4096;
	char *m = mmap(NULL, 2 * len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(m != MAP_FAILED);

	struct vm_area *a = vm_user_charge(f.heap, t, m, len,
					   GFP_HIGHUSER_MOVABLE);
	assert_non_null(a);
	assert_int_equal(a->nr_pages, 100);
	assert_int_equal(f.pgdat->vm_stat[NR_ACTIVE_ANON], 100);
	assert_int_equal(heap_fixture_free_pages(&f), before - 100);
	check_area(&f, a);

	/* a hole in the middle splits the area */
	assert_int_equal(vm_user_uncharge(f.heap, t, m + 40 * 4096, 10 * 4096), 10);
	struct vm_area *head = vm_area_find(f.heap, m);
	struct vm_area *tail = vm_area_find(f.heap, m + 50 * 4096);
	assert_non_null(head);
	assert_non_null(tail);
	assert_int_equal(head->nr_pages, 40);
	assert_int_equal(tail->nr_pages, 50);
	check_area(&f, head);
	check_area(&f, tail);
	assert_ptr_equal(vm_area_containing(f.heap, m + 60 * 4096 + 5), tail);
	/* the head of the tail piece */
	assert_int_equal(vm_user_uncharge(f.heap, t, m + 50 * 4096, 5 * 4096), 5);
	tail = vm_area_find(f.heap, m + 55 * 4096);
	assert_int_equal(tail->nr_pages, 45);
	check_area(&f, tail);
	/* one call across both pieces: the end of one, the start of the other */
	assert_int_equal(vm_user_uncharge(f.heap, t, m + 30 * 4096, 30 * 4096),
			 10 + 5);
	assert_int_equal(vm_nr_pages(f.heap), 30 + 40);

	/* mremap: grow the head piece, then move it */
	assert_int_equal(vm_user_resize(f.heap, t, m, 35 * 4096,
					GFP_HIGHUSER_MOVABLE), 0);
	assert_int_equal(vm_area_find(f.heap, m)->nr_pages, 35);
	assert_int_equal(vm_user_resize(f.heap, t, m, 10 * 4096 + 1,
					GFP_HIGHUSER_MOVABLE), 0);
	assert_int_equal(vm_area_find(f.heap, m)->nr_pages, 11);
	assert_int_equal(vm_user_move(f.heap, m, m + len), 0);
	assert_null(vm_area_find(f.heap, m));
	check_area(&f, vm_area_find(f.heap, m + len));
	assert_int_equal(vm_user_uncharge(f.heap, t, m, 2 * len), 11 + 40);
	assert_int_equal(vm_nr_pages(f.heap), 0);
	assert_int_equal(f.pgdat->vm_stat[NR_ACTIVE_ANON], 0);
	assert_int_equal(heap_fixture_free_pages(&f), before);
	heap_fixture_check(&f);
	munmap(m, 2 * len);
	kheap_thread_detach(f.heap, t);
	heap_fixture_free(&f);
	(void)state;
}

/* Compaction moves charged frames; the areas follow through
 * pgdat->migrate_page.  The node is filled with one-frame user areas, every
 * other one is unmapped, and compaction is asked for a block one order
 * above the largest free one. */
static void test_compaction_moves_frames(void **state)
{
	enum { N = 8192 };
	static struct vm_area *area[N];
	static unsigned long first[N];
	static char bytes[N];
	struct heap_fixture f;
	heap_fixture_init(&f, KVER(6, 1, 0), 12, 16, 1);
	struct kheap_thread *t = kheap_thread_attach(f.heap);
	assert_ptr_equal(f.pgdat->migrate_page, vm_migrate_page);
	long before = heap_fixture_free_pages(&f);
	int n = 0;
	while (n < N && (area[n] = vm_user_charge(f.heap, t, &bytes[n], 1,
						   GFP_HIGHUSER_MOVABLE | __GFP_NOWARN)))
		n++;
	assert_true(n > 1000 && n < N);
	for (int i = 0; i < n; i += 2)
		assert_int_equal(vm_user_uncharge(f.heap, t, &bytes[i], 1), 1);
	for (int i = 1; i < n; i += 2)
		first[i] = area[i]->pfns[0];
	drain_all_pages(f.pgdat);
	struct zone *zone = &f.pgdat->node_zones[0];
	unsigned order = 0;
	for (unsigned o = 0; o < f.pgdat->nr_page_orders; o++)
		if (zone->free_area[o].nr_free)
			order = o + 1;
	assert_true(order < f.pgdat->nr_page_orders);
	assert_true(try_compact_zone(zone, order, MIGRATE_MOVABLE, ALLOC_CMA));
	int moved = 0;
	for (int i = 1; i < n; i += 2) {
		struct vm_area *a = vm_area_find(f.heap, &bytes[i]);
		assert_ptr_equal(a, area[i]);
		check_area(&f, a);
		moved += a->pfns[0] != first[i];
	}
	assert_true(moved > 0);
	heap_fixture_check(&f);
	for (int i = 1; i < n; i += 2)
		assert_int_equal(vm_user_uncharge(f.heap, t, &bytes[i], 1), 1);
	assert_int_equal(heap_fixture_free_pages(&f), before);
	kheap_thread_detach(f.heap, t);
	heap_fixture_free(&f);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmalloc_charges),
		cmocka_unit_test(test_vmalloc_failure),
		cmocka_unit_test(test_user_pages),
		cmocka_unit_test(test_compaction_moves_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
