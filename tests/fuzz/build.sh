#!/bin/sh
# Build the libFuzzer harnesses: the simulator's sources once with clang,
# ASan, UBSan and coverage, then one program per harness.
#   build.sh OUTDIR NAME... -- SOURCE...
# (sources relative to top_srcdir; headers among them are skipped)
# FUZZ_CC (clang-14), CPPFLAGS and LIBS come from make fuzz.
set -eu
out=$1; shift
harnesses=
while [ "$1" != -- ]; do harnesses="$harnesses $1"; shift; done
shift
cc=${FUZZ_CC:-clang-14}
command -v "$cc" >/dev/null || {
	echo "build.sh: $cc not found; expected clang-14 (packages.txt)" >&2
	exit 2
}
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined
	-fno-sanitize-recover=all -std=gnu11 -pthread"
mkdir -p "$out/obj"
objs=
src_dir=${top_srcdir:-.}
for src in "$@"; do
	case $src in *.c) ;; *) continue ;; esac
	obj=$out/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')
	objs="$objs $obj"
	src=$src_dir/$src
	# again when the source or any header changed
	if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ] ||
	   [ -n "$(find "$src_dir/lib" "$src_dir/include" -name '*.h' -newer "$obj" | head -1)" ]; then
		echo "  CC (fuzz) $src"
		# shellcheck disable=SC2086
		$cc $flags -fsanitize=fuzzer-no-link $CPPFLAGS -c "$src" -o "$obj"
	fi
done
for h in $harnesses; do
	echo "  CCLD (fuzz) $out/fuzz_$h"
	# shellcheck disable=SC2086
	$cc $flags -fsanitize=fuzzer $CPPFLAGS "$src_dir/tests/fuzz/fuzz_$h.c" \
		$objs $LIBS -o "$out/fuzz_$h"
done
