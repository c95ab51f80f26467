/* CMA areas: cma_alloc()'s bitmap search and alloc_contig_range() on the
 * simulated node (mm/cma.c, mm/page_alloc.c); mm/cma.h. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "mm/cma.h"
#include "mm/initial_state.h"
#include "mm/slab.h"

void cma_area_init(struct cma *cma, const struct cma_desc *cd,
		   unsigned page_shift)
{
	memcpy(cma->name, cd->name, sizeof(cma->name));
	cma->base_pfn = (unsigned long)(cd->base >> page_shift);
	cma->count = (unsigned long)(cd->size >> page_shift);
	pthread_mutex_init(&cma->lock, NULL);
}

bool cma_area_taken(const struct pglist_data *pgdat, const struct cma *cma,
		    unsigned long pfn)
{
	return pfn >= cma->base_pfn && pfn < cma->base_pfn + cma->count &&
	       pgdat->mem_map[pfn - pgdat->node_start_pfn].private ==
	       CMA_PAGE_TAKEN;
}

/* alloc_contig_range() over free frames: 0, or -EBUSY with *busy set to
 * the first frame in [s, e) that is not free.  zone->lock held. */
static int take_range(struct zone *zone, unsigned long s, unsigned long e,
		      unsigned long *busy)
{
	if (zone_take_range(zone, s, e, busy) < 0)
		return -EBUSY;
	for (unsigned long pfn = s; pfn < e; pfn++)
		pfn_to_page(zone->zone_pgdat, pfn)->private = CMA_PAGE_TAKEN;
	return 0;
}

int cma_area_alloc(struct pglist_data *pgdat, struct cma *cma,
		   unsigned long count, unsigned align, unsigned long *pfn)
{
	unsigned long mask = (1UL << align) - 1;
	/* the area's base need not be aligned: offset the search as
	 * cma_bitmap_aligned_offset() does */
	unsigned long offset = (-cma->base_pfn) & mask;
	struct zone *zone = page_zone(pgdat, pfn_to_page(pgdat, cma->base_pfn));
	unsigned long start = offset;
	int ret = -ENOMEM;

	pthread_mutex_lock(&cma->lock);
	while (start + count <= cma->count) {
		unsigned long i, s = cma->base_pfn + start;
		/* bitmap_find_next_zero_area_off() */
		for (i = 0; i < count && !cma_area_taken(pgdat, cma, s + i); i++)
			;
		if (i < count) {
			start = ((start + i + 1 - offset + mask) & ~mask) + offset;
			continue;
		}
		unsigned long busy = 0;
		pthread_mutex_lock(&zone->lock);
		ret = take_range(zone, s, s + count, &busy);
		pthread_mutex_unlock(&zone->lock);
		if (ret == 0) {
			*pfn = s;
			break;
		}
		start = ((busy - cma->base_pfn + 1 - offset + mask) & ~mask) + offset;
	}
	pthread_mutex_unlock(&cma->lock);
	return ret;
}

bool cma_area_release(struct kheap *h, struct kheap_thread *t,
		      struct cma *cma, unsigned long pfn, unsigned long count,
		      unsigned long *untaken)
{
	struct pglist_data *pgdat = h->pgdat;

	if (pfn < cma->base_pfn || pfn + count > cma->base_pfn + cma->count)
		return false;
	pthread_mutex_lock(&cma->lock);
	for (unsigned long i = 0; i < count; i++) {
		if (!cma_area_taken(pgdat, cma, pfn + i)) {
			pthread_mutex_unlock(&cma->lock);
			*untaken = pfn + i;
			return false;
		}
	}
	for (unsigned long i = 0; i < count; i++) {
		pfn_to_page(pgdat, pfn + i)->private = 0;
		kheap_free_frames(h, t, pfn + i, 0);
	}
	pthread_mutex_unlock(&cma->lock);
	return true;
}

unsigned cma_area_free_runs(const struct pglist_data *pgdat,
			    const struct cma *cma, struct cma_run *runs,
			    unsigned max)
{
	unsigned nr = 0;
	unsigned long i = 0, base = cma->base_pfn;

	while (i < cma->count && nr < max) {
		while (i < cma->count && cma_area_taken(pgdat, cma, base + i))
			i++;
		if (i >= cma->count)
			break;
		unsigned long start = i;
		while (i < cma->count && !cma_area_taken(pgdat, cma, base + i))
			i++;
		runs[nr].start = start;
		runs[nr].count = i - start;
		nr++;
	}
	return nr;
}
