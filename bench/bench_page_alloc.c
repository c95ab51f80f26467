/* Page-allocator throughput: order-0..3 alloc/free through the per-cpu
 * lists (alloc_pages_node on a 6.12 node, where orders ≤ 3 use them) and
 * straight from the buddy (rmqueue()/free_one_page() under zone->lock),
 * next to glibc malloc/free of the same sizes measured in the same run.
 *
 * Each round allocates BATCH blocks, then frees them in allocation order,
 * so the buddy splits and merges as it would under a real workload.
 *
 *   bench_page_alloc [ROUNDS]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "machine/machine.h"
#include "mm/page_alloc.h"
#include "mm/internal.h"
#include "mm/node.h"

#define BATCH 256

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double bench_pcp(struct pglist_data *pgdat, unsigned order,
			unsigned rounds)
{
	unsigned long pfn[BATCH];
	struct alloc_outcome out;
	double t0 = now();
	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned i = 0; i < BATCH; i++) {
			if (!alloc_pages_node(pgdat, GFP_KERNEL, order, 0, &out)) {
				fprintf(stderr, "pcp: order-%u allocation failed\n", order);
				exit(1);
			}
			pfn[i] = out.pfn;
		}
		for (unsigned i = 0; i < BATCH; i++)
			free_pages_node(pgdat, pfn[i], order, 0);
	}
	return now() - t0;
}

static double bench_buddy(struct pglist_data *pgdat, unsigned order,
			  unsigned rounds)
{
	struct zone *zone = &pgdat->node_zones[gfp_zone_idx(pgdat, GFP_KERNEL)];
	unsigned long pfn[BATCH];
	double t0 = now();
	for (unsigned r = 0; r < rounds; r++) {
		pthread_mutex_lock(&zone->lock);
		for (unsigned i = 0; i < BATCH; i++) {
			pfn[i] = rmqueue(zone, order, MIGRATE_UNMOVABLE, ALLOC_WMARK_LOW);
			if (pfn[i] == PFN_NIL) {
				fprintf(stderr, "buddy: order-%u allocation failed\n", order);
				exit(1);
			}
		}
		for (unsigned i = 0; i < BATCH; i++)
			free_one_page(zone, pfn[i], order,
				      get_pageblock_migratetype(pgdat, pfn[i]));
		pthread_mutex_unlock(&zone->lock);
	}
	return now() - t0;
}

static double bench_glibc(size_t size, unsigned rounds)
{
	void *p[BATCH];
	double t0 = now();
	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned i = 0; i < BATCH; i++) {
			p[i] = malloc(size);
			if (!p[i])
				exit(1);
		}
		for (unsigned i = 0; i < BATCH; i++)
			free(p[i]);
	}
	return now() - t0;
}

int main(int argc, char **argv)
{
	unsigned rounds = argc > 1 ? (unsigned)atoi(argv[1]) : 2000;
	struct machine_desc d = *machine_profile("default");
	struct pglist_data pgdat;
	struct gfp_error err;

	if (rounds == 0) {
		fprintf(stderr, "usage: bench_page_alloc [ROUNDS > 0]\n");
		return 2;
	}
	if (node_init(&pgdat, &d, NULL, &err)) {
		fprintf(stderr, "bench_page_alloc: %s\n", err.msg);
		return 1;
	}
	double ops = (double)rounds * BATCH * 2;
	printf("%-6s %14s %14s %14s %10s %10s\n", "order", "pcp Mops/s",
	       "buddy Mops/s", "glibc Mops/s", "pcp/glibc", "buddy/glibc");
	for (unsigned order = 0; order <= PAGE_ALLOC_COSTLY_ORDER; order++) {
		double tp = bench_pcp(&pgdat, order, rounds);
		double tb = bench_buddy(&pgdat, order, rounds);
		double tg = bench_glibc((size_t)4096 << order, rounds);
		/* ratios are time against glibc's time: < 1 is faster */
		printf("%-6u %14.1f %14.1f %14.1f %9.2fx %9.2fx\n", order,
		       ops / tp / 1e6, ops / tb / 1e6, ops / tg / 1e6,
		       tp / tg, tb / tg);
	}
	char msg[256];
	if (check_node(&pgdat, msg, sizeof(msg))) {
		fprintf(stderr, "bench_page_alloc: node inconsistent: %s\n", msg);
		return 1;
	}
	node_destroy(&pgdat);
	return 0;
}
