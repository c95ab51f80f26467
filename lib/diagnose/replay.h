/* Heaps from logs: the machine and the free lists one report describes.
 *
 * A report's show_mem dump gives each zone's present and managed pages,
 * watermarks (as printed, boost included), lowmem_reserve and free_cma,
 * and its buddy line the free blocks per order with the migratetypes whose
 * lists were not empty; a /proc/pagetypeinfo dump in the same log gives
 * the exact blocks per order and type.  From these a replay writes a
 * machine profile — the machine keys, inferred or taken from a profile,
 * and the heap as `initial.zone` / `initial.buddy` settings (the profile
 * mechanism of lib/mm/initial_state.h) — that both this process and the shim
 * boot from.  What is inferred, and from what, is said in `how`.
 *
 * Inference: page size from the buddy line's units, orders from its
 * columns, the configured zones from the lowmem_reserve[] columns, the
 * kernel from the dump_stack "CPU:" line, the architecture from the Call
 * trace's style, CMA from "pages cma reserved" (or the pagetypeinfo CMA
 * pageblocks), min_free_kbytes and watermark_scale_factor from the
 * watermarks.  A built-in profile with the same kernel release and the
 * same zones is used instead when there is one.
 */
#ifndef GFPSHIM_REPLAY_H
#define GFPSHIM_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "diagnose/logparse.h"
#include "machine/machine.h"
#include "mm/mmzone.h"

#define REPLAY_TEXT_MAX 16384

struct replay {
	const struct log *log;
	unsigned index;                         /* 1-based, in log->reports */
	const struct log_report *rep;
	const struct log_report *pagetypes;     /* pagetypeinfo used, or NULL */
	struct machine_desc desc;               /* booted by replay_boot() */
	char how[512];                          /* where the machine came from */
	/* the profile the shim boots from (initial.pagetypeinfo excluded:
	 * see replay_write_profile()) */
	char profile[REPLAY_TEXT_MAX];
	size_t profile_len;
	char pagetypeinfo[REPLAY_TEXT_MAX];     /* as /proc/pagetypeinfo; "" if none */
	size_t pagetypeinfo_len;
};

/* Choose report n (1-based; 0: the first report with a buddy line or a
 * pagetypeinfo).  Errors name the report and what it lacks. */
int replay_pick(struct replay *r, const struct log *log, unsigned n,
		struct gfp_error *err);

/* Build the profile: from `profile` (a built-in name or a profile file;
 * NULL: infer, or the matching built-in) and `kernel` (a version that
 * overrides the log's; NULL: the log's), then the report's zones and free
 * lists as initial state.  `source` names the log in messages. */
int replay_machine(struct replay *r, const char *profile, const char *kernel,
		   const char *source, struct gfp_error *err);

/* Boot a bookkeeping-only node from r->desc and load the heap. */
int replay_boot(struct replay *r, struct pglist_data *pgdat,
		struct gfp_error *err);

/* Write the profile to `path`; with a pagetypeinfo, write it to
 * `path`.pagetypeinfo and name it in an initial.pagetypeinfo line. */
int replay_write_profile(const struct replay *r, const char *path,
			 struct gfp_error *err);

#endif
