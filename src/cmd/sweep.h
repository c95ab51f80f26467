/* gfpshim sweep: runs of one program, each failing one more allocation.
 *
 *   cmd_sweep.c     options, the runs' environment and files, scheduling
 *   sweep_result.c  what a run left behind: its stack line and reports
 *   sweep_output.c  progress, the summary table, JSON
 */
#ifndef GFPSHIM_SWEEP_H
#define GFPSHIM_SWEEP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cmd/run.h"

#define SWEEP_SITE_MAX   192    /* one symbolized frame */
#define SWEEP_FRAMES     6      /* top frames kept of a failed request */
#define SWEEP_CRASH_FRAMES 8    /* top frames kept of a crash */
#define SWEEP_CRASH_KEY  3      /* program frames that name a crash class */
#define SWEEP_DEFAULT_MAX_RUNS 10000
#define SWEEP_DEFAULT_TIMEOUT  30

enum sweep_mode { SWEEP_NTH, SWEEP_UNIQUE };

enum sweep_outcome {
	OUTCOME_CLEAN,          /* exit status 0 */
	OUTCOME_ERROR,          /* another exit status */
	OUTCOME_CRASH,          /* a signal */
	OUTCOME_HANG,           /* killed after --timeout */
	NR_OUTCOMES
};

struct sweep_run {
	unsigned n;                     /* nth: N; unique: launch order */
	pid_t pid;                      /* 0 once reaped */
	bool running, done, discarded;
	double start, seconds;
	int stacks_fd;                  /* the run's stack file */
	size_t scanned;                 /* bytes of it read so far */
	unsigned propagated;            /* unique: sweep.stacks[] in the file */

	enum sweep_outcome outcome;
	int code;                       /* exit status, or signal number */

	bool injected;                  /* a rule failed a request */
	uint64_t hash;                  /* that request's stack */
	char site[SWEEP_SITE_MAX];      /* its first frame outside the shim */
	char failure[96];               /* "order:0, mode:0xcc0(GFP_KERNEL)" */
	unsigned nr_frames;
	char frames[SWEEP_FRAMES][SWEEP_SITE_MAX];

	/* The crash record of the run's shim (GFPSHIM_CRASH_TRACE), kept
	 * when it names the signal the run died of. */
	bool traced;
	char crash[96];                 /* "SIGSEGV (SEGV_MAPERR), fault
	                                   address 0x0" */
	unsigned nr_crash_frames;       /* innermost first */
	char crash_frames[SWEEP_CRASH_FRAMES][SWEEP_SITE_MAX];
	unsigned crash_first;           /* the first program frame: past
	                                   libc, the loader, the shim */
	char crash_key[SWEEP_CRASH_KEY * SWEEP_SITE_MAX]; /* its class */
};

/* A stack found in unique mode, for the reproducer's seed file. */
struct sweep_stack {
	uint64_t hash;
	char site[SWEEP_SITE_MAX];
};

struct sweep {
	enum sweep_mode mode;
	unsigned jobs;
	double timeout;
	unsigned max_runs;
	bool json, quiet;
	bool crash_trace;               /* the runs log their crashes */
	const char *crash_var;          /* "GFPSHIM_CRASH_TRACE=1" for the
	                                   runs, or NULL: the user's choice */
	char dir[4096];

	struct run_flags flags;         /* the table's flags, but --fail */
	const char *filter;             /* the user's rule knobs; "" none */
	char **argv;                    /* the program */

	struct sweep_run *runs;         /* max_runs + 1 slots, by n */
	unsigned launched;
	unsigned limit;                 /* nth: the first N with no failure */
	bool stop;                      /* unique: a run found nothing new */
	bool truncated;                 /* stopped at max_runs */
	struct sweep_stack *stacks;     /* unique: every stack found */
	unsigned nr_stacks;
	unsigned counts[NR_OUTCOMES];   /* of the runs that failed a request */
	double wall;
};

/* sweep_result.c */
/* Parse "HASH frame" lines of a stack file from buf; calls fn for each
 * complete line, returns the bytes consumed. */
size_t sweep_stack_lines(const char *buf, size_t len,
			 void (*fn)(void *arg, uint64_t hash, const char *site),
			 void *arg);
/* Read the run's reports (its GFPSHIM_LOG files): the frames of the
 * injected failure's backtrace and the "order:…, mode:…" of its
 * warn_alloc() header, when the report layer wrote them; the crash
 * record, when the run died of the signal it names. */
void sweep_read_reports(const struct sweep *sw, struct sweep_run *r);
/* Where run r crashed, as its crash class names it: the first program
 * frame of its crash trace, or (with no trace) the failed call site. */
const char *sweep_crash_at(const struct sweep_run *r);
/* Runs a and b (both crashes) are one crash class: the same signal and
 * the same top program frames (function names, not offsets), or with no
 * trace, the same failed call site. */
bool sweep_same_crash(const struct sweep_run *a, const struct sweep_run *b);
const char *sweep_signal_name(int sig, char *buf, size_t len);
/* "clean", "exit 3", "SIGSEGV", "hang" */
const char *sweep_outcome_text(const struct sweep_run *r, char *buf,
			       size_t len);

/* sweep_output.c */
void sweep_progress(const struct sweep *sw, const struct sweep_run *done);
void sweep_progress_end(const struct sweep *sw);
/* The command line that reproduces run r; false when it did not fit. */
bool sweep_reproducer(const struct sweep *sw, const struct sweep_run *r,
		      char *buf, size_t len);
void sweep_print_table(const struct sweep *sw, FILE *out);
void sweep_print_json(const struct sweep *sw, FILE *out);

#endif
