/* The profile's initial heap state: its `initial.*` settings, checked as
 * the description is read and kept as text in machine_desc.initial
 * (mm/initial_state.h applies them after node_init()):
 *
 *   initial.zone = <zone line>          a show_mem zone line ("Normal
 *                                       free:248344kB min:… free_cma:…kB")
 *   initial.buddy = <buddy line>        "Normal: 4*4kB (UEC) … = 248344kB":
 *                                       the zone's free lists, exactly
 *   initial.pagetypeinfo = PATH         /proc/pagetypeinfo as printed;
 *                                       PATH relative to the profile file
 *   initial.fragment = N% [unmovable|movable]
 *                                       pin N% of each zone's non-CMA
 *                                       memory as scattered order-0 pages
 *                                       (one in every 100/N frames, at a
 *                                       place drawn from GFPSHIM_SEED);
 *                                       movable pages are user pages that
 *                                       compaction may move
 */
#ifndef GFPSHIM_INITIAL_H
#define GFPSHIM_INITIAL_H

#include <stdbool.h>

#include "base/error.h"

struct machine_desc;

#define INITIAL_KEY_PREFIX "initial."

/* The settings, in the order they are applied: zone lines first, then
 * buddy lines, pagetypeinfo, and the fragmentation pattern last. */
enum initial_kind { INIT_ZONE, INIT_BUDDY, INIT_PAGETYPEINFO, INIT_FRAGMENT,
		    NR_INIT_KINDS };

/* The kind of an "initial.*" key; -1 for an unknown key. */
int initial_kind_of(const char *key);

/* machine_set() for keys beginning "initial.": check the value (a buddy
 * line's blocks must add up to its total, a pagetypeinfo file must be
 * readable, a percentage must be above 0 and below 100) and append it to
 * d->initial.  Errors read "WHERE: KEY: message". */
int initial_state_set(struct machine_desc *d, const char *key,
		      const char *value, const char *where,
		      struct gfp_error *err);

/* initial.fragment's value: "12.5%" → 125 per mille, then an optional
 * "movable" or "unmovable".  -1 when the value is not one. */
int initial_parse_fragment(const char *v, unsigned *permille, bool *movable);

#endif
