#!/bin/sh
# The docs describe what exists: man pages lint clean, and every option and
# command that --help lists is in chartty(1) and the README.
. "${top_srcdir:-.}/tests/lib.sh"

C=${CHARTTY:-./chartty}
S=${top_srcdir:-.}

out=$(mandoc -Tlint -W warning "$S/man/chartty.1" "$S/man/chartty.conf.5" 2>&1)
ok $? "mandoc -Tlint finds nothing to warn about"
[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'

help=$("$C" --help)
plain() { mandoc -Tascii "$1" | sed 's/.\x08//g'; }
man=$(plain "$S/man/chartty.1")
for opt in $(printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
	like "$man" "$opt" "chartty(1) describes $opt"
	like "$(cat "$S/README")" "$opt" "README mentions $opt"
done
for cmd in $(printf '%s\n' "$help" | sed -n '/^Commands:/,/^$/p' | awk '/^  [a-z]/ {print $1}'); do
	like "$man" "^ +$cmd" "chartty(1) describes the command $cmd"
done
# Every key binding (src/keys.c) is in --help and the README.
for keys in $(sed -n 's/.*ACTION_[A-Z_]*, "[a-z-]*", "\([^"]*\)".*/\1/p' "$S/src/keys.c" | tr ' ' '_'); do
	k=$(printf '%s' "$keys" | tr '_' ' ')
	case $help in *"$k"*) ok 0 "--help lists the keys $k" ;; *) ok 1 "--help lists the keys $k" ;; esac
	for one in $(printf '%s' "$k" | sed 's/, / /g; s/1 to 7/1_to_7/'); do
		one=$(printf '%s' "$one" | tr '_' ' ')
		case $(cat "$S/README") in *"$one"*) ok 0 "README mentions the key $one" ;;
		*) ok 1 "README mentions the key $one" ;; esac
	done
done
conf=$(plain "$S/man/chartty.conf.5")
for key in default-account no-keyring no-browser no-color ascii server email \
    label note client-id redirect-uri link ca-file timeout \
    download-timeout; do
	like "$conf" "$key" "chartty.conf(5) describes $key"
done
done_testing
