#!/bin/sh
# The shim against glibc (and jemalloc, mimalloc, tcmalloc when their
# Debian packages are installed), in the same run:
#   1. bench_alloc: 1 thread, 2 threads with cross-thread frees, mixed
#      sizes 8 B–64 KiB — seconds, and the ratio to glibc's time;
#   2. the transparency programs — wall time and peak RSS, with the ratios
#      shim / glibc.
# Each figure is the best of REPEAT runs (default 3).
#
#   top_builddir=BUILD sh bench/run.sh
set -u
BUILD=$(cd "${top_builddir:-.}" && pwd)
SHIM=$BUILD/.libs/libgfpshim.so
BENCH=$BUILD/bench/bench_alloc
REPEAT=${REPEAT:-3}
[ -f "$SHIM" ] || { echo "bench/run.sh: $SHIM is not built" >&2; exit 2; }
[ -x "$BENCH" ] || { echo "bench/run.sh: $BENCH is not built" >&2; exit 2; }

libdir=/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
others=""
for cand in jemalloc:libjemalloc.so.2 mimalloc:libmimalloc.so.2 \
	    tcmalloc:libtcmalloc_minimal.so.4; do
	name=${cand%%:*} lib=$libdir/${cand#*:}
	[ -f "$lib" ] && others="$others $name=$lib"
done

# best TIME_OF_CMD over REPEAT runs: prints "seconds peak_kb"
measure() {
	best_t="" best_m=""
	i=0
	while [ "$i" -lt "$REPEAT" ]; do
		/usr/bin/time -o "$tmp/time" -f "%e %M" "$@" >/dev/null 2>&1
		out=$(tail -1 "$tmp/time")
		t=${out% *} m=${out#* }
		if [ -z "$best_t" ] || awk "BEGIN { exit !($t < $best_t) }"; then
			best_t=$t
		fi
		if [ -z "$best_m" ] || [ "$m" -lt "$best_m" ]; then
			best_m=$m
		fi
		i=$((i + 1))
	done
	echo "$best_t $best_m"
}

# the benchmark prints its own elapsed time: best of REPEAT
bench_best() {
	best=""
	i=0
	while [ "$i" -lt "$REPEAT" ]; do
		t=$("$@" 2>/dev/null)
		if [ -z "$best" ] || awk "BEGIN { exit !($t < $best) }"; then
			best=$t
		fi
		i=$((i + 1))
	done
	echo "$best"
}

ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }

echo "== bench_alloc (seconds, best of $REPEAT; ratio to glibc) =="
printf "%-8s %10s %16s" mode glibc gfpshim
for o in $others; do printf " %16s" "${o%%=*}"; done
echo
for mode in 1t cross mixed; do
	g=$(bench_best "$BENCH" "$mode")
	s=$(bench_best env LD_PRELOAD="$SHIM" "$BENCH" "$mode")
	printf "%-8s %10s %8s (%5sx)" "$mode" "$g" "$s" "$(ratio "$s" "$g")"
	for o in $others; do
		t=$(bench_best env LD_PRELOAD="${o#*=}" "$BENCH" "$mode")
		printf " %8s (%5sx)" "$t" "$(ratio "$t" "$g")"
	done
	echo
done
echo "targets: 1t <= 0.80x, cross <= 0.50x"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export LC_ALL=C PYTHONHASHSEED=0 PYTHONMALLOC=malloc
awk 'BEGIN { x = 1; for (i = 0; i < 1000000; i++) { x = (x * 1103515245 + 12345) % 2147483648; print x, "line" i } }' >sort.in
awk 'BEGIN { print "#include <stdio.h>"; for (i = 0; i < 1500; i++) printf "static int f%d(int x) { int a[16]; for (int i = 0; i < 16; i++) a[i] = x * %d + i; return a[x & 15] ^ %d; }\n", i, i, i; print "int main(void) { long s = 0;"; for (i = 0; i < 1500; i++) printf "s += f%d(%d);\n", i, i; print "printf(\"%ld\\n\", s); return 0; }" }' >gen.c
awk 'BEGIN { for (i = 0; i < 1500000; i++) print i * i, "some text that compresses", i % 13 }' >xz.in
cat >prog.py <<'EOF'
import json, re
d = {str(i): [i] * (i % 7) for i in range(600000)}
s = json.dumps(d, sort_keys=True)
print(len(s), len(re.findall(r"[0-9]+", s)))
EOF
cat >prog.sql <<'EOF'
create table t(a integer primary key, b text);
with recursive n(x) as (select 1 union all select x + 1 from n where x < 600000)
insert into t select x, hex(x * 7919 % 100003) from n;
create index tb on t(b);
select count(*), max(b) from t;
EOF
cat >prog.tcl <<'EOF'
set d [dict create]
for {set i 0} {$i < 300000} {incr i} { dict set d k$i [string repeat x [expr {$i % 40}]] }
puts [dict size $d]
EOF
cat >git.sh <<'EOF'
rm -rf r && git init -q -b main r && cd r || exit 1
for i in $(seq 1 40); do
	seq $i 20000 >f$i && git add f$i &&
	git -c user.name=a -c user.email=a@example.org commit -q -m c$i || exit 1
done
git gc -q && git log --oneline | wc -l
EOF

echo
echo "== programs (wall seconds and peak RSS, best of $REPEAT; shim / glibc) =="
printf "%-10s %8s %8s %6s %10s %10s %6s\n" program glibc gfpshim wall "rss glibc" "rss shim" rss
sum_g=0 sum_s=0
prog() {
	name=$1; shift
	set -- $(measure "$@") "$@"
	gt=$1 gm=$2; shift 2
	set -- $(measure env LD_PRELOAD="$SHIM" "$@")
	st=$1 sm=$2
	printf "%-10s %8s %8s %6s %9sK %9sK %6s\n" "$name" "$gt" "$st" \
		"$(ratio "$st" "$gt")" "$gm" "$sm" "$(ratio "$sm" "$gm")"
	sum_g=$(awk "BEGIN { print $sum_g + $gt }")
	sum_s=$(awk "BEGIN { print $sum_s + $st }")
}
prog python3 /usr/bin/python3 prog.py
prog sqlite3 sqlite3 :memory: -init /dev/null ".read prog.sql"
prog perl perl -e 'my %h; $h{$_ * 7919 % 1000003} = "x" x ($_ % 50) for 1 .. 600000; my @k = sort { $a <=> $b } keys %h; print scalar(@k), "\n";'
prog tclsh tclsh prog.tcl
prog sort sort -k1,1n -S 64M sort.in
prog gcc gcc -O2 -c -o gen.o gen.c
prog "xz -T2" xz -T2 --block-size=4MiB -c -k xz.in
prog git sh git.sh
echo "total wall: glibc ${sum_g}s, gfpshim ${sum_s}s ($(ratio "$sum_s" "$sum_g")x); targets: wall <= 1.10x, peak RSS <= 1.25x"
