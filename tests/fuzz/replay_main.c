/* The harnesses without libFuzzer: each argument is a file or a folder of
 * files, fed one at a time to LLVMFuzzerTestOneInput().  `make check` runs
 * the seeds and every input that ever crashed this way, with the build's
 * own compiler.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define INPUT_MAX (4u << 20)

static unsigned nr_run;

static int run_file(const char *path)
{
	static uint8_t buf[INPUT_MAX];
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return -1;
	}
	size_t n = fread(buf, 1, sizeof(buf), f);
	int bad = ferror(f) || !feof(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "%s: unreadable, or larger than %u bytes\n", path,
			INPUT_MAX);
		return -1;
	}
	/* a copy of exactly n bytes, so that reading past the input is seen */
	uint8_t *in = malloc(n ? n : 1);
	if (!in)
		return -1;
	memcpy(in, buf, n);
	LLVMFuzzerTestOneInput(in, n);
	free(in);
	nr_run++;
	return 0;
}

static int run_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	DIR *d = opendir(path);
	if (!d) {
		perror(path);
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char sub[4096];
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (run_path(sub) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (run_path(argv[i]) < 0)
			rc = 1;
	printf("%u inputs\n", nr_run);
	return rc;
}
