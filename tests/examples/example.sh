# Helpers for the examples' golden checks: source after tests/tap.sh.
# Each check runs an example port under a profile and asserts the report's
# header line byte for byte and the Mem-Info facts that matter for the case
# (orders, masks, (C) blocks, watermarks), never whole volatile reports.

EXAMPLES_SRC=${top_srcdir:-.}/examples
EXAMPLES_BUILD=${top_builddir:-.}/examples
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# the machine comes from each run's GFPSHIM_PROFILE alone
unset GFPSHIM_KERNEL GFPSHIM_MEM GFPSHIM_CMA GFPSHIM_CPUS GFPSHIM_FAIL \
	GFPSHIM_MALLOC_GFP GFPSHIM_LOG GFPSHIM_COMM GFPSHIM_TIMESTAMPS \
	GFPSHIM_RATELIMIT GFPSHIM_STRICT_KMALLOC GFPSHIM_SEED

# port NAME ARGS...: run with the environment given before it; stdout in
# $out, the report (stderr) in $rep, exit status in $rc
port() {
	_bin=$1; shift
	"$_bin" "$@" >"$tmp/out" 2>"$tmp/rep"
	rc=$?
	out=$(cat "$tmp/out")
	rep=$(cat "$tmp/rep")
}

# has DESC TEXT: the report contains TEXT (a fixed string)
has() {
	printf '%s\n' "$rep" | grep -qF -- "$2"
	ok $? "$1"
}

# line_is DESC N TEXT: line N of the report is exactly TEXT
line_is() {
	_got=$(printf '%s\n' "$rep" | sed -n "$2p")
	[ "$_got" = "$3" ]
	ok $? "$1"
	[ "$_got" = "$3" ] || printf '# got:  %s\n# want: %s\n' "$_got" "$3"
}

# first_line DESC PREFIX TEXT: the first report line starting with PREFIX
# is exactly TEXT
first_line() {
	_got=$(printf '%s\n' "$rep" | grep -F -- "$2" | head -n 1)
	[ "$_got" = "$3" ]
	ok $? "$1"
	[ "$_got" = "$3" ] || printf '# got:  %s\n# want: %s\n' "$_got" "$3"
}

# before DESC A B: A appears in the report on an earlier line than B
before() {
	_a=$(printf '%s\n' "$rep" | grep -nF -- "$2" | head -n 1 | cut -d: -f1)
	_b=$(printf '%s\n' "$rep" | grep -nF -- "$3" | head -n 1 | cut -d: -f1)
	[ -n "$_a" ] && [ -n "$_b" ] && [ "$_a" -lt "$_b" ]
	ok $? "$1"
}

# log_line FILE PREFIX: the record starting with PREFIX in a real log,
# timestamps dropped and wrapped continuation lines joined
log_line() {
	sed 's/^\[[ 0-9.]*\] //' "$1" | awk -v p="$2" '
		found && /^[0-9]/ { printf " %s", $0; next }
		found { exit }
		index($0, p) == 1 { printf "%s", $0; found = 1 }
		END { print "" }'
}
