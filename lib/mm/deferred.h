/* Deferred struct page init: boot blocks that stay untouched in mem_map
 * until the allocator takes them (struct deferred_blocks in mmzone.h says
 * how they stand on their free list).  All of it runs under zone->lock.
 */
#ifndef GFPSHIM_DEFERRED_H
#define GFPSHIM_DEFERRED_H

#include <stdbool.h>

#include "mm/mmzone.h"

/* node_init(): the boot release reached a max-order MIGRATE_MOVABLE block
 * of the zone's non-CMA memory (blocks come in ascending pfn order).  It
 * is counted, not written. */
void deferred_add_boot_block(struct zone *zone, unsigned long pfn);
/* node_init(), once the zone's non-CMA memory is released: take the first
 * block in list order (false when no block was deferred), which node_init()
 * puts on its free list; deferred_start() then makes it the frontier and
 * counts the rest as free. */
bool deferred_take_first(struct zone *zone, unsigned long *pfn);
void deferred_start(struct zone *zone, unsigned long frontier);

/* del_page_from_free_list(): the frontier is about to leave its list; the
 * next untouched block is written and linked right after it. */
void deferred_advance(struct zone *zone);

/* Is the max-order block holding pfn untouched (free, not in mem_map)? */
bool pfn_deferred(const struct zone *zone, unsigned long pfn);

/* Write every untouched block and link it where it stands in list order,
 * for code that walks mem_map or the lists to change them.  Writes one
 * struct page per block. */
void zone_undefer(struct zone *zone);

/* The zone's free lists are rebuilt from nothing: forget the blocks. */
void deferred_forget(struct zone *zone);

#endif
