/* What a sweep shows: progress on stderr, then the summary table or JSON.
 *
 * The table depends only on what each run did, never on when it
 * finished: nth runs are listed by N, unique-mode stacks by their site
 * and hash, so two sweeps of a deterministic program print the same.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/prim.h"
#include "base/sbuf.h"
#include "cmd/sweep.h"

static const char *const outcome_names[NR_OUTCOMES] = {
	[OUTCOME_CLEAN] = "clean",
	[OUTCOME_ERROR] = "error",
	[OUTCOME_CRASH] = "crash",
	[OUTCOME_HANG] = "hang",
};

static bool counted(const struct sweep_run *r)
{
	return r->done && !r->discarded;
}

/* ---- progress ------------------------------------------------------------- */

void sweep_progress(const struct sweep *sw, const struct sweep_run *done)
{
	char out[32];

	if (sw->quiet)
		return;
	if (!isatty(2)) {
		if (!done)
			return;
		sweep_outcome_text(done, out, sizeof(out));
		if (done->injected && done->traced)
			fprintf(stderr, "gfpshim sweep: run %u: %s in %s, failed "
				"%s\n", done->n, out, sweep_crash_at(done),
				done->site);
		else if (done->injected)
			fprintf(stderr, "gfpshim sweep: run %u: %s, failed %s\n",
				done->n, out, done->site);
		else
			fprintf(stderr, "gfpshim sweep: run %u: %s, no request "
				"failed\n", done->n, out);
		return;
	}
	unsigned c[NR_OUTCOMES] = { 0 }, total = 0, running = 0;
	for (unsigned i = 1; i <= sw->launched; i++) {
		const struct sweep_run *r = &sw->runs[i];
		if (r->running && !r->discarded)
			running++;
		if (counted(r)) {
			c[r->outcome]++;
			total++;
		}
	}
	/* the bar: each outcome's share of the runs so far */
	static const char marks[NR_OUTCOMES] = { '=', 'e', 'X', 'H' };
	char bar[25];
	unsigned w = 0;
	for (unsigned o = 0; o < NR_OUTCOMES && total; o++) {
		unsigned k = (c[o] * 24 + total - 1) / total;
		for (unsigned j = 0; j < k && w < 24; j++)
			bar[w++] = marks[o];
	}
	while (w < 24)
		bar[w++] = ' ';
	bar[w] = '\0';
	fprintf(stderr, "\r\033[K[%s] %u runs: %u clean, %u error, %u crash, "
		"%u hang; %u running", bar, total, c[OUTCOME_CLEAN],
		c[OUTCOME_ERROR], c[OUTCOME_CRASH], c[OUTCOME_HANG], running);
}

void sweep_progress_end(const struct sweep *sw)
{
	if (!sw->quiet && isatty(2))
		fprintf(stderr, "\r\033[K");
}

/* ---- reproducers ---------------------------------------------------------- */

static void append(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, "%s", s);
}

static bool run_command(const struct sweep *sw, const char *rule, char *buf,
			size_t len)
{
	bool ok = true;

	append(buf, len, "gfpshim run");
	for (unsigned i = 0; i < NR_OPTIONS; i++) {
		char arg[4200];
		if (!sw->flags.value[i])
			continue;
		snprintf(arg, sizeof(arg), "--%s=%s", options_table[i].flag,
			 sw->flags.value[i]);
		append(buf, len, " ");
		ok &= run_shell_quote(buf, len, arg);
	}
	append(buf, len, " --fail ");
	ok &= run_shell_quote(buf, len, rule);
	append(buf, len, " --");
	for (char **a = sw->argv; *a; a++) {
		append(buf, len, " ");
		ok &= run_shell_quote(buf, len, *a);
	}
	return ok;
}

bool sweep_reproducer(const struct sweep *sw, const struct sweep_run *r,
		      char *buf, size_t len)
{
	char rule[3200];
	const char *sep = *sw->filter ? "," : "";

	buf[0] = '\0';
	if (sw->mode == SWEEP_NTH) {
		snprintf(rule, sizeof(rule), "%s%snth=%u", sw->filter, sep, r->n);
		return run_command(sw, rule, buf, len);
	}
	/* unique: every other stack found goes in the set first, so the
	 * first new stack the program meets is this one */
	char file[64], hex[24];
	snprintf(file, sizeof(file), "/tmp/gfpshim-%016" PRIx64 ".stacks",
		 r->hash);
	unsigned others = 0;
	for (unsigned i = 0; i < sw->nr_stacks; i++)
		others += sw->stacks[i].hash != r->hash;
	if (others) {
		append(buf, len, "printf '%s\\n'");
		for (unsigned i = 0; i < sw->nr_stacks; i++) {
			if (sw->stacks[i].hash == r->hash)
				continue;
			snprintf(hex, sizeof(hex), " %016" PRIx64,
				 sw->stacks[i].hash);
			append(buf, len, hex);
		}
		append(buf, len, " > ");
	} else {
		append(buf, len, ": > ");
	}
	append(buf, len, file);
	append(buf, len, " && ");
	snprintf(rule, sizeof(rule), "%s%stimes=1,stack=unique:%s", sw->filter,
		 sep, file);
	bool ok = run_command(sw, rule, buf, len);
	return ok && strlen(buf) + 1 < len;
}

/* ---- the rows --------------------------------------------------------------- */

/* nth: by N.  unique: by site, then hash; the first run of a stack. */
static int row_order(const void *a, const void *b)
{
	const struct sweep_run *x = *(const struct sweep_run *const *)a;
	const struct sweep_run *y = *(const struct sweep_run *const *)b;
	int c = strcmp(x->site, y->site);
	if (c)
		return c;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->n < y->n ? -1 : x->n > y->n;
}

/* The runs that failed a request, in table order, into rows; returns
 * how many.  Also the first run that failed none (the program's own
 * run), or NULL. */
static unsigned collect_rows(const struct sweep *sw,
			     const struct sweep_run **rows,
			     const struct sweep_run **baseline)
{
	unsigned nr = 0;

	*baseline = NULL;
	for (unsigned i = 1; i <= sw->launched; i++) {
		const struct sweep_run *r = &sw->runs[i];
		if (!counted(r))
			continue;
		if (!r->injected) {
			if (!*baseline)
				*baseline = r;
			continue;
		}
		rows[nr++] = r;
	}
	if (sw->mode == SWEEP_UNIQUE) {
		qsort(rows, nr, sizeof(*rows), row_order);
		unsigned k = 0;
		for (unsigned i = 0; i < nr; i++)
			if (!k || rows[k - 1]->hash != rows[i]->hash)
				rows[k++] = rows[i];
		nr = k;
	}
	return nr;
}

/* Outcomes of the rows (in unique mode, one per stack however many runs
 * failed it). */
static void count_rows(const struct sweep_run **rows, unsigned nr,
		       unsigned counts[NR_OUTCOMES])
{
	memset(counts, 0, NR_OUTCOMES * sizeof(counts[0]));
	for (unsigned i = 0; i < nr; i++)
		counts[rows[i]->outcome]++;
}

/* Runs grouped by site, then crash classes (signal and the top program
 * frames of the crash, sweep_same_crash()), each in the order of its
 * first row. */
struct group {
	const struct sweep_run *first;
	unsigned runs;
	unsigned counts[NR_OUTCOMES];
};

static unsigned group_sites(const struct sweep_run **rows, unsigned nr,
			    struct group *g, bool crashes)
{
	unsigned ng = 0;

	for (unsigned i = 0; i < nr; i++) {
		const struct sweep_run *r = rows[i];
		if (crashes && r->outcome != OUTCOME_CRASH)
			continue;
		unsigned k;
		for (k = 0; k < ng; k++)
			if (crashes ? sweep_same_crash(g[k].first, r) :
			    !strcmp(g[k].first->site, r->site))
				break;
		if (k == ng) {
			memset(&g[ng], 0, sizeof(g[ng]));
			g[ng++].first = r;
		}
		g[k].runs++;
		g[k].counts[r->outcome]++;
	}
	return ng;
}

/* Rows and groups for one listing, one slot per run. */
struct scratch {
	const struct sweep_run **rows;
	struct group *groups;
	size_t rows_len, groups_len;
};

static int scratch_get(struct scratch *sc, const struct sweep *sw)
{
	size_t n = (size_t)sw->launched + 1;
	sc->rows_len = n * sizeof(*sc->rows);
	sc->groups_len = n * sizeof(*sc->groups);
	sc->rows = prim_map(sc->rows_len);
	sc->groups = prim_map(sc->groups_len);
	if (sc->rows && sc->groups)
		return 0;
	fprintf(stderr, "gfpshim sweep: no memory for the summary of %u "
		"runs\n", sw->launched);
	return -1;
}

static void scratch_put(struct scratch *sc)
{
	prim_unmap(sc->rows, sc->rows_len);
	prim_unmap(sc->groups, sc->groups_len);
}

/* ---- the table ------------------------------------------------------------ */

static void print_list(FILE *out, const char (*frames)[SWEEP_SITE_MAX],
		       unsigned nr)
{
	for (unsigned i = 0; i < nr; i++)
		fprintf(out, "%s%s", i ? " < " : "", frames[i]);
	fputc('\n', out);
}

/* A crash class: the crash's own frames when the run logged them, then
 * the request that was failed before it. */
static void print_crash(const struct sweep *sw, const struct sweep_run *r,
			FILE *out)
{
	if (r->traced) {
		fprintf(out, "     signal: %s\n", r->crash);
		fprintf(out, "     crash frames: ");
		print_list(out, r->crash_frames, r->nr_crash_frames);
	} else {
		fprintf(out, "     crash frames: none logged (%s)\n",
			sw->crash_trace ? "the program's own handler, or a "
			"signal the shim does not trace" : "--crash-trace=0");
	}
	fprintf(out, "     failed request: ");
	if (r->failure[0])
		fprintf(out, "%s, ", r->failure);
	if (r->nr_frames)
		print_list(out, r->frames, r->nr_frames);
	else
		fprintf(out, "%s\n", r->site);
}

void sweep_print_table(const struct sweep *sw, FILE *out)
{
	struct scratch sc;
	if (scratch_get(&sc, sw) < 0)
		return;
	const struct sweep_run **rows = sc.rows, *base;
	struct group *g = sc.groups;
	unsigned nr = collect_rows(sw, rows, &base);
	char o[32], cmd[16384];

	fprintf(out, "gfpshim sweep: %s mode, %s", sw->mode == SWEEP_NTH ?
		"nth" : "unique", sw->argv[0]);
	if (*sw->filter)
		fprintf(out, ", requests matching '%s'", sw->filter);
	fprintf(out, "\n\n");

	if (sw->mode == SWEEP_NTH)
		fprintf(out, "%6s  %-10s %s\n", "N", "outcome", "failed at");
	else
		fprintf(out, "%-16s  %-10s %s\n", "stack", "outcome",
			"failed at");
	for (unsigned i = 0; i < nr; i++) {
		const struct sweep_run *r = rows[i];
		if (sw->mode == SWEEP_NTH)
			fprintf(out, "%6u  ", r->n);
		else
			fprintf(out, "%016" PRIx64 "  ", r->hash);
		fprintf(out, "%-10s %s", sweep_outcome_text(r, o, sizeof(o)),
			r->site);
		if (r->failure[0])
			fprintf(out, "  %s", r->failure);
		fputc('\n', out);
	}
	if (base) {
		if (sw->mode == SWEEP_NTH)
			fprintf(out, "%6u  ", base->n);
		else
			fprintf(out, "%-16s  ", "-");
		fprintf(out, "%-10s (nothing left to fail: the program's own "
			"run)\n", sweep_outcome_text(base, o, sizeof(o)));
	}
	if (sw->truncated)
		fprintf(out, "(stopped after --max-runs %u: more failure points "
			"may remain)\n", sw->max_runs);

	unsigned ns = group_sites(rows, nr, g, false);
	int w = 4;
	for (unsigned i = 0; i < ns; i++)
		if ((int)strlen(g[i].first->site) > w)
			w = (int)strlen(g[i].first->site);
	fprintf(out, "\nsites explored: %u\n", ns);
	if (ns)
		fprintf(out, "  %-*s %5s %6s %6s %6s %5s\n", w, "site", "runs",
			"clean", "error", "crash", "hang");
	for (unsigned i = 0; i < ns; i++)
		fprintf(out, "  %-*s %5u %6u %6u %6u %5u\n", w, g[i].first->site,
			g[i].runs, g[i].counts[OUTCOME_CLEAN],
			g[i].counts[OUTCOME_ERROR], g[i].counts[OUTCOME_CRASH],
			g[i].counts[OUTCOME_HANG]);
	unsigned counts[NR_OUTCOMES];
	count_rows(rows, nr, counts);
	fprintf(out, "\noutcomes: %u clean, %u error exit, %u crash, %u hang "
		"(of %u %s that failed a request)\n",
		counts[OUTCOME_CLEAN], counts[OUTCOME_ERROR],
		counts[OUTCOME_CRASH], counts[OUTCOME_HANG], nr,
		sw->mode == SWEEP_NTH ? "runs" : "stacks");

	unsigned nc = group_sites(rows, nr, g, true);
	fprintf(out, "\ncrash classes: %u\n", nc);
	for (unsigned i = 0; i < nc; i++) {
		const struct sweep_run *r = g[i].first;
		fprintf(out, "  %u. %s at %s (%u %s)\n", i + 1,
			sweep_outcome_text(r, o, sizeof(o)), sweep_crash_at(r),
			g[i].runs,
			sw->mode == SWEEP_NTH ? (g[i].runs == 1 ? "run" : "runs") :
			(g[i].runs == 1 ? "stack" : "stacks"));
		print_crash(sw, r, out);
		if (sweep_reproducer(sw, r, cmd, sizeof(cmd)))
			fprintf(out, "     reproduce: %s\n", cmd);
		else
			fprintf(out, "     reproduce: (too long to print)\n");
	}
	if (!sw->quiet)
		fprintf(stderr, "gfpshim sweep: %u runs in %.2f s with -j %u: "
			"%.4f s per run\n", sw->launched, sw->wall, sw->jobs,
			sw->launched ? sw->wall / sw->launched : 0.0);
	scratch_put(&sc);
}

/* ---- JSON ----------------------------------------------------------------- */

/* sb_json_string() into the stream: at most six bytes per byte, and the
 * quotes. */
static void json_string(FILE *out, const char *s)
{
	size_t cap = 6 * strlen(s) + 3;
	char *buf = malloc(cap);
	struct sbuf sb = SBUF_INIT(buf, cap);

	if (!buf) {
		fputs("null", out);
		return;
	}
	sb_json_string(&sb, s);
	fputs(sb_str(&sb), out);
	free(buf);
}

/* ", \"frames\": [...]" */
static void json_frames(FILE *out, const char (*frames)[SWEEP_SITE_MAX],
			unsigned nr)
{
	fprintf(out, ", \"frames\": [");
	for (unsigned i = 0; i < nr; i++) {
		fprintf(out, "%s", i ? ", " : "");
		json_string(out, frames[i]);
	}
	fputc(']', out);
}

static void json_run(const struct sweep *sw, const struct sweep_run *r,
		     FILE *out)
{
	char sig[32];

	fprintf(out, "{\"n\": %u, \"injected\": %s", r->n,
		r->injected ? "true" : "false");
	if (r->injected) {
		fprintf(out, ", \"stack\": \"%016" PRIx64 "\", \"site\": ",
			r->hash);
		json_string(out, r->site);
	}
	if (r->failure[0]) {
		fprintf(out, ", \"failure\": ");
		json_string(out, r->failure);
	}
	json_frames(out, r->frames, r->nr_frames);
	fprintf(out, ", \"outcome\": \"%s\"", outcome_names[r->outcome]);
	if (r->traced) {
		fprintf(out, ", \"crash\": {\"text\": ");
		json_string(out, r->crash);
		fprintf(out, ", \"at\": ");
		json_string(out, sweep_crash_at(r));
		json_frames(out, r->crash_frames, r->nr_crash_frames);
		fputc('}', out);
	}
	if (r->outcome == OUTCOME_ERROR || r->outcome == OUTCOME_CLEAN)
		fprintf(out, ", \"exit\": %d", r->code);
	if (r->outcome == OUTCOME_CRASH)
		fprintf(out, ", \"signal\": \"%s\"",
			sweep_signal_name(r->code, sig, sizeof(sig)));
	fprintf(out, ", \"seconds\": %.4f}", r->seconds);
	(void)sw;
}

void sweep_print_json(const struct sweep *sw, FILE *out)
{
	struct scratch sc;
	if (scratch_get(&sc, sw) < 0)
		return;
	const struct sweep_run **rows = sc.rows, *base;
	struct group *g = sc.groups;
	unsigned nr = collect_rows(sw, rows, &base);
	char cmd[16384], o[32];

	fprintf(out, "{\"mode\": \"%s\", \"program\": [",
		sw->mode == SWEEP_NTH ? "nth" : "unique");
	for (char **a = sw->argv; *a; a++) {
		fprintf(out, "%s", a == sw->argv ? "" : ", ");
		json_string(out, *a);
	}
	fprintf(out, "], \"filter\": ");
	json_string(out, sw->filter);
	fprintf(out, ", \"jobs\": %u, \"timeout\": %g, \"complete\": %s,\n",
		sw->jobs, sw->timeout, sw->truncated ? "false" : "true");
	fprintf(out, " \"runs\": [");
	for (unsigned i = 0; i < nr; i++) {
		fprintf(out, "%s\n  ", i ? "," : "");
		json_run(sw, rows[i], out);
	}
	fprintf(out, "],\n \"baseline\": ");
	if (base)
		json_run(sw, base, out);
	else
		fprintf(out, "null");

	unsigned ns = group_sites(rows, nr, g, false);
	fprintf(out, ",\n \"sites\": [");
	for (unsigned i = 0; i < ns; i++) {
		fprintf(out, "%s\n  {\"site\": ", i ? "," : "");
		json_string(out, g[i].first->site);
		fprintf(out, ", \"runs\": %u", g[i].runs);
		for (unsigned k = 0; k < NR_OUTCOMES; k++)
			fprintf(out, ", \"%s\": %u", outcome_names[k],
				g[i].counts[k]);
		fputc('}', out);
	}
	unsigned counts[NR_OUTCOMES];
	count_rows(rows, nr, counts);
	fprintf(out, "],\n \"outcomes\": {");
	for (unsigned k = 0; k < NR_OUTCOMES; k++)
		fprintf(out, "%s\"%s\": %u", k ? ", " : "", outcome_names[k],
			counts[k]);
	fprintf(out, "},\n \"crash_classes\": [");
	unsigned nc = group_sites(rows, nr, g, true);
	for (unsigned i = 0; i < nc; i++) {
		const struct sweep_run *r = g[i].first;
		fprintf(out, "%s\n  {\"signal\": \"%s\", \"at\": ", i ? "," : "",
			sweep_outcome_text(r, o, sizeof(o)));
		json_string(out, sweep_crash_at(r));
		fprintf(out, ", \"traced\": %s", r->traced ? "true" : "false");
		if (r->traced)
			json_frames(out, r->crash_frames, r->nr_crash_frames);
		fprintf(out, ", \"site\": ");
		json_string(out, r->site);
		fprintf(out, ", \"runs\": %u, \"first\": %u, \"reproduce\": ",
			g[i].runs, r->n);
		if (sweep_reproducer(sw, r, cmd, sizeof(cmd)))
			json_string(out, cmd);
		else
			fprintf(out, "null");
		fputc('}', out);
	}
	fprintf(out, "],\n \"wall_seconds\": %.3f, \"launched\": %u}\n",
		sw->wall, sw->launched);
	scratch_put(&sc);
}
