/* struct sbuf: a fixed buffer that reports are formatted into.
 *
 * Text that does not fit is counted (len grows past cap) but never written,
 * so a caller can tell a truncated report from a complete one.  When a line
 * prefix is set (a printk timestamp), every line written gets it, exactly
 * once, at its start.  Nothing here allocates.
 */
#include <stdio.h>
#include <string.h>

#include "base/sbuf.h"

/* Bytes that can hold text: one is kept for the terminating NUL. */
static size_t sb_room(const struct sbuf *sb)
{
	return sb->cap ? sb->cap - 1 : 0;
}

static bool sb_at_line_start(const struct sbuf *sb)
{
	if (sb->len == 0)
		return true;
	if (sb->len > sb_room(sb))
		return false;
	return sb->buf[sb->len - 1] == '\n';
}

/* Insert the prefix at each line start inside buf[from, len) in place;
 * `first` says whether `from` itself starts a line.  Text pushed past the
 * end of the buffer is dropped but still counted. */
static void sb_prefix_lines(struct sbuf *sb, size_t from, size_t added,
			    bool first)
{
	size_t plen = strlen(sb->prefix);
	size_t room = sb_room(sb);
	size_t visible_end = from + added < room ? from + added : room;
	size_t starts = 0;

	if (first)
		starts++;
	for (size_t i = from; i < visible_end; i++)
		if (sb->buf[i] == '\n' && i + 1 < from + added)
			starts++;
	if (!starts)
		return;

	/* Move backwards: src walks the written text, dst its new place. */
	size_t new_end = from + added + starts * plen;
	size_t src = visible_end, dst = new_end - (from + added - visible_end);
	while (src > from) {
		src--;
		bool line_start = (src == from && first) ||
			(src > from && sb->buf[src - 1] == '\n');
		dst--;
		if (dst < room)
			sb->buf[dst] = sb->buf[src];
		if (line_start) {
			for (size_t k = plen; k > 0; k--) {
				dst--;
				if (dst < room)
					sb->buf[dst] = sb->prefix[k - 1];
			}
		}
	}
	sb->len = new_end;
}

void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
	size_t room = sb_room(sb);
	size_t from = sb->len;
	bool first = sb->prefix && sb_at_line_start(sb);
	char *dst = from < room ? sb->buf + from : NULL;
	size_t avail = from < room ? room - from + 1 : 0;
	int n;

	if (dst) {
		n = vsnprintf(dst, avail, fmt, ap);
	} else {
		char dummy;
		n = vsnprintf(&dummy, 0, fmt, ap);
	}
	if (n <= 0)
		return;
	sb->len = from + (size_t)n;
	if (sb->prefix && from < room)
		sb_prefix_lines(sb, from, (size_t)n, first);
	else if (sb->prefix)
		sb->len += first ? strlen(sb->prefix) : 0;
}

void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sb_puts(struct sbuf *sb, const char *s)
{
	sb_printf(sb, "%s", s);
}

const char *sb_str(struct sbuf *sb)
{
	if (!sb->cap)
		return "";
	sb->buf[sb->len < sb->cap ? sb->len : sb->cap - 1] = '\0';
	return sb->buf;
}

void sb_reset(struct sbuf *sb)
{
	sb->len = 0;
	if (sb->cap)
		sb->buf[0] = '\0';
}

bool sb_overflowed(const struct sbuf *sb)
{
	return sb->len > sb_room(sb);
}

void sb_json_string(struct sbuf *sb, const char *s)
{
	if (!s) {
		sb_puts(sb, "null");
		return;
	}
	sb_puts(sb, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_printf(sb, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			sb_printf(sb, "\\u%04x", *p);
		else
			sb_printf(sb, "%c", *p);
	}
	sb_puts(sb, "\"");
}
