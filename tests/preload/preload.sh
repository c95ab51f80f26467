# Helpers for the tests that run programs under the built libgfpshim.so.
# Source after tests/tap.sh.  Sets SHIM (absolute path) and BUILD (the
# absolute build directory); `shim CMD…` runs CMD with the shim preloaded.
BUILD=$(cd "${top_builddir:-.}" && pwd)
SRC=$(cd "${top_srcdir:-.}" && pwd)
SHIM=$BUILD/.libs/libgfpshim.so
[ -f "$SHIM" ] || { echo "not ok 1 - $SHIM was not built"; echo "1..1"; exit 1; }
shim() {
	LD_PRELOAD=$SHIM "$@"
}
