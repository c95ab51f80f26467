/* What a sweep run left behind: the line its shim wrote for the stack it
 * failed, and the reports in its GFPSHIM_LOG file. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/prim.h"
#include "cmd/sweep.h"

/* Stack-file lines: 16 hex digits, a space, the frame (lib/fault/fault.c). */
size_t sweep_stack_lines(const char *buf, size_t len,
			 void (*fn)(void *arg, uint64_t hash, const char *site),
			 void *arg)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		const char *line = buf + start;
		size_t n = i - start;
		uint64_t h = 0;
		bool ok = n >= 16;
		for (size_t k = 0; k < 16 && ok; k++) {
			char c = line[k];
			if (!isxdigit((unsigned char)c))
				ok = false;
			else
				h = h << 4 | (uint64_t)(isdigit((unsigned char)c) ?
					c - '0' : tolower((unsigned char)c) - 'a' + 10);
		}
		if (ok && h) {
			char site[SWEEP_SITE_MAX];
			size_t off = n > 17 ? 17 : n;
			size_t m = n - off < sizeof(site) - 1 ? n - off :
				   sizeof(site) - 1;
			memcpy(site, line + off, m);
			site[m] = '\0';
			fn(arg, h, m ? site : "?");
		}
		start = i + 1;
	}
	return start;
}

/* ---- reports -------------------------------------------------------------- */

/* A report line without its printk timestamp ("[    1.234567] "). */
static const char *strip_stamp(const char *line)
{
	if (line[0] != '[' || line[1] == '<')
		return line;
	const char *p = line + 1;
	while (*p == ' ' || isdigit((unsigned char)*p) || *p == '.')
		p++;
	return (*p == ']' && p[1] == ' ') ? p + 2 : line;
}

/* One frame of a Call trace, as the arch prints it: " func+0x1/0x2",
 * " [<addr>] func+…", " ? func+…"; NULL when the line is none. */
static const char *frame_text(const char *line)
{
	const char *p = line;
	if (*p != ' ' && !(p[0] == '[' && p[1] == '<'))
		return NULL;
	while (*p == ' ')
		p++;
	if (p[0] == '[' && p[1] == '<') {
		p = strstr(p, ">] ");
		if (!p)
			return NULL;
		p += 3;
	}
	if (p[0] == '?' && p[1] == ' ')
		p += 2;
	return p;
}

/* The crash record (src/shim/crash.c): "gfpshim: COMM[TID]: crash: SIG (…)…",
 * "Crash trace:", then one " frame" line each.  The first record only:
 * the process dies of it.  Returns true when the line was the record's. */
static bool parse_crash(struct sweep_run *r, const char *l, int *state)
{
	enum { NONE, HEADER, FRAMES, DONE };

	if (*state == NONE) {
		const char *c = strstr(l, "]: crash: ");
		if (strncmp(l, "gfpshim: ", 9) || !c)
			return false;
		snprintf(r->crash, sizeof(r->crash), "%s", c + 10);
		*state = HEADER;
		return true;
	}
	if (*state == HEADER) {
		*state = strcmp(l, "Crash trace:") ? DONE : FRAMES;
		return *state == FRAMES;
	}
	if (*state == FRAMES) {
		if (l[0] != ' ' || !l[1]) {
			*state = DONE;
			return false;
		}
		if (r->nr_crash_frames < SWEEP_CRASH_FRAMES)
			snprintf(r->crash_frames[r->nr_crash_frames++],
				 SWEEP_SITE_MAX, "%s", l + 1);
		return true;
	}
	return false;
}

static void parse_report(struct sweep_run *r, char *text)
{
	bool in_fault = false, in_trace = false, have_trace = false;
	int crash_state = 0;

	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		const char *l = strip_stamp(line);
		const char *hdr = strstr(l, "page allocation failure: ");

		if (parse_crash(r, l, &crash_state))
			continue;

		if (!strcmp(l, "FAULT_INJECTION: forcing a failure.")) {
			in_fault = true;
			continue;
		}
		if (in_fault && !r->failure[0] && hdr) {
			hdr += strlen("page allocation failure: ");
			size_t n = strcspn(hdr, ",");
			const char *more = hdr + n;
			/* "order:0, mode:0xcc0(GFP_KERNEL)" */
			if (!strncmp(more, ", mode:", 7))
				n += 2 + strcspn(more + 2, ",");
			snprintf(r->failure, sizeof(r->failure), "%.*s",
				 (int)n, hdr);
		}
		if (!in_fault || have_trace) {
			continue;
		}
		if (!strncasecmp(l, "Call trace:", 11)) {
			in_trace = true;
			continue;
		}
		if (!in_trace)
			continue;
		if (!strcmp(l, " <TASK>") || !strcmp(l, " </TASK>"))
			continue;
		const char *f = frame_text(l);
		if (!f) {
			in_trace = false;
			have_trace = r->nr_frames > 0;
			continue;
		}
		if (r->nr_frames < SWEEP_FRAMES)
			snprintf(r->frames[r->nr_frames++], SWEEP_SITE_MAX,
				 "%s", f);
	}
}

/* ---- crash classes ---------------------------------------------------------- */

/* Objects every crash passes through on its way to the fault (strcpy,
 * abort, the start of the program): a class is named by the frames after
 * them. */
static bool runtime_frame(const char *frame)
{
	static const char *const runtime[] = {
		"libc.so", "libc-", "ld-linux", "ld64.so", "libpthread",
		"libgcc_s", "libstdc++", "libgfpshim",
	};
	size_t n = strlen(frame);
	if (!n || frame[n - 1] != ']')
		return false;
	const char *obj = strrchr(frame, '[');
	if (!obj)
		return false;
	obj++;
	for (size_t i = 0; i < sizeof(runtime) / sizeof(runtime[0]); i++)
		if (!strncmp(obj, runtime[i], strlen(runtime[i])))
			return true;
	return false;
}

/* "func+0x1/0x2 [mod]" as "func [mod]": offsets move with every build
 * and with the line that faults; the function and its object do not. */
static size_t frame_name(const char *frame, char *buf, size_t len)
{
	const char *plus = strchr(frame, '+');
	const char *mod = strstr(frame, " [");
	if (!plus || (mod && plus > mod))
		return (size_t)snprintf(buf, len, "%s", frame);
	return (size_t)snprintf(buf, len, "%.*s%s", (int)(plus - frame), frame,
				mod ? mod : "");
}

/* The record counts when the run died of the signal it names; then its
 * first program frame and its class key. */
static void crash_classify(struct sweep_run *r)
{
	char sig[32];

	sweep_signal_name(r->code, sig, sizeof(sig));
	size_t n = strlen(sig);
	r->traced = r->outcome == OUTCOME_CRASH && r->nr_crash_frames &&
		    !strncmp(r->crash, sig, n) &&
		    (r->crash[n] == ' ' || !r->crash[n]);
	if (!r->traced)
		return;
	r->crash_first = 0;
	while (r->crash_first < r->nr_crash_frames &&
	       runtime_frame(r->crash_frames[r->crash_first]))
		r->crash_first++;
	if (r->crash_first == r->nr_crash_frames)
		r->crash_first = 0;     /* all runtime: name it by those */
	size_t used = 0;
	for (unsigned i = r->crash_first; i < r->nr_crash_frames &&
	     i < r->crash_first + SWEEP_CRASH_KEY; i++) {
		if (used && used + 3 < sizeof(r->crash_key)) {
			memcpy(r->crash_key + used, " < ", 4);
			used += 3;
		}
		if (used < sizeof(r->crash_key))
			used += frame_name(r->crash_frames[i],
					   r->crash_key + used,
					   sizeof(r->crash_key) - used);
	}
}

const char *sweep_crash_at(const struct sweep_run *r)
{
	return r->traced ? r->crash_frames[r->crash_first] : r->site;
}

bool sweep_same_crash(const struct sweep_run *a, const struct sweep_run *b)
{
	if (a->code != b->code || a->traced != b->traced)
		return false;
	return a->traced ? !strcmp(a->crash_key, b->crash_key) :
			   !strcmp(a->site, b->site);
}

void sweep_read_reports(const struct sweep *sw, struct sweep_run *r)
{
	char prefix[32], path[4400];
	static char text[1 << 20];      /* the head of one log */

	snprintf(prefix, sizeof(prefix), "run-%u.", r->n);
	DIR *d = opendir(sw->dir);
	if (!d)
		return;
	/* the program's own log first, then its children's */
	char best[256] = "";
	char mine[64];
	snprintf(mine, sizeof(mine), "run-%u.%d.log", r->n, (int)r->pid);
	for (struct dirent *e; (e = readdir(d));) {
		size_t n = strlen(e->d_name);
		if (strncmp(e->d_name, prefix, strlen(prefix)) || n < 4 ||
		    strcmp(e->d_name + n - 4, ".log") || n >= sizeof(best))
			continue;
		if (!best[0] || !strcmp(e->d_name, mine))
			snprintf(best, sizeof(best), "%s", e->d_name);
	}
	closedir(d);
	if (!best[0])
		return;
	snprintf(path, sizeof(path), "%s/%s", sw->dir, best);
	long n = prim_read_file(path, text, sizeof(text) - 1);
	if (n <= 0)
		return;
	text[n] = '\0';
	parse_report(r, text);
	crash_classify(r);
}

const char *sweep_signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);
	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}

const char *sweep_outcome_text(const struct sweep_run *r, char *buf,
			       size_t len)
{
	switch (r->outcome) {
	case OUTCOME_CLEAN:
		snprintf(buf, len, "clean");
		break;
	case OUTCOME_ERROR:
		snprintf(buf, len, "exit %d", r->code);
		break;
	case OUTCOME_CRASH:
		sweep_signal_name(r->code, buf, len);
		break;
	default:
		snprintf(buf, len, "hang");
		break;
	}
	return buf;
}
