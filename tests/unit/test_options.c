/* The options table and the environment reader: the table's shape, the
 * defaults, every option good and bad with the exact message, unknown
 * names with their suggestions, and the machine built from the options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "options/options.h"

/* A fake environment: NAME=value entries, NULL-terminated. */
static const char *const *env;

static const char *env_get(const char *name)
{
	size_t n = strlen(name);
	for (const char *const *e = env; *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static struct gfp_options opts;

static void loads(const char *const *entries)
{
	struct gfp_error err = { "" };
	env = entries;
	if (options_load(&opts, env_get, entries, &err))
		fail_msg("%s", err.msg);
}

static void load_fails(const char *const *entries, const char *msg)
{
	struct gfp_error err = { "" };
	env = entries;
	if (options_load(&opts, env_get, entries, &err) == 0)
		fail_msg("loaded; expected \"%s\"", msg);
	assert_string_equal(err.msg, msg);
}

/* one variable, good */
static void load1(const char *entry)
{
	const char *entries[] = { "HOME=/root", entry, NULL };
	loads(entries);
}

/* one variable, bad */
static void load1_fails(const char *entry, const char *msg)
{
	const char *entries[] = { entry, "PATH=/bin", NULL };
	load_fails(entries, msg);
}

static void test_table(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NR_OPTIONS; i++) {
		const struct option_desc *o = &options_table[i];
		assert_int_equal(o->id, i);
		assert_int_equal(strncmp(o->name, "GFPSHIM_", 8), 0);
		assert_non_null(o->flag);
		assert_true(strlen(o->flag) > 1);
		for (const char *p = o->flag; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || *p == '-');
		assert_true(strlen(o->doc) > 10 && strlen(o->doc) < 100);
		assert_true(o->metavar && *o->metavar);
		assert_non_null(o->def);
		assert_non_null(o->apply);
		assert_true((o->type == OPTT_ENUM) == (o->choices != NULL));
		assert_ptr_equal(option_find(o->name), o);
		assert_ptr_equal(option_find(o->flag), o);
		for (unsigned j = 0; j < i; j++) {
			assert_string_not_equal(o->name, options_table[j].name);
			assert_string_not_equal(o->flag, options_table[j].flag);
		}
	}
	/* the variables the design names */
	static const char *const required[] = {
		"GFPSHIM_MEM", "GFPSHIM_CMA", "GFPSHIM_PROFILE", "GFPSHIM_KERNEL",
		"GFPSHIM_MALLOC_GFP", "GFPSHIM_FAIL", "GFPSHIM_SEED", "GFPSHIM_LOG",
		"GFPSHIM_OOM", "GFPSHIM_STATS", "GFPSHIM_CPUS", "GFPSHIM_INHERIT",
		"GFPSHIM_RATELIMIT", "GFPSHIM_TIMESTAMPS", "GFPSHIM_COMM",
		"GFPSHIM_SNAPSHOT", "GFPSHIM_STRICT_KMALLOC", "GFPSHIM_VERBOSE",
	};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		assert_non_null(option_find(required[i]));
	assert_null(option_find("GFPSHIM_NOPE"));
	assert_string_equal(option_type_name(options_table[OPT_MEM].type), "size");
	assert_string_equal(option_type_name(options_table[OPT_FAIL].type), "rules");
	assert_string_equal(option_type_name(options_table[OPT_MALLOC_GFP].type), "gfp");
	assert_string_equal(option_type_name(options_table[OPT_OOM].type), "enum");
}

static void test_defaults(void **state)
{
	const char *entries[] = { "HOME=/root", NULL };
	(void)state;
	loads(entries);
	for (unsigned i = 0; i < NR_OPTIONS; i++)
		assert_false(opts.set[i]);
	assert_string_equal(opts.machine.name, "default");
	assert_int_equal(opts.machine.kernel, KVER_DEFAULT);
	assert_int_equal(opts.malloc_gfp_mask, 0xcc0);   /* GFP_KERNEL on 6.12 */
	assert_int_equal(opts.malloc_gfp, GFP_KERNEL);
	assert_false(opts.strict_kmalloc);
	assert_string_equal(opts.fail, "");
	assert_false(opts.seed_set);
	assert_false(opts.inherit);
	assert_int_equal(opts.oom, OOM_NULL);
	assert_string_equal(opts.log, "stderr");
	assert_int_equal(opts.ratelimit, RATELIMIT_KERNEL);
	assert_int_equal(opts.fault_report, FAULT_REPORT_FULL);
	assert_false(opts.timestamps);
	assert_string_equal(opts.comm, "");
	assert_false(opts.stats);
	assert_string_equal(opts.snapshot, "");
	assert_false(opts.crash_trace);
	assert_int_equal(opts.verbose, 0);

	/* an empty value is "not set" */
	load1("GFPSHIM_MEM=");
	assert_false(opts.set[OPT_MEM]);
	assert_int_equal(opts.machine.zones[2].size, 12ULL << 30);
}

static void test_machine_options(void **state)
{
	char path[600];
	const char *top = getenv("top_srcdir");
	(void)state;

	load1("GFPSHIM_PROFILE=amlogic-5.4");
	assert_true(opts.set[OPT_PROFILE]);
	assert_string_equal(opts.machine.name, "amlogic-5.4");
	/* malloc's default mask follows the profile's kernel */
	assert_int_equal(opts.malloc_gfp_mask, 0xcc0);

	snprintf(path, sizeof(path), "GFPSHIM_PROFILE=%s/tests/data/profiles/board-1g-cma.conf",
		 top ? top : ".");
	load1(path);
	assert_string_equal(opts.machine.name, "board-1g-cma");

	load1("GFPSHIM_KERNEL=4.9");
	assert_int_equal(opts.machine.kernel, KVER(4, 9, KVER_SUB_LATEST));
	assert_int_equal(opts.malloc_gfp_mask, 0x24000c0);

	load1("GFPSHIM_MEM=2G");
	assert_int_equal(opts.machine.zones[1].size, (2ULL << 30) - (16 << 20));
	assert_int_equal(opts.machine.zones[2].size, 0);

	load1("GFPSHIM_CMA=64M");
	assert_int_equal(opts.machine.nr_cma, 1);
	assert_int_equal(opts.machine.cma[0].size, 64 << 20);

	/* GFPSHIM_CMA replaces the profile's area */
	const char *cma_none[] = { "GFPSHIM_PROFILE=csky-4.9-usb-gadget", "GFPSHIM_CMA=none", NULL };
	loads(cma_none);
	assert_int_equal(opts.machine.nr_cma, 0);
	const char *cma_less[] = { "GFPSHIM_PROFILE=csky-4.9-usb-gadget", "GFPSHIM_CMA=128M", NULL };
	loads(cma_less);
	assert_int_equal(opts.machine.nr_cma, 1);
	assert_int_equal(opts.machine.cma[0].size, 128 << 20);

	/* profile, then kernel, then mem: the mem layout uses the new kernel */
	const char *arm[] = { "GFPSHIM_MEM=2G", "GFPSHIM_KERNEL=5.4",
			      "GFPSHIM_PROFILE=arm64-5.4-64k-cma", NULL };
	loads(arm);
	assert_int_equal(opts.machine.zones[0].type, ZONE_DMA32);
	assert_int_equal(opts.machine.zones[0].start, 1ULL << 30);
	assert_int_equal(opts.machine.zones[0].size, 2ULL << 30);

	load1("GFPSHIM_CPUS=8");
	assert_int_equal(opts.machine.nr_cpus, 8);
}

static void test_machine_options_bad(void **state)
{
	char path[600], msg[1400];
	const char *top = getenv("top_srcdir");
	(void)state;

	load1_fails("GFPSHIM_PROFILE=pi5",
		    "GFPSHIM_PROFILE=pi5: unknown profile; expected a profile file (a path "
		    "with '/') or one of default, csky-4.9-usb-gadget, arm64-4.18-el8-64k, "
		    "amlogic-5.4, arm64-5.4-64k-cma, x86_64-4.x-ip_entry");
	load1_fails("GFPSHIM_PROFILE=/nonexistent/board.conf",
		    "GFPSHIM_PROFILE=/nonexistent/board.conf: /nonexistent/board.conf: "
		    "no such file");
	snprintf(path, sizeof(path), "%s/tests/data/logs/seed002-pagetypeinfo.txt",
		 top ? top : ".");
	char entry[700];
	snprintf(entry, sizeof(entry), "GFPSHIM_PROFILE=%s", path);
	snprintf(msg, sizeof(msg), "GFPSHIM_PROFILE=%s: %s:1: \"console:/ # cat "
		 "/proc/pagetypeinfo\": expected `key = value` or a # comment", path, path);
	load1_fails(entry, msg);

	load1_fails("GFPSHIM_MEM=12Q",
		    "GFPSHIM_MEM=12Q: \"12Q\" is not a size; expected a number of bytes with "
		    "an optional unit K, M, G or T (powers of 1024), such as 512M, 3.5G or 65536");
	load1_fails("GFPSHIM_MEM=17M",
		    "GFPSHIM_MEM=17M: 17M is too small for x86_64: the kernel image and "
		    "mem_map need 1360K, more than half of DMA32 (1M)");
	load1_fails("GFPSHIM_KERNEL=2.6.32",
		    "GFPSHIM_KERNEL=2.6.32: \"2.6.32\" is not a supported kernel version; "
		    "expected 3.10 or later, such as 4.9, 5.4.125-android11 or 6.12");
	load1_fails("GFPSHIM_CMA=32G",
		    "GFPSHIM_CMA=32G: the CMA area reserved of 32G does not fit in any zone; "
		    "expected at most the part of one zone that is not boot-reserved or in "
		    "another area (largest zone: 12G)");
	load1_fails("GFPSHIM_CMA=1M@xyz",
		    "GFPSHIM_CMA=1M@xyz: \"xyz\" is not a size; expected a number of bytes "
		    "with an optional unit K, M, G or T (powers of 1024), such as 512M, 3.5G "
		    "or 65536");
	load1_fails("GFPSHIM_CPUS=0",
		    "GFPSHIM_CPUS=0: \"0\": expected an integer from 1 to 64");
	load1_fails("GFPSHIM_CPUS=many",
		    "GFPSHIM_CPUS=many: \"many\": expected an integer from 1 to 64");

	/* settings that are each fine but make a bad machine together name
	 * every variable that shaped it */
	const char *both[] = { "GFPSHIM_PROFILE=amlogic-5.4", "GFPSHIM_CMA=dev:3M@1G", NULL };
	load_fails(both, "GFPSHIM_PROFILE=amlogic-5.4 GFPSHIM_CMA=dev:3M@1G: cma dev: "
		   "base 1G, size 3M: expected multiples of the pageblock size 4M");
}

static void test_gfp_option(void **state)
{
	(void)state;
	load1("GFPSHIM_MALLOC_GFP=GFP_ATOMIC");
	assert_int_equal(opts.malloc_gfp_mask, 0x820);
	const char *atomic54[] = { "GFPSHIM_KERNEL=5.4", "GFPSHIM_MALLOC_GFP=GFP_ATOMIC", NULL };
	loads(atomic54);
	assert_int_equal(opts.malloc_gfp_mask, 0xa20);
	assert_int_equal(opts.malloc_gfp, GFP_ATOMIC);
	const char *nowarn[] = { "GFPSHIM_KERNEL=4.9",
				 "GFPSHIM_MALLOC_GFP=GFP_KERNEL|__GFP_NOWARN", NULL };
	loads(nowarn);
	assert_int_equal(opts.malloc_gfp_mask, 0x24002c0);
	assert_int_equal(opts.malloc_gfp, GFP_KERNEL | __GFP_NOWARN);
	load1("GFPSHIM_MALLOC_GFP=0xcc0");
	assert_int_equal(opts.malloc_gfp, GFP_KERNEL);

	struct gfp_error err;
	char want[600];
	uint32_t mask;
	/* the message is gfp_parse()'s, after the variable and value */
	assert_int_equal(gfp_parse("GFP_KERNLE", KVER_DEFAULT, &mask, err.msg,
				   sizeof(err.msg)), -1);
	snprintf(want, sizeof(want), "GFPSHIM_MALLOC_GFP=GFP_KERNLE: %s", err.msg);
	load1_fails("GFPSHIM_MALLOC_GFP=GFP_KERNLE", want);
}

static void test_fail_option(void **state)
{
	(void)state;
	load1("GFPSHIM_FAIL=min-order=4");
	assert_true(opts.set[OPT_FAIL]);
	assert_string_equal(opts.fail, "min-order=4");
	load1_fails("GFPSHIM_FAIL=min-order=x",
		    "GFPSHIM_FAIL=min-order=x: rule 1: 'min-order=x': expected an order "
		    "from 0 to 63");
	char longrules[2100];
	memcpy(longrules, "GFPSHIM_FAIL=", 13);
	memset(longrules + 13, 'a', sizeof(longrules) - 14);
	longrules[sizeof(longrules) - 1] = '\0';
	struct gfp_error err;
	const char *entries[] = { longrules, NULL };
	env = entries;
	assert_int_equal(options_load(&opts, env_get, entries, &err), -1);
	assert_string_equal(err.msg, "GFPSHIM_FAIL=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			    "aaaaaaaaaaaaaaaa...: 2086 characters; expected rules of at most 2047");
}

static void test_scalar_options(void **state)
{
	(void)state;
	load1("GFPSHIM_SEED=42");
	assert_true(opts.seed_set);
	assert_int_equal(opts.seed, 42);
	load1("GFPSHIM_SEED=0xFFFFFFFFFFFFFFFF");
	assert_int_equal(opts.seed, UINT64_MAX);
	load1_fails("GFPSHIM_SEED=-1",
		    "GFPSHIM_SEED=-1: expected an integer from 0 to 18446744073709551615");
	load1_fails("GFPSHIM_SEED=0x1FFFFFFFFFFFFFFFF",
		    "GFPSHIM_SEED=0x1FFFFFFFFFFFFFFFF: expected an integer from 0 to "
		    "18446744073709551615");
	load1_fails("GFPSHIM_SEED=0x",
		    "GFPSHIM_SEED=0x: expected an integer from 0 to 18446744073709551615");

	load1("GFPSHIM_VERBOSE=2");
	assert_int_equal(opts.verbose, 2);
	load1_fails("GFPSHIM_VERBOSE=3", "GFPSHIM_VERBOSE=3: expected an integer from 0 to 2");

	load1("GFPSHIM_STATS=on");
	assert_true(opts.stats);
	load1("GFPSHIM_INHERIT=yes");
	assert_true(opts.inherit);
	load1("GFPSHIM_TIMESTAMPS=1");
	assert_true(opts.timestamps);
	load1("GFPSHIM_STRICT_KMALLOC=TRUE");
	assert_true(opts.strict_kmalloc);
	load1_fails("GFPSHIM_STATS=maybe",
		    "GFPSHIM_STATS=maybe: expected 1 or 0 (also yes/no, true/false, on/off)");
	load1_fails("GFPSHIM_INHERIT=2",
		    "GFPSHIM_INHERIT=2: expected 1 or 0 (also yes/no, true/false, on/off)");

	load1("GFPSHIM_OOM=kill");
	assert_int_equal(opts.oom, OOM_KILL);
	load1("GFPSHIM_OOM=abort");
	assert_int_equal(opts.oom, OOM_ABORT);
	load1_fails("GFPSHIM_OOM=panic", "GFPSHIM_OOM=panic: expected one of null, kill, abort");
	load1("GFPSHIM_RATELIMIT=off");
	assert_int_equal(opts.ratelimit, RATELIMIT_OFF);
	load1_fails("GFPSHIM_RATELIMIT=Kernel",
		    "GFPSHIM_RATELIMIT=Kernel: expected one of kernel, off");
	load1("GFPSHIM_FAULT_REPORT=kernel");
	assert_int_equal(opts.fault_report, FAULT_REPORT_KERNEL);
	load1_fails("GFPSHIM_FAULT_REPORT=short",
		    "GFPSHIM_FAULT_REPORT=short: expected one of full, kernel");

	load1("GFPSHIM_LOG=fd:3");
	assert_string_equal(opts.log, "fd:3");
	load1("GFPSHIM_LOG=/tmp/gfpshim.log");
	assert_string_equal(opts.log, "/tmp/gfpshim.log");
	load1_fails("GFPSHIM_LOG=fd:x", "GFPSHIM_LOG=fd:x: expected fd:N with N from 0 to 1023");
	load1_fails("GFPSHIM_LOG=fd:1024",
		    "GFPSHIM_LOG=fd:1024: expected fd:N with N from 0 to 1023");
	load1("GFPSHIM_SNAPSHOT=/tmp/heap.txt");
	assert_string_equal(opts.snapshot, "/tmp/heap.txt");
	char longpath[300] = "GFPSHIM_SNAPSHOT=/";
	memset(longpath + 18, 'p', 280);
	longpath[298] = '\0';
	char want[600];
	/* the value is cut to 60 characters in the message */
	snprintf(want, sizeof(want), "%.*s...: 281 characters; expected a path of at "
		 "most 255", 18 + 59, longpath);
	load1_fails(longpath, want);

	load1("GFPSHIM_COMM=AiApp");
	assert_string_equal(opts.comm, "AiApp");
	load1("GFPSHIM_COMM=kworker/0:0");
	assert_string_equal(opts.comm, "kworker/0:0");
	load1_fails("GFPSHIM_COMM=a-name-too-long-for-comm",
		    "GFPSHIM_COMM=a-name-too-long-for-comm: 24 characters; expected a task "
		    "name of at most 15");
	load1_fails("GFPSHIM_COMM=tab\there",
		    "GFPSHIM_COMM=tab\there: control characters; expected a printable task name");
}

static void test_unknown_names(void **state)
{
	(void)state;
	load1_fails("GFPSHIM_SEEED=1", "GFPSHIM_SEEED=1: unknown variable; did you mean "
		    "GFPSHIM_SEED?");
	load1_fails("GFPSHIM_MALOC_GFP=GFP_ATOMIC",
		    "GFPSHIM_MALOC_GFP=GFP_ATOMIC: unknown variable; did you mean "
		    "GFPSHIM_MALLOC_GFP?");
	load1_fails("GFPSHIM_PROFIEL=default",
		    "GFPSHIM_PROFIEL=default: unknown variable; did you mean GFPSHIM_PROFILE?");
	load1_fails("gfpshim_mem=1G", "gfpshim_mem=1G: unknown variable; did you mean "
		    "GFPSHIM_MEM?");
	load1_fails("GFPSHIM_RATELIMITS=off",
		    "GFPSHIM_RATELIMITS=off: unknown variable; did you mean GFPSHIM_RATELIMIT?");
	load1_fails("GFPSHIM_WHATEVER=1",
		    "GFPSHIM_WHATEVER=1: unknown variable; expected one of GFPSHIM_PROFILE, "
		    "GFPSHIM_KERNEL, GFPSHIM_MEM, GFPSHIM_CMA, GFPSHIM_CPUS, "
		    "GFPSHIM_MALLOC_GFP, GFPSHIM_STRICT_KMALLOC, GFPSHIM_FAIL, GFPSHIM_SEED, "
		    "GFPSHIM_INHERIT, GFPSHIM_OOM, GFPSHIM_FAULT_REPORT, GFPSHIM_LOG, GFPSHIM_RATELIMIT, "
		    "GFPSHIM_TIMESTAMPS, GFPSHIM_COMM, GFPSHIM_STATS, GFPSHIM_SNAPSHOT, "
		    "GFPSHIM_CRASH_TRACE, GFPSHIM_VERBOSE");

	/* other variables, and names merely starting alike, are not ours */
	const char *others[] = { "GFPSHIMX=1", "GFP=2", "MY_GFPSHIM_MEM=3", NULL };
	loads(others);
	/* without envp there is no name check */
	struct gfp_error err;
	const char *typo[] = { "GFPSHIM_SEEED=1", NULL };
	env = typo;
	assert_int_equal(options_load(&opts, env_get, NULL, &err), 0);
}

static void test_first_bad_wins(void **state)
{
	const char *entries[] = { "GFPSHIM_OOM=panic", "GFPSHIM_MEM=12Q", NULL };
	(void)state;
	/* machine options are read first, in table order */
	load_fails(entries, "GFPSHIM_MEM=12Q: \"12Q\" is not a size; expected a number of "
		   "bytes with an optional unit K, M, G or T (powers of 1024), such as 512M, "
		   "3.5G or 65536");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_machine_options),
		cmocka_unit_test(test_machine_options_bad),
		cmocka_unit_test(test_gfp_option),
		cmocka_unit_test(test_fail_option),
		cmocka_unit_test(test_scalar_options),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_first_bad_wins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
