/* gfpshim decode: a gfp mask as a kernel prints it, or names as a number. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "abi/gfp.h"

#define MAX_MASKS 64

void cmd_decode_usage(FILE *out)
{
	char def[24];

	fprintf(out,
		"Usage: gfpshim decode MASK... [--kernel VER | --all] [-v]\n"
		"\n"
		"Print each MASK as kernel VER prints it in a report,\n"
		"%%#x(%%pGg): 0xa20 is 0xa20(GFP_ATOMIC) on 5.4.  A MASK is a\n"
		"number (0xa20, 2592), names joined by '|' (GFP_ATOMIC|__GFP_COMP,\n"
		"resolved with that kernel's definitions) or a log's\n"
		"0xa20(GFP_ATOMIC), whose names must match its number.\n"
		"\n"
		"  --kernel VER  the kernel: 5.4, 6.1.116, 4.18.0-513.el8_9,\n"
		"                5.4.125-android11-...; default GFPSHIM_KERNEL,\n"
		"                else %s\n"
		"  --all         one line per supported kernel (3.10 ... 6.12)\n"
		"  -v            also spell out every bit:\n"
		"                0xa20(GFP_ATOMIC) = "
		"__GFP_HIGH|__GFP_ATOMIC|__GFP_KSWAPD_RECLAIM\n"
		"  -h, --help    this text\n"
		"\n"
		"Kernels before 4.5 print only the number in their reports; the\n"
		"names shown for them are those of their kmem tracepoints.\n"
		"Exit status: 0 done, 2 bad flag, version or mask, 1 output "
		"failed.\n",
		kver_format(KVER_DEFAULT, def, sizeof(def)));
}

struct decode_opts {
	kver_t kv;
	bool all, verbose;
	int nr_masks;
	const char *masks[MAX_MASKS];
};

static void print_mask(uint32_t mask, kver_t kv, bool verbose)
{
	char names[512], bits[1024];

	gfp_format_names(mask, kv, names, sizeof(names));
	printf("0x%x(%s)", mask, names);
	if (verbose) {
		gfp_format_bits(mask, kv, bits, sizeof(bits));
		printf(" = %s", bits[0] ? bits : "0");
	}
}

static int decode_one(const struct decode_opts *o)
{
	uint32_t masks[MAX_MASKS];
	char err[512];

	/* all or nothing: check every mask before printing any */
	for (int i = 0; i < o->nr_masks; i++)
		if (gfp_parse(o->masks[i], o->kv, &masks[i], err, sizeof(err)))
			return cmd_usage_error("decode", "%s", err);
	for (int i = 0; i < o->nr_masks; i++) {
		print_mask(masks[i], o->kv, o->verbose);
		putchar('\n');
	}
	return CMD_OK;
}

/* One table per mask: the text read with each supported kernel's
 * definitions. */
static int decode_all(const struct decode_opts *o)
{
	char label[24], err[512];
	int width = (int)strlen("kernel");

	for (const kver_t *k = kver_supported; *k; k++) {
		int w = (int)strlen(kver_format(*k, label, sizeof(label)));

		if (w > width)
			width = w;
	}
	for (int i = 0; i < o->nr_masks; i++) {
		bool any = false;
		uint32_t mask;

		for (const kver_t *k = kver_supported; *k; k++)
			if (!gfp_parse(o->masks[i], *k, &mask, err, sizeof(err)))
				any = true;
		if (!any) {
			/* err holds the newest kernel's complaint */
			return cmd_usage_error("decode", "%s (no supported "
					       "kernel accepts it)", err);
		}
	}
	for (int i = 0; i < o->nr_masks; i++) {
		uint32_t mask;

		if (i)
			putchar('\n');
		printf("%-*s  %s\n", width, "kernel", o->masks[i]);
		for (const kver_t *k = kver_supported; *k; k++) {
			printf("%-*s  ", width,
			       kver_format(*k, label, sizeof(label)));
			if (gfp_parse(o->masks[i], *k, &mask, err,
				      sizeof(err)))
				printf("-  %s", err);
			else
				print_mask(mask, *k, o->verbose);
			putchar('\n');
		}
	}
	return CMD_OK;
}

int cmd_decode(int argc, char **argv)
{
	struct decode_opts o = { .kv = KVER_DEFAULT };
	const char *kernel = NULL;
	bool options_done = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (options_done || a[0] != '-' || a[1] == '\0') {
			if (o.nr_masks == MAX_MASKS)
				return cmd_usage_error("decode", "too many "
						       "masks: at most %d",
						       MAX_MASKS);
			o.masks[o.nr_masks++] = a;
		} else if (!strcmp(a, "--")) {
			options_done = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cmd_decode_usage(stdout);
			return cmd_finish_output("decode");
		} else if (!strcmp(a, "--all")) {
			o.all = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o.verbose = true;
		} else if (!strcmp(a, "--kernel")) {
			if (i + 1 == argc)
				return cmd_usage_error("decode", "--kernel "
					"needs a version, such as --kernel 5.4");
			kernel = argv[++i];
		} else if (!strncmp(a, "--kernel=", 9)) {
			kernel = a + 9;
		} else {
			return cmd_usage_error("decode", "unknown option '%s'; "
					       "expected --kernel VER, --all, "
					       "-v or --help", a);
		}
	}
	if (!o.nr_masks)
		return cmd_usage_error("decode", "no MASK given; expected "
				       "e.g. 'gfpshim decode 0xa20 --kernel "
				       "5.4' or 'gfpshim decode GFP_KERNEL'");
	if (o.all && kernel)
		return cmd_usage_error("decode", "--all and --kernel %s "
				       "exclude each other: --all shows every "
				       "kernel", kernel);
	if (kernel) {
		if (cmd_kernel_arg("decode", "--kernel", kernel, &o.kv))
			return CMD_USAGE;
	} else if (!o.all && (kernel = getenv("GFPSHIM_KERNEL")) &&
		   *kernel) {
		if (cmd_kernel_arg("decode", "GFPSHIM_KERNEL", kernel, &o.kv))
			return CMD_USAGE;
	}

	int rc = o.all ? decode_all(&o) : decode_one(&o);
	if (rc != CMD_OK)
		return rc;
	return cmd_finish_output("decode");
}
