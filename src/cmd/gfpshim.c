/* gfpshim: the command.  Each subcommand is one row of cmds[]. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct gfpshim_cmd cmds[] = {
	{ "decode", "name the bits of a gfp mask, or give the mask of names",
	  cmd_decode, cmd_decode_usage },
	{ "run", "run a program under the shim, every option checked first",
	  cmd_run, cmd_run_usage },
	{ "sweep", "fail a program's allocations one at a time; find crashes",
	  cmd_sweep, cmd_sweep_usage },
	{ "explain", "say why the allocations in a kernel log failed", cmd_explain, cmd_explain_usage },
	{ "replay", "rebuild a log's heap: check a request on it, or run a program",
	  cmd_replay, cmd_replay_usage },
	{ "map", "draw the memory, pageblock by pageblock (SVG or text)",
	  cmd_map, cmd_map_usage },
};
#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gfpshim COMMAND [ARGS...]\n"
		"       gfpshim --help | --version\n"
		"\n"
		"Linux page allocation failures, on a desk: gfp masks and the\n"
		"kernel's reports, for kernels 3.10 to 6.12.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < NR_CMDS; i++)
		fprintf(out, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(out, "\n'gfpshim COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
	const char *arg = argc > 1 ? argv[1] : NULL;

	if (!arg) {
		usage(stderr);
		return CMD_USAGE;
	}
	if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
		usage(stdout);
		return cmd_finish_output("--help");
	}
	if (!strcmp(arg, "--version")) {
		printf("gfpshim %s\n", PACKAGE_VERSION);
		return cmd_finish_output("--version");
	}
	for (size_t i = 0; i < NR_CMDS; i++)
		if (!strcmp(arg, cmds[i].name))
			return cmds[i].main(argc - 1, argv + 1);

	if (arg[0] == '-')
		return cmd_usage_error(NULL, "unknown option '%s'; expected a "
				       "command, --help or --version", arg);
	fprintf(stderr, "gfpshim: unknown command '%s'; expected one of:",
		arg);
	for (size_t i = 0; i < NR_CMDS; i++)
		fprintf(stderr, " %s", cmds[i].name);
	fprintf(stderr, "\nTry 'gfpshim --help'.\n");
	return CMD_USAGE;
}
