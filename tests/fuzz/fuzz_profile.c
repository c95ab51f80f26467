/* Profile files: read, checked, and described back.  What
 * machine_describe() prints must read back into a description that
 * describes the same way. */
#include "base/sbuf.h"
#include "fuzz.h"
#include "machine/machine.h"

#define DESCRIBED_MAX (64u << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct machine_desc d, again;
	static char first[DESCRIBED_MAX], second[DESCRIBED_MAX];
	struct gfp_error err = { { 0 } };

	if (machine_load_text((const char *)data, size, "fuzz.conf", &d, &err) ||
	    machine_validate(&d, &err))
		return 0;
	struct sbuf a = SBUF_INIT(first, sizeof(first));
	machine_describe(&d, &a);
	const char *text = sb_str(&a);
	FUZZ_ASSERT(machine_load_text(text, strlen(text), "described", &again,
				      &err) == 0, "%s\n%s", err.msg, text);
	struct sbuf b = SBUF_INIT(second, sizeof(second));
	machine_describe(&again, &b);
	FUZZ_ASSERT(!strcmp(text, sb_str(&b)), "described twice differently:\n"
		    "%s\n----\n%s", text, sb_str(&b));
	return 0;
}
