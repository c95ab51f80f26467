/* Printed zone state into a node: show_mem zone and buddy lines, one per
 * input line, or a whole /proc/pagetypeinfo, loaded into a small
 * machine's node.  Whatever is accepted must leave a heap that passes
 * check_node() -- but for a zone whose zone line was loaded without its
 * buddy line after it: the free counters are then the printed ones, not
 * the free lists' (zone_load.h). */
#include <stdbool.h>

#include "fuzz.h"
#include "machine/machine.h"
#include "mm/node.h"
#include "mm/page_alloc.h"
#include "mm/zone_load.h"

/* 16M DMA32 with 4M of CMA and 8M Normal (tests/data/map/tiny.conf) */
static const char tiny[] =
	"arch = x86_64\nkernel = 5.10.0\npage_size = 4K\n"
	"zones = DMA32 Normal Movable\nzone = DMA32 0 16M reserved=1M\n"
	"zone = Normal 16M 8M reserved=0\ncma = reserved:4M@8M\ncpus = 1\n";

/* The zone a line names ("Node 0 DMA32: …", "DMA32 free:…"), or -1. */
static int zone_named(const struct pglist_data *pgdat, const char *line)
{
	if (!strncmp(line, "Node ", 5))
		line = strchr(line + 5, ' ') ? strchr(line + 5, ' ') + 1 : line;
	size_t n = strcspn(line, ": ");
	for (unsigned z = 0; z < pgdat->nr_zones; z++)
		if (strlen(pgdat->node_zones[z].name) == n &&
		    !strncmp(pgdat->node_zones[z].name, line, n))
			return (int)z;
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct machine_desc d;
	static struct pglist_data pgdat;
	static char text[1u << 16];
	struct gfp_error err = { { 0 } };
	char why[256];

	if (machine_load_text(tiny, sizeof(tiny) - 1, "tiny", &d, &err) ||
	    node_init(&pgdat, &d, NULL, &err))
		FUZZ_ASSERT(0, "tiny machine: %s", err.msg);
	unsigned counted_only = 0;    /* zones (bits) loaded from a zone line */

	fuzz_text(data, size, text, sizeof(text));
	if (!strncmp(text, "Page block order:", 17)) {
		node_load_pagetypeinfo(&pgdat, text, &err);
	} else {
		for (char *line = text, *next; *line; line = next) {
			next = line + strcspn(line, "\n");
			if (*next)
				*next++ = '\0';
			bool zl = strstr(line, " free:");
			int rc = zl ? zone_load_zone_line(&pgdat, line, &err) :
				      zone_load_buddy_line(&pgdat, line, &err);
			int z = zone_named(&pgdat, line);
			if (rc == 0 && z >= 0)
				counted_only = zl ? counted_only | 1u << z :
						    counted_only & ~(1u << z);
		}
	}
	if (!counted_only)
		FUZZ_ASSERT(check_node(&pgdat, why, sizeof(why)) == 0, "%s", why);
	node_destroy(&pgdat);
	return 0;
}
