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

/* The command line of map. */
struct map_args {
	const char *input, *output, *title;
	const char *cols_text, *color, *report_text, *profile, *kernel;
	bool text, help, use_color;
	unsigned cols, report;
};

static int read_args(int argc, char **argv, struct map_args *m)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int got;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			m->help = true;
			return CMD_OK;
		} else if (!strcmp(a, "--text")) {
			m->text = true;
		} else if ((got = value_of(argc, argv, &i, "-o", &m->output)) ||
			   (got = value_of(argc, argv, &i, "--cols", &m->cols_text)) ||
			   (got = value_of(argc, argv, &i, "--color", &m->color)) ||
			   (got = value_of(argc, argv, &i, "--title", &m->title)) ||
			   (got = value_of(argc, argv, &i, "--report", &m->report_text)) ||
			   (got = value_of(argc, argv, &i, "--profile", &m->profile)) ||
			   (got = value_of(argc, argv, &i, "--kernel", &m->kernel))) {
			if (got < 0)
				return CMD_USAGE;
		} else if (a[0] == '-' && a[1]) {
			return cmd_usage_error("map", "unknown option '%s'", a);
		} else if (!m->input) {
			m->input = a;
		} else {
			return cmd_usage_error("map", "'%s': one SNAPSHOT or LOG "
					       "only (the first was '%s')", a,
					       m->input);
		}
	}
	return CMD_OK;
}

/* The values of the options, range-checked. */
static int check_args(struct map_args *m)
{
	if (!m->input)
		return cmd_usage_error("map", "expected a SNAPSHOT or a LOG");
	if (!m->output && !m->text)
		return cmd_usage_error("map", "expected -o FILE.svg or --text");
	if (m->cols_text) {
		const char *t = m->cols_text;
		char *end;
		unsigned long v = strtoul(t, &end, 10);
		if (!t[0] || *end || t[0] == '-' || v < 1 || v > MAP_COLS_MAX)
			return cmd_usage_error("map", "--cols '%s': expected 1 to %u "
					       "pageblocks per row", t,
					       MAP_COLS_MAX);
		m->cols = (unsigned)v;
	}
	if (m->color) {
		if (!strcmp(m->color, "always"))
			m->use_color = true;
		else if (!strcmp(m->color, "auto"))
			m->use_color = isatty(STDOUT_FILENO);
		else if (strcmp(m->color, "never"))
			return cmd_usage_error("map", "--color '%s': expected auto, "
					       "always or never", m->color);
	}
	if (m->report_text) {
		const char *t = m->report_text;
		char *end;
		unsigned long v = strtoul(t, &end, 10);
		if (!t[0] || *end || t[0] == '-' || v < 1 || v > LOG_MAX_REPORTS)
			return cmd_usage_error("map", "--report '%s': expected a "
					       "report number, 1 or more", t);
		m->report = (unsigned)v;
	}
	if (m->kernel) {
		kver_t kv;
		return cmd_kernel_arg("map", "--kernel", m->kernel, &kv);
	}
	return CMD_OK;
}

/* The snapshot to draw: the file itself, or the heap replayed from the
 * log's report (whose name becomes the title unless one was given). */
static int load_snapshot(struct map_args *m, struct snapshot *snap,
			 char *source, size_t source_len)
{
	static struct replay r;
	static struct pglist_data node;
	struct gfp_error err = { { 0 } };
	int rc;

	if (is_snapshot(m->input)) {
		if (m->report_text || m->profile || m->kernel)
			return cmd_usage_error("map", "%s is a snapshot: --report, "
					       "--profile and --kernel apply to a "
					       "log", m->input);
		if (snapshot_read_file(m->input, snap, &err) < 0)
			return cmd_usage_error("map", "%s", err.msg);
		return CMD_OK;
	}
	if ((rc = cmd_replay_load("map", m->input, m->report, m->profile,
				  m->kernel, &r, &node)))
		return rc;
	snprintf(source, source_len, "%s, report %u", m->input, r.index);
	if (!m->title)
		m->title = source;
	if (snapshot_from_node(&node, source, snap, &err) < 0) {
		fprintf(stderr, "gfpshim map: %s\n", err.msg);
		return CMD_FAILED;
	}
	return CMD_OK;
}

static int write_svg(const struct map_args *m, const struct snapshot *snap)
{
	bool to_stdout = !strcmp(m->output, "-");
	FILE *f = to_stdout ? stdout : fopen(m->output, "w");

	if (!f) {
		fprintf(stderr, "gfpshim map: -o %s: %s\n", m->output,
			strerror(errno));
		return CMD_FAILED;
	}
	struct map_sink sink = { file_write, f };
	map_svg(snap, m->cols, m->title, &sink);
	if (!to_stdout && (ferror(f) | fclose(f))) {
		fprintf(stderr, "gfpshim map: writing %s failed: %s\n",
			m->output, strerror(errno));
		return CMD_FAILED;
	}
	return CMD_OK;
}

int cmd_map(int argc, char **argv)
{
	struct map_args m = { .cols = MAP_COLS_DEFAULT };
	struct snapshot snap;
	char source[PATH_MAX + 32];
	int rc;

	if ((rc = read_args(argc, argv, &m)))
		return rc;
	if (m.help) {
		cmd_map_usage(stdout);
		return cmd_finish_output("map");
	}
	if ((rc = check_args(&m)) ||
	    (rc = load_snapshot(&m, &snap, source, sizeof(source))))
		return rc;
	if (m.output && (rc = write_svg(&m, &snap)))
		return rc;
	if (m.text) {
		struct map_sink sink = { file_write, stdout };
		map_text(&snap, m.cols, m.use_color, m.title, &sink);
	}
	snapshot_release(&snap);
	return cmd_finish_output("map");
}
