#!/bin/sh
# gfpshim decode, --help and --version: outputs and exit statuses.
. "${top_srcdir:-.}/tests/tap.sh"

GFPSHIM=${top_builddir:-.}/gfpshim
[ -x "$GFPSHIM" ] || skip_all "no $GFPSHIM"
unset GFPSHIM_KERNEL
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# run ARGS...: stdout in $out, stderr in $err, status in $rc
run() {
	"$GFPSHIM" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# expect DESC WANT ARGS...: exit 0 and exactly WANT on stdout
expect() {
	_d=$1 _w=$2; shift 2
	run "$@"
	[ "$rc" = 0 ] && [ "$out" = "$_w" ] && [ -z "$err" ]
	ok $? "$_d"
	[ "$out" = "$_w" ] || printf '# got: %s\n# want: %s\n' "$out" "$_w"
}

# usage DESC PATTERN ARGS...: exit 2, nothing on stdout, PATTERN in stderr
usage() {
	_d=$1 _p=$2; shift 2
	run "$@"
	[ "$rc" = 2 ] && [ -z "$out" ] && printf '%s' "$err" | grep -qF -- "$_p"
	ok $? "$_d"
	[ "$rc" = 2 ] || printf '# exit %s: %s\n' "$rc" "$err"
}

# masks from real logs, on the kernel that printed them
expect "4.9 seed000" "0x2084020(GFP_ATOMIC|__GFP_COMP)" decode 0x2084020 --kernel 4.9
expect "5.4 android seed002" "0xa20(GFP_ATOMIC)" \
	decode 0xa20 --kernel 5.4.125-android11-2-g6d2ca40337f4-dirty-ab2800
expect "5.4 seed003" "0x100cca(GFP_HIGHUSER_MOVABLE)" decode 0x100cca --kernel=5.4
expect "4.18 RHEL seed001" "0x480020(GFP_ATOMIC)" \
	decode 0x480020 --kernel 4.18.0-513.24.1.el8_9.v1.aarch64
expect "5.15 kmalloc_large" "0x40cc0(GFP_KERNEL|__GFP_COMP)" decode 0x40cc0 --kernel 5.15
expect "6.6 atomic" "0x820(GFP_ATOMIC)" decode 0x820 --kernel 6.6
expect "decimal" "0xa20(GFP_ATOMIC)" decode 2592 --kernel 5.4
expect "default kernel is 6.12" "0x2800(GFP_NOWAIT)" decode 0x2800
expect "zero" "0x0()" decode 0
expect "unknown bit as hex" "0x4000cc0(GFP_KERNEL|0x4000000)" decode 0x4000cc0
expect "3.10 tracepoint names" "0x4020(GFP_ATOMIC|GFP_COMP)" decode 0x4020 --kernel 3.10
expect "between lines: 5.13" "0x40a20(GFP_ATOMIC|__GFP_COMP)" decode 0x40a20 --kernel 5.13
expect "6.15+: single flags in bit order (6.16 mm-tree OOM log)" \
	"0x440dc0(GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP)" \
	decode 0x440dc0 --kernel 6.15.0-rc6-00281-g780138b12381
expect "6.14 keeps the old order" "0x440dc0(GFP_KERNEL_ACCOUNT|__GFP_COMP|__GFP_ZERO)" \
	decode 0x440dc0 --kernel 6.14
expect "7.1" "0xc0de0(GFP_KERNEL|__GFP_HIGH|__GFP_ZERO|__GFP_COMP|__GFP_NOMEMALLOC)" \
	decode 0xc0de0 --kernel 7.1

# a kernel newer than the newest known: its rules, and a word on stderr
run decode 0x40dc0 --kernel 7.3
[ "$rc" = 0 ] && [ "$out" = "0x40dc0(GFP_KERNEL|__GFP_ZERO|__GFP_COMP)" ] &&
	[ "$(printf '%s\n' "$err" | grep -c "'7.3': newer than 7.1, the newest kernel whose changes gfpshim knows; 7.1's rules are used")" = 1 ]
ok $? "7.3: 7.1's rules, said once on stderr"
usage "6.20 never existed" "'6.20': expected a kernel version" decode 0 --kernel 6.20

# names -> number
expect "names on 4.9" "0x2084020(GFP_ATOMIC|__GFP_COMP)" decode 'GFP_ATOMIC|__GFP_COMP' --kernel 4.9
expect "names with spaces" "0x2cc0(GFP_KERNEL|__GFP_NOWARN)" decode 'GFP_KERNEL | __GFP_NOWARN'
expect "log form" "0xa20(GFP_ATOMIC)" decode '0xa20(GFP_ATOMIC)' --kernel 5.4
expect "several masks" "0xcc0(GFP_KERNEL)
0x820(GFP_ATOMIC)" decode GFP_KERNEL GFP_ATOMIC
expect "-- ends options" "0xcc0(GFP_KERNEL)" decode -- GFP_KERNEL

# -v
expect "-v 5.4" "0xa20(GFP_ATOMIC) = __GFP_HIGH|__GFP_ATOMIC|__GFP_KSWAPD_RECLAIM" \
	decode -v 0xa20 --kernel 5.4
expect "--verbose with unknown bits" "0x4000820(GFP_ATOMIC|0x4000000) = __GFP_HIGH|__GFP_KSWAPD_RECLAIM|0x4000000" \
	decode --verbose 0x4000820
expect "-v zero" "0x0() = 0" decode -v 0

# GFPSHIM_KERNEL is the default; --kernel wins over it
GFPSHIM_KERNEL=4.9 run decode GFP_KERNEL
[ "$rc" = 0 ] && [ "$out" = "0x24000c0(GFP_KERNEL)" ]; ok $? "GFPSHIM_KERNEL picks the kernel"
GFPSHIM_KERNEL=4.9 run decode GFP_KERNEL --kernel 5.4
[ "$out" = "0xcc0(GFP_KERNEL)" ]; ok $? "--kernel overrides GFPSHIM_KERNEL"
GFPSHIM_KERNEL=2.4 run decode 0
[ "$rc" = 2 ] && printf '%s' "$err" | grep -qF "GFPSHIM_KERNEL '2.4'"; ok $? "bad GFPSHIM_KERNEL names the variable"

# --all: one aligned line per supported kernel
run decode --all GFP_ATOMIC
want="kernel  GFP_ATOMIC
3.10    0x20(GFP_ATOMIC)
4.4     0x2080020(GFP_ATOMIC)
4.9     0x2080020(GFP_ATOMIC)
4.14    0x1080020(GFP_ATOMIC)
4.19    0x480020(GFP_ATOMIC)
5.4     0xa20(GFP_ATOMIC)
5.10    0xa20(GFP_ATOMIC)
5.15    0xa20(GFP_ATOMIC)
6.1     0xa20(GFP_ATOMIC)
6.6     0x820(GFP_ATOMIC)
6.12    0x820(GFP_ATOMIC)"
[ "$rc" = 0 ] && [ "$out" = "$want" ]; ok $? "--all GFP_ATOMIC"
run decode 0xa20 --all
printf '%s\n' "$out" | grep -qx '5.4     0xa20(GFP_ATOMIC)' &&
printf '%s\n' "$out" | grep -qx '6.12    0xa20(GFP_ATOMIC|0x200)' &&
printf '%s\n' "$out" | grep -qx '4.9     0xa20(__GFP_HIGH|__GFP_NOWARN|__GFP_NOFAIL)'
ok $? "--all reads a number with each kernel's bits"
run decode --all __GFP_ZEROTAGS
[ "$rc" = 0 ] && printf '%s\n' "$out" | grep -q '^5.4     -  .*not defined by kernel 5.4' &&
printf '%s\n' "$out" | grep -qx '6.1     0x800000(__GFP_ZEROTAGS)'
ok $? "--all marks kernels without the flag"
run decode --all GFP_KERNEL GFP_NOWAIT
[ "$(printf '%s\n' "$out" | grep -c '^kernel')" = 2 ] &&
printf '%s\n' "$out" | grep -qx '6.12    0x2800(GFP_NOWAIT)' &&
printf '%s\n' "$out" | grep -qx '6.6     0x800(GFP_NOWAIT)'
ok $? "--all with two masks: two tables"

# --help, --version
run --help
[ "$rc" = 0 ] && printf '%s' "$out" | grep -q '^  decode ' ; ok $? "gfpshim --help lists decode"
run -h
[ "$rc" = 0 ] && printf '%s' "$out" | grep -q 'Usage: gfpshim'; ok $? "gfpshim -h"
run --version
[ "$rc" = 0 ] && printf '%s' "$out" | grep -qx 'gfpshim [0-9][0-9.]*'; ok $? "gfpshim --version"
run decode --help
[ "$rc" = 0 ] && printf '%s' "$out" | grep -q 'Usage: gfpshim decode' &&
printf '%s' "$out" | grep -q -- '--all'; ok $? "gfpshim decode --help"
run decode 0xa20 -h
[ "$rc" = 0 ] && printf '%s' "$out" | grep -q 'Usage: gfpshim decode'; ok $? "decode -h after a mask"

# every bad flag and value: exit 2, a message naming it
usage "no command" "Usage: gfpshim"
usage "unknown command" "unknown command 'frobnicate'" frobnicate
usage "unknown top-level option" "unknown option '--frob'" --frob
usage "no mask" "no MASK given" decode
usage "unknown option" "unknown option '-x'" decode -x 0
usage "unknown long option" "unknown option '--kernels'" decode --kernels 5.4 0
usage "--kernel without value" "--kernel needs a version" decode 0 --kernel
usage "--kernel too old" "--kernel '2.6.32': expected a kernel version, 3.10" decode 0 --kernel 2.6.32
usage "--kernel garbage" "--kernel 'latest'" decode 0 --kernel latest
usage "--kernel= empty" "--kernel ''" decode 0 --kernel=
usage "--all with --kernel" "--all and --kernel 5.4 exclude each other" decode --all --kernel 5.4 0
usage "unknown name" "unknown gfp name 'GFP_BOGUS' for kernel 6.12" decode GFP_BOGUS
usage "name of another kernel" "'__GFP_ATOMIC' is not defined by kernel 6.12" decode __GFP_ATOMIC
usage "bad number" "'0xzz' is not a number" decode 0xzz
usage "number too big" "does not fit in a gfp_t" decode 0x100000000
usage "empty mask" "empty gfp mask" decode ''
usage "empty name" "empty name" decode 'GFP_KERNEL||__GFP_COMP'
usage "log from another kernel" "is the kernel version right?" decode '0x2084020(GFP_ATOMIC|__GFP_COMP)'
usage "unclosed log form" "ending with ')'" decode '0xa20(GFP_ATOMIC' --kernel 5.4
usage "one bad mask of two prints nothing" "'NOPE'" decode GFP_KERNEL NOPE
usage "--all: no kernel knows it" "no supported kernel accepts it" decode --all GFP_BOGUS

# output failure is a failure, not a usage error
if [ -w /dev/full ]; then
	"$GFPSHIM" decode 0 >/dev/full 2>"$tmp/err"
	rc=$?
	[ "$rc" = 1 ] && grep -q 'writing the output failed' "$tmp/err"
	ok $? "write error exits 1"
fi

done_testing
