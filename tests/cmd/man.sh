#!/bin/sh
# The manual against the code: every option of the table is in
# 'gfpshim run --help', in gfpshim(1) as a flag and in gfpshim(7) as a
# variable; every profile-file key of lib/machine/machine.c and every built-in
# profile is in gfpshim(7); both pages render with man(1) without a
# warning.
. "${top_srcdir:-.}/tests/tap.sh"

S=${top_srcdir:-.}
B=${top_builddir:-.}
GFPSHIM=$B/gfpshim
[ -x "$GFPSHIM" ] || skip_all "no $GFPSHIM"
[ -r "$B/man/gfpshim.1" ] && [ -r "$B/man/gfpshim.7" ] || skip_all "man pages not built"
command -v man >/dev/null || skip_all "no man(1): install man-db and groff"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

export MANWIDTH=200 LC_ALL=C.UTF-8
for p in 1 7; do
	man --warnings -l "$B/man/gfpshim.$p" > "$tmp/$p.txt" 2> "$tmp/$p.err"
	[ $? = 0 ] && [ ! -s "$tmp/$p.err" ]
	ok $? "gfpshim($p) renders without warnings"
	[ -s "$tmp/$p.err" ] && sed 's/^/# /' "$tmp/$p.err"
done
# the rendered text with hyphens as typed, for grep
sed 's/‐/-/g; s/−/-/g' "$tmp/1.txt" > "$tmp/1" && sed 's/‐/-/g; s/−/-/g' "$tmp/7.txt" > "$tmp/7"

# the table's rows, as lib/options/options.c defines them
sed -n 's/^.*\[OPT_[A-Z_]*\] = { OPT_[A-Z_]*, "\(GFPSHIM_[A-Z_]*\)", "\([a-z-]*\)".*/\1 \2/p' \
	"$S/lib/options/options.c" > "$tmp/table"
[ "$(wc -l < "$tmp/table")" -ge 10 ]; ok $? "the options table has its rows"
"$GFPSHIM" run --help > "$tmp/help"
while read -r var flag; do
	grep -q "^  --$flag[=[]" "$tmp/help" && grep -q "($var)" "$tmp/help"
	ok $? "run --help: --$flag ($var)"
	grep -q "^ *--$flag[=[]" "$tmp/1"; ok $? "gfpshim(1): --$flag"
	grep -q "^ *$var=" "$tmp/7"; ok $? "gfpshim(7): $var"
done < "$tmp/table"

# profile-file keys and built-in profiles
keys=$(sed -n '/^static const struct key keys\[\] = {/,/^};/s/^	{ "\([a-z_]*\)".*/\1/p' "$S/lib/machine/machine.c")
[ -n "$keys" ]; ok $? "lib/machine/machine.c has profile keys"
for k in $keys; do
	grep -qw -- "$k" "$tmp/7"; ok $? "gfpshim(7): profile key $k"
done
profiles=$(sed -n 's/^		\.name = "\([^"]*\)",$/\1/p' "$S/lib/machine/profiles.c")
for p in $profiles; do
	grep -q "^ *$p\$" "$tmp/7"; ok $? "gfpshim(7): profile $p"
done

# commands, the rule grammar, kernels
for c in run sweep decode explain; do
	grep -q "^ *gfpshim $c" "$tmp/1"; ok $? "gfpshim(1): gfpshim $c"
done
for f in --mode --jobs --timeout --max-runs --dir --json --quiet --dry-run; do
	grep -q -- "$f" "$tmp/1"; ok $? "gfpshim(1): $f"
done
grep -q "rules    := rule { ';' rule }" "$tmp/7" &&
	grep -q "stack=unique:/tmp/run.stacks" "$tmp/7"
ok $? "gfpshim(7): the rule grammar and its examples from lib/fault/fault_parse.c"
grep -q "Supported: 3.10, .*6.12" "$tmp/7"; ok $? "gfpshim(7): kernel versions"

done_testing
