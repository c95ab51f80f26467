/* struct sbuf: a fixed buffer that text is formatted into (sbuf.c). */
#ifndef GFPSHIM_SBUF_H
#define GFPSHIM_SBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct sbuf {
	char *buf;
	size_t cap;
	size_t len;             /* may exceed cap: the text did not fit */
	const char *prefix;     /* put before every line (a timestamp); NULL */
};

#define SBUF_INIT(b, n) { (b), (n), 0, NULL }

/* printf into the buffer; integer and string conversions only. */
void sb_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap);
void sb_puts(struct sbuf *sb, const char *s);
const char *sb_str(struct sbuf *sb);            /* NUL-terminated view */
void sb_reset(struct sbuf *sb);
bool sb_overflowed(const struct sbuf *sb);      /* some text did not fit */

/* s as a JSON string ("…" with \" \\ and \u00XX escapes), or null. */
void sb_json_string(struct sbuf *sb, const char *s);

#endif
