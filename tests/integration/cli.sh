#!/bin/sh
# The chartty binary against the test portal, without a keyring: options,
# sign-in with and without MFA, failures in plain words, no escape bytes.
. "${top_srcdir:-.}/tests/lib.sh"

C=${CHARTTY:-./chartty}
U=$CHARTTY_TEST_PORTAL
portal_post /_test/reset >/dev/null

out=$("$C" --help)
ok $? "--help exits 0"
for opt in --account --config --server --user --no-keyring --plain --help \
    --version login whoami logout; do
	like "$out" "$opt" "--help mentions $opt"
done
like "$("$C" --version)" '^chartty [0-9]' "--version"
"$C" --bogus >/dev/null 2>&1
ok $(( $? == 2 ? 0 : 1 )) "an unknown option is a usage error (2)"

out=$(printf 'Chartty-demo-1\n' | "$C" --server "$U" --user maria@example.org login 2>&1)
ok $? "maria signs in with the password on standard input"
like "$out" "Signed in\." "and is told so"
like "$out" "keyring is not available" "without D-Bus: the sign-in lasts this session, said once"
n=$(printf '%s\n' "$out" | grep -c "keyring is not available")
ok $(( n == 1 ? 0 : 1 )) "the keyring notice is said exactly once ($n)"

out=$(printf 'Chartty-demo-1\n' | "$C" --server "$U" --user maria@example.org whoami 2>&1)
like "$out" "Signed in as: Maria Lopez" "whoami names the person"
like "$out" "1\. Maria Lopez \(you\), full access" "and lists her own record"
unlike "$out" "$(printf '\033')" "no escape bytes in plain output"

out=$(printf 'wrong\n' | "$C" --server "$U" --user maria@example.org login 2>&1)
ok $(( $? == 1 ? 0 : 1 )) "a wrong password exits 1"
like "$out" "Email or password is invalid\." "and says so in one sentence"

code=$(portal_totp james@example.org)
out=$(printf 'Chartty-demo-2\n%s\n' "$code" | "$C" --server "$U" --user james@example.org whoami 2>&1)
like "$out" "Verification code" "james is asked for the MFA code"
like "$out" "Signed in as: James Carter" "and gets in with it"
like "$out" "limited access" "a child with limited access is shown as such"
like "$out" "Note: " "with the reason"

out=$(printf 'Chartty-demo-2\n000000\n' | "$C" --server "$U" --user james@example.org whoami 2>&1)
ok $(( $? == 1 ? 0 : 1 )) "a wrong code, then no more input, fails"
like "$out" "code" "and talks about the code"

out=$("$C" --server http://portal.example.org --user a@b.c login </dev/null 2>&1)
like "$out" "secure connection \(https://\)" "plain http to another host is refused"
out=$("$C" --server http://127.0.0.1:1 --user a@b.c login </dev/null 2>&1)
like "$out" "Cannot reach 127\.0\.0\.1" "an unreachable portal is said plainly"
out=$("$C" login </dev/null 2>&1)
like "$out" "no portal given" "no server and no configuration is explained"

# Discovery that fails says what happened: the server failed, or its
# answer could not be read; "not a patient portal" only when none is there.
# A cache of its own, so that discovery is asked each time.
discover() {	# discover URL: what signing in there says
	XDG_CACHE_HOME=$HOME/discovery "$C" --server "$1" --user a@b.c login \
	    </dev/null 2>&1
}
portal_post /_test/fault '{"kind":"500","path":"/.well-known"}' >/dev/null
out=$(discover "$U")
ok $(( $? == 1 ? 0 : 1 )) "a 500 at discovery exits 1"
like "$out" "^$U had a problem answering \(HTTP 500\)\. Try again later\.$" \
    "a 500 at discovery: the server had a problem"
unlike "$out" "does not look like" "not that it is no portal"
portal_post /_test/fault '{"kind":"malformed","path":"/.well-known"}' >/dev/null
out=$(discover "$U")
like "$out" "^The SMART configuration from $U was damaged and could not be read\.$" \
    "malformed JSON at discovery: could not be read"
unlike "$out" "does not look like" "not that it is no portal"
# A web site that is no portal, and one whose answers go wrong.
cat >"$HOME/site.py" <<'PY'
import http.server
DEEP = '{"a":' * 100000 + '1' + '}' * 100000
class Site(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code, kind, body = 404, 'text/html', '<p>Not found</p>'
        if self.path.startswith('/deep/'):
            code, kind, body = 200, 'application/json', DEEP
        elif self.path.startswith('/page/'):
            code, kind, body = 200, 'text/html', '<p>Our clinic</p>'
        elif self.path.startswith('/gateway/'):
            code, kind, body = 502, 'text/html', '<p>Bad gateway</p>'
        data = body.encode()
        self.send_response(code)
        self.send_header('Content-Type', kind)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(('127.0.0.1', 0), Site)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
python3 "$HOME/site.py" >"$HOME/site.port" &
site_pid=$!
for _ in $(seq 1 100); do [ -s "$HOME/site.port" ] && break; sleep 0.1; done
W=http://127.0.0.1:$(cat "$HOME/site.port")
says() {	# says PATH PATTERN DESCRIPTION: discovery at $W/PATH says it
	like "$(discover "$W/$1")" "$2" "$3"
}
none="^$W does not look like a patient portal \(no SMART configuration\)\.$"
says deep/ "^The SMART configuration from $W was nested too deeply to read\.$" \
    "JSON nested 100,000 deep at discovery: could not be read"
says gateway/ "^$W had a problem answering \(HTTP 502\)\. Try again later\.$" \
    "a 502 page at discovery: the server had a problem"
says "" "$none" "a 404 at discovery: no patient portal"
says page/ "$none" "a web page at discovery: no patient portal"
kill "$site_pid"
wait "$site_pid" 2>/dev/null

# summary --text --output: the health record to a new file of the owner's
# alone, whatever the umask; never over a file, never through a link.
card=$HOME/card.txt
summary() {
	printf 'Chartty-demo-1\n' | (umask 000; "$C" --server "$U" \
	    --user maria@example.org summary --text --output "$1" 2>&1)
}
out=$(summary "$card")
ok $? "summary --text --output exits 0"
like "$out" "The health summary was written to " "and says where"
like "$(cat "$card")" "Health summary: Maria Lopez" "the file holds the card"
ok $(( $(stat -c %a "$card") == 600 ? 0 : 1 )) \
    "the card is readable by its owner alone, even with umask 000"
echo "older card" >"$card"
out=$(summary "$card")
ok $(( $? == 1 ? 0 : 1 )) "summary --output over an existing file exits 1"
like "$out" "card\.txt is already there; choose another name\." \
    "and says so in one sentence"
like "$(cat "$card")" "^older card$" "the existing file is left as it was"
ln -s "$HOME/elsewhere.txt" "$HOME/link.txt"
out=$(summary "$HOME/link.txt")
ok $(( $? == 1 ? 0 : 1 )) "summary --output through a symbolic link exits 1"
ok $([ ! -e "$HOME/elsewhere.txt" ]; echo $?) \
    "nothing was written where the link points"
ln -sf "$card" "$HOME/link.txt"
summary "$HOME/link.txt" >/dev/null
like "$(cat "$card")" "^older card$" "nor over the file a link points to"

mkdir -p "$XDG_CONFIG_HOME/chartty"
cat > "$XDG_CONFIG_HOME/chartty/config" <<CONF
default-account = clinic
[account clinic]
server = $U
email = linda@example.org
CONF
out=$(printf 'Chartty-demo-3\n' | "$C" whoami 2>&1)
like "$out" "Signed in as: Linda Nguyen" "the default account from the configuration file"
like "$out" "Harold Nguyen" "and the parent she cares for"
out=$("$C" --account nope </dev/null 2>&1)
like "$out" 'no account "nope"' "an unknown account is named"
out=$("$C" --config /nonexistent </dev/null 2>&1)
like "$out" "Cannot read /nonexistent" "a missing named config file is an error"

# A server that sends a few bytes a second never stalls, so only the
# deadline ends the wait (timeout = 3 here): one sentence, exit 1. A
# signal ends a command at once, 128 + its number. timeout(1) bounds a
# hang.
ms() { echo $(( $(date +%s%N) / 1000000 )); }
printf 'timeout = 3\n' > "$HOME/slow.conf"
portal_post /_test/fault '{"kind":"trickle","path":"/fhir","count":20}' \
    >/dev/null
t0=$(ms)
out=$(printf 'Chartty-demo-1\n' | timeout 60 "$C" --config "$HOME/slow.conf" \
    --server "$U" --user maria@example.org summary --text 2>&1)
rc=$? took=$(( $(ms) - t0 ))
ok $(( rc == 1 ? 0 : 1 )) "a trickling portal: summary --text exits 1 ($rc)"
like "$out" "127\.0\.0\.1 took longer than 3 seconds to answer; try again\." \
    "and says so in one sentence"
ok $(( took < 15000 ? 0 : 1 )) \
    "each request given up on at its deadline (${took} ms)"
portal_post /_test/reset >/dev/null
for sig in TERM:15 INT:2 HUP:1; do
	want=$(( 128 + ${sig#*:} )) sig=${sig%:*}
	portal_post /_test/fault '{"kind":"trickle","path":"/fhir"}' >/dev/null
	printf 'Chartty-demo-1\n' | "$C" --server "$U" \
	    --user maria@example.org summary --text >/dev/null 2>&1 &
	pid=$!
	sleep 2
	t0=$(ms)
	kill -$sig $pid
	# A bound on a hang, not a timing check: 10 s, then KILL.
	for _ in $(seq 1 100); do
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL $pid 2>/dev/null
	wait $pid
	rc=$? took=$(( $(ms) - t0 ))
	ok $(( rc == want ? 0 : 1 )) "SIG$sig during a slow summary --text: \
exit $want ($rc)"
	ok $(( took < 1500 ? 0 : 1 )) "SIG$sig ends it at once (${took} ms)"
	portal_post /_test/reset >/dev/null
done

# diagnose: what the help desk needs, nothing about anyone's health.
out=$("$C" --no-keyring --server "$U" diagnose 2>&1)
ok $? "diagnose exits 0 when every check passes"
like "$out" "^chartty [0-9]" "diagnose: the version"
like "$out" "Libraries: libcurl/.*OpenSSL.*ncurses.*cJSON.*libsecret" \
    "diagnose: the libraries"
like "$out" "Locale: .*UTF-8" "diagnose: the locale"
like "$out" "Discovery: working \(password sign-in" "diagnose: discovery, \
with what the portal offers"
like "$out" "Connection: plain http, to this machine only" \
    "diagnose: how it connects"
like "$out" "Clock: in step with the portal" "diagnose: the clock"
like "$out" "Keyring: not used" "diagnose: the keyring, as asked"
like "$out" "Last error: none" "diagnose: no error"
unlike "$out" "maria|Maria|Lopez|Bearer|token|Patient/" \
    "diagnose: no name, no token, nothing of a record"
out=$("$C" --server http://127.0.0.1:1 diagnose 2>&1)
ok $(( $? == 1 ? 0 : 1 )) "diagnose exits 1 when a check fails"
like "$out" "Discovery: failed \(Cannot reach 127\.0\.0\.1" \
    "diagnose: an unreachable portal in one sentence"
like "$out" "Keyring: not reachable" "diagnose: no keyring (no D-Bus here)"
like "$out" "Last error: " "diagnose: the last error said"

done_testing
