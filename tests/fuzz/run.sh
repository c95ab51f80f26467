#!/bin/sh
# make fuzz: run each libFuzzer harness (build.sh built them in OUTDIR)
# for SECONDS, starting from its seeds, its regression inputs and the
# corpus of earlier runs (OUTDIR/corpus/NAME).  A crash is left in
# OUTDIR/NAME-crash-* for tests/fuzz/regress/NAME; the status is then 1.
#   run.sh OUTDIR SECONDS [NAME...]
set -u
out=$1 secs=$2; shift 2
top_srcdir=${top_srcdir:-.}
. "$top_srcdir/tests/fuzz/corpora.sh"
[ $# -gt 0 ] || set -- $FUZZ_HARNESSES
status=0
for h in "$@"; do
	seeds=$out/seeds/$h corpus=$out/corpus/$h
	rm -rf "$seeds"
	mkdir -p "$seeds" "$corpus"
	for f in $(seeds_of "$h"); do
		cp "$f" "$seeds/$(echo "$f" | tr / _)"
	done
	[ -d "$top_srcdir/tests/fuzz/regress/$h" ] &&
		cp "$top_srcdir/tests/fuzz/regress/$h"/* "$seeds/"
	# -rss_limit_mb: a log is mapped whole; booting a replayed node maps
	# its mem_map
	"$out/fuzz_$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 \
		-print_final_stats=1 -artifact_prefix="$out/$h-" \
		"$corpus" "$seeds" >"$out/$h.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$h.log")
	cov=$(grep -E '^#[0-9]+' "$out/$h.log" | tail -1 |
	      sed -n 's/.*\(cov: [0-9]*\).*\(ft: [0-9]*\).*/\1 \2/p')
	echo "fuzz $h: ${secs}s, ${execs:-?} exec/s, ${cov:-no coverage line}, status $rc"
	if [ $rc != 0 ]; then
		grep -E 'ERROR|runtime error|SUMMARY|fuzz:|Test unit' "$out/$h.log" | head -5
		status=1
	fi
done
exit $status
