#!/bin/sh
# seed001: virtio-net's atomic order-0 RX refills on the RHEL 8 arm64
# guest (64K pages, 4.18), from the log's zone and buddy lines.
. "${top_srcdir:-.}/tests/tap.sh"
. "${top_srcdir:-.}/tests/examples/example.sh"

dir=$EXAMPLES_SRC/001_virtio_net_order0
bin=$EXAMPLES_BUILD/001_virtio_net_order0/virtio_rx
[ -x "$bin" ] || skip_all "no $bin"

# field NAME LINE: the number in " NAME:NkB" of LINE
field() {
	printf '%s\n' "$2" | sed -n "s/.* $1:\([0-9]*\)kB.*/\1/p"
}

GFPSHIM_PROFILE=$dir/rx_pressure.conf GFPSHIM_COMM=sfs_client port "$bin"
ok $([ "$rc" = 1 ]; echo $?) "a refill fails (exit 1)"
n=$(printf '%s\n' "$rep" | grep -c "page allocation failure\|invoked oom-killer")
ok $([ "$n" = 1 ]; echo $?) "exactly one report"
line_is "header: order 0, 4.18's GFP_ATOMIC" 1 \
	"sfs_client: page allocation failure: order:0, mode:0x480020(GFP_ATOMIC), nodemask=(null)"
has "Comm and release" "Comm: sfs_client Not tainted 4.18.0-513.24.1.el8_9.v1.aarch64 #1"
before "the backtrace: skb_page_frag_refill under try_fill_recv" \
	" skb_page_frag_refill+" " try_fill_recv+"
before "… under virtnet_poll" " try_fill_recv+" " virtnet_poll+"
pages=$(printf '%s\n' "$out" | sed -n 's/^virtio_net: \([0-9]*\) pages .*failed$/\1/p')
ok $([ -n "$pages" ] && [ "$pages" -gt 1000 ]; echo $?) \
	"over a thousand 64K pages were refilled before the failure ($pages)"

dma32=$(printf '%s\n' "$rep" | grep '^Node 0 DMA32 free:' | head -n 1)
normal=$(printf '%s\n' "$rep" | grep '^Node 0 Normal free:' | head -n 1)
reserve=$(printf '%s\n' "$rep" | grep -A1 '^Node 0 DMA32 free:' | sed -n 's/^lowmem_reserve\[\]: [0-9]* \([0-9]*\) .*/\1/p' | head -n 1)
free=$(field free "$dma32")
min=$(field min "$dma32")
has "the log's watermarks and sizes" \
	"min:528320kB low:531200kB high:534080kB"
has "the log's lowmem_reserve" "lowmem_reserve[]: 0 316 316"
ok $([ -n "$free" ] && [ "$free" -gt 204800 ]; echo $?) \
	"DMA32 shows over 200 MB free (${free}kB)"
nfree=$(field free "$normal")
ok $([ -n "$nfree" ] && [ $((free + nfree)) -gt 409600 ]; echo $?) \
	"hundreds of MB free in the two zones ($((free + nfree))kB)"
# __zone_watermark_ok() on 4.18 for GFP_ATOMIC: min − min/2 (ALLOC_HIGH),
# then − a quarter (ALLOC_HARDER), + lowmem_reserve[Normal]
if [ -n "$min" ] && [ -n "$reserve" ]; then
	m=$((min / 64)); m=$((m - m / 2)); m=$((m - m / 4))
	ok $([ $((free / 64)) -le $((m + reserve)) ]; echo $?) \
		"DMA32 free $((free / 64)) pages <= discounted min $m + reserve $reserve"
	ok $([ $((m + reserve)) = 3412 ]; echo $?) "the limit is 3412 pages (218368kB)"
else
	ok 1 "DMA32 zone line and lowmem_reserve in the report"
	ok 1 "the limit is 3412 pages (218368kB)"
fi

done_testing
