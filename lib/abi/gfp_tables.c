/* gfp bit layouts, composites and name tables of every kernel since 3.10.
 *
 * Sources: include/linux/gfp.h (gfp_types.h from 6.0),
 * include/trace/events/gfpflags.h (≤4.5) / mmflags.h (4.6+), read in the
 * kernel trees and in the patches that moved the bits; the commit that
 * changed a row is named next to it.
 */
#include "abi/gfp_tables.h"

#define V(a, b) KVER(a, b, 0)

#define COMMON_LOW \
	[GF_DMA] = 0x01, [GF_HIGHMEM] = 0x02, [GF_DMA32] = 0x04, \
	[GF_MOVABLE] = 0x08, [GF_HIGH] = 0x20, [GF_IO] = 0x40, [GF_FS] = 0x80

/* 3.10–4.3: __GFP_WAIT era.  0x10 is __GFP_WAIT, reclaimable is 0x80000. */
#define WAIT_ERA \
	COMMON_LOW, [GF_WAIT] = 0x10, [GF_COLD] = 0x100, \
	[GF_NOWARN] = 0x200, [GF_RETRY_MAYFAIL] = 0x400, \
	[GF_NOFAIL] = 0x800, [GF_NORETRY] = 0x1000, [GF_MEMALLOC] = 0x2000, \
	[GF_COMP] = 0x4000, [GF_ZERO] = 0x8000, [GF_NOMEMALLOC] = 0x10000, \
	[GF_HARDWALL] = 0x20000, [GF_THISNODE] = 0x40000, \
	[GF_RECLAIMABLE] = 0x80000, [GF_NOTRACK] = 0x200000, \
	[GF_NO_KSWAPD] = 0x400000, [GF_OTHER_NODE] = 0x800000, \
	[GF_WRITE] = 0x1000000

/* 4.4–4.17: the bits of "mm, page_alloc: distinguish between being unable
 * to sleep, using reserves, and avoiding waking kswapd". */
#define RECLAIM_ERA \
	COMMON_LOW, [GF_RECLAIMABLE] = 0x10, [GF_NOWARN] = 0x200, \
	[GF_RETRY_MAYFAIL] = 0x400, [GF_NOFAIL] = 0x800, \
	[GF_NORETRY] = 0x1000, [GF_MEMALLOC] = 0x2000, [GF_COMP] = 0x4000, \
	[GF_ZERO] = 0x8000, [GF_NOMEMALLOC] = 0x10000, \
	[GF_HARDWALL] = 0x20000, [GF_THISNODE] = 0x40000, \
	[GF_ATOMIC] = 0x80000, [GF_DIRECT_RECLAIM] = 0x400000

/* 5.1+: "mm: shuffle GFP_* flags" (GFP_KERNEL became 0xcc0). */
#define SHUFFLED \
	COMMON_LOW, [GF_RECLAIMABLE] = 0x10, [GF_ZERO] = 0x100, \
	[GF_DIRECT_RECLAIM] = 0x400, [GF_KSWAPD_RECLAIM] = 0x800, \
	[GF_WRITE] = 0x1000, [GF_NOWARN] = 0x2000, \
	[GF_RETRY_MAYFAIL] = 0x4000, [GF_NOFAIL] = 0x8000, \
	[GF_NORETRY] = 0x10000, [GF_MEMALLOC] = 0x20000, \
	[GF_COMP] = 0x40000, [GF_NOMEMALLOC] = 0x80000, \
	[GF_HARDWALL] = 0x100000, [GF_THISNODE] = 0x200000, \
	[GF_ACCOUNT] = 0x400000

const struct gfp_layout gfp_layouts[] = {
	/* 3.8's __GFP_KMEMCG, gone in 3.16 ("mm: get rid of __GFP_KMEMCG") */
	{ V(3, 10), { WAIT_ERA, [GF_KMEMCG] = 0x100000 } },
	{ V(3, 16), { WAIT_ERA } },
	/* "gfp: add __GFP_NOACCOUNT" */
	{ V(4, 1), { WAIT_ERA, [GF_NOACCOUNT] = 0x100000 } },
	{ V(4, 4), { RECLAIM_ERA, [GF_COLD] = 0x100,
		     [GF_NOACCOUNT] = 0x100000, [GF_NOTRACK] = 0x200000,
		     [GF_OTHER_NODE] = 0x800000, [GF_WRITE] = 0x1000000,
		     [GF_KSWAPD_RECLAIM] = 0x2000000 } },
	/* "Revert gfp: add __GFP_NOACCOUNT" + __GFP_ACCOUNT */
	{ V(4, 5), { RECLAIM_ERA, [GF_COLD] = 0x100,
		     [GF_ACCOUNT] = 0x100000, [GF_NOTRACK] = 0x200000,
		     [GF_OTHER_NODE] = 0x800000, [GF_WRITE] = 0x1000000,
		     [GF_KSWAPD_RECLAIM] = 0x2000000 } },
	/* "mm: get rid of __GFP_OTHER_NODE" */
	{ V(4, 10), { RECLAIM_ERA, [GF_COLD] = 0x100,
		      [GF_ACCOUNT] = 0x100000, [GF_NOTRACK] = 0x200000,
		      [GF_WRITE] = 0x800000, [GF_KSWAPD_RECLAIM] = 0x1000000 } },
	/* "mm: remove __GFP_COLD", kmemcheck removal: holes left behind */
	{ V(4, 15), { RECLAIM_ERA, [GF_ACCOUNT] = 0x100000,
		      [GF_WRITE] = 0x800000, [GF_KSWAPD_RECLAIM] = 0x1000000 } },
	/* the holes filled: "Moved couple of gfp masks instead of sliding
	 * all" (RHEL 8 4.18: GFP_ATOMIC = 0x480020) */
	{ V(4, 18), { COMMON_LOW, [GF_RECLAIMABLE] = 0x10, [GF_WRITE] = 0x100,
		      [GF_NOWARN] = 0x200, [GF_RETRY_MAYFAIL] = 0x400,
		      [GF_NOFAIL] = 0x800, [GF_NORETRY] = 0x1000,
		      [GF_MEMALLOC] = 0x2000, [GF_COMP] = 0x4000,
		      [GF_ZERO] = 0x8000, [GF_NOMEMALLOC] = 0x10000,
		      [GF_HARDWALL] = 0x20000, [GF_THISNODE] = 0x40000,
		      [GF_ATOMIC] = 0x80000, [GF_ACCOUNT] = 0x100000,
		      [GF_DIRECT_RECLAIM] = 0x200000,
		      [GF_KSWAPD_RECLAIM] = 0x400000 } },
	{ V(5, 1), { SHUFFLED, [GF_ATOMIC] = 0x200 } },
	/* __GFP_ZEROTAGS (arm64 MTE) */
	{ V(5, 14), { SHUFFLED, [GF_ATOMIC] = 0x200, [GF_ZEROTAGS] = 0x800000 } },
	/* "mm: discard __GFP_ATOMIC": 0x200 unused from here on */
	{ V(6, 3), { SHUFFLED, [GF_ZEROTAGS] = 0x800000 } },
};
const unsigned gfp_nr_layouts = sizeof(gfp_layouts) / sizeof(gfp_layouts[0]);

const gfp_t gfp_flag_canon[NR_GFP_FLAGS] = {
	[GF_DMA] = __GFP_DMA, [GF_HIGHMEM] = __GFP_HIGHMEM,
	[GF_DMA32] = __GFP_DMA32, [GF_MOVABLE] = __GFP_MOVABLE,
	[GF_RECLAIMABLE] = __GFP_RECLAIMABLE, [GF_HIGH] = __GFP_HIGH,
	[GF_IO] = __GFP_IO, [GF_FS] = __GFP_FS, [GF_ZERO] = __GFP_ZERO,
	[GF_ATOMIC] = __GFP_ATOMIC, [GF_DIRECT_RECLAIM] = __GFP_DIRECT_RECLAIM,
	[GF_KSWAPD_RECLAIM] = __GFP_KSWAPD_RECLAIM, [GF_WRITE] = __GFP_WRITE,
	[GF_NOWARN] = __GFP_NOWARN, [GF_RETRY_MAYFAIL] = __GFP_RETRY_MAYFAIL,
	[GF_NOFAIL] = __GFP_NOFAIL, [GF_NORETRY] = __GFP_NORETRY,
	[GF_MEMALLOC] = __GFP_MEMALLOC, [GF_COMP] = __GFP_COMP,
	[GF_NOMEMALLOC] = __GFP_NOMEMALLOC, [GF_HARDWALL] = __GFP_HARDWALL,
	[GF_THISNODE] = __GFP_THISNODE, [GF_ACCOUNT] = __GFP_ACCOUNT,
	[GF_ZEROTAGS] = __GFP_ZEROTAGS, [GF_COLD] = __GFP_COLD,
	[GF_NOTRACK] = __GFP_NOTRACK, [GF_OTHER_NODE] = __GFP_OTHER_NODE,
	[GF_NOACCOUNT] = __GFP_NOACCOUNT, [GF_KMEMCG] = __GFP_ACCOUNT,
};

static const char *const flag_names[NR_GFP_FLAGS] = {
	[GF_DMA] = "__GFP_DMA", [GF_HIGHMEM] = "__GFP_HIGHMEM",
	[GF_DMA32] = "__GFP_DMA32", [GF_MOVABLE] = "__GFP_MOVABLE",
	[GF_RECLAIMABLE] = "__GFP_RECLAIMABLE", [GF_HIGH] = "__GFP_HIGH",
	[GF_IO] = "__GFP_IO", [GF_FS] = "__GFP_FS", [GF_ZERO] = "__GFP_ZERO",
	[GF_ATOMIC] = "__GFP_ATOMIC",
	[GF_DIRECT_RECLAIM] = "__GFP_DIRECT_RECLAIM",
	[GF_KSWAPD_RECLAIM] = "__GFP_KSWAPD_RECLAIM",
	[GF_WRITE] = "__GFP_WRITE", [GF_NOWARN] = "__GFP_NOWARN",
	[GF_RETRY_MAYFAIL] = "__GFP_RETRY_MAYFAIL",
	[GF_NOFAIL] = "__GFP_NOFAIL", [GF_NORETRY] = "__GFP_NORETRY",
	[GF_MEMALLOC] = "__GFP_MEMALLOC", [GF_COMP] = "__GFP_COMP",
	[GF_NOMEMALLOC] = "__GFP_NOMEMALLOC", [GF_HARDWALL] = "__GFP_HARDWALL",
	[GF_THISNODE] = "__GFP_THISNODE", [GF_ACCOUNT] = "__GFP_ACCOUNT",
	[GF_ZEROTAGS] = "__GFP_ZEROTAGS", [GF_COLD] = "__GFP_COLD",
	[GF_NOTRACK] = "__GFP_NOTRACK", [GF_OTHER_NODE] = "__GFP_OTHER_NODE",
	[GF_NOACCOUNT] = "__GFP_NOACCOUNT", [GF_KMEMCG] = "__GFP_KMEMCG",
	[GF_WAIT] = "__GFP_WAIT", [GF_NO_KSWAPD] = "__GFP_NO_KSWAPD",
};

const char *const gfp_composite_names[NR_GFP_COMPOSITES] = {
	[GC_TRANSHUGE] = "GFP_TRANSHUGE",
	[GC_TRANSHUGE_LIGHT] = "GFP_TRANSHUGE_LIGHT",
	[GC_HIGHUSER_MOVABLE] = "GFP_HIGHUSER_MOVABLE",
	[GC_HIGHUSER] = "GFP_HIGHUSER", [GC_USER] = "GFP_USER",
	[GC_TEMPORARY] = "GFP_TEMPORARY",
	[GC_KERNEL_ACCOUNT] = "GFP_KERNEL_ACCOUNT",
	[GC_KERNEL] = "GFP_KERNEL", [GC_NOFS] = "GFP_NOFS",
	[GC_ATOMIC] = "GFP_ATOMIC", [GC_NOIO] = "GFP_NOIO",
	[GC_NOWAIT] = "GFP_NOWAIT", [GC_DMA] = "GFP_DMA",
	[GC_DMA32] = "GFP_DMA32", [GC_IOFS] = "GFP_IOFS",
	[GC_RECLAIM] = "__GFP_RECLAIM",
};

/* __def_gfpflag_names, 4.5 ("mm, printk: introduce new format string for
 * flags") to today; entries a kernel lacks drop out (TRANSHUGE_LIGHT before
 * 4.8, TEMPORARY from 4.14, COLD/NOTRACK from 4.15, OTHER_NODE from 4.10,
 * ZEROTAGS before 5.14, __GFP_ATOMIC from 6.3). */
const struct gfp_name_entry gfp_pgg_names[] = {
	{ GFP_SYM(GC_TRANSHUGE), 0 }, { GFP_SYM(GC_TRANSHUGE_LIGHT), 0 },
	{ GFP_SYM(GC_HIGHUSER_MOVABLE), 0 }, { GFP_SYM(GC_HIGHUSER), 0 },
	{ GFP_SYM(GC_USER), 0 }, { GFP_SYM(GC_TEMPORARY), 0 },
	{ GFP_SYM(GC_KERNEL_ACCOUNT), 0 }, { GFP_SYM(GC_KERNEL), 0 },
	{ GFP_SYM(GC_NOFS), 0 }, { GFP_SYM(GC_ATOMIC), 0 },
	{ GFP_SYM(GC_NOIO), 0 }, { GFP_SYM(GC_NOWAIT), 0 },
	{ GFP_SYM(GC_DMA), 0 }, { GF_HIGHMEM, 0 }, { GFP_SYM(GC_DMA32), 0 },
	{ GF_HIGH, 0 }, { GF_ATOMIC, 0 }, { GF_IO, 0 }, { GF_FS, 0 },
	{ GF_COLD, 0 }, { GF_NOWARN, 0 }, { GF_RETRY_MAYFAIL, 0 },
	{ GF_NOFAIL, 0 }, { GF_NORETRY, 0 }, { GF_COMP, 0 }, { GF_ZERO, 0 },
	{ GF_NOMEMALLOC, 0 }, { GF_MEMALLOC, 0 }, { GF_HARDWALL, 0 },
	{ GF_THISNODE, 0 }, { GF_RECLAIMABLE, 0 }, { GF_MOVABLE, 0 },
	{ GF_ACCOUNT, 0 }, { GF_NOTRACK, 0 }, { GF_WRITE, 0 },
	{ GFP_SYM(GC_RECLAIM), 0 }, { GF_DIRECT_RECLAIM, 0 },
	{ GF_KSWAPD_RECLAIM, 0 }, { GF_OTHER_NODE, 0 }, { GF_ZEROTAGS, 0 },
};
const unsigned gfp_nr_pgg_names =
	sizeof(gfp_pgg_names) / sizeof(gfp_pgg_names[0]);

/* __def_gfpflag_names from 6.15 (ca29a0bf1221): the composites, then
 * TRACE_GFP_FLAGS_GENERAL, the single flags in bit order (__GFP_DMA and
 * __GFP_DMA32 never print: GFP_DMA and GFP_DMA32 match first).  The
 * config-dependent KASAN, LOCKDEP and SLAB_OBJ_EXT names follow there;
 * their bits are not modelled. */
const struct gfp_name_entry gfp_pgg_bit_order_names[] = {
	{ GFP_SYM(GC_TRANSHUGE), 0 }, { GFP_SYM(GC_TRANSHUGE_LIGHT), 0 },
	{ GFP_SYM(GC_HIGHUSER_MOVABLE), 0 }, { GFP_SYM(GC_HIGHUSER), 0 },
	{ GFP_SYM(GC_USER), 0 }, { GFP_SYM(GC_KERNEL_ACCOUNT), 0 },
	{ GFP_SYM(GC_KERNEL), 0 }, { GFP_SYM(GC_NOFS), 0 },
	{ GFP_SYM(GC_ATOMIC), 0 }, { GFP_SYM(GC_NOIO), 0 },
	{ GFP_SYM(GC_NOWAIT), 0 }, { GFP_SYM(GC_DMA), 0 },
	{ GFP_SYM(GC_DMA32), 0 }, { GFP_SYM(GC_RECLAIM), 0 },
	{ GF_DMA, 0 }, { GF_HIGHMEM, 0 }, { GF_DMA32, 0 }, { GF_MOVABLE, 0 },
	{ GF_RECLAIMABLE, 0 }, { GF_HIGH, 0 }, { GF_IO, 0 }, { GF_FS, 0 },
	{ GF_ZERO, 0 }, { GF_DIRECT_RECLAIM, 0 }, { GF_KSWAPD_RECLAIM, 0 },
	{ GF_WRITE, 0 }, { GF_NOWARN, 0 }, { GF_RETRY_MAYFAIL, 0 },
	{ GF_NOFAIL, 0 }, { GF_NORETRY, 0 }, { GF_MEMALLOC, 0 },
	{ GF_COMP, 0 }, { GF_NOMEMALLOC, 0 }, { GF_HARDWALL, 0 },
	{ GF_THISNODE, 0 }, { GF_ACCOUNT, 0 }, { GF_ZEROTAGS, 0 },
};
const unsigned gfp_nr_pgg_bit_order_names =
	sizeof(gfp_pgg_bit_order_names) / sizeof(gfp_pgg_bit_order_names[0]);

/* show_gfp_flags() of 3.10–4.4 (include/trace/events/gfpflags.h).  4.4
 * put __GFP_ATOMIC where __GFP_WAIT was and printed it "GFP_ATOMIC" too,
 * and the two reclaim bits where __GFP_NO_KSWAPD was. */
const struct gfp_name_entry gfp_trace_names[] = {
	{ GFP_SYM(GC_TRANSHUGE), "GFP_TRANSHUGE" },
	{ GFP_SYM(GC_HIGHUSER_MOVABLE), "GFP_HIGHUSER_MOVABLE" },
	{ GFP_SYM(GC_HIGHUSER), "GFP_HIGHUSER" },
	{ GFP_SYM(GC_USER), "GFP_USER" },
	{ GFP_SYM(GC_TEMPORARY), "GFP_TEMPORARY" },
	{ GFP_SYM(GC_KERNEL), "GFP_KERNEL" },
	{ GFP_SYM(GC_NOFS), "GFP_NOFS" },
	{ GFP_SYM(GC_ATOMIC), "GFP_ATOMIC" },
	{ GFP_SYM(GC_NOIO), "GFP_NOIO" },
	{ GF_HIGH, "GFP_HIGH" }, { GF_WAIT, "GFP_WAIT" },
	{ GF_ATOMIC, "GFP_ATOMIC" }, { GF_IO, "GFP_IO" },
	{ GF_COLD, "GFP_COLD" }, { GF_NOWARN, "GFP_NOWARN" },
	{ GF_RETRY_MAYFAIL, "GFP_REPEAT" }, { GF_NOFAIL, "GFP_NOFAIL" },
	{ GF_NORETRY, "GFP_NORETRY" }, { GF_COMP, "GFP_COMP" },
	{ GF_ZERO, "GFP_ZERO" }, { GF_NOMEMALLOC, "GFP_NOMEMALLOC" },
	{ GF_MEMALLOC, "GFP_MEMALLOC" }, { GF_HARDWALL, "GFP_HARDWALL" },
	{ GF_THISNODE, "GFP_THISNODE" },
	{ GF_RECLAIMABLE, "GFP_RECLAIMABLE" }, { GF_MOVABLE, "GFP_MOVABLE" },
	{ GF_NOTRACK, "GFP_NOTRACK" }, { GF_NO_KSWAPD, "GFP_NO_KSWAPD" },
	{ GF_DIRECT_RECLAIM, "GFP_DIRECT_RECLAIM" },
	{ GF_KSWAPD_RECLAIM, "GFP_KSWAPD_RECLAIM" },
	{ GF_OTHER_NODE, "GFP_OTHER_NODE" },
};
const unsigned gfp_nr_trace_names =
	sizeof(gfp_trace_names) / sizeof(gfp_trace_names[0]);

const struct gfp_layout *gfp_layout(kver_t kv)
{
	unsigned i = gfp_nr_layouts - 1;

	while (i > 0 && kv < gfp_layouts[i].since)
		i--;
	return &gfp_layouts[i];
}

const char *gfp_flag_name(enum gfp_flag f, kver_t kv)
{
	/* "mm, tree wide: replace __GFP_REPEAT by __GFP_RETRY_MAYFAIL" */
	if (f == GF_RETRY_MAYFAIL && kv < V(4, 13))
		return "__GFP_REPEAT";
	return flag_names[f];
}

/* The definitions of include/linux/gfp.h, version by version. */
bool gfp_composite_mask(enum gfp_composite c, kver_t kv, uint32_t *mask)
{
	const uint32_t *b = gfp_layout(kv)->bit;
	bool wait_era = kv < V(4, 4);
	/* __GFP_WAIT before 4.4, __GFP_RECLAIM after */
	uint32_t reclaim = wait_era ? b[GF_WAIT] :
		b[GF_DIRECT_RECLAIM] | b[GF_KSWAPD_RECLAIM];
	uint32_t kernel = reclaim | b[GF_IO] | b[GF_FS];
	uint32_t user = kernel | b[GF_HARDWALL];
	uint32_t hum = user | b[GF_HIGHMEM] | b[GF_MOVABLE];
	uint32_t thp_light = (hum | b[GF_COMP] | b[GF_NOMEMALLOC] |
			      b[GF_NOWARN]) & ~reclaim;
	uint32_t m;

	switch (c) {
	case GC_ATOMIC:
		/* 6.3+ has no __GFP_ATOMIC: its layout bit is 0 */
		m = wait_era ? b[GF_HIGH] :
			b[GF_HIGH] | b[GF_ATOMIC] | b[GF_KSWAPD_RECLAIM];
		break;
	case GC_NOWAIT:
		/* "mm: Include __GFP_NOWARN in GFP_NOWAIT" (6.8) */
		m = wait_era ? 0 : b[GF_KSWAPD_RECLAIM] |
			(kv >= V(6, 8) ? b[GF_NOWARN] : 0);
		break;
	case GC_NOIO:
		m = reclaim;
		break;
	case GC_NOFS:
		m = reclaim | b[GF_IO];
		break;
	case GC_KERNEL:
		m = kernel;
		break;
	case GC_KERNEL_ACCOUNT:
		if (kv < V(4, 5))
			return false;
		m = kernel | b[GF_ACCOUNT];
		break;
	case GC_TEMPORARY:
		/* "mm: treewide: remove GFP_TEMPORARY allocation flag" (4.14) */
		if (kv >= V(4, 14))
			return false;
		m = kernel | b[GF_RECLAIMABLE];
		break;
	case GC_USER:
		m = user;
		break;
	case GC_HIGHUSER:
		m = user | b[GF_HIGHMEM];
		break;
	case GC_HIGHUSER_MOVABLE:
		m = hum;
		break;
	case GC_DMA:
		m = b[GF_DMA];
		break;
	case GC_DMA32:
		m = b[GF_DMA32];
		break;
	case GC_TRANSHUGE_LIGHT:
		if (kv < V(4, 8))
			return false;
		m = thp_light;
		break;
	case GC_TRANSHUGE:
		if (wait_era)
			m = hum | b[GF_COMP] | b[GF_NOMEMALLOC] |
				b[GF_NORETRY] | b[GF_NOWARN] | b[GF_NO_KSWAPD];
		else if (kv < V(4, 6))
			m = (hum | b[GF_COMP] | b[GF_NOMEMALLOC] |
			     b[GF_NORETRY] | b[GF_NOWARN]) &
				~b[GF_KSWAPD_RECLAIM];
		else if (kv < V(4, 8))	/* THP defrag rework */
			m = (hum | b[GF_COMP] | b[GF_NOMEMALLOC] |
			     b[GF_NORETRY] | b[GF_NOWARN]) & ~reclaim;
		else
			m = thp_light | b[GF_DIRECT_RECLAIM];
		break;
	case GC_IOFS:
		/* "mm, page_alloc: remove GFP_IOFS" (4.4) */
		if (!wait_era)
			return false;
		m = b[GF_IO] | b[GF_FS];
		break;
	case GC_RECLAIM:
		if (wait_era)
			return false;
		m = reclaim;
		break;
	default:
		return false;
	}
	*mask = m;
	return true;
}
