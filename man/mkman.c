/* mkman: fill a man page template with what the code defines, so that the
 * manual cannot drift from it.
 *
 *   mkman FAULT_PARSE_C < page.in > page
 *
 * Lines of the template that are exactly one of these are replaced:
 *   @RUN_FLAGS@    the options table as `gfpshim run` flags
 *   @ENVIRONMENT@  the options table as GFPSHIM_* variables
 *   @RULES@        the rule grammar: the first comment of FAULT_PARSE_C
 *   @PROFILES@     the built-in machine profiles
 *   @KERNELS@      the supported kernel versions
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "abi/kver.h"
#include "machine/machine.h"
#include "options/options.h"

/* Text as roff: backslashes escaped, hyphens as \- (minus signs in
 * flags and values), and a leading '.' or '\'' made harmless. */
static void roff(const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", stdout);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", stdout);
		else if (*s == '-')
			fputs("\\-", stdout);
		else
			putchar(*s);
	}
}

static void option_choices(const struct option_desc *o)
{
	if (o->type == OPTT_ENUM) {
		fputs(" One of", stdout);
		for (unsigned i = 0; o->choices[i]; i++) {
			fputs(i ? ", " : " ", stdout);
			printf("\\fB");
			roff(o->choices[i]);
			printf("\\fR");
		}
		putchar('.');
	} else if (o->type == OPTT_INT) {
		printf(" An integer from %llu to ", o->min);
		if (o->max == ~0ULL)
			printf("2^64\\-1.");
		else
			printf("%llu.", o->max);
	} else if (o->type == OPTT_BOOL) {
		fputs(" \\fB1\\fR or \\fB0\\fR (also yes/no, true/false, on/off).",
		      stdout);
	}
	if (o->def[0]) {
		fputs(" Default: \\fB", stdout);
		roff(o->def);
		fputs("\\fR.", stdout);
	}
}

static void run_flags(void)
{
	for (unsigned i = 0; i < NR_OPTIONS; i++) {
		const struct option_desc *o = &options_table[i];
		printf(".TP\n\\fB\\-\\-");
		roff(o->flag);
		printf("\\fR%s\\fI", o->type == OPTT_BOOL ? "[=" : "=");
		roff(o->metavar);
		printf("\\fR%s\n", o->type == OPTT_BOOL ? "]" : "");
		roff(o->doc);
		putchar('.');
		option_choices(o);
		printf(" Sets \\fB");
		roff(o->name);
		printf("\\fR.\n");
	}
}

static void environment(void)
{
	for (unsigned i = 0; i < NR_OPTIONS; i++) {
		const struct option_desc *o = &options_table[i];
		printf(".TP\n\\fB");
		roff(o->name);
		printf("\\fR=\\fI");
		roff(o->metavar);
		printf("\\fR\n");
		roff(o->doc);
		putchar('.');
		option_choices(o);
		printf(" Type: %s; flag: \\fB\\-\\-", option_type_name(o->type));
		roff(o->flag);
		printf("\\fR.\n");
	}
}

/* The grammar comment at the top of lib/fault/fault_parse.c, as a literal
 * block: from its first line to its closing line. */
static int rules(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		return -1;
	}
	bool in = false;
	printf(".PP\n.nf\n.RS 2\n");
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!in) {
			in = !strncmp(line, "/* ", 3);
			if (in) {
				roff(line + 3);
				putchar('\n');
			}
			continue;
		}
		if (!strcmp(line, " */"))
			break;
		const char *t = !strncmp(line, " * ", 3) ? line + 3 :
				!strcmp(line, " *") ? "" : line;
		if (!*t)
			printf(".sp\n");
		else {
			roff(t);
			putchar('\n');
		}
	}
	printf(".RE\n.fi\n");
	fclose(f);
	return in ? 0 : -1;
}

static void profiles(void)
{
	for (unsigned i = 0; machine_profile_names[i]; i++) {
		const struct machine_desc *d =
			machine_profile(machine_profile_names[i]);
		uint64_t mem = 0, cma = 0;
		char kv[32];

		for (unsigned z = 0; z < d->nr_zones; z++)
			mem += d->zones[z].size;
		for (unsigned c = 0; c < d->nr_cma; c++)
			cma += d->cma[c].size;
		printf(".TP\n.B ");
		roff(machine_profile_names[i]);
		printf("\n%s, %u KiB pages, %llu MiB of RAM", d->arch,
		       1u << (d->page_shift - 10),
		       (unsigned long long)(mem >> 20));
		if (cma)
			printf(" with %llu MiB of CMA",
			       (unsigned long long)(cma >> 20));
		printf(", kernel ");
		roff(d->release[0] ? d->release :
		     kver_format(d->kernel, kv, sizeof(kv)));
		if (d->hardware[0]) {
			printf(" (");
			roff(d->hardware);
			putchar(')');
		}
		printf(".\n");
	}
}

static void kernels(void)
{
	char kv[32];
	for (const kver_t *k = kver_supported; *k; k++) {
		printf("%s", k == kver_supported ? "" : ",\n");
		roff(kver_format(*k, kv, sizeof(kv)));
	}
	printf(".\n");
}

int main(int argc, char **argv)
{
	char line[1024];

	if (argc != 2) {
		fprintf(stderr, "usage: mkman FAULT_PARSE_C < page.in > page\n");
		return 2;
	}
	while (fgets(line, sizeof(line), stdin)) {
		if (!strcmp(line, "@RUN_FLAGS@\n"))
			run_flags();
		else if (!strcmp(line, "@ENVIRONMENT@\n"))
			environment();
		else if (!strcmp(line, "@RULES@\n")) {
			if (rules(argv[1]) < 0) {
				fprintf(stderr, "mkman: no grammar comment in "
					"%s\n", argv[1]);
				return 1;
			}
		} else if (!strcmp(line, "@PROFILES@\n"))
			profiles();
		else if (!strcmp(line, "@KERNELS@\n"))
			kernels();
		else
			fputs(line, stdout);
	}
	return fflush(stdout) || ferror(stdout) ? 1 : 0;
}
