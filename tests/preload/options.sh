#!/bin/sh
# A bad GFPSHIM_* value stops the program before main: exit status 2 and a
# message naming the variable; a good one lets it run.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/preload/preload.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

bad() {
	var=$1 value=$2
	env "$var=$value" LD_PRELOAD="$SHIM" sh -c 'echo main ran' \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	test "$rc" = 2; ok $? "$var=$value: exit status 2 (got $rc)"
	test ! -s "$tmp/out"; ok $? "$var=$value: the program did not start"
	grep -q "$var=$value" "$tmp/err"; ok $? "$var=$value: the message names it"
	sed 's/^/# /' "$tmp/err"
}
bad GFPSHIM_MEM banana
bad GFPSHIM_MEM 0
bad GFPSHIM_KERNEL 2.2
bad GFPSHIM_PROFILE no-such-board
bad GFPSHIM_MALLOC_GFP GFP_NOSUCH
bad GFPSHIM_FAIL probability=200
bad GFPSHIM_MEMORY 1G

out=$(GFPSHIM_MEM=2G GFPSHIM_KERNEL=5.4 GFPSHIM_MALLOC_GFP=GFP_ATOMIC \
      LD_PRELOAD="$SHIM" sh -c 'echo main ran' 2>&1)
test "$out" = "main ran"; ok $? "good values: the program runs and prints only its output"
done_testing
