#!/bin/sh
# What fault rules cost: bench_rules under glibc, under the shim without
# rules, with rules that need no stack (consulted on every request, never
# unwinding), and with stack-keyed rules (caller=, stack=unique: a
# backtrace per request).  Prints each time and its ratios; the targets
# are ≤ 1.05 × the no-rule time for the first kind and ≤ 10 × glibc's for
# the second.
#
#   bench/bench_rules.sh [OPS]      (from the build directory)
BUILD=${top_builddir:-.}
BENCH=$BUILD/bench/bench_rules
SHIM=$(cd "$BUILD" && pwd)/.libs/libgfpshim.so
OPS=${1:-5000000}
[ -x "$BENCH" ] || { echo "bench_rules.sh: build $BENCH first (make bench)" >&2; exit 2; }
[ -f "$SHIM" ] || { echo "bench_rules.sh: $SHIM not built" >&2; exit 2; }

# the best of three runs
best() {
	b=
	for i in 1 2 3; do
		t=$("$@" "$BENCH" "$OPS" 2>/dev/null | cut -d' ' -f1)
		b=$(echo "$t $b" | awk '{ print ($2 == "" || $1 < $2) ? $1 : $2 }')
	done
	echo "$b"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

glibc=$(best env)
norule=$(best env LD_PRELOAD="$SHIM")
printf '%-44s %8ss\n' "glibc" "$glibc"
printf '%-44s %8ss  %6s x glibc\n' "shim, no rule" "$norule" "$(ratio "$norule" "$glibc")"
for rule in min-order=1 site=page,probability=50 \
	    'gfp=+__GFP_HIGH,probability=1' comm=nothing; do
	t=$(best env LD_PRELOAD="$SHIM" GFPSHIM_FAIL="$rule")
	printf '%-44s %8ss  %6s x no rule\n' "no stack: $rule" "$t" "$(ratio "$t" "$norule")"
done
for rule in caller=no_such_function module=no_such_lib.so stack=unique; do
	t=$(best env LD_PRELOAD="$SHIM" GFPSHIM_FAIL="$rule")
	printf '%-44s %8ss  %6s x glibc\n' "stack: $rule" "$t" "$(ratio "$t" "$glibc")"
done
