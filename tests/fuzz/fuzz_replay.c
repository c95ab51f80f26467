/* The log reader through replay's loader: the report's heap as a profile,
 * booted.  The profile a replay writes must read back, as the shim reads
 * it, and the heap must pass check_node() when every zone line came with
 * its buddy line (a zone line alone sets the free counters as printed,
 * zone_load.h). */
#include <stdbool.h>

#include "base/prim.h"
#include "diagnose/replay.h"
#include "fuzz.h"
#include "mm/node.h"
#include "mm/page_alloc.h"

static bool lists_known(const struct replay *r)
{
	if (r->pagetypes)
		return true;
	for (unsigned i = 0; i < r->rep->nr_zones; i++)
		if ((r->rep->zones[i].have & LZ_ZONE_LINE) &&
		    !(r->rep->zones[i].have & LZ_BUDDY))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct replay r;
	static struct pglist_data pgdat;
	static struct machine_desc again;
	struct gfp_error err = { { 0 } };
	struct log *log = log_parse((const char *)data, size, &err);

	if (!log)
		return 0;
	if (replay_pick(&r, log, 0, &err) == 0 &&
	    replay_machine(&r, NULL, NULL, "fuzz.log", &err) == 0) {
		FUZZ_ASSERT(machine_load_text(r.profile, r.profile_len, "replayed",
					      &again, &err) == 0,
			    "the replayed profile does not read back: %s\n%s",
			    err.msg, r.profile);
		if (replay_boot(&r, &pgdat, &err) == 0) {
			char why[256];
			if (lists_known(&r))
				FUZZ_ASSERT(check_node(&pgdat, why, sizeof(why)) == 0,
					    "replayed node: %s", why);
			node_destroy(&pgdat);
		}
	}
	log_free(log);
	return 0;
}
