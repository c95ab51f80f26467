/* struct gfp_error: the message a parser or checker leaves for its caller,
 * naming what was wrong and what was expected (error.c). */
#ifndef GFPSHIM_ERROR_H
#define GFPSHIM_ERROR_H

struct gfp_error {
	char msg[512];
};

/* printf into err->msg (err may be NULL); returns -1 for `return` chains. */
int gfp_error_set(struct gfp_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
