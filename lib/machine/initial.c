/* The `initial.*` settings of a profile: each value is checked when the
 * description is read and appended to machine_desc.initial
 * (machine/initial.h). */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "abi/buddy_line.h"
#include "base/prim.h"
#include "machine/initial.h"
#include "machine/machine.h"

static const char *const kind_keys[NR_INIT_KINDS] = {
	[INIT_ZONE] = "initial.zone",
	[INIT_BUDDY] = "initial.buddy",
	[INIT_PAGETYPEINFO] = "initial.pagetypeinfo",
	[INIT_FRAGMENT] = "initial.fragment",
};

int initial_kind_of(const char *key)
{
	for (int k = 0; k < NR_INIT_KINDS; k++)
		if (strcmp(key, kind_keys[k]) == 0)
			return k;
	return -1;
}

static int __attribute__((format(printf, 4, 5)))
set_error(struct gfp_error *err, const char *where, const char *key,
	  const char *fmt, ...)
{
	size_t n = (size_t)snprintf(err->msg, sizeof(err->msg), "%s: %s: ",
				    where, key);
	if (n < sizeof(err->msg)) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ---- checking values -------------------------------------------------- */

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* "[Node N ]ZoneName" at p: the zone type, and p past the name; -1 when
 * the text does not start with a zone name. */
static int zone_prefix(const char **pp)
{
	const char *p = skip_spaces(*pp);
	if (strncmp(p, "Node ", 5) == 0) {
		p += 5;
		while (*p >= '0' && *p <= '9')
			p++;
		p = skip_spaces(p);
	}
	size_t n = 0;
	while (p[n] && p[n] != ':' && p[n] != ' ')
		n++;
	for (int t = 0; t < NR_ZONE_TYPES; t++) {
		if (strlen(zone_type_names[t]) == n &&
		    strncasecmp(p, zone_type_names[t], n) == 0) {
			*pp = p + n;
			return t;
		}
	}
	return -1;
}

/* A buddy line must read whole and its blocks add up to its total; the
 * machine's orders and page size are checked when it is loaded. */
static int check_buddy(const char *v, const char *where, const char *key,
		       struct gfp_error *err)
{
	struct buddy_line bl;
	enum buddy_line_stop stop = buddy_line_read(v, &bl);
	const char *p = bl.zone;

	if (stop == BL_NO_ZONE || zone_prefix(&p) < 0 || *p)
		return set_error(err, where, key, "\"%.40s\": expected a zone's "
				 "buddy line, \"[Node 0 ]ZONE: N*4kB (UM) … = "
				 "TOTALkB\" with ZONE one of DMA, DMA32, Normal, "
				 "HighMem, Movable", v);
	switch (stop) {
	case BL_COMPLETE:
		break;
	case BL_LETTERS_CUT:
		return set_error(err, where, key, "\"%.24s\": expected the "
				 "migratetype letters closed by ')'", bl.at);
	case BL_BAD_LETTER:
		return set_error(err, where, key, "\"%.24s\": expected "
				 "migratetype letters, each once, some of "
				 "(UMEHCI)", bl.at);
	case BL_BAD_TOTAL:
		return set_error(err, where, key, "\"%.24s\": expected the total "
				 "as \"TOTALkB\"", bl.at);
	default:
		return set_error(err, where, key, "\"%.24s\": expected "
				 "a block count \"N*SIZEkB\" or the total "
				 "\"= TOTALkB\"", bl.at);
	}
	if (bl.total_kb != bl.sum_kb)
		return set_error(err, where, key, "the blocks add up to %lukB "
				 "but the line's total is %lukB; expected the "
				 "line as the kernel printed it", bl.sum_kb,
				 bl.total_kb);
	return 0;
}

static int check_zone_line(const char *v, const char *where, const char *key,
			   struct gfp_error *err)
{
	const char *p = v;
	if (zone_prefix(&p) < 0 || strncmp(p, " free:", 6) != 0)
		return set_error(err, where, key, "\"%.40s\": expected a show_mem "
				 "zone line, \"[Node 0 ]ZONE free:…kB min:…kB "
				 "low:…kB high:…kB … free_cma:…kB\"", v);
	return 0;
}

static bool read_ulong(const char **pp, unsigned long long *v)
{
	char *end;
	errno = 0;
	*v = strtoull(*pp, &end, 10);
	if (end == *pp || errno)
		return false;
	*pp = end;
	return true;
}

/* "12.5%" → 125 per mille; then an optional "movable" or "unmovable". */
int initial_parse_fragment(const char *v, unsigned *permille, bool *movable)
{
	const char *p = skip_spaces(v);
	unsigned long long whole, tenths = 0;
	if (!read_ulong(&p, &whole))
		return -1;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		tenths = (unsigned)(*p++ - '0');
	}
	if (*p++ != '%')
		return -1;
	unsigned long long pm = whole * 10 + tenths;
	if (pm == 0 || pm >= 1000)
		return -1;
	p = skip_spaces(p);
	*movable = false;
	if (strcmp(p, "movable") == 0)
		*movable = true;
	else if (*p && strcmp(p, "unmovable") != 0)
		return -1;
	*permille = (unsigned)pm;
	return 0;
}

/* A relative path is relative to the profile file named in `where`
 * ("dir/board.conf:12"). */
static int resolve_path(const char *v, const char *where, char *out,
			size_t len)
{
	const char *colon = strrchr(where, ':');
	const char *slash = NULL;
	for (const char *q = where; colon && q < colon; q++)
		if (*q == '/')
			slash = q;
	int n;
	if (v[0] == '/' || !slash)
		n = snprintf(out, len, "%s", v);
	else
		n = snprintf(out, len, "%.*s/%s", (int)(slash - where), where, v);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static char ptinfo_buf[MACHINE_FILE_MAX];
static pthread_mutex_t ptinfo_lock = PTHREAD_MUTEX_INITIALIZER;

int initial_state_set(struct machine_desc *d, const char *key,
		      const char *value, const char *where,
		      struct gfp_error *err)
{
	char path[512];
	const char *v = value;
	int kind = initial_kind_of(key);

	if (!where || !*where)
		where = d->name;
	if (kind < 0)
		return set_error(err, where, key, "unknown setting; expected one "
				 "of initial.zone, initial.buddy, "
				 "initial.pagetypeinfo, initial.fragment");
	switch (kind) {
	case INIT_ZONE:
		if (check_zone_line(value, where, key, err))
			return -1;
		break;
	case INIT_BUDDY:
		if (check_buddy(value, where, key, err))
			return -1;
		break;
	case INIT_PAGETYPEINFO: {
		if (resolve_path(value, where, path, sizeof(path)))
			return set_error(err, where, key, "\"%s\": path too long",
					 value);
		pthread_mutex_lock(&ptinfo_lock);
		long n = prim_read_file(path, ptinfo_buf, sizeof(ptinfo_buf));
		bool ok = n > 0 && strstr(ptinfo_buf, "Free pages count per "
					  "migrate type") != NULL;
		int e = errno;
		pthread_mutex_unlock(&ptinfo_lock);
		if (n < 0)
			return set_error(err, where, key, "%s: %s; expected a "
					 "readable copy of /proc/pagetypeinfo",
					 path, strerror(e));
		if (!ok)
			return set_error(err, where, key, "%s: expected the text "
					 "of /proc/pagetypeinfo (\"Free pages "
					 "count per migrate type …\")", path);
		v = path;
		break;
	}
	case INIT_FRAGMENT: {
		unsigned pm;
		bool movable;
		if (initial_parse_fragment(value, &pm, &movable))
			return set_error(err, where, key, "\"%s\": expected a "
					 "percentage above 0 and below 100 with at "
					 "most one decimal (\"15%%\", \"12.5%%\"), "
					 "optionally followed by \"movable\" or "
					 "\"unmovable\"", value);
		break;
	}
	}
	size_t used = strlen(d->initial);
	int n = snprintf(d->initial + used, sizeof(d->initial) - used,
			 "%s = %s\n", key, v);
	if (n < 0 || (size_t)n >= sizeof(d->initial) - used) {
		d->initial[used] = '\0';
		return set_error(err, where, key, "the initial state is longer "
				 "than %u characters; expected fewer or shorter "
				 "initial.* lines", MACHINE_INITIAL_MAX - 1);
	}
	return 0;
}
