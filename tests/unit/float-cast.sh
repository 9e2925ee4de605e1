#!/bin/sh
# Server numbers never reach a cast out of range (issue 17): the core files
# that read JSON numbers (those calling json_num or json_int) and the
# trend's axis, compiled by clang with -fsanitize=float-cast-overflow
# (which gcc's -fsanitize=undefined lacks), are linked ahead of the core
# into the unit tests that feed them wild numbers; every test passes and
# no cast is reported. Skipped when clang is not installed.
. "${top_srcdir:-.}/tests/lib.sh"

S=${top_srcdir:-.}
B=${top_builddir:-.}
CLANG=${CLANG:-clang}
if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "1..0 # SKIP clang is not installed"
	exit 0
fi
if [ ! -f "$B/libchartty.a" ] || [ -z "${CHARTTY_LIB_CFLAGS+set}" ]; then
	echo "Bail out! run under make check (libchartty.a and its flags)"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/float-cast.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Reports are counted rather than fatal, so one run shows every cast.
flags="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=float-cast-overflow
    -fsanitize-recover=float-cast-overflow -I$B -I$S/include -I$S/tests
    $CHARTTY_LIB_CFLAGS"
files="$(grep -l 'json_num\|json_int' "$S"/src/*.c) $S/src/trend.c"
objs=
bad=
for f in $files; do
	o=$tmp/$(basename "$f" .c).o
	# shellcheck disable=SC2086
	$CLANG $flags -c "$f" -o "$o" 2>>"$tmp/cc.err" || bad="$bad $f"
	objs="$objs $o"
done
[ -z "$bad" ]
ok $? "clang compiles $(echo $files | wc -w) files with float-cast-overflow"
[ -n "$bad" ] && sed 's/^/# /' "$tmp/cc.err" && { done_testing; exit 1; }

for t in test-numbers test-trend test-visit test-model test-bill test-json; do
	# shellcheck disable=SC2086
	if ! $CLANG $flags "$S/tests/unit/$t.c" $objs "$B/libchartty.a" \
	    $CHARTTY_LIB_LIBS -o "$tmp/$t" 2>"$tmp/$t.cc"; then
		ok 1 "$t links with them"
		sed 's/^/# /' "$tmp/$t.cc"
		continue
	fi
	(cd "$tmp" && UBSAN_OPTIONS=print_stacktrace=0 "./$t") \
	    >"$tmp/$t.out" 2>"$tmp/$t.err"
	ok $? "$t passes, built with clang"
	grep -v '^ok' "$tmp/$t.out" | grep -v '^1\.\.' | sed 's/^/# /'
	reports=$(grep 'runtime error' "$tmp/$t.err")
	[ -z "$reports" ]
	ok $? "$t: no float-cast-overflow"
	[ -n "$reports" ] && printf '%s\n' "$reports" | sed 's/^/# /'
done
done_testing
