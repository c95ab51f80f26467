#!/bin/sh
# gfpshim replay: heaps rebuilt from the seed logs answer --check as the
# kernel did (numbers from the logs), an inferred machine equals the
# built-in profile of the same board, a program runs on the rebuilt heap
# under the shim, and every bad flag or input exits 2 naming it.
. "${top_srcdir:-.}/tests/tap.sh"

GFPSHIM=${top_builddir:-.}/gfpshim
LOGS=${top_srcdir:-.}/tests/data/logs
[ -x "$GFPSHIM" ] || skip_all "no $GFPSHIM"
unset GFPSHIM_KERNEL GFPSHIM_PROFILE GFPSHIM_FAIL GFPSHIM_SNAPSHOT
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

run() {
	"$GFPSHIM" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

has() {
	printf '%s' "$out" | grep -qF -- "$1"
}

usage() {
	_d=$1 _p=$2; shift 2
	run "$@"
	[ "$rc" = 2 ] && printf '%s' "$err" | grep -qF -- "$_p"
	ok $? "$_d"
	[ "$rc" = 2 ] || printf '# exit %s: %s\n' "$rc" "$err"
	printf '%s' "$err" | grep -qF -- "$_p" || printf '# stderr: %s\n' "$err"
}

log0=$LOGS/seed000-csky-4.9-order10-atomic-comp-cma.log
log2=$LOGS/seed002-arm64-5.4-android-order4-atomic-cma.log

# --- seed002: order 4 GFP_ATOMIC fails beside 570 MB of free CMA ----------
run replay "$log2" --check 4 GFP_ATOMIC
check "seed002 order 4 GFP_ATOMIC fails (exit 1)" -- [ "$rc" = 1 ]
check "  on the board's built-in profile" -- has "machine: built-in profile amlogic-5.4"
check "  report line read" -- has "order:4, mode:0xa20(GFP_ATOMIC)"
# the zone line: min:10240kB = 2560 pages; GFP_ATOMIC's discounts
# (ALLOC_HIGH: -1/2, ALLOC_HARDER: -1/4) leave 960
check "  watermark 2560, 960 after discounts" -- \
	has "watermark 2560 pages, 960 after the request's discounts, lowmem_reserve 0"
# free_cma:583960kB is unusable to an unmovable request
check "  CMA 145990 pages unusable" -- has "unusable: CMA 145990 (the request is not movable)"
check "  no non-CMA block of order 4" -- \
	has "free blocks of order >= 4: Unmovable 0, Movable 0, Reclaimable 0, HighAtomic 0, CMA "
check "  verdict" -- has "verdict: fails: page allocation failure: order:4, mode:0xa20(GFP_ATOMIC)"

run replay "$log2" --check 4 GFP_HIGHUSER_MOVABLE
check "seed002 order 4 GFP_HIGHUSER_MOVABLE succeeds (exit 0)" -- [ "$rc" = 0 ]
check "  from a CMA pageblock" -- has "a CMA pageblock"
check "  ALLOC_CMA on the fast path" -- has "fast path: ALLOC_WMARK_LOW|ALLOC_CMA"

run replay "$log2" --check 4 0xa20
check "a numeric mask reads as the log's kernel numbers it" -- [ "$rc" = 1 ]
check "  prints 'mode:0xa20(GFP_ATOMIC) on 5.4.125'" -- has "mode:0xa20(GFP_ATOMIC) on 5.4.125"

# --- seed000: order 10 GFP_ATOMIC|__GFP_COMP fails beside 58 CMA blocks ----
run replay "$log0" --check 10 'GFP_ATOMIC|__GFP_COMP'
check "seed000 order 10 GFP_ATOMIC|__GFP_COMP fails (exit 1)" -- [ "$rc" = 1 ]
check "  4.9 mask" -- has "mode:0x2084020(GFP_ATOMIC|__GFP_COMP) on 4.9.56"
# min:2444kB = 611 pages; free:248344kB, free_cma:240936kB
check "  watermark 611 pages" -- has "watermark 611 pages, 230 after the request's discounts"
check "  free 62086, CMA 60234" -- has "free 62086 pages; unusable: CMA 60234"
check "  58 free order-10 CMA blocks" -- has "CMA 58"
check "  rmqueue finds no Unmovable block" -- has "rmqueue found no block of order >= 10 on the Unmovable list"
run replay "$log0" --check 10 GFP_HIGHUSER_MOVABLE
check "seed000 order 10 movable succeeds from CMA" -- [ "$rc" = 0 ]
check "  prints 'a CMA pageblock'" -- has "a CMA pageblock"
run replay "$log0" --check 11 GFP_KERNEL
check "order 11 on 4.9: no report, WARN (exit 1)" -- [ "$rc" = 1 ]
check "  prints 'not below NR_PAGE_ORDERS (11)'" -- has "not below NR_PAGE_ORDERS (11)"

# --- an inferred machine equals the built-in profile of the board --------
sed 's/5\.4\.125-android11-2-g6d2ca40337f4-dirty-ab2800/5.4.125-other/' "$log2" >"$tmp/other.log"
run replay "$tmp/other.log" --check 4 GFP_ATOMIC -v
check "inferred machine: same verdict (exit 1)" -- [ "$rc" = 1 ]
check "  said to be inferred" -- has "machine: inferred from the log"
check "  arm64 from the Call trace" -- has "arch = arm64"
check "  zones from lowmem_reserve's 3 columns" -- has "zones = DMA32 Normal Movable"
check "  DMA32 present/managed" -- has "zone = DMA32 0 3584M reserved=87480K"
check "  CMA 242688 pages where the profile has it" -- has "cma = reserved:948M@2636M"
check "  min_free_kbytes from min:10240kB" -- has "min_free_kbytes = 10240"
check "  the buddy line as initial state" -- \
	has "initial.buddy = DMA32: 1587*4kB (UMEC) 1959*8kB (UMEC)"
run replay "$tmp/other.log" --kernel 5.10 --check 4 GFP_ATOMIC
check "--kernel over the log's release" -- has "kernel 5.10 (--kernel)"
check "  prints 'on 5.10'" -- has "on 5.10"
# no dump_stack line: the version the mask's names fit (0xa20 named
# GFP_ATOMIC is 5.x before 6.3)
grep -v '^CPU: ' "$tmp/other.log" >"$tmp/norelease.log"
run replay "$tmp/norelease.log" --check 4 GFP_ATOMIC
check "no release: the kernel the mask fits" -- [ "$rc" = 1 ]
check "  prints 'kernel 5.'" -- has "kernel 5."
check "  prints 'mode GFP_ATOMIC fits'" -- has "mode GFP_ATOMIC fits"
check "  said how" -- has "kernel 5.4 (mode GFP_ATOMIC fits only 5.4)"

# --- the profile and snapshot it writes ------------------------------------
run replay "$log2" --save-profile "$tmp/board.conf"
check "--save-profile writes a profile" -- [ "$rc" = 0 ]
check "  the file has the zone line" -- grep -q '^initial.zone = DMA32 free:633300kB' "$tmp/board.conf"
run replay "$log2" --save-snapshot "$tmp/board.snap"
run map "$tmp/board.snap" --text
check "--save-snapshot: 237 CMA pageblocks, 145990 free CMA pages" -- \
	sh -c 'printf "%s\n" "$1" | grep -Eq "^CMA +237 +583960 +145990 "' - "$out"

# --- a program on the rebuilt heap, under the shim --------------------------
if [ -e "${top_builddir:-.}/.libs/libgfpshim.so" ]; then
	GFPSHIM_LIBRARY=${top_builddir:-.}/.libs/libgfpshim.so
	export GFPSHIM_LIBRARY
	"$GFPSHIM" replay "$log2" -- \
		sh -c 'echo "$GFPSHIM_PROFILE"; exit 7' >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "the program's exit status (7)" -- [ "$rc" = 7 ]
	check "the header goes to stderr" -- grep -q "machine: built-in profile amlogic-5.4" "$tmp/err"
	check "GFPSHIM_PROFILE names the written profile" -- grep -q 'replay.conf$' "$tmp/out"
	check "the profile is removed afterwards" -- [ ! -e "$(cat "$tmp/out")" ]
	# true exits through exit(), so the shim writes its exit snapshot
	GFPSHIM_SNAPSHOT=$tmp/run.snap "$GFPSHIM" replay "$log2" -- true 2>/dev/null
	run map "$tmp/run.snap" --text
	check "the shim booted the board's heap (237 CMA pageblocks)" -- \
		sh -c 'printf "%s\n" "$1" | grep -Eq "^CMA +237 "' - "$out"
	check "  machine amlogic-5.4, 3.5G" -- has "machine amlogic-5.4, arm64 5.4.125"
	unset GFPSHIM_LIBRARY
else
	ok 1 "libgfpshim.so built"
fi

# --- bad flags and inputs --------------------------------------------------
usage "no LOG" "expected a LOG" replay
usage "no action" "expected --check ORDER GFP, -- PROGRAM" replay "$log2"
usage "unknown option" "unknown option '--frobnicate'" replay "$log2" --frobnicate
usage "--check without GFP" "--check: expected ORDER and GFP" replay "$log2" --check 4
usage "--check bad order" "--check ORDER 'four'" replay "$log2" --check four GFP_ATOMIC
usage "--check bad mask" "--check GFP" replay "$log2" --check 4 GFP_BANANA
usage "--check and a program" "--check and a PROGRAM" replay "$log2" --check 4 GFP_ATOMIC -- true
usage "-- without a program" "--: expected a PROGRAM" replay "$log2" --
usage "--report 0" "--report '0'" replay "$log2" --report 0 --check 4 GFP_ATOMIC
usage "--report beyond the log" "--report 3: the log has 1 report" replay "$log2" --report 3 --check 4 GFP_ATOMIC
usage "--kernel 2.6" "--kernel '2.6'" replay "$log2" --kernel 2.6 --check 4 GFP_ATOMIC
usage "--profile unknown" "nosuch-profile" replay "$log2" --profile nosuch-profile --check 4 GFP_ATOMIC
usage "--profile of another machine" "initial.zone: zone line: expected \"<Zone> free:" \
	replay "$log2" --profile csky-4.9-usb-gadget --check 4 GFP_ATOMIC
usage "missing LOG" "no-such.log" replay "$tmp/no-such.log" --check 4 GFP_ATOMIC
printf 'hello\n' >"$tmp/empty.log"
usage "a log without reports" "no report in the log" replay "$tmp/empty.log" --check 4 GFP_ATOMIC
usage "two LOGs" "one LOG only" replay "$log2" "$log0" --check 4 GFP_ATOMIC
head -n 20 "$log2" >"$tmp/cut.log"
usage "a report without its buddy line" "has a buddy line" replay "$tmp/cut.log" --check 4 GFP_ATOMIC

done_testing
