#!/bin/sh
# Transparency: real programs from Debian print the same output, with the
# same exit status, with and without the shim (default machine).  Children
# (gcc's cc1/as/ld, git's helpers, xz's threads) run under the shim too.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/preload/preload.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export LC_ALL=C PYTHONHASHSEED=0 PYTHONMALLOC=malloc

# same NAME CMD…: run CMD twice (in fresh directories) and compare
same() {
	name=$1; shift
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "ok $((_tap_n + 1)) - $name # SKIP $1 is not installed"
		_tap_n=$((_tap_n + 1))
		return
	fi
	rm -rf plain shimmed && mkdir plain shimmed
	(cd plain && "$@" >../plain.out 2>../plain.err); prc=$?
	(cd shimmed && LD_PRELOAD=$SHIM "$@" >../shim.out 2>../shim.err); src=$?
	if [ "$prc" = "$src" ] && cmp -s plain.out shim.out && [ -s plain.out ]; then
		ok 0 "$name: same output and status ($(wc -c <plain.out) bytes)"
	else
		ok 1 "$name: same output and status"
		echo "# status $prc without the shim, $src with it"
		diff plain.out shim.out | head -20 | sed 's/^/# /'
		sed 's/^/# shim stderr: /' shim.err | head -20
	fi
}

cat >prog.py <<'EOF'
import collections, hashlib, json, re, zlib
d = {str(i): [i] * (i % 7) for i in range(200000)}
s = json.dumps(d, sort_keys=True)
words = re.findall(r"[a-z]+", "the quick brown fox jumps over the lazy dog " * 5000)
print(len(s), hashlib.sha256(s.encode()).hexdigest())
print(collections.Counter(words).most_common(3))
print(len(zlib.compress(s.encode() * 3)))
big = [bytes(range(256)) * (i % 64) for i in range(20000)]
print(sum(map(len, big)), sorted(set(x % 97 for x in range(100000)))[:5])
EOF
same "python3 (PYTHONMALLOC=malloc)" /usr/bin/python3 "$tmp/prog.py"

cat >prog.sql <<'EOF'
create table t(a integer primary key, b text, c real);
with recursive n(x) as (select 1 union all select x + 1 from n where x < 200000)
insert into t select x, hex(x * 7919 % 100003), x / 3.0 from n;
create index tb on t(b);
select count(*), sum(a), max(b), round(avg(c), 3) from t;
select b, count(*) from t group by substr(b, 1, 2) order by 2 desc, 1 limit 5;
delete from t where a % 3 = 0;
vacuum;
select count(*), min(b) from t;
EOF
same "sqlite3" sqlite3 :memory: -init /dev/null ".read $tmp/prog.sql"

same "perl" perl -e '
	my %h; $h{$_ * 7919 % 100003} = "x" x ($_ % 50) for 1 .. 200000;
	my @k = sort { $a <=> $b } keys %h;
	my $s = join(",", @k[0 .. 9]);
	my $t = 0; $t += length($h{$_}) for @k;
	my @m = ("abc" x 10000) =~ /(b)/g;
	print scalar(@k), " $s $t ", scalar(@m), "\n";'

cat >prog.tcl <<'EOF'
set d [dict create]
for {set i 0} {$i < 100000} {incr i} { dict set d k$i [string repeat x [expr {$i % 40}]] }
set l [lsort -dictionary [dict keys $d]]
puts "[dict size $d] [lindex $l 0] [lindex $l end] [string length [join $l ,]]"
set s ""
for {set i 0} {$i < 20000} {incr i} { append s [format %05d $i] }
puts [string length $s]
EOF
same "tclsh" tclsh "$tmp/prog.tcl"

awk 'BEGIN { x = 1; for (i = 0; i < 300000; i++) { x = (x * 1103515245 + 12345) % 2147483648; print x, "line" i } }' >sort.in
same "sort" sort -k1,1n -S 16M "$tmp/sort.in"
same "sort -u" sort -u -r "$tmp/sort.in"

awk 'BEGIN {
	print "#include <stdio.h>"
	for (i = 0; i < 400; i++) {
		printf "static int f%d(int x) { int a[16]; for (int i = 0; i < 16; i++) a[i] = x * %d + i; return a[x & 15] ^ %d; }\n", i, i, i
	}
	print "int main(void) { long s = 0;"
	for (i = 0; i < 400; i++) printf "  s += f%d(%d);\n", i, i
	print "  printf(\"%ld\\n\", s); return 0; }"
}' >gen.c
same "gcc -O2 compiles a generated file" sh -c "gcc -O2 -o gen '$tmp/gen.c' && ./gen && gcc -O2 -c -o gen.o '$tmp/gen.c' && cksum <gen.o"

awk 'BEGIN { for (i = 0; i < 200000; i++) print i * i, "some text that compresses", i % 13 }' >xz.in
same "xz -T2" sh -c "xz -T2 --block-size=1MiB -c '$tmp/xz.in' | cksum && xz -T2 --block-size=1MiB -c '$tmp/xz.in' | xz -d -T2 | cksum"

same "git" sh -c '
	export GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@example.org GIT_COMMITTER_NAME=a \
		GIT_COMMITTER_EMAIL=a@example.org GIT_AUTHOR_DATE="2020-01-01T00:00:00Z" \
		GIT_COMMITTER_DATE="2020-01-01T00:00:00Z" HOME=$PWD GIT_CONFIG_NOSYSTEM=1
	git init -q -b main r && cd r &&
	for i in 1 2 3 4 5 6 7 8; do
		seq $i 5000 >f$i && git add f$i && git commit -q -m "c$i" || exit 1
	done &&
	git log --format="%H %s" && git gc -q && git count-objects -v | grep -v size &&
	git diff HEAD~3 --stat | tail -1'

done_testing
