/* CMA areas (mm/cma.c): cma_alloc()'s search over an area's bitmap, kept
 * in mem_map (a frame handed out carries CMA_PAGE_TAKEN in page->private),
 * and alloc_contig_range() over the free buddy blocks of a range.  Frames
 * allocated inside a candidate range make it busy and the next aligned
 * range is tried, as cma_alloc() does; movable frames are not migrated out
 * of the way.
 */
#ifndef GFPSHIM_CMA_H
#define GFPSHIM_CMA_H

#include <pthread.h>
#include <stdbool.h>

#include "machine/machine.h"
#include "mm/mmzone.h"

/* page->private of one frame of a cma_area_alloc() range */
#define CMA_PAGE_TAKEN 0xc3a00000u

struct cma {
	char name[32];
	unsigned long base_pfn;
	unsigned long count;            /* pages */
	pthread_mutex_t lock;           /* cma->lock and cma_mutex in one */
};

/* The area a description's `cma =` line gives, on a node booted from it. */
void cma_area_init(struct cma *cma, const struct cma_desc *cd,
		   unsigned page_shift);

bool cma_area_taken(const struct pglist_data *pgdat, const struct cma *cma,
		    unsigned long pfn);

/* cma_alloc()'s search: `count` frames aligned to 2^align pages (relative
 * to the pfn, as cma_bitmap_aligned_offset() makes it), taken from the
 * buddy and marked.  0 with *pfn the first frame, or -ENOMEM (no free
 * range of the bitmap) / -EBUSY (the last candidate had allocated frames).
 * Takes cma->lock and zone->lock; per-cpu lists are the caller's to
 * drain. */
int cma_area_alloc(struct pglist_data *pgdat, struct cma *cma,
		   unsigned long count, unsigned align, unsigned long *pfn);

/* cma_release(): false, touching nothing, unless every frame of
 * [pfn, +count) is a taken frame of the area; then each goes back to the
 * buddy (kheap_free_frames()) under cma->lock.  A range inside the area
 * with a frame that is not taken sets *untaken to the first such frame. */
struct kheap;
struct kheap_thread;
bool cma_area_release(struct kheap *h, struct kheap_thread *t,
		      struct cma *cma, unsigned long pfn, unsigned long count,
		      unsigned long *untaken);

/* cma_debug_show_areas(): the free runs of the bitmap, up to `max`;
 * returns how many were stored. */
struct cma_run {
	unsigned long start, count;     /* pages from the area's base */
};
unsigned cma_area_free_runs(const struct pglist_data *pgdat,
			    const struct cma *cma, struct cma_run *runs,
			    unsigned max);

#endif
