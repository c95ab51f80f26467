#!/bin/sh
# seed003: 128 MiB rounds of anonymous memory on the 2 GiB arm64 board
# with 512 MiB CMA (5.4, 64K pages) until the OOM killer; mainline 5.4's
# movable requests use CMA, so the OOM comes with CMA used up, not with
# free_cma:523776kB as on the log's vendor kernel (README).
. "${top_srcdir:-.}/tests/tap.sh"
. "${top_srcdir:-.}/tests/examples/example.sh"

dir=$EXAMPLES_SRC/003_malloc_vs_cma_oom
bin=$EXAMPLES_BUILD/003_malloc_vs_cma_oom/oncealloc
log=${top_srcdir:-.}/tests/data/logs/seed003-arm64-5.4-oom-highuser-movable-cma-64k.log
[ -x "$bin" ] || skip_all "no $bin"

field() {
	printf '%s\n' "$2" | sed -n "s/.* $1:\([0-9]*\)kB.*/\1/p"
}

GFPSHIM_PROFILE=arm64-5.4-64k-cma GFPSHIM_COMM=oncealloc2 port "$bin"
ok $([ "$rc" = 1 ]; echo $?) "a round runs out of memory (exit 1)"
n=$(printf '%s\n' "$rep" | grep -c "page allocation failure\|invoked oom-killer")
ok $([ "$n" = 1 ]; echo $?) "exactly one report"
want=$(sed -n '1s/^\[[ 0-9.]*\] //p' "$log")
line_is "header: the log's OOM-killer line" 1 "$want"
has "Comm, release and hardware" "Comm: oncealloc2 Not tainted 5.4.74 #1"
has "Hardware name" "Hardware name: E2000Q DEMO DDR4 (DT)"
before "the backtrace: do_page_fault under malloc_and_touch" \
	" do_page_fault+" " malloc_and_touch+"
has "pages cma reserved" "8192 pages cma reserved"

# CMA only as a fallback: untouched while non-CMA memory lasts
cma12=$(printf '%s\n' "$out" | sed -n 's/^round 12: .*CmaFree \([0-9]*\) MiB$/\1/p')
ok $([ "$cma12" = 512 ]; echo $?) "CmaFree still 512 MiB at round 12"
mib=$(printf '%s\n' "$out" | sed -n 's/^round [0-9]*: out of memory after \([0-9]*\) MiB$/\1/p')
ok $([ -n "$mib" ] && [ "$mib" -gt 1438 ]; echo $?) \
	"more than the 1438 MiB managed outside CMA was taken ($mib MiB): CMA was used"
zone=$(printf '%s\n' "$rep" | grep '^Node 0 DMA32 free:' | head -n 1)
free=$(field free "$zone"); cma=$(field free_cma "$zone"); min=$(field min "$zone")
ok $([ -n "$free" ] && [ "$free" = "$cma" ]; echo $?) \
	"at the OOM all that is free is CMA (free:${free}kB free_cma:${cma}kB)"
ok $([ -n "$min" ] && [ "$min" = 91584 ] && [ "$free" -le $((min + 16 * 64)) ]; echo $?) \
	"… and at min:91584kB, within one 1 MiB piece"

# the log's own numbers: outside CMA, free was below min
# the zone line is wrapped over four lines, up to free_cma:
lz=$(sed 's/^\[[ 0-9.]*\] //' "$log" | awk '
	/^Node 0 DMA32 free:/ { on = 1 }
	on { printf " %s", $0 }
	on && /free_cma:/ { exit }')
lfree=$(field free "$lz"); lcma=$(field free_cma "$lz"); lmin=$(field min "$lz")
ok $([ $((lfree - lcma)) = 89344 ] && [ $((lfree - lcma)) -le "$lmin" ]; echo $?) \
	"the log: free − free_cma = $((lfree - lcma))kB <= min ${lmin}kB"

GFPSHIM_PROFILE=$dir/at_oom.conf port "$bin" 1
ok $([ "$rc" = 0 ] && [ -z "$rep" ]; echo $?) \
	"on the log's heap mainline 5.4 serves another 128 MiB (movable requests may use CMA)"

done_testing
