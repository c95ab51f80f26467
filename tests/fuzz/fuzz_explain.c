/* The log reader through explain: every report of the log explained, in
 * text and in JSON.  The JSON must be one well-formed object. */
#include "base/sbuf.h"
#include "diagnose/explain.h"
#include "diagnose/logparse.h"
#include "fuzz.h"
#include "json_check.h"

#define OUT_CAP (256u << 10)
#define REPORTS_MAX 16          /* explaining more finds nothing new */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct explanation ex;
	static char out[OUT_CAP];
	struct gfp_error err = { { 0 } };
	struct log *log = log_parse((const char *)data, size, &err);

	if (!log)
		return 0;
	for (unsigned i = 0; i < log->nr_reports && i < REPORTS_MAX; i++) {
		struct sbuf sb = SBUF_INIT(out, sizeof(out));
		FUZZ_ASSERT(explain_report(log, i, 0, &ex, &err) == 0,
			    "report %u of %u: %s", i, log->nr_reports, err.msg);
		explain_format_text(&ex, &sb);
		FUZZ_ASSERT(strlen(sb_str(&sb)) < sizeof(out), "text overran");
		struct sbuf js = SBUF_INIT(out, sizeof(out));
		explain_format_json(&ex, &js);
		const char *why = json_check(sb_str(&js));
		FUZZ_ASSERT(!why, "report %u: JSON %s: %.200s", i, why, sb_str(&js));
	}
	log_free(log);
	return 0;
}
