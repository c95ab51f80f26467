#!/bin/sh
# The layer rules of docs/ARCHITECTURE.md on this tree and its objects,
# then the checker itself on a tree that breaks each source rule.
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 not installed"; exit 0; }
command -v nm >/dev/null || { echo "1..0 # SKIP nm not installed"; exit 0; }
S=${top_srcdir:-.}
B=${top_builddir:-.}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

python3 "$S/tests/layers.py" "$S" "$B" > "$tmp/out"
status=$?
grep -v '^1\.\.' "$tmp/out"
n=$(grep -c '^\(not \)\?ok ' "$tmp/out")

# An upward include, a private header used outside its folder, a bare
# include name and an include cycle: each must be reported.
mkdir -p "$tmp/bad/lib/base" "$tmp/bad/lib/mm"
printf '#include "mm/page_alloc.h"\n' > "$tmp/bad/lib/base/prim.c"
printf '#include "mm/internal.h"\n' > "$tmp/bad/lib/base/prng.c"
printf '#include "mmzone.h"\n' > "$tmp/bad/lib/mm/buddy.c"
printf '#include "mm/mmzone.h"\n' > "$tmp/bad/lib/mm/page_alloc.h"
printf '#include "mm/page_alloc.h"\n' > "$tmp/bad/lib/mm/mmzone.h"
printf '\n' > "$tmp/bad/lib/mm/internal.h"
python3 "$S/tests/layers.py" "$tmp/bad" > "$tmp/bad.out"
bad=$?
ok=0
for want in 'not ok 2 - includes run only' 'lib/base/prim.c (lib/base) includes "mm/page_alloc.h"' \
	'lib/mm/buddy.c: #include "mmzone.h" names no folder' \
	'not ok 3 - private headers' 'not ok 4 - no include cycle'; do
	grep -qF "$want" "$tmp/bad.out" || { echo "# missing: $want"; ok=1; }
done
[ "$bad" != 0 ] || ok=1
n=$((n + 1))
if [ "$ok" = 0 ]; then echo "ok $n - the checker reports each broken rule"
else echo "not ok $n - the checker reports each broken rule"; sed 's/^/# /' "$tmp/bad.out"; status=1; fi
echo "1..$n"
exit $status
