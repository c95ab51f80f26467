/* Per-kernel gfp data behind lib/abi/gfp.c: bit layouts, composite masks and
 * the ordered name tables that %pGg and show_gfp_flags() walk.
 *
 * Everything is keyed by flag identity (enum gfp_flag), so a layout is one
 * row of numbers and a name table is one ordered list shared by every
 * kernel that printed names the same way; an entry whose flag or composite
 * a kernel does not define is simply absent on that kernel.
 *
 * Modelled configuration: CONFIG_LOCKDEP=n, CONFIG_KASAN_HW_TAGS=n,
 * CONFIG_KMEMCHECK=n (the defaults of distribution and vendor kernels),
 * so __GFP_NOLOCKDEP and the __GFP_SKIP_* bits are 0 everywhere.
 */
#ifndef GFPSHIM_GFP_TABLES_H
#define GFPSHIM_GFP_TABLES_H

#include <stdbool.h>
#include <stdint.h>

#include "abi/gfp.h"

/* One per ___GFP_* bit any supported kernel had. */
enum gfp_flag {
	GF_DMA, GF_HIGHMEM, GF_DMA32, GF_MOVABLE, GF_RECLAIMABLE, GF_HIGH,
	GF_IO, GF_FS, GF_ZERO, GF_ATOMIC, GF_DIRECT_RECLAIM, GF_KSWAPD_RECLAIM,
	GF_WRITE, GF_NOWARN, GF_RETRY_MAYFAIL, GF_NOFAIL, GF_NORETRY,
	GF_MEMALLOC, GF_COMP, GF_NOMEMALLOC, GF_HARDWALL, GF_THISNODE,
	GF_ACCOUNT, GF_ZEROTAGS, GF_COLD, GF_NOTRACK, GF_OTHER_NODE,
	GF_NOACCOUNT, GF_KMEMCG, GF_WAIT, GF_NO_KSWAPD,
	NR_GFP_FLAGS
};

/* The GFP_* combinations (and __GFP_RECLAIM) a kernel may define. */
enum gfp_composite {
	GC_TRANSHUGE, GC_TRANSHUGE_LIGHT, GC_HIGHUSER_MOVABLE, GC_HIGHUSER,
	GC_USER, GC_TEMPORARY, GC_KERNEL_ACCOUNT, GC_KERNEL, GC_NOFS,
	GC_ATOMIC, GC_NOIO, GC_NOWAIT, GC_DMA, GC_DMA32, GC_IOFS, GC_RECLAIM,
	NR_GFP_COMPOSITES
};

/* A name-table symbol: a flag (< NR_GFP_FLAGS) or GFP_SYM_COMPOSITE + c. */
#define GFP_SYM_COMPOSITE NR_GFP_FLAGS
#define GFP_SYM(c) (GFP_SYM_COMPOSITE + (c))

struct gfp_layout {
	kver_t since;                   /* first kernel with these numbers */
	uint32_t bit[NR_GFP_FLAGS];     /* 0: that kernel has no such flag */
};

struct gfp_name_entry {
	uint8_t sym;
	const char *name;               /* NULL: the flag's kernel name */
};

extern const struct gfp_layout gfp_layouts[];
extern const unsigned gfp_nr_layouts;

/* Canonical bit of each flag; 0 for __GFP_WAIT and __GFP_NO_KSWAPD, which
 * translate by meaning (see gfp.h). */
extern const gfp_t gfp_flag_canon[NR_GFP_FLAGS];

/* mm/debug.c gfpflag_names (4.5+) and show_gfp_flags() (before 4.5). */
extern const struct gfp_name_entry gfp_pgg_names[];
extern const unsigned gfp_nr_pgg_names;
/* mm/debug.c gfpflag_names from 6.15: single flags in bit order. */
extern const struct gfp_name_entry gfp_pgg_bit_order_names[];
extern const unsigned gfp_nr_pgg_bit_order_names;
extern const struct gfp_name_entry gfp_trace_names[];
extern const unsigned gfp_nr_trace_names;

extern const char *const gfp_composite_names[NR_GFP_COMPOSITES];

const struct gfp_layout *gfp_layout(kver_t kv);
/* "__GFP_HIGH"; "__GFP_REPEAT" for the 0x400 flag before 4.13. */
const char *gfp_flag_name(enum gfp_flag f, kver_t kv);
/* The composite's value on kernel kv; false if kv does not define it. */
bool gfp_composite_mask(enum gfp_composite c, kver_t kv, uint32_t *mask);

#endif
