/* gfpshim sweep: walk a program's allocation-failure paths, one failure
 * per run.
 *
 * nth mode: run N fails the Nth request that matches the user's filter
 * (the rule "FILTER,after=N-1,times=1", which fails what nth=N fails),
 * until a run in which no request was failed: the program made fewer
 * than N requests.  unique mode: each run fails the first call stack no
 * run has failed yet ("FILTER,times=1,stack=unique:FILE"), until a run
 * meets no new stack.
 *
 * Every run has its own stack file in the work directory.  The shim
 * appends one line to it for the stack it failed ("HASH frame"), which
 * tells the sweep whether and where a failure was injected without
 * depending on the reports.  In unique mode the sweep seeds each file
 * with the stacks known so far and appends every newly found stack to
 * the files of the runs still going (the shim re-reads its file, under
 * flock(), before it fails a stack), so parallel runs spread over
 * different stacks.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "fault/fault.h"
#include "base/prim.h"
#include "cmd/sweep.h"

extern char **environ;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cmd_sweep_usage(FILE *out)
{
	fprintf(out,
		"Usage: gfpshim sweep [OPTION...] [--] PROGRAM [ARG...]\n"
		"\n"
		"Run PROGRAM under the shim again and again, failing one more\n"
		"allocation each time, and report what each failure does: a clean\n"
		"exit, an error exit, a crash (signal) or a hang.\n"
		"\n"
		"  --mode nth     run N fails the Nth request (nth=N), N = 1, 2, …\n"
		"                 until a run makes fewer than N requests [nth]\n"
		"  --mode unique  each run fails one call stack no run failed\n"
		"                 before (stack=unique), until no stack is new\n"
		"  -j, --jobs N   runs at a time [the number of CPUs]\n"
		"  --timeout SECS a run still going after SECS is killed and\n"
		"                 counted as a hang [%d]\n"
		"  --max-runs N   stop after N runs [%d]\n"
		"  --dir DIR      keep each run's files in DIR: run-N.stacks (the\n"
		"                 stack failed), run-N.PID.log (its reports),\n"
		"                 run-N.err (its stderr) [a temporary directory]\n"
		"  --json         the results as JSON on stdout, for tools\n"
		"  -q, --quiet    no progress on stderr\n"
		"  -h, --help     this text\n"
		"\n"
		"--fail RULE narrows which requests count: the knobs of one rule,\n"
		"such as 'site=slab,min-order=1' or 'caller=parse_*' (not nth=,\n"
		"stack=, after=, until=, times=, probability=, interval= or\n"
		"space=, which the sweep sets).  The other options of 'gfpshim\n"
		"run' apply to every run:\n"
		"\n",
		SWEEP_DEFAULT_TIMEOUT, SWEEP_DEFAULT_MAX_RUNS);
	run_flags_usage(out, 1UL << OPT_LOG);
	fprintf(out,
		"\n"
		"PROGRAM's stdin and stdout are /dev/null.  Runs are grouped by\n"
		"the call site that was failed (the first frame outside the shim).\n"
		"The runs log their crashes (--crash-trace, on unless given): a\n"
		"crash class is a signal and the top frames of the program's own\n"
		"backtrace at the crash, past libc and the loader; each gets a\n"
		"'gfpshim run' line that reproduces it.\n"
		"Exit status: 0 no run crashed or hung; 3 some did; 2 bad flag or\n"
		"value (nothing was run); 1 the sweep itself failed.\n");
}

/* ---- options -------------------------------------------------------------- */

static int parse_count(const char *flag, const char *text, unsigned min,
		       unsigned max, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(text, &end, 10);
	if (!*text || *end || errno || v < min || v > max || text[0] == '-')
		return cmd_usage_error("sweep", "%s '%s': expected a whole "
				       "number from %u to %u", flag, text, min,
				       max);
	*out = (unsigned)v;
	return CMD_OK;
}

/* The user's --fail: the knobs of one rule the sweep can add its own to. */
static int check_filter(const char *text, kver_t kv)
{
	static struct fault_ctx ctx;    /* large: not on the stack */
	static const struct { enum fault_knob k; const char *name; } owned[] = {
		{ FK_NTH, "nth=" }, { FK_STACK, "stack=" },
		{ FK_AFTER, "after=" }, { FK_UNTIL, "until=" },
		{ FK_TIMES, "times=" }, { FK_PROBABILITY, "probability=" },
		{ FK_INTERVAL, "interval=" }, { FK_SPACE, "space=" },
	};
	char err[512];
	int rc = CMD_OK;

	if (!*text)
		return CMD_OK;
	fault_ctx_init(&ctx, kv);
	if (fault_parse(&ctx, text, err, sizeof(err)) < 0) {
		rc = cmd_usage_error("sweep", "--fail '%s': %s", text, err);
	} else if (ctx.nr_rules > 1) {
		rc = cmd_usage_error("sweep", "--fail '%s': %u rules; expected "
				     "the knobs of one rule, which choose the "
				     "requests the sweep fails", text,
				     ctx.nr_rules);
	} else {
		for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
			if (ctx.rule[0].set & (1u << owned[i].k)) {
				rc = cmd_usage_error("sweep", "--fail '%s': "
					"%s is the sweep's to set; expected "
					"filters such as site=, min-order=, "
					"gfp=, caller=", text, owned[i].name);
				break;
			}
	}
	fault_ctx_release(&ctx);
	return rc;
}

static unsigned nr_cpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

static int parse_args(struct sweep *sw, int argc, char **argv, bool *keep)
{
	int prog = 0;
	const char *mode = "nth";

	for (int i = 1; i < argc && !prog; i++) {
		const char *a = argv[i];
		const char *v = NULL;
		int r;

		bool last = i + 1 >= argc || !strcmp(argv[i + 1], "--");
#define VALUE(flag) \
	(!strcmp(a, flag) ? (v = argv[++i]) : \
	 !strncmp(a, flag "=", sizeof(flag)) ? (v = a + sizeof(flag)) : NULL)
#define NEEDS(flag, what) \
	((!strcmp(a, flag) && last) ? \
	 cmd_usage_error("sweep", "%s needs a value: %s %s", flag, flag, what) : 0)

		if (!strcmp(a, "--")) {
			if (i + 1 < argc)
				prog = i + 1;
			break;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cmd_sweep_usage(stdout);
			return -1;
		} else if (!strcmp(a, "--json")) {
			sw->json = true;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			sw->quiet = true;
		} else if (NEEDS("--mode", "nth|unique") || NEEDS("-j", "N") ||
			   NEEDS("--jobs", "N") || NEEDS("--timeout", "SECS") ||
			   NEEDS("--max-runs", "N") || NEEDS("--dir", "DIR")) {
			return CMD_USAGE;
		} else if (VALUE("--mode")) {
			mode = v;
		} else if (VALUE("-j") || VALUE("--jobs")) {
			if (parse_count("--jobs", v, 1, 1024, &sw->jobs))
				return CMD_USAGE;
		} else if (!strncmp(a, "-j", 2) && a[2]) {
			if (parse_count("-j", a + 2, 1, 1024, &sw->jobs))
				return CMD_USAGE;
		} else if (VALUE("--timeout")) {
			char *end;
			errno = 0;
			double t = strtod(v, &end);
			if (!*v || *end || errno || !(t > 0) || t > 86400)
				return cmd_usage_error("sweep", "--timeout '%s': "
					"expected seconds, more than 0 and at "
					"most 86400, such as 10 or 2.5", v);
			sw->timeout = t;
		} else if (VALUE("--max-runs")) {
			if (parse_count("--max-runs", v, 1, 1000000,
					&sw->max_runs))
				return CMD_USAGE;
		} else if (VALUE("--dir")) {
			if (strlen(v) + 64 >= sizeof(sw->dir))
				return cmd_usage_error("sweep", "--dir: a path "
					"of %zu characters; expected fewer than "
					"%zu", strlen(v), sizeof(sw->dir) - 64);
			snprintf(sw->dir, sizeof(sw->dir), "%s", v);
			*keep = true;
		} else if ((r = run_flag("sweep", argc, argv, &i,
					 &sw->flags)) < 0) {
			return CMD_USAGE;
		} else if (r == 0 && a[0] == '-') {
			return cmd_usage_error("sweep", "unknown option '%s'; "
					       "expected an option of 'gfpshim "
					       "sweep --help', then -- PROGRAM",
					       a);
		} else if (r == 0) {
			prog = i;
		}
#undef VALUE
#undef NEEDS
	}
	if (!strcmp(mode, "nth"))
		sw->mode = SWEEP_NTH;
	else if (!strcmp(mode, "unique"))
		sw->mode = SWEEP_UNIQUE;
	else
		return cmd_usage_error("sweep", "--mode '%s': expected nth or "
				       "unique", mode);
	if (sw->flags.value[OPT_LOG])
		return cmd_usage_error("sweep", "--log: the sweep sends each "
				       "run's reports to its own file; use "
				       "--dir DIR to keep them");
	if (!prog)
		return cmd_usage_error("sweep", "no PROGRAM given; expected "
				       "'gfpshim sweep [OPTION...] -- PROGRAM "
				       "[ARG...]'");
	sw->argv = argv + prog;
	return CMD_OK;
}

/* ---- the work directory --------------------------------------------------- */

static void run_path(const struct sweep *sw, unsigned n, const char *what,
		     char *buf, size_t len)
{
	snprintf(buf, len, "%s/run-%u.%s", sw->dir, n, what);
}

static int make_dir(struct sweep *sw, bool keep)
{
	if (keep) {
		if (mkdir(sw->dir, 0777) < 0 && errno != EEXIST) {
			fprintf(stderr, "gfpshim sweep: --dir %s: %s\n", sw->dir,
				strerror(errno));
			return CMD_FAILED;
		}
		return CMD_OK;
	}
	const char *tmp = getenv("TMPDIR");
	snprintf(sw->dir, sizeof(sw->dir), "%s/gfpshim-sweep.XXXXXX",
		 tmp && *tmp && strlen(tmp) < 3000 ? tmp : "/tmp");
	if (!mkdtemp(sw->dir)) {
		fprintf(stderr, "gfpshim sweep: cannot make a work directory "
			"%s: %s\n", sw->dir, strerror(errno));
		return CMD_FAILED;
	}
	return CMD_OK;
}

/* Remove what the runs left in a temporary directory: run-* files. */
static void remove_dir(const struct sweep *sw)
{
	DIR *d = opendir(sw->dir);
	if (!d)
		return;
	int fd = dirfd(d);
	for (struct dirent *e; (e = readdir(d));)
		if (!strncmp(e->d_name, "run-", 4))
			unlinkat(fd, e->d_name, 0);
	closedir(d);
	rmdir(sw->dir);
}

/* ---- one run ------------------------------------------------------------- */

/* Returns the bytes written. */
static size_t append_line(int fd, uint64_t hash, const char *site)
{
	char line[SWEEP_SITE_MAX + 24];
	int n = snprintf(line, sizeof(line), "%016" PRIx64 " %s\n", hash, site);
	if (n <= 0 || (size_t)n >= sizeof(line))
		return 0;
	prim_write_all(fd, line, (size_t)n);
	return (size_t)n;
}

static bool stack_known(const struct sweep *sw, uint64_t hash)
{
	for (unsigned i = 0; i < sw->nr_stacks; i++)
		if (sw->stacks[i].hash == hash)
			return true;
	return false;
}

struct scan_ctx {
	struct sweep *sw;
	struct sweep_run *run;
};

/* A line the run's shim wrote: the stack it failed. */
static void note_stack(void *arg, uint64_t hash, const char *site)
{
	struct scan_ctx *c = arg;
	struct sweep *sw = c->sw;
	struct sweep_run *r = c->run;

	if (r->injected)
		return;         /* a child process's, with --inherit */
	r->injected = true;
	r->hash = hash;
	snprintf(r->site, sizeof(r->site), "%s", site);
	if (sw->mode != SWEEP_UNIQUE || stack_known(sw, hash))
		return;
	struct sweep_stack *s = &sw->stacks[sw->nr_stacks++];
	s->hash = hash;
	snprintf(s->site, sizeof(s->site), "%s", site);
}

/* Under the file's lock: read what the run's shim appended since the
 * last look; in unique mode, then append the stacks other runs found
 * since, so that this run fails another one. */
static void scan_stacks(struct sweep *sw, struct sweep_run *r)
{
	struct scan_ctx c = { sw, r };
	char buf[8192];

	flock(r->stacks_fd, LOCK_EX);
	for (;;) {
		ssize_t n = pread(r->stacks_fd, buf, sizeof(buf),
				  (off_t)r->scanned);
		if (n <= 0)
			break;
		size_t used = sweep_stack_lines(buf, (size_t)n, note_stack, &c);
		if (!used)
			break;
		r->scanned += used;
	}
	if (sw->mode == SWEEP_UNIQUE && r->running) {
		for (; r->propagated < sw->nr_stacks; r->propagated++) {
			const struct sweep_stack *s = &sw->stacks[r->propagated];
			if (!r->injected || s->hash != r->hash)
				r->scanned += append_line(r->stacks_fd, s->hash,
							  s->site);
		}
	}
	flock(r->stacks_fd, LOCK_UN);
}

static int launch(struct sweep *sw, struct sweep_run *r, char **envp_base,
		  size_t envp_nr, char *store, size_t cap)
{
	char stacks[4200], rule[3000 + 4200], log[4200 + 16], errpath[4200];
	char fail_var[sizeof(rule) + 16], log_var[sizeof(log) + 16];

	run_path(sw, r->n, "stacks", stacks, sizeof(stacks));
	run_path(sw, r->n, "%p.log", log, sizeof(log));
	run_path(sw, r->n, "err", errpath, sizeof(errpath));
	r->stacks_fd = open(stacks, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
			    0644);
	if (r->stacks_fd < 0) {
		fprintf(stderr, "gfpshim sweep: %s: %s\n", stacks,
			strerror(errno));
		return CMD_FAILED;
	}
	const char *sep = *sw->filter ? "," : "";
	if (sw->mode == SWEEP_NTH) {
		snprintf(rule, sizeof(rule), "%s%safter=%u,times=1,"
			 "stack=unique:%s", sw->filter, sep, r->n - 1, stacks);
	} else {
		for (unsigned i = 0; i < sw->nr_stacks; i++)
			r->scanned += append_line(r->stacks_fd,
						  sw->stacks[i].hash,
						  sw->stacks[i].site);
		r->propagated = sw->nr_stacks;
		snprintf(rule, sizeof(rule), "%s%stimes=1,stack=unique:%s",
			 sw->filter, sep, stacks);
	}
	snprintf(fail_var, sizeof(fail_var), "GFPSHIM_FAIL=%s", rule);
	snprintf(log_var, sizeof(log_var), "GFPSHIM_LOG=%s", log);
	/* last: NULL when the user chose --crash-trace themselves */
	const char *extra[] = { fail_var, log_var, sw->crash_var, NULL };
	char library[4096];
	if (run_library("sweep", library, sizeof(library)) != CMD_OK)
		return CMD_FAILED;
	if (run_environ(&sw->flags, extra, library, store, cap, envp_base,
			envp_nr) < 0) {
		fprintf(stderr, "gfpshim sweep: the environment does not fit\n");
		return CMD_FAILED;
	}

	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "gfpshim sweep: fork: %s\n", strerror(errno));
		return CMD_FAILED;
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setpgid(0, 0);          /* --timeout kills the whole group */
		/* the same addresses in every run: frames the symbol tables
		 * do not name still group and compare across runs */
		personality(ADDR_NO_RANDOMIZE);
		int in = open("/dev/null", O_RDONLY);
		int out = open("/dev/null", O_WRONLY);
		int err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (in < 0 || out < 0 || err < 0)
			_exit(126);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		environ = envp_base;
		execvp(sw->argv[0], sw->argv);
		dprintf(2, "gfpshim sweep: cannot run '%s': %s\n", sw->argv[0],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	setpgid(pid, pid);
	r->pid = pid;
	r->running = true;
	r->start = now();
	return CMD_OK;
}

/* The shim refused to start (exit 2, "gfpshim: …" on stderr) or the
 * program could not be run: every run would do the same. */
static bool run_broken(const struct sweep *sw, const struct sweep_run *r,
		       char *msg, size_t len)
{
	char path[4200];
	if (r->outcome != OUTCOME_ERROR || (r->code != 2 && r->code != 126 &&
					    r->code != 127) || r->injected)
		return false;
	run_path(sw, r->n, "err", path, sizeof(path));
	long n = prim_read_file(path, msg, len - 1);
	if (n <= 0)
		return false;
	msg[n] = '\0';
	return !strncmp(msg, "gfpshim", 7);
}

static void finish(struct sweep *sw, struct sweep_run *r, int status,
		   bool timed_out)
{
	r->running = false;
	r->done = true;
	r->seconds = now() - r->start;
	if (timed_out) {
		r->outcome = OUTCOME_HANG;
		r->code = 0;
	} else if (WIFSIGNALED(status)) {
		r->outcome = OUTCOME_CRASH;
		r->code = WTERMSIG(status);
	} else {
		r->code = WEXITSTATUS(status);
		r->outcome = r->code ? OUTCOME_ERROR : OUTCOME_CLEAN;
	}
	scan_stacks(sw, r);     /* the last lines the run wrote */
	close(r->stacks_fd);
	r->stacks_fd = -1;
	sweep_read_reports(sw, r);
}

static struct sweep_run *run_of(struct sweep *sw, pid_t pid)
{
	for (unsigned i = 1; i <= sw->launched; i++)
		if (sw->runs[i].running && sw->runs[i].pid == pid)
			return &sw->runs[i];
	return NULL;
}

static void kill_run(struct sweep_run *r)
{
	kill(-r->pid, SIGKILL);
	kill(r->pid, SIGKILL);
}

static bool may_launch(const struct sweep *sw)
{
	if (sw->launched >= sw->max_runs)
		return false;
	if (sw->mode == SWEEP_NTH)
		return sw->launched + 1 < sw->limit;
	return !sw->stop;
}

/* A finished run decides when the sweep ends. */
static void account(struct sweep *sw, struct sweep_run *r)
{
	if (sw->mode == SWEEP_NTH) {
		if (!r->injected && r->n < sw->limit) {
			sw->limit = r->n;
			/* runs past the end count for nothing */
			for (unsigned i = r->n + 1; i <= sw->launched; i++) {
				struct sweep_run *o = &sw->runs[i];
				if (o->running)
					kill_run(o);
				o->discarded = true;
			}
		}
	} else if (!r->injected) {
		sw->stop = true;
	}
}

static int sweep_loop(struct sweep *sw)
{
	size_t bytes, entries;
	run_environ_size(&bytes, &entries);
	bytes += 3 * 4096 + 16384;
	for (unsigned i = 0; i < NR_OPTIONS; i++)
		if (sw->flags.value[i])
			bytes += strlen(options_table[i].name) +
				 strlen(sw->flags.value[i]) + 2;
	entries += NR_OPTIONS + 4;
	char store[bytes];
	char *envp[entries];

	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);

	unsigned running = 0;
	double last_draw = 0;
	for (;;) {
		while (running < sw->jobs && may_launch(sw)) {
			struct sweep_run *r = &sw->runs[++sw->launched];
			r->n = sw->launched;
			if (launch(sw, r, envp, entries, store, bytes) != CMD_OK)
				return CMD_FAILED;
			running++;
		}
		if (!running)
			break;

		struct timespec tick = { 0, sw->mode == SWEEP_UNIQUE ?
					    5 * 1000000 : 50 * 1000000 };
		sigtimedwait(&chld, NULL, &tick);

		int status;
		pid_t pid;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			struct sweep_run *r = run_of(sw, pid);
			if (!r)
				continue;
			running--;
			bool timed_out = r->outcome == OUTCOME_HANG;
			finish(sw, r, status, timed_out);
			char msg[1024];
			if (!r->discarded && run_broken(sw, r, msg, sizeof(msg))) {
				sweep_progress_end(sw);
				fprintf(stderr, "gfpshim sweep: run %u failed to "
					"start; stopping:\n%s", r->n, msg);
				for (unsigned i = 1; i <= sw->launched; i++)
					if (sw->runs[i].running)
						kill_run(&sw->runs[i]);
				while (wait(NULL) > 0)
					;
				return CMD_FAILED;
			}
			account(sw, r);
			if (!r->discarded)
				sweep_progress(sw, r);
		}

		double t = now();
		for (unsigned i = 1; i <= sw->launched; i++) {
			struct sweep_run *r = &sw->runs[i];
			if (!r->running)
				continue;
			if (sw->mode == SWEEP_UNIQUE)
				scan_stacks(sw, r);
			if (t - r->start > sw->timeout &&
			    r->outcome != OUTCOME_HANG) {
				r->outcome = OUTCOME_HANG;      /* marks the kill */
				kill_run(r);
			}
		}
		if (t - last_draw > 0.1) {
			sweep_progress(sw, NULL);
			last_draw = t;
		}
	}
	sweep_progress_end(sw);
	sw->truncated = sw->launched >= sw->max_runs &&
			(sw->mode == SWEEP_NTH ? sw->limit > sw->launched :
			 !sw->stop);
	return CMD_OK;
}

int cmd_sweep(int argc, char **argv)
{
	static struct sweep sw;
	bool keep = false;

	memset(&sw, 0, sizeof(sw));
	sw.jobs = nr_cpus();
	sw.timeout = SWEEP_DEFAULT_TIMEOUT;
	sw.max_runs = SWEEP_DEFAULT_MAX_RUNS;
	int rc = parse_args(&sw, argc, argv, &keep);
	if (rc < 0)
		return cmd_finish_output("sweep");
	if (rc != CMD_OK)
		return rc;

	struct gfp_options opts;
	if (run_validate("sweep", &sw.flags, &opts) != CMD_OK)
		return CMD_USAGE;
	/* the filter: --fail, else GFPSHIM_FAIL; the runs get neither */
	sw.filter = sw.flags.value[OPT_FAIL] ? sw.flags.value[OPT_FAIL] :
		    opts.fail;
	sw.flags.value[OPT_FAIL] = NULL;
	if (check_filter(sw.filter, opts.machine.kernel) != CMD_OK)
		return CMD_USAGE;
	/* the runs log their crashes' frames, unless the user said not to */
	if (!opts.set[OPT_CRASH_TRACE])
		sw.crash_var = "GFPSHIM_CRASH_TRACE=1";
	sw.crash_trace = opts.crash_trace || sw.crash_var;
	char library[4096];
	if (run_library("sweep", library, sizeof(library)) != CMD_OK)
		return CMD_FAILED;

	sw.limit = sw.max_runs + 1;
	sw.runs = prim_map((sw.max_runs + 1) * sizeof(*sw.runs));
	sw.stacks = prim_map((sw.max_runs + 1) * sizeof(*sw.stacks));
	if (!sw.runs || !sw.stacks) {
		fprintf(stderr, "gfpshim sweep: no memory for %u runs\n",
			sw.max_runs);
		return CMD_FAILED;
	}
	if (make_dir(&sw, keep) != CMD_OK)
		return CMD_FAILED;

	double t0 = now();
	rc = sweep_loop(&sw);
	sw.wall = now() - t0;
	if (rc == CMD_OK) {
		for (unsigned i = 1; i <= sw.launched; i++) {
			const struct sweep_run *r = &sw.runs[i];
			if (r->done && r->injected && !r->discarded)
				sw.counts[r->outcome]++;
		}
		if (sw.json)
			sweep_print_json(&sw, stdout);
		else
			sweep_print_table(&sw, stdout);
		rc = cmd_finish_output("sweep");
	}
	if (!keep)
		remove_dir(&sw);
	if (rc != CMD_OK)
		return rc;
	return sw.counts[OUTCOME_CRASH] || sw.counts[OUTCOME_HANG] ? 3 : CMD_OK;
}
