/* The words for an explanation: the verdict's sentence, the
 * recommendations, and the whole as text (explain_format_text()) and as
 * JSON (explain_format_json()).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "abi/gfp.h"
#include "diagnose/explain.h"
#include "diagnose/explain_impl.h"

const char *const explain_verdict_names[EV_NR] = {
	[EV_SHOULD_HAVE_SUCCEEDED] = "should-have-succeeded",
	[EV_FRAGMENTATION] = "fragmentation",
	[EV_CMA_ONLY] = "cma-only",
	[EV_WATERMARK] = "below-watermark",
	[EV_HIGHATOMIC] = "highatomic-reserve",
	[EV_LOWMEM_RESERVE] = "lowmem-reserve",
	[EV_NO_ZONE] = "no-eligible-zone",
	[EV_ORDER_TOO_LARGE] = "order-too-large",
	[EV_NOT_PAGES] = "not-a-page-shortage",
	[EV_CMA_AREA] = "cma-area",
	[EV_NO_NUMBERS] = "no-numbers",
	[EV_DUMP] = "dump",
};

/* "an unmovable request" */
/* "an unmovable request" */
static const char *const mt_request[MIGRATE_TYPES] = {
	[MIGRATE_UNMOVABLE] = "an unmovable", [MIGRATE_MOVABLE] = "a movable",
	[MIGRATE_RECLAIMABLE] = "a reclaimable", [MIGRATE_HIGHATOMIC] = "a highatomic",
	[MIGRATE_CMA] = "a CMA", [MIGRATE_ISOLATE] = "an isolate",
};

unsigned explain_pct(unsigned long part, unsigned long whole)
{
	return whole ? (unsigned)(part * 100 / whole) : 0;
}

/* KiB → "633300 kB (618 MiB)" */
const char *explain_human_kb(unsigned long kb, char *buf, size_t len)
{
	if (kb >= 10 * 1024 * 1024)
		snprintf(buf, len, "%lu GiB", kb >> 20);
	else if (kb >= 10 * 1024)
		snprintf(buf, len, "%lu MiB", kb >> 10);
	else
		snprintf(buf, len, "%lu kB", kb);
	return buf;
}

/* "5", or "none" for -1 */
const char *explain_order_or_none(int order, char *buf, size_t len)
{
	if (order < 0)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%d", order);
	return buf;
}

/* ---- the verdict --------------------------------------------------------------- */

/* Every usable block of the order is on a CMA list, or only CMA is free. */
static void verdict_cma_only(const struct explanation *ex,
			const struct explain_zone *z, char *t, size_t n)
{
	char h1[32], h2[32];
	unsigned long block_kb = (unsigned long)ex->page_kb << ex->order;

	if (z->counts_ok || z->seen.watermark_ok || z->wmark_unknown)
		snprintf(t, n, "only CMA left: every free block of order "
			 ">= %u (%s) in %s is on a CMA list (%lu blocks, "
			 "%s), and %s request may not take CMA pages",
			 ex->order, explain_human_kb(block_kb, h1, sizeof(h1)),
			 z->name, z->ge_cma_blocks,
			 explain_human_kb(z->ge_cma_kb, h2, sizeof(h2)),
			 mt_request[ex->migratetype]);
	else
		snprintf(t, n, "only CMA left: %s has %ld free pages, %ld "
			 "of them CMA, which %s request may not use; "
			 "the other %ld are not above min %ld + "
			 "lowmem_reserve %ld", z->name, z->seen.free_pages,
			 z->cma, mt_request[ex->migratetype],
			 z->seen.usable, z->seen.min,
			 z->seen.lowmem_reserve);
}

/* Enough free pages, no free block of the order. */
static void verdict_fragmentation(const struct explanation *ex,
			const struct explain_zone *z, char *t, size_t n)
{
	char h1[32], h2[32];
	unsigned long block_kb = (unsigned long)ex->page_kb << ex->order;

	if (z->wmark_unknown)
		snprintf(t, n, "fragmentation: %s has %ld free pages by "
			 "its buddy line (no zone line: its watermark is "
			 "unknown), but no free block of order >= %u (%s) "
			 "on a list this request may take; the largest is "
			 "order %s", z->name, z->seen.free_pages, ex->order,
			 explain_human_kb(block_kb, h1, sizeof(h1)),
			 explain_order_or_none(z->largest_usable, h2, sizeof(h2)));
	else
		snprintf(t, n, "fragmentation: %s has %ld free pages, "
			 "enough for the watermark (min %ld), but no free "
			 "block of order >= %u (%s) on a list this request "
			 "may take; the largest free block is order %s",
			 z->name, z->seen.free_pages, z->seen.min, ex->order,
			 explain_human_kb(block_kb, h1, sizeof(h1)),
			 explain_order_or_none(z->largest_usable, h2, sizeof(h2)));
}

/* Below min + lowmem_reserve, with the watermark boost said apart. */
static void verdict_watermark(const struct explanation *ex,
			const struct explain_zone *z, char *t, size_t n)
{
	snprintf(t, n, "below the %swatermark: %s has %ld usable free "
		 "pages, not above min %ld (printed %ld%s) + lowmem_reserve "
		 "%ld", (ex->alloc_flags & (ALLOC_HIGH | ALLOC_HARDER)) ?
		 "atomic " : "", z->name, z->seen.usable, z->seen.min,
		 z->mark, z->seen.min != z->mark ?
		 ", after the reserve discounts" : "",
		 z->seen.lowmem_reserve);
	if (z->boost) {
		size_t l = strlen(t);
		snprintf(t + l, n - l, "; %ld of the printed min is "
			 "watermark_boost, raised after pageblocks were "
			 "stolen for fallbacks", z->boost);
	}
}

/* What the request needs is held in the highatomic reserve. */
static void verdict_highatomic(const struct explanation *ex,
			const struct explain_zone *z, char *t, size_t n)
{
	char h1[32];
	unsigned long block_kb = (unsigned long)ex->page_kb << ex->order;

	if (ex->order && z->ge_ha_blocks) {
		snprintf(t, n, "highatomic reserve trap: every free block "
			 "of order >= %u (%s) in %s is in the highatomic "
			 "reserve (%lu block%s, letter H), which this "
			 "request may not use", ex->order,
			 explain_human_kb(block_kb, h1, sizeof(h1)), z->name,
			 z->ge_ha_blocks, z->ge_ha_blocks == 1 ? "" : "s");
		return;
	}
	snprintf(t, n, "highatomic reserve trap: the free memory %s "
		 "needs in %s is held in the highatomic reserve (%ld "
		 "pages reserved), which this request may not use",
		 ex->order ? "of that order" : "", z->name,
		 z->highatomic ? z->highatomic :
		 (long)ex->node.node_zones[z->idx].nr_reserved_highatomic);
}

/* cma_alloc() found no free run in its area. */
static void verdict_cma_area(const struct explanation *ex,
			const struct explain_zone *z, char *t, size_t n)
{
	const struct log_report *rep = ex->rep;

	if (rep->have_cma_avail)
		snprintf(t, n, "the CMA area%s%s has %lu of %lu pages "
			 "free but no free run of %lu pages at the "
			 "alignment asked", rep->cma_name[0] ? " " : "",
			 rep->cma_name, rep->cma_free_pages,
			 rep->cma_total_pages, rep->cma_req_pages);
	else
		snprintf(t, n, "the CMA area%s%s has no free run of %lu "
			 "pages (ret %ld)", rep->cma_name[0] ? " " : "",
			 rep->cma_name, rep->cma_req_pages, rep->cma_ret);
}

/* What the report lacks for a verdict. */
static void verdict_no_numbers(const struct explanation *ex,
			const struct explain_zone *z, char *t, size_t n)
{
	if (z && z->wmark_unknown) {
		snprintf(t, n, "cannot tell: %s has a free block of order "
			 ">= %u on a list this request may take, but no "
			 "zone line gives its watermark", z->name, ex->order);
		return;
	}
	if (z) {
		snprintf(t, n, "cannot tell: %s has enough free pages "
			 "(%ld usable > min %ld + lowmem_reserve %ld), but its "
			 "buddy line is cut before order %u, so whether a "
			 "free block of that order existed is unknown",
			 z->name, z->seen.usable, z->seen.min,
			 z->seen.lowmem_reserve, ex->order);
		return;
	}
	snprintf(t, n, "the report carries no zone numbers (no show_mem "
		 "dump or it was cut): nothing to check the request "
		 "against");
}

void explain_verdict_text(struct explanation *ex)
{
	char *t = ex->verdict_text;
	size_t n = sizeof(ex->verdict_text);
	const struct explain_zone *z = ex->primary >= 0 ? &ex->zones[ex->primary] : NULL;
	const struct log_report *rep = ex->rep;
	char h1[32];

	switch (ex->verdict) {
	case EV_SHOULD_HAVE_SUCCEEDED:
		snprintf(t, n, "the snapshot says it should have succeeded: in "
			 "%s, %ld usable free pages are above min %ld + "
			 "lowmem_reserve %ld, and a free block of order >= %u is "
			 "on a list this request may take", z->name,
			 z->seen.usable, z->seen.min, z->seen.lowmem_reserve,
			 ex->order);
		break;
	case EV_CMA_ONLY:
		verdict_cma_only(ex, z, t, n);
		break;
	case EV_FRAGMENTATION:
		verdict_fragmentation(ex, z, t, n);
		break;
	case EV_WATERMARK:
		verdict_watermark(ex, z, t, n);
		break;
	case EV_HIGHATOMIC:
		verdict_highatomic(ex, z, t, n);
		break;
	case EV_LOWMEM_RESERVE:
		snprintf(t, n, "lowmem_reserve protection: %s has %ld usable free "
			 "pages, above min %ld but not above min + lowmem_reserve "
			 "%ld, which it keeps for requests that cannot use a "
			 "higher zone", z->name, z->seen.usable, z->seen.min,
			 z->seen.lowmem_reserve);
		break;
	case EV_NO_ZONE:
		snprintf(t, n, "no eligible zone: the request may use zones up "
			 "to %s, and the report prints none of them",
			 ex->highest_zone);
		break;
	case EV_ORDER_TOO_LARGE:
		snprintf(t, n, "order too large: order %u is beyond the largest "
			 "order this kernel has (%u, %s blocks); the allocator "
			 "refuses it without looking at free memory", ex->order,
			 ex->nr_page_orders - 1,
			 explain_human_kb((unsigned long)ex->page_kb << (ex->nr_page_orders - 1),
				  h1, sizeof(h1)));
		break;
	case EV_NOT_PAGES:
		snprintf(t, n, "not a page shortage: %s — the vmalloc address "
			 "space (or the area's metadata) ran out, not free pages",
			 rep->message);
		break;
	case EV_CMA_AREA:
		verdict_cma_area(ex, z, t, n);
		break;
	case EV_NO_NUMBERS:
		verdict_no_numbers(ex, z, t, n);
		break;
	case EV_DUMP:
		snprintf(t, n, "no failure in this %s; it shows the free blocks "
			 "per zone below", log_report_kind_names[rep->kind]);
		break;
	case EV_NR:
		break;
	}
}

/* ---- output ------------------------------------------------------------------ */

static const char *const rec_keys[] = {
	"dma-coherent", "kvmalloc", "preallocate", "fix-leak", "compaction",
	"min-free-kbytes", "sleeping-context", "cma-size", "vmalloc-space",
	"dma-api", "nowarn", "cma-pins",
};
#define NR_RECS (sizeof(rec_keys) / sizeof(rec_keys[0]))

/* The biggest consumer the counters show, for "fix the leak". */
static void leak_pointer(const struct explanation *ex, char *buf, size_t len)
{
	const struct explain_usage *u = &ex->usage;
	const struct log_report *rep = ex->rep;
	char h[32];

	if (explain_pct(u->untracked, u->managed) >= 10) {
		snprintf(buf, len, "%lu pages (%s, %u%% of managed) are in no "
			 "counter: pages drivers took straight from the page "
			 "allocator (alloc_pages, DMA/CMA buffers, GPU/ION), which "
			 "is where a leak hides; watch MemFree over time and the "
			 "drivers' allocations", u->untracked,
			 explain_human_kb(u->untracked * ex->page_kb, h, sizeof(h)),
			 explain_pct(u->untracked, u->managed));
	} else if (explain_pct(u->slab_unreclaimable, u->managed) >= 20) {
		snprintf(buf, len, "unreclaimable slab holds %lu pages (%s, %u%%): "
			 "look at /proc/slabinfo (slabtop) and kmemleak",
			 u->slab_unreclaimable,
			 explain_human_kb(u->slab_unreclaimable * ex->page_kb, h, sizeof(h)),
			 explain_pct(u->slab_unreclaimable, u->managed));
	} else {
		unsigned best = 0;
		for (unsigned i = 1; i < rep->nr_tasks; i++)
			if (rep->tasks[i].rss > rep->tasks[best].rss)
				best = i;
		int n = snprintf(buf, len, "user memory (anon) holds %lu pages "
				 "(%s, %u%% of managed)", u->anon,
				 explain_human_kb(u->anon * ex->page_kb, h, sizeof(h)),
				 explain_pct(u->anon, u->managed));
		if (rep->nr_tasks && n > 0 && (size_t)n < len)
			snprintf(buf + n, len - (size_t)n, "; the largest resident "
				 "in the OOM table is %s (%u process%s, %lu pages)",
				 rep->tasks[best].name, rep->tasks[best].nr,
				 rep->tasks[best].nr == 1 ? "" : "es",
				 rep->tasks[best].rss);
	}
}

static void rec_text(const struct explanation *ex, unsigned bit, char *buf,
		     size_t len)
{
	const struct explain_zone *z = ex->primary >= 0 ? &ex->zones[ex->primary] : NULL;
	unsigned long cma = ex->rep->pages_cma_reserved;
	char h[32];

	switch (bit) {
	case REC_DMA_COHERENT:
		snprintf(buf, len, "make the buffer CMA-eligible: a device buffer "
			 "from dma_alloc_coherent()/dma_alloc_attrs() comes out of "
			 "the CMA area (cma_alloc) instead of the unmovable free "
			 "lists; only __GFP_MOVABLE allocations may take free CMA "
			 "pages");
		break;
	case REC_KVMALLOC:
		snprintf(buf, len, "if it need not be physically contiguous, use "
			 "kvmalloc()/vmalloc(): order-0 pages instead of one "
			 "order-%u block%s", ex->order, ex->can_reclaim ? "" :
			 " (vmalloc may sleep: not from this atomic context)");
		break;
	case REC_PREALLOCATE:
		snprintf(buf, len, "allocate it early (probe or boot) while large "
			 "blocks exist and keep it, or use a mempool; and check the "
			 "result for NULL so a failure is not a crash");
		break;
	case REC_FIX_LEAK:
		leak_pointer(ex, buf, len);
		break;
	case REC_COMPACTION:
		snprintf(buf, len, "compaction rebuilds large blocks from movable "
			 "pages: echo 1 > /proc/sys/vm/compact_memory, or "
			 "vm.compaction_proactiveness (5.9+)%s", ex->can_reclaim ? "" :
			 "; an atomic request cannot compact for itself");
		break;
	case REC_MIN_FREE:
		snprintf(buf, len, "raise vm.min_free_kbytes (and "
			 "vm.watermark_scale_factor) so kswapd keeps more free ahead "
			 "of bursts%s", z ? "" : "");
		break;
	case REC_SLEEPING_CTX:
		snprintf(buf, len, "allocate from a context that may sleep "
			 "(GFP_KERNEL in a workqueue) so reclaim can run");
		break;
	case REC_CMA_SIZE:
		snprintf(buf, len, "the CMA reservation (%lu pages, %s) serves only "
			 "movable pages and cma_alloc(); if the workload cannot use "
			 "it, make cma= smaller", cma,
			 explain_human_kb(cma * ex->page_kb, h, sizeof(h)));
		break;
	case REC_VMALLOC_SPACE:
		snprintf(buf, len, "look for vmalloc areas never freed "
			 "(/proc/vmallocinfo); on 32-bit, vmalloc=<size> enlarges "
			 "the space");
		break;
	case REC_DMA_ZONE:
		snprintf(buf, len, "ask for DMA-able memory through the DMA API "
			 "(dma_alloc_coherent with the device's dma_mask) instead of "
			 "GFP_DMA/GFP_DMA32 zones");
		break;
	case REC_NOWARN:
		snprintf(buf, len, "if the caller copes with the failure (a "
			 "network refill retries), __GFP_NOWARN keeps it out of the "
			 "log");
		break;
	case REC_CMA_PINS:
		snprintf(buf, len, "free CMA pages with no run long enough mean "
			 "unmovable or pinned pages inside the area: look for "
			 "long-term pins (get_user_pages) and long-lived cma_alloc "
			 "users, or give the device its own area");
		break;
	default:
		buf[0] = '\0';
	}
}

static const char *kvs_name(enum explain_kver_source s)
{
	static const char *const n[] = { "given", "release", "mask", "format",
					 "default" };
	return n[s];
}

static void text_zone(const struct explanation *ex, const struct explain_zone *z,
		      struct sbuf *sb)
{
	const struct zone_attempt *s = &z->seen;
	char h[32];
	long tail = (1L << ex->order) - 1;

	sb_printf(sb, "  %s: free %ld pages (%s)", z->name, s->free_pages,
		  explain_human_kb((unsigned long)s->free_pages * ex->page_kb, h, sizeof(h)));
	if (z->cma || ex->node.node_zones[z->idx].vm_stat[NR_FREE_CMA_PAGES])
		sb_printf(sb, ", CMA %ld", ex->node.node_zones[z->idx].vm_stat[NR_FREE_CMA_PAGES]);
	if (ex->node.node_zones[z->idx].nr_reserved_highatomic)
		sb_printf(sb, ", highatomic reserve %lu",
			  ex->node.node_zones[z->idx].nr_reserved_highatomic);
	if (z->wmark_unknown) {
		sb_printf(sb, " by its buddy line\n    no zone line: min, "
			  "lowmem_reserve and free CMA unknown\n");
		goto blocks;
	}
	sb_printf(sb, "\n    min %ld (low %ld, high %ld%s)", z->mark, z->low,
		  z->high, z->boost ? ", boost included" : "");
	if (s->min != z->mark)
		sb_printf(sb, " -> %ld after this request's reserve discounts", s->min);
	sb_printf(sb, "; lowmem_reserve %ld\n", s->lowmem_reserve);
	sb_printf(sb, "    usable %ld = free %ld", s->usable, s->free_pages);
	if (z->cma)
		sb_printf(sb, " - CMA %ld", z->cma);
	if (z->highatomic)
		sb_printf(sb, " - highatomic %ld", z->highatomic);
	if (tail && s->usable != s->free_pages)
		sb_printf(sb, " - order tail %ld", tail);
	sb_printf(sb, "; %s %ld + %ld: %s\n", z->counts_ok ? ">" : "<=",
		  s->min, s->lowmem_reserve,
		  z->counts_ok ? "enough pages" : "too few pages");
blocks:
	sb_printf(sb, "    blocks >= order %u: %lu (%s)", ex->order, z->ge_blocks,
		  explain_human_kb(z->ge_kb, h, sizeof(h)));
	if (z->ge_cma_blocks)
		sb_printf(sb, ", %lu of them CMA only", z->ge_cma_blocks);
	if (z->ge_ha_blocks)
		sb_printf(sb, ", %lu highatomic only", z->ge_ha_blocks);
	if (z->largest_any < 0)
		sb_printf(sb, "; no free block at all%s\n", z->orders_unknown ?
			  " in the orders printed" : "");
	else
		sb_printf(sb, "; largest free order %d, largest this request may "
			  "take %s%s\n", z->largest_any,
			  explain_order_or_none(z->largest_usable, h, sizeof(h)),
			  z->orders_unknown ? " (buddy line cut: higher orders unknown)" : "");
	sb_printf(sb, "    -> %s\n", explain_verdict_names[z->why]);
}

static void text_dump(const struct explanation *ex, struct sbuf *sb)
{
	const struct log_report *rep = ex->rep;

	for (unsigned i = 0; i < rep->nr_zones; i++) {
		const struct log_zone *z = &rep->zones[i];
		int largest = -1;
		unsigned orders = z->nr_orders > z->pt_orders ? z->nr_orders : z->pt_orders;
		for (unsigned o = 0; o < orders; o++) {
			unsigned long n = z->nr_free[o];
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				n += z->pt_free[o][mt];
			if (n)
				largest = (int)o;
		}
		sb_printf(sb, "  %s: largest free order %d", z->name, largest);
		if (z->have & LZ_PAGETYPES) {
			sb_printf(sb, "; by type:");
			for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
				int lt = -1;
				if (!(z->pt_types & (1u << mt)))
					continue;
				for (unsigned o = 0; o < z->pt_orders; o++)
					if (z->pt_free[o][mt])
						lt = (int)o;
				sb_printf(sb, " %s %d", migratetype_names[mt], lt);
			}
		}
		if (z->have & LZ_BLOCKS) {
			sb_printf(sb, "; pageblocks:");
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				if (z->pt_blocks[mt])
					sb_printf(sb, " %s %lu", migratetype_names[mt],
						  z->pt_blocks[mt]);
		}
		sb_printf(sb, "\n");
	}
}

void explain_format_text(const struct explanation *ex, struct sbuf *sb)
{
	const struct log_report *rep = ex->rep;
	char v[24], h[32], buf[600];

	sb_printf(sb, "Report %u, lines %u-%u: %s\n", ex->number, rep->first_line,
		  rep->last_line, log_report_kind_names[rep->kind]);
	if (ex->have_request) {
		sb_printf(sb, "  task %s: order %u (%s), mode:%s\n",
			  rep->comm[0] ? rep->comm : "?", ex->order,
			  explain_human_kb((unsigned long)ex->page_kb << ex->order, h, sizeof(h)),
			  ex->mask_text);
		if (!rep->mask_named && ex->mask_bits[0])
			sb_printf(sb, "  mode bits (the kernel printed no names): %s\n",
				  ex->mask_bits);
		if (rep->kind == LOG_VMALLOC && rep->vm_size)
			sb_printf(sb, "  vmalloc of %lu bytes%s\n", rep->vm_size,
				  rep->have_vm_allocated ? " (part allocated)" : "");
	} else if (rep->message[0]) {
		sb_printf(sb, "  %s%s%s\n", rep->comm, rep->comm[0] ? ": " : "",
			  rep->message);
	}
	if (ex->verdict != EV_DUMP)
		sb_printf(sb, "  kernel %s: %s\n", kver_format(ex->kv, v, sizeof(v)),
			  ex->kv_detail);
	if (ex->have_request) {
		sb_printf(sb, "  request: %s, zones %s and below, %s; %s\n",
			  migratetype_names[ex->migratetype], ex->highest_zone,
			  ex->alloc_flags_text, ex->can_reclaim ?
			  "may reclaim and compact" :
			  "no direct reclaim: it fails without reclaim or compaction");
	}
	sb_printf(sb, "\nVerdict: %s.\n", ex->verdict_text);

	if (ex->nr_zones) {
		sb_printf(sb, "\nZones the request may use, highest first:\n");
		for (unsigned i = 0; i < ex->nr_zones; i++)
			text_zone(ex, &ex->zones[i], sb);
	}
	if (ex->verdict == EV_DUMP)
		text_dump(ex, sb);

	const struct explain_usage *u = &ex->usage;
	if (u->valid && ex->verdict != EV_DUMP) {
		sb_printf(sb, "\nWhere the memory is (pages, of %lu managed):\n",
			  u->managed);
		sb_printf(sb, "  free %lu (%u%%)", u->free, explain_pct(u->free, u->managed));
		if (rep->counters[GF_FREE_CMA])
			sb_printf(sb, ", of it CMA %lu: not CMA %lu",
				  rep->counters[GF_FREE_CMA], u->non_cma_free);
		sb_printf(sb, "\n  anon %lu (%u%%), file %lu (%u%%), unevictable %lu, "
			  "slab %lu reclaimable + %lu unreclaimable (%u%%), "
			  "pagetables %lu, kernel stacks %lu\n",
			  u->anon, explain_pct(u->anon, u->managed), u->file,
			  explain_pct(u->file, u->managed), u->unevictable,
			  u->slab_reclaimable, u->slab_unreclaimable,
			  explain_pct(u->slab_unreclaimable, u->managed), u->pagetables,
			  u->kernel_stack);
		sb_printf(sb, "  in no counter: %lu (%u%%)", u->untracked,
			  explain_pct(u->untracked, u->managed));
		if (u->cma_reserved)
			sb_printf(sb, "; CMA reserved %lu (%u%%)", u->cma_reserved,
				  explain_pct(u->cma_reserved, u->managed));
		sb_printf(sb, "\n");
	}
	if (ex->recs) {
		sb_printf(sb, "\nWhat to do:\n");
		for (unsigned b = 0; b < NR_RECS; b++) {
			if (!(ex->recs & (1u << b)))
				continue;
			rec_text(ex, 1u << b, buf, sizeof(buf));
			sb_printf(sb, "  - %s\n", buf);
		}
	}
	if (ex->nr_notes) {
		sb_printf(sb, "\nNotes:\n");
		for (unsigned i = 0; i < ex->nr_notes; i++)
			sb_printf(sb, "  - %s\n", ex->notes[i]);
	}
}

static void json_key(struct sbuf *sb, const char *key, const char *val)
{
	sb_printf(sb, "\"%s\":", key);
	sb_json_string(sb, val);
}

void explain_format_json(const struct explanation *ex, struct sbuf *sb)
{
	const struct log_report *rep = ex->rep;
	char v[24], buf[600];

	sb_printf(sb, "{\"report\":%u,", ex->number);
	json_key(sb, "kind", log_report_kind_names[rep->kind]);
	sb_printf(sb, ",\"first_line\":%u,\"last_line\":%u,", rep->first_line,
		  rep->last_line);
	json_key(sb, "comm", rep->comm);
	sb_puts(sb, ",");
	json_key(sb, "kernel", kver_format(ex->kv, v, sizeof(v)));
	sb_puts(sb, ",");
	json_key(sb, "kernel_source", kvs_name(ex->kv_source));
	sb_puts(sb, ",");
	json_key(sb, "kernel_detail", ex->kv_detail);
	if (ex->have_request) {
		sb_printf(sb, ",\"order\":%u,\"mask\":\"0x%x\",", ex->order, ex->mask);
		json_key(sb, "mode", ex->mask_text);
		sb_puts(sb, ",");
		json_key(sb, "mode_bits", ex->mask_bits);
		sb_puts(sb, ",");
		json_key(sb, "migratetype", migratetype_names[ex->migratetype]);
		sb_puts(sb, ",");
		json_key(sb, "alloc_flags", ex->alloc_flags_text);
		sb_printf(sb, ",\"can_reclaim\":%s,", ex->can_reclaim ? "true" : "false");
		json_key(sb, "highest_zone", ex->highest_zone);
	}
	if (rep->message[0]) {
		sb_puts(sb, ",");
		json_key(sb, "message", rep->message);
	}
	sb_printf(sb, ",\"page_kb\":%u,\"nr_page_orders\":%u,", ex->page_kb,
		  ex->nr_page_orders);
	json_key(sb, "verdict", explain_verdict_names[ex->verdict]);
	sb_puts(sb, ",");
	json_key(sb, "verdict_text", ex->verdict_text);
	if (ex->primary >= 0) {
		sb_puts(sb, ",");
		json_key(sb, "verdict_zone", ex->zones[ex->primary].name);
	}
	sb_puts(sb, ",\"zones\":[");
	for (unsigned i = 0; i < ex->nr_zones; i++) {
		const struct explain_zone *z = &ex->zones[i];
		const struct zone_attempt *s = &z->seen;
		sb_printf(sb, "%s{", i ? "," : "");
		json_key(sb, "name", z->name);
		sb_printf(sb, ",\"node\":%d,", z->node);
		json_key(sb, "verdict", explain_verdict_names[z->why]);
		sb_printf(sb, ",\"free\":%ld,\"free_cma\":%ld,\"cma_left_out\":%ld,"
			  "\"highatomic_left_out\":%ld,\"min_printed\":%ld,"
			  "\"low\":%ld,\"high\":%ld,\"boost\":%ld,\"boost_floor\":%ld,"
			  "\"min\":%ld,\"lowmem_reserve\":%ld,\"usable\":%ld,"
			  "\"enough_pages\":%s,\"watermark_ok\":%s,\"block_ok\":%s,"
			  "\"largest_order\":%d,\"largest_usable_order\":%d,"
			  "\"blocks_ge_order\":%lu,\"kb_ge_order\":%lu,"
			  "\"cma_blocks_ge_order\":%lu,\"highatomic_blocks_ge_order\":%lu,"
			  "\"orders_unknown\":%s,\"zone_line\":%s}",
			  s->free_pages,
			  ex->node.node_zones[z->idx].vm_stat[NR_FREE_CMA_PAGES],
			  z->cma, z->highatomic, z->mark, z->low, z->high, z->boost,
			  z->boost_floor, s->min, s->lowmem_reserve, s->usable,
			  z->counts_ok && !z->wmark_unknown ? "true" : "false",
			  s->watermark_ok && !z->wmark_unknown ? "true" : "false",
			  z->rmqueue_block ? "true" : "false", z->largest_any,
			  z->largest_usable, z->ge_blocks, z->ge_kb, z->ge_cma_blocks,
			  z->ge_ha_blocks, z->orders_unknown ? "true" : "false",
			  z->wmark_unknown ? "false" : "true");
	}
	sb_puts(sb, "]");
	const struct explain_usage *u = &ex->usage;
	if (u->valid)
		sb_printf(sb, ",\"usage\":{\"managed\":%lu,\"free\":%lu,"
			  "\"free_cma\":%lu,\"anon\":%lu,\"file\":%lu,"
			  "\"unevictable\":%lu,\"slab_reclaimable\":%lu,"
			  "\"slab_unreclaimable\":%lu,\"pagetables\":%lu,"
			  "\"kernel_stack\":%lu,\"untracked\":%lu,"
			  "\"cma_reserved\":%lu}", u->managed, u->free,
			  rep->counters[GF_FREE_CMA], u->anon, u->file,
			  u->unevictable, u->slab_reclaimable,
			  u->slab_unreclaimable, u->pagetables, u->kernel_stack,
			  u->untracked, u->cma_reserved);
	sb_puts(sb, ",\"recommendations\":[");
	bool first = true;
	for (unsigned b = 0; b < NR_RECS; b++) {
		if (!(ex->recs & (1u << b)))
			continue;
		rec_text(ex, 1u << b, buf, sizeof(buf));
		sb_printf(sb, "%s{", first ? "" : ",");
		json_key(sb, "id", rec_keys[b]);
		sb_puts(sb, ",");
		json_key(sb, "text", buf);
		sb_puts(sb, "}");
		first = false;
	}
	sb_puts(sb, "],\"notes\":[");
	for (unsigned i = 0; i < ex->nr_notes; i++) {
		if (i)
			sb_puts(sb, ",");
		sb_json_string(sb, ex->notes[i]);
	}
	sb_puts(sb, "]}");
}
