/* GFPSHIM_* values: the input is an environment, one NAME=value a line,
 * read as the shim reads its own. */
#include "fuzz.h"
#include "options/options.h"

#define ENV_MAX 64

static char text[16384];
static const char *env[ENV_MAX + 1];

static const char *get(const char *name)
{
	size_t n = strlen(name);

	for (unsigned i = 0; env[i]; i++)
		if (!strncmp(env[i], name, n) && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gfp_options o;
	struct gfp_error err = { { 0 } };
	unsigned n = 0;

	fuzz_text(data, size, text, sizeof(text));
	for (char *line = text, *next; *line && n < ENV_MAX; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		env[n++] = line;
	}
	env[n] = NULL;
	if (options_load(&o, get, env, &err) < 0)
		FUZZ_ASSERT(err.msg[0], "refused with no message");
	return 0;
}
