/* The GFPSHIM_* options: one table, one reader.
 *
 * Every option has one row in options_table[] (variable name, `gfpshim
 * run` flag, type, default, one-line doc); the environment reader, the
 * command's flags, --help and the man page are derived from or checked
 * against it.  options_load() validates every variable that is set and
 * stops at the first bad one with "GFPSHIM_X=value: what was expected".
 * An empty value means "not set".  Nothing here allocates.
 */
#ifndef GFPSHIM_OPTIONS_H
#define GFPSHIM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/gfp.h"
#include "machine/machine.h"

enum option_id {
	/* the machine, applied in this order */
	OPT_PROFILE,
	OPT_KERNEL,
	OPT_MEM,
	OPT_CMA,
	OPT_CPUS,
	/* requests and fault injection */
	OPT_MALLOC_GFP,
	OPT_STRICT_KMALLOC,
	OPT_FAIL,
	OPT_SEED,
	OPT_INHERIT,
	OPT_OOM,
	/* output */
	OPT_FAULT_REPORT,
	OPT_LOG,
	OPT_RATELIMIT,
	OPT_TIMESTAMPS,
	OPT_COMM,
	OPT_STATS,
	OPT_SNAPSHOT,
	OPT_CRASH_TRACE,
	OPT_VERBOSE,
	NR_OPTIONS
};

enum option_type {
	OPTT_SIZE,      /* 512M, 3.5G */
	OPTT_BOOL,      /* 1/0, yes/no, true/false, on/off */
	OPTT_INT,       /* decimal or 0x hex, within [min, max] */
	OPTT_ENUM,      /* one of choices[] */
	OPTT_GFP,       /* a mask or names for the machine's kernel */
	OPTT_KERNEL,    /* a kernel version */
	OPTT_STRING,
	OPTT_PATH,
	OPTT_RULES,     /* fault rules (lib/fault/fault.h) */
	OPTT_CMA,       /* SIZE, NAME:SIZE[@BASE] or none */
	OPTT_PROFILE,   /* a built-in profile name or a profile file */
};

enum oom_mode { OOM_NULL, OOM_KILL, OOM_ABORT };
enum ratelimit_mode { RATELIMIT_KERNEL, RATELIMIT_OFF };
/* After an injected failure's fail_dump() lines: the warn_alloc report
 * that the request's failure prints (full), or nothing more, as the
 * kernel's fault points return before the allocator reports (kernel). */
enum fault_report_mode { FAULT_REPORT_FULL, FAULT_REPORT_KERNEL };

struct gfp_options;

struct option_desc {
	enum option_id id;
	const char *name;               /* "GFPSHIM_MEM" */
	const char *flag;               /* "mem": `gfpshim run --mem=SIZE` */
	enum option_type type;
	const char *metavar;            /* "SIZE", "MASK", … for --help */
	const char *def;                /* the default as text; "" = none */
	const char *doc;                /* one line */
	const char *const *choices;     /* OPTT_ENUM: NULL-terminated */
	unsigned long long min, max;    /* OPTT_INT */
	/* Parse and check `value` into o (the machine options before it are
	 * already in o); 0, or -1 with what was expected in err. */
	int (*apply)(struct gfp_options *o, const struct option_desc *opt,
		     const char *value, char *err, size_t errlen);
};

extern const struct option_desc options_table[NR_OPTIONS];

/* The row for "GFPSHIM_MEM" or the flag "mem"; NULL if none. */
const struct option_desc *option_find(const char *name);
/* "size", "bool", … as --help and the man page print the type. */
const char *option_type_name(enum option_type type);

struct gfp_options {
	bool set[NR_OPTIONS];           /* given in the environment */
	struct machine_desc machine;    /* profile, then kernel, mem, cma, cpus */
	uint32_t malloc_gfp_mask;       /* as the machine's kernel numbers it */
	gfp_t malloc_gfp;               /* canonical */
	bool strict_kmalloc;
	char fail[2048];                /* rules text, validated; "" = none */
	bool seed_set;
	uint64_t seed;
	bool inherit;
	enum oom_mode oom;
	enum fault_report_mode fault_report;
	char log[256];                  /* "stderr", "stdout", "fd:N" or a path */
	enum ratelimit_mode ratelimit;
	bool timestamps;
	char comm[16];                  /* TASK_COMM_LEN; "" = the program's */
	bool stats;
	char snapshot[256];             /* "" = none */
	bool crash_trace;               /* report crashes (src/shim/crash.c) */
	unsigned verbose;
};

/* Read every option from `get` (getenv, prim_getenv, or a test's table);
 * defaults for the rest.  When `envp` is not NULL, every GFPSHIM_* entry
 * in it must name an option: a typo is an error that suggests the nearest
 * name.  Returns 0, or -1 with "GFPSHIM_X=value: …" in err. */
int options_load(struct gfp_options *out, const char *(*get)(const char *name),
		 const char *const *envp, struct gfp_error *err);

#endif
