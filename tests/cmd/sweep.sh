#!/bin/sh
# gfpshim sweep: over tests/cmd/sweep_target (three allocation sites, one
# of whose NULL paths crashes) it finds exactly that crash, names its site,
# and prints a line that reproduces it; over sort(1) it completes and
# reports every run; two sweeps print the same table; bad flags exit 2.
. "${top_srcdir:-.}/tests/tap.sh"

B=${top_builddir:-.}
GFPSHIM=$B/gfpshim
TARGET=$B/tests/cmd/sweep_target
[ -x "$GFPSHIM" ] || skip_all "no $GFPSHIM"
[ -r "$B/.libs/libgfpshim.so" ] || skip_all "no $B/.libs/libgfpshim.so"
[ -x "$TARGET" ] || skip_all "no $TARGET"
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
has '^crash classes: 1$' && has '^  1\. SIGSEGV at copy_name+'
ok $? "exactly one crash class: SIGSEGV at copy_name"
grep -q '^     frames: copy_name+.* < main+' "$tmp/out"
ok $? "the crash class shows the frames from copy_name to main"
repro=$(sed -n 's/^     reproduce: //p' "$tmp/out")
[ "$repro" = "gfpshim run --fail nth=3 -- $TARGET" ]
ok $? "the reproducer is 'gfpshim run --fail nth=3 -- PROG' (got: $repro)"
sh -c "$repro" >/dev/null 2>&1
[ $? = 139 ]; ok $? "the reproducer crashes the program with SIGSEGV"
grep -q '^gfpshim sweep: run 3: SIGSEGV, failed copy_name+' "$tmp/err"
ok $? "stderr not a terminal: one progress line per run"
grep -q ' copy_name+' "$tmp/runs/run-3.stacks" &&
	grep -q 'sweep_target: no memory for the configuration' "$tmp/runs/run-1.err"
ok $? "--dir keeps each run's stack file and stderr"
cp "$tmp/out" "$tmp/nth1"

sweep -j 1 -- "$TARGET"
cmp -s "$tmp/out" "$tmp/nth1"
ok $? "-j 1 prints the same table as -j 2"

# --- unique mode --------------------------------------------------------------
sweep --mode unique -j 3 -- "$TARGET"
[ "$rc" = 3 ] && has '^crash classes: 1$' && has 'SIGSEGV at copy_name+' &&
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
assert d["crash_classes"][0]["site"].startswith("copy_name+")
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
