#!/bin/sh
# The binary is hardened as configure chose (make check): read from its
# ELF with readelf: position-independent, RELRO with BIND_NOW, a stack
# protector, FORTIFY's checked calls and, on x86-64, CET. Any of them
# missing fails, so a build whose flags got lost is seen.
. "${top_srcdir:-.}/tests/lib.sh"

C=${CHARTTY:-./chartty}
B=${top_builddir:-.}

if ! command -v readelf >/dev/null 2>&1; then
	echo "1..0 # SKIP readelf (binutils) is not installed"
	exit 0
fi

has() {	# has TEXT PATTERN DESCRIPTION: like, without the long text
	printf '%s\n' "$1" | grep -Eq -- "$2"
	ok $? "$3"
}

head=$(readelf -hW "$C")
syms=$(readelf --dyn-syms -W "$C")

has "$head" "Type: +DYN " "position-independent (PIE): ELF type DYN"
has "$(readelf -dW "$C")" "\(FLAGS\) .*BIND_NOW|\(FLAGS_1\) .*NOW" \
    "BIND_NOW: every symbol bound at start"
has "$(readelf -lW "$C")" "GNU_RELRO" \
    "a GNU_RELRO segment (with BIND_NOW: full RELRO)"
has "$syms" " __stack_chk_fail" "a stack protector (__stack_chk_fail)"
chk=$(printf '%s\n' "$syms" | grep -oE ' __[a-z0-9_]+_chk@' |
    sort -u | tr -d ' @' | tr '\n' ' ')
ok $([ -n "$chk" ]; echo $?) "FORTIFY: checked calls (${chk% })"

# CET: on x86-64 the GNU property note says IBT and SHSTK when every
# object linked carries them. Where the C library's start files carry
# none (Debian 12's), the binary cannot say so; then chartty's own code
# must: each object of its libraries, and its functions starting with
# endbr64.
case $head in
*"X86-64"*)
	note=$(readelf -nW "$C")
	if printf '%s\n' "$note" | grep -q "x86 feature: IBT, SHSTK"; then
		ok 0 "CET: the binary's GNU property note says IBT, SHSTK"
	else
		echo "# the binary's note: $(printf '%s\n' "$note" |
		    grep 'x86' | tr -s ' ' | tr '\n' ';')"
		echo "# (the start files of the C library carry no CET note)"
		n=0
		without=0
		for lib in "$B/libchartty.a" "$B/libscreens.a"; do
			n=$((n + $(readelf -nW "$lib" | grep -c '^File: ')))
			without=$((without + $(readelf -nW "$lib" | awk '
			    /^File: / { if (f && !cet) m++; f = 1; cet = 0 }
			    /x86 feature: IBT, SHSTK/ { cet = 1 }
			    END { if (f && !cet) m++; print m + 0 }')))
		done
		ok $(( n > 0 && without == 0 ? 0 : 1 )) "CET: all $n objects \
of chartty's libraries say IBT, SHSTK ($without do not)"
		first=$(objdump -d --disassemble=main "$C" 2>/dev/null |
		    awk '/<main>:/ { getline; print; exit }')
		like "$first" "endbr64" "CET: main starts with endbr64"
	fi
	;;
*)
	ok 0 "# SKIP CET is checked on x86-64 only"
	;;
esac
done_testing
