#!/bin/sh
# The layers hold (make check-layers, and a test of make check): headers
# include one another without a cycle; the core (src/, but main.c) names
# no screen and no object of it calls up into one; each library is
# included by the one file that owns it; screens include none and make no
# JSON or HTTP call; and no search or path pastes an id unescaped
# (fhir_query, fhir_path).
. "${top_srcdir:-.}/tests/lib.sh"

S=${top_srcdir:-.}
B=${top_builddir:-.}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/layers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# 1. The include graph of include/*.h has no cycle (tsort finds loops).
edges=$(for h in "$S"/include/*.h; do
	n=${h##*/}
	echo "$n $n"
	sed -n 's/^#include "\([a-z-]*\.h\)".*/\1/p' "$h" | while read -r d; do
		echo "$n $d"
	done
done)
loops=$(printf '%s\n' "$edges" | tsort 2>&1 >/dev/null)
ok $? "the headers include one another without a cycle"
[ -n "$loops" ] && printf '%s\n' "$loops" | sed 's/^/# /'

# 2. The core names no screen: only main.c hands the loop its screens.
hits=$(grep -nE '\bscreen_[a-z]+\b|#include "screens\.h"' "$S"/src/*.c |
    grep -v '^[^:]*/main\.c:' | grep -v 'struct screen')
[ -z "$hits" ]
ok $? "src/ (but main.c) names no screen"
[ -n "$hits" ] && printf '%s\n' "$hits" | sed 's/^/# /'

# 3. No object of the core calls up into a screen.
if [ -f "$B/libchartty.a" ] && [ -f "$B/libscreens.a" ]; then
	nm -g --defined-only "$B/libscreens.a" 2>/dev/null |
	    awk 'NF == 3 { print $3 }' | sort -u >"$tmp/screens.def"
	nm -u "$B/libchartty.a" 2>/dev/null | awk '{ print $NF }' |
	    sort -u >"$tmp/core.undef"
	up=$(comm -12 "$tmp/screens.def" "$tmp/core.undef")
	[ -s "$tmp/screens.def" ] && [ -z "$up" ]
	ok $? "no core object uses a symbol of the screens library"
	[ -n "$up" ] && printf '%s\n' "$up" | sed 's/^/# calls up: /'
else
	ok 1 "libchartty.a and libscreens.a are built (run make first)"
fi

# 4. One file owns each library; screens include none.
for lib in 'curl/curl.h' 'cjson/cJSON.h' 'libsecret/secret.h'; do
	n=$(grep -l "#include <$lib>" "$S"/src/*.c "$S"/screens/*.c \
	    "$S"/include/*.h | wc -l)
	[ "$n" -eq 1 ]
	ok $? "<$lib> is included by one file ($n)"
done
hits=$(grep -lE '#include <(curl/|cjson/|libsecret/|n?curses|ncursesw/)' \
    "$S"/screens/*.c "$S"/include/*.h)
[ -z "$hits" ]
ok $? "no screen and no header includes a library's header"
[ -n "$hits" ] && printf '%s\n' "$hits" | sed 's/^/# /'

# 5. No search or path pastes an id: fhir_query and fhir_path escape it.
hits=$(grep -nE '"[A-Za-z]+(\?[^"]*=|/)(Patient/)?%s' "$S"/src/*.c \
    "$S"/screens/*.c)
[ -z "$hits" ]
ok $? "no search or path pastes an id with %s"
[ -n "$hits" ] && printf '%s\n' "$hits" | sed 's/^/# /'

# 6. Screens make no JSON or HTTP call: domain modules in src/ speak FHIR.
hits=$(grep -nE '\b(json|cJSON|curl)_[a-z_]+\(' "$S"/screens/*.c)
[ -z "$hits" ]
ok $? "screens make no JSON or HTTP call"
[ -n "$hits" ] && printf '%s\n' "$hits" | sed 's/^/# /'

# 7. Nor do they build searches or read answers: the domain modules do.
hits=$(grep -nE 'fhir_(query|search|request|read|update|operation|batch|batch_take|batch_entry|bundle_[a-z]+|pages_fetch|create_resource)\(' \
    "$S"/screens/*.c)
[ -z "$hits" ]
ok $? "screens build no search and read no answer"
[ -n "$hits" ] && printf '%s\n' "$hits" | sed 's/^/# /'
done_testing
