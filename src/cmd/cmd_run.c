/* gfpshim run: a program under the shim, every option checked first.
 *
 * The flags are the options table's rows (lib/options/options.c), so the command
 * and the environment cannot drift apart; the values are checked by the
 * same options_load() the shim runs at boot, before anything starts.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/run.h"

extern char **environ;

/* ---- flags ---------------------------------------------------------------- */

static const struct option_desc *flag_row(const char *name, size_t n)
{
	for (unsigned i = 0; i < NR_OPTIONS; i++)
		if (strlen(options_table[i].flag) == n &&
		    strncmp(options_table[i].flag, name, n) == 0)
			return &options_table[i];
	return NULL;
}

int run_flag(const char *cmd, int argc, char **argv, int *i,
	     struct run_flags *f)
{
	const char *a = argv[*i];
	if (strncmp(a, "--", 2) != 0 || !a[2])
		return 0;
	const char *name = a + 2, *eq = strchr(name, '=');
	size_t n = eq ? (size_t)(eq - name) : strlen(name);
	const struct option_desc *opt = flag_row(name, n);
	if (!opt)
		return 0;

	const char *value;
	if (eq) {
		value = eq + 1;
	} else if (opt->type == OPTT_BOOL) {
		value = "1";            /* a bare --stats switches it on */
	} else if (*i + 1 < argc && strcmp(argv[*i + 1], "--") != 0) {
		value = argv[++*i];
	} else {
		cmd_usage_error(cmd, "--%s needs a value: --%s %s", opt->flag,
				opt->flag, opt->metavar);
		return -1;
	}
	if (!*value) {
		cmd_usage_error(cmd, "--%s: empty value; expected %s", opt->flag,
				opt->metavar);
		return -1;
	}
	f->value[opt->id] = value;
	return 1;
}

void run_flags_usage(FILE *out, unsigned long skip)
{
	for (unsigned i = 0; i < NR_OPTIONS; i++) {
		const struct option_desc *o = &options_table[i];
		char head[96];

		if (skip & (1UL << i))
			continue;
		if (o->type == OPTT_BOOL)
			snprintf(head, sizeof(head), "--%s[=%s]", o->flag, o->metavar);
		else
			snprintf(head, sizeof(head), "--%s=%s", o->flag, o->metavar);
		if (strlen(head) > 26)
			fprintf(out, "  %s\n  %-26s %s", head, "", o->doc);
		else
			fprintf(out, "  %-26s %s", head, o->doc);
		if (o->def[0])
			fprintf(out, " [%s]", o->def);
		fprintf(out, "\n  %-26s (%s)\n", "", o->name);
	}
}

/* ---- checking ------------------------------------------------------------- */

static const struct run_flags *getter_flags;

static const char *flag_or_env(const char *name)
{
	const struct option_desc *o = option_find(name);
	if (o && getter_flags->value[o->id])
		return getter_flags->value[o->id];
	return getenv(name);
}

static bool is_var(const char *entry, const char *name)
{
	size_t n = strlen(name);
	return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

/* "GFPSHIM_MEM=abc: …" names the flag instead when the value came from
 * one. */
static void print_option_error(const char *cmd, const struct run_flags *f,
			       const char *msg)
{
	fprintf(stderr, "gfpshim %s: ", cmd);
	while (*msg) {
		const struct option_desc *hit = NULL;
		for (unsigned i = 0; i < NR_OPTIONS && !hit; i++)
			if (f->value[i] && is_var(msg, options_table[i].name))
				hit = &options_table[i];
		if (hit) {
			fprintf(stderr, "--%s=", hit->flag);
			msg += strlen(hit->name) + 1;
		} else {
			fputc(*msg++, stderr);
		}
	}
	fprintf(stderr, "\nTry 'gfpshim %s --help'.\n", cmd);
}

int run_validate(const char *cmd, const struct run_flags *f,
		 struct gfp_options *out)
{
	size_t nr = 0;
	for (char **e = environ; e && *e; e++)
		nr++;
	const char *envp[nr + 1];
	size_t k = 0;
	for (char **e = environ; e && *e; e++)
		if (!is_var(*e, RUN_LIBRARY_VAR))
			envp[k++] = *e;
	envp[k] = NULL;

	struct gfp_error err;
	getter_flags = f;
	int r = options_load(out, flag_or_env, envp, &err);
	getter_flags = NULL;
	if (r == 0)
		return CMD_OK;
	print_option_error(cmd, f, err.msg);
	return CMD_USAGE;
}

/* ---- the library ---------------------------------------------------------- */

int run_library(const char *cmd, char *buf, size_t len)
{
	const char *env = getenv(RUN_LIBRARY_VAR);
	char exe[4096], tried[4096 + 64];

	if (env && *env) {
		if (access(env, R_OK) == 0 && strlen(env) < len) {
			snprintf(buf, len, "%s", env);
			return CMD_OK;
		}
		fprintf(stderr, "gfpshim %s: %s=%s: %s; expected the path of "
			"%s\n", cmd, RUN_LIBRARY_VAR, env,
			strlen(env) < len ? strerror(errno) : "too long",
			RUN_LIBRARY_NAME);
		return CMD_FAILED;
	}
	tried[0] = '\0';
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(tried, sizeof(tried), "%s/.libs/%s", exe,
				 RUN_LIBRARY_NAME);
			if (access(tried, R_OK) == 0 && strlen(tried) < len) {
				snprintf(buf, len, "%s", tried);
				return CMD_OK;
			}
		}
	}
	snprintf(buf, len, "%s/%s", GFPSHIM_LIBDIR, RUN_LIBRARY_NAME);
	if (access(buf, R_OK) == 0)
		return CMD_OK;
	fprintf(stderr, "gfpshim %s: cannot find %s: looked for %s%s%s; set "
		"%s to its path\n", cmd, RUN_LIBRARY_NAME, buf,
		tried[0] ? " and " : "", tried, RUN_LIBRARY_VAR);
	return CMD_FAILED;
}

/* ---- the environment ------------------------------------------------------ */

void run_environ_size(size_t *bytes, size_t *entries)
{
	size_t b = 0, e = 0;
	for (char **p = environ; p && *p; p++) {
		b += strlen(*p) + 1;
		e++;
	}
	*bytes = b;
	*entries = e;
}

static bool overridden(const char *entry, const struct run_flags *f,
		       const char *const *extra)
{
	if (is_var(entry, RUN_LIBRARY_VAR) || is_var(entry, "LD_PRELOAD"))
		return true;
	for (unsigned i = 0; i < NR_OPTIONS; i++)
		if (f->value[i] && is_var(entry, options_table[i].name))
			return true;
	for (const char *const *x = extra; x && *x; x++) {
		const char *eq = strchr(*x, '=');
		size_t n = eq ? (size_t)(eq - *x) : strlen(*x);
		if (strncmp(entry, *x, n) == 0 && entry[n] == '=')
			return true;
	}
	return false;
}

struct env_out {
	char *store;
	size_t cap, used;
	char **envp;
	size_t nr, n;
	bool full;
};

static void env_add(struct env_out *o, const char *a, const char *b,
		    const char *c)
{
	size_t need = strlen(a) + strlen(b) + strlen(c) + 1;
	if (o->full || o->used + need > o->cap || o->n + 1 >= o->nr) {
		o->full = true;
		return;
	}
	char *s = o->store + o->used;
	snprintf(s, need, "%s%s%s", a, b, c);
	o->used += need;
	o->envp[o->n++] = s;
	o->envp[o->n] = NULL;
}

int run_environ(const struct run_flags *f, const char *const *extra,
		const char *library, char *store, size_t cap, char **envp,
		size_t nr)
{
	struct env_out o = { store, cap, 0, envp, nr, 0, false };
	const char *preload = getenv("LD_PRELOAD");

	if (nr)
		envp[0] = NULL;
	for (char **e = environ; e && *e; e++)
		if (!overridden(*e, f, extra))
			env_add(&o, *e, "", "");
	for (unsigned i = 0; i < NR_OPTIONS; i++)
		if (f->value[i])
			env_add(&o, options_table[i].name, "=", f->value[i]);
	for (const char *const *x = extra; x && *x; x++)
		env_add(&o, *x, "", "");
	if (preload && *preload && strcmp(preload, library) != 0) {
		char lib[4096];
		snprintf(lib, sizeof(lib), "%s:", library);
		env_add(&o, "LD_PRELOAD=", lib, preload);
	} else {
		env_add(&o, "LD_PRELOAD=", library, "");
	}
	return o.full ? -1 : (int)o.n;
}

bool run_shell_quote(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);
	bool plain = *s != '\0';

	for (const char *p = s; *p && plain; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-+=./:,@%^", *p))
			plain = false;
	if (!plain && n + 1 < len)
		buf[n++] = '\'';
	for (const char *p = s; *p && n + 4 < len; p++) {
		if (*p == '\'' && !plain) {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else {
			buf[n++] = *p;
		}
	}
	if (!plain && n + 1 < len)
		buf[n++] = '\'';
	if (n >= len)
		n = len - 1;
	buf[n] = '\0';
	return n + 1 < len;
}

int run_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return CMD_FAILED;
}

/* ---- gfpshim run ---------------------------------------------------------- */

void cmd_run_usage(FILE *out)
{
	fprintf(out,
		"Usage: gfpshim run [OPTION...] [--] PROGRAM [ARG...]\n"
		"\n"
		"Run PROGRAM with %s preloaded: its malloc and anonymous mmap\n"
		"on a simulated Linux page allocator, with fault rules and the\n"
		"kernel's failure reports.  Every option is also a GFPSHIM_*\n"
		"variable (gfpshim(7)); a flag wins over the environment.  All\n"
		"values are checked before PROGRAM starts.\n"
		"\n",
		RUN_LIBRARY_NAME);
	run_flags_usage(out, 0);
	fprintf(out,
		"\n"
		"  --dry-run                  print the environment PROGRAM would\n"
		"                             get from these flags, and run nothing\n"
		"  -h, --help                 this text\n"
		"\n"
		"The library: $%s, else .libs/ next to gfpshim, else %s.\n"
		"Exit status: PROGRAM's (128 + N when signal N ended it); 2 for a\n"
		"bad flag or value (nothing was started); 126/127 when PROGRAM\n"
		"cannot be run; 1 when the library is missing.\n",
		RUN_LIBRARY_VAR, GFPSHIM_LIBDIR);
}

static pid_t child_pid;

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static int run_program(char **argv, char **envp)
{
	int pipefd[2];

	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		fprintf(stderr, "gfpshim run: pipe: %s\n", strerror(errno));
		return CMD_FAILED;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "gfpshim run: fork: %s\n", strerror(errno));
		return CMD_FAILED;
	}
	if (pid == 0) {
		close(pipefd[0]);
		environ = envp;
		execvp(argv[0], argv);
		int e = errno;
		if (write(pipefd[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(e == ENOENT ? 127 : 126);
	}
	close(pipefd[1]);
	child_pid = pid;
	/* as system(): the terminal's signals reach the program directly */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, forward_signal);
	signal(SIGHUP, forward_signal);

	int e = 0;
	ssize_t n;
	do
		n = read(pipefd[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);

	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "gfpshim run: waitpid: %s\n",
				strerror(errno));
			return CMD_FAILED;
		}
	if (n == (ssize_t)sizeof(e)) {
		fprintf(stderr, "gfpshim run: cannot run '%s': %s\n", argv[0],
			strerror(e));
		return e == ENOENT ? 127 : 126;
	}
	return run_exit_code(status);
}

int cmd_run(int argc, char **argv)
{
	struct run_flags f = { { NULL } };
	bool dry_run = false;
	int prog = 0;

	for (int i = 1; i < argc && !prog; i++) {
		const char *a = argv[i];
		int r;

		if (!strcmp(a, "--")) {
			if (i + 1 < argc)
				prog = i + 1;
			break;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cmd_run_usage(stdout);
			return cmd_finish_output("run");
		} else if (!strcmp(a, "--dry-run")) {
			dry_run = true;
		} else if ((r = run_flag("run", argc, argv, &i, &f)) < 0) {
			return CMD_USAGE;
		} else if (r == 0 && a[0] == '-') {
			return cmd_usage_error("run", "unknown option '%s'; "
					       "expected an option of 'gfpshim "
					       "run --help', then -- PROGRAM", a);
		} else if (r == 0) {
			prog = i;
		}
	}
	if (!prog && !dry_run)
		return cmd_usage_error("run", "no PROGRAM given; expected "
				       "'gfpshim run [OPTION...] -- PROGRAM "
				       "[ARG...]'");

	struct gfp_options opts;
	if (run_validate("run", &f, &opts) != CMD_OK)
		return CMD_USAGE;
	char library[4096];
	if (run_library("run", library, sizeof(library)) != CMD_OK)
		return CMD_FAILED;

	if (dry_run) {
		char line[8192];

		for (unsigned i = 0; i < NR_OPTIONS; i++) {
			if (!f.value[i])
				continue;
			snprintf(line, sizeof(line), "%s=", options_table[i].name);
			run_shell_quote(line, sizeof(line), f.value[i]);
			puts(line);
		}
		const char *preload = getenv("LD_PRELOAD");
		snprintf(line, sizeof(line), "LD_PRELOAD=");
		if (preload && *preload && strcmp(preload, library) != 0) {
			char both[8192];
			snprintf(both, sizeof(both), "%s:%s", library, preload);
			run_shell_quote(line, sizeof(line), both);
		} else {
			run_shell_quote(line, sizeof(line), library);
		}
		puts(line);
		if (prog) {
			line[0] = '\0';
			for (int i = prog; i < argc; i++) {
				if (i > prog)
					strncat(line, " ", sizeof(line) - strlen(line) - 1);
				run_shell_quote(line, sizeof(line), argv[i]);
			}
			puts(line);
		}
		return cmd_finish_output("run");
	}

	size_t bytes, entries;
	run_environ_size(&bytes, &entries);
	bytes += strlen(library) + 4096 * 2 + 64;
	for (unsigned i = 0; i < NR_OPTIONS; i++)
		if (f.value[i])
			bytes += strlen(options_table[i].name) +
				 strlen(f.value[i]) + 2;
	entries += NR_OPTIONS + 2;
	char store[bytes];
	char *envp[entries];
	if (run_environ(&f, NULL, library, store, bytes, envp, entries) < 0) {
		fprintf(stderr, "gfpshim run: the environment does not fit\n");
		return CMD_FAILED;
	}
	return run_program(argv + prog, envp);
}
