#!/bin/sh
# gfpshim map: the SVG is well-formed and its counts equal the snapshot's
# and the log's; --text is checked exactly on a tiny machine; every bad
# flag or input exits 2 naming it.
. "${top_srcdir:-.}/tests/tap.sh"

GFPSHIM=${top_builddir:-.}/gfpshim
LOGS=${top_srcdir:-.}/tests/data/logs
DATA=${top_srcdir:-.}/tests/data/map
[ -x "$GFPSHIM" ] || skip_all "no $GFPSHIM"
unset GFPSHIM_KERNEL GFPSHIM_PROFILE
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

run() {
	"$GFPSHIM" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

usage() {
	_d=$1 _p=$2; shift 2
	run "$@"
	[ "$rc" = 2 ] && printf '%s' "$err" | grep -qF -- "$_p"
	ok $? "$_d"
	[ "$rc" = 2 ] || printf '# exit %s: %s\n' "$rc" "$err"
	printf '%s' "$err" | grep -qF -- "$_p" || printf '# stderr: %s\n' "$err"
}

# cells NAME FILE: pageblock cells of a migratetype in an SVG
cells() {
	grep -o "class=\"pb mt-$1\"" "$2" | wc -l | tr -d ' '
}
# attr NAME FILE: a data-* attribute of the root element
attr() {
	sed -n "s/.* data-$1=\"\([0-9]*\)\".*/\1/p" "$2" | head -n 1
}

# --- seed002's board at boot, from its /proc/pagetypeinfo ----------------
pti=$LOGS/seed002-pagetypeinfo.txt
run map "$pti" --profile amlogic-5.4 -o "$tmp/pti.svg"
ok "$rc" "map a pagetypeinfo dump on the amlogic profile"
if command -v xmllint >/dev/null 2>&1; then
	check "the SVG is well-formed (xmllint)" -- xmllint --noout "$tmp/pti.svg"
else
	ok 1 "xmllint is installed (libxml2-utils)"
fi
# the pageblock counts the kernel printed: Unmovable 150, Movable 495,
# Reclaimable 14, CMA 237
check "150 Unmovable cells" -- [ "$(cells unmovable "$tmp/pti.svg")" = 150 ]
check "495 Movable cells" -- [ "$(cells movable "$tmp/pti.svg")" = 495 ]
check "14 Reclaimable cells" -- [ "$(cells reclaimable "$tmp/pti.svg")" = 14 ]
check "237 CMA cells" -- [ "$(cells cma "$tmp/pti.svg")" = 237 ]
check "no HighAtomic or Isolate cell" -- \
	[ "$(cells highatomic "$tmp/pti.svg")$(cells isolate "$tmp/pti.svg")" = 00 ]
check "<desc> gives the same pageblocks" -- grep -q \
	'<desc>pageblocks: Unmovable=150 Movable=495 Reclaimable=14 HighAtomic=0 CMA=237 Isolate=0;' \
	"$tmp/pti.svg"
# free pages per type, summed from the dump's rows (count << order)
for t in Unmovable Movable Reclaimable CMA; do
	want=$(awk -v t="$t" '$0 ~ "^Node.*type +" t " " {
		n = 0; for (i = NF - 10; i <= NF; i++) n += $i * 2 ^ (i - NF + 10);
		print n }' "$pti")
	lc=$(echo "$t" | tr 'A-Z' 'a-z')
	check "free $t pages = the dump's ($want)" -- [ "$(attr "free-$lc" "$tmp/pti.svg")" = "$want" ]
done
# the cells' free pages add up to the totals
sum_cells=$(grep -o 'data-free="[0-9]*"' "$tmp/pti.svg" | tr -dc '0-9\n' | awk '{ s += $1 } END { print s }')
sum_types=0
for t in unmovable movable reclaimable highatomic cma isolate; do
	sum_types=$((sum_types + $(attr "free-$t" "$tmp/pti.svg")))
done
check "cells' free pages ($sum_cells) = the types' ($sum_types)" -- [ "$sum_cells" = "$sum_types" ]
check "CMA area outlined" -- grep -q 'class="cma-area" d="M' "$tmp/pti.svg"
check "zone boundary labelled" -- grep -q 'class="zone-label" x="4" y="[0-9]*">DMA32: pfn 0x0-0xe0000' "$tmp/pti.svg"

# --- a snapshot written by replay, drawn, equals the log-drawn map ---------
log2=$LOGS/seed002-arm64-5.4-android-order4-atomic-cma.log
run replay "$log2" --save-snapshot "$tmp/s2.snap"
ok "$rc" "replay --save-snapshot"
run map "$tmp/s2.snap" -o "$tmp/snap.svg" --title same
ok "$rc" "map a snapshot file"
run map "$log2" -o "$tmp/log.svg" --title same
check "the snapshot's SVG equals the log's" -- cmp -s "$tmp/snap.svg" "$tmp/log.svg"
# the report's free_cma (583960kB) and buddy total (633204kB)
check "free CMA pages = the log's free_cma/4" -- [ "$(attr free-cma "$tmp/snap.svg")" = 145990 ]
check "896 pageblocks (3.5G of 4M)" -- [ "$(attr pageblocks "$tmp/snap.svg")" = 896 ]
run map "$tmp/s2.snap" --text
total=$(printf '%s\n' "$out" | awk '$1 == "total" { print $3 }')
check "--text total free = the buddy line's 633204kB" -- [ "$total" = 633204 ]

# --- --text, exactly, on a tiny machine ----------------------------------
run map "$DATA/tiny-pagetypeinfo.txt" --profile "$DATA/tiny.conf" --text --cols 4 --title tiny
want='tiny
machine tiny, x86_64 5.10.0, 4 kB pages, pageblock order 9 (2048 kB), 12 pageblocks
one character per pageblock: U Unmovable M Movable E Reclaimable H HighAtomic C CMA I Isolate;
upper case: at least half free, lower case: less than half free, '"'-'"': no managed frame

== DMA32: pfn 0x0-0x1000, present 16384 kB, managed 15360 kB, free 5156 kB (CMA 2048 kB of 4096 kB), min/low/high 736/920/1104 kB ==
0x0000000000 MMmu
0x0000800000 Ccum

== Normal: pfn 0x1000-0x1800, present 8192 kB, managed 8192 kB, free 4096 kB, min/low/high 392/488/584 kB ==
0x0001000000 MMmm

type         pageblocks      free kB   free pages    pcp pages
Unmovable             2           20            5            0
Movable               8         7184         1796            0
Reclaimable           0            0            0            0
HighAtomic            0            0            0            0
CMA                   2         2048          512            0
Isolate               0            0            0            0
total                12         9252         2313            0
frames: free 2313, pcp 0, slab 0, large 0, vm-area 0, user 0, allocated 3575, reserved 256, hole 0'
check "--text output of a tiny machine, exactly" -- [ "$rc" = 0 -a "$out" = "$want" ]
[ "$out" = "$want" ] || printf '%s\n' "$out" | sed 's/^/# /'
run map "$DATA/tiny-pagetypeinfo.txt" --profile "$DATA/tiny.conf" --text --cols 4 --color=always --title tiny
check "--color=always colours the CMA letter" -- \
	sh -c 'printf "%s" "$1" | grep -q "$(printf "\033\\[35mC")"' - "$out"

# --- the shim's snapshots: on a signal, and a bad GFPSHIM_SNAPSHOT --------
lib=${top_builddir:-.}/.libs/libgfpshim.so
if [ -e "$lib" ]; then
	GFPSHIM_PROFILE=csky-4.9-usb-gadget GFPSHIM_SNAPSHOT="$tmp/sig.snap,signal=USR2" \
		LD_PRELOAD=$lib sh -c 'kill -USR2 $$; kill -USR2 $$; :'
	check "SIGUSR2 writes FILE.1 and FILE.2" -- [ -s "$tmp/sig.snap.1" -a -s "$tmp/sig.snap.2" ]
	run map "$tmp/sig.snap.2" --text
	check "  the shim's machine, its 88 CMA pageblocks" -- \
		sh -c 'printf "%s\n" "$1" | grep -q "^machine csky-4.9-usb-gadget" &&
		       printf "%s\n" "$1" | grep -Eq "^CMA +88 "' - "$out"
	check "  the source names the signal" -- sh -c 'head -c 200 "$1" | grep -q "at signal"' - "$tmp/sig.snap.1"
	GFPSHIM_SNAPSHOT="$tmp/x,signal=KILL" LD_PRELOAD=$lib /bin/true 2>"$tmp/err"
	rc=$?
	check "GFPSHIM_SNAPSHOT=...,signal=KILL stops the program (exit 2)" -- [ "$rc" = 2 ]
	check "  naming the variable and the signals expected" -- \
		grep -q 'GFPSHIM_SNAPSHOT=.*signal "KILL"; expected USR1, USR2, HUP or WINCH' "$tmp/err"
else
	ok 1 "libgfpshim.so built"
fi

# --- bad flags and inputs --------------------------------------------------
usage "no input" "expected a SNAPSHOT or a LOG" map
usage "no output chosen" "expected -o FILE.svg or --text" map "$tmp/s2.snap"
usage "unknown option" "unknown option '--bogus'" map "$tmp/s2.snap" --bogus --text
usage "--cols 0" "--cols '0': expected 1 to 1024" map "$tmp/s2.snap" --text --cols 0
usage "--cols x" "--cols 'x'" map "$tmp/s2.snap" --text --cols x
usage "--color=sometimes" "--color 'sometimes': expected auto, always or never" \
	map "$tmp/s2.snap" --text --color=sometimes
usage "-o without a value" "-o: expected a value" map "$tmp/s2.snap" -o
usage "--report on a snapshot" "is a snapshot: --report" map "$tmp/s2.snap" --text --report 1
usage "two inputs" "one SNAPSHOT or LOG only" map "$tmp/s2.snap" "$log2" --text
usage "missing file" "no-such-file" map "$tmp/no-such-file" --text
head -c 4000 "$tmp/s2.snap" >"$tmp/cut.snap"
usage "a cut snapshot" "cut.snap: truncated" map "$tmp/cut.snap" --text
printf 'nothing to see\n' >"$tmp/empty.log"
usage "a log without reports" "no report in the log" map "$tmp/empty.log" --text
usage "pagetypeinfo without a profile" "no zone line" map "$pti" --text
usage "--report out of range" "--report 2: the log has 1 report" map "$log2" --text --report 2
usage "--kernel not a version" "--kernel 'banana'" map "$log2" --text --kernel banana

done_testing
