/* Printed zone state into a node: show_mem zone and buddy lines, one per
 * input line, or a whole /proc/pagetypeinfo, loaded into a small
 * machine's node.  Whatever is accepted must leave a heap that passes
 * check_node(). */
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
	fuzz_text(data, size, text, sizeof(text));
	if (!strncmp(text, "Page block order:", 17)) {
		node_load_pagetypeinfo(&pgdat, text, &err);
	} else {
		for (char *line = text, *next; *line; line = next) {
			next = line + strcspn(line, "\n");
			if (*next)
				*next++ = '\0';
			if (strstr(line, " free:"))
				zone_load_zone_line(&pgdat, line, &err);
			else
				zone_load_buddy_line(&pgdat, line, &err);
		}
	}
	FUZZ_ASSERT(check_node(&pgdat, why, sizeof(why)) == 0, "%s", why);
	node_destroy(&pgdat);
	return 0;
}
