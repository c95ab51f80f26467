#!/bin/sh
# Print "N passed, N failed" from automake's check output (one or more
# "# PASS:" blocks; XFAIL counts as passed, XPASS and ERROR as failed).
awk '
/^# PASS: /  { pass  += $3 }
/^# XFAIL: / { pass  += $3 }
/^# SKIP: /  { skip  += $3 }
/^# FAIL: /  { fail  += $3 }
/^# XPASS: / { fail  += $3 }
/^# ERROR: / { fail  += $3 }
END {
	if (pass + fail == 0) fail = 1   # nothing ran: that is a failure
	if (skip) printf "%d passed, %d failed, %d skipped\n", pass, fail, skip
	else      printf "%d passed, %d failed\n", pass, fail
}' "$1"
