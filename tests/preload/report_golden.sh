#!/bin/sh
# Golden reports under the shim: a real program fills the simulated memory
# of a device profile until the page allocator refuses it, and every line
# of the report must have the shape of the real logs (report_shape) for
# 4.9, 5.4, 5.10, 6.1 and 6.6; seed002's and seed003's headers byte for
# byte where comm, order, gfp and version match; the SLUB, vmalloc and OOM
# texts; __GFP_NOWARN silence; ratelimits per version; timestamps.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/preload/report_env.sh"
PROG=$BUILD/tests/preload/report_prog
SHAPE=$BUILD/tests/preload/report_shape
LOGS=$SRC/tests/data/logs
T=${TMPDIR:-/tmp}/gfpshim-golden.$$
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT

# A 64 KiB GFP_ATOMIC malloc is kmalloc_large order 4; GFP_ATOMIC never
# takes CMA pages, so it fails once the non-CMA memory is used up.
for k in 4.9 5.4 5.10 6.1 6.6; do
	case $k in
	4.9) profile=csky-4.9-usb-gadget extra= ;;
	5.4) profile=amlogic-5.4 extra= ;;
	5.10) profile=amlogic-5.4 extra=5.10 ;;
	*) profile=amlogic-5.4 extra=6.1 ;;
	esac
	GFPSHIM_PROFILE=$profile GFPSHIM_KERNEL=$k GFPSHIM_MALLOC_GFP=GFP_ATOMIC \
		shim "$PROG" fill 65536 >"$T/out.$k" 2>"$T/rep.$k"
	check "$k: the program sees ENOMEM after filling memory" -- \
		grep -q 'errno: 12$' "$T/out.$k"
	check "$k: one page allocation failure report" -- \
		test "$(grep -c ': page allocation failure: order:4, mode:' "$T/rep.$k")" = 1
	"$SHAPE" "$T/rep.$k" $extra >"$T/shape.$k"
	ok $? "$k: every line has a kernel shape ($(tail -1 "$T/shape.$k"))"
	check "$k: the backtrace is the program's, from its fill()" -- \
		grep -Eq '^( |\[<[0-9a-f]+>\] )fill\+0x[0-9a-f]+/0x[0-9a-f]+$' "$T/rep.$k"
	check "$k: no frame of the shim itself" -- \
		sh -c "! grep -q 'libgfpshim' '$T/rep.$k'"
done
check "4.9: no nodemask in the header" -- \
	grep -q '^report_prog: page allocation failure: order:4, mode:0x2084020(GFP_ATOMIC|__GFP_COMP)$' "$T/rep.4.9"
check "4.9: csky's Call Trace with addresses" -- \
	grep -Eq '^\[<[0-9a-f]{8,}>\] fill\+' "$T/rep.4.9"
check "6.1: 6.1's zone line fields" -- grep -q '^DMA32 free:[0-9]*kB boost:0kB min:' "$T/rep.6.1"

# seed002: kworker/0:0, order 4, GFP_ATOMIC, 5.4, the Amlogic board.  The
# request comes through kmalloc_large, which adds __GFP_COMP as mainline
# 5.4's kmalloc_order() does, so the mode is 0x40a20(GFP_ATOMIC|__GFP_COMP)
# where the log (a direct alloc_pages) says 0xa20(GFP_ATOMIC); the rest of
# the line is the log's.  The CPU line differs in the pid and the taint.
GFPSHIM_PROFILE=amlogic-5.4 GFPSHIM_COMM=kworker/0:0 GFPSHIM_MALLOC_GFP=GFP_ATOMIC \
	shim "$PROG" fill 65536 >"$T/out" 2>"$T/seed002"
want=$(head -1 "$LOGS/seed002-arm64-5.4-android-order4-atomic-cma.log" |
	sed 's/mode:0xa20(GFP_ATOMIC)/mode:0x40a20(GFP_ATOMIC|__GFP_COMP)/')
check "seed002: the header line, byte for byte (mode with __GFP_COMP)" -- \
	test "$(head -1 "$T/seed002")" = "$want"
check "seed002: the CPU line but for pid and taint" -- \
	grep -Eqx 'CPU: 0 PID: [0-9]+ Comm: kworker/0:0 Not tainted 5\.4\.125-android11-2-g6d2ca40337f4-dirty-ab2800 #1' "$T/seed002"
check "seed002: Hardware name and Call trace lines as in the log" -- \
	test "$(sed -n 2,3p "$T/seed002" | tail -1; sed -n 4p "$T/seed002")" = \
	     "$(sed -n 3p "$LOGS/seed002-arm64-5.4-android-order4-atomic-cma.log"; sed -n 5p "$LOGS/seed002-arm64-5.4-android-order4-atomic-cma.log")"
check "seed002: the machine's totals as in the log" -- \
	grep -q '^917504 pages RAM$' "$T/seed002"

# seed003: an anonymous page fault that the OOM killer handles
GFPSHIM_PROFILE=arm64-5.4-64k-cma GFPSHIM_COMM=oncealloc2 \
	shim "$PROG" mmapfill 1048576 >"$T/out" 2>"$T/seed003"
want=$(head -1 "$LOGS/seed003-arm64-5.4-oom-highuser-movable-cma-64k.log" | sed 's/^\[[ 0-9.]*\] //')
check "seed003: the OOM header, byte for byte" -- test "$(head -1 "$T/seed003")" = "$want"
"$SHAPE" "$T/seed003" >"$T/shape"
ok $? "seed003: every line has a kernel shape ($(tail -1 "$T/shape"))"
check "seed003: the program sees ENOMEM (GFPSHIM_OOM=null)" -- grep -q 'errno: 12$' "$T/out"

# SLUB: the min-order page request's report, then slab_out_of_memory()
GFPSHIM_KERNEL=5.4 GFPSHIM_MEM=64M GFPSHIM_MALLOC_GFP=GFP_ATOMIC \
	shim "$PROG" fill 1024 >"$T/out" 2>"$T/slab"
check "slab: page allocation failure for order 0 with the cache's flags" -- \
	grep -q '^report_prog: page allocation failure: order:0, mode:0x40a20(GFP_ATOMIC|__GFP_COMP), nodemask=(null),cpuset=/,mems_allowed=0$' "$T/slab"
check "slab: SLUB's lines with the caller's mask" -- \
	grep -q '^SLUB: Unable to allocate memory on node -1, gfp=0xa20(GFP_ATOMIC)$' "$T/slab"
check "slab: the cache line" -- \
	grep -q '^  cache: kmalloc-1k, object size: 1024, buffer size: 1024, default order: [0-9], min order: 0$' "$T/slab"
n=$(sed -n 's/^blocks: \([0-9]*\).*/\1/p' "$T/out")
check "slab: the node line counts the objects the program holds ($n)" -- \
	grep -q "^  node 0: slabs: [0-9]*, objs: $n, free: 0$" "$T/slab"
GFPSHIM_KERNEL=6.12 GFPSHIM_MEM=64M GFPSHIM_MALLOC_GFP=GFP_ATOMIC \
	shim "$PROG" fill 1024 >"$T/out" 2>"$T/slab"
check "slab 6.12: the CPU form of SLUB's first line" -- \
	grep -q '^SLUB: Unable to allocate memory on CPU 0 (of node 0) on node -1, gfp=0x820(GFP_ATOMIC)$' "$T/slab"

# vmalloc: big mallocs are vm areas; their failures print vmalloc's text
GFPSHIM_KERNEL=6.1 GFPSHIM_MEM=64M GFPSHIM_MALLOC_GFP=GFP_ATOMIC \
	shim "$PROG" fill 8388608 >"$T/out" 2>"$T/vm"
check "vmalloc 6.1: page order text with __GFP_HIGHMEM" -- \
	grep -q '^report_prog: vmalloc error: size 8388608, page order 0, failed to allocate pages, mode:0xa22(GFP_ATOMIC|__GFP_HIGHMEM), nodemask=(null),cpuset=/,mems_allowed=0$' "$T/vm"
GFPSHIM_KERNEL=5.4 GFPSHIM_MEM=64M GFPSHIM_MALLOC_GFP=GFP_ATOMIC \
	shim "$PROG" fill 8388608 >"$T/out" 2>"$T/vm"
check "vmalloc 5.4: allocated N of M bytes, the caller's mask" -- \
	grep -Eq '^report_prog: vmalloc: allocation failure, allocated [0-9]+ of 8388608 bytes, mode:0xa20\(GFP_ATOMIC\), nodemask=\(null\),cpuset=/,mems_allowed=0$' "$T/vm"
GFPSHIM_KERNEL=6.6 GFPSHIM_MEM=64M shim "$PROG" count 1 2147483648 >"$T/out" 2>"$T/vm"
check "vmalloc: a size above total pages" -- \
	grep -q '^report_prog: vmalloc error: size 2147483648, exceeds total pages, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0$' "$T/vm"
GFPSHIM_FAIL=site=vmalloc shim "$PROG" count 1 8388608 >"$T/out" 2>"$T/vm"
check "vmalloc injected: fail_dump, then vmalloc's own text" -- \
	test "$(grep -c '^FAULT_INJECTION' "$T/vm")" = 1 -a \
	     "$(grep -c 'vmalloc error: size 8388608, failed to allocate pages' "$T/vm")" = 1

# __GFP_NOWARN: failures without a word
GFPSHIM_PROFILE=amlogic-5.4 GFPSHIM_MALLOC_GFP='GFP_ATOMIC|__GFP_NOWARN' \
	shim "$PROG" fillmore 65536 5 >"$T/out" 2>"$T/err"
check "NOWARN: the requests fail" -- grep -q 'more failures: 5$' "$T/out"
check "NOWARN: nothing printed" -- test ! -s "$T/err"

# ratelimits: 5.0+ one report per 10 s; 4.9 ten per 5 s, then
# "warn_alloc: N callbacks suppressed" before the next one
GFPSHIM_PROFILE=amlogic-5.4 GFPSHIM_MALLOC_GFP=GFP_ATOMIC \
	shim "$PROG" fillmore 65536 20 >"$T/out" 2>"$T/err"
check "5.4 ratelimit: 21 failures, one report" -- \
	test "$(grep -c 'page allocation failure' "$T/err")" = 1
GFPSHIM_RATELIMIT=off GFPSHIM_PROFILE=amlogic-5.4 GFPSHIM_MALLOC_GFP=GFP_ATOMIC \
	shim "$PROG" fillmore 65536 20 >"$T/out" 2>"$T/err"
check "GFPSHIM_RATELIMIT=off: 21 failures, 21 reports" -- \
	test "$(grep -c 'page allocation failure' "$T/err")" = 21
GFPSHIM_PROFILE=csky-4.9-usb-gadget GFPSHIM_MALLOC_GFP=GFP_ATOMIC \
	shim "$PROG" fillmore 65536 14 5200 >"$T/out" 2>"$T/err"
check "4.9 ratelimit: ten reports in the first 5 s, one after" -- \
	test "$(grep -c 'page allocation failure' "$T/err")" = 11
check "4.9 ratelimit: the five suppressed are counted before the 11th" -- \
	test "$(grep -c '^warn_alloc: 5 callbacks suppressed$' "$T/err")" = 1

# timestamps: every line of the report
GFPSHIM_TIMESTAMPS=1 GFPSHIM_PROFILE=amlogic-5.4 GFPSHIM_MALLOC_GFP=GFP_ATOMIC \
	shim "$PROG" fill 65536 >"$T/out" 2>"$T/err"
check "timestamps: every line starts with [    S.UUUUUU]" -- \
	test "$(grep -cv '^\[ *[0-9]*\.[0-9]\{6\}\] ' "$T/err")" = 0 -a -s "$T/err"
"$SHAPE" "$T/err" >"$T/shape"
ok $? "timestamps: the lines keep their shapes ($(tail -1 "$T/shape"))"
done_testing
