/* gfpshim control and statistics API.
 *
 * These functions live in libgfpshim.so.  A program may link against it, or
 * declare them weak and test for them at run time to learn whether it runs
 * under the shim:
 *
 *     #pragma weak gfpshim_enabled
 *     if (gfpshim_enabled && gfpshim_enabled()) …
 *
 * None of them allocates; all are thread-safe.
 */
#ifndef GFPSHIM_GFPSHIM_H
#define GFPSHIM_GFPSHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when the program's heap is the simulated one (the shim has booted). */
int gfpshim_enabled(void);

/* 1 when p points into memory the shim handed out (malloc family or an
 * anonymous mapping it charged), 0 otherwise. */
int gfpshim_owns(const void *p);

/* Run the invariant checker over the simulated node (free lists, buddies,
 * counters).  Returns 0, or -1 with the first violation in msg. */
int gfpshim_check(char *msg, size_t len);

/* Counters, in simulated pages unless the name says otherwise.  `size` is
 * sizeof(struct gfpshim_stats) as the caller was compiled with; newer
 * fields are only filled when the caller's struct has room for them. */
struct gfpshim_stats {
	unsigned long page_size;        /* simulated PAGE_SIZE, bytes */
	unsigned long managed_pages;    /* all zones */
	unsigned long free_pages;       /* NR_FREE_PAGES, all zones */
	unsigned long free_cma_pages;   /* NR_FREE_CMA_PAGES, all zones */
	unsigned long vm_pages;         /* charged for vm areas: big blocks
	                                   and anonymous mappings */
	unsigned long long requests;    /* malloc family and anonymous mmap */
	unsigned long long failures;    /* of those, failed (errno ENOMEM) */
};
int gfpshim_get_stats(struct gfpshim_stats *st, size_t size);

/* `echo 1 > /proc/sys/vm/compact_memory`: compact every zone of the
 * simulated node whole (compact_node()), moving movable memory — the
 * frames of anonymous mappings and big malloc blocks, never kmalloc or
 * slab memory — towards the end of each zone.  Returns the pages moved,
 * or -1 before the shim has booted. */
long gfpshim_compact_memory(void);

/* `cat /proc/buddyinfo` of the simulated node into buf (NUL-terminated,
 * truncated to len).  Returns the length of the full text, or -1 before
 * the shim has booted. */
long gfpshim_buddyinfo(char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
