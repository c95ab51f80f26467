/* gfp masks and names per kernel: "0xa20", "GFP_ATOMIC|__GFP_COMP",
 * "0xa20(GFP_ATOMIC)".  A mask that parses formats, as that kernel
 * prints it, to text that parses to the same mask; a canonical mask
 * converts to the kernel's numbers and back without losing a bit. */
#include "abi/gfp.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[4096];
	char printed[1024], err[256];
	unsigned nr_kv = 0;
	uint32_t mask, again;

	while (kver_supported[nr_kv])
		nr_kv++;
	if (!size)
		return 0;
	kver_t kv = kver_supported[data[0] % nr_kv];
	fuzz_text(data + 1, size - 1, text, sizeof(text));
	if (gfp_parse(text, kv, &mask, err, sizeof(err)) < 0)
		return 0;
	size_t n = gfp_format(mask, kv, printed, sizeof(printed));
	FUZZ_ASSERT(n < sizeof(printed), "%#x prints %zu bytes", mask, n);
	FUZZ_ASSERT(gfp_parse(printed, kv, &again, err, sizeof(err)) == 0,
		    "'%s' (from '%s') does not parse: %s", printed, text, err);
	FUZZ_ASSERT(again == mask, "'%s' is %#x, printed as '%s' which is %#x",
		    text, mask, printed, again);
	gfp_format_names(mask, kv, printed, sizeof(printed));
	gfp_format_bits(mask, kv, printed, sizeof(printed));
	uint32_t unknown;
	gfp_t gfp = gfp_from_kernel(mask, kv, &unknown);
	FUZZ_ASSERT(gfp_to_kernel(gfp, kv) == (mask & ~unknown),
		    "%#x: kernel → canonical → kernel gives %#x", mask,
		    gfp_to_kernel(gfp, kv));
	return 0;
}
