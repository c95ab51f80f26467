/* The shim's process-wide state and the calling thread's context: defined
 * here, below every other file of the shim. */
#include "config.h"

#include "shim/shim.h"

struct shim shim = {
	.state = SHIM_OFF,
	.threads_lock = PTHREAD_MUTEX_INITIALIZER,
	.map_lock = PTHREAD_MUTEX_INITIALIZER,
};

/* initial-exec TLS: a dlopen-style TLS block would be allocated by libc
 * with malloc on first touch, which would recurse into us. */
__thread struct shim_thread shim_self
	__attribute__((tls_model("initial-exec")));
