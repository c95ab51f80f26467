#!/bin/sh
# seed000: alloc_ep_req's kmalloc(4 MiB, GFP_ATOMIC) on the C-SKY board
# after a leak of movable memory.
. "${top_srcdir:-.}/tests/tap.sh"
. "${top_srcdir:-.}/tests/examples/example.sh"

bin=$EXAMPLES_BUILD/000_usb_gadget_order10/gadget_read
[ -x "$bin" ] || skip_all "no $bin"

GFPSHIM_PROFILE=csky-4.9-usb-gadget GFPSHIM_COMM=AiApp port "$bin"
ok $([ "$rc" = 1 ]; echo $?) "the read fails after the leak (exit 1)"
n=$(printf '%s\n' "$rep" | grep -c "page allocation failure\|invoked oom-killer")
ok $([ "$n" = 1 ]; echo $?) "exactly one report: the leak itself never fails"
line_is "header: order 10, 4.9's GFP_ATOMIC|__GFP_COMP" 1 \
	"AiApp: page allocation failure: order:10, mode:0x2084020(GFP_ATOMIC|__GFP_COMP)"
has "4.9 dump_stack line" "CPU: 0 PID: "
has "release 4.9.56" "Comm: AiApp Not tainted 4.9.56 #1"
before "the backtrace shows alloc_ep_req under source_sink_recv" \
	"] alloc_ep_req+" "] source_sink_recv+"
before "… under usb_sourcesink_read" "] usb_sourcesink_bulk_read+" \
	"] usb_sourcesink_read+"
has "present and managed as in the log" "present:1048572kB managed:734568kB"
has "watermarks as the log prints them (computed before CMA was managed)" \
	" min:2444kB low:3052kB high:3660kB "
buddy=$(printf '%s\n' "$rep" | grep '^Normal: ' | head -n 1)
case $buddy in *" 0*4096kB"*|"") c=1 ;; *"*4096kB (C) = "*) c=0 ;; *) c=1 ;; esac
ok $c "the buddy line ends with free 4096kB (C) blocks"
case $buddy in *"4096kB (U"*|*"4096kB (M"*|*"4096kB (E"*) c=1 ;; *) c=0 ;; esac
ok $c "no free order-10 block outside CMA"
has "pages cma reserved" "90112 pages cma reserved"
has "pages reserved" "78501 pages reserved"

GFPSHIM_PROFILE=csky-4.9-usb-gadget port "$bin" --no-leak
ok $([ "$rc" = 0 ] && [ -z "$rep" ]; echo $?) \
	"without the leak the 4 MiB request is served"

done_testing
