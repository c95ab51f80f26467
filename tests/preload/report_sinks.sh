#!/bin/sh
# Where reports go and what follows them: GFPSHIM_LOG to a file with %p
# (a forked child gets its own), the JSON-lines form (every line parses,
# the facts match the text), GFPSHIM_STATS at exit and on the OOM-kill
# path, GFPSHIM_OOM=null|kill|abort, and a destination that cannot be
# opened stopping the program before main.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/preload/report_env.sh"
PROG=$BUILD/tests/preload/report_prog
T=${TMPDIR:-/tmp}/gfpshim-sinks.$$
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT

# a file per process: %p is the pid, a fork's child opens its own
GFPSHIM_LOG="$T/rep.%p" GFPSHIM_FAIL=min-order=4 shim "$PROG" fork 65536 >"$T/out" 2>"$T/err"
ppid=$(sed -n 's/^parent \([0-9]*\): fail$/\1/p' "$T/out")
cpid=$(sed -n 's/^child \([0-9]*\): fail$/\1/p' "$T/out")
check "%p: parent and child both failed (pids $ppid, $cpid)" -- test -n "$ppid" -a -n "$cpid"
check "%p: nothing on stderr" -- test ! -s "$T/err"
check "%p: the parent's report in rep.$ppid" -- \
	test "$(grep -c '^FAULT_INJECTION: forcing a failure\.$' "$T/rep.$ppid")" = 1
check "%p: the child's report in rep.$cpid" -- \
	test "$(grep -c '^FAULT_INJECTION: forcing a failure\.$' "$T/rep.$cpid")" = 1
check "%p: each file's report names its own pid" -- \
	grep -q "PID: $cpid Comm: report_prog" "$T/rep.$cpid"

# a plain file is appended to
: >"$T/plain"
echo "earlier line" >"$T/plain"
GFPSHIM_LOG="$T/plain" GFPSHIM_FAIL=min-order=9 shim "$PROG" orders >/dev/null 2>&1
check "a file is appended to, not truncated" -- \
	test "$(head -1 "$T/plain")" = "earlier line" -a "$(grep -c '^FAULT_INJECTION' "$T/plain")" = 2
GFPSHIM_LOG=stdout GFPSHIM_FAIL=min-order=10 shim "$PROG" orders >"$T/out" 2>"$T/err"
check "GFPSHIM_LOG=stdout" -- test ! -s "$T/err" -a "$(grep -c '^FAULT_INJECTION' "$T/out")" = 1

# a destination that cannot be opened: the program does not start
GFPSHIM_LOG="$T/no/such/dir/x.log" shim "$PROG" orders >"$T/out" 2>"$T/err"
check "unopenable GFPSHIM_LOG: exit status 2" -- test $? = 2
check "unopenable GFPSHIM_LOG: the message names the variable and the file" -- \
	grep -q "^gfpshim: GFPSHIM_LOG=$T/no/such/dir/x.log: cannot open $T/no/such/dir/x.log: No such file or directory; expected" "$T/err"
check "unopenable GFPSHIM_LOG: main never ran" -- test ! -s "$T/out"
GFPSHIM_LOG="json:" shim "$PROG" orders >"$T/out" 2>"$T/err"
check "GFPSHIM_LOG=json: with no destination is refused (status 2)" -- test $? = 2

# JSON lines: injected page failures, a natural failure, an OOM, the stats
GFPSHIM_LOG="json:$T/j.%p" GFPSHIM_STATS=1 GFPSHIM_FAIL=min-order=4 \
	shim "$PROG" orders >"$T/out" 2>"$T/err"
j=$(ls "$T"/j.* | head -1)
check "json: nothing on stderr" -- test ! -s "$T/err"
check "json: every line parses" -- python3 -c '
import json, sys
for line in open(sys.argv[1]):
    json.loads(line)
' "$j"
check "json: seven fault_injection records with the facts of the text" -- python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
inj = [r for r in recs if r["type"] == "fault_injection"]
assert len(inj) == 7, len(inj)
assert [r["order"] for r in inj] == list(range(4, 11))
for r in inj:
    assert r["comm"] == "report_prog" and r["layer"] == "large"
    assert r["mode_names"] == "GFP_KERNEL|__GFP_COMP" and r["mode"] == 0x40cc0, r
    assert r["verdict"] == "injected"
    assert r["rule"]["index"] == 1 and r["rule"]["text"] == "min-order=4,probability=100,times=-1"
    assert r["rule"]["fail_dump"] == "name fail_page_alloc, interval 1, probability 100, space 0, times -1"
    assert any(f["func"] == "main" and f["module"] is None for f in r["frames"])
    assert r["kernel"] == "6.12" and r["pid"] > 0
    z = {z["name"]: z for z in r["zones"]}
    assert "Normal" in z and z["Normal"]["min"] < z["Normal"]["low"] < z["Normal"]["high"]
    assert len(z["Normal"]["buddy"]) == 11
' "$j"
check "json: the first says the warn_alloc report followed (the rest are ratelimited)" -- python3 -c '
import json, sys
inj = [json.loads(l) for l in open(sys.argv[1])]
inj = [r for r in inj if r["type"] == "fault_injection"]
assert inj[0]["rule"]["report"] == "full", inj[0]["rule"]
assert all(r["rule"]["report"] == "kernel" for r in inj[1:])
' "$j"
GFPSHIM_LOG="json:$T/k.%p" GFPSHIM_FAULT_REPORT=kernel GFPSHIM_FAIL=min-order=4 \
	shim "$PROG" orders >"$T/out" 2>"$T/err"
check "json, GFPSHIM_FAULT_REPORT=kernel: every record says kernel" -- python3 -c '
import json, sys
inj = [json.loads(l) for l in open(sys.argv[1])]
assert len(inj) == 7 and all(r["rule"]["report"] == "kernel" for r in inj)
' "$(ls "$T"/k.* | head -1)"
check "json: the stats record counts them per order" -- python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
st = [r for r in recs if r["type"] == "stats"]
assert len(st) == 1 and st[0]["failures"] == 7 and st[0]["injected"] == 7, st
assert [o["name"] for o in st[0]["order"]] == ["order:%d" % o for o in range(4, 11)]
assert st[0]["sites"][0]["name"].startswith("main+0x") and st[0]["sites"][0]["failures"] == 7
' "$j"
rm -f "$T"/j.*
GFPSHIM_LOG="json:$T/j" GFPSHIM_PROFILE=arm64-5.4-64k-cma shim "$PROG" mmapfill 1048576 >/dev/null 2>&1
check "json: an OOM record with the page request's facts" -- python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 1 and recs[0]["type"] == "oom", recs
r = recs[0]
assert r["verdict"] == "oom" and r["order"] == 0 and r["mode"] == 0x100cca
assert r["mode_names"] == "GFP_HIGHUSER_MOVABLE" and r["layer"] == "user"
assert r["kernel"] == "5.4.74" and r["release"] == "5.4.74" and r["oom_score_adj"] == 0
z = r["zones"][0]
assert z["name"] == "DMA32" and z["free"] >= 0 and z["managed"] > 0
' "$T/j"
rm -f "$T/j"
GFPSHIM_LOG="json:$T/j" GFPSHIM_PROFILE=amlogic-5.4 GFPSHIM_COMM='say "hi"\' GFPSHIM_MALLOC_GFP=GFP_ATOMIC \
	shim "$PROG" fill 65536 >/dev/null 2>&1
check "json: a natural failure; quotes and backslashes in comm escaped" -- python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 1 and recs[0]["type"] == "page_alloc_failure", recs
r = recs[0]
assert r["comm"] == "say \"hi\"\\" and r["verdict"] == "fail" and r["order"] == 4
assert r["mode_hex"] == "0x40a20" and r["rule"] is None
' "$T/j"

# stats at exit, as text
GFPSHIM_STATS=1 GFPSHIM_FAIL=min-order=4 shim "$PROG" orders >"$T/out" 2>"$T/err"
check "stats: the header line" -- grep -Eq '^gfpshim stats \(pid [0-9]+, comm report_prog, kernel 6\.12, machine default\)$' "$T/err"
check "stats: requests, failures, injected" -- grep -Eq '^  requests [0-9]+, failures 7, injected 7$' "$T/err"
check "stats: one row per failing order" -- test "$(grep -Ec '^    order:([4-9]|10) +1 +1$' "$T/err")" = 7
check "stats: by layer, zone, migratetype and gfp" -- \
	sh -c "grep -Eq '^    large +7 +7$' '$T/err' && grep -Eq '^    Normal +7 +7$' '$T/err' &&
	       grep -Eq '^    Unmovable +7 +7$' '$T/err' &&
	       grep -Eq '^    0x40cc0\(GFP_KERNEL\|__GFP_COMP\) +7 +7$' '$T/err'"
check "stats: the failing call site" -- grep -Eq '^    main\+0x[0-9a-f]+/0x[0-9a-f]+ +7 +7$' "$T/err"
GFPSHIM_STATS=1 GFPSHIM_FAIL=min-order=4,verbose=0 shim "$PROG" callers 3 65536 >"$T/out" 2>"$T/err"
check "stats: the two call sites, three failures each" -- \
	test "$(grep -Ec '^    from_[ab]\+0x[0-9a-f]+/0x[0-9a-f]+ +3 +3$' "$T/err")" = 2

# GFPSHIM_OOM
GFPSHIM_PROFILE=arm64-5.4-64k-cma shim "$PROG" mmapfill 1048576 >"$T/out" 2>"$T/err"
check "GFPSHIM_OOM=null (default): ENOMEM, the program goes on" -- \
	test $? = 0 -a -n "$(grep 'errno: 12$' "$T/out")"
check "GFPSHIM_OOM=null: one OOM-killer report" -- test "$(grep -c 'invoked oom-killer' "$T/err")" = 1
GFPSHIM_OOM=kill GFPSHIM_STATS=1 GFPSHIM_PROFILE=arm64-5.4-64k-cma \
	shim "$PROG" mmapfill 1048576 >"$T/out" 2>"$T/err"
check "GFPSHIM_OOM=kill: killed by SIGKILL (status 137)" -- test $? = 137
check "GFPSHIM_OOM=kill: the report, then the stats" -- \
	test "$(grep -c 'invoked oom-killer' "$T/err")" = 1 -a "$(grep -c '^  requests .*, failures 1, injected 0$' "$T/err")" = 1
check "GFPSHIM_OOM=kill: main never went on" -- test ! -s "$T/out"
GFPSHIM_OOM=abort GFPSHIM_PROFILE=arm64-5.4-64k-cma shim "$PROG" mmapfill 1048576 >"$T/out" 2>"$T/err"
check "GFPSHIM_OOM=abort: SIGABRT (status 134)" -- test $? = 134
check "GFPSHIM_OOM=abort: after the report" -- test "$(grep -c 'invoked oom-killer' "$T/err")" = 1
done_testing
