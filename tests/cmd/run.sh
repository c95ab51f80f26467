#!/bin/sh
# gfpshim run: the program's exit status and signals pass through, every
# option of the table is a flag, and every bad flag or value stops before
# anything starts (exit 2, a message naming the flag, value and what was
# expected).
. "${top_srcdir:-.}/tests/tap.sh"

GFPSHIM=${top_builddir:-.}/gfpshim
LIB=${top_builddir:-.}/.libs/libgfpshim.so
[ -x "$GFPSHIM" ] || skip_all "no $GFPSHIM"
[ -r "$LIB" ] || skip_all "no $LIB"
for v in $(env | sed -n 's/^\(GFPSHIM_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
unset LD_PRELOAD
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# run ARGS...: stdout in $out, stderr in $err, status in $rc
run() {
	"$GFPSHIM" run "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# usage DESC PATTERN ARGS...: exit 2, nothing run, PATTERN in stderr
usage() {
	_d=$1 _p=$2; shift 2
	rm -f "$tmp/started"
	run "$@" -- sh -c ": > '$tmp/started'"
	[ "$rc" = 2 ] && [ ! -e "$tmp/started" ] && [ -z "$out" ] &&
		printf '%s\n' "$err" | grep -q -- "$_p"
	ok $? "$_d"
	[ "$rc" = 2 ] || echo "# status $rc"
	printf '%s\n' "$err" | grep -q -- "$_p" || printf '# stderr: %s\n' "$err"
}

# --- exit statuses ---------------------------------------------------------
run -- sh -c 'exit 0'
ok $rc "exit status 0 passes through"
run -- sh -c 'exit 7'
[ "$rc" = 7 ]; ok $? "exit status 7 passes through"
run -- sh -c 'kill -SEGV $$'
[ "$rc" = 139 ]; ok $? "SIGSEGV is 128+11 (got $rc)"
run -- sh -c 'kill -ABRT $$'
[ "$rc" = 134 ]; ok $? "SIGABRT is 128+6 (got $rc)"
run -- /nonexistent/program
[ "$rc" = 127 ] && printf '%s\n' "$err" | grep -q "cannot run '/nonexistent/program'"
ok $? "a missing program: 127 and its name"
run -- sh -c 'echo "$LD_PRELOAD"'
[ "$rc" = 0 ] && [ "$out" = "$($GFPSHIM run --dry-run | sed -n 's/^LD_PRELOAD=//p')" ]
ok $? "the program's LD_PRELOAD is the library"
run sh -c 'echo "$GFPSHIM_MEM"'
[ "$rc" = 0 ] && [ -z "$out" ]; ok $? "without --, the first word is the program"

# --- the shim is really there: a rule the program can see ----------------
cat > "$tmp/prog.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
int main(void)
{
	void *a = malloc(100), *b = malloc(100), *c = malloc(100);
	printf("%d%d%d\n", a != NULL, b != NULL, c != NULL);
	return 0;
}
EOF
if ${CC:-cc} -o "$tmp/prog" "$tmp/prog.c" 2>/dev/null; then
	run --fail 'site=slab,nth=2' --log="$tmp/log" -- "$tmp/prog"
	[ "$rc" = 0 ] && [ "$out" = 101 ]
	ok $? "--fail nth=2 fails the program's second malloc (got '$out')"
	grep -q "FAULT_INJECTION: forcing a failure" "$tmp/log"
	ok $? "--log sends the report to the file"
else
	ok 0 "# SKIP no C compiler"
	ok 0 "# SKIP no C compiler"
fi

# --- every option of the table is a flag ---------------------------------
# one good value per type, checked by --dry-run
good_value() {
	case $1 in
	GFPSHIM_PROFILE) echo default ;; GFPSHIM_KERNEL) echo 5.4 ;;
	GFPSHIM_MEM) echo 1G ;; GFPSHIM_CMA) echo 64M ;; GFPSHIM_CPUS) echo 2 ;;
	GFPSHIM_MALLOC_GFP) echo GFP_KERNEL ;; GFPSHIM_FAIL) echo min-order=4 ;;
	GFPSHIM_SEED) echo 42 ;; GFPSHIM_OOM) echo kill ;;
	GFPSHIM_LOG) echo "$tmp/x.log" ;; GFPSHIM_RATELIMIT) echo off ;;
	GFPSHIM_FAULT_REPORT) echo kernel ;;
	GFPSHIM_COMM) echo worker ;; GFPSHIM_SNAPSHOT) echo "$tmp/snap" ;;
	GFPSHIM_VERBOSE) echo 1 ;; *) echo 1 ;;
	esac
}
run --help
help=$out
vars=$(printf '%s\n' "$help" | sed -n 's/^ *(\(GFPSHIM_[A-Z_]*\))$/\1/p')
[ "$(printf '%s\n' "$vars" | wc -l)" -ge 10 ]
ok $? "run --help lists the table's variables"
for v in $vars; do
	flag=$(printf '%s\n' "$help" | grep -B2 "($v)\$" | sed -n 's/^  --\([a-z-]*\).*/\1/p' | head -1)
	val=$(good_value "$v")
	run --dry-run "--$flag=$val"
	[ "$rc" = 0 ] && printf '%s\n' "$out" | grep -qxF "$v=$val" ||
		printf '%s\n' "$out" | grep -qxF "$v='$val'"
	ok $? "--$flag=$val sets $v"
done

run --dry-run --stats -- prog 'a b'
[ "$rc" = 0 ] && printf '%s\n' "$out" | grep -qx "GFPSHIM_STATS=1" &&
	printf '%s\n' "$out" | tail -1 | grep -qx "prog 'a b'"
ok $? "--dry-run: a bare bool flag is 1; the command is quoted for a shell"
LD_PRELOAD=/lib/other.so "$GFPSHIM" run --dry-run > "$tmp/out" 2>/dev/null
grep -q "^LD_PRELOAD=.*libgfpshim.so:/lib/other.so$" "$tmp/out"
ok $? "an existing LD_PRELOAD comes after the library"
GFPSHIM_LIBRARY=/nonexistent/lib.so "$GFPSHIM" run -- true 2>"$tmp/err"
[ $? = 1 ] && grep -q "GFPSHIM_LIBRARY=/nonexistent/lib.so" "$tmp/err"
ok $? "a missing GFPSHIM_LIBRARY: exit 1, named"
GFPSHIM_LIBRARY=$LIB "$GFPSHIM" run -- sh -c 'env' > "$tmp/out"
! grep -q "^GFPSHIM_LIBRARY=" "$tmp/out"
ok $? "GFPSHIM_LIBRARY does not reach the program (the shim would refuse it)"

# --- bad flags and values: exit 2, nothing started -------------------------
usage "unknown flag" "unknown option '--nope'" --nope
usage "a value flag without its value" "--mem needs a value" --mem
usage "an empty value" "--kernel: empty value" --kernel=
usage "bad size" '--mem=lots: .*expected' --mem=lots
usage "bad kernel" '--kernel=2.6: .*expected' --kernel=2.6
usage "bad profile" '--profile=nosuch: unknown profile; expected' --profile=nosuch
usage "bad cma" '--cma=' --cma=huge
usage "bad cpus" '--cpus=0: .*expected an integer from 1' --cpus=0
usage "bad gfp" '--malloc-gfp=GFP_NOPE' --malloc-gfp=GFP_NOPE
usage "bad bool" '--stats=maybe: expected 1 or 0' --stats=maybe
usage "bad rule" "--fail=min-order=x: rule 1" --fail=min-order=x
usage "bad seed" '--seed=-1: expected an integer' --seed=-1
usage "bad oom" '--oom=sometimes: expected one of null, kill, abort' --oom=sometimes
usage "bad log" '--log=fd:9999: expected fd:N' --log=fd:9999
usage "bad ratelimit" '--ratelimit=never: expected one of kernel, off' --ratelimit=never
usage "bad comm" '--comm=a-very-long-task-name: .*at most 15' --comm=a-very-long-task-name
usage "bad verbose" '--verbose=3: expected an integer from 0 to 2' --verbose=3
usage "bad timestamps" '--timestamps=2: expected 1 or 0' --timestamps=2
usage "cma larger than mem" '--cma=128M: .*expected' --mem=64M --cma=128M
GFPSHIM_MEEM=1 "$GFPSHIM" run -- true 2>"$tmp/err"
[ $? = 2 ] && grep -q "GFPSHIM_MEEM=1: unknown variable; did you mean GFPSHIM_MEM?" "$tmp/err"
ok $? "a misspelt variable in the environment: exit 2 with a suggestion"
GFPSHIM_MEM=lots "$GFPSHIM" run -- true 2>"$tmp/err"
[ $? = 2 ] && grep -q "GFPSHIM_MEM=lots: " "$tmp/err"
ok $? "a bad value from the environment names the variable"
GFPSHIM_MEM=lots "$GFPSHIM" run --mem=1G -- true
ok $? "a flag wins over the environment"
run
[ "$rc" = 2 ] && printf '%s\n' "$err" | grep -q "no PROGRAM given"
ok $? "no program: exit 2"

done_testing
