/* gfp_t and the GFP_* / __GFP_* names, as the kernel spells them.
 *
 * One definition serves the simulator (lib/abi/gfp.h includes this file) and
 * ports (<gfpshim/kernel.h>).  The values are the 6.1 layout
 * (include/linux/gfp_types.h), so a mask copied from a 5.4–6.2 log means
 * the same here; bits only older kernels had sit above it.  Reports print
 * every mask in the numbers of the simulated kernel (GFPSHIM_KERNEL), so
 * GFP_ATOMIC prints as 0x2080020 on 4.9 and 0xa20 on 5.4 although a port
 * always passes this one value.
 */
#ifndef GFPSHIM_GFP_TYPES_H
#define GFPSHIM_GFP_TYPES_H

#include <stdint.h>

typedef uint32_t gfp_t;

/* Zone modifiers: where the pages may come from. */
#define __GFP_DMA                 0x01u
#define __GFP_HIGHMEM             0x02u
#define __GFP_DMA32               0x04u
#define __GFP_MOVABLE             0x08u       /* also a mobility hint */
/* Mobility: which pageblocks the pages should share. */
#define __GFP_RECLAIMABLE         0x10u
/* Watermark modifiers: access to the reserves. */
#define __GFP_HIGH                0x20u
/* Reclaim modifiers: what the allocator may do to find memory. */
#define __GFP_IO                  0x40u
#define __GFP_FS                  0x80u
/* Action modifiers. */
#define __GFP_ZERO                0x100u
#define __GFP_ATOMIC              0x200u      /* gone in 6.3 */
#define __GFP_DIRECT_RECLAIM      0x400u
#define __GFP_KSWAPD_RECLAIM      0x800u
#define __GFP_WRITE               0x1000u
#define __GFP_NOWARN              0x2000u
#define __GFP_RETRY_MAYFAIL       0x4000u     /* __GFP_REPEAT before 4.13 */
#define __GFP_NOFAIL              0x8000u
#define __GFP_NORETRY             0x10000u
#define __GFP_MEMALLOC            0x20000u
#define __GFP_COMP                0x40000u
#define __GFP_NOMEMALLOC          0x80000u
#define __GFP_HARDWALL            0x100000u
#define __GFP_THISNODE            0x200000u
#define __GFP_ACCOUNT             0x400000u
#define __GFP_ZEROTAGS            0x800000u   /* 5.14+ */
#define __GFP_SKIP_ZERO           0x1000000u  /* KASAN_HW_TAGS only */
#define __GFP_SKIP_KASAN_UNPOISON 0x2000000u  /* KASAN_HW_TAGS only */
#define __GFP_SKIP_KASAN_POISON   0x4000000u  /* KASAN_HW_TAGS only */
#define __GFP_NOLOCKDEP           0x8000000u  /* LOCKDEP only */
/* Bits of older kernels. */
#define __GFP_COLD                0x10000000u /* ≤4.14 */
#define __GFP_NOTRACK             0x20000000u /* ≤4.14 */
#define __GFP_OTHER_NODE          0x40000000u /* ≤4.9 */
#define __GFP_NOACCOUNT           0x80000000u /* 4.1–4.4: opt out of kmemcg */
#define __GFP_REPEAT              __GFP_RETRY_MAYFAIL

#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

/* Composites, as 5.4–6.2 define them: GFP_ATOMIC carries __GFP_ATOMIC
 * (reports for 6.3+ print it without, as those kernels do). */
#define GFP_ATOMIC         (__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL         (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT (GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT         (__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO           (__GFP_RECLAIM)
#define GFP_NOFS           (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER           (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA            __GFP_DMA
#define GFP_DMA32          __GFP_DMA32
#define GFP_HIGHUSER       (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)
#define GFP_TRANSHUGE_LIGHT \
	((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & \
	 ~__GFP_RECLAIM)
#define GFP_TRANSHUGE      (GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM)
#define GFP_TEMPORARY      (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_RECLAIMABLE)

/* include/linux/gfp.h */
#define GFP_ZONEMASK       (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define GFP_MOVABLE_MASK   (__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_MOVABLE_SHIFT  3

#endif
