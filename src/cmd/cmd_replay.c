/* gfpshim replay: rebuild the heap of a report, then ask it whether a
 * request would succeed (--check), or run a program on it under the shim.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi/kver_rules.h"
#include "cmd/cmd.h"
#include "abi/gfp.h"
#include "diagnose/logparse.h"
#include "mm/page_alloc.h"
#include "base/prim.h"
#include "diagnose/replay.h"
#include "cmd/run.h"
#include "report/snapshot.h"

extern char **environ;

void cmd_replay_usage(FILE *out)
{
	fprintf(out,
		"Usage: gfpshim replay LOG [--report N] [--profile NAME|FILE]\n"
		"                      [--kernel VER] [--save-profile FILE]\n"
		"                      [--save-snapshot FILE] [-v]\n"
		"                      (--check ORDER GFP | -- PROGRAM [ARG...])\n"
		"\n"
		"Rebuild the machine and heap a report in LOG describes: zones,\n"
		"page size, present/managed, watermarks as printed,\n"
		"lowmem_reserve, CMA, and the free lists per order and type\n"
		"(from a pagetypeinfo dump when the log has one, else from the\n"
		"buddy line and its letters).\n"
		"\n"
		"  --check ORDER GFP    would this request succeed on that heap,\n"
		"                       and why: the zone-by-zone arithmetic of\n"
		"                       the log's kernel.  GFP is a mask or names\n"
		"                       (0xa20, GFP_ATOMIC|__GFP_COMP)\n"
		"  -- PROGRAM [ARG...]  run PROGRAM under the shim on that heap\n"
		"  --report N           the Nth report of LOG (default: the first\n"
		"                       with a buddy line or pagetypeinfo)\n"
		"  --profile NAME|FILE  the machine (default: the built-in profile\n"
		"                       of the log's kernel and zones, else one\n"
		"                       inferred from the log)\n"
		"  --kernel VER         the kernel, over the log's dump_stack line\n"
		"  --save-profile FILE  write the rebuilt machine and heap as a\n"
		"                       profile (GFPSHIM_PROFILE=FILE boots it)\n"
		"  --save-snapshot FILE write the rebuilt heap as a snapshot for\n"
		"                       'gfpshim map'\n"
		"  -v                   also print the profile\n"
		"  -h, --help           this text\n"
		"\n"
		"Exit status: --check: 0 the request succeeds, 1 it fails;\n"
		"with PROGRAM: PROGRAM's; 2 for a bad flag, log or profile.\n");
}

/* ---- shared with gfpshim map ------------------------------------------------ */

int cmd_replay_load(const char *cmd, const char *path, unsigned report,
		    const char *profile, const char *kernel, struct replay *r,
		    struct pglist_data *pgdat)
{
	struct gfp_error err = { { 0 } };
	struct log *log = log_read(path, &err);

	if (!log)
		return cmd_usage_error(cmd, "%s", err.msg);
	if (replay_pick(r, log, report, &err) < 0) {
		fprintf(stderr, "gfpshim %s: %s: %s\n", cmd, path, err.msg);
		log_free(log);
		return CMD_USAGE;
	}
	if (replay_machine(r, profile, kernel, path, &err) < 0 ||
	    replay_boot(r, pgdat, &err) < 0) {
		fprintf(stderr, "gfpshim %s: %s\n", cmd, err.msg);
		log_free(log);
		return CMD_USAGE;
	}
	return CMD_OK;
}

/* ---- --check -------------------------------------------------------------------- */

/* The lists __zone_watermark_ok()'s order loop lets this request count
 * (zone_has_block() in watermark.c, for display). */
static unsigned usable_lists(kver_t kv, unsigned flags)
{
	bool split = kver_alloc_reserves_split(kv);
	unsigned harder_mask = kver_has(kv, KF_ALLOC_OOM) ? ALLOC_HARDER | ALLOC_OOM :
						      ALLOC_HARDER;
	bool harder = !split && (flags & harder_mask);
	unsigned lists = 1u << MIGRATE_UNMOVABLE | 1u << MIGRATE_MOVABLE |
			 1u << MIGRATE_RECLAIMABLE;

	if (!kver_has(kv, KF_HARDER_NEEDS_BLOCK) && harder)
		return (1u << MIGRATE_TYPES) - 1;
	if (flags & ALLOC_CMA)
		lists |= 1u << MIGRATE_CMA;
	if (split ? (flags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) : harder)
		lists |= 1u << MIGRATE_HIGHATOMIC;
	return lists;
}

struct zone_before {
	long free, free_cma;
	unsigned long highatomic;
	unsigned long blocks[MIGRATE_TYPES];    /* free blocks of order ≥ the request's */
};

static void print_zone(const struct pglist_data *pgdat,
		       const struct zone_attempt *a,
		       const struct zone_before *b, unsigned order,
		       unsigned flags)
{
	const struct zone *z = &pgdat->node_zones[a->zone_idx];
	kver_t kv = pgdat->kv;
	unsigned lists = usable_lists(kv, flags);
	long unusable_cma = (flags & ALLOC_CMA) ? 0 : b->free_cma;

	printf("zone %s:\n", z->name);
	if (!zone_populated(z)) {
		printf("  empty\n");
		return;
	}
	printf("  watermark %lu pages, %ld after the request's discounts, "
	       "lowmem_reserve %ld\n", a->mark, a->min, a->lowmem_reserve);
	printf("  free %ld pages; unusable: CMA %ld%s, highatomic reserve %lu, "
	       "order %u tail %ld\n", b->free, unusable_cma,
	       unusable_cma ? " (the request is not movable)" : "",
	       b->highatomic, order, (1L << order) - 1);
	printf("  usable %ld %s %ld + %ld: %s\n", a->usable,
	       a->usable > a->min + a->lowmem_reserve ? ">" : "<=", a->min,
	       a->lowmem_reserve,
	       a->usable > a->min + a->lowmem_reserve ? "above the watermark" :
	       "below the watermark");
	printf("  free blocks of order >= %u:", order);
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		printf(" %s %lu%s%s", migratetype_names[mt], b->blocks[mt],
		       (lists & (1u << mt)) ? "" : " (not usable)",
		       mt + 1 < MIGRATE_TYPES ? "," : "\n");
	if (order && lists == (1u << MIGRATE_TYPES) - 1)
		printf("  (before 4.15 an ALLOC_HARDER request counts a free "
		       "block of any type here; rmqueue still cannot take "
		       "CMA or isolated blocks for it)\n");
	if (order)
		printf("  %s\n", a->has_block ?
		       "a block of that order is on a list the request may use" :
		       "no block of that order on a list the request may use");
	printf("  => __zone_watermark_ok() %s\n", a->watermark_ok ? "passes" :
	       a->usable <= a->min + a->lowmem_reserve ?
	       "fails: below the watermark" :
	       "fails: no usable block of that order");
}

static int parse_order(const char *text, unsigned *order)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || v > 64)
		return -1;
	*order = (unsigned)v;
	return 0;
}

/* What print_zone() compares with: each zone's counters and its free
 * blocks of order or more by migratetype, before the request. */
static void record_before(const struct pglist_data *pgdat, unsigned order,
			  struct zone_before *before)
{
	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		const struct zone *z = &pgdat->node_zones[i];
		struct zone_before *b = &before[i];
		memset(b, 0, sizeof(*b));
		b->free = z->vm_stat[NR_FREE_PAGES];
		b->free_cma = z->vm_stat[NR_FREE_CMA_PAGES];
		b->highatomic = z->nr_reserved_highatomic;
		for (unsigned o = order; o < pgdat->nr_page_orders; o++)
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				b->blocks[mt] += z->free_area[o].nr_free_mt[mt];
	}
}

static void print_verdict(struct pglist_data *pgdat,
			  const struct alloc_outcome *out, unsigned order,
			  const char *mode)
{
	switch (out->verdict) {
	case ALLOC_OK:
	case ALLOC_OK_AFTER_RECLAIM:
		printf("verdict: succeeds%s: pfn %#lx in zone %s, a %s pageblock\n",
		       out->verdict == ALLOC_OK ? "" :
		       " after reclaim or compaction",
		       out->pfn, pgdat->node_zones[out->zone_idx].name,
		       migratetype_names[get_pageblock_migratetype(pgdat, out->pfn)]);
		break;
	case ALLOC_FAIL_OOM:
		printf("verdict: fails: nothing fits after reclaim and "
		       "compaction; the kernel invokes the OOM killer\n");
		break;
	default: {
		bool wm_ok = false, block = false;
		for (unsigned i = 0; i < out->nr_attempts; i++) {
			wm_ok |= out->attempts[i].watermark_ok;
			block |= out->attempts[i].has_block;
		}
		printf("verdict: fails: page allocation failure: order:%u, "
		       "mode:%s\n", order, mode);
		if (wm_ok)
			printf("  the watermark check passed, but rmqueue found no "
			       "block of order >= %u on the %s list or the lists "
			       "it may steal from\n", order,
			       migratetype_names[out->migratetype]);
		else if (order && !block)
			printf("  no zone has a free block of order >= %u that "
			       "this request may use\n", order);
		else
			printf("  every zone is below its watermark for this "
			       "request\n");
		break;
	}
	}
}

static int check(struct pglist_data *pgdat, const char *order_text,
		 const char *gfp_text)
{
	char err[512], mode[256], kv_text[32];
	unsigned order;
	uint32_t mask, unknown = 0;
	kver_t kv = pgdat->kv;

	if (parse_order(order_text, &order) < 0)
		return cmd_usage_error("replay", "--check ORDER '%s': expected an "
				       "order, 0 to %u", order_text,
				       pgdat->nr_page_orders - 1);
	if (gfp_parse(gfp_text, kv, &mask, err, sizeof(err)) < 0)
		return cmd_usage_error("replay", "--check GFP: %s", err);
	gfp_t gfp = gfp_from_kernel(mask, kv, &unknown);
	gfp_format(mask, kv, mode, sizeof(mode));
	kver_format(kv, kv_text, sizeof(kv_text));

	struct zone_before before[MAX_NR_ZONES];
	record_before(pgdat, order, before);

	struct alloc_outcome out;
	bool ok = alloc_pages_node(pgdat, gfp, order, 0, &out);

	printf("request: order %u, mode:%s on %s\n", order, mode, kv_text);
	if (out.verdict == ALLOC_FAIL_ORDER) {
		printf("verdict: fails: order %u is not below NR_PAGE_ORDERS (%u); "
		       "the kernel WARNs and prints no allocation failure "
		       "report\n", order, pgdat->nr_page_orders);
		return CMD_FAILED;
	}
	if (out.verdict == ALLOC_FAIL_BAD_GFP) {
		printf("verdict: fails: the mask has two zone modifiers "
		       "(gfp_zone() hits VM_BUG_ON)\n");
		return CMD_FAILED;
	}
	printf("migratetype %s, highest zone %s\n",
	       migratetype_names[out.migratetype],
	       pgdat->node_zones[out.highest_zoneidx].name);
	printf("%s: ", (out.alloc_flags & ALLOC_WMARK_MASK) == ALLOC_WMARK_LOW ?
	       "fast path" : "slow path");
	char flags[160];
	alloc_flags_format(flags, sizeof(flags), out.alloc_flags, kv, 0);
	printf("%s\n\n", flags);
	for (unsigned i = 0; i < out.nr_attempts; i++)
		print_zone(pgdat, &out.attempts[i],
			   &before[out.attempts[i].zone_idx], order,
			   out.alloc_flags);
	printf("\n");

	print_verdict(pgdat, &out, order, mode);
	return ok ? CMD_OK : CMD_FAILED;
}

/* ---- running a program -------------------------------------------------------- */

static int run_on_heap(const struct replay *r, char **argv)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], pt[PATH_MAX + 128];
	char library[PATH_MAX], profile_var[PATH_MAX + 128];
	struct gfp_error err = { { 0 } };
	const char *tmp = getenv("TMPDIR");
	struct run_flags f = { { NULL } };
	int rc;

	if (run_library("replay", library, sizeof(library)) != CMD_OK)
		return CMD_FAILED;
	snprintf(dir, sizeof(dir), "%s/gfpshim-replay.XXXXXX",
		 tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		fprintf(stderr, "gfpshim replay: cannot make a directory %s: %s\n",
			dir, strerror(errno));
		return CMD_FAILED;
	}
	snprintf(path, sizeof(path), "%s/replay.conf", dir);
	snprintf(pt, sizeof(pt), "%s.pagetypeinfo", path);
	if (replay_write_profile(r, path, &err) < 0) {
		fprintf(stderr, "gfpshim replay: %s\n", err.msg);
		rc = CMD_FAILED;
		goto out;
	}
	snprintf(profile_var, sizeof(profile_var), "GFPSHIM_PROFILE=%s", path);
	const char *extra[] = { profile_var, NULL };
	size_t bytes, entries;
	run_environ_size(&bytes, &entries);
	bytes += strlen(profile_var) + strlen(library) + 64;
	entries += 4;
	char *store = prim_map(bytes);
	char **envp = prim_map(entries * sizeof(char *));
	if (!store || !envp ||
	    run_environ(&f, extra, library, store, bytes, envp, entries) < 0) {
		fprintf(stderr, "gfpshim replay: cannot build the environment\n");
		rc = CMD_FAILED;
		goto out;
	}

	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "gfpshim replay: fork: %s\n", strerror(errno));
		rc = CMD_FAILED;
		goto out;
	}
	if (pid == 0) {
		environ = envp;
		execvp(argv[0], argv);
		fprintf(stderr, "gfpshim replay: cannot run '%s': %s\n", argv[0],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	/* as system(): the terminal's signals reach the program directly */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "gfpshim replay: waitpid: %s\n",
				strerror(errno));
			rc = CMD_FAILED;
			goto out;
		}
	rc = run_exit_code(status);
out:
	unlink(pt);
	unlink(path);
	rmdir(dir);
	return rc;
}

/* ---- the command ------------------------------------------------------------ */

static int need_value(int argc, char **argv, int i)
{
	if (i + 1 >= argc)
		return cmd_usage_error("replay", "%s: expected a value after it",
				       argv[i]);
	return CMD_OK;
}

/* The command line of replay. */
struct replay_args {
	const char *log, *profile, *kernel;
	const char *save_profile, *save_snapshot;
	const char *order, *gfp;        /* --check ORDER GFP */
	unsigned report;
	bool verbose, help;
	int prog;                       /* argv index of the PROGRAM, or 0 */
};

/* The value of the option at argv[*i], which takes one; *i moves on. */
static int option_value(int argc, char **argv, int *i, const char **value)
{
	int rc = need_value(argc, argv, *i);

	if (!rc)
		*value = argv[++*i];
	return rc;
}

static int parse_report(const char *text, unsigned *report)
{
	char *end;
	unsigned long n = strtoul(text, &end, 10);

	if (!text[0] || *end || n == 0 || n > LOG_MAX_REPORTS || text[0] == '-')
		return cmd_usage_error("replay", "--report '%s': expected a "
				       "report number, 1 or more", text);
	*report = (unsigned)n;
	return CMD_OK;
}

static int parse_option(int argc, char **argv, int *i, struct replay_args *a)
{
	const char *o = argv[*i], *v;
	int rc;
	kver_t kv;

	if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
		a->help = true;
	} else if (!strcmp(o, "-v")) {
		a->verbose = true;
	} else if (!strcmp(o, "--check")) {
		if (*i + 2 >= argc)
			return cmd_usage_error("replay", "--check: expected "
					       "ORDER and GFP after it");
		a->order = argv[++*i];
		a->gfp = argv[++*i];
	} else if (!strcmp(o, "--report")) {
		if ((rc = option_value(argc, argv, i, &v)))
			return rc;
		return parse_report(v, &a->report);
	} else if (!strcmp(o, "--profile")) {
		return option_value(argc, argv, i, &a->profile);
	} else if (!strcmp(o, "--kernel")) {
		if ((rc = option_value(argc, argv, i, &a->kernel)))
			return rc;
		return cmd_kernel_arg("replay", "--kernel", a->kernel, &kv);
	} else if (!strcmp(o, "--save-profile")) {
		return option_value(argc, argv, i, &a->save_profile);
	} else if (!strcmp(o, "--save-snapshot")) {
		return option_value(argc, argv, i, &a->save_snapshot);
	} else {
		return cmd_usage_error("replay", "unknown option '%s'", o);
	}
	return CMD_OK;
}

static int parse_args(int argc, char **argv, struct replay_args *a)
{
	int rc;

	for (int i = 1; i < argc && !a->help; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--")) {
			if (i + 1 >= argc)
				return cmd_usage_error("replay", "--: expected a "
						       "PROGRAM after it");
			a->prog = i + 1;
			break;
		} else if (arg[0] == '-' && arg[1]) {
			if ((rc = parse_option(argc, argv, &i, a)))
				return rc;
		} else if (!a->log) {
			a->log = arg;
		} else {
			return cmd_usage_error("replay", "'%s': one LOG only (the "
					       "first was '%s'); a program goes "
					       "after --", arg, a->log);
		}
	}
	if (a->help)
		return CMD_OK;
	if (!a->log)
		return cmd_usage_error("replay", "expected a LOG");
	if (a->order && a->prog)
		return cmd_usage_error("replay", "--check and a PROGRAM: expected "
				       "one of them");
	if (!a->order && !a->prog && !a->save_profile && !a->save_snapshot)
		return cmd_usage_error("replay", "expected --check ORDER GFP, "
				       "-- PROGRAM, --save-profile or "
				       "--save-snapshot");
	return CMD_OK;
}

/* Which report of which log, and the machine built from it. */
static void print_header(FILE *info, const struct replay_args *a,
			 const struct replay *r)
{
	const struct log_report *rep = r->rep;

	fprintf(info, "replay of %s, report %u (%s, line %u)", a->log, r->index,
		log_report_kind_names[rep->kind], rep->first_line);
	if (rep->have_order && rep->have_mask)
		fprintf(info, ": order:%u, mode:%#x%s%s%s", rep->order,
			rep->mask, rep->mask_names[0] ? "(" : "",
			rep->mask_names, rep->mask_names[0] ? ")" : "");
	fprintf(info, "\nmachine: %s\n", r->how);
	if (a->verbose)
		fprintf(info, "\n%.*s\n", (int)r->profile_len, r->profile);
}

static int save(const struct replay_args *a, const struct replay *r,
		struct pglist_data *node)
{
	struct gfp_error err = { { 0 } };

	if (a->save_profile && replay_write_profile(r, a->save_profile, &err) < 0) {
		fprintf(stderr, "gfpshim replay: --save-profile: %s\n", err.msg);
		return CMD_USAGE;
	}
	if (a->save_snapshot) {
		char source[64];
		snprintf(source, sizeof(source), "replay of report %u", r->index);
		if (snapshot_write_file(a->save_snapshot, node, source, &err) < 0) {
			fprintf(stderr, "gfpshim replay: --save-snapshot: %s\n",
				err.msg);
			return CMD_USAGE;
		}
	}
	return CMD_OK;
}

int cmd_replay(int argc, char **argv)
{
	static struct replay r;
	static struct pglist_data node;
	struct replay_args a = { 0 };
	int rc;

	if ((rc = parse_args(argc, argv, &a)))
		return rc;
	if (a.help) {
		cmd_replay_usage(stdout);
		return cmd_finish_output("replay");
	}
	if ((rc = cmd_replay_load("replay", a.log, a.report, a.profile,
				  a.kernel, &r, &node)))
		return rc;
	/* with a program, stdout is the program's */
	print_header(a.prog ? stderr : stdout, &a, &r);
	if ((rc = save(&a, &r, &node)))
		return rc;
	if (a.order) {
		printf("\n");
		rc = check(&node, a.order, a.gfp);
		if (rc == CMD_USAGE)
			return rc;
		int out = cmd_finish_output("replay");
		return out ? out : rc;
	}
	if (a.prog) {
		if ((rc = cmd_finish_output("replay")))
			return rc;
		return run_on_heap(&r, argv + a.prog);
	}
	return cmd_finish_output("replay");
}
