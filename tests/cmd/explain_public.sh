#!/bin/sh
# gfpshim explain on real logs from public threads (tests/data/logs/public,
# each with its source address on the first line): the reports found, the
# request decoded, the kernel inferred, the verdict and the numbers behind
# it, worked out by hand with that kernel's __zone_watermark_ok().
. "${top_srcdir:-.}/tests/tap.sh"

GFPSHIM=${top_builddir:-.}/gfpshim
[ -x "$GFPSHIM" ] || skip_all "no $GFPSHIM"
LOGS=${top_srcdir:-.}/tests/data/logs/public
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

run() {
	"$GFPSHIM" explain "$LOGS/$1" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	"$GFPSHIM" explain --json "$LOGS/$1" >"$tmp/json" 2>>"$tmp/err"
}
has() { grep -qF -- "$1" "$tmp/out"; }
json_has() { grep -qF -- "$1" "$tmp/json"; }
reports() { [ "$(grep -c '^Report ' "$tmp/out")" = "$1" ]; }
no_problems() { ! grep -q '^Lines not read' "$tmp/out" && json_has '"problems":[]'; }

# Every log names where it came from.
for f in "$LOGS"/*.log; do
	head -n 1 "$f" | grep -q '^# source: [a-z]*://'
	ok $? "$(basename "$f") names its source"
done

# RHEL 7 (3.10.0-514), x86_64, syslog without a host, #012 escapes, lines
# wrapped by the blog.  mode 0x10c0d0 on 3.10 = GFP_KERNEL|__GFP_COMP|
# __GFP_ZERO|__GFP_KMEMCG (0x100000, 3.8-3.15).  Order 6 = 64 pages:
# Normal free 311184kB = 77796 pages, usable 77796 - 63 = 77733 > min
# 55536kB = 13884, but its largest block is 6*128kB (order 5); DMA32's is
# order 3; DMA has order 10 blocks but 3977 - 63 <= 16 + lowmem_reserve
# 15868.
run el7-3.10-x86_64-order6-kmemcg-syslog.log
[ "$rc" = 0 ] && reports 1 && no_problems &&
	has "task exe: order 6 (256 kB), mode:0x10c0d0" &&
	has "__GFP_WAIT|__GFP_IO|__GFP_FS|__GFP_COMP|__GFP_ZERO|__GFP_KMEMCG"
ok $? "el7 3.10: one failure, order 6, 3.10 mask bits spelled out"
has "kernel 3.10.0: from the dump_stack header (line 3)"
ok $? "el7 3.10: kernel from the CPU line"
has "Verdict: fragmentation: Normal has 77796 free pages, enough for the watermark (min 13884)" &&
	has "the largest free block is order 5" &&
	has "usable 77733 = free 77796 - order tail 63" &&
	has "usable 3914 = free 3977 - order tail 63; <= 16 + 15868: too few pages" &&
	has "-> lowmem-reserve"
ok $? "el7 3.10: fragmentation in Normal, DMA kept by lowmem_reserve"

# 4.10 vmalloc of 20480 bytes that stopped after 12288, cpuset on its own
# line (before 4.19), no Mem-Info posted.
run x86_64-4.10-vmalloc-fatal-signal.log
[ "$rc" = 0 ] && reports 1 && no_problems &&
	has "Report 1, lines 2-5: vmalloc failure" &&
	has "mode:0x14080c2(GFP_KERNEL|__GFP_HIGHMEM|__GFP_ZERO)" &&
	has "vmalloc of 20480 bytes (part allocated)"
ok $? "4.10 vmalloc: one report, the 4.10 mask, the size"
has "kernel 4.10.0: from the dump_stack header (line 4)" &&
	has "zones HighMem and below"
ok $? "4.10 vmalloc: kernel and the zone the mask names"
has "Verdict: the report carries no zone numbers" &&
	has "stopped after 12288 of 20480 bytes" &&
	has "4.10's __vmalloc_area_node() stops (commit 5d17a73a2ebe)"
ok $? "4.10 vmalloc: no numbers, and what a part allocation means"

# 5.7 i686 (X60), quoted-printable as archived: "gfp_mask=3D0x0()",
# "order=3D0", soft breaks inside words.  gfp 0 -> Normal and below;
# Normal free 154644kB = 38661 > min 3484kB = 871; DMA 773 <= 17 + 757
# (lowmem_reserve[Normal], the preferred zone on 5.7).
run i686-5.7-highmem-oom-pagefault-qp.log
[ "$rc" = 0 ] && reports 1 && no_problems &&
	has "Report 1, lines 2-76: OOM killer" &&
	has "task Xorg: order 0 (4 kB), mode:0x0()"
ok $? "i686 5.7 QP: one OOM report, order 0, empty mask (=3D decoded)"
has "kernel 5.7.0: from the dump_stack header (line 4): 5.7.0-rc5-next-20200515+"
ok $? "i686 5.7 QP: release joined across the soft break"
has "Verdict: the snapshot says it should have succeeded: in Normal, 38661 usable free pages are above min 871 + lowmem_reserve 0" &&
	has "usable 773 = free 773; <= 17 + 757: too few pages" &&
	has "pagefault_out_of_memory()" && ! has "HighMem:"
ok $? "i686 5.7 QP: a page-fault OOM, not a page shortage; HighMem not eligible"
json_has '"managed":755379'
ok $? "i686 5.7 QP: managed pages from the three zones"

# 5.15 (kernel_misc_reclaimable, no boost:) x86_64 dmesg -T with aligned
# continuation lines.  Order 6, GFP_KERNEL: Normal 30424 free - 3072
# highatomic - 63 = 27289 > 13854 but largest order 5; DMA32's three
# order-6 blocks are highatomic (H); DMA 3265 <= 16 + 15794.
run x86_64-5.15-order6-dmesg-T.log
[ "$rc" = 0 ] && reports 1 && no_problems &&
	has "task dockerd: order 6 (256 kB), mode:0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO)"
ok $? "5.15 dmesg -T: one failure, order 6, mask"
has "fits the 5.15 to 6.12 lines; assumed 5.15"
ok $? "5.15 dmesg -T: no CPU line, era from mask and format"
has "Verdict: fragmentation: Normal has 30424 free pages" &&
	has "usable 27289 = free 30424 - highatomic 3072 - order tail 63" &&
	has "DMA32 holds 3 free blocks of order >= 6, all in the highatomic reserve" &&
	has "usable 3265 = free 3328 - order tail 63; <= 16 + 15794: too few pages"
ok $? "5.15 dmesg -T: fragmentation, DMA32's order-6 blocks highatomic, DMA reserve"
json_has '"verdict":"fragmentation"' && json_has '"managed":4076131'
ok $? "5.15 dmesg -T: JSON verdict and managed pages"

# 6.6.32 arm64 (TI AM62x), Outlook quoted-printable ("=0A=" for each
# newline).  Order 2 GFP_KERNEL_ACCOUNT: DMA free 50574 - CMA 22870 -
# highatomic 512 - 3 = 27189 > min 5632, but every block >= order 2 is C:
# 385+175+211+75+12+15+1 = 874.
run arm64-6.6-cma-oom-order2-qp.log
[ "$rc" = 0 ] && reports 1 && no_problems &&
	has "task test_samba_blfl: order 2 (16 kB), mode:0x400dc0(GFP_KERNEL_ACCOUNT|__GFP_ZERO)" &&
	has "kernel 6.6.32: from the dump_stack header (line 3)"
ok $? "arm64 6.6 QP: one OOM report, order 2, mask, kernel"
has "Verdict: only CMA left: every free block of order >= 2 (16 kB) in DMA is on a CMA list (874 blocks, 71 MiB)" &&
	has "usable 27189 = free 50574 - CMA 22870 - highatomic 512 - order tail 3; > 5632 + 0"
ok $? "arm64 6.6 QP: only CMA left, with the numbers"

# 6.9.0 ppc32 (PowerMac G4), quoted three levels deep, another CPU's SLUB
# messages inside the call trace.  6.1+ prints only zones <= gfp_zone
# (DMA); free 0 <= min 11208kB = 2802 of which boost 7756kB = 1939.
run ppc32-6.9-gfp-kernel-boost-quoted.log
[ "$rc" = 0 ] && reports 1 && no_problems &&
	has "task kswapd0: order 0 (4 kB), mode:0xcc0(GFP_KERNEL)" &&
	has "kernel 6.9.0: from the dump_stack header (line 4)"
ok $? "ppc32 6.9 quoted: one failure, order 0, mask, kernel"
has "Verdict: below the watermark: DMA has 0 usable free pages, not above min 2802" &&
	has "1939 of the printed min is watermark_boost" &&
	has "no free block at all"
ok $? "ppc32 6.9 quoted: below the boosted watermark"
json_has '"managed":514341'
ok $? "ppc32 6.9 quoted: managed from the totals (HighMem not printed)"

# 5.10 Android arm64 (Samsung), quoted, buddy lines only (no zone lines),
# without "Node 0".  Order 3: Normal's only block >= order 3 is 1*32kB (H);
# DMA32's largest is order 2.
run arm64-5.10-android-oom-order3-buddy-only.log
[ "$rc" = 0 ] && reports 1 && no_problems &&
	has "task qseecomd: order 3 (32 kB), mode:0x40cc0(GFP_KERNEL|__GFP_COMP)"
ok $? "android 5.10 quoted: one OOM report, order 3, mask"
has "Verdict: fragmentation: DMA32 has 7567 free pages by its buddy line (no zone line: its watermark is unknown)" &&
	has "Normal holds 1 free block of order >= 3, all in the highatomic reserve" &&
	has "no zone line: min, lowmem_reserve and free CMA unknown"
ok $? "android 5.10 quoted: fragmentation, the highatomic block, watermark unknown"
json_has '"zone_line":false' && ! json_has '"enough_pages":true'
ok $? "android 5.10 quoted: JSON does not claim a watermark it never saw"

# The two quoted-printable logs parse to the same numbers once decoded.
for f in i686-5.7-highmem-oom-pagefault-qp.log arm64-6.6-cma-oom-order2-qp.log; do
	sed -e :a -e '/=$/{N;s/=\n//;ba' -e '}' -e 's/=0A/\n/g' -e 's/=3D/=/g' \
		"$LOGS/$f" >"$tmp/plain.log"
	"$GFPSHIM" explain "$tmp/plain.log" | sed 's/lines* [0-9-]*//g' >"$tmp/plain.out"
	"$GFPSHIM" explain "$LOGS/$f" | sed 's/lines* [0-9-]*//g' >"$tmp/qp.out"
	cmp -s "$tmp/qp.out" "$tmp/plain.out"
	ok $? "$f: same explanation as its decoded text"
done

# 6.19-rc5 x86_64 (zspages:, free_highatomic:, Balloon:, no writeback_tmp:):
# kswapd0's order-0 GFP_NOFS|__GFP_NOMEMALLOC request.  Normal free 79392kB
# = 19848 pages - highatomic 2048KB (512) = 19336 <= min 80308kB (20077),
# 28672kB (7168) of it boost.
run x86_64-6.19-rc5-kswapd-order0-sheaves.log
[ "$rc" = 0 ] && reports 1 && no_problems &&
	has "task kswapd0: order 0 (4 kB), mode:0xc0c40(GFP_NOFS|__GFP_COMP|__GFP_NOMEMALLOC)" &&
	has "kernel 6.19.0: from the dump_stack header (line 3): 6.19.0-rc5-00027-g40fd0acc45d0"
ok $? "6.19-rc5: one failure, order 0, mask, kernel"
has "Verdict: below the watermark: Normal has 19336 usable free pages, not above min 20077 (printed 20077) + lowmem_reserve 0; 7168 of the printed min is watermark_boost"
ok $? "6.19-rc5: below Normal's boosted min, the highatomic reserve left out"

# The mm tree bound for 6.16 on 6.15-rc6: an OOM report whose mask names
# are in 6.15's bit order; Normal 63212kB = 15803 pages <= min 63532kB.
run x86_64-6.16-mm-oom-order0-lkp.log
[ "$rc" = 0 ] && reports 1 && no_problems &&
	has "task run: order 0 (4 kB), mode:0x440dc0(GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP)"
ok $? "6.16 mm tree: one OOM report, order 0, mask in bit order"
has "Verdict: below the watermark: Normal has 15803 usable free pages, not above min 15883 (printed 15883)"
ok $? "6.16 mm tree: below Normal's min"

done_testing
