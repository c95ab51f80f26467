/* The allocation scopes of <gfpshim/kernel.h> (memalloc_noio_save() …),
 * for every front end of the shim: a request made inside a scope has its
 * gfp changed before it reaches the heap, malloc and mmap included.
 */
#ifndef GFPSHIM_KERNEL_API_H
#define GFPSHIM_KERNEL_API_H

#include <stddef.h>

#include "abi/gfp.h"

/* task->flags bits of the scopes (include/linux/sched.h) */
#define PF_MEMALLOC        0x00000800u
#define PF_MEMALLOC_NOFS   0x00040000u
#define PF_MEMALLOC_NOIO   0x00080000u

/* This thread's scopes (kernel_api.c). */
extern __thread unsigned shim_pflags __attribute__((tls_model("initial-exec")));

/* current_gfp_context(): noio clears __GFP_IO and __GFP_FS, nofs clears
 * __GFP_FS.  PF_MEMALLOC gives what __gfp_pfmemalloc_flags() gives it,
 * ALLOC_NO_WATERMARKS, through the allocator's one door for that:
 * __GFP_MEMALLOC (so a report inside the scope shows that bit). */
static inline gfp_t shim_gfp_context(gfp_t gfp)
{
	unsigned pf = shim_pflags;
	if (__builtin_expect(pf != 0, 0)) {
		if (pf & PF_MEMALLOC_NOIO)
			gfp &= ~(__GFP_IO | __GFP_FS);
		else if (pf & PF_MEMALLOC_NOFS)
			gfp &= ~__GFP_FS;
		if ((pf & PF_MEMALLOC) && !(gfp & __GFP_NOMEMALLOC))
			gfp |= __GFP_MEMALLOC;
	}
	return gfp;
}

/* Text for the report sink (GFPSHIM_LOG): the report layer's writer when
 * it is linked in, else standard error. */
void report_write(const char *text, size_t len) __attribute__((weak));

#endif
