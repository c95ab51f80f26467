/* The line reader: each physical line of a log loses the prefixes that
 * logging stacked on it (printk level, /dev/kmsg header, syslog, journal,
 * logread and logcat prefixes, dmesg stamps, Android caller ids) and is
 * split at rsyslog's "#012" and kmsg's "\x0a" escapes into the records the
 * kernel printed.  A log copied out of a mail archive is first decoded from
 * quoted-printable, and mail quote marks are dropped.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "diagnose/logparse.h"
#include "diagnose/logparse_impl.h"

/* A line is [s, e) and the text has no NUL after the last one: skip_sp()
 * within the line. */
static const char *skip_sp_to(const char *s, const char *e)
{
	while (s < e && sp(*s))
		s++;
	return s;
}

/* "<4>" */
static const char *match_level(const char *s, const char *e)
{
	const char *p = s + 1;

	if (s >= e || *s != '<')
		return NULL;
	while (p < e && dig(*p) && p - s <= 3)
		p++;
	return p > s + 1 && p < e && *p == '>' ? p + 1 : NULL;
}

/* /dev/kmsg: "4,123,456,-;" (level+facility, seq, usec, flags) */
static const char *match_kmsg(const char *s, const char *e)
{
	const char *p = s;

	for (int field = 0; field < 3; field++) {
		const char *d = p;
		while (p < e && dig(*p))
			p++;
		if (p == d)
			return NULL;
		if (field < 2) {
			if (p >= e || *p != ',')
				return NULL;
			p++;
		}
	}
	while (p < e && *p != ';' && p - s < 64) {
		if (sp(*p))
			return NULL;
		p++;
	}
	return p < e && *p == ';' ? p + 1 : NULL;
}

/* "[ 2161.623563]" or dmesg -T's "[Thu Jun 13 04:36:30 2024]" */
static const char *match_stamp(const char *s, const char *e)
{
	const char *p = s + 1;
	bool digit = false, sep = false;

	if (s >= e || *s != '[')
		return NULL;
	while (p < e && *p != ']' && p - s < 40) {
		char c = *p;
		if (dig(c))
			digit = true;
		else if (c == '.' || c == ':')
			sep = true;
		else if (!(isalpha((unsigned char)c) || c == ' ' || c == ',' ||
			   c == '+' || c == '-'))
			return NULL;
		p++;
	}
	if (p >= e || *p != ']' || !digit || !sep)
		return NULL;
	/* "[0.0]" style only: a stamp starts with a digit, a space or a day */
	return p + 1;
}

/* Android/vendor caller ids: "[  T123]", "[ C1]", "(0)[5171:kworker/0:0]",
 * "[0:  kworker/0:0: 5171]" */
static const char *match_caller(const char *s, const char *e)
{
	const char *p;

	if (s < e && *s == '[') {
		p = skip_sp_to(s + 1, e);
		if (p < e && (*p == 'T' || *p == 'C') && p + 1 < e && dig(p[1])) {
			p++;
			while (p < e && dig(*p))
				p++;
			if (p < e && *p == ']')
				return p + 1;
		}
		/* "[cpu: comm: pid]" */
		p = s + 1;
		if (p < e && dig(*p)) {
			while (p < e && dig(*p))
				p++;
			if (p < e && *p == ':') {
				const char *close = memchr(p, ']', (size_t)(e - p));
				if (close && close - s < 48) {
					const char *q = close;
					while (q > p && dig(q[-1]))
						q--;
					q = q > p ? q : close;
					while (q > p && sp(q[-1]))
						q--;
					if (q < close && q > p && q[-1] == ':')
						return close + 1;
				}
			}
		}
		return NULL;
	}
	if (s < e && *s == '(') {
		p = s + 1;
		while (p < e && dig(*p))
			p++;
		if (p == s + 1 || p + 1 >= e || p[0] != ')' || p[1] != '[')
			return NULL;
		p += 2;
		const char *d = p;
		while (p < e && dig(*p))
			p++;
		if (p == d || p >= e || *p != ':')
			return NULL;
		const char *close = memchr(p, ']', (size_t)(e - p));
		return close && close - s < 48 ? close + 1 : NULL;
	}
	return NULL;
}

/* syslog, journal, logread: "Jun 13 04:36:30 host kernel: ",
 * "2024-06-13T04:36:30.1+00:00 host kernel: ",
 * "Thu Jun 13 04:36:30 2024 kern.warn kernel: " */
static const char *match_syslog(const char *s, const char *e)
{
	const char *limit = e - s > 200 ? s + 200 : e;
	bool time = false;

	for (const char *p = s; p + 8 <= limit; p++) {
		if (p > s && dig(p[-1]) && *p == ':' && p + 1 < e && dig(p[1]))
			time = true;
		if (*p == ' ' && memcmp(p + 1, "kernel:", 7) == 0) {
			/* a date before it, or just the host name */
			if (!time && memchr(s, ' ', (size_t)(p - s)))
				return NULL;
			return p + 8;
		}
	}
	return NULL;
}

/* logcat -b kernel: "06-13 04:36:30.123     0     0 W         : " */
static const char *match_logcat(const char *s, const char *e)
{
	const char *p = s;

	if (e - s < 20 || !dig(p[0]) || !dig(p[1]) || p[2] != '-' ||
	    !dig(p[3]) || !dig(p[4]) || p[5] != ' ' || !dig(p[6]) ||
	    p[8] != ':')
		return NULL;
	p += 6;
	while (p < e && (dig(*p) || *p == ':' || *p == '.'))
		p++;
	for (int n = 0; n < 2; n++) {
		p = skip_sp_to(p, e);
		if (p >= e || !dig(*p))
			return NULL;
		while (p < e && dig(*p))
			p++;
	}
	p = skip_sp_to(p, e);
	if (p + 1 >= e || !strchr("VDIWEF", *p) || p[1] != ' ')
		return NULL;
	const char *colon = memchr(p, ':', (size_t)(e - p));
	return colon && colon - p < 40 ? colon + 1 : NULL;
}

static const char *strip_prefixes(const char *s, const char *e, bool *kmsg)
{
	for (int round = 0; round < 8; round++) {
		const char *n = match_level(s, e);
		if (!n && round == 0 && (n = match_kmsg(s, e)))
			*kmsg = true;
		if (!n)
			n = match_syslog(s, e);
		if (!n)
			n = match_logcat(s, e);
		if (!n)
			n = match_stamp(skip_sp_to(s, e), e);
		if (!n)
			n = match_caller(s, e);
		if (!n)
			break;
		s = n;
		if (s < e && *s == ' ')
			s++;            /* the separator; more is indentation */
	}
	return s;
}

/* Length of an escape at p that stands for a newline (#012, \x0a), one
 * that stands for a tab (negative), or 0. */
static int escape_at(const char *p, const char *e)
{
	if (e - p >= 4 && p[0] == '#' && p[1] == '0' && p[2] == '1') {
		if (p[3] == '2')
			return 4;
		if (p[3] == '1')
			return -4;
	}
	if (e - p >= 4 && p[0] == '\\' && p[1] == 'x' && p[2] == '0') {
		if (p[3] == 'a' || p[3] == 'A')
			return 4;
		if (p[3] == '9')
			return -4;
	}
	return 0;
}

static void emit_record(struct log *log, size_t *tlen, const char *s,
			const char *e, unsigned lineno, uint32_t flags)
{
	char *out = log->text + *tlen;
	size_t n = 0;
	bool indented = false;

	/* copy with tab escapes as spaces, then trim */
	for (const char *p = s; p < e; p++) {
		int esc = escape_at(p, e);
		if (esc < 0) {
			out[n++] = ' ';
			p += -esc - 1;
			continue;
		}
		out[n++] = *p == '\t' ? ' ' : *p;
	}
	size_t a = 0;
	while (a < n && sp(out[a]))
		a++;
	if (a)
		indented = true;
	while (n > a && (sp(out[n - 1]) || out[n - 1] == '\n'))
		n--;
	if (n == a)
		return;
	memmove(out, out + a, n - a);
	n -= a;
	out[n] = '\0';

	struct log_record *r = &log->records[log->nr_records++];
	r->off = (uint32_t)*tlen;
	r->len = (uint32_t)n;
	r->lineno = lineno;
	r->flags = flags | (indented ? LOG_REC_INDENTED : 0);
	*tlen += n + 1;
}

/* ---- logs that came by mail ------------------------------------------------ */

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A log copied from a mail archive's raw message is quoted-printable:
 * lines end in a soft break "=" and '=' itself is "=3D" (Outlook also
 * writes each newline as "=0A").  Both must be present: a kernel line may
 * end in '=' but never holds "=3D" or "=0A=". */
bool log_quoted_printable(const char *text, size_t len)
{
	bool soft = false, escape = false;

	for (size_t i = 0; i + 1 < len && !(soft && escape); i++) {
		if (text[i] != '=')
			continue;
		if (text[i + 1] == '\n' || (text[i + 1] == '\r' && i + 2 < len &&
					    text[i + 2] == '\n'))
			soft = true;
		else if (i + 2 < len && ((text[i + 1] == '3' && text[i + 2] == 'D') ||
					 (text[i + 1] == '0' && text[i + 2] == 'A' &&
					  i + 3 < len && text[i + 3] == '=')))
			escape = true;
	}
	return soft && escape;
}

/* Decode quoted-printable text into out (at most len bytes): soft breaks
 * join lines, "=XX" becomes its byte.  line[k] receives the input line
 * that decoded line k starts on.  Returns the decoded length. */
size_t log_qp_decode(const char *text, size_t len, char *out,
			uint32_t *line, unsigned *nr_lines)
{
	size_t n = 0;
	unsigned in_line = 1, k = 0;

	line[k++] = in_line;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == '\n') {
			in_line++;
			out[n++] = c;
			line[k++] = in_line;
			continue;
		}
		if (c != '=') {
			out[n++] = c;
			continue;
		}
		size_t j = i + 1;
		while (j < len && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r'))
			j++;
		if (j >= len || text[j] == '\n') {     /* soft line break */
			if (j < len)
				in_line++;
			i = j;
			continue;
		}
		int hi = i + 2 < len ? hex_val(text[i + 1]) : -1;
		int lo = hi >= 0 ? hex_val(text[i + 2]) : -1;
		if (lo < 0) {
			out[n++] = c;
			continue;
		}
		out[n++] = (char)(hi << 4 | lo);
		if (out[n - 1] == '\n')
			line[k++] = in_line;
		i += 2;
	}
	*nr_lines = in_line;
	return n;
}

/* Mail quote marks ("> ", ">>> ") before a line a reply quoted. */
static const char *skip_quote_marks(const char *s, const char *e)
{
	const char *p = s;

	while (p < e && *p == '>') {
		p++;
		if (p < e && *p == ' ')
			p++;
	}
	return p;
}

void log_split_records(struct log *log, const char *text, size_t len,
			  const uint32_t *line_of)
{
	size_t tlen = 0;
	unsigned lineno = 0, k = 0;
	bool kmsg = false;
	const char *end = text + len;

	for (const char *s = text; s < end;) {
		const char *e = memchr(s, '\n', (size_t)(end - s));
		if (!e)
			e = end;
		lineno = line_of ? line_of[k++] : lineno + 1;
		s = skip_quote_marks(s, e);

		/* /dev/kmsg dictionary lines (" SUBSYSTEM=usb") */
		bool dict = false;
		if (kmsg && s < e && *s == ' ') {
			const char *p = s + 1;
			while (p < e && (isupper((unsigned char)*p) || *p == '_'))
				p++;
			dict = p > s + 1 && p < e && *p == '=';
		}
		if (!dict) {
			const char *p = strip_prefixes(s, e, &kmsg);
			const char *seg = p;
			uint32_t flags = 0;
			for (const char *q = p; q < e; q++) {
				int esc = escape_at(q, e);
				if (esc > 0) {
					emit_record(log, &tlen, seg, q, lineno, flags);
					flags = LOG_REC_ESCAPED;
					q += esc - 1;
					seg = q + 1;
				} else if (esc < 0) {
					q += -esc - 1;
				}
			}
			emit_record(log, &tlen, seg, e, lineno, flags);
		}
		s = e + 1;
	}
	if (!line_of)
		log->nr_lines = lineno;
}
