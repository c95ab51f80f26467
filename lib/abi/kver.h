/* Kernel versions ("ABI profiles").
 *
 * A version is packed into one integer so that rules read like the kernel's
 * own changelog: `if (kv >= KVER(5, 10, 0))`.  The sublevel matters for the
 * stable trees that back-ported allocator changes (6.1.116+, 6.12.29+); a
 * version given without one means the newest stable release of that line.
 */
#ifndef GFPSHIM_KVER_H
#define GFPSHIM_KVER_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t kver_t;

#define KVER(major, minor, sub) \
	((kver_t)(((major) << 24) | ((minor) << 16) | (sub)))
#define KVER_MAJOR(kv) ((unsigned)((kv) >> 24))
#define KVER_MINOR(kv) ((unsigned)(((kv) >> 16) & 0xff))
#define KVER_SUB(kv)   ((unsigned)((kv) & 0xffff))
/* "6.1" with no sublevel: the newest stable release of the line */
#define KVER_SUB_LATEST 0xffff

/* The version used when GFPSHIM_KERNEL is not set (a current LTS). */
#define KVER_DEFAULT KVER(6, 12, KVER_SUB_LATEST)

/* The newest line whose changes gfpshim's tables hold; a newer kernel
 * runs with its rules (kver_beyond_known()). */
#define KVER_NEWEST_KNOWN KVER(7, 1, KVER_SUB_LATEST)

static inline int kver_beyond_known(kver_t kv)
{
	return kv > KVER_NEWEST_KNOWN;
}

/* Parse "5.4", "4.18.0-513.24.1.el8_9", "5.4.125-android11-2-g6d2c…",
 * "6.12.117".  Returns 0, or -1 when the text is not a version or names a
 * kernel older than the oldest supported line (3.10). */
int kver_parse(const char *text, kver_t *out);

/* "5.4", "6.1.116" — into buf; returns buf. */
char *kver_format(kver_t kv, char *buf, size_t len);

/* The supported lines, oldest first, terminated by 0. */
extern const kver_t kver_supported[];

#endif
