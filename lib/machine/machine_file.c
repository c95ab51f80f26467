/* Profile files: `key = value` lines, # comments, an optional first
 * `profile = NAME`, each setting applied through machine_set() and the
 * result checked by machine_validate().
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/machine_impl.h"
#include "base/prim.h"

static const char *errno_text(int e)
{
	switch (e) {
	case ENOENT: return "no such file";
	case EACCES: return "permission denied";
	case EISDIR: return "is a directory";
	case EFBIG: return "file too large";
	case ENOTDIR: return "a path component is not a directory";
	case ELOOP: return "too many symbolic links";
	case ENAMETOOLONG: return "name too long";
	default: return "cannot be read";
	}
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int machine_load_text(const char *text, size_t len, const char *source,
		      struct machine_desc *d, struct gfp_error *err)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;
	bool first = true;

	*d = *machine_profile("default");
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q = eol ? eol : end;
		char buf[512], where[160];
		line++;

		while (p < q && is_space(*p))
			p++;
		while (q > p && is_space(q[-1]))
			q--;
		snprintf(where, sizeof(where), "%s:%u", source, line);
		if (p == q || *p == '#')
			goto next;
		if ((size_t)(q - p) >= sizeof(buf)) {
			gfp_error_set(err, "%s: line is longer than %u characters", where,
				      (unsigned)sizeof(buf) - 1);
			return -1;
		}
		if (memchr(p, '\0', (size_t)(q - p))) {
			gfp_error_set(err, "%s: a NUL byte in the line; expected text",
				      where);
			return -1;
		}
		memcpy(buf, p, (size_t)(q - p));
		buf[q - p] = '\0';

		char *eq = strchr(buf, '=');
		if (!eq) {
			gfp_error_set(err, "%s: \"%s\": expected `key = value` or a # comment",
				      where, buf);
			return -1;
		}
		char *k = buf, *ke = eq, *v = eq + 1;
		while (ke > k && is_space(ke[-1]))
			ke--;
		*ke = '\0';
		while (is_space(*v))
			v++;
		if (!*k) {
			gfp_error_set(err, "%s: \"= %s\": expected a key before '='", where, v);
			return -1;
		}
		if (strcmp(k, "profile") == 0) {
			const struct machine_desc *base = machine_profile(v);
			if (!first) {
				gfp_error_set(err, "%s: profile: must be the first setting "
					      "(it replaces everything before it)", where);
				return -1;
			}
			if (!base) {
				char names[256];
				size_t n = 0;
				for (unsigned i = 0; machine_profile_names[i]; i++)
					n += (size_t)snprintf(names + n, sizeof(names) - n,
							      "%s%s", i ? ", " : "",
							      machine_profile_names[i]);
				gfp_error_set(err, "%s: profile: unknown profile \"%s\"; "
					      "expected one of %s", where, v, names);
				return -1;
			}
			*d = *base;
		} else if (machine_set(d, k, v, where, err)) {
			return -1;
		}
		first = false;
next:
		p = eol ? eol + 1 : end;
	}
	if (machine_validate(d, err)) {
		char msg[sizeof(err->msg)];
		memcpy(msg, err->msg, sizeof(msg));
		gfp_error_set(err, "%s: %s", source, msg);
		return -1;
	}
	return 0;
}

int machine_load_file(const char *path, struct machine_desc *d,
		      struct gfp_error *err)
{
	char text[MACHINE_FILE_MAX];
	long n = prim_read_file(path, text, sizeof(text));
	if (n < 0)
		return gfp_error_set(err, "%s: %s%s", path, errno_text(errno),
				     errno == EFBIG ? "; expected at most 64K of text" : "");
	return machine_load_text(text, (size_t)n, path, d, err);
}
