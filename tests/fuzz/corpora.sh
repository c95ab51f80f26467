# The harnesses and the inputs each starts from: sourced by run.sh and
# regress.sh (from the top of the source tree).  seeds_of NAME prints the
# seed files, one a line: the real logs, profiles and rules of tests/ and
# examples/, and tests/fuzz/seeds/NAME.  Inputs that once crashed a
# harness are kept in tests/fuzz/regress/NAME.
FUZZ_HARNESSES="explain replay initial zone_load profile fault_rule gfp options snapshot"

seeds_of() {
	case $1 in
	explain|replay)
		find "$top_srcdir/tests/data/logs" "$top_srcdir/examples" \
			-name '*.log' -o -name '*pagetypeinfo.txt' ;;
	initial|profile)
		find "$top_srcdir/tests/data/profiles" "$top_srcdir/tests/data/map" \
			"$top_srcdir/examples" -name '*.conf' ;;
	*)
		find "$top_srcdir/tests/fuzz/seeds/$1" -type f ;;
	esac
}
