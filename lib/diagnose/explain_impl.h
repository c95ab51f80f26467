/* What the pieces of the verdict engine share: building the node from a
 * report (explain_node.c) and the words for what it found
 * (explain_format.c).  Private to lib/diagnose; explain.h is the public
 * interface.
 */
#ifndef GFPSHIM_EXPLAIN_IMPL_H
#define GFPSHIM_EXPLAIN_IMPL_H

#include <stddef.h>

#include "diagnose/explain.h"

/* ---- building the node (explain_node.c) -------------------------------- */

unsigned explain_default_orders(unsigned page_kb);
void explain_configure_zones(struct explanation *ex, const struct log_report *rep);
int explain_config_idx(const struct pglist_data *pg, const char *name);
long explain_to_pages(const struct explanation *ex, unsigned long kb);
struct zone *explain_load_zone(struct explanation *ex, const struct log_zone *lz,
			      int idx);
void explain_zone_blocks(struct explanation *ex, struct explain_zone *ez,
			const struct log_zone *lz);
void explain_judge_zone(struct explanation *ex, struct explain_zone *ez,
		       const struct log_zone *lz);
void explain_usage_numbers(struct explanation *ex, const struct log_report *rep);

/* ---- words (explain_format.c) ------------------------------------------ */

unsigned explain_pct(unsigned long part, unsigned long whole);
const char *explain_human_kb(unsigned long kb, char *buf, size_t len);
const char *explain_order_or_none(int order, char *buf, size_t len);
void explain_verdict_text(struct explanation *ex);

#endif
