#!/bin/sh
# gfpshim sweep: over tests/cmd/sweep_target (three allocation sites, one
# of whose NULL paths crashes) it finds exactly that crash, names its site
# and the function that dereferenced NULL (from the crash's own frames),
# and prints a line that reproduces it; crash classes group runs by the
# crash's frames; a program whose own SIGSEGV handler recovers is not
# broken; over sort(1) it completes and reports every run; two sweeps
# print the same table; bad flags exit 2.
. "${top_srcdir:-.}/tests/tap.sh"

B=${top_builddir:-.}
GFPSHIM=$B/gfpshim
TARGET=$B/tests/cmd/sweep_target
CRASHER=$B/tests/preload/crash_prog
[ -x "$GFPSHIM" ] || skip_all "no $GFPSHIM"
[ -r "$B/.libs/libgfpshim.so" ] || skip_all "no $B/.libs/libgfpshim.so"
[ -x "$TARGET" ] || skip_all "no $TARGET"
[ -x "$CRASHER" ] || skip_all "no $CRASHER"
for v in $(env | sed -n 's/^\(GFPSHIM_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
unset LD_PRELOAD
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
PATH=$(cd "$B" && pwd):$PATH; export PATH     # for the reproducer lines

sweep() {
	"$GFPSHIM" sweep "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
has() { grep -q -- "$1" "$tmp/out"; }

# --- nth mode over the target ----------------------------------------------
sweep -j 2 --dir "$tmp/runs" -- "$TARGET"
[ "$rc" = 3 ]; ok $? "a crash found: exit status 3 (got $rc)"
has '^     1  exit 3     read_config+' &&
	has '^     2  clean      make_buffer+' &&
	has '^     3  SIGSEGV    copy_name+' &&
	has '^     4  clean      (nothing left to fail'
ok $? "runs 1-3 fail read_config, make_buffer, copy_name; run 4 fails nothing"
[ -s "$tmp/out" ] || sed 's/^/# /' "$tmp/err"
has '^sites explored: 3$'; ok $? "three sites explored"
has '^outcomes: 1 clean, 1 error exit, 1 crash, 0 hang'
ok $? "outcomes: one of each but hang"
has '^crash classes: 1$' && has '^  1\. SIGSEGV at store_name+0x[0-9a-f]*/0x[0-9a-f]* (1 run)$'
ok $? "exactly one crash class: SIGSEGV at store_name, where NULL was written"
has '^     signal: SIGSEGV (SEGV_MAPERR), fault address 0x0$'
ok $? "the crash class names the signal, its si_code and the address"
grep -q '^     crash frames: store_name+[^<]* < copy_name+[^<]* < main+' "$tmp/out"
ok $? "the crash's own frames: store_name < copy_name < main"
grep -q '^     failed request: order:0, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), copy_name+[^<]* < main+' "$tmp/out"
ok $? "the failed request: the slab page's warn_alloc order and mode, its frames copy_name < main"
repro=$(sed -n 's/^     reproduce: //p' "$tmp/out")
[ "$repro" = "gfpshim run --fail nth=3 -- $TARGET" ]
ok $? "the reproducer is 'gfpshim run --fail nth=3 -- PROG' (got: $repro)"
sh -c "$repro" >/dev/null 2>&1
[ $? = 139 ]; ok $? "the reproducer crashes the program with SIGSEGV (139)"
grep -q '^gfpshim sweep: run 3: SIGSEGV in store_name+[^,]*, failed copy_name+' "$tmp/err" &&
	grep -q '^gfpshim sweep: run 1: exit 3, failed read_config+' "$tmp/err"
ok $? "stderr not a terminal: one progress line per run"
grep -q '^gfpshim: sweep_target\[[0-9]*\]: crash: SIGSEGV' "$tmp"/runs/run-3.*.log &&
	! grep -q 'crash:' "$tmp"/runs/run-2.*.log
ok $? "--dir: the crashed run's log has the shim's crash record"
grep -q ' copy_name+' "$tmp/runs/run-3.stacks" &&
	grep -q 'sweep_target: no memory for the configuration' "$tmp/runs/run-1.err"
ok $? "--dir keeps each run's stack file and stderr"
cp "$tmp/out" "$tmp/nth1"

sweep -j 1 -- "$TARGET"
cmp -s "$tmp/out" "$tmp/nth1"
ok $? "-j 1 prints the same table as -j 2"

# --- unique mode --------------------------------------------------------------
sweep --mode unique -j 3 -- "$TARGET"
[ "$rc" = 3 ] && has '^crash classes: 1$' && has 'SIGSEGV at store_name+' &&
	has '^sites explored: 3$'
ok $? "unique mode: three stacks, the same crash"
repro=$(sed -n 's/^     reproduce: //p' "$tmp/out")
sh -c "$repro" >/dev/null 2>&1
[ $? = 139 ]; ok $? "its reproducer crashes the program"
cp "$tmp/out" "$tmp/u1"
sweep --mode unique -j 2 -- "$TARGET"
cmp -s "$tmp/out" "$tmp/u1"; ok $? "two unique sweeps print the same table"

# --- a filter --------------------------------------------------------------
sweep --fail 'caller=copy_name' -- "$TARGET"
has '^     1  SIGSEGV    copy_name+' && has '^sites explored: 1$' &&
	has "reproduce: gfpshim run --fail caller=copy_name,nth=1 -- "
ok $? "--fail caller=copy_name: only that site, the filter in the reproducer"

# --- the crash record off: classes by the failed site -------------------------
sweep --crash-trace=0 -q -- "$TARGET"
[ "$rc" = 3 ] && has '^  1\. SIGSEGV at copy_name+' &&
	has '^     crash frames: none logged (--crash-trace=0)$' &&
	has "reproduce: gfpshim run --crash-trace=0 --fail nth=3 -- "
ok $? "--crash-trace=0: the class is named by the failed site, the flag kept"

# --- crash classes: two sites, one crash ---------------------------------------
sweep -q -- "$CRASHER" shared
[ "$rc" = 3 ] && has '^     3  SIGSEGV    name_buffer+' &&
	has '^     4  SIGSEGV    path_buffer+' && has '^sites explored: 4$'
ok $? "two failed sites, name_buffer and path_buffer, both crash"
has '^crash classes: 1$' && has '^  1\. SIGSEGV at fill+0x[0-9a-f]*/0x[0-9a-f]* (2 runs)$'
ok $? "one crash class of 2 runs: the same signal and frames, at fill"

# --- a program whose own SIGSEGV handler recovers -------------------------------
sweep -q -- "$CRASHER" recover
[ "$rc" = 0 ] && has '^crash classes: 0$' &&
	has '^ *[0-9]*  clean      (nothing left to fail'
ok $? "its own SIGSEGV handler recovers in every run: no crash, status 0"
GFPSHIM_CRASH_TRACE=1 "$GFPSHIM" run -- "$CRASHER" recover >"$tmp/out" 2>"$tmp/err"
[ $? = 0 ] && [ "$(cat "$tmp/out")" = recovered ] && [ ! -s "$tmp/err" ]
ok $? "run with the crash trace: the handler still recovers, nothing logged"

# --- JSON ------------------------------------------------------------------
sweep --json -q -- "$TARGET"
if command -v python3 >/dev/null; then
	python3 - "$tmp/out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["mode"] == "nth" and d["complete"]
assert [r["outcome"] for r in d["runs"]] == ["error", "clean", "crash"]
assert d["runs"][0]["exit"] == 3 and d["runs"][2]["signal"] == "SIGSEGV"
assert d["baseline"]["outcome"] == "clean" and not d["baseline"]["injected"]
assert len(d["crash_classes"]) == 1
c = d["crash_classes"][0]
assert c["site"].startswith("copy_name+") and c["traced"]
assert c["at"].startswith("store_name+") and c["frames"][0] == c["at"]
assert c["frames"][1].startswith("copy_name+")
crash = d["runs"][2]["crash"]
assert crash["text"] == "SIGSEGV (SEGV_MAPERR), fault address 0x0"
assert crash["frames"] == c["frames"] and "crash" not in d["runs"][0]
assert d["outcomes"] == {"clean": 1, "error": 1, "crash": 1, "hang": 0}
EOF
	ok $? "--json: runs, baseline, outcomes and the crash class"
else
	ok 0 "# SKIP no python3 to read the JSON"
fi
[ ! -s "$tmp/err" ]; ok $? "-q: nothing on stderr"

# --- a real program: sort ---------------------------------------------------
SORT=$(command -v sort)
printf 'pear\napple\nfig\n' > "$tmp/in.txt"
sweep -j 2 --timeout 20 -- "$SORT" "$tmp/in.txt"
[ "$rc" = 0 ] || [ "$rc" = 3 ]; ok $? "sort: the sweep completes (status $rc)"
sed -n '4,/^$/p' "$tmp/out" > "$tmp/rows"
runs=$(grep -c '^ *[0-9][0-9]*  ' "$tmp/rows")
last=$(sed -n 's/^ *\([0-9][0-9]*\)  .*(nothing left to fail.*/\1/p' "$tmp/out")
[ -n "$last" ] && [ "$runs" = "$last" ] && [ "$runs" -gt 10 ]
ok $? "sort: every run from 1 to the last ($last) has a row ($runs rows)"
total=$(sed -n 's/^outcomes: \([0-9]*\) clean, \([0-9]*\) error exit, \([0-9]*\) crash, \([0-9]*\) hang.*/\1 \2 \3 \4/p' "$tmp/out")
set -- $total
[ $(($1 + $2 + $3 + $4)) = $((last - 1)) ]
ok $? "sort: outcomes add up to the runs that failed a request ($total)"
awk 'NF { if ($2 != "clean" && $2 != "exit" && $2 !~ /^SIG/ &&
	$2 != "hang") exit 1 }' "$tmp/rows"
ok $? "sort: every row has an outcome"
grep -q '^gfpshim sweep: [0-9]* runs in .* s per run$' "$tmp/err"
ok $? "the time per run is reported"
cp "$tmp/out" "$tmp/sort1"
sweep -j 2 --timeout 20 -- "$SORT" "$tmp/in.txt"
cmp -s "$tmp/out" "$tmp/sort1"; ok $? "sort: a second sweep prints the same table"

# --- hangs -------------------------------------------------------------------
start=$(date +%s)
sweep --timeout 0.5 -q -- sleep 30
end=$(date +%s)
[ "$rc" = 3 ] && grep -q "hang" "$tmp/out" && [ $((end - start)) -lt 60 ]
ok $? "--timeout: a program still going is killed and called a hang"
[ "$rc" = 3 ] || { echo "# status $rc, $((end - start)) s"; sed 's/^/# /' "$tmp/err"; }

# --- bad flags and values: exit 2, nothing run ---------------------------------
usage() {
	_d=$1 _p=$2; shift 2
	rm -f "$tmp/started"
	sweep "$@" -- sh -c ": > '$tmp/started'"
	[ "$rc" = 2 ] && [ ! -e "$tmp/started" ] && [ ! -s "$tmp/out" ] &&
		grep -q -- "$_p" "$tmp/err"
	ok $? "$_d"
	grep -q -- "$_p" "$tmp/err" || sed 's/^/# /' "$tmp/err"
}
usage "bad mode" "--mode 'all': expected nth or unique" --mode all
usage "mode without value" "--mode needs a value" --mode
usage "-j 0" "--jobs '0': expected a whole number from 1" -j 0
usage "-jx" "-j 'x': expected a whole number" -jx
usage "bad timeout" "--timeout '-1': expected seconds" --timeout -1
usage "bad max-runs" "--max-runs '0': expected a whole number from 1" --max-runs 0
usage "--log is the sweep's" "--log: the sweep sends each run's reports" --log=/tmp/x
usage "nth= in the filter" "nth= is the sweep's to set" --fail nth=3
usage "stack= in the filter" "stack= is the sweep's to set" --fail stack=unique
usage "times= in the filter" "times= is the sweep's to set" --fail times=2
usage "two rules" "2 rules; expected the knobs of one rule" --fail 'site=slab;site=page'
usage "a bad rule" "--fail=min-order=x: rule 1: 'min-order=x'" --fail min-order=x
usage "a bad table value" "--kernel=1.0: " --kernel=1.0
usage "unknown option" "unknown option '--nope'" --nope
sweep
[ "$rc" = 2 ] && grep -q "no PROGRAM given" "$tmp/err"; ok $? "no program: exit 2"
sweep -q -- /nonexistent/program
[ "$rc" = 1 ] && grep -q "cannot run '/nonexistent/program'" "$tmp/err"
ok $? "a program that cannot run stops the sweep: exit 1 with the reason"

done_testing
