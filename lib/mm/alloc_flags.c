/* The names of alloc_flags (mm/internal.h's ALLOC_*) as the node's kernel
 * spells them: 6.3 (6.1.116+ by backport) renamed ALLOC_HARDER to
 * ALLOC_NON_BLOCK and ALLOC_HIGH to ALLOC_MIN_RESERVE, and brought
 * ALLOC_HIGHATOMIC in.
 */
#include <stdio.h>

#include "mm/page_alloc.h"

static const struct {
	unsigned flag;
	const char *old, *split;        /* ≤6.2 name, 6.3+ name */
} alloc_flag_names[] = {
	{ ALLOC_NO_WATERMARKS, "ALLOC_NO_WATERMARKS", "ALLOC_NO_WATERMARKS" },
	{ ALLOC_OOM, "ALLOC_OOM", "ALLOC_OOM" },
	{ ALLOC_HARDER, "ALLOC_HARDER", "ALLOC_NON_BLOCK" },
	{ ALLOC_HIGH, "ALLOC_HIGH", "ALLOC_MIN_RESERVE" },
	{ ALLOC_CPUSET, "ALLOC_CPUSET", "ALLOC_CPUSET" },
	{ ALLOC_CMA, "ALLOC_CMA", "ALLOC_CMA" },
	{ ALLOC_NOFRAGMENT, "ALLOC_NOFRAGMENT", "ALLOC_NOFRAGMENT" },
	{ ALLOC_HIGHATOMIC, NULL, "ALLOC_HIGHATOMIC" },
	{ ALLOC_KSWAPD, "ALLOC_KSWAPD", "ALLOC_KSWAPD" },
};
#define NR_ALLOC_FLAG_NAMES (sizeof(alloc_flag_names) / sizeof(alloc_flag_names[0]))

const char *alloc_flag_name(unsigned flag, kver_t kv)
{
	bool split = kver_alloc_reserves_split(kv);

	for (size_t i = 0; i < NR_ALLOC_FLAG_NAMES; i++)
		if (alloc_flag_names[i].flag == flag)
			return split ? alloc_flag_names[i].split :
				       alloc_flag_names[i].old;
	return NULL;
}

void alloc_flags_format(char *buf, size_t len, unsigned flags, kver_t kv,
			unsigned omit)
{
	static const char *const wmark[] = { "ALLOC_WMARK_MIN", "ALLOC_WMARK_LOW",
		"ALLOC_WMARK_HIGH", "ALLOC_WMARK_?" };
	size_t n = (size_t)snprintf(buf, len, "%s", wmark[flags & ALLOC_WMARK_MASK]);

	for (size_t i = 0; i < NR_ALLOC_FLAG_NAMES && n < len; i++) {
		unsigned flag = alloc_flag_names[i].flag;
		const char *name = alloc_flag_name(flag, kv);
		if ((flags & flag) && !(omit & flag) && name)
			n += (size_t)snprintf(buf + n, len - n, "|%s", name);
	}
}
