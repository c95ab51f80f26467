/* Giving freed memory back to the OS, with hysteresis.
 *
 * The arena is divided into purge units of max(2 MiB, the OS page) (at most
 * the largest buddy block).  A unit is marked dirty when the shim hands out
 * a block inside it; a purge discards (MADV_DONTNEED) every dirty unit that
 * lies wholly inside a free buddy block and marks it clean.  Purging waits
 * until the node's free memory has grown by a threshold (1/256 of RAM,
 * between 2 and 64 MiB) above the lowest level seen since the last purge:
 * a program that frees and allocates the same memory over and over never
 * pays for a discard and the page faults that follow it.
 *
 * The purge holds each zone->lock while it walks the free lists and
 * discards, so no block can be handed out while its bytes are dropped. */
#include "config.h"

#include "shim/shim.h"

#include "base/prim.h"

#define PURGE_UNIT_BYTES ((size_t)2 << 20)

static pthread_mutex_t purge_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic unsigned long low_free;  /* lowest free pages since a purge */
static unsigned long threshold;         /* pages */

static unsigned long node_free_pages(void)
{
	struct pglist_data *pgdat = &shim.node;
	unsigned long n = 0;
	for (unsigned z = 0; z < pgdat->nr_zones; z++)
		n += (unsigned long)__atomic_load_n(
			&pgdat->node_zones[z].vm_stat[NR_FREE_PAGES],
			__ATOMIC_RELAXED);
	return n;
}

int shim_purge_init(void)
{
	struct pglist_data *pgdat = &shim.node;
	unsigned shift = pgdat->page_shift;
	size_t unit = PURGE_UNIT_BYTES > shim.host_page ? PURGE_UNIT_BYTES
							 : shim.host_page;
	unsigned order = 0;
	while (((size_t)1 << (shift + order)) < unit)
		order++;
	if (order > pgdat->nr_page_orders - 1)
		order = pgdat->nr_page_orders - 1;
	shim.unit_order = order;
	shim.unit_shift = shift + order;
	/* a unit smaller than the OS page cannot be discarded on its own */
	shim.purge_enabled = ((size_t)1 << shim.unit_shift) >= shim.host_page;

	size_t units = (shim.arena_len >> shim.unit_shift) + 1;
	shim.dirty = prim_map(((units + 63) / 64) * sizeof(uint64_t));
	if (!shim.dirty)
		return -1;

	unsigned long managed = 0;
	for (unsigned z = 0; z < pgdat->nr_zones; z++)
		managed += pgdat->node_zones[z].managed_pages;
	size_t bytes = (managed << shift) / 256;
	if (bytes < ((size_t)2 << 20))
		bytes = (size_t)2 << 20;
	if (bytes > ((size_t)64 << 20))
		bytes = (size_t)64 << 20;
	threshold = (unsigned long)(bytes >> shift);
	atomic_store(&low_free, node_free_pages());
	return 0;
}

static bool test_and_clear_dirty(unsigned long unit)
{
	uint64_t bit = (uint64_t)1 << (unit & 63);
	_Atomic uint64_t *w = &shim.dirty[unit >> 6];
	if (!(atomic_load_explicit(w, memory_order_relaxed) & bit))
		return false;
	return atomic_fetch_and(w, ~bit) & bit;
}

/* zone->lock held: discard the dirty units inside free blocks of order ≥
 * the unit order. */
static unsigned long purge_zone(struct zone *zone)
{
	struct pglist_data *pgdat = &shim.node;
	unsigned long discarded = 0;

	for (unsigned order = shim.unit_order; order < pgdat->nr_page_orders;
	     order++) {
		struct free_area *area = &zone->free_area[order];
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			uint32_t head = area->free_list[mt];
			if (head == PFN_NIL)
				continue;
			uint32_t pfn = head;
			do {
				unsigned long first = (unsigned long)pfn >> shim.unit_order;
				unsigned long n = 1UL << (order - shim.unit_order);
				for (unsigned long u = first; u < first + n; u++) {
					if (!test_and_clear_dirty(u))
						continue;
					prim_discard(pgdat->arena + (u << shim.unit_shift),
						     (size_t)1 << shim.unit_shift);
					discarded++;
				}
				pfn = pfn_to_page(pgdat, pfn)->next;
			} while (pfn != head);
		}
	}
	return discarded;
}

unsigned long shim_purge(void)
{
	struct pglist_data *pgdat = &shim.node;
	unsigned long discarded = 0;

	if (!shim.purge_enabled || pthread_mutex_trylock(&purge_lock) != 0)
		return 0;
	for (unsigned z = 0; z < pgdat->nr_zones; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		if (!zone_populated(zone))
			continue;
		pthread_mutex_lock(&zone->lock);
		discarded += purge_zone(zone);
		pthread_mutex_unlock(&zone->lock);
	}
	atomic_store(&low_free, node_free_pages());
	pthread_mutex_unlock(&purge_lock);
	return discarded;
}

void shim_purge_check(void)
{
	unsigned long free_now = node_free_pages();
	unsigned long low = atomic_load_explicit(&low_free, memory_order_relaxed);

	if (free_now < low) {
		atomic_store_explicit(&low_free, free_now, memory_order_relaxed);
		return;
	}
	if (free_now - low >= threshold)
		shim_purge();
}

void shim_purge_fork_prepare(void)
{
	pthread_mutex_lock(&purge_lock);
}

void shim_purge_fork_parent(void)
{
	pthread_mutex_unlock(&purge_lock);
}

void shim_purge_fork_child(void)
{
	pthread_mutex_init(&purge_lock, NULL);
}
