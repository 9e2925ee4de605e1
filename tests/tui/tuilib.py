"""Helpers for chartty's tmux tests: TAP output, the test portal's
controls, chartty in a private tmux server, a small test browser for the
SMART sign-in. Used by tests/tui/tui.py and tests/keyring/drafts.py."""

import base64
import datetime
import hashlib
import html.parser
import json
import os
import re
import select
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

CHARTTY = os.environ.get("CHARTTY", "./chartty")
PORTAL = os.environ["CHARTTY_TEST_PORTAL"]
# Harbor Clinic, the plain SMART server (tests named *linked* or *smart*).
SMART = os.environ.get("CHARTTY_TEST_SMART")
# A second Main Street portal (tests named *together*).
OTHER = os.environ.get("CHARTTY_TEST_OTHER")
WORLD = os.environ.get("CHARTTY_TEST_WORLD", "/tmp")
BUDGET_FIRST_PAINT = 2500
BUDGET_KEY = 400
# An SGR sequence that sets a foreground or background colour.
COLOUR = r"\x1b\[(?:[0-9;]*;)?(?:3[0-7]|38|4[0-7]|48)(?:;[0-9;]*)?m"



TAP = {"n": 0, "failed": 0}


def ok(cond, what, detail=None):
    TAP["n"] += 1
    print(("ok" if cond else "not ok") + f" {TAP['n']} - {what}")
    if not cond:
        TAP["failed"] += 1
        if detail is not None:
            for line in str(detail).splitlines():
                print(f"#   {line}")
    sys.stdout.flush()
    return cond


def diag(text):
    print(f"# {text}")
    sys.stdout.flush()


def portal(path, body=None, method=None, base=None):
    """A JSON call to the test portal (base: another one, e.g. SMART)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request((base or PORTAL) + path, data=data,
                                 method=method or ("POST" if body is not None
                                                   else "GET"),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        text = r.read().decode()
        return json.loads(text) if text else None


class Term:
    """chartty in a private tmux server, its output bytes logged."""

    count = 0

    def __init__(self, args, width=80, height=24, env=None):
        Term.count += 1
        self.sock = f"chartty-test-{os.getpid()}-{Term.count}"
        self.log = os.path.join(WORLD, f"bytes-{Term.count}.log")
        self.go = os.path.join(WORLD, f"go-{Term.count}")
        self.status = os.path.join(WORLD, f"status-{Term.count}")
        open(self.log, "wb").close()
        envs = " ".join(f"{k}={v}" for k, v in (env or {}).items())
        cmd = (f"while [ ! -e {self.go} ]; do sleep 0.02; done; "
               f"env TERM=tmux-256color {envs} {CHARTTY} {args}; "
               f"echo $? > {self.status}")
        self.tmux("new-session", "-d", "-x", str(width), "-y", str(height),
                  cmd)
        self.tmux("set-option", "-g", "remain-on-exit", "on")
        self.tmux("pipe-pane", "-o", "-t", "0", f"cat >> {self.log}")
        open(self.go, "w").close()

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null"]
                              + list(args), capture_output=True,
                              text=True).stdout

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "0")

    def lines(self):
        return self.screen().split("\n")

    def cursor(self):
        x, y = self.tmux("display", "-p", "-t", "0",
                         "#{cursor_x},#{cursor_y}").strip().split(",")
        return int(x), int(y)

    def bytes(self):
        return os.path.getsize(self.log)

    def raw(self):
        with open(self.log, "rb") as f:
            return f.read()

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "0", *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", "0", "-l", text)

    def wait(self, pattern, timeout=10.0):
        """Wait for pattern on screen, then for the output to settle."""
        end = time.time() + timeout
        while time.time() < end:
            if re.search(pattern, self.screen(), re.M):
                self.settle()
                return True
            time.sleep(0.05)
        return False

    def said(self, text, timeout=10.0):
        """Wait until the screen says text, however its lines wrap."""
        end = time.time() + timeout
        while time.time() < end:
            if text in " ".join(self.screen().split()):
                return True
            time.sleep(0.05)
        return False

    def settle(self, quiet=0.3):
        last, since = self.bytes(), time.time()
        while time.time() - since < quiet:
            time.sleep(0.05)
            if self.bytes() != last:
                last, since = self.bytes(), time.time()

    def focus_ok(self):
        """The cursor's row is the focused row: it starts with '>'."""
        x, y = self.cursor()
        lines = self.lines()
        row = lines[y] if y < len(lines) else ""
        return row.startswith(">"), f"cursor {x},{y} on: {row!r}"

    def exited(self, timeout=5.0):
        """chartty's exit status once the shell has written it, or None.
        The shell creates the file before it writes the status into it,
        so an empty file means "not yet". Then the bytes chartty wrote
        last are waited for too: tmux hands them to the log on its own
        time, which under load can be after the shell is done."""
        end = time.time() + timeout
        while time.time() < end:
            if os.path.exists(self.status):
                with open(self.status) as f:
                    status = f.read().strip()
                if status:
                    self.settle()
                    return status
            time.sleep(0.05)
        return None

    def close(self):
        self.tmux("kill-server")


class Plain:
    """chartty --plain on pipes, answered prompt by prompt."""

    def __init__(self, args):
        self.p = subprocess.Popen([CHARTTY, "--plain"] + args,
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT,
                                  env=dict(os.environ, TERM="xterm"))
        self.all = b""
        self.mark = 0

    def until(self, pattern, timeout=15.0):
        """Read until pattern shows in what came since the last answer."""
        end = time.time() + timeout
        while time.time() < end:
            text = self.all[self.mark:].decode("utf-8", "replace")
            if re.search(pattern, text, re.M):
                return text
            ready, _, _ = select.select([self.p.stdout], [], [], 0.1)
            if ready:
                chunk = os.read(self.p.stdout.fileno(), 65536)
                if not chunk:
                    break
                self.all += chunk
        return None

    def send(self, line):
        # Answer only once the question is all there: every prompt ends
        # in ": " (a message's lines in "> "), and what is still on its
        # way must not count as the next screen.
        self.until(r"(: |> )$")
        self.mark = len(self.all)
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()

    def number(self, pattern):
        """The number of the item matching pattern in the latest screen."""
        text = self.all[self.mark:].decode("utf-8", "replace")
        m = re.search(r"^(\d+)\. " + pattern, text, re.M)
        return m.group(1) if m else "0"

    def choose(self, pattern, then, what):
        ok(self.until(r"Choice: $"), f"plain: a list to choose from "
           f"before {what}", self.tail())
        self.send(self.number(pattern))
        return ok(self.until(then), f"plain: {what}", self.tail())

    def card(self, number, expiry="12/30", code="123"):
        """Answer a card's three fields, then press Continue."""
        self.until(r"Card number: $")
        self.send(number)
        self.until(r"Expiry \(MM/YY\): $")
        self.send(expiry)
        self.until(r"Security code: $")
        self.send(code)
        self.until(r"Choose: ")
        self.send("")

    def tail(self):
        return self.all[-1500:].decode("utf-8", "replace")

    def sign_in(self, password="Chartty-demo-1"):
        """Answer the sign-in prompts (the email is offered: keep it)."""
        ok(self.until(r"Email \[[^]]+\]: $"), "plain: email asked",
           self.tail())
        self.send("")
        ok(self.until(r"Password: $"), "plain: password asked", self.tail())
        self.send(password)

    def close(self):
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        self.p.wait(timeout=10)
        self.p.stdout.close()


def cursor_at_end(t, prefix, what):
    """The focused line starts with prefix and the cursor is at its end."""
    x, y = t.cursor()
    line = t.lines()[y]
    ok(line.startswith(prefix) and x == len(line.rstrip()),
       f"{what}: the cursor is where typing happens", (x, y, line))


def written_since(path, t):
    """Written at or after t, and not part of a source checkout (tests
    and the test portal hold the test cards on purpose)."""
    try:
        if os.path.getmtime(path) < t - 1:
            return False
    except OSError:
        return False
    d = os.path.dirname(os.path.abspath(path))
    while d != os.path.dirname(d):
        if os.path.exists(os.path.join(d, ".git")):
            return False
        d = os.path.dirname(d)
    return True


def never_shown(t, secret, spaced, label):
    """The secret (and as typed, with spaces) reached neither chartty's
    output bytes nor the terminal's scrollback."""
    raw = t.raw()
    ok(secret.encode() not in raw and spaced.encode() not in raw,
       f"{label}: the number never reached the terminal")
    back = t.tmux("capture-pane", "-p", "-S", "-", "-t", "0")
    ok(secret not in back and spaced not in back,
       f"{label}: nor its scrollback")


def files_holding(text, since):
    """Files under WORLD, HOME and /tmp written since `since` that hold
    text (a card number that must never be written)."""
    found = []
    for top in {WORLD, os.environ.get("HOME", WORLD), "/tmp"}:
        r = subprocess.run(["grep", "-rlsF", text, top],
                           capture_output=True, text=True)
        found += [f for f in r.stdout.split("\n")
                  if f and written_since(f, since)]
    return found


def sign_in(t, label, password="Chartty-demo-1"):
    """Sign in on the sign-in screen (no MFA) and wait for Home."""
    ok(t.wait(r"Password:"), f"{label}: sign-in shows")
    t.type(password)
    t.keys("Enter")
    ok(t.wait(r"^Home"), f"{label}: Home shows", t.screen())


def check_focus(t, after):
    good, where = t.focus_ok()
    ok(good, f"after {after}: the cursor is on the focused row", where)


def focus_down_to(t, pattern, tries=40):
    """Move the focus down until its row matches pattern."""
    for _ in range(tries):
        if re.search(pattern, t.lines()[t.cursor()[1]]):
            return True
        t.keys("Down")
        t.settle(0.1)
    return False


def fhir_as(email, password, path, base=None):
    """GET a FHIR path with a token of the account's own (PKCE sign-in),
    at the test portal (or the one at base)."""
    base = base or PORTAL
    verifier = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    login = portal("/auth/login", {"email": email, "password": password,
                                   "codeChallenge": challenge,
                                   "codeChallengeMethod": "S256",
                                   "scope": "openid patient/*.*"},
                   base=base)
    form = urllib.parse.urlencode({"grant_type": "authorization_code",
                                   "code": login["code"],
                                   "code_verifier": verifier}).encode()
    req = urllib.request.Request(base + "/oauth2/token", data=form)
    with urllib.request.urlopen(req) as r:
        token = json.loads(r.read())["access_token"]
    req = urllib.request.Request(base + "/fhir/R4/" + path, headers={
        "Authorization": "Bearer " + token})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def free_days(schedule, n, email="maria@example.org",
              password="Chartty-demo-1"):
    """The days the portal offers, never a day picked by adding days: the
    first and the last local day (YYYY-MM-DD) of the first n free times of
    schedule ("sched-patel"), each of those days with two free times or
    more. Asserts there are that many."""
    after = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                          time.gmtime(time.time() + 60))
    bundle = fhir_as(email, password,
                     f"Slot?schedule=Schedule/{schedule}&status=free"
                     f"&start=ge{after}&_sort=start&_count=200")
    days = []
    for e in bundle.get("entry", []):
        start = e["resource"]["start"].replace("Z", "+00:00")
        t = datetime.datetime.fromisoformat(start).timestamp()
        days.append(time.strftime("%Y-%m-%d", time.localtime(t)))
    taken = [d for d in days if days.count(d) >= 2][:n]
    assert len(taken) == n, f"{schedule}: {len(taken)} of {n} free times"
    return taken[0], taken[-1]


def end_sessions(email, password):
    """Sign every session of the account out (a password reset does)."""
    portal("/auth/resetpassword", {"email": email})
    mail = [m for m in portal("/_test/outbox?to=" + email)
            if m.get("kind") == "reset-password"][-1]
    portal("/auth/setpassword", {"id": mail["resetId"],
                                 "secret": mail["resetSecret"],
                                 "password": password})




class BrowseError(Exception):
    """The sign-in page answered without a redirect: status and the
    page's message (role="alert"), e.g. 400 "Email or password is
    invalid" or an unknown client_id."""

    def __init__(self, status, message):
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _Form(html.parser.HTMLParser):
    """The first form of a page: action, method, its inputs and buttons."""

    def __init__(self):
        super().__init__()
        self.form = None
        self.inside = False
        self.alert = None
        self.in_alert = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.form is None:
            self.form = {"action": a.get("action", ""),
                         "method": a.get("method", "get").lower(),
                         "inputs": [], "buttons": []}
            self.inside = True
        elif tag == "input" and self.inside:
            self.form["inputs"].append(a)
        elif tag == "button" and self.inside:
            self.form["buttons"].append(a)
        elif a.get("role") == "alert":
            self.in_alert = True
            self.alert = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        self.in_alert = False

    def handle_data(self, data):
        if self.in_alert:
            self.alert += data


def _fetch(opener, url, data=None):
    """(status, headers, body text) of a request, errors included."""
    req = urllib.request.Request(url, data=data)
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with opener.open(req, timeout=30) as r:
            return r.status, r.headers, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8", "replace")


def browse(url, email, password, cancel=False):
    """Sign in as a browser would: GET the authorization URL, fill in the
    form's email and password fields (its hidden inputs kept), press Sign
    in (or Cancel) and POST it. Follows no redirect: returns the Location
    the server sends the browser to (chartty's redirect_uri with code and
    state, or with error). Raises BrowseError when a page answers instead
    (an unknown client, a wrong password)."""
    opener = urllib.request.build_opener(_NoRedirect)
    status, headers, body = _fetch(opener, url)
    if status in (301, 302, 303, 307, 308):
        return urllib.parse.urljoin(url, headers["Location"])
    page = _Form()
    page.feed(body)
    if page.form is None or page.form["method"] != "post":
        raise BrowseError(status, (page.alert or body).strip())
    fields = []
    for i in page.form["inputs"]:
        kind = i.get("type", "text").lower()
        if not i.get("name") or kind in ("submit", "button", "reset"):
            continue
        if kind == "password":
            fields.append((i["name"], password))
        elif kind in ("email", "text") and i["name"] != "action":
            fields.append((i["name"], email))
        else:
            fields.append((i["name"], i.get("value", "")))
    want = "cancel" if cancel else "sign"
    for b in page.form["buttons"]:
        if b.get("name") and want in b.get("value", "").lower():
            fields.append((b["name"], b["value"]))
            break
    action = urllib.parse.urljoin(url, page.form["action"] or url)
    status, headers, body = _fetch(opener, action,
                                   urllib.parse.urlencode(fields).encode())
    if status in (301, 302, 303, 307, 308):
        return urllib.parse.urljoin(action, headers["Location"])
    page = _Form()
    page.feed(body)
    raise BrowseError(status, (page.alert or body).strip())


def follow(location):
    """GET a redirect's Location (chartty's loopback listener) as the
    browser would; returns the body of the answer, whatever its status."""
    opener = urllib.request.build_opener(_NoRedirect)
    return _fetch(opener, location)[2]


def fake_browser():
    """A BROWSER that only writes down the address it is given: its path,
    and a function that waits for the address (or "")."""
    script = os.path.join(WORLD, "browser.sh")
    saved = os.path.join(WORLD, "browser-url")
    with open(script, "w") as f:
        f.write(f"#!/bin/sh\nprintf '%s' \"$1\" > {saved}.tmp && "
                f"mv {saved}.tmp {saved}\n")
    os.chmod(script, 0o755)
    if os.path.exists(saved):
        os.unlink(saved)

    def opened(timeout=10.0):
        end = time.time() + timeout
        while time.time() < end:
            if os.path.exists(saved):
                with open(saved) as f:
                    url = f.read()
                os.unlink(saved)
                return url
            time.sleep(0.05)
        return ""
    return script, opened


def pipe(a, b):
    """Copy what arrives on socket a to socket b until either ends, then
    shut both (a proxy's one direction)."""
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    for c in (a, b):
        try:
            c.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def done():
    """The plan line, and the exit status."""
    print(f"1..{TAP['n']}")
    sys.exit(1 if TAP["failed"] else 0)
