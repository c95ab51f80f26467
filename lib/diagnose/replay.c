/* Replay: a report's machine and heap as a profile, and a node booted
 * from it.  The profile text is built with machine_set() and printed with
 * machine_describe(), so that what this process boots and what the shim
 * boots from the written file are one description.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diagnose/explain.h"
#include "mm/initial_state.h"
#include "abi/kver.h"
#include "base/error.h"
#include "base/prim.h"
#include "abi/buddy_line.h"
#include "diagnose/replay.h"
#include "mm/zone_load.h"
#include "report/report.h"
#include "mm/node.h"

static void how_add(struct replay *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void how_add(struct replay *r, const char *fmt, ...)
{
	size_t n = strlen(r->how);
	va_list ap;

	if (n + 1 >= sizeof(r->how))
		return;
	va_start(ap, fmt);
	vsnprintf(r->how + n, sizeof(r->how) - n, fmt, ap);
	va_end(ap);
}

/* ---- choosing the report -------------------------------------------------- */

static bool has_free_lists(const struct log_report *rep)
{
	for (unsigned i = 0; i < rep->nr_zones; i++)
		if (rep->zones[i].have & (LZ_BUDDY | LZ_PAGETYPES))
			return true;
	return false;
}

static bool is_event(const struct log_report *rep)
{
	return rep->kind != LOG_SHOW_MEM && rep->kind != LOG_BUDDYINFO &&
	       rep->kind != LOG_PAGETYPEINFO;
}

int replay_pick(struct replay *r, const struct log *log, unsigned n,
		struct gfp_error *err)
{
	memset(r, 0, sizeof(*r));
	r->log = log;
	if (!log->nr_reports) {
		gfp_error_set(err, "no report in the log (no page allocation failure, "
			      "OOM-killer header, show_mem, buddyinfo or pagetypeinfo "
			      "dump)");
		return -1;
	}
	if (n > log->nr_reports) {
		gfp_error_set(err, "--report %u: the log has %u report%s", n,
			      log->nr_reports, log->nr_reports == 1 ? "" : "s");
		return -1;
	}
	if (!n) {
		for (unsigned i = 0; i < log->nr_reports && !n; i++)
			if (has_free_lists(&log->reports[i]))
				n = i + 1;
		if (!n) {
			gfp_error_set(err, "none of the log's %u reports has a buddy line "
				      "(\"Zone: N*4kB (UM) … = NkB\") or a pagetypeinfo "
				      "dump; the free lists cannot be rebuilt",
				      log->nr_reports);
			return -1;
		}
	}
	r->index = n;
	r->rep = &log->reports[n - 1];
	if (r->rep->kind == LOG_BUDDYINFO) {
		gfp_error_set(err, "report %u (line %u) is /proc/buddyinfo, which has no "
			      "migratetypes; expected a report with a buddy line or a "
			      "pagetypeinfo dump", n, r->rep->first_line);
		return -1;
	}
	if (!has_free_lists(r->rep)) {
		gfp_error_set(err, "report %u (%s, line %u) has no buddy line and no "
			      "pagetypeinfo; its free lists cannot be rebuilt", n,
			      log_report_kind_names[r->rep->kind], r->rep->first_line);
		return -1;
	}
	for (unsigned i = 0; i < r->rep->nr_zones; i++)
		if (r->rep->zones[i].have & LZ_BUDDY_CUT) {
			gfp_error_set(err, "report %u: the buddy line of zone %s (line %u) "
				      "is cut short after order %u; expected the whole "
				      "line, up to \"= TOTALkB\"", n, r->rep->zones[i].name,
				      r->rep->zones[i].buddy_line,
				      r->rep->zones[i].nr_orders - 1);
			return -1;
		}
	/* a pagetypeinfo dump of the report itself, or right after it */
	if (r->rep->kind == LOG_PAGETYPEINFO) {
		r->pagetypes = r->rep;
	} else {
		for (unsigned i = n; i < log->nr_reports; i++) {
			const struct log_report *p = &log->reports[i];
			if (is_event(p))
				break;
			if (p->kind == LOG_PAGETYPEINFO) {
				r->pagetypes = p;
				break;
			}
		}
	}
	return 0;
}

/* ---- inferring the machine ------------------------------------------------ */

/* The Call trace's style: arm64 prints "Call trace:", x86 "Call Trace:",
 * 32-bit ARM "(func) from [<addr>]", and each arch's entry symbols. */
static const char *infer_arch(const struct log *log,
			      const struct log_report *rep, unsigned page_shift)
{
	const char *arch = NULL;

	if (page_shift != 12)
		return "arm64";
	for (unsigned i = 0; i < log->nr_records && !arch; i++) {
		unsigned line = log->records[i].lineno;
		const char *t = log_record_text(log, i);
		if (line < rep->first_line || line > rep->last_line)
			continue;
		if (strstr(t, "csky_"))
			arch = "csky";
		else if (strstr(t, ") from [<") || strstr(t, "__irq_svc") ||
			 strstr(t, "ret_fast_syscall"))
			arch = "arm";
		else if (strstr(t, "Call trace:") || strstr(t, "el0_svc") ||
			 strstr(t, "dump_backtrace"))
			arch = "arm64";
		else if (strstr(t, "entry_SYSCALL_64") ||
			 strstr(t, "do_syscall_64") || strstr(t, "<TASK>") ||
			 strstr(t, "RIP: "))
			arch = "x86_64";
	}
	return arch;
}

static unsigned shift_of_kb(unsigned long kb)
{
	switch (kb) {
	case 4: return 12;
	case 16: return 14;
	case 64: return 16;
	default: return 0;
	}
}

/* The configured zones: the printed ones, then the ones a kernel of this
 * arch builds with, until there are as many as lowmem_reserve[] columns. */
static unsigned zone_set(const char *arch, const struct log_report *rep,
			 unsigned nr)
{
	static const enum zone_type fill32[] = { ZONE_NORMAL, ZONE_HIGHMEM,
		ZONE_MOVABLE, ZONE_DMA };
	static const enum zone_type fill64[] = { ZONE_MOVABLE, ZONE_NORMAL,
		ZONE_DMA32, ZONE_DMA, ZONE_DEVICE };
	bool is32 = !strcmp(arch, "arm") || !strcmp(arch, "csky");
	const enum zone_type *fill = is32 ? fill32 : fill64;
	size_t nfill = is32 ? 4 : 5;
	unsigned mask = 0;

	for (unsigned i = 0; i < rep->nr_zones; i++) {
		int t = log_zone_type(rep->zones[i].name);
		if (t >= 0)
			mask |= 1u << t;
	}
	for (size_t i = 0; i < nfill && (unsigned)__builtin_popcount(mask) < nr; i++)
		mask |= 1u << fill[i];
	return mask;
}

static int set(struct machine_desc *d, const char *key, const char *where,
	       struct gfp_error *err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int set(struct machine_desc *d, const char *key, const char *where,
	       struct gfp_error *err, const char *fmt, ...)
{
	char value[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	return machine_set(d, key, value, where, err);
}

static const struct log_zone *first_buddy(const struct log_report *rep)
{
	for (unsigned i = 0; i < rep->nr_zones; i++)
		if (rep->zones[i].have & LZ_BUDDY)
			return &rep->zones[i];
	return NULL;
}

/* A built-in profile with the log's release and zones. */
static const struct machine_desc *matching_profile(const struct log_report *rep)
{
	if (!rep->release[0])
		return NULL;
	for (const char *const *n = machine_profile_names; *n; n++) {
		const struct machine_desc *d = machine_profile(*n);
		bool ok = strcmp(d->release, rep->release) == 0;
		unsigned zones = 0;
		for (unsigned i = 0; ok && i < rep->nr_zones; i++) {
			const struct log_zone *z = &rep->zones[i];
			int t = log_zone_type(z->name);
			if (!(z->have & LZ_ZONE_LINE))
				continue;
			ok = false;
			for (unsigned k = 0; k < d->nr_zones; k++)
				if ((int)d->zones[k].type == t &&
				    d->zones[k].size >> 10 == z->present_kb &&
				    (d->zones[k].size - d->zones[k].reserved) >> 10 ==
				    z->managed_kb)
					ok = true;
			zones++;
		}
		if (ok && zones)
			return d;
	}
	return NULL;
}

static int infer_machine(struct replay *r, const char *kernel,
			 const char *where, struct machine_desc *d,
			 struct gfp_error *err)
{
	const struct log_report *rep = r->rep;
	const struct log_zone *bz = first_buddy(rep);
	unsigned shift = bz ? shift_of_kb(bz->unit_kb) : 12;
	const char *arch;
	char rel[80];

	if (!shift) {
		gfp_error_set(err, "%s: the buddy line of zone %s counts %lukB blocks at "
			      "order 0; expected 4kB, 16kB or 64kB pages", where,
			      bz->name, bz->unit_kb);
		return -1;
	}
	unsigned nr_reserve = 0;
	bool numa = false;
	for (unsigned i = 0; i < rep->nr_zones; i++) {
		const struct log_zone *z = &rep->zones[i];
		if (z->have & LZ_RESERVE)
			nr_reserve = z->nr_reserve;
		if (z->node >= 0)
			numa = true;
		if (!(z->have & LZ_ZONE_LINE)) {
			gfp_error_set(err, "%s: no zone line (\"%s free:…kB min:… "
				      "present:… managed:…\") for zone %s; expected one, "
				      "or --profile naming the machine", where, z->name,
				      z->name);
			return -1;
		}
	}

	char why[200] = "";
	if (kernel) {
		snprintf(rel, sizeof(rel), "%s", kernel);
	} else {
		/* the dump_stack release, else the versions the mask and the
		 * report's format fit (explain's inference) */
		enum explain_kver_source src;
		kver_t kv = explain_infer_kernel(rep, &src, why, sizeof(why));
		if (src == KVS_DEFAULT) {
			gfp_error_set(err, "%s: nothing in the report names a kernel "
				      "version (no dump_stack \"CPU: … Comm: …\" line, "
				      "no mask names); expected --kernel VERSION", where);
			return -1;
		}
		if (src == KVS_RELEASE)
			snprintf(rel, sizeof(rel), "%s", rep->release);
		else
			kver_format(kv, rel, sizeof(rel));
	}
	arch = infer_arch(r->log, rep, shift);
	if (!arch)
		arch = "x86_64";

	*d = *machine_profile("default");
	d->initial[0] = '\0';
	if (set(d, "name", where, err, "replay") ||
	    set(d, "arch", where, err, "%s", arch) ||
	    set(d, "page_size", where, err, "%luK", 1UL << (shift - 10)) ||
	    set(d, "kernel", where, err, "%s", rel) ||
	    set(d, "hardware", where, err, "%s", rep->hardware) ||
	    set(d, "numa", where, err, "%s", numa ? "yes" : "no") ||
	    set(d, "cpus", where, err, "1") ||
	    set(d, "thp", where, err, "no"))
		return -1;
	if (bz && set(d, "nr_page_orders", where, err, "%u", bz->nr_orders))
		return -1;
	if (r->pagetypes && r->pagetypes->have_pageblock &&
	    set(d, "pageblock_order", where, err, "%u",
		r->pagetypes->pageblock_order))
		return -1;

	/* zones in address order, each from the end of the one before,
	 * aligned to the largest buddy block (x86_64: DMA32 from 16M,
	 * Normal from 4G) */
	unsigned mask = zone_set(arch, rep, nr_reserve ? nr_reserve :
				 (unsigned)rep->nr_zones);
	char list[96] = "";
	for (int t = 0; t < NR_ZONE_TYPES; t++)
		if (mask & (1u << t)) {
			strcat(list, list[0] ? " " : "");
			strcat(list, zone_type_names[t]);
		}
	if (set(d, "zones", where, err, "%s", list))
		return -1;
	uint64_t align = 1ULL << (shift + machine_nr_page_orders(d) - 1);
	uint64_t at = 0;
	unsigned long min_kb = 0;
	const struct log_zone *big = NULL;
	for (int t = 0; t < NR_ZONE_TYPES; t++) {
		for (unsigned i = 0; i < rep->nr_zones; i++) {
			const struct log_zone *z = &rep->zones[i];
			if (log_zone_type(z->name) != t)
				continue;
			if (!strcmp(arch, "x86_64") && t == ZONE_DMA32 && at < (16ULL << 20))
				at = 16ULL << 20;
			if (!strcmp(arch, "x86_64") && t == ZONE_NORMAL && at < (4ULL << 30))
				at = 4ULL << 30;
			if (set(d, "zone", where, err, "%s %lluK %luK managed=%luK",
				z->name, (unsigned long long)(at >> 10),
				z->present_kb, z->managed_kb))
				return -1;
			at = (at + ((uint64_t)z->present_kb << 10) + align - 1) &
			     ~(align - 1);
			min_kb += z->min_kb - z->boost_kb;
			if (!big || z->managed_kb > big->managed_kb)
				big = z;
		}
	}

	/* CMA: the pages the kernel reserved, else the pageblocks pagetypeinfo
	 * counts, placed where the kernel's default area lands */
	unsigned long cma_pages = rep->have_cma_reserved ? rep->pages_cma_reserved : 0;
	if (!cma_pages && r->pagetypes)
		for (unsigned i = 0; i < r->pagetypes->nr_zones; i++)
			cma_pages += r->pagetypes->zones[i].pt_blocks[MIGRATE_CMA] <<
				     machine_pageblock_order(d);
	if (cma_pages) {
		if (set(d, "cma", where, err, "%luK", cma_pages << (shift - 10)))
			return -1;
		how_add(r, "; CMA %lu pages placed where the kernel's default "
			"area lands", cma_pages);
	} else if (set(d, "cma", where, err, "none")) {
		return -1;
	}

	if (set(d, "min_free_kbytes", where, err, "%lu", min_kb))
		return -1;
	/* low - min = max(min/4, managed * scale / 10000) */
	if (big) {
		unsigned long gap = big->low_kb - big->min_kb;
		unsigned long min = big->min_kb - big->boost_kb;
		unsigned long scale = 10;
		if (gap > min / 4 + 1 && big->managed_kb)
			scale = (gap * 10000 + big->managed_kb / 2) / big->managed_kb;
		if (scale < 1)
			scale = 1;
		if (scale > 3000)
			scale = 3000;
		if (set(d, "watermark_scale_factor", where, err, "%lu", scale))
			return -1;
	}
	how_add(r, "; %s (from the %s), %lukB pages, zones %s, kernel %s (%s)",
		arch, infer_arch(r->log, rep, shift) ? "Call trace" :
		"default: no Call trace style recognised",
		1UL << (shift - 10), list, rel, kernel ? "--kernel" : why);
	return 0;
}

/* ---- the heap as initial state ---------------------------------------------- */

static int add_zone_lines(struct replay *r, struct machine_desc *d,
			  const char *where, struct gfp_error *err)
{
	const struct log_report *rep = r->rep;

	for (unsigned i = 0; i < rep->nr_zones; i++) {
		const struct log_zone *z = &rep->zones[i];
		char line[512];
		struct sbuf sb = SBUF_INIT(line, sizeof(line));

		if (z->have & LZ_ZONE_LINE) {
			sb_printf(&sb, "%s free:%lukB", z->name, z->free_kb);
			if (z->have & LZ_BOOST)
				sb_printf(&sb, " boost:%lukB", z->boost_kb);
			sb_printf(&sb, " min:%lukB low:%lukB high:%lukB",
				  z->min_kb, z->low_kb, z->high_kb);
			if (z->have & LZ_HIGHATOMIC)
				sb_printf(&sb, " reserved_highatomic:%luKB",
					  z->highatomic_kb);
			sb_printf(&sb, " present:%lukB managed:%lukB free_cma:%lukB",
				  z->present_kb, z->managed_kb, z->free_cma_kb);
			if (z->have & LZ_RESERVE) {
				sb_puts(&sb, " lowmem_reserve[]:");
				for (unsigned k = 0; k < z->nr_reserve; k++)
					sb_printf(&sb, " %ld", z->lowmem_reserve[k]);
			}
			if (machine_set(d, "initial.zone", sb_str(&sb), where, err))
				return -1;
		}
	}
	if (r->pagetypes)
		return 0;
	for (unsigned i = 0; i < rep->nr_zones; i++) {
		const struct log_zone *z = &rep->zones[i];
		char line[512];
		struct sbuf sb = SBUF_INIT(line, sizeof(line));

		if (!(z->have & LZ_BUDDY))
			continue;
		struct buddy_line bl = { .node = -1, .nr_orders = z->nr_orders,
					 .total_kb = z->total_kb };
		snprintf(bl.zone, sizeof(bl.zone), "%s", z->name);
		for (unsigned o = 0; o < z->nr_orders; o++) {
			bl.nr_free[o] = z->nr_free[o];
			bl.size_kb[o] = z->unit_kb << o;
			/* the simulation has no MIGRATE_RESERVE list: 'R' is dropped */
			bl.types[o] = z->types[o] & ((1u << MIGRATE_TYPES) - 1);
		}
		buddy_line_print(&sb, &bl, d->kernel);
		if (machine_set(d, "initial.buddy", sb_str(&sb), where, err))
			return -1;
	}
	return 0;
}

static void build_pagetypeinfo(struct replay *r, unsigned pageblock_order)
{
	const struct log_report *p = r->pagetypes;
	struct sbuf sb = SBUF_INIT(r->pagetypeinfo, sizeof(r->pagetypeinfo));
	unsigned orders = 0;

	for (unsigned i = 0; i < p->nr_zones; i++)
		if (p->zones[i].pt_orders > orders)
			orders = p->zones[i].pt_orders;
	/* pagetypeinfo_showfree() and pagetypeinfo_showblockcount() */
	sb_printf(&sb, "Page block order: %u\nPages per block:  %lu\n\n",
		  pageblock_order, 1UL << pageblock_order);
	sb_printf(&sb, "Free pages count per migrate type at order ");
	for (unsigned o = 0; o < orders; o++)
		sb_printf(&sb, "%6u ", o);
	sb_puts(&sb, "\n");
	for (unsigned i = 0; i < p->nr_zones; i++) {
		const struct log_zone *z = &p->zones[i];
		if (!(z->have & LZ_PAGETYPES))
			continue;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			if (!(z->pt_types & (1u << mt)))
				continue;
			sb_printf(&sb, "Node %4d, zone %8s, type %12s ",
				  z->node < 0 ? 0 : z->node, z->name,
				  migratetype_names[mt]);
			for (unsigned o = 0; o < z->pt_orders; o++)
				sb_printf(&sb, "%6lu ", z->pt_free[o][mt]);
			sb_puts(&sb, "\n");
		}
	}
	sb_printf(&sb, "\nNumber of blocks type    ");
	uint8_t types = 0;
	for (unsigned i = 0; i < p->nr_zones; i++)
		types |= p->zones[i].pt_types;
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		if (types & (1u << mt))
			sb_printf(&sb, "%12s ", migratetype_names[mt]);
	sb_puts(&sb, "\n");
	for (unsigned i = 0; i < p->nr_zones; i++) {
		const struct log_zone *z = &p->zones[i];
		if (!(z->have & LZ_BLOCKS))
			continue;
		sb_printf(&sb, "Node %d, zone %8s ", z->node < 0 ? 0 : z->node,
			  z->name);
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			if (types & (1u << mt))
				sb_printf(&sb, "%12lu ", z->pt_blocks[mt]);
		sb_puts(&sb, "\n");
	}
	r->pagetypeinfo_len = sb.len;
}

int replay_machine(struct replay *r, const char *profile, const char *kernel,
		   const char *source, struct gfp_error *err)
{
	static struct machine_desc d;
	char where[300];
	const struct machine_desc *builtin = NULL;

	snprintf(where, sizeof(where), "%s: report %u", source, r->index);
	r->how[0] = '\0';
	if (profile) {
		builtin = machine_profile(profile);
		if (builtin) {
			d = *builtin;
		} else if (machine_load_file(profile, &d, err) < 0) {
			return -1;
		}
		how_add(r, "profile %s%s", profile,
			builtin ? " (built in)" : "");
	} else if ((builtin = matching_profile(r->rep))) {
		d = *builtin;
		how_add(r, "built-in profile %s (the log's kernel release and "
			"zones)", builtin->name);
	} else {
		how_add(r, "inferred from the log");
		if (infer_machine(r, kernel, where, &d, err) < 0)
			return -1;
	}
	if (profile || builtin) {
		d.initial[0] = '\0';
		if (kernel && machine_set(&d, "kernel", kernel, "--kernel", err))
			return -1;
		if (kernel)
			how_add(r, ", kernel %s (--kernel)", kernel);
	}
	if (add_zone_lines(r, &d, where, err) < 0)
		return -1;
	if (r->pagetypes) {
		build_pagetypeinfo(r, machine_pageblock_order(&d));
		how_add(r, "; free lists from the pagetypeinfo at line %u",
			r->pagetypes->first_line);
	} else {
		how_add(r, "; free lists from the buddy lines and their letters");
	}

	struct sbuf sb = SBUF_INIT(r->profile, sizeof(r->profile));
	sb_printf(&sb, "# replay of %s, report %u (%s, line %u)\n", source,
		  r->index, log_report_kind_names[r->rep->kind],
		  r->rep->first_line);
	sb_printf(&sb, "# machine: %s\n", r->how);
	machine_describe(&d, &sb);
	if (sb_overflowed(&sb)) {
		gfp_error_set(err, "%s: the profile does not fit in %zu bytes", where,
			      sizeof(r->profile));
		return -1;
	}
	r->profile_len = sb.len;
	if (machine_load_text(r->profile, r->profile_len, where, &r->desc,
			      err) < 0 || machine_validate(&r->desc, err) < 0)
		return -1;
	return 0;
}

int replay_boot(struct replay *r, struct pglist_data *pgdat,
		struct gfp_error *err)
{
	if (node_init(pgdat, &r->desc, NULL, err) < 0)
		return -1;
	if (initial_state_apply(pgdat, &r->desc, 0, err) < 0 ||
	    (r->pagetypeinfo_len &&
	     node_load_pagetypeinfo(pgdat, r->pagetypeinfo, err) < 0)) {
		node_destroy(pgdat);
		return -1;
	}
	return 0;
}

static int write_text(const char *path, const char *text, size_t len,
		      struct gfp_error *err)
{
	int fd = prim_open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t done = 0;

	if (fd < 0) {
		gfp_error_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (done < len) {
		long n = prim_write(fd, text + done, len - done);
		if (n <= 0) {
			gfp_error_set(err, "%s: %s", path, n < 0 ? strerror(errno) :
				      "short write");
			prim_close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	if (prim_close(fd) < 0) {
		gfp_error_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int replay_write_profile(const struct replay *r, const char *path,
			 struct gfp_error *err)
{
	char pt[4096], line[4200];

	if (!r->pagetypeinfo_len)
		return write_text(path, r->profile, r->profile_len, err);
	snprintf(pt, sizeof(pt), "%s.pagetypeinfo", path);
	const char *base = strrchr(pt, '/');
	int n = snprintf(line, sizeof(line), "initial.pagetypeinfo = %s\n",
			 base ? base + 1 : pt);
	if (write_text(pt, r->pagetypeinfo, r->pagetypeinfo_len, err) < 0)
		return -1;
	/* the profile, then the line naming the pagetypeinfo next to it */
	int fd = prim_open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 ||
	    prim_write(fd, r->profile, r->profile_len) != (long)r->profile_len ||
	    prim_write(fd, line, (size_t)n) != n) {
		gfp_error_set(err, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			prim_close(fd);
		return -1;
	}
	return prim_close(fd) < 0 ? -1 : 0;
}
