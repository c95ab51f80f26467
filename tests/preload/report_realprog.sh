#!/bin/sh
# Programs that are not ours under random injection, several seeds each:
# they may report errors and give up, but the shim itself never crashes
# them and never hangs (timeout).  sqlite3 handles out-of-memory by
# reporting it; python3 may stop with its own "Fatal Python error" abort,
# which is the program's doing and allowed — a SIGSEGV, SIGBUS, SIGILL or
# SIGFPE, or a hang, is not.  Also reports raised from a signal handler
# and from several threads at once.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/preload/report_env.sh"
PROG=$BUILD/tests/preload/report_prog
T=${TMPDIR:-/tmp}/gfpshim-real.$$
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT

# every FAULT_INJECTION notice is whole: its attribute line follows it
notices_whole() {
	awk '/^FAULT_INJECTION: forcing a failure\.$/ { n++; getline l;
	     if (l !~ /^name (failslab|fail_page_alloc), interval/) bad++ }
	     END { exit bad ? 1 : 0 }' "$1"
}

SQLITE=$(command -v sqlite3)
if [ -n "$SQLITE" ]; then
	cat >"$T/q.sql" <<'SQL'
CREATE TABLE t(a INTEGER, b TEXT);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<20000)
  INSERT INTO t SELECT x, printf('%0100d', x) FROM c;
CREATE INDEX ti ON t(b);
SELECT count(*), sum(length(b)) FROM t WHERE a % 7 = 3;
SELECT b FROM t ORDER BY b DESC LIMIT 1;
SQL
	# after=N puts the failures in the middle of the work, not at start-up
	for rule in probability=0.05 after=1000,probability=0.5 \
		    after=40000,probability=1 site=slab,probability=0.2 \
		    min-order=1,probability=5; do
		for seed in 1 2 3; do
			timeout 120 env GFPSHIM_SEED=$seed GFPSHIM_FAIL=$rule \
				LD_PRELOAD="$SHIM" "$SQLITE" :memory: \
				<"$T/q.sql" >"$T/out" 2>"$T/err"
			rc=$?
			n=$(grep -c '^FAULT_INJECTION' "$T/err")
			ok $([ $rc -lt 124 ] && echo 0 || echo 1) \
				"sqlite3 $rule seed $seed: exit $rc, no signal, no hang ($n injected)"
			check "sqlite3 $rule seed $seed: reports whole" -- notices_whole "$T/err"
		done
	done
	# natural failures: ten times the rows in 24 MiB of simulated RAM
	sed 's/x<20000/x<200000/' "$T/q.sql" >"$T/q2.sql"
	timeout 120 env GFPSHIM_MEM=24M LD_PRELOAD="$SHIM" "$SQLITE" :memory: \
		<"$T/q2.sql" >"$T/out" 2>"$T/err"
	rc=$?
	ok $([ $rc -lt 124 ] && echo 0 || echo 1) \
		"sqlite3 in 24 MiB of simulated RAM: exit $rc, no signal, no hang"
	check "sqlite3 in 24 MiB: the OOM killer's report" -- \
		grep -q '^sqlite3 invoked oom-killer: gfp_mask=' "$T/err"
else
	ok 0 "# SKIP sqlite3 not installed"
fi

# the real interpreter, not a wrapper script (a wrapper would take the
# rules itself and start the interpreter without them)
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
if [ -n "$PY" ] && [ -x "$PY" ]; then
	for seed in 1 2 3; do
		for rule in probability=0.5 after=30000,probability=0.05 \
			    after=60000,probability=0.5; do
			timeout 120 env GFPSHIM_SEED=$seed GFPSHIM_FAIL=$rule \
				LD_PRELOAD="$SHIM" "$PY" -c '
import json, re
d = {str(i): [i] * 10 for i in range(20000)}
s = json.dumps(d)
print(len(json.loads(s)), len(re.findall(r"\d+", s)))
' >"$T/out" 2>"$T/err"
			rc=$?
			good=1
			if [ $rc -lt 124 ]; then
				good=0
			elif [ $rc = 134 ] && grep -q '^Fatal Python error' "$T/err"; then
				good=0  # Py_FatalError(): the interpreter's own abort
			fi
			ok $good "python3 $rule seed $seed: exit $rc ($(grep -c '^FAULT_INJECTION' "$T/err") injected)"
		done
	done
else
	ok 0 "# SKIP python3 not found"
fi

# reports from a signal handler while the program keeps failing, and
# from eight threads at once: no deadlock, every report whole
GFPSHIM_RATELIMIT=off GFPSHIM_PROFILE=amlogic-5.4 GFPSHIM_MALLOC_GFP=GFP_ATOMIC \
	timeout 120 env LD_PRELOAD="$SHIM" "$PROG" signal 65536 >"$T/out" 2>"$T/err"
rc=$?
check "signal handler: exit 0, no hang (status $rc)" -- test $rc = 0
check "signal handler: the handler's request failed too" -- grep -q 'handler failed: 1$' "$T/out"
check "signal handler: every report has its CPU line" -- test \
	"$(grep -c 'page allocation failure' "$T/err")" = "$(grep -c '^CPU: ' "$T/err")"
GFPSHIM_RATELIMIT=off GFPSHIM_PROFILE=amlogic-5.4 GFPSHIM_MALLOC_GFP=GFP_ATOMIC GFPSHIM_CPUS=8 \
	timeout 120 env LD_PRELOAD="$SHIM" "$PROG" threads 8 65536 >"$T/out" 2>"$T/err"
rc=$?
check "threads: exit 0, no hang (status $rc)" -- test $rc = 0
n=$(grep -c 'page allocation failure' "$T/err")
check "threads: $n reports (each thread's last request failed)" -- test "$n" -ge 8
check "threads: reports never interleave (header, then CPU line)" -- awk '
	/page allocation failure/ { getline l; if (l !~ /^CPU: /) bad++ }
	END { exit bad ? 1 : 0 }' "$T/err"
done_testing
