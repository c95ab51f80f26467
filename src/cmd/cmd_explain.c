/* gfpshim explain: why the allocations in a kernel log failed. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "diagnose/explain.h"
#include "base/prim.h"

#define OUT_CAP (256u << 10)    /* one report's explanation */

void cmd_explain_usage(FILE *out)
{
	fprintf(out,
		"Usage: gfpshim explain [FILE|-] [--kernel VER] [--report N] "
		"[--json]\n"
		"\n"
		"Read a kernel log (dmesg, syslog, journal, logread, /dev/kmsg,\n"
		"Android; default: standard input), find every page allocation\n"
		"failure, allocation stall, OOM-killer report, vmalloc and CMA\n"
		"failure and memory dump in it, and say why the allocation\n"
		"failed: the watermark arithmetic of that kernel on the\n"
		"report's own numbers, zone by zone, then what to do about it.\n"
		"\n"
		"  --kernel VER  the kernel that printed the log (5.4, 6.1.116,\n"
		"                4.18.0-513.el8_9); default: the release in the\n"
		"                report's dump_stack line, else what its gfp mask\n"
		"                and format fit\n"
		"  --report N    only the Nth report found (1 is the first)\n"
		"  --json        one JSON object with the same facts\n"
		"  -h, --help    this text\n"
		"\n"
		"Lines that look like part of a report but cannot be read are\n"
		"listed with their line numbers.  Exit status: 0 done, 1 the log\n"
		"could not be read or holds no report, 2 bad flag or value.\n");
}

struct explain_opts {
	const char *path;
	kver_t kv;
	unsigned report;        /* 0: all */
	bool json;
};

static int parse_args(int argc, char **argv, struct explain_opts *o)
{
	bool no_more_flags = false;

	o->path = NULL;
	o->kv = 0;
	o->report = 0;
	o->json = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;

		if (!no_more_flags && !strcmp(a, "--")) {
			no_more_flags = true;
			continue;
		}
		if (no_more_flags || a[0] != '-' || !strcmp(a, "-")) {
			if (o->path)
				return cmd_usage_error("explain", "one log at a time: "
						       "'%s' after '%s'", a, o->path);
			o->path = a;
			continue;
		}
		if (!strcmp(a, "--json")) {
			o->json = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			cmd_explain_usage(stdout);
			return cmd_finish_output("explain") == CMD_OK ? -1 : CMD_FAILED;
		}
		const char *name = a;
		size_t nlen = strcspn(a, "=");
		if (a[nlen] == '=')
			val = a + nlen + 1;
		if (!strncmp(name, "--kernel", nlen) && nlen == 8) {
			if (!val && ++i < argc)
				val = argv[i];
			if (!val)
				return cmd_usage_error("explain", "--kernel needs a "
						       "version, such as 5.4");
			if (cmd_kernel_arg("explain", "--kernel", val, &o->kv))
				return CMD_USAGE;
			continue;
		}
		if (!strncmp(name, "--report", nlen) && nlen == 8) {
			if (!val && ++i < argc)
				val = argv[i];
			char *end = NULL;
			unsigned long n = val ? strtoul(val, &end, 10) : 0;
			if (!val || !*val || *end || n == 0 || n > 100000)
				return cmd_usage_error("explain", "--report '%s': "
						       "expected a report number, "
						       "1 or more", val ? val : "");
			o->report = (unsigned)n;
			continue;
		}
		return cmd_usage_error("explain", "unknown option '%s'; expected "
				       "--kernel, --report, --json or a file", a);
	}
	if (!o->path)
		o->path = "-";
	return CMD_OK;
}

static void json_text(const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s >= 0x20)
			putchar(*s);
	}
}

static void print_problems(const struct log *log, bool json)
{
	for (unsigned i = 0; i < log->nr_problems; i++) {
		const struct log_problem *p = &log->problems[i];
		if (json) {
			printf("%s{\"line\":%u,\"message\":\"", i ? "," : "", p->lineno);
			json_text(p->msg);
			printf("\"}");
		} else {
			printf("  line %u: %s\n", p->lineno, p->msg);
		}
	}
	if (log->problems_dropped && !json)
		printf("  ... and %u more\n", log->problems_dropped);
}

int cmd_explain(int argc, char **argv)
{
	struct explain_opts o;
	struct gfp_error err = { { 0 } };
	int rc = parse_args(argc, argv, &o);

	if (rc)
		return rc < 0 ? CMD_OK : rc;
	struct log *log = log_read(o.path, &err);
	if (!log) {
		fprintf(stderr, "gfpshim explain: %s\n", err.msg);
		return CMD_FAILED;
	}
	const char *name = strcmp(o.path, "-") ? o.path : "standard input";
	if (!log->nr_reports) {
		fprintf(stderr, "gfpshim explain: %s: no page allocation failure, "
			"OOM, vmalloc or CMA report and no memory dump in %u "
			"line%s\n", name, log->nr_lines, log->nr_lines == 1 ? "" : "s");
		log_free(log);
		return CMD_FAILED;
	}
	if (o.report > log->nr_reports) {
		fprintf(stderr, "gfpshim explain: --report %u: %s holds %u "
			"report%s\n", o.report, name, log->nr_reports,
			log->nr_reports == 1 ? "" : "s");
		log_free(log);
		return CMD_USAGE;
	}

	size_t map = sizeof(struct explanation) + OUT_CAP;
	char *mem = prim_map(map);
	if (!mem) {
		fprintf(stderr, "gfpshim explain: out of memory\n");
		log_free(log);
		return CMD_FAILED;
	}
	struct explanation *ex = (struct explanation *)mem;
	char *out = mem + sizeof(*ex);
	unsigned first = o.report ? o.report - 1 : 0;
	unsigned last = o.report ? o.report : log->nr_reports;

	if (o.json) {
		printf("{\"file\":\"");
		json_text(o.path);
		printf("\",\"lines\":%u,\"reports\":[", log->nr_lines);
	}
	for (unsigned i = first; i < last; i++) {
		struct sbuf sb = SBUF_INIT(out, OUT_CAP);
		explain_report(log, i, o.kv, ex, &err);
		if (o.json) {
			explain_format_json(ex, &sb);
			printf("%s%s", i > first ? "," : "", sb_str(&sb));
		} else {
			explain_format_text(ex, &sb);
			printf("%s%s", i > first ? "\n" : "", sb_str(&sb));
		}
	}
	if (o.json) {
		printf("],\"problems\":[");
		print_problems(log, true);
		printf("]}\n");
	} else if (log->nr_problems) {
		printf("\nLines not read in %s:\n", name);
		print_problems(log, false);
	}
	if (log->reports_dropped)
		fprintf(stderr, "gfpshim explain: %s: only the first %u reports "
			"were read; %u more left out\n", name, LOG_MAX_REPORTS,
			log->reports_dropped);
	prim_unmap(mem, map);
	log_free(log);
	return cmd_finish_output("explain");
}
