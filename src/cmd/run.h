/* What `gfpshim run` and `gfpshim sweep` share: the options table as
 * command-line flags, the environment a program gets, and the preload
 * library's place. */
#ifndef GFPSHIM_RUN_H
#define GFPSHIM_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "options/options.h"

/* Where `gfpshim run` looks for the library, in this order: the
 * GFPSHIM_LIBRARY variable (tests point it into a build tree), .libs/
 * next to the gfpshim binary (a build tree), then the configured $libdir. */
#define RUN_LIBRARY_VAR "GFPSHIM_LIBRARY"
#define RUN_LIBRARY_NAME "libgfpshim.so"

/* The options given as flags: value[id] is the text after --flag, NULL
 * when the flag was not given. */
struct run_flags {
	const char *value[NR_OPTIONS];
};

/* If argv[*i] is a flag of the options table (--mem=SIZE, --mem SIZE, and
 * for a bool also a bare --stats), record it and return 1 with *i on its
 * last word; return 0 when argv[*i] is no such flag; on a usage error
 * print it (naming `cmd`) and return -1. */
int run_flag(const char *cmd, int argc, char **argv, int *i,
	     struct run_flags *f);

/* The table's flags for --help, one or two lines each; flags whose id is
 * set in `skip` (1 << id) are left out. */
void run_flags_usage(FILE *out, unsigned long skip);

/* Check the options the program would see (the environment's GFPSHIM_*
 * with the flags over them) with the same validators the shim uses.  On a
 * bad value, print "gfpshim CMD: --flag=value: what was expected" (or the
 * variable's name when it came from the environment) and return CMD_USAGE;
 * otherwise CMD_OK with the result in *out. */
int run_validate(const char *cmd, const struct run_flags *f,
		 struct gfp_options *out);

/* The preload library's path into buf; CMD_OK, or CMD_FAILED with a
 * message naming where it looked. */
int run_library(const char *cmd, char *buf, size_t len);

/* The environment for the program: the current one without
 * GFPSHIM_LIBRARY, with every flag as its GFPSHIM_* variable, the
 * `extra` "NAME=value" entries (NULL-terminated; may be NULL) over both,
 * and LD_PRELOAD starting with `library`.  Entries are written into
 * `store` (cap bytes), pointers into `envp` (nr slots).  Returns the
 * number of entries, or -1 when the space is too small. */
int run_environ(const struct run_flags *f, const char *const *extra,
		const char *library, char *store, size_t cap, char **envp,
		size_t nr);

/* Size of the environment run_environ() copies, for its buffers. */
void run_environ_size(size_t *bytes, size_t *entries);

/* `s` quoted for a POSIX shell when it needs quoting, appended to the
 * NUL-terminated text in buf (len bytes in all); false when it did not
 * fit. */
bool run_shell_quote(char *buf, size_t len, const char *s);

/* A wait status as shells report it: the exit status, or 128 + signal. */
int run_exit_code(int status);

#endif
