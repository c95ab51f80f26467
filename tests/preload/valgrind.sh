#!/bin/sh
# The suite once under valgrind's memcheck: the preload programs with the
# shim preloaded (the shim's own code checked: memcheck is told not to
# replace the malloc of user libraries), then every unit test binary.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/preload/preload.sh"
command -v valgrind >/dev/null 2>&1 || skip_all "valgrind is not installed"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
VG="valgrind -q --error-exitcode=99 --trace-children=yes
    --soname-synonyms=somalloc=nouserintercepts
    --suppressions=$SRC/tests/preload/valgrind.supp"

memcheck() {
	name=$1; shift
	$VG "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	errors=$(grep -c '^==[0-9]*== [A-Z].*\(Invalid\|uninitialised\|Mismatched\|overlap\|fishy\)' "$tmp/err")
	test "$rc" = 0 && test "$errors" = 0
	ok $? "$name: clean under memcheck (status $rc, $errors errors)"
	if [ "$rc" != 0 ] || [ "$errors" != 0 ]; then
		grep -E '^==|^not ok' "$tmp/err" "$tmp/out" | head -40 | sed 's/^/# /'
	fi
}

# a 512 MiB machine: booting and checking 16 GiB of mem_map is slow here
export GFPSHIM_MEM=512M
memcheck "api under the shim" env LD_PRELOAD="$SHIM" "$BUILD/tests/preload/api" --shim
memcheck "anon_mmap under the shim" env LD_PRELOAD="$SHIM" "$BUILD/tests/preload/anon_mmap"
memcheck "stress under the shim" env LD_PRELOAD="$SHIM" "$BUILD/tests/preload/stress" 3 2 5000
memcheck "forkexec under the shim" env LD_PRELOAD="$SHIM" "$BUILD/tests/preload/forkexec" 3
unset GFPSHIM_MEM

for t in "$BUILD"/tests/unit/test_*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	case $t in *.o|*.log|*.trs) continue ;; esac
	memcheck "unit test $(basename "$t")" "$t"
done
done_testing
