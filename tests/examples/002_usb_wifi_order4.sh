#!/bin/sh
# seed002: glSetHifInfo's kmalloc(64 KiB, GFP_ATOMIC) on the Amlogic box,
# on the heap of the log (leaked.conf) and of the boot pagetypeinfo.
. "${top_srcdir:-.}/tests/tap.sh"
. "${top_srcdir:-.}/tests/examples/example.sh"

dir=$EXAMPLES_SRC/002_usb_wifi_order4
bin=$EXAMPLES_BUILD/002_usb_wifi_order4/wifi_probe
log=${top_srcdir:-.}/tests/data/logs/seed002-arm64-5.4-android-order4-atomic-cma.log
[ -x "$bin" ] || skip_all "no $bin"

GFPSHIM_PROFILE=$dir/leaked.conf GFPSHIM_COMM=kworker/0:0 port "$bin"
ok $([ "$rc" = 1 ]; echo $?) "the probe fails on the leaked heap (exit 1)"
line_is "header: order 4, mainline 5.4's kmalloc_large mask" 1 \
	"kworker/0:0: page allocation failure: order:4, mode:0x40a20(GFP_ATOMIC|__GFP_COMP), nodemask=(null),cpuset=/,mems_allowed=0"
has "Comm and release" "Comm: kworker/0:0 Not tainted 5.4.125-android11-2-g6d2ca40337f4-dirty-ab2800 #1"
has "Hardware name" "Hardware name: Amlogic (DT)"
before "the backtrace shows the port: glSetHifInfo then glRegisterBus" \
	" glSetHifInfo+" " glRegisterBus+"
has "watermarks as the log prints them" \
	"DMA32 free:633204kB min:10240kB low:21996kB high:32740kB"
has "free_cma as in the log" "free_cma:583960kB"
want=$(log_line "$log" "DMA32: ")
first_line "the buddy line is the log's: nothing >= 64kB outside CMA" \
	"DMA32: " "$want"
has "(C) blocks of 64kB and more are free" "305*64kB (C)"
has "pages cma reserved" "242688 pages cma reserved"

GFPSHIM_PROFILE=$dir/leaked.conf port "$bin" --movable
ok $([ "$rc" = 0 ] && [ -z "$rep" ]; echo $?) \
	"with __GFP_MOVABLE the request may use CMA and succeeds"

GFPSHIM_PROFILE=$dir/boot.conf port "$bin"
ok $([ "$rc" = 0 ] && [ -z "$rep" ]; echo $?) \
	"on the boot heap (pagetypeinfo) the probe succeeds"

done_testing
