#!/bin/sh
# GFPSHIM_CRASH_TRACE: a crash under the shim logs the signal, the fault
# address and the crashed thread's frames, innermost first, and the
# program still dies of the same signal (128 + signal as the exit status);
# with the option off, or where the program has its own action, nothing
# changes.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/preload/report_env.sh"
PROG=$BUILD/tests/preload/crash_prog
T=${TMPDIR:-/tmp}/gfpshim-crash.$$
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
for v in $(env | sed -n 's/^\(GFPSHIM_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
ulimit -c 0

# run MODE [env…]: status in $rc, stderr in $T/err, stdout in $T/out
run() {
	_m=$1; shift
	env "$@" LD_PRELOAD="$SHIM" "$PROG" "$_m" >"$T/out" 2>"$T/err"
	rc=$?
}
# the frames of the record, one per line, without the leading space
frames() {
	sed -n '/^Crash trace:$/,$s/^ //p' "$T/err"
}
# frame N (1 = innermost) starts with $2
frame_is() {
	frames | sed -n "$1p" | grep -q "^$2"
}
show() { sed 's/^/# /' "$T/err"; }

# --- SIGSEGV ---------------------------------------------------------------
run segv GFPSHIM_CRASH_TRACE=1
check "segv: exit status 139 (got $rc)" -- test "$rc" = 139
grep -q '^gfpshim: crash_prog\[[0-9]*\]: crash: SIGSEGV (SEGV_MAPERR), fault address 0x10$' "$T/err"
ok $? "segv: the signal, its si_code and the fault address 0x10"
frame_is 1 'fault_here+0x' && frame_is 2 'level1+0x' && frame_is 3 'main+0x'
ok $? "segv: frames fault_here < level1 < main, innermost first" || show
frames | grep -q '^__libc_start_main+0x[0-9a-f]*/0x[0-9a-f]* \[libc\.so\.6\]$'
ok $? "segv: library frames as func+0xoff/0xsize [module]"
[ "$(grep -c 'crash:' "$T/err")" = 1 ]; ok $? "segv: one record"

# the shell may say "Segmentation fault" on the command's stderr: what
# the shim adds is compared against a run without it
"$PROG" segv >/dev/null 2>"$T/plain"
check "segv without the shim: exit status 139" -- test $? = 139
run segv
check "segv, option unset: exit status 139" -- test "$rc" = 139
check "segv, option unset: stderr as without the shim" -- cmp -s "$T/err" "$T/plain"
run segv GFPSHIM_CRASH_TRACE=0
[ "$rc" = 139 ] && cmp -s "$T/err" "$T/plain"
ok $? "segv, GFPSHIM_CRASH_TRACE=0: exit status 139, stderr as without the shim"

run actions GFPSHIM_CRASH_TRACE=0
printf 'SIGSEGV: default\nSIGBUS: default\nSIGILL: default\nSIGFPE: default\nSIGABRT: default\n' >"$T/dfl"
check "option off: every crash signal keeps its default action" -- cmp -s "$T/out" "$T/dfl"
run actions GFPSHIM_CRASH_TRACE=1
[ "$(grep -c ': handler$' "$T/out")" = 5 ]
ok $? "option on: the five crash signals have the shim's handler"

# --- the other signals --------------------------------------------------------
run abort GFPSHIM_CRASH_TRACE=1
check "abort: exit status 134 (got $rc)" -- test "$rc" = 134
abort_pid=$(sed -n 's/^gfpshim: crash_prog\[\([0-9]*\)\]: crash: SIGABRT (SI_TKILL from pid \([0-9]*\))$/\1 \2/p' "$T/err")
set -- $abort_pid
[ -n "$1" ] && [ "$1" = "$2" ]
ok $? "abort: SIGABRT, sent by the program itself (SI_TKILL from its pid)" || show
frames | grep -q '^abort+0x.* \[libc\.so\.6\]$' &&
	frames | grep -A1 '^abort+' | sed -n 2p | grep -q '^give_up+0x'
ok $? "abort: abort [libc.so.6], then give_up" || show

run fpe GFPSHIM_CRASH_TRACE=1
check "fpe: exit status 136 (got $rc)" -- test "$rc" = 136
grep -q '^gfpshim: crash_prog\[[0-9]*\]: crash: SIGFPE (FPE_INTDIV), fault address 0x[0-9a-f]*$' "$T/err" &&
	frame_is 1 'divide+0x'
ok $? "fpe: FPE_INTDIV at divide" || show
addr=$(sed -n 's/.*fault address \(0x[0-9a-f]*\)$/\1/p' "$T/err")
[ "$addr" != 0x0 ]; ok $? "fpe: the fault address is the instruction's ($addr)"

run overflow GFPSHIM_CRASH_TRACE=1
check "overflow: exit status 139 (got $rc)" -- test "$rc" = 139
grep -q '^gfpshim: crash_prog\[[0-9]*\]: crash: SIGSEGV (SEGV_MAPERR)' "$T/err" &&
	frame_is 1 'recurse+0x' && frame_is 16 'recurse+0x'
ok $? "overflow: logged from the alternate stack, 16 frames of recurse" || show

run thread GFPSHIM_CRASH_TRACE=1
check "thread: exit status 139 (got $rc)" -- test "$rc" = 139
tid=$(sed -n 's/^gfpshim: crash_prog\[\([0-9]*\)\]: crash: SIGSEGV (SEGV_MAPERR), fault address 0x0$/\1/p' "$T/err")
pid=$(sed -n 's/^pid //p' "$T/out")
frame_is 1 'fault_here+0x' && frame_is 2 'thread_fault+0x' &&
	frame_is 3 'thread_main+0x' && [ -n "$tid" ] && [ -n "$pid" ] &&
	[ "$tid" != "$pid" ]
ok $? "thread: the crashed thread's own frames and id ($tid, pid $pid)" || show

# --- the program's own actions -------------------------------------------------
run recover GFPSHIM_CRASH_TRACE=1
[ "$rc" = 0 ] && [ "$(cat "$T/out")" = recovered ]
ok $? "its own handler recovers: exit 0, 'recovered'"
check "its own handler recovers: nothing logged" -- test ! -s "$T/err"

run chain GFPSHIM_CRASH_TRACE=1
check "chain: exit status 139 (got $rc)" -- test "$rc" = 139
head -1 "$T/err" | grep -qx 'own handler' && frame_is 1 'fault_here+0x' &&
	frame_is 2 'level1+0x'
ok $? "chain: its handler runs first, then the shim's logs the fault's frames" || show

env GFPSHIM_CRASH_TRACE=1 LD_PRELOAD="$SHIM" sh -c "trap '' FPE; exec '$PROG' actions" >"$T/out" 2>"$T/err"
grep -qx 'SIGFPE: ignored' "$T/out" && [ "$(grep -c ': handler$' "$T/out")" = 4 ]
ok $? "an ignored signal inherited at start (SIG_IGN) is not taken over"

# --- JSON ---------------------------------------------------------------------
run segv GFPSHIM_CRASH_TRACE=1 "GFPSHIM_LOG=json:$T/log.json"
[ "$rc" = 139 ] && cmp -s "$T/err" "$T/plain"
ok $? "json: exit status 139, nothing more on stderr"
if command -v python3 >/dev/null; then
	python3 - "$T/log.json" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
d = json.loads(lines[0])
assert d["type"] == "crash" and d["comm"] == "crash_prog", d
assert d["signal"] == "SIGSEGV" and d["signo"] == 11, d
assert d["code"] == "SEGV_MAPERR" and d["si_code"] == 1, d
assert d["addr"] == "0x10" and "sender" not in d, d
f = d["frames"]
assert [x["func"] for x in f[:3]] == ["fault_here", "level1", "main"], f
assert f[0]["module"] is None and 0 <= f[0]["off"] < f[0]["size"], f[0]
assert any(x["module"] == "libc.so.6" for x in f), f
assert all(x["addr"].startswith("0x") for x in f)
EOF
	ok $? "json: one {\"type\":\"crash\"} line with signal, code, address, frames"
else
	ok 0 "# SKIP no python3 to read the JSON"
fi

done_testing
