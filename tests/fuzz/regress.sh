#!/bin/sh
# make check: every harness on its seeds and on every input that ever
# crashed it, built with the suite's compiler (replay_main.c).
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/fuzz/corpora.sh"
for h in $FUZZ_HARNESSES; do
	prog=$top_builddir/tests/fuzz/replay_$h
	regress=$top_srcdir/tests/fuzz/regress/$h
	[ -d "$regress" ] || regress=
	# shellcheck disable=SC2046
	out=$("$prog" $(seeds_of "$h") $regress 2>&1)
	status=$?
	ok $status "$h: $(echo "$out" | tail -1)"
	[ $status = 0 ] || echo "$out" | tail -20 | sed 's/^/# /'
done
done_testing
