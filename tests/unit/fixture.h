/* Test fixture: describe a machine in a few lines and boot a node from it.
 *
 *   struct machine_desc d;
 *   fixture_desc(&d, KVER(6, 1, 0), 12);
 *   fixture_zone(&d, ZONE_DMA32, 0, 1ULL << 30, 0);
 *   fixture_zone(&d, ZONE_NORMAL, 1ULL << 30, 1ULL << 30, 0);
 *   struct pglist_data *pgdat = fixture_node(&d);
 *   ...
 *   fixture_node_free(pgdat);
 *
 * Include after <cmocka.h> (with its prerequisites).  A description that
 * machine_validate() or node_init() rejects fails the test with their
 * message.  The node is bookkeeping only (no arena).
 */
#ifndef GFPSHIM_TESTS_FIXTURE_H
#define GFPSHIM_TESTS_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "machine/machine.h"
#include "mm/mmzone.h"
#include "base/prim.h"
#include "mm/node.h"

/* An empty x86_64-like description: one CPU, kernel defaults for
 * min_free_kbytes, watermark_scale_factor and watermark_boost_factor. */
static inline void fixture_desc(struct machine_desc *d, kver_t kv,
				unsigned page_shift)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "fixture");
	snprintf(d->arch, sizeof(d->arch), "%s",
		 page_shift == 12 ? "x86_64" : "arm64");
	d->kernel = kv;
	d->page_shift = page_shift;
	d->nr_cpus = 1;
	d->min_free_kbytes = -1;
	d->watermark_scale_factor = 10;
	d->watermark_boost_factor = 15000;
}

/* Append a zone (zones must be added in zone_type order). */
static inline void fixture_zone(struct machine_desc *d, enum zone_type type,
				uint64_t start, uint64_t size,
				uint64_t reserved)
{
	struct zone_desc *z = &d->zones[d->nr_zones++];
	z->type = type;
	z->start = start;
	z->size = size;
	z->reserved = reserved;
}

static inline void fixture_cma(struct machine_desc *d, const char *name,
			       uint64_t base, uint64_t size)
{
	struct cma_desc *c = &d->cma[d->nr_cma++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->base = base;
	c->size = size;
}

/* Validate `d` and boot a node from it; `d` must outlive the node. */
static inline struct pglist_data *fixture_node(const struct machine_desc *d)
{
	struct gfp_error err = { { 0 } };
	struct pglist_data *pgdat = prim_map(sizeof(*pgdat));

	if (!pgdat)
		fail_msg("fixture: cannot map a pglist_data");
	if (machine_validate(d, &err))
		fail_msg("fixture: machine_validate: %s", err.msg);
	if (node_init(pgdat, d, NULL, &err))
		fail_msg("fixture: node_init: %s", err.msg);
	return pgdat;
}

static inline void fixture_node_free(struct pglist_data *pgdat)
{
	node_destroy(pgdat);
	prim_unmap(pgdat, sizeof(*pgdat));
}

#endif
