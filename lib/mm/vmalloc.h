/* vm areas: memory whose frames are charged but whose bytes live apart.
 *
 * A vm area is a separate mapping (prim_map, or the program's own anonymous
 * mmap) plus order-0 frames charged on the node for it, as vmalloc charges
 * pages for a range of the vmalloc space.  The frames hold no bytes, so
 * compaction and CMA migration may move them: each is PG_charged with
 * page->owner = the area and page->private = its index in area->pfns, and
 * vm_migrate_page() (pgdat->migrate_page) is the owner's side of a move.
 * An entry of area->pfns changes only under the zone->lock of the frame it
 * names, so compaction (which holds it) and the heap never disagree.  A table (uthash on
 * metadata pages) maps an area's start address to the area.
 *
 * Two kinds:
 *   KHEAP_SITE_VMALLOC  vmalloc / big kmalloc fallback: the heap maps the
 *                       bytes; frames with gfp | __GFP_HIGHMEM unless
 *                       DMA/DMA32 (__vmalloc_area_node()), each page request
 *                       with __GFP_NOWARN and one report for the area.
 *   KHEAP_SITE_USER     anonymous mmap: the caller maps the bytes and asks
 *                       the heap to charge frames (GFP_HIGHUSER_MOVABLE),
 *                       uncharge a range (munmap), resize or move (mremap).
 * Frames cover the area in node pages: an area of len bytes charges
 * DIV_ROUND_UP(len, PAGE_SIZE) frames.
 */
#ifndef GFPSHIM_VMALLOC_H
#define GFPSHIM_VMALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/slab.h"
#include "base/uthash_meta.h"

#define VM_AREA_MAGIC 0x766d6172u

struct vm_area {
	uint32_t magic;                 /* VM_AREA_MAGIC: page->owner is an area */
	struct kheap *heap;
	char *addr;                     /* start of the bytes (hash key) */
	size_t len;                     /* bytes covered (user: as mapped) */
	size_t map_len;                 /* bytes the heap mapped (0: user's) */
	size_t req_size;                /* bytes asked for (vmalloc) */
	enum kheap_site kind;           /* KHEAP_SITE_VMALLOC or _USER */
	gfp_t gfp;                      /* gfp the frames were charged with */
	unsigned long nr_pages;         /* frames charged */
	unsigned long pfns_cap;
	uint32_t *pfns;                 /* the frames, in area order */
	UT_hash_handle hh;
};

/* vmalloc(size, gfp): a fresh mapping of PAGE_ALIGN(size) bytes with its
 * frames charged.  NULL (and t->fail) when a frame cannot be had — reported
 * as the kernel's vmalloc does: page_gfp carries __GFP_NOWARN, report_gfp
 * is the area's mask, done = bytes charged before the failure — or when
 * the size exceeds the node's memory (KHEAP_FAIL_TOO_BIG). */
void *kheap_vmalloc(struct kheap *h, struct kheap_thread *t, size_t size,
		    gfp_t gfp);
/* vfree(): false when p is not the start of a heap-mapped area. */
bool kheap_vfree(struct kheap *h, struct kheap_thread *t, void *p);
/* Grow or shrink a vmalloc area to new_size (realloc of a big block):
 * frames charged or uncharged, bytes moved with mremap.  Returns the new
 * address, or NULL (area untouched, t->fail filled). */
void *kheap_vrealloc(struct kheap *h, struct kheap_thread *t, void *p,
		     size_t new_size, gfp_t gfp);

/* The area starting at p, or containing p (slower: a walk), or NULL. */
struct vm_area *vm_area_find(struct kheap *h, const void *p);
struct vm_area *vm_area_containing(struct kheap *h, const void *p);

/* User pages.  vm_user_charge: the caller has mapped [addr, addr+len);
 * charge its frames with gfp (one fault-hook call).  NULL + t->fail on
 * failure, nothing charged. */
struct vm_area *vm_user_charge(struct kheap *h, struct kheap_thread *t,
			       void *addr, size_t len, gfp_t gfp);
/* munmap(addr, len): uncharge the frames of every user area overlapping
 * the range, splitting an area when the hole is inside it.  Returns the
 * number of frames uncharged. */
unsigned long vm_user_uncharge(struct kheap *h, struct kheap_thread *t,
			       void *addr, size_t len);
/* mremap: make the user area starting at addr cover new_len bytes (charge
 * or uncharge frames at its end).  Returns 0, or -1 + t->fail (unchanged). */
int vm_user_resize(struct kheap *h, struct kheap_thread *t, void *addr,
		   size_t new_len, gfp_t gfp);
/* mremap moved the bytes: re-key the area at old to new_addr. */
int vm_user_move(struct kheap *h, void *old, void *new_addr);

/* Owner side of compaction (pgdat->migrate_page, installed by kheap_init):
 * the block at old_pfn moved to new_pfn, page fields already copied, zone
 * lock held; point the area's entry at the new frame.  Owners that are not
 * vm areas are left alone. */
void vm_migrate_page(void *owner, unsigned long old_pfn,
		     unsigned long new_pfn, unsigned order);

/* Frames charged by all areas. */
unsigned long vm_nr_pages(struct kheap *h);

/* Drop every area (kheap_destroy). */
void vm_destroy_all(struct kheap *h);

#endif
