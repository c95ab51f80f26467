/* The profile's initial.* loaders: a profile with initial.zone,
 * initial.buddy and initial.fragment lines, booted and loaded.  The heap
 * must pass check_node() afterwards. */
#include "base/prim.h"
#include "fuzz.h"
#include "machine/machine.h"
#include "mm/initial_state.h"
#include "mm/node.h"
#include "mm/page_alloc.h"

/* Booting is per frame: larger machines make an execution slow and find
 * nothing the smaller ones do not. */
#define BOOT_MAX (1ull << 30)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct machine_desc d;
	static struct pglist_data pgdat;
	struct gfp_error err = { { 0 } };

	if (machine_load_text((const char *)data, size, "fuzz.conf", &d, &err) ||
	    machine_validate(&d, &err) || !d.initial[0])
		return 0;
	uint64_t end = 0;
	for (unsigned i = 0; i < d.nr_zones; i++)
		if (d.zones[i].start + d.zones[i].size > end)
			end = d.zones[i].start + d.zones[i].size;
	if (end > BOOT_MAX || node_init(&pgdat, &d, NULL, &err))
		return 0;
	if (initial_state_apply(&pgdat, &d, 1, &err) == 0) {
		char why[256];
		FUZZ_ASSERT(check_node(&pgdat, why, sizeof(why)) == 0,
			    "after initial state: %s", why);
	}
	node_destroy(&pgdat);
	return 0;
}
