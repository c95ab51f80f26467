/* The GFPSHIM_FAIL grammar.  A rule that parses prints back (canonical
 * form) to text that parses to the same rule, which prints the same. */
#include "fuzz.h"
#include "fault/fault.h"

#define RULE_TEXT_MAX 4096

/* The configuration part of a rule, but `set`: that records which knobs
 * the text named, and the canonical form names the defaults too. */
static int same_rule(const struct fault_rule *a, const struct fault_rule *b)
{
	return a->probability == b->probability &&
	       a->interval == b->interval && a->times_init == b->times_init &&
	       a->space_init == b->space_init && a->min_order == b->min_order &&
	       a->max_order == b->max_order &&
	       a->ignore_gfp_wait == b->ignore_gfp_wait &&
	       a->ignore_gfp_highmem == b->ignore_gfp_highmem &&
	       a->stacktrace_depth == b->stacktrace_depth &&
	       a->verbose == b->verbose && a->sites == b->sites &&
	       a->gfp_require == b->gfp_require && a->gfp_absent == b->gfp_absent &&
	       a->gfp_exact_set == b->gfp_exact_set && a->gfp_exact == b->gfp_exact &&
	       a->gfp_valid == b->gfp_valid && !strcmp(a->caller, b->caller) &&
	       !strcmp(a->module, b->module) && !strcmp(a->comm, b->comm) &&
	       a->nth == b->nth && a->after == b->after && a->until == b->until &&
	       a->stack_unique == b->stack_unique &&
	       !strcmp(a->stack_file, b->stack_file);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fault_ctx ctx, again;
	static char text[RULE_TEXT_MAX], printed[RULE_TEXT_MAX],
		    reprinted[RULE_TEXT_MAX];
	char err[512];
	/* the first byte picks the kernel whose gfp names the rules use */
	unsigned nr_kv = 0;

	while (kver_supported[nr_kv])
		nr_kv++;
	if (!size)
		return 0;
	kver_t kv = kver_supported[data[0] % nr_kv];
	fuzz_text(data + 1, size - 1, text, sizeof(text));
	/* stack=unique:FILE creates FILE: anywhere, with a fuzzed name */
	if (strstr(text, "stack") && strchr(text, ':'))
		return 0;
	fault_ctx_init(&ctx, kv);
	if (fault_parse(&ctx, text, err, sizeof(err)) < 0) {
		FUZZ_ASSERT(ctx.nr_rules == 0, "a failed parse left %u rules",
			    ctx.nr_rules);
		return 0;
	}
	for (unsigned i = 0; i < ctx.nr_rules; i++) {
		size_t n = fault_rule_format(&ctx, i, printed, sizeof(printed));
		FUZZ_ASSERT(n < sizeof(printed), "rule %u prints %zu bytes", i, n);
		fault_ctx_init(&again, kv);
		FUZZ_ASSERT(fault_parse(&again, printed, err, sizeof(err)) == 0,
			    "'%s' (from '%s') does not parse: %s", printed, text, err);
		FUZZ_ASSERT(again.nr_rules == 1, "'%s' parses to %u rules",
			    printed, again.nr_rules);
		FUZZ_ASSERT(same_rule(&ctx.rule[i], &again.rule[0]),
			    "'%s' (from '%s') parses to another rule", printed, text);
		fault_rule_format(&again, 0, reprinted, sizeof(reprinted));
		FUZZ_ASSERT(!strcmp(printed, reprinted), "'%s' reprints as '%s'",
			    printed, reprinted);
		fault_ctx_release(&again);
	}
	fault_ctx_release(&ctx);
	return 0;
}
