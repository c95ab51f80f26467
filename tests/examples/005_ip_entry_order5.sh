#!/bin/sh
# seed004: the module's kmalloc(sizeof(struct ip_entry) = 65640,
# GFP_ATOMIC) on a heap with nothing free of 64 KiB or more; compaction
# (echo 1 > /proc/sys/vm/compact_memory) makes it succeed.
. "${top_srcdir:-.}/tests/tap.sh"
. "${top_srcdir:-.}/tests/examples/example.sh"

dir=$EXAMPLES_SRC/005_ip_entry_order5
bin=$EXAMPLES_BUILD/005_ip_entry_order5/ip_entry
[ -x "$bin" ] || skip_all "no $bin"

# buddyinfo WHEN: the /proc/buddyinfo rows the port printed after
# "(WHEN)", one per zone
buddyinfo() {
	printf '%s\n' "$out" | awk -v w="($1)" '
		index($0, w) { on = 1; next }
		on && /^Node / { print; next }
		on { exit }'
}
# largest_order ROWS: the highest order with a free block in any row
largest_order() {
	printf '%s\n' "$1" | awk '{ for (i = 5; i <= NF; i++) if ($i > 0 && i - 5 > m) m = i - 5 }
		END { print m + 0 }'
}

GFPSHIM_PROFILE=$dir/fragmented.conf GFPSHIM_COMM=ipfilter port "$bin"
ok $([ "$rc" = 0 ]; echo $?) "the insert succeeds after compaction (exit 0)"
n=$(printf '%s\n' "$rep" | grep -c "page allocation failure")
ok $([ "$n" = 1 ]; echo $?) "exactly one report: the insert before compaction"
line_is "header: order 5, 4.18's GFP_ATOMIC|__GFP_COMP" 1 \
	"ipfilter: page allocation failure: order:5, mode:0x484020(GFP_ATOMIC|__GFP_COMP), nodemask=(null)"
has "Comm and release" "Comm: ipfilter Not tainted 4.18.0-348.el8.x86_64 #1"
before "the backtrace shows ip_entry_alloc under ip_entry_insert" \
	" ip_entry_alloc+" " ip_entry_insert+"
printf '%s\n' "$out" | grep -q "^sizeof(struct ip_entry) = 65640: order 5$"
ok $? "sizeof(struct ip_entry) is the article's 65640 bytes, order 5"

rows=$(buddyinfo before)
n=$(printf '%s\n' "$rows" | grep -c "^Node 0, zone ")
ok $([ "$n" = 3 ]; echo $?) "buddyinfo before: DMA, DMA32 and Normal rows"
ok $([ "$(largest_order "$rows")" = 2 ]; echo $?) \
	"buddyinfo before: nothing free of 32 KiB or more (largest order 2)"
has "the report's Normal buddy line: no 64kB block" "0*64kB 0*128kB"
printf '%s\n' "$out" | grep -q "^ipfilter: Failed to allocate memory for ip_entry$"
ok $? "the module's message"

rows=$(buddyinfo "after compaction")
m=$(largest_order "$rows")
ok $([ "$m" -ge 5 ]; echo $?) "buddyinfo after compaction: free blocks of order >= 5 (largest $m)"
moved=$(printf '%s\n' "$out" | sed -n 's/^compaction moved \([0-9]*\) pages$/\1/p')
ok $([ -n "$moved" ] && [ "$moved" -gt 0 ]; echo $?) "compaction moved pages ($moved)"
printf '%s\n' "$out" | grep -q "^ipfilter: ip_entry 0xa000000/0xff000000 inserted (131072 bytes)$"
ok $? "the insert after compaction gets an order-5 block (ksize 128 KiB)"

GFPSHIM_PROFILE=$dir/fragmented.conf port "$bin" --no-compact
ok $([ "$rc" = 1 ]; echo $?) "without compaction the insert fails (exit 1)"

GFPSHIM_PROFILE=$dir/fragmented.conf port "$bin" --gfp-kernel
ok $([ "$rc" = 0 ] && [ -z "$rep" ]; echo $?) \
	"GFP_KERNEL compacts directly and succeeds without a report"

done_testing
