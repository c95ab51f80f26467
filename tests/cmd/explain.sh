#!/bin/sh
# gfpshim explain: verdicts on the reference logs, JSON, stdin, problems
# reported by line, exit statuses.
. "${top_srcdir:-.}/tests/tap.sh"

GFPSHIM=${top_builddir:-.}/gfpshim
[ -x "$GFPSHIM" ] || skip_all "no $GFPSHIM"
LOGS=${top_srcdir:-.}/tests/data/logs
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

run() {
	"$GFPSHIM" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
has() { grep -qF -- "$1" "$tmp/out"; }
err_has() { grep -qF -- "$1" "$tmp/err"; }

run explain "$LOGS/seed000-csky-4.9-order10-atomic-comp-cma.log"
[ "$rc" = 0 ] && has "Verdict: only CMA left: every free block of order >= 10" &&
	has "usable 829 = free 62086 - CMA 60234 - order tail 1023" &&
	has "-> 230 after this request's reserve discounts" && has "dma_alloc_coherent"
ok $? "seed000: only CMA left, with the 4.9 numbers"

run explain "$LOGS/seed001-arm64-4.18-el8-order0-atomic-64k.log"
[ "$rc" = 0 ] && has "Verdict: the snapshot says it should have succeeded" &&
	has "min 8255 (low 8300, high 8345) -> 3096" && has "below the printed min watermark in every zone"
ok $? "seed001: atomic discounts, boost and the race stated"

run explain "$LOGS/seed002-arm64-5.4-android-order4-atomic-cma.log"
[ "$rc" = 0 ] && has "Verdict: only CMA left" && has "569 blocks" && has "kernel 5.4.125"
ok $? "seed002: only CMA left for order 4"

run explain "$LOGS/seed003-arm64-5.4-oom-highuser-movable-cma-64k.log"
[ "$rc" = 0 ] && has "OOM killer" && has "without CMA, DMA32 has 1396 free pages" &&
	has "oncealloc2 (10 processes, 19475 pages)" && has "make cma= smaller"
ok $? "seed003: OOM explained by CMA and the anon holder"

run explain --json "$LOGS/seed002-arm64-5.4-android-order4-atomic-cma.log"
[ "$rc" = 0 ] && has '"verdict":"cma-only"' && has '"usable":12320' && has '"problems":[]'
ok $? "--json carries the verdict and numbers"
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out"
	ok $? "--json output is valid JSON"
fi

"$GFPSHIM" explain - <"$LOGS/extra/seed002-syslog.log" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] && has "Verdict: only CMA left"
ok $? "syslog-prefixed log on standard input"

run explain "$LOGS/extra/seed000-buddy-cut.log"
[ "$rc" = 0 ] && has "Verdict: cannot tell" && has "line 29: buddy line of Normal is cut after order 4"
ok $? "a cut buddy line is reported with its line number"

run explain --kernel 6.6 --report 1 "$LOGS/seed002-arm64-5.4-android-order4-atomic-cma.log"
[ "$rc" = 0 ] && has "kernel 6.6: given with --kernel" && has "not how 6.6 numbers it"
ok $? "--kernel overrides the release and checks the mask's names"

run explain --kernel 2.4 "$LOGS/seed000-csky-4.9-order10-atomic-comp-cma.log"
[ "$rc" = 2 ] && err_has "--kernel '2.4'"
ok $? "bad --kernel exits 2"
run explain --frob "$LOGS/seed000-csky-4.9-order10-atomic-comp-cma.log"
[ "$rc" = 2 ] && err_has "unknown option '--frob'"
ok $? "unknown flag exits 2"
run explain --report 0 "$LOGS/seed000-csky-4.9-order10-atomic-comp-cma.log"
[ "$rc" = 2 ] && err_has "--report '0'"
ok $? "--report 0 exits 2"
run explain --report 2 "$LOGS/seed000-csky-4.9-order10-atomic-comp-cma.log"
[ "$rc" = 2 ] && err_has "holds 1 report"
ok $? "--report past the last exits 2"
run explain a.log b.log
[ "$rc" = 2 ] && err_has "one log at a time"
ok $? "two files exit 2"
run explain "$tmp/missing.log"
[ "$rc" = 1 ] && err_has "missing.log"
ok $? "a missing file exits 1"
printf 'nothing here\n' >"$tmp/empty.log"
run explain "$tmp/empty.log"
[ "$rc" = 1 ] && err_has "no page allocation failure"
ok $? "a log without reports exits 1"
run explain --help
[ "$rc" = 0 ] && has "Usage: gfpshim explain"
ok $? "--help"

done_testing
