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

#include "abi/kver.h"

/* gfp_t, the canonical bits (= 6.1's ___GFP_* values, then legacy bits)
 * and the composites: shared with ports, see <gfpshim/gfp_types.h>. */
#include <gfpshim/gfp_types.h>

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
