# TAP helpers for shell tests: source this file, call `ok COND DESC` or
# `check DESC -- cmd…`, then `done_testing`.
_tap_n=0
_tap_fail=0
ok() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_fail=$((_tap_fail + 1))
	fi
}
check() {
	_desc=$1; shift; [ "$1" = "--" ] && shift
	"$@"; ok $? "$_desc"
}
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}
done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_fail" = 0 ]
}
