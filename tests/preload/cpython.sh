#!/bin/sh
# A part of CPython's own test suite under the shim, with PYTHONMALLOC=malloc
# so that every object goes through the interposed malloc (Debian package
# libpython3.X-testsuite).
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/preload/preload.sh"
py=/usr/bin/python3
[ -x "$py" ] || skip_all "no /usr/bin/python3"
"$py" -c 'import test.test_dict' 2>/dev/null ||
	skip_all "CPython's test suite is not installed (libpython3-testsuite)"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export PYTHONMALLOC=malloc
for t in test_dict test_list test_set test_unicode test_bytes test_json \
	 test_re test_threading test_mmap; do
	(cd "$tmp" && LD_PRELOAD=$SHIM "$py" -m test "$t") >"$tmp/$t.log" 2>&1
	rc=$?
	ok "$rc" "$t passes under the shim"
	[ "$rc" = 0 ] || tail -25 "$tmp/$t.log" | sed 's/^/# /'
done
done_testing
