#!/usr/bin/env python3
"""A hostile server (issue 17): small crafted HTTP(S) servers on loopback,
most of them a proxy in front of the test portal that misbehaves on chosen
paths, drive the real binary (whoami, summary --text, export, a plain
session, the full screen in tmux) to where the bad answer bites. Every
case ends in one sentence said to the person, with no crash (no signal,
no core), before its deadline (timeout = 3) and within a memory bound (the
peak resident size as GNU time reports it, printed): an answer of 50 MB,
a gzip bomb, JSON nested 100,000 deep, JSON millions of values wide, every
terminal escape family and invalid UTF-8 in names and messages, a
self-signed certificate, disguised http:// addresses, a server that
trickles, signals during a slow request, a 500 and deep nesting at
discovery, a next page and a redirect to another host (which gets no
request, least of all with the token), a 401 every time (one refresh,
then sign in again), a 429 without Retry-After and a Content-Length that
lies, an answer that is no HTTP or has a header of 10 MB. Afterwards no
file under HOME holds the password or a token. The cases run side by
side; HOSTILE_CASES=name,... runs some. Prints TAP."""

import concurrent.futures
import http.client
import http.server
import json
import os
import re
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import zlib

SRC = os.environ.get("top_srcdir", ".")
sys.path.insert(0, os.path.join(SRC, "tests", "tui"))
from tuilib import CHARTTY, PORTAL, WORLD, Term, done, ok  # noqa: E402

EMAIL = "maria@example.org"
PASSWORD = "Chartty-demo-1"
DEADLINE = 3            # timeout = 3 in the configuration
MARGIN = 3.0            # a busy test machine, far below a hang
HARD = 30               # a case still running then has hung: killed
# The most chartty may hold at once, its peak resident size: about 12 MB
# measured with small answers (libcurl, OpenSSL, ncurses); an answer
# read up to the 16 MB limit (HTTP_MAX_BODY) and dropped adds that; one
# of megabytes read adds its parse too, at most 250,000 values
# (JSON_MAX_VALUES): about 62 MB measured at the worst, 15 MB of short
# strings.
SMALL_MB = 24
LIMIT_MB = 32
PARSED_MB = 72

CONF = os.path.join(WORLD, "hostile.conf")
SEEN = {"tokens": set(), "lock": threading.Lock()}


# ---------------------------------------------------------------- servers

class Handler(http.server.BaseHTTPRequestHandler):
    """One request: logged, then the case's behave() answers it, or it
    goes on to the test portal and back (rewritten by the case)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def serve(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(n) if n > 0 else b""
        srv = self.server
        with srv.lock:
            srv.log.append((self.command, self.path, dict(self.headers),
                            self.body))
        note_secrets(self.headers.get("Authorization", ""), self.body)
        try:
            if srv.behave is None or not srv.behave(self):
                self.forward()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError,
                socket.timeout):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = serve

    def forward(self):
        srv = self.server
        up = http.client.HTTPConnection(srv.up_host, srv.up_port,
                                        timeout=30)
        heads = {k: v for k, v in self.headers.items()
                 if k.lower() not in ("host", "accept-encoding",
                                      "connection", "content-length")}
        up.request(self.command, self.path, body=self.body or None,
                   headers=heads)
        r = up.getresponse()
        body = r.read().replace(PORTAL.encode(), srv.url.encode())
        note_secrets("", body)
        if srv.rewrite is not None:
            body = srv.rewrite(self, r.status, body)
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() in ("transfer-encoding", "connection",
                             "content-length", "content-encoding", "date",
                             "server"):
                continue
            self.send_header(k, v.replace(PORTAL, srv.url))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        up.close()

    def answer(self, status, body, kind="application/fhir+json",
               heads=()):
        """A whole answer with its true length."""
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for k, v in heads:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        return True

    def raw(self, data):
        """Bytes as they are on the socket, then hang up."""
        self.wfile.write(data)
        self.close_connection = True
        return True


class Server(http.server.ThreadingHTTPServer):
    """A crafted server on loopback: behave(handler) answers what it
    chooses (True), the rest goes to the test portal at PORTAL, its
    answers rewritten by rewrite(handler, status, body) -> body. With
    tls (cert, key), it speaks HTTPS."""

    daemon_threads = True

    def __init__(self, behave=None, rewrite=None, tls=None,
                 host="127.0.0.1"):
        super().__init__((host, 0), Handler)
        self.behave = behave
        self.rewrite = rewrite
        self.log = []
        self.lock = threading.Lock()
        up = PORTAL.split("//")[1]
        self.up_host, self.up_port = up.split(":")[0], int(up.split(":")[1])
        self.ctx = None
        if tls is not None:
            self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ctx.load_cert_chain(*tls)
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://{host}:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def get_request(self):
        conn, addr = super().get_request()
        if self.ctx is not None:   # the handshake in the handler's thread
            conn = self.ctx.wrap_socket(conn, server_side=True,
                                        do_handshake_on_connect=False)
        return conn, addr

    def handle_error(self, request, client_address):
        pass    # a client that hangs up, a refused handshake: expected

    def requests(self, pattern=""):
        with self.lock:
            return [r for r in self.log if re.search(pattern, r[1])]

    def stop(self):
        self.shutdown()
        self.server_close()


def note_secrets(authz, body):
    """Remember every token that crossed a proxy, to look for on disk."""
    found = re.findall(rb'"(?:access|refresh)_token"\s*:\s*"([^"]+)"', body)
    if authz.startswith("Bearer "):
        found.append(authz[7:].encode())
    with SEEN["lock"]:
        SEEN["tokens"].update(t.decode() for t in found if len(t) >= 16)


# ------------------------------------------------------------- running it

# GNU time reports chartty's own peak: wait4 from here would not, as a
# child's peak counts the memory of the process it was started from (this
# test's Python) until it runs chartty. Without it, VmHWM is sampled
# every 5 ms, a figure that may miss the last milliseconds.
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


class Run:
    """One chartty run: exit code (negative: the signal), output bytes,
    seconds, peak resident size in kB, whether it hung, cores left."""

    def __init__(self, args, stdin=b"", signal_at=None, env=None):
        """signal_at: (seconds, signal) sends chartty that signal."""
        self.cwd = os.path.join(WORLD, "runs", f"{time.monotonic_ns()}")
        os.makedirs(self.cwd)
        e = dict(os.environ, TERM="xterm")
        e.update(env or {})
        cmd = [CHARTTY, "--config", CONF, "--no-keyring", *args]
        told = os.path.join(self.cwd, ".time")
        if TIME is not None:
            cmd = [TIME, "-o", told, "-f", "%M %x", *cmd]
        start = time.monotonic()
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, cwd=self.cwd, env=e,
                             start_new_session=True)
        out, hung, peak = [], [], [0]
        threading.Thread(target=lambda: out.append(p.stdout.read()),
                         daemon=True).start()
        pid = self.chartty_pid(p.pid)
        try:
            p.stdin.write(stdin)
            p.stdin.close()
        except BrokenPipeError:
            pass
        killer = threading.Timer(HARD, lambda: (hung.append(1),
                                                os.killpg(p.pid, 9)))
        killer.start()
        sig = None
        if signal_at is not None:
            sig = threading.Timer(signal_at[0], kill, (pid, signal_at[1]))
            sig.start()
        if TIME is None:
            threading.Thread(target=self.sample, args=(pid, peak),
                             daemon=True).start()
        status = p.wait()
        self.elapsed = time.monotonic() - start
        killer.cancel()
        if sig is not None:
            sig.cancel()
        self.hung = bool(hung)
        self.rc, self.peak_kb = status, peak[0]
        if TIME is not None:
            self.rc, self.peak_kb = self.told(told, status)
        for _ in range(100):
            if out:
                break
            time.sleep(0.05)
        p.stdout.close()
        self.out = out[0] if out else b""
        self.text = self.out.decode("utf-8", "replace")
        self.cores = [f for f in os.listdir(self.cwd)
                      if f.startswith("core")]

    @staticmethod
    def chartty_pid(pid):
        """chartty's pid: time's child, once it has one."""
        if TIME is None:
            return pid
        for _ in range(200):
            try:
                with open(f"/proc/{pid}/task/{pid}/children") as f:
                    kids = f.read().split()
                if kids:
                    return int(kids[0])
            except OSError:
                return pid
            time.sleep(0.005)
        return pid

    @staticmethod
    def sample(pid, peak):
        while True:
            try:
                with open(f"/proc/{pid}/status") as f:
                    m = re.search(r"^VmHWM:\s+(\d+)", f.read(), re.M)
            except OSError:
                return
            if m is None:
                return
            peak[0] = max(peak[0], int(m.group(1)))
            time.sleep(0.005)

    @staticmethod
    def told(path, status):
        """chartty's exit code (negative: the signal) and peak in kB, as
        time(1) wrote them."""
        try:
            with open(path) as f:
                text = f.read()
        except OSError:
            return status, 0
        m = re.search(r"terminated by signal (\d+)", text)
        last = text.strip().splitlines()[-1].split() if text.strip() else []
        kb = int(last[0]) if last and last[0].isdigit() else 0
        if m:
            return -int(m.group(1)), kb
        if len(last) == 2 and last[1].isdigit():
            return int(last[1]), kb
        return status, kb

    def lines(self):
        """What was said, less the prompts and the keyring notice."""
        said = []
        for line in self.text.splitlines():
            line = re.sub(r"^(Password|Email \[[^]]*\]): ", "", line)
            if line and "keyring is not available" not in line:
                said.append(line)
        return said


def kill(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def whoami(url, *more):
    return ["--server", url, "--user", EMAIL, *more, "whoami"]


def summary(url):
    return ["--server", url, "--user", EMAIL, "summary", "--text"]


PW = (PASSWORD + "\n").encode()


class Case:
    """A case's TAP lines, kept until it is its turn to print."""

    def __init__(self, name):
        self.name = name
        self.out = []
        self.peaks = []

    def ok(self, cond, what, detail=None):
        self.out.append(("ok", bool(cond), f"{self.name}: {what}", detail))
        return cond

    def diag(self, text):
        self.out.append(("diag", text))

    def ended(self, r, what, deadline=DEADLINE, bound=SMALL_MB):
        """No signal, no core, no hang; before the deadline; memory under
        bound (LIMIT_MB or PARSED_MB where the answer is megabytes)."""
        self.ok(r.rc >= 0 and not r.cores and not r.hung,
                f"{what}: ends by itself, no signal, no core "
                f"(exit {r.rc})", r.text[-2000:])
        self.ok(r.elapsed < deadline + MARGIN,
                f"{what}: ends in {r.elapsed:.1f} s (deadline "
                f"{deadline} s)")
        if os.environ.get("HOSTILE_VERBOSE"):
            self.diag(f"{what}: said {r.text!r}")
        mb = r.peak_kb / 1024
        self.peaks.append(mb)
        self.diag(f"peak memory: {mb:.1f} MB (bound {bound} MB), {what}")
        self.ok(mb < bound, f"{what}: peak memory under {bound} MB")

    def said(self, r, sentence, what):
        """The run ended saying sentence (a regular expression for one
        whole line), and nothing else."""
        lines = r.lines()
        self.ok(len(lines) == 1 and re.fullmatch(sentence, lines[0]),
                f"{what}: in one sentence", r.text[-2000:])

    def said_once(self, r, sentence, what):
        """sentence is one line of a longer session, said once."""
        n = sum(1 for l in r.lines() if re.fullmatch(sentence, l))
        self.ok(n == 1, f"{what}: said once ({n})", r.text[-3000:])


def clean(case, r, what):
    """No escape or control byte, no C1, no bidi control and no invalid
    UTF-8 in what reached the terminal."""
    try:
        text = r.out.decode("utf-8")
    except UnicodeDecodeError as e:
        case.ok(False, f"{what}: what reached the terminal is UTF-8",
                repr(r.out[max(0, e.start - 40):e.end + 40]))
        return
    bad = re.findall(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f"
                     r"\u202a-\u202e\u2066-\u2069\ufeff]", text)
    case.ok(not bad, f"{what}: no escape or control character reached "
            f"the terminal ({len(bad)})",
            repr(sorted(set(bad)))[:300])


# ----------------------------------------------------------- the payloads

def deep_json(n=100000):
    return ('{"a":' * n + "1" + "}" * n).encode()


def gzip_bomb():
    """1 GB of zeros gzipped, about 1 MB: 1 MB of zeros compressed alone
    (a full flush), that block 1023 times, the last and the trailer;
    made in a second, where compressing it all took ten."""
    chunk = bytes(1 << 20)
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = z.compress(chunk) + z.flush(zlib.Z_FULL_FLUSH)
    last = z.compress(chunk) + z.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(1024):
        crc = zlib.crc32(chunk, crc)
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + block * 1023 +
            last + struct.pack("<II", crc, 1 << 30))


# Every family of terminal escape, and C0/C1 controls, as JSON escapes
# (cJSON makes them bytes; C1 as UTF-8): CSI, OSC (title, OSC 52
# clipboard, OSC 8 link), DCS, APC, PM, SOS, C1 controls, bare ESC, BEL,
# backspace, CR, bidi overrides and isolates.
EVIL = ("Zed" "\x1b[31mred\x1b[0m" "\x1b[2J\x1b[H" "\x1b[6n"
        "\x1b]0;pwned-title\x07" "\x1b]2;pwned\x1b\\"
        "\x1b]52;c;cHduZWQ=\x07" "\x1b]8;;http://evil.test/\x1b\\link"
        "\x1b]8;;\x1b\\" "\x1bP+q544e\x1b\\" "\x1b_apc\x1b\\" "\x1b^pm\x1b\\"
        "\x1bXsos\x1b\\" "\x1bc" "\x1b7\x1b8" "\x1b(0" "\x1b"
        + "".join(chr(c) for c in range(0x80, 0xa0)) +
        "\u009b31m" "\u009d0;t\u009c" "bell\x07" "AB\x08\x08" "fake\rOK"
        "\x0b\x0c\x7f" "\u202eevil\u202c" "\u2066x\u2069" "\u200f\u061c"
        "\ufeff" "RAW" "Zed")
# Raw bytes, not escaped: C1 controls alone (not UTF-8), a UTF-8 CSI,
# bytes that are no UTF-8 at all (0xff, an overlong "/", a surrogate, a
# sequence cut short).
RAW = b"\x9b31m\x9d0;t\x9c\x85\xc2\x9b6n\xff\xfe\xc0\xaf\xed\xa0\x80\xe2\x82"
POISON = ("display", "text", "family", "contentString", "given")


def poison(j):
    """Every name, display and text of a FHIR answer with EVIL in it."""
    if isinstance(j, dict):
        for k, v in j.items():
            if k in POISON and isinstance(v, str):
                j[k] = v + EVIL
            elif k == "given" and isinstance(v, list):
                j[k] = [s + EVIL if isinstance(s, str) else s for s in v]
            else:
                poison(v)
    elif isinstance(j, list):
        for v in j:
            poison(v)
    return j


def poisoned(h, status, body):
    try:
        j = json.loads(body)
    except ValueError:
        return body
    if not h.path.startswith(("/fhir", "/auth/me")):
        return body
    out = json.dumps(poison(j)).encode()
    return out.replace(b"RAW", RAW)


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def self_signed():
    d = os.path.join(WORLD, "hostile-tls")
    os.makedirs(d, exist_ok=True)
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    try:
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1")
    except (OSError, subprocess.CalledProcessError):
        return None
    return cert, key


# -------------------------------------------------------------- the cases

def batch(h):
    """Is this the batch that loads the health summary?"""
    return h.command == "POST" and h.path.rstrip("/") == "/fhir/R4"


TOO_BIG = (r"The answer from 127\.0\.0\.1 was too large \(over 16 MB\), so "
           r"chartty stopped reading it\.")


def case_huge(c):
    """An answer of 50 MB: by its length, and sent without one."""
    def length(h):
        if not batch(h):
            return False
        h.send_response(200)
        h.send_header("Content-Type", "application/fhir+json")
        h.send_header("Content-Length", str(50 << 20))
        h.end_headers()
        for _ in range(50):
            h.wfile.write(b" " * (1 << 20))
        return True

    def chunked(h):
        if not batch(h):
            return False
        h.send_response(200)
        h.send_header("Content-Type", "application/fhir+json")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        part = b" " * (1 << 20)
        for _ in range(50):
            h.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        h.wfile.write(b"0\r\n\r\n")
        return True

    for behave, what, bound in (
            (length, "50 MB said by Content-Length", SMALL_MB),
            (chunked, "50 MB chunked, no length", LIMIT_MB)):
        s = Server(behave)
        r = Run(summary(s.url), PW)
        s.stop()
        c.ok(r.rc == 1, f"{what}: summary --text exits 1 ({r.rc})")
        c.said(r, TOO_BIG, what)
        c.ended(r, what, bound=bound)


def case_bomb(c):
    """A gzip bomb: 1 GB of zeros in 1 MB, Content-Encoding: gzip."""
    bomb = gzip_bomb()
    c.diag(f"gzip bomb: {len(bomb) >> 10} kB on the wire, 1024 MB inside")

    s = Server(lambda h: batch(h) and h.answer(
        200, bomb, heads=[("Content-Encoding", "gzip")]))
    r = Run(summary(s.url), PW)
    s.stop()
    c.ok(r.rc == 1, f"summary --text exits 1 ({r.rc})")
    c.said(r, TOO_BIG, "a gzip bomb")
    c.ended(r, "a gzip bomb", bound=LIMIT_MB)


def case_deep(c):
    """JSON nested 100,000 deep, as the summary's answer."""
    s = Server(lambda h: batch(h) and h.answer(200, deep_json()))
    r = Run(summary(s.url), PW)
    s.stop()
    c.ok(r.rc == 1, f"summary --text exits 1 ({r.rc})")
    c.said(r, r"The answer was nested too deeply to read\.",
           "JSON nested 100,000 deep")
    c.ended(r, "JSON nested 100,000 deep")


def case_wide(c):
    """JSON wide rather than deep: five million empty objects (15 MB,
    each a node of cJSON's) and an object of 120,000 members, refused;
    240,000 entries, 990 members before them (the most taken) and 15 MB
    of short strings, read in time (minutes of CPU before, each element
    and member looked up from the start)."""
    def bundle(n, junk=0, entry=b"{}"):
        pad = b"".join(b'"k%d":0,' % i for i in range(junk))
        return (b"{" + pad + b'"resourceType":"Bundle","type":'
                b'"batch-response","entry":[' +
                b",".join([entry] * n) + b"]}")
    for body, refused, what in (
            (bundle(5000000), True, "5,000,000 values"),
            (bundle(100, 120000), True, "an object of 120,000 members"),
            (bundle(240000), False, "240,000 entries"),
            (bundle(240000, 990), False, "990 members, then 240,000 "
             "entries"),
            (bundle(240000, entry=b'"' + b"x" * 60 + b'"'), False,
             "240,000 strings of 60 bytes")):
        s = Server(lambda h, body=body: batch(h) and h.answer(200, body))
        r = Run(summary(s.url), PW)
        s.stop()
        what = f"JSON {len(body) / 1e6:.1f} MB wide, {what}"
        if refused:
            c.ok(r.rc == 1, f"{what}: summary --text exits 1 ({r.rc})")
            c.said(r, r"The answer was too large to read\.", what)
        else:
            c.ok(r.rc in (0, 1) and "Health summary" in r.text,
                 f"{what}: read, the summary written", r.text[-1000:])
        c.ended(r, what, bound=LIMIT_MB if refused else PARSED_MB)


def case_escapes(c):
    """Names, displays, texts and messages full of escapes."""
    s = Server(rewrite=poisoned)
    r = Run(whoami(s.url), PW)
    c.ok(r.rc == 0 and "Signed in as: Maria" in r.text,
         "whoami signs in", r.text[-1500:])
    c.ok("Zed" in r.text, "the poisoned name is shown", r.text[-1500:])
    clean(c, r, "whoami")
    c.ended(r, "whoami")
    r = Run(summary(s.url), PW)
    c.ok(r.rc == 0 and "Zed" in r.text, "summary --text shows the "
         "poisoned summary", r.text[-1500:])
    clean(c, r, "summary --text")
    c.ended(r, "summary --text")
    # Plain: Home, the health summary, the messages and the first one.
    r = Run(["--plain", "--server", s.url, "--user", EMAIL],
            b"\n" + PW + b"1\nh\n4\n1\nq\n")
    c.ok(r.rc == 0 and r.text.count("Zed") > 5 and "Messages" in r.text,
         "a plain session shows Home, the summary and a message",
         r.text[-3000:])
    clean(c, r, "plain session")
    c.ended(r, "plain session")
    s.stop()


# What curses itself never writes: OSC, DCS, APC, PM and SOS introducers,
# BEL, a reset (RIS), the cursor report asked for.
NEVER = [b"\x1b]", b"\x1bP", b"\x1b_", b"\x1b^", b"\x1bX", b"\x07",
         b"\x1bc", b"\x1b[6n"]


def case_screen(c):
    """The same in the full screen (tmux): its bytes hold none of what
    the server sent, and the window's title stays."""
    s = Server(rewrite=poisoned)
    t = Term(f"--config {CONF} --no-keyring --server {s.url} --user "
             f"{EMAIL}")
    try:
        title = t.tmux("display", "-p", "-t", "0", "#{pane_title}")
        c.ok(t.wait("Password:"), "the sign-in shows", t.screen())
        t.type(PASSWORD)
        for key, screen in (("Enter", "^Home"), ("2", "^Health summary"),
                            ("5", "^Messages"),
                            ("Enter", "Home blood pressure")):
            t.keys(key)
            c.ok(t.wait(screen), f"{screen.lstrip('^')} shows",
                 t.screen())
        t.keys("q")
        c.ok(t.exited() == "0", "q quits with 0")
        raw = t.raw()
        found = [n for n in NEVER if n in raw]
        c.ok("Zed" in t.screen() or b"Zed" in raw, "the poisoned text "
             "was drawn")
        c.ok(not found, f"no OSC, DCS, APC, PM, SOS, BEL, RIS or report "
             f"reached the terminal", found)
        text = raw.decode("utf-8", "replace")
        bad = re.findall(r"[\x80-\x9f\u061c\u200e\u200f\u202a-\u202e"
                         r"\u2066-\u2069\ufeff]", text)
        c.ok(not bad and text.encode() == raw, f"no C1 control, bidi "
             f"control or invalid UTF-8 ({len(bad)})",
             repr(sorted(set(bad))))
        c.ok(t.tmux("display", "-p", "-t", "0", "#{pane_title}") == title,
             "the window's title is unchanged")
    finally:
        t.close()
        s.stop()


def case_self_signed(c):
    tls = self_signed()
    if tls is None:
        c.diag("SKIP: no openssl(1) to make a certificate")
        return
    s = Server(tls=tls)
    r = Run(whoami(s.url), PW)
    s.stop()
    c.ok(r.rc == 1, f"a self-signed certificate: exits 1 ({r.rc})")
    c.said(r, r"The security certificate of 127\.0\.0\.1 is not signed by "
           r"an authority chartty trusts, so chartty did not connect \(a "
           r"clinic's own authority can be trusted with ca-file\)\.",
           "a self-signed certificate")
    c.ok(not any(PASSWORD.encode() in q[3] for q in s.log),
         "the password was not sent")
    c.ended(r, "a self-signed certificate")


# http:// to another host in disguise (refused), and loopback written in
# ways other than url.c's rule takes (refused too: the rule is
# "localhost", "::1" or four decimal numbers starting 127; no user part).
DISGUISED = [
    ("http://127.0.0.1.example.com", "127.0.0.1.example.com"),
    ("http://localhost.evil", "localhost.evil"),
    ("http://[::ffff:8.8.8.8]", "::ffff:8.8.8.8"),
    ("http://evil.com#@127.0.0.1", "evil.com"),
    ("http://127.0.0.1.nip.io", "127.0.0.1.nip.io"),
    ("http://0x7f.1", "0x7f.1"),
    ("http://2130706433", "2130706433"),
    ("http://127.1", "127.1"),
    ("http://0177.0.0.1", "0177.0.0.1"),
    ("http://[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
    ("http://127.0.0.1.", "127.0.0.1."),
    ("http://127.0.0.1%2f.evil.com", "127.0.0.1%2f.evil.com"),
]
USERINFO = ["http://127.1@evil.com", "http://127.0.0.1@evil.com",
            "http://127.0.0.1:80@evil.com/", "http://evil.com\\@127.0.0.1"]


def case_disguised(c):
    """Each refused before anything is sent: every http request of
    chartty's goes through a proxy (http_proxy) that counts them."""
    s = Server(behave=lambda h: h.answer(502, "no"))
    env = {"http_proxy": s.url, "HTTP_PROXY": s.url, "no_proxy": "",
           "NO_PROXY": ""}
    for url, host in DISGUISED:
        r = Run(whoami(url), PW, env=env)
        c.said(r, r"chartty only connects to %s over a secure connection "
               r"\(https://\)\." % re.escape(host), f"{url} refused")
        c.ok(r.rc == 1, f"{url}: exits 1 ({r.rc})")
    for url in USERINFO:
        r = Run(whoami(url), PW, env=env)
        c.said(r, r'"%s" is not a web address chartty can use\.'
               % re.escape(url), f"{url} refused")
    c.ok(not s.log, "not one request left chartty for any of them",
         s.log[:3])
    s.stop()


def trickle(h):
    """The answer's head, then 4 bytes a second, for ten minutes."""
    if not h.path.startswith("/.well-known/"):
        return False
    h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 2400\r\n\r\n")
    for _ in range(600):
        h.wfile.write(b"    ")
        time.sleep(1)
    return True


def case_trickle(c):
    s = Server(trickle)
    r = Run(whoami(s.url), PW)
    s.stop()
    c.said(r, r"127\.0\.0\.1 took longer than 3 seconds to answer; try "
           r"again\.", "a server that trickles 4 bytes a second")
    c.ok(r.elapsed >= DEADLINE - 0.5, f"cut off at the deadline, not "
         f"before ({r.elapsed:.1f} s)")
    c.ended(r, "a trickling server")


def case_signals(c):
    for sig, code in ((signal.SIGTERM, 143), (signal.SIGINT, 130)):
        s = Server(trickle)
        r = Run(["--plain", "--server", s.url, "--user", EMAIL], b"",
                signal_at=(1.0, sig))
        s.stop()
        name = sig.name
        c.ok(s.requests("^/.well-known/"), f"{name}: sent while the "
             "discovery trickled")
        c.ok(r.rc == code, f"{name} during a slow request: exit {code} "
             f"({r.rc})", r.text[-1000:])
        c.ok(r.elapsed < 1.0 + 1.5, f"{name}: at once ({r.elapsed:.1f} s)")
        c.ended(r, name)


def case_discovery(c):
    """A 500 and deep nesting at discovery say what happened."""
    def broken(h):
        if not h.path.startswith("/.well-known/"):
            return False
        return h.answer(500, "<p>Internal error</p>", "text/html")

    def deep(h):
        if not h.path.startswith("/.well-known/"):
            return False
        return h.answer(200, deep_json(), "application/json")
    for behave, sentence, what in (
            (broken, r"{u} had a problem answering \(HTTP 500\)\. Try "
             r"again later\.", "a 500 at discovery"),
            (deep, r"The SMART configuration from {u} was nested too "
             r"deeply to read\.", "deep nesting at discovery")):
        s = Server(behave)
        r = Run(whoami(s.url), PW)
        s.stop()
        c.said(r, sentence.format(u=re.escape(s.url)), what)
        c.ok("does not look like" not in r.text, f"{what}: not "
             "\"does not look like a patient portal\"")
        c.ended(r, what)


class Elsewhere(Server):
    """Another host (127.0.0.2 where it can be had): records what it
    gets and answers nothing useful."""

    def __init__(self):
        try:
            super().__init__(lambda h: h.answer(404, "{}"),
                             host="127.0.0.2")
        except OSError:
            super().__init__(lambda h: h.answer(404, "{}"))


def case_next(c):
    """A search's next page on another host: export stops and says so;
    the messages and test results show their page and say so."""
    other = Elsewhere()

    def rewrite(h, status, body):
        if not h.path.startswith("/fhir/R4/") or b'"searchset"' not in body:
            return body
        j = json.loads(body)
        j["link"] = [l for l in j.get("link", [])
                     if l.get("relation") != "next"]
        j["link"].append({"relation": "next",
                          "url": other.url + "/fhir/R4" + h.path[8:]})
        return json.dumps(j).encode()
    s = Server(rewrite=rewrite)
    out = os.path.join(WORLD, "hostile-export.json")
    r = Run(["--server", s.url, "--user", EMAIL, "export", "--output",
             out], PW)
    c.ok(r.rc == 1, f"export exits 1 ({r.rc})")
    said = r"The next page is on another server; chartty did not follow " \
        r"it\."
    c.said_once(r, said, "export, a next page on another host")
    c.ok(not os.path.exists(out), "no partial record is left")
    c.ended(r, "export, a next page on another host")
    r = Run(["--plain", "--server", s.url, "--user", EMAIL],
            b"\n" + PW + b"4\nh\n2\nq\n")
    n = sum(1 for l in r.lines() if re.fullmatch(said, l))
    c.ok(r.rc == 0 and n == 2 and "Older" not in r.text,
         f"plain: the messages and the test results say it, offer no "
         f"older page ({n})", r.text[-3000:])
    c.ended(r, "plain, next pages on another host")
    s.stop()
    other.stop()
    c.ok(not other.log, f"the other host got no request "
         f"({len(other.log)})", other.log[:2])


def case_redirect(c):
    """302 and 307 to another host: discovery, the sign-in (a password
    in the body), /auth/me and the summary's batch (a token in the
    headers). Never followed: the other host gets nothing."""
    other = Elsewhere()
    said = r"The portal sent chartty to another address; chartty did not " \
        r"follow it\."
    for path, method, code, args, what in (
            ("/.well-known/smart-configuration", "GET", 302, whoami,
             "302 at discovery"),
            ("/auth/login", "POST", 307, whoami, "307 at sign-in"),
            ("/auth/me", "GET", 302, whoami, "302 at /auth/me"),
            ("/fhir/R4", "POST", 307, summary, "307 at the summary")):
        def behave(h, path=path, method=method, code=code):
            if h.path.rstrip("/") != path or h.command != method:
                return False
            return h.answer(code, "", "text/plain",
                            [("Location", other.url + path)])
        s = Server(behave)
        r = Run(args(s.url), PW)
        s.stop()
        c.ok(r.rc == 1, f"{what}: exits 1 ({r.rc})")
        if "discovery" in what:
            c.said(r, re.escape(s.url) + said[len("The portal"):], what)
        else:
            c.said(r, said, what)
        c.ended(r, what)
    c.ok(not other.log, f"the other host got no request ({len(other.log)})",
         [(m, p, h.get("Authorization")) for m, p, h, _ in other.log])
    other.stop()


def case_401(c):
    """Every request with a token answers 401: one refresh, then sign in
    again, in one sentence; no loop."""
    def behave(h):
        if "Authorization" not in h.headers or h.path.startswith("/oauth2"):
            return False
        return h.answer(401, json.dumps({
            "resourceType": "OperationOutcome", "issue": [{
                "severity": "error", "code": "login",
                "details": {"text": "Unauthorized"}}]}))
    s = Server(behave)
    r = Run(whoami(s.url), PW)
    refresh = [q for q in s.requests(r"^/oauth2/token")
               if b"grant_type=refresh_token" in q[3]]
    c.ok(len(refresh) == 1, f"whoami: exactly one refresh ({len(refresh)})")
    c.said(r, r"Your session has expired\. Please sign in again\.",
           "whoami: a 401 every time")
    c.ended(r, "whoami, 401 every time")
    s.log.clear()
    r = Run(["--plain", "--server", s.url, "--user", EMAIL],
            b"\n" + PW + b"1\n")
    refresh = [q for q in s.requests(r"^/oauth2/token")
               if b"grant_type=refresh_token" in q[3]]
    c.ok(len(refresh) == 1, f"plain: exactly one refresh ({len(refresh)})")
    c.said_once(r, r"Your session has expired\. Please sign in again\.",
                "plain: a 401 every time")
    c.ok(len(s.log) < 30, f"plain: no loop ({len(s.log)} requests)")
    c.ok(re.search(r"Password: [^\n]*$", r.text) or
         r.text.rstrip().endswith("No password given."),
         "plain: asked to sign in again", r.text[-1500:])
    c.ended(r, "plain, 401 every time")
    s.stop()


def case_garbage(c):
    """Discovery answered with what is no HTTP (an SSH banner), a status
    line of escapes, a header of 10 MB, or nothing at all."""
    def at_discovery(data=None):
        def behave(h):
            if not h.path.startswith("/.well-known/"):
                return False
            if data is None:
                time.sleep(DEADLINE + MARGIN + 2)
            return h.raw(data or b"")
        return behave
    other = r"127\.0\.0\.1 did not answer as a web server does; check " \
        r"the address\."
    for data, sentence, what in (
            (b"SSH-2.0-OpenSSH_9.2\r\n" * 100, other, "an SSH banner"),
            (b"HTTP/1.1 99999999999 \x1b]0;x\x07Weird\r\nContent-Length: "
             b"2\r\n\r\n{}", other, "a status line of escapes"),
            (b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (10 << 20) +
             b"\r\n\r\n", r"The answer from 127\.0\.0\.1 was too large, "
             r"so chartty stopped reading it\.", "a header of 10 MB"),
            (None, r"127\.0\.0\.1 took longer than 3 seconds to answer; try "
             r"again\.", "no answer at all")):
        s = Server(at_discovery(data))
        r = Run(whoami(s.url), PW)
        s.stop()
        c.ok(r.rc == 1, f"{what}: exits 1 ({r.rc})")
        c.said(r, sentence, what)
        c.ended(r, what)


def case_429(c):
    s = Server(lambda h: batch(h) and h.answer(429, ""))
    r = Run(summary(s.url), PW)
    n = len(s.requests(r"^/fhir/R4/?$"))
    s.stop()
    c.said(r, r"The portal is busy\. Try again in a few minutes\.",
           "429 without Retry-After on the summary")
    c.ok(n == 1, f"asked once, not again and again ({n})")
    c.ended(r, "429 on the summary")

    s = Server(lambda h: h.path == "/auth/login" and h.answer(429, ""))
    r = Run(whoami(s.url), PW)
    n = len(s.requests(r"^/auth/login"))
    s.stop()
    c.said(r, r"Too many attempts\. Try again later or call the help "
           r"desk\.", "429 without Retry-After at sign-in")
    c.ok(n == 1, f"sign-in tried once ({n})")
    c.ended(r, "429 at sign-in")


def case_length(c):
    """A Content-Length that lies."""
    def longer(h):
        if not batch(h):
            return False
        return h.raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/fhir+"
                     b"json\r\nContent-Length: 5000\r\n\r\n"
                     b'{"resourceType":"Bundle","type":"batch-response"')

    def longer_open(h):
        if not batch(h):
            return False
        h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/fhir"
                      b"+json\r\nContent-Length: 5000\r\n\r\n"
                      b'{"resourceType":"Bundle"')
        time.sleep(DEADLINE + MARGIN + 2)
        return h.raw(b"")

    def shorter(h):
        if not batch(h):
            return False
        body = b'{"resourceType":"Bundle","type":"batch-response","entry"' \
            b':[]}'
        h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/fhir"
                      b"+json\r\nContent-Length: 20\r\n\r\n" + body)
        return True
    for behave, sentence, what in (
            (longer, r"The connection to 127\.0\.0\.1 was lost before the "
             r"answer arrived\. Try again\.", "longer than the body, "
             "then closed"),
            (longer_open, r"127\.0\.0\.1 took longer than 3 seconds to "
             r"answer; try again\.", "longer than the body, left open"),
            (shorter, r"The answer was damaged and could not be read\.",
             "shorter than the body")):
        s = Server(behave)
        r = Run(summary(s.url), PW)
        s.stop()
        c.ok(r.rc == 1, f"{what}: exits 1 ({r.rc})")
        c.said(r, sentence, f"Content-Length {what}")
        c.ended(r, f"Content-Length {what}")


# The slowest first: they wait for deadlines.
CASES = [case_length, case_wide, case_garbage, case_screen, case_trickle,
         case_signals, case_huge, case_bomb, case_deep, case_escapes,
         case_self_signed, case_disguised, case_discovery, case_next,
         case_redirect, case_401, case_429]


def secrets_on_disk():
    """Files under HOME (and the XDG directories in it) holding the
    password or a token that crossed the proxies."""
    home = os.environ.get("HOME", WORLD)
    with SEEN["lock"]:
        secrets = [PASSWORD] + sorted(SEEN["tokens"])
    found = []
    for top, _, files in os.walk(home):
        for f in files:
            path = os.path.join(top, f)
            try:
                with open(path, "rb") as fp:
                    data = fp.read()
            except OSError:
                continue
            found += [(path, s[:8] + "...") for s in secrets
                      if s.encode() in data]
    return found, len(secrets)


def main():
    with open(CONF, "w") as f:
        f.write(f"timeout = {DEADLINE}\n")
    start = time.monotonic()
    # HOSTILE_CASES=name,name runs only those (while working on one).
    only = os.environ.get("HOSTILE_CASES")
    run = [fn for fn in CASES if not only or fn.__name__[5:] in
           only.split(",")]
    cases = [Case(fn.__name__[5:]) for fn in run]
    def timed(fn, case):
        t0 = time.monotonic()
        fn(case)
        case.diag(f"{case.name}: {time.monotonic() - t0:.1f} s")
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(timed, fn, case)
                   for fn, case in zip(run, cases)]
        for case, fut in zip(cases, futures):
            try:
                fut.result()
            except Exception as e:      # a broken case fails, not the run
                case.ok(False, f"the case ran ({e!r})")
            for item in case.out:
                if item[0] == "diag":
                    print(f"# {item[1]}")
                else:
                    ok(item[1], item[2], item[3])
    found, n = secrets_on_disk()
    ok(not found, f"no file under HOME holds the password or any of {n - 1} "
       f"tokens", found)
    peak = max((p for case in cases for p in case.peaks), default=0)
    print(f"# peak memory, highest of all: {peak:.1f} MB (bounds: "
          f"{SMALL_MB} MB; {LIMIT_MB} MB with an answer of 16 MB dropped, "
          f"{PARSED_MB} MB with one of megabytes read)")
    print(f"# wall time: {time.monotonic() - start:.1f} s")
    done()


if __name__ == "__main__":
    main()
