/* What every subcommand shares: usage errors, the kernel flag, the end of
 * the output (cmd/cmd.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

int cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "gfpshim%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'gfpshim%s%s --help'.\n", cmd ? " " : "",
		cmd ? cmd : "");
	return CMD_USAGE;
}

int cmd_kernel_arg(const char *cmd, const char *source, const char *text,
		   kver_t *kv)
{
	char newest[24];

	if (kver_parse(text, kv) == 0) {
		if (kver_beyond_known(*kv))
			fprintf(stderr, "gfpshim %s: %s '%s': newer than %s, the "
				"newest kernel whose changes gfpshim knows; %s's "
				"rules are used\n", cmd, source, text,
				kver_format(KVER_NEWEST_KNOWN, newest, sizeof(newest)),
				newest);
		return CMD_OK;
	}
	return cmd_usage_error(cmd, "%s '%s': expected a kernel version, 3.10 "
			       "or newer, such as 5.4, 6.1.116 or "
			       "4.18.0-513.24.1.el8_9", source, text);
}

int cmd_finish_output(const char *cmd)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return CMD_OK;
	fprintf(stderr, "gfpshim %s: writing the output failed: %s\n", cmd,
		strerror(errno));
	return CMD_FAILED;
}
