#!/usr/bin/env python3
"""Benchmark of memory: the peak resident size (VmHWM) of the real chartty
binary in plain mode against the test portal, and where it goes, mapping
by mapping (/proc/PID/smaps), read while chartty waits at a prompt:

- `chartty --version`, the floor: the libraries mapped and relocated
  before main() (its stdout a full pipe, so it waits just before it exits);
- the sign-in's first prompt, over http and after a TLS handshake (with a
  certificate made here, which chartty refuses): what TLS adds;
- a plain session as a patient has it, the keyring in use (gnome-keyring
  on a private D-Bus, tests/harness.sh): Maria signs in, opens four areas
  from Home; each keyring call runs in a short-lived child process that
  loads libsecret (src/keyring.c), sampled here while it lives;
- the same session with --no-keyring (printed, not checked);
- the 20,000-observation patient: Walter Long's test results, "Older
  reports" chosen 20 times, then a report, a result and its trend.

Budgets (issue 16): a plain session under 8 MB, the big patient under
30 MB. A check fails at twice a budget, so noise does not fail the suite;
the figures say whether each budget is met. Prints TAP, figures as "# "
lines. Runs under tests/harness.sh (portal, keyring).

Where a plain session's memory goes (Debian 12, x86-64; measured by this
benchmark, about 11.6 MB over http, printed again at the end as measured;
a real portal's TLS adds about 1.3 MB: libssl and more of libcrypto, and
the handshake's heap):

- libcurl itself (about 0.7 MB) and the 27 other libraries Debian's
  libcurl4-openssl names, about 3.9 MB resident, most of it before main()
  runs: gnutls (1.1 MB; brought by librtmp and libldap, and initialised by
  its own constructor), p11-kit, krb5 and GSSAPI, LDAP and SASL, nettle,
  gmp, unistring, ssh2, nghttp2, idn2, psl, brotli, zstd. chartty calls
  none of them; each is mapped, relocated and its touched pages counted
  (the kernel maps up to 64 KB around each page touched). Only a libcurl
  built without LDAP, RTMP, SSH and GSSAPI (not a Debian package) would
  drop most of it.
- libcrypto and libssl, about 3.3 MB once OpenSSL is started and its
  configuration read (the system's TLS policy, kept). Its error strings
  are not loaded (crypto_init: chartty never shows them), about 0.6 MB
  less; not reading the configuration would save about 0.4 MB more.
- libc, libm and ld.so, about 2.1 MB; chartty itself about 0.4 MB;
  ncurses, cJSON, qrencode about 0.3 MB (full screen, with terminfo read,
  ncurses and tinfo about 0.4 MB).
- The heap, the stack and nameless mappings, about 1 MB.

Left out of chartty's own memory: libsecret, glib, gio and their
libraries (about 2.4 MB; the keyring's child loads them for each call and
ends: its peak, sampled, about 9 MB; about 9 ms more a call), and the CA bundle
parsed whole at the first TLS connection (about 1 MB; certificates are
looked up one by one in libcurl's hashed directory, src/http.c). So 8 MB
is not reachable with Debian's libcurl: the floor (`chartty --version`,
OpenSSL not yet started) is about 8.9 MB. Smaller steps left: libm (about
0.3 MB resident) for six functions (round, lround, llround, log10, pow,
fmax in bill.c, reading.c, trend.c); OpenSSL's configuration (about
0.4 MB), kept for the system's TLS policy. BIND_NOW (-z relro -z now,
issue 17) costs about 0.1 MB at the floor and nothing measurable in a
session: chartty's own imports are few, and binding them touches pages of
the same libraries that a session touches anyway."""

import fcntl
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests",
                                "tui"))
from tuilib import (CHARTTY, PORTAL, WORLD, Plain, diag, done,  # noqa: E402
                    ok)

BUDGET_PLAIN = 8 * 1024		# KB
BUDGET_BIG = 30 * 1024		# KB
PAGES = 20			# "Older reports" chosen this many times
TOP = 14			# mappings listed by name
F_SETPIPE_SZ = 1031


def mb(kb):
    return f"{kb / 1024:.1f} MB"


def sizes(path):
    """The "Name:  123 kB" lines of a /proc file, in KB."""
    with open(path) as f:
        return {m.group(1): int(m.group(2)) for m in
                re.finditer(r"^(\w+):\s+(\d+) kB$", f.read(), re.M)}


def mappings(pid):
    """Resident KB by what is mapped: a file's name, or [heap], [stack],
    anon (nameless), as /proc/PID/smaps says."""
    found = {}
    name = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = re.match(r"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$",
                            line)
            if head:
                path = head.group(1)
                name = (os.path.basename(path) if path.startswith("/")
                        else path or "anon")
                found.setdefault(name, 0)
            elif line.startswith("Rss:"):
                found[name] += int(line.split()[1])
    return found


def measure(pid):
    """All that is said of one moment of the process. chartty makes itself
    non-dumpable (harden_process()), so only root reads its smaps: for
    others the mappings stay empty; status says the sizes to anyone."""
    m = {"status": sizes(f"/proc/{pid}/status"), "rollup": {}, "maps": {}}
    try:
        m["rollup"] = sizes(f"/proc/{pid}/smaps_rollup")
        m["maps"] = mappings(pid)
    except PermissionError:
        pass
    return m


def ldd(path):
    """The libraries path loads, by soname: the real file of each."""
    out = subprocess.run(["ldd", path], capture_output=True,
                         text=True).stdout
    return {m.group(1): os.path.realpath(m.group(2)) for m in
            re.finditer(r"^\s*(\S+) => (/\S+)", out, re.M)}


def brought_by():
    """For each library file chartty loads, the libraries chartty names
    itself (DT_NEEDED) that bring it in; {} when readelf cannot say."""
    try:
        elf = subprocess.run(["readelf", "-d", CHARTTY], capture_output=True,
                             text=True).stdout
    except OSError:
        return {}
    loaded = ldd(CHARTTY)
    owners = {}
    for name in re.findall(r"\(NEEDED\)\s+Shared library: \[(.+)\]", elf):
        if name not in loaded:
            continue
        for lib in {loaded[name]} | set(ldd(loaded[name]).values()):
            owners.setdefault(os.path.basename(lib), []).append(name)
    return owners


def report_owners(maps, owners):
    """Resident KB of the libraries, grouped by what brings them in."""
    groups = {}
    everyone = max((len(v) for v in owners.values()), default=0)
    for name, kb in maps.items():
        if name not in owners:
            continue
        key = ("every library chartty names" if len(owners[name]) ==
               everyone else ", ".join(owners[name]))
        group = groups.setdefault(key, [0, []])
        group[0] += kb
        group[1].append(name)
    diag("  resident KB of the libraries, by the ones chartty names "
         "(DT_NEEDED) that bring them in:")
    for key, (kb, libs) in sorted(groups.items(), key=lambda kv: -kv[1][0]):
        named = (", ".join(sorted(libs)) if len(libs) <= 3 else
                 f"{len(libs)} libraries")
        diag(f"    {kb:6d}  through {key}: {named}")


def report(title, m, floor=None, owners=None, brief=False,
           below="the floor"):
    """The figures of one moment, as "# " lines; what grew since floor,
    named below, if given; brief: no list of the mappings."""
    st, ru, maps = m["status"], m["rollup"], m["maps"]
    diag(f"{title}")
    diag(f"  peak RSS (VmHWM) {mb(st['VmHWM'])}; resident when measured "
         f"{mb(st['VmRSS'])}: {mb(st['RssFile'])} of files (the libraries),"
         f" {mb(st['RssAnon'])} anonymous (heap, stack, the libraries' "
         f"written pages)")
    if floor is not None:
        diag(f"  above {below}: "
             f"{mb(st['VmRSS'] - floor['status']['VmRSS'])}")
    if not maps:
        diag("  by mapping: /proc/PID/smaps is root's to read (chartty is "
             "not dumpable)")
        return
    private = ru.get("Private_Clean", 0) + ru.get("Private_Dirty", 0)
    diag(f"  shared with other processes or not: proportional (PSS) "
         f"{mb(ru.get('Pss', 0))}, private to chartty {mb(private)}")
    ranked = sorted(maps.items(), key=lambda kv: -kv[1])
    if not brief:
        diag("  resident KB by mapping:")
        for name, kb in ranked[:TOP]:
            diag(f"    {kb:6d}  {name}")
        rest = ranked[TOP:]
        diag(f"    {sum(kb for _, kb in rest):6d}  {len(rest)} others")
    if owners:
        report_owners(maps, owners)
    if floor is not None and floor["maps"]:
        grew = sorted(((kb - floor["maps"].get(name, 0), name) for name, kb
                       in maps.items()), reverse=True)
        diag(f"  above {below}, most (KB): " + ", ".join(
            f"{name} +{kb}" for kb, name in grew[:8] if kb > 0))


def floor_version():
    """chartty --version measured just before it exits: its stdout is a
    pipe already full, so its last write waits until it is read."""
    r, w = os.pipe()
    fcntl.fcntl(w, F_SETPIPE_SZ, 4096)
    os.set_blocking(w, False)
    try:
        while True:
            os.write(w, b"\0" * 4096)
    except BlockingIOError:
        pass
    os.set_blocking(w, True)
    p = subprocess.Popen([CHARTTY, "--version"], stdout=w)
    os.close(w)
    m = None
    end = time.time() + 30
    while time.time() < end and p.poll() is None:
        with open(f"/proc/{p.pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        try:
            with open(f"/proc/{p.pid}/wchan") as f:
                wchan = f.read()
        except OSError:
            wchan = "0"
        if state == "S" and ("pipe" in wchan or wchan == "0"):
            m = measure(p.pid)
            break
        time.sleep(0.01)
    out = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        out += chunk
    os.close(r)
    p.wait(timeout=10)
    ok(m is not None and out.endswith(b"\n") and b"chartty " in out,
       "chartty --version measured waiting to exit")
    return m


class Children:
    """The child processes of pid (the keyring's, src/keyring.c), sampled
    every 2 ms while they live: how many, and the largest VmHWM seen."""

    def __init__(self, pid):
        self.pid, self.seen, self.peak, self.stop = pid, set(), 0, False
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def watch(self):
        while not self.stop:
            try:
                with open(f"/proc/{self.pid}/task/{self.pid}/children") as f:
                    pids = f.read().split()
            except OSError:
                return
            for child in pids:
                self.seen.add(child)
                try:
                    peak = sizes(f"/proc/{child}/status").get("VmHWM", 0)
                except OSError:
                    continue
                self.peak = max(self.peak, peak)
            time.sleep(0.002)

    def end(self):
        self.stop = True
        self.thread.join()
        return len(self.seen), self.peak


def session(server, email, password=None, walk=None, keyring=True):
    """chartty --plain on server, with the keyring unless keyring is
    false: measured at the sign-in's first prompt; then, given a walk,
    signed in, walked, measured at the last prompt and quit. The two
    figures, None where it did not get there, and the children's
    (Children.end). walk(p) returns whether it got where it went."""
    p = Plain(([] if keyring else ["--no-keyring"]) +
              ["--server", server, "--user", email])
    children = Children(p.p.pid)
    first = last = None
    try:
        if p.until(r"Email \[[^]]+\]: $"):
            first = measure(p.p.pid)
        if walk is not None:
            p.sign_in(password)
            if walk(p) and p.until(r"Choice: $"):
                last = measure(p.p.pid)
            p.send("q")
    finally:
        p.close()
    return first, last, children.end()


def tls_portal():
    """A TLS server on loopback whose certificate chartty refuses (made
    here, trusted by no one): its address, or None without openssl(1).
    Each connection gets a handshake and nothing more."""
    cert = os.path.join(WORLD, "tls-cert.pem")
    key = os.path.join(WORLD, "tls-key.pem")
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "1", "-subj",
                        "/CN=127.0.0.1"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    sock = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            conn, _ = sock.accept()
            try:
                ctx.wrap_socket(conn, server_side=True).close()
            except (ssl.SSLError, OSError):
                conn.close()
    threading.Thread(target=serve, daemon=True).start()
    return f"https://127.0.0.1:{sock.getsockname()[1]}"


def open_row(p, label, then):
    """Choose the row labelled label in the screen shown; wait for then."""
    if not p.until(r"Choice: $"):
        return False
    p.send(p.number(label))
    return p.until(then) is not None


def walk_areas(p):
    """Home, then four areas, back Home between them."""
    areas = [("Health summary", r"Allergies"), ("Test results",
             r"Reports, newest first"), ("Messages", r"Choice: $"),
             ("Appointments", r"Choice: $")]
    for area, then in areas:
        if not ok(open_row(p, area, then), f"a plain session opens {area}",
                  p.tail()):
            return False
        p.until(r"Choice: $")
        p.send("h")
    return True


def walk_big(p):
    """Test results, "Older reports" PAGES times, a report, a result, and
    the trend of that test."""
    if not open_row(p, "Test results", r"Reports 1 to"):
        return ok(False, "Walter's test results open", p.tail())
    for _ in range(PAGES):
        if not open_row(p, "Older reports", r"Reports \d+ to \d+ of"):
            break
    shown = p.until(r"Choice: $") or ""
    pages = re.search(r"Reports \d+ to \d+ of \d+", shown)
    if not ok(pages and not re.search(r"Reports 1 to", shown),
              f"\"Older reports\" chosen {PAGES} times: "
              f"{pages.group(0) if pages else 'not shown'}", p.tail()):
        return False
    return (ok(open_row(p, r"[^\n]*(results? |in range)", r"Results\n"),
               "a report with results opens", p.tail()) and
            ok(open_row(p, r"[^\n]*(normal range|: )", r"Trend:"),
               "a result opens", p.tail()) and
            ok(open_row(p, r"Trend:", r"Trend"), "its trend opens",
               p.tail()))


def check(title, m, budget):
    """The check at twice the budget, and whether the budget is met."""
    if m is None:
        ok(False, f"{title}: measured")
        return
    peak = m["status"]["VmHWM"]
    if any("libasan" in name for name in ldd(CHARTTY)):
        ok(True, f"{title}: peak RSS {mb(peak)} # SKIP AddressSanitizer's "
           f"shadow memory is counted, not chartty's")
        return
    ok(peak < 2 * budget, f"{title}: peak RSS under {mb(2 * budget)} "
       f"(twice the budget of {mb(budget)}): {mb(peak)}")
    diag(f"  budget {mb(budget)}: {'met' if peak < budget else 'not met'}"
         f" ({mb(peak)})")


def remains(m, owners):
    """What a plain session's resident memory is made of, grouped as the
    docstring explains it."""
    maps = m["maps"]
    if not maps:
        return
    groups = [("libcrypto and libssl (OpenSSL started, its configuration "
               "read)", lambda n: n.startswith(("libcrypto.", "libssl."))),
              ("libcurl itself", lambda n: n.startswith("libcurl.so")),
              ("libcurl's other libraries (chartty calls none of them)",
               lambda n: owners.get(n) == ["libcurl.so.4"]),
              ("libc, libm, ld.so", lambda n: n.startswith(
                  ("libc.", "libm.", "ld-linux", "libpthread."))),
              ("chartty", lambda n: n == "chartty"),
              ("ncurses, tinfo, cJSON, qrencode", lambda n: n.startswith(
                  ("libncursesw", "libtinfo", "libcjson", "libqrencode"))),
              ("heap, stack, nameless mappings", lambda n:
               n.startswith("[") or n == "anon")]
    left = dict(maps)
    diag("where a plain session's memory goes (KB resident; see the "
         "docstring for what each would need):")
    for title, match in groups:
        names = [n for n in left if match(n)]
        diag(f"  {sum(left.pop(n) for n in names):6d}  {title}")
    diag(f"  {sum(left.values()):6d}  the rest (locale files, other "
         f"libraries)")


def keyring_child(title, children):
    """Say what the keyring's children were seen to take."""
    calls, peak = children
    diag(f"  {title}: {calls} keyring calls, each in a child process "
         f"(libsecret, glib, D-Bus) that then ended; the largest peak "
         f"sampled {mb(peak)}, not chartty's")


owners = brought_by()
floor = floor_version()
if floor is not None:
    report("chartty --version (the floor: libraries loaded, nothing done)",
           floor, owners=owners)
asked, plain, kids = session(PORTAL, "maria@example.org", "Chartty-demo-1",
                             walk_areas)
if asked is not None:
    report("the sign-in's first prompt, the test portal (http)", asked,
           floor, brief=True)
tls = tls_portal()
if tls is None:
    diag("a TLS portal: not measured (no openssl(1) to make a certificate)")
else:
    refused, _, _ = session(tls, "maria@example.org")
    ok(refused is not None, "chartty asks for the email after a TLS "
       "handshake it refused (an untrusted certificate)")
    if refused is not None and asked is not None:
        report("the sign-in's first prompt, after a TLS handshake (the CA "
               "certificates looked up, the test certificate refused): "
               "what a real portal adds to a session (not checked)",
               refused, asked, brief=True, below="the same prompt over http")
if plain is not None:
    report("a plain session (Maria: sign-in, Home, four areas; the keyring "
           "in use)", plain, floor, owners)
    keyring_child("the keyring", kids)
ok(kids[0] > 0, f"a plain session uses the keyring ({kids[0]} calls)")
check("a plain session", plain, BUDGET_PLAIN)
_, bare, _ = session(PORTAL, "maria@example.org", "Chartty-demo-1",
                     walk_areas, keyring=False)
if bare is not None:
    report("the same session with --no-keyring (not checked)", bare, plain,
           brief=True, below="the session with the keyring")
    peak = bare["status"]["VmHWM"]
    diag(f"  peak RSS {mb(peak)} (budget {mb(BUDGET_PLAIN)}: "
         f"{'met' if peak < BUDGET_PLAIN else 'not met'})")
_, big, _ = session(PORTAL, "long@example.org", "Chartty-test-9", walk_big)
if big is not None:
    report(f"the big patient (Walter Long: {PAGES} pages of test results, "
           f"a trend)", big, floor)
check("the big patient", big, BUDGET_BIG)
if plain is not None:
    remains(plain, owners)
done()
