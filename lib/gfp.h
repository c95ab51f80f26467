/* gfp flags: one canonical layout inside, each kernel's layout at the edges.
 *
 * The canonical layout is the 6.1 one (include/linux/gfp_types.h), so a mask
 * a user copies from a 5.4–6.2 log means the same thing here.  Bits that
 * only older kernels had live above it.  Translation to and from a given
 * kernel's numbers happens only when a mask is parsed or printed.
 */
#ifndef GFPSHIM_GFP_H
#define GFPSHIM_GFP_H

#include <stddef.h>
#include <stdint.h>

#include "kver.h"

typedef uint32_t gfp_t;

/* canonical bits (= 6.1's ___GFP_* values, then legacy bits) */
#define __GFP_DMA                 0x01u
#define __GFP_HIGHMEM             0x02u
#define __GFP_DMA32               0x04u
#define __GFP_MOVABLE             0x08u
#define __GFP_RECLAIMABLE         0x10u
#define __GFP_HIGH                0x20u
#define __GFP_IO                  0x40u
#define __GFP_FS                  0x80u
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
#define __GFP_COLD                0x10000000u /* ≤4.14 */
#define __GFP_NOTRACK             0x20000000u /* ≤4.14 */
#define __GFP_OTHER_NODE          0x40000000u /* ≤4.9 */
#define __GFP_NOACCOUNT           0x80000000u /* 4.1–4.4: opt out of kmemcg */

/* Kernels before 4.4 had no __GFP_ATOMIC, __GFP_DIRECT_RECLAIM or
 * __GFP_KSWAPD_RECLAIM bits; they had __GFP_WAIT ("may sleep") and
 * __GFP_NO_KSWAPD.  Their masks translate to what 4.4 made of them (Mel
 * Gorman's split of __GFP_WAIT), so one set of rules serves every kernel:
 *   __GFP_WAIT                          -> __GFP_DIRECT_RECLAIM
 *   no __GFP_NO_KSWAPD                  -> __GFP_KSWAPD_RECLAIM
 *   neither __GFP_WAIT nor NO_KSWAPD    -> __GFP_ATOMIC (3.10's "atomic" in
 *                                          gfp_to_alloc_flags: ALLOC_HARDER)
 * and back (__GFP_ATOMIC has no bit of its own there).  3.8–3.14's
 * __GFP_KMEMCG is __GFP_ACCOUNT.  A 3.10 mask survives the round trip
 * kernel -> canonical -> kernel unchanged. */

#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

/* composites, as the 5.4–6.2 kernels define them (GFP_ATOMIC carries
 * __GFP_ATOMIC; printing for 6.3+ drops it, see gfp_to_kernel()) */
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

/* Canonical → the numbers kernel `kv` uses, and back.  Bits that `kv` does
 * not have are dropped by gfp_to_kernel(); bits of a kernel mask that have
 * no canonical meaning are returned in *unknown by gfp_from_kernel(). */
uint32_t gfp_to_kernel(gfp_t gfp, kver_t kv);
gfp_t gfp_from_kernel(uint32_t mask, kver_t kv, uint32_t *unknown);

/* Format a kernel-numbered mask exactly as that kernel's reports print it
 * (warn_alloc "mode:", the OOM header "gfp_mask="): `%#x(%pGg)` from 4.5,
 * "0xa20(GFP_ATOMIC)", "0x0()"; plain "0x%x" before 4.5, which had no %pGg.
 * Returns the length of the whole text (snprintf semantics: never more
 * than len-1 bytes written, always NUL-terminated when len > 0). */
size_t gfp_format(uint32_t mask, kver_t kv, char *buf, size_t len);

/* Only the `%pGg` part: "GFP_ATOMIC|__GFP_COMP".  Before 4.5 these are the
 * names of the kmem tracepoints (show_gfp_flags: "GFP_ATOMIC|GFP_COMP",
 * "GFP_NOWAIT" for 0), the only names those kernels print. */
size_t gfp_format_names(uint32_t mask, kver_t kv, char *buf, size_t len);

/* Every single-bit name of a kernel-numbered mask ("__GFP_HIGH|__GFP_ATOMIC|
 * __GFP_KSWAPD_RECLAIM"), for `gfpshim decode -v`. */
size_t gfp_format_bits(uint32_t mask, kver_t kv, char *buf, size_t len);

/* Parse "0xa20", "2592", "GFP_ATOMIC|__GFP_COMP", "GFP_KERNEL | __GFP_NOWARN",
 * or "0xa20(GFP_ATOMIC)" as printed in a log, for kernel `kv`.  Names are
 * resolved with kv's definitions.  On success returns 0 and the kernel-
 * numbered mask; on error returns -1 and writes a message naming the bad
 * token and what was expected into err. */
int gfp_parse(const char *text, kver_t kv, uint32_t *mask, char *err,
	      size_t errlen);

#endif
