/* A node with simulated RAM (an arena) and a heap over it, for the slab
 * and vm-area tests.  Include after <cmocka.h>.
 */
#ifndef GFPSHIM_TESTS_HEAP_FIXTURE_H
#define GFPSHIM_TESTS_HEAP_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "machine/machine.h"
#include "mm/mmzone.h"
#include "mm/page_alloc.h"
#include "base/prim.h"
#include "mm/slab.h"
#include "mm/node.h"

struct heap_fixture {
	struct machine_desc desc;
	struct pglist_data *pgdat;
	char *arena;
	size_t arena_len;
	struct kheap *heap;
};

/* The description of heap_fixture_init(), for a test to add to before
 * heap_fixture_boot(). */
static inline void heap_fixture_desc(struct heap_fixture *f, kver_t kv,
				     unsigned page_shift, unsigned mb,
				     unsigned nr_cpus)
{
	memset(f, 0, sizeof(*f));
	struct machine_desc *d = &f->desc;
	snprintf(d->name, sizeof(d->name), "heap-fixture");
	snprintf(d->arch, sizeof(d->arch), "%s",
		 page_shift == 12 ? "x86_64" : "arm64");
	d->kernel = kv;
	d->page_shift = page_shift;
	d->nr_cpus = nr_cpus;
	d->min_free_kbytes = -1;
	d->watermark_scale_factor = 10;
	d->watermark_boost_factor = 15000;
	d->nr_zones = 1;
	d->zones[0].type = ZONE_DMA32;
	d->zones[0].start = 0;
	d->zones[0].size = (uint64_t)mb << 20;
}

static inline void heap_fixture_boot(struct heap_fixture *f)
{
	struct gfp_error err = { { 0 } };
	struct machine_desc *d = &f->desc;
	unsigned mb = (unsigned)(d->zones[0].size >> 20);

	if (machine_validate(d, &err))
		fail_msg("machine_validate: %s", err.msg);
	f->arena_len = (size_t)mb << 20;
	/* aligned to the largest block, so blocks are aligned to their size */
	f->arena = prim_reserve(f->arena_len, (size_t)4 << 20);
	if (!f->arena || prim_commit(f->arena, f->arena_len))
		fail_msg("cannot map a %u MiB arena", mb);
	f->pgdat = prim_map(sizeof(*f->pgdat));
	f->heap = prim_map(sizeof(*f->heap));
	if (!f->pgdat || !f->heap)
		fail_msg("cannot map the node or the heap");
	if (node_init(f->pgdat, d, f->arena, &err))
		fail_msg("node_init: %s", err.msg);
	if (kheap_init(f->heap, f->pgdat, &err))
		fail_msg("kheap_init: %s", err.msg);
}

/* x86_64-like (arm64 for other page sizes) node of `mb` MiB in one zone
 * (DMA32 below 4 GiB), kernel kv, nr_cpus simulated CPUs. */
static inline void heap_fixture_init(struct heap_fixture *f, kver_t kv,
				     unsigned page_shift, unsigned mb,
				     unsigned nr_cpus)
{
	heap_fixture_desc(f, kv, page_shift, mb, nr_cpus);
	heap_fixture_boot(f);
}

static inline void heap_fixture_free(struct heap_fixture *f)
{
	kheap_destroy(f->heap);
	node_destroy(f->pgdat);
	prim_unmap(f->heap, sizeof(*f->heap));
	prim_unmap(f->pgdat, sizeof(*f->pgdat));
	prim_unmap(f->arena, f->arena_len);
}

/* Free pages of the node with the per-cpu lists drained. */
static inline long heap_fixture_free_pages(struct heap_fixture *f)
{
	long n = 0;
	drain_all_pages(f->pgdat);
	for (unsigned z = 0; z < f->pgdat->nr_zones; z++)
		n += f->pgdat->node_zones[z].vm_stat[NR_FREE_PAGES];
	return n;
}

static inline void heap_fixture_check(struct heap_fixture *f)
{
	char msg[512];
	if (check_node(f->pgdat, msg, sizeof(msg)))
		fail_msg("check_node: %s", msg);
}

#endif
