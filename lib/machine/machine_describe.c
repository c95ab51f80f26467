/* The printed form of a machine description: a profile file that
 * machine_load_text() reads back into the same description.
 */
#include "config.h"

#include "machine/machine.h"
#include "machine/machine_impl.h"
#include "base/sbuf.h"

void machine_describe(const struct machine_desc *d, struct sbuf *sb)
{
	char b1[24], b2[24], b3[24], list[64];
	unsigned shift = d->page_shift;

	sb_printf(sb, "# machine \"%s\"\n", d->name);
	sb_printf(sb, "name = %s\n", d->name);
	sb_printf(sb, "arch = %s\n", d->arch);
	sb_printf(sb, "kernel = %s\n", d->release);
	sb_printf(sb, "page_size = %s\n", machine_fmt_size(b1, sizeof(b1), 1ULL << shift));
	if (d->nr_page_orders)
		sb_printf(sb, "nr_page_orders = %u\n", d->nr_page_orders);
	else
		sb_printf(sb, "# nr_page_orders = %u (default)\nnr_page_orders = auto\n",
			  machine_nr_page_orders(d));
	if (d->pageblock_order)
		sb_printf(sb, "pageblock_order = %u\n", d->pageblock_order);
	else
		sb_printf(sb, "# pageblock_order = %u (default)\npageblock_order = auto\n",
			  machine_pageblock_order(d));
	sb_printf(sb, "zones = %s\n", machine_zone_list(d, list, sizeof(list)));
	for (unsigned i = 0; i < d->nr_zones; i++) {
		const struct zone_desc *z = &d->zones[i];
		if (z->size)
			sb_printf(sb, "# %s: present %llukB managed %llukB, %llu pages\n",
				  zone_type_names[z->type],
				  (unsigned long long)(z->size >> 10),
				  (unsigned long long)((z->size - z->reserved) >> 10),
				  (unsigned long long)(z->size >> shift));
		sb_printf(sb, "zone = %s %s %s reserved=%s\n", zone_type_names[z->type],
			  machine_fmt_size(b1, sizeof(b1), z->start),
			  machine_fmt_size(b2, sizeof(b2), z->size),
			  machine_fmt_size(b3, sizeof(b3), z->reserved));
	}
	if (!d->nr_cma)
		sb_puts(sb, "cma = none\n");
	for (unsigned i = 0; i < d->nr_cma; i++) {
		const struct cma_desc *c = &d->cma[i];
		sb_printf(sb, "# cma %s: %llu pages\n", c->name,
			  (unsigned long long)(c->size >> shift));
		sb_printf(sb, "cma = %s:%s@%s\n", c->name,
			  machine_fmt_size(b1, sizeof(b1), c->size),
			  machine_fmt_size(b2, sizeof(b2), c->base));
	}
	sb_printf(sb, "hardware = %s\n", d->hardware);
	sb_printf(sb, "cpus = %u\n", d->nr_cpus);
	sb_printf(sb, "numa = %s\n", d->numa ? "yes" : "no");
	if (d->min_free_kbytes < 0)
		sb_puts(sb, "min_free_kbytes = auto\n");
	else
		sb_printf(sb, "min_free_kbytes = %ld\n", d->min_free_kbytes);
	sb_printf(sb, "watermark_scale_factor = %u\n", d->watermark_scale_factor);
	sb_printf(sb, "watermark_boost_factor = %u\n", d->watermark_boost_factor);
	sb_printf(sb, "thp = %s\n", d->thp ? "yes" : "no");
	sb_puts(sb, d->initial);
}
