/* Per-cpu lists: refill by batch, flush at high, drain, the orders they
 * hold per version, CMA pages passing through them.  After every step the
 * pages add up (buddy free + pcp + allocated = managed) and check_node()
 * agrees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "mm/page_alloc.h"
#include "mm/internal.h"
#include "testdata.h"

#define MiB (1ULL << 20)

static struct machine_desc desc;

/* 64 MiB Normal zone (16384 pages); optional CMA area at its top */
static struct pglist_data *boot(kver_t kv, unsigned cpus, uint64_t cma_size)
{
	fixture_desc(&desc, kv, 12);
	desc.nr_cpus = cpus;
	fixture_zone(&desc, ZONE_NORMAL, 0, 64 * MiB, 0);
	if (cma_size)
		fixture_cma(&desc, "reserved", 64 * MiB - cma_size, cma_size);
	return fixture_node(&desc);
}

static struct zone *normal(struct pglist_data *pgdat)
{
	return &pgdat->node_zones[0];
}

static long allocated;

/* free + on the pcp lists + allocated = managed, and the checker agrees */
static void check(struct pglist_data *pgdat)
{
	char msg[256];
	struct zone *z = normal(pgdat);
	long pcp = 0;

	if (check_node(pgdat, msg, sizeof(msg)))
		fail_msg("check_node: %s", msg);
	for (unsigned cpu = 0; cpu < pgdat->nr_cpus; cpu++)
		pcp += z->pcp[cpu].count;
	assert_int_equal(z->vm_stat[NR_FREE_PAGES] + pcp + allocated,
			 (long)z->managed_pages);
}


/* rmqueue_bulk(): an empty list is refilled with `batch` pages taken from
 * the buddy in one go; the next allocations do not touch the buddy. */
static void test_refill_by_batch(void **state)
{
	(void)state;
	for (size_t v = 0; v < NR_TEST_KERNELS; v++) {
		struct pglist_data *p = boot(test_kernels[v], 1, 0);
		struct zone *z = normal(p);
		struct per_cpu_pages *pcp = &z->pcp[0];
		int batch = pcp->batch;
		long free0 = z->vm_stat[NR_FREE_PAGES];

		allocated = 0;
		assert_true(batch >= 1);
		assert_true(pcp->high > batch);
		unsigned long first = pcp_alloc(z, 0, MIGRATE_MOVABLE, 0, 0);
		allocated++;
		assert_int_not_equal(first, PFN_NIL);
		assert_int_equal(pcp->count, batch - 1);
		assert_int_equal(z->vm_stat[NR_FREE_PAGES], free0 - batch);
		assert_true(pfn_to_page(p, first)->flags & PG_head);
		check(p);
		/* the rest of the batch, in the order the buddy split them */
		for (int i = 1; i < batch; i++) {
			assert_int_equal(pcp_alloc(z, 0, MIGRATE_MOVABLE, 0, 0),
					 first + (unsigned long)i);
			allocated++;
			assert_int_equal(z->vm_stat[NR_FREE_PAGES], free0 - batch);
			check(p);
		}
		assert_int_equal(pcp->count, 0);
		/* an empty list refills again */
		assert_int_not_equal(pcp_alloc(z, 0, MIGRATE_UNMOVABLE, 0, 0), PFN_NIL);
		allocated++;
		assert_int_equal(z->vm_stat[NR_FREE_PAGES], free0 - 2 * batch);
		assert_int_equal(pcp->lists[MIGRATE_MOVABLE], PFN_NIL);
		assert_int_not_equal(pcp->lists[MIGRATE_UNMOVABLE], PFN_NIL);
		check(p);
		fixture_node_free(p);
	}
}

/* free_unref_page(): frees collect on the list until count reaches high,
 * then a batch (5.14+: at most high - batch) goes back to the buddy. */
static void test_flush_at_high_and_drain(void **state)
{
	(void)state;
	for (size_t v = 0; v < NR_TEST_KERNELS; v++) {
		kver_t kv = test_kernels[v];
		struct pglist_data *p = boot(kv, 1, 0);
		struct zone *z = normal(p);
		struct per_cpu_pages *pcp = &z->pcp[0];
		int high = pcp->high, batch = pcp->batch;
		int n = high + 5;
		unsigned long pfns[1024];

		assert_true(n <= 1024);
		allocated = 0;
		pthread_mutex_lock(&z->lock);
		for (int i = 0; i < n; i++) {
			pfns[i] = rmqueue(z, 0, MIGRATE_MOVABLE, 0);
			allocated++;
		}
		pthread_mutex_unlock(&z->lock);
		check(p);

		int flush = kv >= KVER(5, 14, 0) && high - batch < batch ?
			    high - batch : batch;
		for (int i = 0; i < n; i++) {
			long before = z->vm_stat[NR_FREE_PAGES];
			assert_true(pcp_free(z, pfns[i], 0, MIGRATE_MOVABLE, 0));
			allocated--;
			check(p);
			assert_true(pcp->count < high);
			if (i == high - 1) {
				assert_int_equal(pcp->count, high - flush);
				assert_int_equal(z->vm_stat[NR_FREE_PAGES], before + flush);
			}
			assert_true(pfn_to_page(p, pfns[i])->flags & (PG_pcp | PG_buddy));
		}
		assert_true(pcp->count > 0);
		drain_pages(p, 0);
		check(p);
		assert_int_equal(pcp->count, 0);
		assert_int_equal(z->vm_stat[NR_FREE_PAGES], (long)z->managed_pages);
		/* everything merged back into the boot blocks */
		assert_int_equal(z->free_area[10].nr_free, 16);
		fixture_node_free(p);
	}
}

/* pcp_allowed_order(): order 0 only before 5.14, ≤ 3 from 5.14, with
 * max(batch >> order, 2) blocks per refill. */
static void test_allowed_orders(void **state)
{
	(void)state;
	struct pglist_data *p = boot(KVER(5, 10, 228), 1, 0);
	struct zone *z = normal(p);
	allocated = 0;
	assert_int_equal(pcp_alloc(z, 1, MIGRATE_MOVABLE, 0, 0), PFN_NIL);
	pthread_mutex_lock(&z->lock);
	unsigned long pfn = rmqueue(z, 1, MIGRATE_MOVABLE, 0);
	pthread_mutex_unlock(&z->lock);
	assert_false(pcp_free(z, pfn, 1, MIGRATE_MOVABLE, 0));
	assert_false(pcp_allowed_order(p, 1));
	fixture_node_free(p);

	p = boot(KVER(5, 15, 0), 1, 0);
	z = normal(p);
	struct per_cpu_pages *pcp = &z->pcp[0];
	int blocks = pcp->batch >> 3 > 2 ? pcp->batch >> 3 : 2;
	allocated = 0;
	pfn = pcp_alloc(z, 3, MIGRATE_UNMOVABLE, 0, 0);
	assert_int_not_equal(pfn, PFN_NIL);
	allocated += 8;
	assert_int_equal(pfn_to_page(p, pfn)->order, 3);
	assert_int_equal(pcp->count, (blocks - 1) * 8);
	assert_int_not_equal(pcp->lists[3 * MIGRATE_PCPTYPES + MIGRATE_UNMOVABLE],
			     PFN_NIL);
	check(p);
	assert_int_equal(pcp_alloc(z, 4, MIGRATE_UNMOVABLE, 0, 0), PFN_NIL);
	assert_true(pcp_free(z, pfn, 3, MIGRATE_UNMOVABLE, 0));
	allocated -= 8;
	check(p);
	drain_all_pages(p);
	check(p);
	assert_int_equal(pcp->count, 0);
	fixture_node_free(p);
}

/* A CMA page freed to the pcp sits on the MOVABLE list, is not free_cma
 * while it is there, and returns to the CMA list when flushed. */
static void test_cma_page_through_pcp(void **state)
{
	(void)state;
	for (size_t v = 0; v < NR_TEST_KERNELS; v++) {
		struct pglist_data *p = boot(test_kernels[v], 1, 16 * MiB);
		struct zone *z = normal(p);
		long cma0 = z->vm_stat[NR_FREE_CMA_PAGES];

		allocated = 0;
		assert_int_equal(cma0, 4096);
		pthread_mutex_lock(&z->lock);
		unsigned long pfn = rmqueue_smallest(z, 0, MIGRATE_CMA);
		pthread_mutex_unlock(&z->lock);
		allocated++;
		assert_int_equal(get_pageblock_migratetype(p, pfn), MIGRATE_CMA);
		assert_true(pcp_free(z, pfn, 0, MIGRATE_CMA, 0));
		allocated--;
		check(p);
		assert_int_equal(z->pcp[0].lists[MIGRATE_MOVABLE], pfn);
		assert_int_equal(z->vm_stat[NR_FREE_CMA_PAGES], cma0 - 1);
		drain_pages(p, 0);
		check(p);
		assert_int_equal(z->vm_stat[NR_FREE_CMA_PAGES], cma0);
		fixture_node_free(p);
	}
}

/* Each CPU has its own lists; drain_all_pages() empties them all.  An
 * isolated pageblock's page bypasses the pcp. */
static void test_cpus_are_separate(void **state)
{
	(void)state;
	struct pglist_data *p = boot(KVER(6, 1, 192), 2, 0);
	struct zone *z = normal(p);

	allocated = 0;
	unsigned long a = pcp_alloc(z, 0, MIGRATE_MOVABLE, 0, 0);
	allocated++;
	int c0 = z->pcp[0].count;
	unsigned long b = pcp_alloc(z, 0, MIGRATE_MOVABLE, 0, 1);
	allocated++;
	assert_int_equal(z->pcp[0].count, c0);
	assert_int_equal(z->pcp[1].count, z->pcp[1].batch - 1);
	assert_true(b < a || b >= a + (unsigned long)z->pcp[0].batch);
	check(p);
	assert_int_equal(pcp_alloc(z, 0, MIGRATE_MOVABLE, 0, 2), PFN_NIL);
	assert_false(pcp_free(z, a, 0, MIGRATE_ISOLATE, 0));
	drain_all_pages(p);
	check(p);
	assert_int_equal(z->pcp[0].count + z->pcp[1].count, 0);
	fixture_node_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refill_by_batch),
		cmocka_unit_test(test_flush_at_high_and_drain),
		cmocka_unit_test(test_allowed_orders),
		cmocka_unit_test(test_cma_page_through_pcp),
		cmocka_unit_test(test_cpus_are_separate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
