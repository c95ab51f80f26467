/* gfpshim map: draw a snapshot (or a log's heap, rebuilt as replay does)
 * as SVG or terminal text. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "diagnose/replay.h"
#include "report/snapshot.h"
#include "report/svgmap.h"

void cmd_map_usage(FILE *out)
{
	fprintf(out,
		"Usage: gfpshim map SNAPSHOT|LOG (-o FILE.svg | --text) [--cols N]\n"
		"                   [--color=auto|always|never] [--title TEXT]\n"
		"                   [--report N] [--profile NAME|FILE] [--kernel VER]\n"
		"\n"
		"Draw the simulated memory: one cell per pageblock in physical\n"
		"order, coloured by migratetype, filled by how much of it is free\n"
		"(pages on the buddy lists), CMA areas outlined, zones labelled,\n"
		"with a legend and the totals per migratetype.\n"
		"\n"
		"SNAPSHOT is a file the shim wrote (GFPSHIM_SNAPSHOT) or 'gfpshim\n"
		"replay --save-snapshot' wrote; anything else is read as a kernel\n"
		"log and its heap rebuilt as 'gfpshim replay' does (--report,\n"
		"--profile and --kernel as there).\n"
		"\n"
		"  -o FILE      write SVG to FILE ('-': standard output)\n"
		"  --text       draw in the terminal, one character per pageblock:\n"
		"               the type's letter (U M E H C I), upper case when\n"
		"               at least half free, lower case when less, '-' for\n"
		"               a pageblock with no managed frame\n"
		"  --cols N     pageblocks per row (default %u, at most %u)\n"
		"  --color=WHEN colour the text by type: auto (a terminal), always\n"
		"               or never\n"
		"  --title TEXT the heading (default: who wrote the snapshot)\n"
		"  -h, --help   this text\n"
		"\n"
		"Exit status: 0 drawn, 2 for a bad flag, snapshot or log, 1 when\n"
		"the output cannot be written.\n",
		MAP_COLS_DEFAULT, MAP_COLS_MAX);
}

static void file_write(void *arg, const char *buf, size_t len)
{
	fwrite(buf, 1, len, arg);
}

static bool is_snapshot(const char *path)
{
	char magic[8];
	FILE *f = fopen(path, "rb");
	bool yes;

	if (!f)
		return false;
	yes = fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
	      memcmp(magic, SNAP_MAGIC, sizeof(magic)) == 0;
	fclose(f);
	return yes;
}

static int value_of(int argc, char **argv, int *i, const char *flag,
		    const char **out)
{
	size_t n = strlen(flag);

	if (!strncmp(argv[*i], flag, n) && argv[*i][n] == '=') {
		*out = argv[*i] + n + 1;
		return 1;
	}
	if (strcmp(argv[*i], flag))
		return 0;
	if (*i + 1 >= argc) {
		cmd_usage_error("map", "%s: expected a value after it", flag);
		return -1;
	}
	*out = argv[++*i];
	return 1;
}

int cmd_map(int argc, char **argv)
{
	static struct replay r;
	static struct pglist_data node;
	struct snapshot snap;
	struct gfp_error err = { { 0 } };
	const char *input = NULL, *output = NULL, *title = NULL;
	const char *cols_text = NULL, *color = NULL, *report_text = NULL;
	const char *profile = NULL, *kernel = NULL;
	bool text = false;
	char source[PATH_MAX + 32];
	unsigned cols = MAP_COLS_DEFAULT, report = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int got;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cmd_map_usage(stdout);
			return cmd_finish_output("map");
		} else if (!strcmp(a, "--text")) {
			text = true;
		} else if ((got = value_of(argc, argv, &i, "-o", &output)) ||
			   (got = value_of(argc, argv, &i, "--cols", &cols_text)) ||
			   (got = value_of(argc, argv, &i, "--color", &color)) ||
			   (got = value_of(argc, argv, &i, "--title", &title)) ||
			   (got = value_of(argc, argv, &i, "--report", &report_text)) ||
			   (got = value_of(argc, argv, &i, "--profile", &profile)) ||
			   (got = value_of(argc, argv, &i, "--kernel", &kernel))) {
			if (got < 0)
				return CMD_USAGE;
		} else if (a[0] == '-' && a[1]) {
			return cmd_usage_error("map", "unknown option '%s'", a);
		} else if (!input) {
			input = a;
		} else {
			return cmd_usage_error("map", "'%s': one SNAPSHOT or LOG "
					       "only (the first was '%s')", a,
					       input);
		}
	}
	if (!input)
		return cmd_usage_error("map", "expected a SNAPSHOT or a LOG");
	if (!output && !text)
		return cmd_usage_error("map", "expected -o FILE.svg or --text");
	if (cols_text) {
		char *end;
		unsigned long v = strtoul(cols_text, &end, 10);
		if (!cols_text[0] || *end || cols_text[0] == '-' || v < 1 ||
		    v > MAP_COLS_MAX)
			return cmd_usage_error("map", "--cols '%s': expected 1 to %u "
					       "pageblocks per row", cols_text,
					       MAP_COLS_MAX);
		cols = (unsigned)v;
	}
	bool use_color = false;
	if (color) {
		if (!strcmp(color, "always"))
			use_color = true;
		else if (!strcmp(color, "auto"))
			use_color = isatty(STDOUT_FILENO);
		else if (strcmp(color, "never"))
			return cmd_usage_error("map", "--color '%s': expected auto, "
					       "always or never", color);
	}
	if (report_text) {
		char *end;
		unsigned long v = strtoul(report_text, &end, 10);
		if (!report_text[0] || *end || report_text[0] == '-' || v < 1 ||
		    v > LOG_MAX_REPORTS)
			return cmd_usage_error("map", "--report '%s': expected a "
					       "report number, 1 or more",
					       report_text);
		report = (unsigned)v;
	}
	if (kernel) {
		kver_t kv;
		if ((rc = cmd_kernel_arg("map", "--kernel", kernel, &kv)))
			return rc;
	}

	if (is_snapshot(input)) {
		if (report_text || profile || kernel)
			return cmd_usage_error("map", "%s is a snapshot: --report, "
					       "--profile and --kernel apply to a "
					       "log", input);
		if (snapshot_read_file(input, &snap, &err) < 0)
			return cmd_usage_error("map", "%s", err.msg);
	} else {
		if ((rc = cmd_replay_load("map", input, report, profile, kernel,
					  &r, &node)))
			return rc;
		snprintf(source, sizeof(source), "%s, report %u", input, r.index);
		if (!title)
			title = source;
		if (snapshot_from_node(&node, source, &snap, &err) < 0) {
			fprintf(stderr, "gfpshim map: %s\n", err.msg);
			return CMD_FAILED;
		}
	}

	if (output) {
		bool to_stdout = !strcmp(output, "-");
		FILE *f = to_stdout ? stdout : fopen(output, "w");
		if (!f) {
			fprintf(stderr, "gfpshim map: -o %s: %s\n", output,
				strerror(errno));
			return CMD_FAILED;
		}
		struct map_sink sink = { file_write, f };
		map_svg(&snap, cols, title, &sink);
		if (!to_stdout && (ferror(f) | fclose(f))) {
			fprintf(stderr, "gfpshim map: writing %s failed: %s\n",
				output, strerror(errno));
			return CMD_FAILED;
		}
	}
	if (text) {
		struct map_sink sink = { file_write, stdout };
		map_text(&snap, cols, use_color, title, &sink);
	}
	snapshot_release(&snap);
	return cmd_finish_output("map");
}
