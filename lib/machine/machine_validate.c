/* machine_validate(): a description checked whole, after every setting —
 * zones ordered and inside RAM, CMA inside one zone, orders and CPUs
 * within bounds — with a message naming the field and what was expected. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/machine_impl.h"

#define KiB (1ULL << 10)

int machine_validate(const struct machine_desc *d, struct gfp_error *err)
{
	const struct arch_info *a = arch_find(d->arch);
	char b1[24], b2[24], b3[24], b4[24];

	if (!a)
		return gfp_error_set(err, "arch: unknown architecture \"%s\"", d->arch);
	if (d->page_shift != 12 && d->page_shift != 14 && d->page_shift != 16)
		return gfp_error_set(err, "page_size: page shift %u; expected 12, 14 or 16 "
				     "(4K, 16K or 64K pages)", d->page_shift);
	if (!(a->page_shifts & (1u << d->page_shift)))
		return gfp_error_set(err, "page_size: %s has no %s pages",
				     d->arch, machine_fmt_size(b1, sizeof(b1), 1ULL << d->page_shift));
	if (!d->kernel)
		return gfp_error_set(err, "kernel: no kernel version set");

	unsigned orders = machine_nr_page_orders(d), pb = machine_pageblock_order(d);
	if (orders < 2 || orders > MAX_PAGE_ORDERS)
		return gfp_error_set(err, "nr_page_orders: %u; expected 2 to %u",
				     orders, MAX_PAGE_ORDERS);
	if (pb >= orders)
		return gfp_error_set(err, "pageblock_order: %u; expected less than "
				     "nr_page_orders (%u)", pb, orders);
	if (d->nr_cpus < 1 || d->nr_cpus > MAX_NR_CPUS)
		return gfp_error_set(err, "cpus: %u; expected 1 to %u", d->nr_cpus, MAX_NR_CPUS);
	if (d->min_free_kbytes < -1)
		return gfp_error_set(err, "min_free_kbytes: %ld; expected 0 or more, or auto",
				     d->min_free_kbytes);
	if (d->watermark_scale_factor < 1 || d->watermark_scale_factor > 3000)
		return gfp_error_set(err, "watermark_scale_factor: %u; expected 1 to 3000",
				     d->watermark_scale_factor);

	if (d->nr_zones < 1 || d->nr_zones > MAX_NR_ZONES)
		return gfp_error_set(err, "zones: %u configured; expected 1 to %u",
				     d->nr_zones, MAX_NR_ZONES);
	uint64_t page = 1ULL << d->page_shift, end = 0, total = 0;
	for (unsigned i = 0; i < d->nr_zones; i++) {
		const struct zone_desc *z = &d->zones[i];
		const char *zn;
		if ((unsigned)z->type >= NR_ZONE_TYPES)
			return gfp_error_set(err, "zones: entry %u has no zone type", i);
		zn = zone_type_names[z->type];
		if (i && z->type <= d->zones[i - 1].type)
			return gfp_error_set(err, "zones: %s listed after %s; expected the order "
					     "DMA DMA32 Normal HighMem Movable Device, each once",
					     zn, zone_type_names[d->zones[i - 1].type]);
		if (!z->size)
			continue;
		if ((z->start | z->size | z->reserved) & (page - 1))
			return gfp_error_set(err, "zone %s: start %s, size %s, reserved %s: "
					     "expected multiples of the page size %s", zn,
					     machine_fmt_size(b1, sizeof(b1), z->start),
					     machine_fmt_size(b2, sizeof(b2), z->size),
					     machine_fmt_size(b3, sizeof(b3), z->reserved),
					     machine_fmt_size(b4, sizeof(b4), page));
		if (z->start + z->size < z->start)
			return gfp_error_set(err, "zone %s: start + size overflows", zn);
		if (z->start < end)
			return gfp_error_set(err, "zone %s: starts at %s, inside the zone before "
					     "it (which ends at %s); expected zones in address "
					     "order without overlap", zn,
					     machine_fmt_size(b1, sizeof(b1), z->start),
					     machine_fmt_size(b2, sizeof(b2), end));
		uint64_t limit = zone_limit(d, z->type);
		if (limit && z->start + z->size > limit)
			return gfp_error_set(err, "zone %s: ends at %s; %s on %s %s ends at %s",
					     zn, machine_fmt_size(b1, sizeof(b1), z->start + z->size),
					     zn, d->arch, d->release,
					     machine_fmt_size(b2, sizeof(b2), limit));
		if (z->reserved >= z->size)
			return gfp_error_set(err, "zone %s: reserved %s; expected less than the "
					     "zone's size %s", zn,
					     machine_fmt_size(b1, sizeof(b1), z->reserved),
					     machine_fmt_size(b2, sizeof(b2), z->size));
		end = z->start + z->size;
		total += z->size;
	}
	if (!total)
		return gfp_error_set(err, "zones: no zone has memory; expected a `mem` or "
				     "`zone` setting");
	if ((end >> d->page_shift) >= MAX_NR_FRAMES)
		return gfp_error_set(err, "zones: RAM ends at %s, frame %llu; expected fewer "
				     "than 2^32 frames", machine_fmt_size(b1, sizeof(b1), end),
				     (unsigned long long)(end >> d->page_shift));
	if (d->min_free_kbytes > 0 &&
	    (uint64_t)d->min_free_kbytes * KiB >= total)
		return gfp_error_set(err, "min_free_kbytes: %ld; expected less than the RAM "
				     "(%s)", d->min_free_kbytes, machine_fmt_size(b1, sizeof(b1), total));

	if (d->nr_cma > MAX_CMA_AREAS)
		return gfp_error_set(err, "cma: %u areas; expected at most %u",
				     d->nr_cma, MAX_CMA_AREAS);
	uint64_t pbbytes = page << pb;
	for (unsigned i = 0; i < d->nr_cma; i++) {
		const struct cma_desc *c = &d->cma[i];
		const struct zone_desc *in = NULL;
		if (!c->size)
			return gfp_error_set(err, "cma %s: size 0; expected a size", c->name);
		if ((c->base | c->size) & (pbbytes - 1))
			return gfp_error_set(err, "cma %s: base %s, size %s: expected multiples "
					     "of the pageblock size %s", c->name,
					     machine_fmt_size(b1, sizeof(b1), c->base),
					     machine_fmt_size(b2, sizeof(b2), c->size),
					     machine_fmt_size(b3, sizeof(b3), pbbytes));
		for (unsigned j = 0; j < d->nr_zones; j++) {
			const struct zone_desc *z = &d->zones[j];
			if (z->size && c->base >= z->start &&
			    c->base + c->size <= z->start + z->size)
				in = z;
		}
		if (!in)
			return gfp_error_set(err, "cma %s: %s at %s does not lie inside one zone",
					     c->name, machine_fmt_size(b1, sizeof(b1), c->size),
					     machine_fmt_size(b2, sizeof(b2), c->base));
		for (unsigned j = 0; j < i; j++) {
			const struct cma_desc *o = &d->cma[j];
			if (c->base < o->base + o->size && o->base < c->base + c->size)
				return gfp_error_set(err, "cma %s: overlaps area %s", c->name,
						     o->name);
		}
		if (zone_cma_bytes(d, in, NULL) + in->reserved > in->size)
			return gfp_error_set(err, "cma %s: zone %s holds %s of CMA and %s "
					     "reserved, more than its %s", c->name,
					     zone_type_names[in->type],
					     machine_fmt_size(b1, sizeof(b1), zone_cma_bytes(d, in, NULL)),
					     machine_fmt_size(b2, sizeof(b2), in->reserved),
					     machine_fmt_size(b3, sizeof(b3), in->size));
	}
	return 0;
}
