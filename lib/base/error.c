/* The one writer of struct gfp_error messages. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "base/error.h"

int gfp_error_set(struct gfp_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}
