#!/bin/sh
# Every fault knob through GFPSHIM_FAIL under the shim, with the requests
# it must fail (tests/preload/report_prog.c makes the requests: 4096 << o
# bytes for order o ≥ 2 are kmalloc_large pages, 16 KiB is order 2), and
# the report each injected failure prints.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/preload/report_env.sh"
PROG=$BUILD/tests/preload/report_prog
T=${TMPDIR:-/tmp}/gfpshim-knobs.$$
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT

# run RULES ARGS…: stdout of the program in $T/out, reports in $T/err
run() {
	rules=$1; shift
	GFPSHIM_FAIL=$rules shim "$PROG" "$@" >"$T/out" 2>"$T/err"
}
failed() { sed -n 's/^failed: *//p' "$T/out"; }
expect_failed() {
	desc=$1 want=$2; shift 2
	run "$@"
	got=$(failed)
	[ "$got" = "$want" ]
	ok $? "$desc: fails [$want] (got [$got])"
}
count() { grep -c "$1" "$T/err"; }

# min-order=4: every order ≥ 4 request and nothing else
run min-order=4,probability=100 orders
check "min-order=4: orders 0-3 succeed" -- \
	test "$(grep -c ': ok$' "$T/out")" = 4
check "min-order=4: orders 4-10 fail" -- \
	test "$(grep ': fail$' "$T/out" | tr -d '\n')" = "order 4: failorder 5: failorder 6: failorder 7: failorder 8: failorder 9: failorder 10: fail"
check "min-order=4: one FAULT_INJECTION notice per failure" -- \
	test "$(count '^FAULT_INJECTION: forcing a failure\.$')" = 7
check "min-order=4: fail_dump's attribute line" -- \
	test "$(count '^name fail_page_alloc, interval 1, probability 100, space 0, times -1$')" = 7
check "min-order=4: the rule that fired, in canonical form" -- \
	test "$(count '^gfpshim: GFPSHIM_FAIL rule 1 fired: min-order=4,probability=100,times=-1$')" = 7
check "min-order=4: verbose=2 dumps the stack with the program's frames" -- \
	test "$(count '^ main+0x[0-9a-f]*/0x[0-9a-f]*$')" = 7
check "min-order=4: the first failure's warn_alloc report follows the rule" -- \
	test "$(sed -n '3,4p' "$T/err" | cut -c1-52)" = "gfpshim: GFPSHIM_FAIL rule 1 fired: min-order=4,prob
report_prog: page allocation failure: order:4, mode:"
check "min-order=4: Mem-Info and the buddy lines after it" -- \
	test "$(count '^Mem-Info:$')" -ge 1 -a "$(count '^Node 0 Normal: .* = [0-9]*kB$')" -ge 1

# the full report: every failure with GFPSHIM_RATELIMIT=off, one stack each
GFPSHIM_RATELIMIT=off run min-order=4 orders
check "full report: a page allocation failure per injected failure" -- \
	test "$(count '^report_prog: page allocation failure: order:\([4-9]\|10\), mode:0x[0-9a-f]*(GFP_KERNEL|__GFP_COMP)')" = 7
check "full report: Mem-Info for each" -- test "$(count '^Mem-Info:$')" = 7
check "full report: the stack once per failure, in warn_alloc's dump_stack" -- \
	test "$(count 'Call [Tt]race:')" = 7 -a "$(count '^CPU: ')" = 7
GFPSHIM_RATELIMIT=off run site=slab orders
check "full report, slab: the slab page's report, then slab_out_of_memory" -- \
	test "$(count '^report_prog: page allocation failure: order:[0-9]')" = 2 -a \
	     "$(count '^SLUB: Unable to allocate memory')" = 2
GFPSHIM_RATELIMIT=off run site=mmap,nth=1 mmapfill 65536
check "full report, anonymous mmap: an order-0 user page's report" -- \
	grep -q '^report_prog: page allocation failure: order:0, mode:0x[0-9a-f]*(GFP_HIGHUSER_MOVABLE' "$T/err"

# GFPSHIM_FAULT_REPORT=kernel: fail_dump's lines only, as the kernel
GFPSHIM_FAULT_REPORT=kernel run min-order=4 orders
check "fault-report=kernel: the FAULT_INJECTION notices" -- \
	test "$(count '^FAULT_INJECTION: forcing a failure\.$')" = 7
check "fault-report=kernel: no page allocation failure after fail_page_alloc" -- \
	test "$(count 'page allocation failure')" = 0 -a "$(count '^Mem-Info')" = 0
check "fault-report=kernel: fail_dump's own stack" -- \
	test "$(count 'Call [Tt]race:')" = 7

run min-order=4,max-order=6 orders
check "max-order=6: only orders 4-6 fail" -- \
	test "$(grep ': fail$' "$T/out" | tr -d '\n')" = "order 4: failorder 5: failorder 6: fail"

run site=slab orders
check "site=slab: the slab sizes (orders 0, 1) fail, pages do not" -- \
	test "$(grep ': fail$' "$T/out" | tr -d '\n')" = "order 0: failorder 1: fail"
check "site=slab: failslab's attribute line" -- \
	test "$(count '^name failslab, ')" = 2

expect_failed "nth=3 alone" "3" nth=3 count 10 64
expect_failed "nth=3 among order-2 requests" "3" nth=3,min-order=2 count 10 16384
check "nth=3: the report names the matching request" -- \
	grep -q '^gfpshim: GFPSHIM_FAIL rule 1 fired on its matching request 3: ' "$T/err"
expect_failed "times=2" "1 2" times=2,min-order=2 count 10 16384
expect_failed "interval=3" "3 6 9 12" interval=3,min-order=2 count 12 16384
expect_failed "after=2,until=4" "3 4" after=2,until=4,min-order=2 count 10 16384
# space: 40 pages, debited while it exceeds the request (4 pages each)
expect_failed "space=40 lets nine order-2 requests through" "10 11 12" \
	space=40,min-order=2 count 12 16384
expect_failed "probability=0 fails nothing" "" probability=0 count 20 16384
expect_failed "comm= that does not match" "" comm=nothing count 5 16384
expect_failed "comm= that matches" "1 2 3 4 5" comm=report_pr* count 5 16384

# gfp filters and the ignore-gfp knobs against malloc's mask
GFPSHIM_MALLOC_GFP=GFP_ATOMIC expect_failed "ignore-gfp-wait=Y spares nothing without direct reclaim" \
	"1 2 3" ignore-gfp-wait=Y,min-order=2 count 3 16384
expect_failed "ignore-gfp-wait=Y spares GFP_KERNEL" "" ignore-gfp-wait=Y,min-order=2 count 3 16384
expect_failed "gfp=+__GFP_HIGH does not match GFP_KERNEL" "" gfp=+__GFP_HIGH,min-order=2 count 3 16384
GFPSHIM_MALLOC_GFP=GFP_ATOMIC expect_failed "gfp=+__GFP_HIGH matches GFP_ATOMIC" \
	"1 2 3" gfp=+__GFP_HIGH,min-order=2 count 3 16384
GFPSHIM_MALLOC_GFP='GFP_KERNEL|__GFP_NOFAIL' expect_failed "__GFP_NOFAIL is never failed" \
	"" min-order=2 count 3 16384

# probability: seeded and reproducible, different seeds differ
GFPSHIM_SEED=11 run probability=50,min-order=2 count 400 16384; a=$(failed)
GFPSHIM_SEED=11 run probability=50,min-order=2 count 400 16384; b=$(failed)
GFPSHIM_SEED=12 run probability=50,min-order=2 count 400 16384; c=$(failed)
n=$(echo $a | wc -w)
check "probability=50: about half of 400 fail ($n)" -- test "$n" -gt 140 -a "$n" -lt 260
check "GFPSHIM_SEED repeats the same failures" -- test "$a" = "$b"
check "another seed fails other requests" -- test "$a" != "$c"

# caller=: only the named function's requests
run caller=from_a callers 5 100
check "caller=from_a fails all five from_a requests" -- grep -qx 'a: 5' "$T/out"
check "caller=from_a spares from_b" -- grep -qx 'b: 0' "$T/out"
run caller=from_b,min-order=2 callers 4 16384
check "caller=from_b,min-order=2 fails only from_b" -- \
	test "$(tr '\n' ' ' <"$T/out")" = "a: 0 b: 4 "

# stack=unique: each call site once, across two runs
rm -f "$T/stacks"
run "stack=unique:$T/stacks,min-order=2" sites 4 16384
check "stack=unique, first run: each of three sites fails once" -- \
	test "$(tr '\n' ' ' <"$T/out")" = "site1: 1 site2: 1 site3: 1 "
run "stack=unique:$T/stacks,min-order=2" sites 4 16384
check "stack=unique, second run: no site fails again" -- \
	test "$(tr '\n' ' ' <"$T/out")" = "site1: 0 site2: 0 site3: 0 "

# verbose: 0 prints nothing, 1 the notice without a stack
run min-order=4,verbose=0 orders
check "verbose=0: failures without a word" -- \
	test "$(grep -c ': fail$' "$T/out")" = 7 -a ! -s "$T/err"
GFPSHIM_FAULT_REPORT=kernel run min-order=4,verbose=1 orders
check "verbose=1: notices without a stack" -- \
	test "$(count '^FAULT_INJECTION')" = 7 -a "$(count 'Call [Tt]race:')" = 0
GFPSHIM_RATELIMIT=off run min-order=4,verbose=1 orders
check "verbose=1, full report: the stack is warn_alloc's alone" -- \
	test "$(count '^FAULT_INJECTION')" = 7 -a "$(count 'Call [Tt]race:')" = 7
GFPSHIM_MALLOC_GFP='GFP_KERNEL|__GFP_NOWARN' run min-order=4 orders
check "__GFP_NOWARN: injected failures are silent" -- \
	test "$(grep -c ': fail$' "$T/out")" = 7 -a ! -s "$T/err"

# two rules: the first that fires decides
run "nth=2,min-order=2;times=1,min-order=2" count 4 16384
check "two rules: the second takes the first request, the first its nth" -- \
	test "$(failed)" = "1 2"
check "two rules: each report names its rule" -- \
	test "$(count 'GFPSHIM_FAIL rule 2 fired')" = 1 -a "$(count 'GFPSHIM_FAIL rule 1 fired')" = 1
done_testing
