/* The gfpshim command: one entry per subcommand, plus what they share. */
#ifndef GFPSHIM_CMD_H
#define GFPSHIM_CMD_H

#include <stdio.h>

#include "abi/kver.h"

/* Exit statuses of every subcommand. */
enum {
	CMD_OK = 0,
	CMD_FAILED = 1,         /* the work itself failed */
	CMD_USAGE = 2,          /* bad flag or value: nothing was done */
};

struct gfpshim_cmd {
	const char *name;
	const char *summary;                    /* one line for --help */
	int (*main)(int argc, char **argv);     /* argv[0] is the name */
	void (*usage)(FILE *out);
};

/* "gfpshim CMD: <message>" and a pointer to --help on stderr; returns
 * CMD_USAGE. */
int cmd_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A kernel version from a flag or variable (`source` names it in the
 * message: "--kernel", "GFPSHIM_KERNEL"); CMD_OK or CMD_USAGE. */
int cmd_kernel_arg(const char *cmd, const char *source, const char *text,
		   kver_t *kv);

/* stdout flushed and written; CMD_FAILED with a message if not. */
int cmd_finish_output(const char *cmd);

int cmd_decode(int argc, char **argv);
void cmd_decode_usage(FILE *out);
int cmd_run(int argc, char **argv);
void cmd_run_usage(FILE *out);
int cmd_sweep(int argc, char **argv);
void cmd_sweep_usage(FILE *out);

int cmd_explain(int argc, char **argv);
void cmd_explain_usage(FILE *out);

int cmd_replay(int argc, char **argv);
void cmd_replay_usage(FILE *out);
int cmd_map(int argc, char **argv);
void cmd_map_usage(FILE *out);

/* Read LOG, pick report N (0: the first with free lists), build its
 * machine (from `profile` or inferred; `kernel` overrides the log's) and
 * boot it into pgdat with the report's heap (cmd_replay.c).  Messages
 * name `cmd`; CMD_OK or CMD_USAGE. */
struct replay;
struct pglist_data;
int cmd_replay_load(const char *cmd, const char *path, unsigned report,
		    const char *profile, const char *kernel, struct replay *r,
		    struct pglist_data *pgdat);

#endif
