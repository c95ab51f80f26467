/* Kernel version strings, as users copy them from uname -r, a log's
 * "CPU: 0 PID: … 5.4.125-android11-2-g6d2ca40337f4-dirty-ab2800 #1" line or
 * a changelog: "MAJOR.MINOR[.SUBLEVEL][suffix]".  A suffix is whatever a
 * distribution or vendor appends (-rc3, -513.24.1.el8_9, +, _64, ~bpo);
 * it has no effect on the rules.
 */
#include <stdio.h>

#include "abi/kver.h"

const kver_t kver_supported[] = {
	KVER(3, 10, KVER_SUB_LATEST),
	KVER(4, 4, KVER_SUB_LATEST),
	KVER(4, 9, KVER_SUB_LATEST),
	KVER(4, 14, KVER_SUB_LATEST),
	KVER(4, 19, KVER_SUB_LATEST),
	KVER(5, 4, KVER_SUB_LATEST),
	KVER(5, 10, KVER_SUB_LATEST),
	KVER(5, 15, KVER_SUB_LATEST),
	KVER(6, 1, KVER_SUB_LATEST),
	KVER(6, 6, KVER_SUB_LATEST),
	KVER(6, 12, KVER_SUB_LATEST),
	0
};

/* The last minor of each closed major series (6.19 was followed by 7.0);
 * 7.x is open. */
static unsigned last_minor(unsigned major)
{
	switch (major) {
	case 3: return 19;
	case 4: return 20;
	case 5: return 19;
	case 6: return 19;
	default: return 255;
	}
}

/* Decimal digits at *p into *val (at most `max`); advances *p. */
static int parse_number(const char **p, unsigned max, unsigned *val)
{
	const char *s = *p;
	unsigned v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	/* "04.9" is not how anyone writes a version */
	if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return -1;
		s++;
	}
	*p = s;
	*val = v;
	return 0;
}

static int is_suffix_start(char c)
{
	return c == '-' || c == '+' || c == '_' || c == '~';
}

int kver_parse(const char *text, kver_t *out)
{
	const char *p = text;
	unsigned major, minor, sub = KVER_SUB_LATEST;

	if (!p)
		return -1;
	if (*p == 'v')		/* git tags: v5.4 */
		p++;
	if (parse_number(&p, 255, &major) || *p++ != '.' ||
	    parse_number(&p, 255, &minor))
		return -1;
	if (*p == '.') {
		p++;
		if (parse_number(&p, KVER_SUB_LATEST - 1, &sub))
			return -1;
	}
	if (*p && !is_suffix_start(*p))
		return -1;
	if (major < 3 || major > 7 || minor > last_minor(major))
		return -1;
	if (major == 3 && minor < 10)
		return -1;
	*out = KVER(major, minor, sub);
	return 0;
}

char *kver_format(kver_t kv, char *buf, size_t len)
{
	if (KVER_SUB(kv) == KVER_SUB_LATEST)
		snprintf(buf, len, "%u.%u", KVER_MAJOR(kv), KVER_MINOR(kv));
	else
		snprintf(buf, len, "%u.%u.%u", KVER_MAJOR(kv), KVER_MINOR(kv),
			 KVER_SUB(kv));
	return buf;
}
