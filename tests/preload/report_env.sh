# For the report tests: source after tests/tap.sh.  BUILD and SRC are the
# absolute build and source directories, SHIM the built libgfpshim.so;
# `shim CMD…` runs CMD with it preloaded.
BUILD=$(cd "${top_builddir:-.}" && pwd)
SRC=$(cd "${top_srcdir:-.}" && pwd)
SHIM=$BUILD/.libs/libgfpshim.so
[ -f "$SHIM" ] || { echo "not ok 1 - $SHIM was not built"; echo "1..1"; exit 1; }
shim() {
	LD_PRELOAD=$SHIM "$@"
}
