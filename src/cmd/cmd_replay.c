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
	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		struct zone *z = &pgdat->node_zones[i];
		struct zone_before *b = &before[i];
		memset(b, 0, sizeof(*b));
		b->free = z->vm_stat[NR_FREE_PAGES];
		b->free_cma = z->vm_stat[NR_FREE_CMA_PAGES];
		b->highatomic = z->nr_reserved_highatomic;
		for (unsigned o = order; o < pgdat->nr_page_orders; o++)
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				b->blocks[mt] += z->free_area[o].nr_free_mt[mt];
	}

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

	switch (out.verdict) {
	case ALLOC_OK:
	case ALLOC_OK_AFTER_RECLAIM:
		printf("verdict: succeeds%s: pfn %#lx in zone %s, a %s pageblock\n",
		       out.verdict == ALLOC_OK ? "" :
		       " after reclaim or compaction",
		       out.pfn, pgdat->node_zones[out.zone_idx].name,
		       migratetype_names[get_pageblock_migratetype(pgdat, out.pfn)]);
		break;
	case ALLOC_FAIL_OOM:
		printf("verdict: fails: nothing fits after reclaim and "
		       "compaction; the kernel invokes the OOM killer\n");
		break;
	default: {
		bool wm_ok = false, block = false;
		for (unsigned i = 0; i < out.nr_attempts; i++) {
			wm_ok |= out.attempts[i].watermark_ok;
			block |= out.attempts[i].has_block;
		}
		printf("verdict: fails: page allocation failure: order:%u, "
		       "mode:%s\n", order, mode);
		if (wm_ok)
			printf("  the watermark check passed, but rmqueue found no "
			       "block of order >= %u on the %s list or the lists "
			       "it may steal from\n", order,
			       migratetype_names[out.migratetype]);
		else if (order && !block)
			printf("  no zone has a free block of order >= %u that "
			       "this request may use\n", order);
		else
			printf("  every zone is below its watermark for this "
			       "request\n");
		break;
	}
	}
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

int cmd_replay(int argc, char **argv)
{
	static struct replay r;
	static struct pglist_data node;
	const char *log = NULL, *profile = NULL, *kernel = NULL;
	const char *save_profile = NULL, *save_snapshot = NULL;
	const char *order = NULL, *gfp = NULL;
	unsigned report = 0;
	bool verbose = false;
	int prog = 0, rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			if (i + 1 >= argc)
				return cmd_usage_error("replay", "--: expected a "
						       "PROGRAM after it");
			prog = i + 1;
			break;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cmd_replay_usage(stdout);
			return cmd_finish_output("replay");
		} else if (!strcmp(a, "-v")) {
			verbose = true;
		} else if (!strcmp(a, "--check")) {
			if (i + 2 >= argc)
				return cmd_usage_error("replay", "--check: expected "
						       "ORDER and GFP after it");
			order = argv[++i];
			gfp = argv[++i];
		} else if (!strcmp(a, "--report")) {
			if ((rc = need_value(argc, argv, i)))
				return rc;
			char *end;
			unsigned long n = strtoul(argv[++i], &end, 10);
			if (!argv[i][0] || *end || n == 0 || n > LOG_MAX_REPORTS ||
			    argv[i][0] == '-')
				return cmd_usage_error("replay", "--report '%s': "
						       "expected a report number, "
						       "1 or more", argv[i]);
			report = (unsigned)n;
		} else if (!strcmp(a, "--profile")) {
			if ((rc = need_value(argc, argv, i)))
				return rc;
			profile = argv[++i];
		} else if (!strcmp(a, "--kernel")) {
			kver_t kv;
			if ((rc = need_value(argc, argv, i)))
				return rc;
			kernel = argv[++i];
			if ((rc = cmd_kernel_arg("replay", "--kernel", kernel, &kv)))
				return rc;
		} else if (!strcmp(a, "--save-profile")) {
			if ((rc = need_value(argc, argv, i)))
				return rc;
			save_profile = argv[++i];
		} else if (!strcmp(a, "--save-snapshot")) {
			if ((rc = need_value(argc, argv, i)))
				return rc;
			save_snapshot = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			return cmd_usage_error("replay", "unknown option '%s'", a);
		} else if (!log) {
			log = a;
		} else {
			return cmd_usage_error("replay", "'%s': one LOG only (the "
					       "first was '%s'); a program goes "
					       "after --", a, log);
		}
	}
	if (!log)
		return cmd_usage_error("replay", "expected a LOG");
	if (order && prog)
		return cmd_usage_error("replay", "--check and a PROGRAM: expected "
				       "one of them");
	if (!order && !prog && !save_profile && !save_snapshot)
		return cmd_usage_error("replay", "expected --check ORDER GFP, "
				       "-- PROGRAM, --save-profile or "
				       "--save-snapshot");

	if ((rc = cmd_replay_load("replay", log, report, profile, kernel, &r,
				  &node)))
		return rc;
	/* with a program, stdout is the program's */
	FILE *info = prog ? stderr : stdout;
	fprintf(info, "replay of %s, report %u (%s, line %u)", log, r.index,
		log_report_kind_names[r.rep->kind], r.rep->first_line);
	if (r.rep->have_order && r.rep->have_mask)
		fprintf(info, ": order:%u, mode:%#x%s%s%s", r.rep->order,
			r.rep->mask, r.rep->mask_names[0] ? "(" : "",
			r.rep->mask_names, r.rep->mask_names[0] ? ")" : "");
	fprintf(info, "\nmachine: %s\n", r.how);
	if (verbose)
		fprintf(info, "\n%.*s\n", (int)r.profile_len, r.profile);

	struct gfp_error err = { { 0 } };
	if (save_profile && replay_write_profile(&r, save_profile, &err) < 0) {
		fprintf(stderr, "gfpshim replay: --save-profile: %s\n", err.msg);
		return CMD_USAGE;
	}
	if (save_snapshot) {
		char source[64];
		snprintf(source, sizeof(source), "replay of report %u", r.index);
		if (snapshot_write_file(save_snapshot, &node, source, &err) < 0) {
			fprintf(stderr, "gfpshim replay: --save-snapshot: %s\n",
				err.msg);
			return CMD_USAGE;
		}
	}
	if (order) {
		printf("\n");
		rc = check(&node, order, gfp);
		if (rc == CMD_USAGE)
			return rc;
		int out = cmd_finish_output("replay");
		return out ? out : rc;
	}
	if (prog) {
		if ((rc = cmd_finish_output("replay")))
			return rc;
		return run_on_heap(&r, argv + prog);
	}
	return cmd_finish_output("replay");
}
