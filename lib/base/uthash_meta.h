/* uthash on metadata pages.  Include this instead of <uthash.h>.
 *
 * Before using a HASH_* macro that may allocate (HASH_ADD*, HASH_DEL,
 * HASH_CLEAR), define UTHASH_META as an expression naming the struct meta *
 * that holds the table, e.g. `#define UTHASH_META (&h->meta)`.  Allocation
 * failures are not fatal: HASH_ADD leaves the table unchanged and runs
 * uthash_nonfatal_oom(elt), which a user may define before including this.
 */
#ifndef GFPSHIM_UTHASH_META_H
#define GFPSHIM_UTHASH_META_H

#include "base/meta.h"

#define uthash_malloc(sz) meta_alloc((UTHASH_META), (sz))
#define uthash_free(ptr, sz) meta_free((UTHASH_META), (ptr), (sz))
#define HASH_NONFATAL_OOM 1

#include <uthash.h>

#endif
