/* report_shape FILE [5.10|6.1]: every line of the failure reports in FILE
 * must have the shape of a line the kernel printed.  The shapes are the
 * golden-report ones of tests/unit/test_warn_alloc.c (built from the real
 * logs in tests/data/logs, plus the format-string lines of 5.10 and 6.1+),
 * used here on reports the shim printed for a real program.
 *
 * Lines that are not the kernel's are skipped: the shim's own "gfpshim: …"
 * lines.  A frame that no symbol covers prints as a bare address, as %pS
 * prints one ("0x7f…"), which no log here happens to show.
 *
 * Prints each line without a shape and exits 1 when there is one; exits 2
 * when FILE has fewer than 20 report lines (nothing was checked).
 */
#define main test_warn_alloc_main
#include "../unit/test_warn_alloc.c"
#undef main

static const char *const own_shapes[] = {
	"#",                    /* %pS of an address without a symbol */
	"[<#>] #",              /* the same, after "[<addr>] " (≤4.14 formats) */
	"[<#>] F+#/# [M]",      /* a frame in a module: %pS appends " [mod]" */
	NULL,
};

/* The %pGg names after "mode:#" and "gfp_mask=#" depend on the request,
 * not on the format: both sides compare them as "(G)". */
static void normalize_gfp(char *shape)
{
	static const char *const keys[] = { "mode:#(", "gfp_mask=#(", "gfp=#(" };
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		char *p = strstr(shape, keys[k]);
		if (!p)
			continue;
		char *open = p + strlen(keys[k]) - 1;
		char *close = strchr(open, ')');
		if (!close)
			continue;
		memmove(open + 2, close, strlen(close) + 1);
		open[1] = 'G';
	}
}

static bool shape_known(const char *shape, const char *const *extra)
{
	for (unsigned i = 0; i < log_shapes.n; i++)
		if (strcmp(log_shapes.s[i], shape) == 0)
			return true;
	for (unsigned i = 0; extra && extra[i]; i++)
		if (strcmp(extra[i], shape) == 0)
			return true;
	for (unsigned i = 0; own_shapes[i]; i++)
		if (strcmp(own_shapes[i], shape) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static char text[1 << 20];
	char line[4096], shape[SHAPE_LEN];
	const char *const *extra = NULL;
	unsigned checked = 0, bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: report_shape FILE [5.10|6.1]\n");
		return 2;
	}
	if (argc > 2 && strcmp(argv[2], "5.10") == 0)
		extra = format_shapes_5_10;
	else if (argc > 2 && strcmp(argv[2], "6.1") == 0)
		extra = format_shapes_6_1;
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	load_shapes(NULL);
	for (unsigned i = 0; i < log_shapes.n; i++)
		normalize_gfp(log_shapes.s[i]);

	for (char *p = text; *p;) {
		char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		p += len + (eol ? 1 : 0);
		if (strncmp(line, "gfpshim", 7) == 0)
			continue;
		shape_line(line, shape, sizeof(shape));
		if (!shape[0])
			continue;
		normalize_gfp(shape);
		checked++;
		if (!shape_known(shape, extra)) {
			printf("line without a kernel shape:\n  %s\n  shape: %s\n",
			       line, shape);
			bad++;
		}
	}
	printf("%u lines checked, %u without a kernel shape\n", checked, bad);
	if (checked < 20)
		return 2;
	return bad ? 1 : 0;
}
