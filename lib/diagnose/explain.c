/* The verdict engine: a report's numbers through the version's rules.
 *
 * The node the arithmetic runs on is bookkeeping only: each zone gets the
 * printed free count, free CMA, watermarks (boost split off where it was
 * printed), lowmem_reserve, the highatomic reserve, and per order the
 * block count and which migratetype lists were non-empty (a free_list
 * head that is PFN_NIL or not — all __zone_watermark_ok() looks at).
 *
 * This file infers the kernel version and reasons to the verdict;
 * explain_node.c builds the node, explain_format.c says the result in
 * text and JSON.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "abi/gfp.h"
#include "abi/kver_rules.h"
#include "abi/printed.h"
#include "diagnose/explain.h"
#include "diagnose/explain_impl.h"

static void note(struct explanation *ex, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct explanation *ex, const char *fmt, ...)
{
	va_list ap;

	if (ex->nr_notes >= EXPLAIN_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(ex->notes[ex->nr_notes++], sizeof(ex->notes[0]), fmt, ap);
	va_end(ap);
}

/* ---- the kernel version -------------------------------------------------- */

/* Is kv one of the kernels that print what the report printed: each
 * field of its show_mem lines (abi/printed.c) and the forms of its
 * warn_alloc and dump_stack headers (abi/kver_rules.c)? */
static bool kv_allowed(const struct log_report *rep, kver_t kv)
{
	if (!printed_fields_fit(global_block_fields, nr_global_block_fields,
				rep->global_fields, kv) ||
	    !printed_fields_fit(node_line_fields, nr_node_line_fields,
				rep->node_fields, kv) ||
	    !printed_fields_fit(zone_line_fields, nr_zone_line_fields,
				rep->zone_fields, kv))
		return false;
	if ((rep->formats & LOGF_UID) && !kver_has(kv, KF_DUMP_STACK_UID))
		return false;
	if ((rep->formats & LOGF_NODEMASK) && !kver_has(kv, KF_WARN_ALLOC_NODEMASK))
		return false;
	/* a warn_alloc line without ", nodemask=" is older than that */
	if (rep->kind == LOG_ALLOC_FAILURE && rep->have_mask &&
	    !(rep->formats & LOGF_NODEMASK) && kver_has(kv, KF_WARN_ALLOC_NODEMASK))
		return false;
	return true;
}

/* Does anything the report printed tell kernel versions apart? */
static bool format_tells(const struct log_report *rep)
{
	return rep->formats ||
	       printed_fields_tell(global_block_fields, nr_global_block_fields,
				   rep->global_fields) ||
	       printed_fields_tell(node_line_fields, nr_node_line_fields,
				   rep->node_fields) ||
	       printed_fields_tell(zone_line_fields, nr_zone_line_fields,
				   rep->zone_fields);
}

static bool mask_fits(const struct log_report *rep, kver_t kv)
{
	char text[200], err[256];
	uint32_t m;

	if (!rep->have_mask || !rep->mask_named)
		return true;
	snprintf(text, sizeof(text), "0x%x(%s)", rep->mask, rep->mask_names);
	return gfp_parse(text, kv, &m, err, sizeof(err)) == 0;
}

kver_t explain_infer_kernel(const struct log_report *rep,
			    enum explain_kver_source *src, char *why,
			    size_t len)
{
	kver_t kv;
	char a[24], b[24];

	if (rep->release[0] && !kver_parse(rep->release, &kv)) {
		*src = KVS_RELEASE;
		snprintf(why, len, "from the dump_stack header (line %u): %s%s%s%s",
			 rep->release_line, rep->release,
			 kver_beyond_known(kv) ? "; newer than " : "",
			 kver_beyond_known(kv) ?
			 kver_format(KVER_NEWEST_KNOWN, a, sizeof(a)) : "",
			 kver_beyond_known(kv) ? ", whose rules are used" : "");
		return kv;
	}
	/* the supported lines the mask's names and the format allow */
	kver_t first = 0, last = 0;
	bool by_mask = rep->have_mask && rep->mask_named;
	for (int pass = 0; pass < 2 && !first; pass++) {
		for (const kver_t *k = kver_supported; *k; k++) {
			if (!kv_allowed(rep, *k) || (pass == 0 && !mask_fits(rep, *k)))
				continue;
			if (!first)
				first = *k;
			last = *k;
		}
		if (pass == 0 && first)
			break;
		by_mask = false;
	}
	if (!first || (!format_tells(rep) && !(rep->have_mask && rep->mask_named))) {
		*src = KVS_DEFAULT;
		snprintf(why, len, "nothing in the report names a version; "
			 "assumed %s (give --kernel)",
			 kver_format(KVER_DEFAULT, a, sizeof(a)));
		return KVER_DEFAULT;
	}
	*src = by_mask ? KVS_MASK : KVS_FORMAT;
	kver_format(first, a, sizeof(a));
	kver_format(last, b, sizeof(b));
	if (first == last)
		snprintf(why, len, "%s%s fits only %s", by_mask ? "mode " : "",
			 by_mask ? rep->mask_names : "the report's format", a);
	else
		snprintf(why, len, "%s%s%s fits %s to %s; assumed %s, the oldest "
			 "(give --kernel)", by_mask ? "0x" : "",
			 by_mask ? "" : "the report's format",
			 by_mask ? rep->mask_names : "", a, b, a);
	if (by_mask && first != last) {
		char m[200];
		snprintf(m, sizeof(m), "0x%x(%s)", rep->mask, rep->mask_names);
		snprintf(why, len, "%s fits the %s to %s lines; assumed %s, the "
			 "oldest (give --kernel)", m, a, b, a);
	}
	return first;
}

static void recommend(struct explanation *ex)
{
	const struct explain_usage *u = &ex->usage;
	bool atomic = ex->have_request && !ex->can_reclaim;
	bool high = ex->have_request && ex->order > 0;

	switch (ex->verdict) {
	case EV_CMA_ONLY:
		if (ex->migratetype != MIGRATE_MOVABLE)
			ex->recs |= REC_DMA_COHERENT;
		if (ex->rep->kind == LOG_OOM || ex->migratetype == MIGRATE_MOVABLE)
			ex->recs |= REC_CMA_SIZE;
		if (high)
			ex->recs |= REC_KVMALLOC;
		if (atomic)
			ex->recs |= REC_PREALLOCATE;
		break;
	case EV_FRAGMENTATION:
		ex->recs |= REC_COMPACTION | REC_KVMALLOC;
		if (atomic)
			ex->recs |= REC_PREALLOCATE | REC_MIN_FREE;
		break;
	case EV_HIGHATOMIC:
		ex->recs |= REC_COMPACTION;
		if (high)
			ex->recs |= REC_KVMALLOC;
		break;
	case EV_WATERMARK:
		ex->recs |= REC_MIN_FREE;
		if (atomic)
			ex->recs |= REC_PREALLOCATE | REC_SLEEPING_CTX;
		break;
	case EV_LOWMEM_RESERVE:
		if (ex->gfp & (__GFP_DMA | __GFP_DMA32))
			ex->recs |= REC_DMA_ZONE;
		break;
	case EV_NO_ZONE:
		ex->recs |= REC_DMA_ZONE;
		break;
	case EV_ORDER_TOO_LARGE:
		ex->recs |= REC_KVMALLOC | REC_DMA_COHERENT;
		break;
	case EV_NOT_PAGES:
		ex->recs |= REC_VMALLOC_SPACE;
		break;
	case EV_CMA_AREA:
		ex->recs |= REC_CMA_PINS | REC_PREALLOCATE;
		break;
	case EV_SHOULD_HAVE_SUCCEEDED:
		if (atomic)
			ex->recs |= REC_NOWARN | REC_MIN_FREE;
		break;
	default:
		break;
	}
	if (u->valid && ex->verdict != EV_DUMP &&
	    (explain_pct(u->untracked, u->managed) >= 10 ||
	     explain_pct(u->slab_unreclaimable, u->managed) >= 20 ||
	     explain_pct(u->anon, u->managed) >= 50))
		ex->recs |= REC_FIX_LEAK;
}

/* The request's zones, evaluated from the highest down. */
static void evaluate_zones(struct explanation *ex, const struct log_report *rep)
{
	struct pglist_data *pg = &ex->node;
	int highest = gfp_zone_idx(pg, ex->gfp);

	if (highest < 0) {
		note(ex, "the mask names two zones (__GFP_DMA, __GFP_DMA32, "
		     "__GFP_HIGHMEM): the kernel's gfp_zone() calls that a bug");
		highest = (int)pg->nr_zones - 1;
	}
	snprintf(ex->highest_zone, sizeof(ex->highest_zone), "%s",
		 pg->node_zones[highest].name);
	/* 5.8+: lowmem_reserve[highest_zoneidx]; before, the preferred zone's
	 * index (ac_classzone_idx()) */
	int classzone = highest;
	if (ex->kv < KVER(5, 8, 0)) {
		for (classzone = highest; classzone > 0; classzone--) {
			const char *nm = pg->node_zones[classzone].name;
			const struct log_zone *lz = log_find_zone(rep, nm);
			if (lz && lz->present_kb)
				break;
		}
	}
	unsigned reserve_idx = (unsigned)classzone;

	for (int idx = highest; idx >= 0; idx--) {
		for (unsigned i = 0; i < rep->nr_zones; i++) {
			const struct log_zone *lz = &rep->zones[i];
			if (explain_config_idx(pg, lz->name) != idx)
				continue;
			if (!(lz->have & (LZ_ZONE_LINE | LZ_BUDDY | LZ_BUDDY_CUT |
					  LZ_BUDDYINFO)))
				continue;
			if (ex->nr_zones >= LOG_MAX_ZONES)
				return;
			struct explain_zone *ez = &ex->zones[ex->nr_zones++];
			memset(ez, 0, sizeof(*ez));
			snprintf(ez->name, sizeof(ez->name), "%s", lz->name);
			ez->node = lz->node;
			ez->idx = (unsigned)idx;
			ez->wmark_unknown = !(lz->have & LZ_ZONE_LINE);
			struct zone *z = explain_load_zone(ex, lz, idx);
			ez->mark = explain_to_pages(ex, lz->min_kb);
			ez->low = explain_to_pages(ex, lz->low_kb);
			ez->high = explain_to_pages(ex, lz->high_kb);
			ez->boost = (long)z->watermark_boost;
			/* boost not printed (before 6.1): when low - min says
			 * the zone's own min is under half the printed one */
			if (!(lz->have & LZ_BOOST) && ez->low > ez->mark &&
			    4 * (ez->low - ez->mark) < ez->mark / 2)
				ez->boost_floor = ez->mark - 4 * (ez->low - ez->mark);
			zone_watermark_fast(z, ex->order, (unsigned long)ez->mark,
					    reserve_idx, ex->alloc_flags, ex->gfp,
					    &ez->seen);
			if (!(ex->alloc_flags & ALLOC_CMA))
				ez->cma = z->vm_stat[NR_FREE_CMA_PAGES];
			ez->highatomic = ez->seen.free_pages - ez->seen.usable -
					 ez->cma - ((1L << ex->order) - 1);
			if (ez->highatomic < 0)
				ez->highatomic = 0;
			explain_zone_blocks(ex, ez, lz);
			explain_judge_zone(ex, ez, lz);
		}
	}
}

static void primary_verdict(struct explanation *ex)
{
	long best = -1;

	ex->primary = -1;
	for (unsigned i = 0; i < ex->nr_zones; i++) {
		if (ex->zones[i].why == EV_SHOULD_HAVE_SUCCEEDED) {
			ex->primary = (int)i;
			ex->verdict = EV_SHOULD_HAVE_SUCCEEDED;
			return;
		}
	}
	/* the zone with the most free memory is the one that was expected */
	for (unsigned i = 0; i < ex->nr_zones; i++) {
		if (ex->zones[i].seen.free_pages > best) {
			best = ex->zones[i].seen.free_pages;
			ex->primary = (int)i;
		}
	}
	ex->verdict = ex->zones[ex->primary].why;
}

static void request_notes(struct explanation *ex, const struct log_report *rep)
{
	for (unsigned i = 0; i < ex->nr_zones; i++) {
		const struct explain_zone *z = &ex->zones[i];
		if (z->boost_floor > 0)
			note(ex, "%s: low - min is only %ld pages, so at most %ld "
			     "of min %ld is the zone's own watermark: at least %ld "
			     "pages of it are watermark_boost (raised after "
			     "pageblocks were stolen for fallbacks)", z->name,
			     z->low - z->mark, 4 * (z->low - z->mark), z->mark,
			     z->boost_floor);
		if (z->orders_unknown)
			note(ex, "%s: the buddy line is cut or missing; free "
			     "blocks of orders it does not show are unknown",
			     z->name);
		if (z->letters_unknown && !z->orders_unknown)
			note(ex, "%s: no migratetype letters (buddyinfo counts "
			     "only): every block was taken as usable", z->name);
	}
	const struct explain_zone *p = ex->primary >= 0 ? &ex->zones[ex->primary] : NULL;
	for (unsigned i = 0; i < ex->nr_zones && ex->order; i++) {
		const struct explain_zone *z = &ex->zones[i];
		if (z == p || z->why == ex->verdict)
			continue;
		if (z->why == EV_HIGHATOMIC && z->ge_ha_blocks)
			note(ex, "%s holds %lu free block%s of order >= %u, all in "
			     "the highatomic reserve, which this request may not "
			     "take", z->name, z->ge_ha_blocks,
			     z->ge_ha_blocks == 1 ? "" : "s", ex->order);
		else if (z->why == EV_CMA_ONLY && z->ge_cma_blocks)
			note(ex, "%s holds %lu free block%s of order >= %u, all "
			     "CMA, which this request may not take", z->name,
			     z->ge_cma_blocks, z->ge_cma_blocks == 1 ? "" : "s",
			     ex->order);
	}
	if (p && ex->verdict == EV_SHOULD_HAVE_SUCCEEDED) {
		bool below = true;
		for (unsigned i = 0; i < ex->nr_zones; i++)
			if (ex->zones[i].seen.free_pages > ex->zones[i].mark)
				below = false;
		if (below && (ex->alloc_flags & (ALLOC_HIGH | ALLOC_HARDER)))
			note(ex, "free is below the printed min watermark in every "
			     "zone; only the reserve discounts of this request "
			     "(__GFP_HIGH: -1/2, then -1/4) lift it over: a "
			     "request without them would have failed here, and "
			     "this one needed free memory only a little lower "
			     "than printed");
		if ((ex->alloc_flags & ALLOC_CMA) && rep->nr_zones) {
			struct zone *z = &ex->node.node_zones[p->idx];
			long cma = z->vm_stat[NR_FREE_CMA_PAGES];
			long rest = p->seen.usable - cma;
			if (cma && rest <= p->seen.min + p->seen.lowmem_reserve) {
				ex->recs |= REC_CMA_SIZE;
				note(ex, "without CMA, %s has %ld free pages, not "
				     "above min %ld + lowmem_reserve %ld: everything "
				     "above the watermark is CMA.  This request is "
				     "movable and may use CMA; if this kernel kept "
				     "it out of CMA (long-term pinned pages, "
				     "PF_MEMALLOC_NOCMA, a vendor change), that is "
				     "why it failed", p->name, rest, p->seen.min,
				     p->seen.lowmem_reserve);
			}
		}
		note(ex, "show_mem runs after the failing attempt: pages freed in "
		     "between (other CPUs, per-cpu lists) are in this snapshot, "
		     "and a cpuset, mempolicy or __GFP_THISNODE can narrow the "
		     "zones tried");
	}
	if (rep->kind == LOG_OOM)
		note(ex, "the OOM killer ran: reclaim made no progress at order "
		     "%u (all_unreclaimable? %s)", ex->order,
		     rep->all_unreclaimable < 0 ? "not printed" :
		     rep->all_unreclaimable ? "yes" : "no");
	if (ex->kv < KVER(4, 15, 0) && (ex->alloc_flags & ALLOC_HARDER) &&
	    ex->order && p && p->seen.watermark_ok && !p->rmqueue_block)
		note(ex, "on %u.%u the watermark check lets an ALLOC_HARDER "
		     "request pass on any free block of the order, CMA "
		     "included; __rmqueue() then finds none it may take",
		     KVER_MAJOR(ex->kv), KVER_MINOR(ex->kv));
	if (rep->kind == LOG_ALLOC_STALL)
		note(ex, "a stall report (%lu ms), not a failure: the request "
		     "was still being retried", rep->stall_ms);
}

static void explain_request(struct explanation *ex, const struct log_report *rep)
{
	uint32_t unknown = 0;

	ex->order = rep->order;
	ex->mask = rep->mask;
	ex->gfp = gfp_from_kernel(rep->mask, ex->kv, &unknown);
	gfp_format(rep->mask, ex->kv, ex->mask_text, sizeof(ex->mask_text));
	gfp_format_bits(rep->mask, ex->kv, ex->mask_bits, sizeof(ex->mask_bits));
	if (unknown)
		note(ex, "bits 0x%x of the mask mean nothing on this kernel "
		     "(vendor or config bits)", unknown);
	if (rep->mask_named && !mask_fits(rep, ex->kv)) {
		char v[24];
		note(ex, "the log names the mask %s, which is not how %s "
		     "numbers it: the version is probably wrong", rep->mask_names,
		     kver_format(ex->kv, v, sizeof(v)));
	}
	if (rep->kind == LOG_VMALLOC && !(ex->gfp & (__GFP_DMA | __GFP_DMA32)))
		ex->gfp |= __GFP_HIGHMEM;       /* the pages it asked for */
	ex->migratetype = gfp_migratetype(ex->gfp);
	ex->can_reclaim = (ex->gfp & __GFP_DIRECT_RECLAIM) != 0;
	ex->alloc_flags = gfp_to_alloc_flags(&ex->node, ex->gfp, ex->order);
	alloc_flags_format(ex->alloc_flags_text, sizeof(ex->alloc_flags_text),
			   ex->alloc_flags, ex->kv, ALLOC_NOFRAGMENT);
	/* the zone gfp_zone() names, until the printed zones say more */
	snprintf(ex->highest_zone, sizeof(ex->highest_zone), "%s",
		 (ex->gfp & __GFP_DMA) ? "DMA" : (ex->gfp & __GFP_DMA32) ? "DMA32" :
		 (ex->gfp & __GFP_HIGHMEM) ?
		 ((ex->gfp & __GFP_MOVABLE) ? "Movable" : "HighMem") : "Normal");
	/* pagefault_out_of_memory() builds its oom_control with no mask */
	if (rep->kind == LOG_OOM && !rep->mask && !rep->order)
		note(ex, "gfp_mask=0x0 with order 0 is pagefault_out_of_memory(): "
		     "a page fault handler returned VM_FAULT_OOM (a driver's "
		     "fault handler or a memory cgroup charge), not a failed "
		     "page allocation; the zones below were not what refused it");
	if (rep->kind == LOG_VMALLOC && rep->have_vm_allocated) {
		note(ex, "vmalloc takes its pages one by one (order 0, with "
		     "__GFP_NOWARN) and stopped after %lu of %lu bytes: one "
		     "page allocation failed there%s", rep->vm_allocated,
		     rep->vm_size, KVER_MAJOR(ex->kv) == 4 && KVER_MINOR(ex->kv) == 10 ?
		     ", or the task had a fatal signal pending, on which 4.10's "
		     "__vmalloc_area_node() stops (commit 5d17a73a2ebe)" : "");
	}
}

/* vmalloc messages that are not about pages */
static bool vmalloc_not_pages(const struct log_report *rep)
{
	const char *m = rep->message;

	if (rep->kind == LOG_VMAP)
		return true;
	return strstr(m, "vm_struct allocation failed") ||
	       (strstr(m, "allocation failure:") && strstr(m, " bytes") &&
		!strstr(m, "allocated"));
}

int explain_report(const struct log *log, unsigned i, kver_t kv,
		   struct explanation *ex, struct gfp_error *err)
{
	if (i >= log->nr_reports) {
		snprintf(err->msg, sizeof(err->msg), "report %u: the log has %u "
			 "report%s", i + 1, log->nr_reports,
			 log->nr_reports == 1 ? "" : "s");
		return -1;
	}
	const struct log_report *rep = &log->reports[i];

	memset(ex, 0, sizeof(*ex));
	ex->rep = rep;
	ex->number = i + 1;
	ex->primary = -1;
	if (kv) {
		ex->kv = kv;
		ex->kv_source = KVS_GIVEN;
		snprintf(ex->kv_detail, sizeof(ex->kv_detail), "given with --kernel");
	} else {
		ex->kv = explain_infer_kernel(rep, &ex->kv_source, ex->kv_detail,
					      sizeof(ex->kv_detail));
	}

	/* page size and orders from the buddy lines */
	for (unsigned z = 0; z < rep->nr_zones; z++) {
		const struct log_zone *lz = &rep->zones[z];
		if (lz->unit_kb && !ex->page_kb)
			ex->page_kb = (unsigned)lz->unit_kb;
		if ((lz->have & LZ_BUDDY) && lz->nr_orders > ex->nr_page_orders)
			ex->nr_page_orders = lz->nr_orders;
	}
	if (!ex->page_kb) {
		ex->page_kb = 4;
		if (rep->nr_zones && rep->kind != LOG_PAGETYPEINFO &&
		    rep->kind != LOG_BUDDYINFO)
			note(ex, "no buddy line gives the page size: 4 kB assumed");
	}
	if (!ex->nr_page_orders)
		ex->nr_page_orders = explain_default_orders(ex->page_kb);

	struct pglist_data *pg = &ex->node;
	pg->kv = ex->kv;
	pg->page_shift = (unsigned)__builtin_ctz(ex->page_kb) + 10;
	pg->nr_page_orders = ex->nr_page_orders;
	pg->pageblock_order = rep->have_pageblock ? rep->pageblock_order :
			      ex->nr_page_orders - 2;
	pg->nr_cpus = 1;
	explain_configure_zones(ex, rep);
	explain_usage_numbers(ex, rep);

	switch (rep->kind) {
	case LOG_SHOW_MEM:
	case LOG_BUDDYINFO:
	case LOG_PAGETYPEINFO:
		ex->verdict = EV_DUMP;
		explain_verdict_text(ex);
		return 0;
	case LOG_CMA:
		ex->verdict = EV_CMA_AREA;
		explain_verdict_text(ex);
		recommend(ex);
		return 0;
	default:
		break;
	}
	if (vmalloc_not_pages(rep)) {
		ex->verdict = EV_NOT_PAGES;
		explain_verdict_text(ex);
		recommend(ex);
		return 0;
	}
	if (rep->kind == LOG_VMALLOC && !rep->have_order)
		ex->order = 0;          /* vmalloc takes order-0 pages */
	ex->have_request = rep->have_mask && (rep->have_order || rep->kind == LOG_VMALLOC);
	if (!ex->have_request) {
		ex->verdict = EV_NO_NUMBERS;
		snprintf(ex->verdict_text, sizeof(ex->verdict_text), "the report "
			 "line is cut before its %s: the request is unknown",
			 rep->have_mask ? "order" : "gfp mask");
		return 0;
	}
	explain_request(ex, rep);
	if (!rep->have_order)
		ex->order = 0;
	if (ex->order >= ex->nr_page_orders) {
		ex->verdict = EV_ORDER_TOO_LARGE;
		explain_verdict_text(ex);
		recommend(ex);
		return 0;
	}
	if (!rep->mem_info || !rep->nr_zones) {
		ex->verdict = EV_NO_NUMBERS;
		explain_verdict_text(ex);
		return 0;
	}
	evaluate_zones(ex, rep);
	if (!ex->nr_zones) {
		ex->verdict = EV_NO_ZONE;
		explain_verdict_text(ex);
		recommend(ex);
		return 0;
	}
	primary_verdict(ex);
	explain_verdict_text(ex);
	request_notes(ex, rep);
	recommend(ex);
	return 0;
}

