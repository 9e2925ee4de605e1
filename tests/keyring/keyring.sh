#!/bin/sh
# The refresh token in the real OS keyring (gnome-keyring over a private
# D-Bus): stored on sign-in, used for a silent sign-in, rotated, removed on
# sign-out, and never written to a file.
. "${top_srcdir:-.}/tests/lib.sh"

C=${CHARTTY:-./chartty}
U=$CHARTTY_TEST_PORTAL
M=maria@example.org
portal_post /_test/reset >/dev/null
lookup() { secret-tool lookup server "$U" account "$M" kind refresh-token 2>/dev/null; }

out=$(printf 'Chartty-demo-1\n' | "$C" --server "$U" --user "$M" login 2>&1)
like "$out" "Signed in\." "maria signs in"
unlike "$out" "keyring is not available" "the keyring is used"
token=$(lookup)
ok $(( ${#token} > 10 ? 0 : 1 )) "the refresh token is in the keyring"
label=$(secret-tool search server "$U" account "$M" kind refresh-token 2>&1)
like "$label" "label = chartty: $M at 127\.0\.0\.1" "labelled so a person knows it"
# An account with a label: the organization's name in the item's label.
conf=$HOME/labelled.conf
printf '[account main]\nserver = %s\nemail = %s\nlabel = Main Street Clinic\n' \
    "$U" "$M" >"$conf"
out=$(printf 'Chartty-demo-1\n' | "$C" --config "$conf" --account main login 2>&1)
label=$(secret-tool search server "$U" account "$M" kind refresh-token 2>&1)
like "$label" "label = chartty: $M at Main Street Clinic \(127\.0\.0\.1\)" \
    "labelled with the organization's name when it has one"

out=$("$C" --server "$U" --user "$M" whoami </dev/null 2>&1)
like "$out" "Signed in as: Maria Lopez" "the next start signs in silently"
unlike "$out" "Password" "without asking for the password"
token2=$(lookup)
ok $(( ${#token2} > 10 ? 0 : 1 )) "a refresh token is still kept"
[ "$token" != "$token2" ]
ok $? "it is the rotated one, not the spent one"

# Nothing secret on disk: not the old token, not the new one.
hits=$(grep -rlF --binary-files=text -e "$token" -e "$token2" "$HOME" /tmp 2>/dev/null)
ok $(( ${#hits} == 0 ? 0 : 1 )) "no file under HOME or /tmp holds a token"
[ -n "$hits" ] && echo "# found in: $hits"
hits=$(grep -rlF --binary-files=text -e "Chartty-demo-1" "$HOME" 2>/dev/null)
ok $(( ${#hits} == 0 ? 0 : 1 )) "no file under HOME holds the password"

out=$("$C" --server "$U" --user "$M" logout </dev/null 2>&1)
like "$out" "Signed out" "sign-out"
ok $(( $(lookup | wc -c) == 0 ? 0 : 1 )) "sign-out deletes the keyring item"
answer=$(curl -s -d "grant_type=refresh_token&refresh_token=$token2&client_id=chartty" "$U/oauth2/token")
like "$answer" "invalid_grant" "and the portal no longer honours the token"
out=$("$C" --server "$U" --user "$M" whoami </dev/null 2>&1)
like "$out" "Password: " "the next start asks for the password again"
out=$("$C" --server "$U" --user "$M" logout </dev/null 2>&1)
like "$out" "Not signed in" "signing out twice is harmless"

# A token the portal no longer honours is dropped, and the person asked.
printf 'Chartty-demo-1\n' | "$C" --server "$U" --user "$M" login >/dev/null 2>&1
portal_post /_test/reset >/dev/null
out=$(printf 'Chartty-demo-1\n' | "$C" --server "$U" --user "$M" whoami 2>&1)
like "$out" "Password: " "a refused keyring token leads to the password prompt"
like "$out" "Signed in as: Maria Lopez" "and signing in again works"

out=$(printf 'Chartty-demo-1\n' | "$C" --no-keyring --server "$U" --user "$M" login 2>&1)
like "$out" "lasts only until chartty closes" "--no-keyring says the sign-in is for this session"

done_testing
