/* The GFPSHIM_* options table and the environment reader. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fault/fault.h"
#include "options/options.h"
#include "report/snapshot.h"

#define PREFIX "GFPSHIM_"

/* --- parsers, one per type ----------------------------------------------- */

static int apply_machine(struct gfp_options *o, const char *key,
			 const struct option_desc *opt, const char *value,
			 char *err, size_t errlen)
{
	struct gfp_error e;
	char where[96];
	/* machine_set's messages start with "WHERE: "; the caller adds
	 * "NAME=value: " itself, so name nothing here */
	snprintf(where, sizeof(where), "%s=", opt->name);
	if (machine_set(&o->machine, key, value, where, &e) == 0)
		return 0;
	snprintf(err, errlen, "%s", e.msg + strlen(where) + 2);
	return -1;
}

static int apply_profile(struct gfp_options *o, const struct option_desc *opt,
			 const char *value, char *err, size_t errlen)
{
	struct gfp_error e;
	const struct machine_desc *p = machine_profile(value);

	if (p) {
		o->machine = *p;
		return 0;
	}
	if (strchr(value, '/') || strstr(value, ".conf")) {
		if (machine_load_file(value, &o->machine, &e) == 0)
			return 0;
		snprintf(err, errlen, "%s", e.msg);
		return -1;
	}
	size_t n = (size_t)snprintf(err, errlen, "unknown profile; expected a profile "
				    "file (a path with '/') or one of");
	for (unsigned i = 0; machine_profile_names[i] && n < errlen; i++)
		n += (size_t)snprintf(err + n, errlen - n, "%s %s", i ? "," : "",
				      machine_profile_names[i]);
	return -1;
}

static int apply_kernel(struct gfp_options *o, const struct option_desc *opt,
			const char *value, char *err, size_t errlen)
{
	return apply_machine(o, "kernel", opt, value, err, errlen);
}

static int apply_mem(struct gfp_options *o, const struct option_desc *opt,
		     const char *value, char *err, size_t errlen)
{
	return apply_machine(o, "mem", opt, value, err, errlen);
}

static int apply_cma(struct gfp_options *o, const struct option_desc *opt,
		     const char *value, char *err, size_t errlen)
{
	/* GFPSHIM_CMA replaces the profile's areas */
	if (apply_machine(o, "cma", opt, "none", err, errlen))
		return -1;
	return apply_machine(o, "cma", opt, value, err, errlen);
}

static int apply_cpus(struct gfp_options *o, const struct option_desc *opt,
		      const char *value, char *err, size_t errlen)
{
	return apply_machine(o, "cpus", opt, value, err, errlen);
}

static int parse_bool(const char *value, bool *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(value, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(value, no[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

static bool *bool_field(struct gfp_options *o, enum option_id id)
{
	switch (id) {
	case OPT_STRICT_KMALLOC: return &o->strict_kmalloc;
	case OPT_INHERIT: return &o->inherit;
	case OPT_TIMESTAMPS: return &o->timestamps;
	case OPT_CRASH_TRACE: return &o->crash_trace;
	default: return &o->stats;
	}
}

static int apply_bool(struct gfp_options *o, const struct option_desc *opt,
		      const char *value, char *err, size_t errlen)
{
	if (parse_bool(value, bool_field(o, opt->id)) == 0)
		return 0;
	snprintf(err, errlen, "expected 1 or 0 (also yes/no, true/false, on/off)");
	return -1;
}

static int parse_u64(const char *value, unsigned long long *out)
{
	unsigned long long v = 0;
	const char *p = value;
	unsigned base = 10;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return -1;
	for (; *p; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return -1;
		if (v > (~0ULL - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int apply_int(struct gfp_options *o, const struct option_desc *opt,
		     const char *value, char *err, size_t errlen)
{
	unsigned long long v;
	if (parse_u64(value, &v) || v < opt->min || v > opt->max) {
		snprintf(err, errlen, "expected an integer from %llu to %llu",
			 opt->min, opt->max);
		return -1;
	}
	if (opt->id == OPT_SEED) {
		o->seed = v;
		o->seed_set = true;
	} else {
		o->verbose = (unsigned)v;
	}
	return 0;
}

static int apply_enum(struct gfp_options *o, const struct option_desc *opt,
		      const char *value, char *err, size_t errlen)
{
	for (unsigned i = 0; opt->choices[i]; i++) {
		if (strcmp(value, opt->choices[i]) != 0)
			continue;
		if (opt->id == OPT_OOM)
			o->oom = (enum oom_mode)i;
		else if (opt->id == OPT_FAULT_REPORT)
			o->fault_report = (enum fault_report_mode)i;
		else
			o->ratelimit = (enum ratelimit_mode)i;
		return 0;
	}
	size_t n = (size_t)snprintf(err, errlen, "expected one of");
	for (unsigned i = 0; opt->choices[i] && n < errlen; i++)
		n += (size_t)snprintf(err + n, errlen - n, "%s %s", i ? "," : "",
				      opt->choices[i]);
	return -1;
}

static int apply_gfp(struct gfp_options *o, const struct option_desc *opt,
		     const char *value, char *err, size_t errlen)
{
	uint32_t mask, unknown = 0;
	char kv[32];

	if (gfp_parse(value, o->machine.kernel, &mask, err, errlen))
		return -1;
	gfp_t gfp = gfp_from_kernel(mask, o->machine.kernel, &unknown);
	if (unknown) {
		snprintf(err, errlen, "bits %#x mean nothing on %s; expected gfp flags "
			 "of that kernel", unknown,
			 kver_format(o->machine.kernel, kv, sizeof(kv)));
		return -1;
	}
	o->malloc_gfp_mask = mask;
	o->malloc_gfp = gfp;
	return 0;
}

static int copy_text(char *dst, size_t cap, const char *value, const char *what,
		     char *err, size_t errlen)
{
	size_t n = strlen(value);
	if (n >= cap) {
		snprintf(err, errlen, "%zu characters; expected %s of at most %zu",
			 n, what, cap - 1);
		return -1;
	}
	memcpy(dst, value, n + 1);
	return 0;
}

static int apply_rules(struct gfp_options *o, const struct option_desc *opt,
		       const char *value, char *err, size_t errlen)
{
	static struct fault_ctx ctx;     /* too large for a thread's stack */

	if (copy_text(o->fail, sizeof(o->fail), value, "rules", err, errlen))
		return -1;
	fault_ctx_init(&ctx, o->machine.kernel);
	int r = fault_parse(&ctx, value, err, errlen);
	fault_ctx_release(&ctx);
	/* the caller names the variable already */
	size_t n = strlen(opt->name);
	if (r && strncmp(err, opt->name, n) == 0 && err[n] == ' ')
		memmove(err, err + n + 1, strlen(err + n + 1) + 1);
	return r;
}

static int apply_log(struct gfp_options *o, const struct option_desc *opt,
		     const char *value, char *err, size_t errlen)
{
	const char *dest = value;
	/* "json:DEST": the same destinations, one JSON object per line */
	if (strncmp(dest, "json:", 5) == 0) {
		dest += 5;
		if (!*dest) {
			snprintf(err, errlen, "expected json:stderr, json:stdout, "
				 "json:fd:N or json:FILE");
			return -1;
		}
	}
	if (strncmp(dest, "fd:", 3) == 0) {
		unsigned long long fd;
		if (parse_u64(dest + 3, &fd) || fd > 1023) {
			snprintf(err, errlen, "expected fd:N with N from 0 to 1023");
			return -1;
		}
	}
	return copy_text(o->log, sizeof(o->log), value, "a path", err, errlen);
}

static int apply_snapshot(struct gfp_options *o, const struct option_desc *opt,
			  const char *value, char *err, size_t errlen)
{
	char path[sizeof(o->snapshot)];
	int signo;

	if (copy_text(o->snapshot, sizeof(o->snapshot), value, "a path", err, errlen))
		return -1;
	/* PATH[,signal=SIG] (lib/report/snapshot.h) */
	return snapshot_spec_parse(value, path, sizeof(path), &signo, err, errlen);
}

static int apply_comm(struct gfp_options *o, const struct option_desc *opt,
		      const char *value, char *err, size_t errlen)
{
	for (const char *p = value; *p; p++) {
		if ((unsigned char)*p < ' ') {
			snprintf(err, errlen, "control characters; expected a printable "
				 "task name");
			return -1;
		}
	}
	/* task->comm is TASK_COMM_LEN (16) bytes with the NUL */
	return copy_text(o->comm, sizeof(o->comm), value, "a task name", err, errlen);
}

/* --- the table ------------------------------------------------------------- */

static const char *const oom_choices[] = { "null", "kill", "abort", NULL };
static const char *const ratelimit_choices[] = { "kernel", "off", NULL };
static const char *const fault_report_choices[] = { "full", "kernel", NULL };

const struct option_desc options_table[NR_OPTIONS] = {
	[OPT_PROFILE] = { OPT_PROFILE, "GFPSHIM_PROFILE", "profile", OPTT_PROFILE,
		"NAME|FILE", "default",
		"the machine: a built-in profile name or a profile file",
		NULL, 0, 0, apply_profile },
	[OPT_KERNEL] = { OPT_KERNEL, "GFPSHIM_KERNEL", "kernel", OPTT_KERNEL,
		"VERSION", "",
		"kernel version whose gfp bits, rules and reports to follow (default: the profile's)",
		NULL, 0, 0, apply_kernel },
	[OPT_MEM] = { OPT_MEM, "GFPSHIM_MEM", "mem", OPTT_SIZE, "SIZE", "",
		"simulated RAM, laid out in the arch's default zones (default: the profile's)",
		NULL, 0, 0, apply_mem },
	[OPT_CMA] = { OPT_CMA, "GFPSHIM_CMA", "cma", OPTT_CMA, "SIZE|NAME:SIZE@BASE|none", "",
		"CMA area replacing the profile's; a bare size is placed as the kernel's default area",
		NULL, 0, 0, apply_cma },
	[OPT_CPUS] = { OPT_CPUS, "GFPSHIM_CPUS", "cpus", OPTT_INT, "N", "",
		"simulated CPUs, each with its per-cpu page lists (default: the profile's)",
		NULL, 1, MAX_NR_CPUS, apply_cpus },
	[OPT_MALLOC_GFP] = { OPT_MALLOC_GFP, "GFPSHIM_MALLOC_GFP", "malloc-gfp", OPTT_GFP,
		"MASK", "GFP_KERNEL",
		"gfp flags of malloc: a mask or names, as the kernel version numbers them",
		NULL, 0, 0, apply_gfp },
	[OPT_STRICT_KMALLOC] = { OPT_STRICT_KMALLOC, "GFPSHIM_STRICT_KMALLOC",
		"strict-kmalloc", OPTT_BOOL, "BOOL", "0",
		"fail malloc above KMALLOC_MAX_SIZE as kmalloc does, instead of using a vm area",
		NULL, 0, 0, apply_bool },
	[OPT_FAIL] = { OPT_FAIL, "GFPSHIM_FAIL", "fail", OPTT_RULES, "RULES", "",
		"fault-injection rules (see gfpshim(7)); none by default",
		NULL, 0, 0, apply_rules },
	[OPT_SEED] = { OPT_SEED, "GFPSHIM_SEED", "seed", OPTT_INT, "N", "",
		"seed of the rules' random choices (default: a new seed each run)",
		NULL, 0, ~0ULL, apply_int },
	[OPT_INHERIT] = { OPT_INHERIT, "GFPSHIM_INHERIT", "inherit", OPTT_BOOL, "BOOL", "0",
		"let child processes inherit the fault rules (default: children run clean)",
		NULL, 0, 0, apply_bool },
	[OPT_OOM] = { OPT_OOM, "GFPSHIM_OOM", "oom", OPTT_ENUM, "null|kill|abort", "null",
		"after an OOM-killer report: return NULL, kill the program (SIGKILL), or abort",
		oom_choices, 0, 0, apply_enum },
	[OPT_LOG] = { OPT_LOG, "GFPSHIM_LOG", "log", OPTT_PATH, "[json:]stderr|stdout|fd:N|FILE",
		"stderr", "where reports go; a file is appended to (%p: the pid); json: JSON lines",
		NULL, 0, 0, apply_log },
	[OPT_FAULT_REPORT] = { OPT_FAULT_REPORT, "GFPSHIM_FAULT_REPORT", "fault-report",
		OPTT_ENUM, "full|kernel", "full",
		"injected failures: FAULT_INJECTION lines, then warn_alloc's report (full) or nothing (kernel)",
		fault_report_choices, 0, 0, apply_enum },
	[OPT_RATELIMIT] = { OPT_RATELIMIT, "GFPSHIM_RATELIMIT", "ratelimit", OPTT_ENUM,
		"kernel|off", "kernel",
		"limit reports as warn_alloc() does for the kernel version, or print every one",
		ratelimit_choices, 0, 0, apply_enum },
	[OPT_TIMESTAMPS] = { OPT_TIMESTAMPS, "GFPSHIM_TIMESTAMPS", "timestamps", OPTT_BOOL,
		"BOOL", "0", "prefix report lines with printk timestamps ([    1.234567])",
		NULL, 0, 0, apply_bool },
	[OPT_COMM] = { OPT_COMM, "GFPSHIM_COMM", "comm", OPTT_STRING, "NAME", "",
		"task name reports print (default: the program's, 15 characters at most)",
		NULL, 0, 0, apply_comm },
	[OPT_STATS] = { OPT_STATS, "GFPSHIM_STATS", "stats", OPTT_BOOL, "BOOL", "0",
		"print allocation and failure counts at exit",
		NULL, 0, 0, apply_bool },
	[OPT_SNAPSHOT] = { OPT_SNAPSHOT, "GFPSHIM_SNAPSHOT", "snapshot", OPTT_PATH, "FILE[,signal=SIG]", "",
		"snapshot of the memory for 'gfpshim map': FILE at exit, FILE.N on SIG; %p: the pid",
		NULL, 0, 0, apply_snapshot },
	[OPT_CRASH_TRACE] = { OPT_CRASH_TRACE, "GFPSHIM_CRASH_TRACE", "crash-trace", OPTT_BOOL,
		"BOOL", "0", "on SIGSEGV, SIGBUS, SIGILL, SIGFPE or SIGABRT: log the signal and backtrace, then die of it",
		NULL, 0, 0, apply_bool },
	[OPT_VERBOSE] = { OPT_VERBOSE, "GFPSHIM_VERBOSE", "verbose", OPTT_INT, "N", "0",
		"0: reports only; 1: also the effective machine and options at start; 2: also rule decisions",
		NULL, 0, 2, apply_int },
};

const struct option_desc *option_find(const char *name)
{
	for (unsigned i = 0; i < NR_OPTIONS; i++) {
		if (strcmp(name, options_table[i].name) == 0 ||
		    strcmp(name, options_table[i].flag) == 0)
			return &options_table[i];
	}
	return NULL;
}

const char *option_type_name(enum option_type type)
{
	static const char *const names[] = {
		[OPTT_SIZE] = "size", [OPTT_BOOL] = "bool", [OPTT_INT] = "int",
		[OPTT_ENUM] = "enum", [OPTT_GFP] = "gfp", [OPTT_KERNEL] = "kernel",
		[OPTT_STRING] = "string", [OPTT_PATH] = "path", [OPTT_RULES] = "rules",
		[OPTT_CMA] = "cma", [OPTT_PROFILE] = "profile",
	};
	return names[type];
}

/* --- unknown names ----------------------------------------------------------- */

/* Optimal string alignment distance (edits and swaps of neighbours). */
static unsigned distance(const char *a, size_t la, const char *b, size_t lb)
{
	unsigned row[3][40];
	if (la >= 40 || lb >= 40)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned *cur = row[i % 3], *prev = row[(i - 1) % 3],
			 *prev2 = row[(i + 1) % 3];
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
	}
	return row[la % 3][lb];
}

static int check_names(const char *const *envp, struct gfp_error *err)
{
	const size_t plen = sizeof(PREFIX) - 1;

	for (; *envp; envp++) {
		const char *e = *envp, *eq = strchr(e, '=');
		size_t n = eq ? (size_t)(eq - e) : strlen(e);
		char upper[40];

		if (n <= plen || strncasecmp(e, PREFIX, plen) != 0)
			continue;
		if (n >= sizeof(upper))
			n = sizeof(upper) - 1;
		for (size_t i = 0; i < n; i++)
			upper[i] = (e[i] >= 'a' && e[i] <= 'z') ? (char)(e[i] - 32) : e[i];
		upper[n] = '\0';

		const struct option_desc *best = NULL;
		unsigned best_d = 99;
		for (unsigned i = 0; i < NR_OPTIONS; i++) {
			const char *name = options_table[i].name;
			if (strncmp(e, name, n) == 0 && name[n] == '\0')
				goto known;
			unsigned d = distance(upper + plen, n - plen, name + plen,
					      strlen(name) - plen);
			if (d < best_d) {
				best_d = d;
				best = &options_table[i];
			}
		}
		size_t used = (size_t)snprintf(err->msg, sizeof(err->msg),
					       "%s: unknown variable; ", e);
		if (used >= sizeof(err->msg))
			return -1;
		if (best && best_d <= 3) {
			snprintf(err->msg + used, sizeof(err->msg) - used,
				 "did you mean %s?", best->name);
			return -1;
		}
		used += (size_t)snprintf(err->msg + used, sizeof(err->msg) - used,
					 "expected one of");
		for (unsigned i = 0; i < NR_OPTIONS && used < sizeof(err->msg); i++)
			used += (size_t)snprintf(err->msg + used, sizeof(err->msg) - used,
						 "%s %s", i ? "," : "", options_table[i].name);
		return -1;
known:
		continue;
	}
	return 0;
}

/* --- the reader -------------------------------------------------------------- */

/* Append text at offset `at` of err->msg, cut to fit. */
static void msg_append(struct gfp_error *err, int at, const char *text)
{
	if (at < 0 || (size_t)at >= sizeof(err->msg) - 1)
		return;
	size_t room = sizeof(err->msg) - 1 - (size_t)at;
	size_t len = strlen(text);
	if (len > room)
		len = room;
	memcpy(err->msg + at, text, len);
	err->msg[at + len] = '\0';
}

static int bad(struct gfp_error *err, const char *name, const char *value,
	       const char *why)
{
	/* a long value is cut, so that what was expected still shows */
	int n = strlen(value) > 64 ? 60 : (int)strlen(value);
	int head = snprintf(err->msg, sizeof(err->msg), "%s=%.*s%s: ", name, n,
			    value, value[n] ? "..." : "");
	msg_append(err, head, why);
	return -1;
}

int options_load(struct gfp_options *out, const char *(*get)(const char *name),
		 const char *const *envp, struct gfp_error *err)
{
	const char *value[NR_OPTIONS];
	char why[sizeof(err->msg)];

	memset(out, 0, sizeof(*out));
	if (envp && check_names(envp, err))
		return -1;

	for (unsigned i = 0; i < NR_OPTIONS; i++) {
		const char *v = get(options_table[i].name);
		out->set[i] = v && *v;
		value[i] = out->set[i] ? v : options_table[i].def;
	}
	for (unsigned i = 0; i < NR_OPTIONS; i++) {
		const struct option_desc *opt = &options_table[i];
		if (*value[i] && opt->apply(out, opt, value[i], why, sizeof(why)))
			return bad(err, opt->name, value[i], why);
		if (i == OPT_CPUS) {
			struct gfp_error e;
			if (machine_validate(&out->machine, &e) == 0)
				continue;
			/* name every variable that shaped the machine */
			size_t n = 0;
			for (unsigned j = OPT_PROFILE; j <= OPT_CPUS && n < sizeof(err->msg); j++)
				if (out->set[j])
					n += (size_t)snprintf(err->msg + n, sizeof(err->msg) - n,
							      "%s%s=%s", n ? " " : "",
							      options_table[j].name, value[j]);
			if (n && n + 2 < sizeof(err->msg)) {
				memcpy(err->msg + n, ": ", 3);
				n += 2;
			}
			msg_append(err, (int)n, e.msg);
			return -1;
		}
	}
	return 0;
}
