#!/usr/bin/env python3
"""Kept records with the real keyring (gnome-keyring over a private D-Bus),
against a test portal of the test's own, reached through a link the test
cuts and mends:

- a first start keeps what it read, only encrypted: files 0600 in a 0700
  directory, none holding the patient's name or a result in the clear;
- a second start asks with If-None-Match and the portal answers 304s
  (its /_test/answers log), and shows the same;
- with the portal out of reach, a start shows what was kept, marked "As
  of ...; the portal cannot be reached." (in plain mode, in summary
  --text's card, and whole at 40 columns in tmux), visits as kept all
  day, says what was not kept in one sentence, and refuses a change in
  one sentence, what was typed kept;
- the portal back, a reload finds it and the session goes on;
- signing out deletes the kept files;
- no kept file without a keyring (--no-keyring), nor with cache = no.
Prints TAP. Runs under tests/harness.sh (keyring, portal)."""

import glob
import json
import os
import re
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests",
                                "tui"))
from tuilib import WORLD, Plain, Term, done, ok, pipe  # noqa: E402

CACHE = os.environ.get("XDG_CACHE_HOME",
                       os.path.join(os.environ["HOME"], ".cache"))
KEPT = os.path.join(CACHE, "chartty", "kept")
PORTAL_DIR = os.environ.get("TEST_PORTAL_DIR", os.path.join(
    os.environ.get("top_srcdir", "."), "tests", "portal"))
EMAIL = "maria@example.org"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Link:
    """A TCP link to the portal that can be cut and mended: cut, the
    address refuses connections (and those open are dropped), as a
    portal out of reach; mended, the same portal answers again."""

    def __init__(self, target):
        self.port = free_port()
        self.target = target
        self.listener = None
        self.open = []
        self.lock = threading.Lock()

    def up(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        threading.Thread(target=self.accept, args=(self.listener,),
                         daemon=True).start()

    def down(self):
        try:    # wakes the accept() under way, and stops listening
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for c in self.open:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                c.close()
            self.open = []

    def accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            with self.lock:
                self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=pipe, args=(a, b),
                                 daemon=True).start()


class Portal:
    """A test portal of this test's own, reached through a Link: its
    discovery names the link's address, so every request crosses it."""

    def __init__(self):
        self.port = free_port()
        self.link = Link(self.port)
        self.url = f"http://127.0.0.1:{self.link.port}"
        self.direct = f"http://127.0.0.1:{self.port}"
        self.p = None

    def start(self):
        log = open(os.path.join(WORLD, "kept-portal.out"), "ab")
        self.p = subprocess.Popen(
            ["node", "--experimental-websocket",
             os.path.join(PORTAL_DIR, "server.mjs"), "--test", "--no-big",
             "--port", str(self.port), "--public-url", self.url],
            stdout=log, stderr=log)
        self.link.up()
        end = time.time() + 30
        while time.time() < end:
            try:
                self.call("/_test/answers")
                return True
            except OSError:
                time.sleep(0.1)
        return False

    def stop(self):
        self.link.down()
        self.p.terminate()
        self.p.wait(timeout=10)

    def call(self, path, method="GET"):
        req = urllib.request.Request(self.direct + path, method=method)
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read().decode() or "null")


def kept_files():
    return glob.glob(os.path.join(KEPT, "*", "*.kept"))


def in_clear(text):
    """Files under the cache and data directories whose bytes hold text."""
    found = subprocess.run(["grep", "-rlF", "--binary-files=text", "-e", text,
                            CACHE, os.path.join(os.environ["HOME"])],
                           capture_output=True, text=True).stdout.split()
    return [f for f in found if not f.endswith((".log", ".out", ".err"))]


def session(portal, first_lines, extra=None, password=True):
    """chartty --plain: signed in (with the password, or silently from the
    keyring), then Home; returns the Plain once Home shows."""
    s = Plain(["--server", portal.url, "--user", EMAIL] + (extra or []))
    s.until(r"Email \[[^]]+\]: $|Choice: $", 20)
    asked = re.search(r"Email \[[^]]+\]: $", s.tail()) is not None
    ok(asked == password, f"{first_lines}: " + (
        "the password is asked" if password else "signed in silently"),
       s.tail())
    if asked:
        s.sign_in()
    ok(s.until(r"^Home$", 20) is not None and s.until(r"Choice: $"),
       f"{first_lines}: Home shows", s.tail())
    return s


def open_summary(s, label):
    s.send(s.number("Health summary"))
    text = s.until(r"Choice: $", 20)
    ok(text is not None and "Penicillin" in text,
       f"{label}: the health summary shows the allergy", s.tail())
    return text or ""


def contact_form(s, phone=None):
    """Go through the contact form (keeping every field, or with a new
    phone number), then choose Save (1) or, without a phone, Cancel (2);
    returns what the save said."""
    for _ in range(10):
        text = s.until(r": $", 20) or ""
        if re.search(r"Choose: [^\n]*: $", text):
            s.send("1" if phone else "2")
            return s.until(r": $", 20) or ""
        s.send(phone if phone and re.search(r"Phone \[[^]]*\]: $", text)
               else "")
    return ""


def wallet_card(portal):
    """chartty summary --text, signed in from the keyring."""
    return subprocess.run([os.environ.get("CHARTTY", "./chartty"),
                           "--server", portal.url, "--user", EMAIL,
                           "summary", "--text"], capture_output=True,
                          text=True, env=dict(os.environ, TERM="dumb"),
                          timeout=30)


def quit(s):
    s.send("q")
    s.close()


def main():
    portal = Portal()
    if not ok(portal.start(), "the test's own portal starts"):
        done()
        return

    # A first start: signed in with the password; what it reads is kept.
    s = session(portal, "first start")
    first = open_summary(s, "first start")
    s.send("h")
    s.until(r"Choice: $", 20)
    s.send(s.number("Contact details"))
    contact_form(s)
    s.until(r"Choice: $", 20)
    s.send(s.number("Appointments"))
    visits = s.until(r"Choice: $", 20) or ""
    visits_day = time.strftime("%Y-%m-%d")
    ok("No upcoming visits." not in visits and "Lab work" in visits,
       "first start: upcoming visits", visits[-800:])
    quit(s)
    files = kept_files()
    ok(len(files) >= 5, f"first start: what was read is kept ({len(files)} "
       "files)")
    modes = {oct(stat.S_IMODE(os.stat(f).st_mode)) for f in files}
    dirs = {oct(stat.S_IMODE(os.stat(os.path.dirname(f)).st_mode))
            for f in files}
    ok(modes == {"0o600"} and dirs == {"0o700"},
       f"kept files are 0600 in a 0700 directory: {modes} {dirs}")
    names = [os.path.basename(f) for f in files]
    ok(all(re.fullmatch(r"[0-9a-f]{64}\.kept", n) for n in names),
       "kept files are named by a hash, saying nothing", names[:3])
    for text in ("Lopez", "Penicillin", "Lisinopril", "maria@example.org"):
        ok(not in_clear(text), f"no file holds \"{text}\" in the clear",
           in_clear(text))

    # A second start: silent sign-in, the same summary, answered by 304s.
    portal.call("/_test/answers", method="DELETE")
    s = session(portal, "second start", password=False)
    second = open_summary(s, "second start")
    quit(s)
    answers = portal.call("/_test/answers")["answers"]
    batches = [a for a in answers if a["method"] == "POST" and
               a["path"].rstrip("/").endswith("/fhir/R4")]
    not_modified = sum(1 for b in batches for e in b.get("entries") or []
                       if str(e).startswith("304"))
    entries = sum(len(b.get("entries") or []) for b in batches)
    ok(not_modified >= 6 and not_modified * 2 > entries,
       f"second start: the portal answered {not_modified} of {entries} "
       "batch entries 304", json.dumps(answers)[-1500:])
    shown = re.sub(r"^.*?Health summary", "", second, flags=re.S)
    ok(shown.strip() and shown == re.sub(r"^.*?Health summary", "", first,
                                         flags=re.S),
       "second start: the same summary as the first", second)

    card = wallet_card(portal)
    ok(card.returncode == 0 and "Penicillin" in card.stdout and
       "As of" not in card.stdout, "second start: summary --text prints "
       "the card", card.stdout + card.stderr)

    # The portal out of reach: what was kept is shown, as of when, read
    # only.
    portal.link.down()
    s = session(portal, "portal stopped", password=False)
    home = s.all.decode("utf-8", "replace")
    asof = r"As of \w{3} \d{1,2} \w{3} \d\d:\d\d; the portal cannot be " \
        r"reached\."
    ok(re.search(asof, home), "portal stopped: Home says as of when",
       s.tail())
    text = open_summary(s, "portal stopped")
    ok(re.search(asof, text), "portal stopped: the summary says as of when",
       text[-800:])
    quit(s)

    # Visits are asked by day, so what was kept answers all day.
    s = session(portal, "portal stopped, visits", password=False)
    s.send(s.number("Appointments"))
    text = s.until(r"Choice: $", 20) or ""
    if time.strftime("%Y-%m-%d") == visits_day:
        ok(re.search(asof, text) and "Lab work" in text and
           "No upcoming visits." not in text,
           "portal stopped: the upcoming visits as kept", text[-800:])
    else:   # midnight passed: asked for another day, never kept
        ok("This was not kept from an earlier visit" in text,
           "portal stopped, a new day: the visits were not kept", text)
    quit(s)

    # The wallet card printed from kept records says since when.
    card = wallet_card(portal)
    ok(card.returncode == 0 and "Penicillin" in card.stdout and
       re.search("^" + asof + "$", card.stdout, re.M),
       "portal stopped: summary --text prints the kept card, saying as of "
       "when", card.stdout + card.stderr)

    # Full screen at 40 columns, as a braille display reads it: the
    # sentence whole, wrapped.
    t = Term(f"--server {portal.url} --user {EMAIL}", width=40)
    try:
        ok(t.wait(r"^Home", 20), "portal stopped, full screen: Home shows",
           t.screen())
        words = " ".join(" ".join(t.lines()).split())
        ok(re.search(asof, words), "portal stopped, full screen: the as-of "
           "sentence whole at 40 columns", t.screen())
        t.keys("q")
        t.exited()
    finally:
        t.close()

    # What was not kept says so; a change is refused in one sentence,
    # and what was typed stays.
    s = session(portal, "portal stopped, a change", password=False)
    s.send(s.number("Messages"))
    text = s.until(r"Choice: $", 20) or ""
    ok("\nThis was not kept from an earlier visit, and the portal cannot "
       "be reached.\n" in text,
       "portal stopped: an area not read before says it was not kept",
       s.tail())
    s.send(s.number("Contact details"))
    said = contact_form(s, "555-0100")
    ok("\nThe portal cannot be reached, so nothing can be changed now.\n"
       in said, "portal stopped: saving contact details is refused in one "
       "sentence", said[-600:])
    ok(re.search(r"Street address \[48 Cedar Street\]: $", said) and
       contact_form(s) and "Phone [555-0100]" in s.tail(),
       "portal stopped: the phone number typed is still there", s.tail())
    quit(s)

    # Back within reach: a reload finds it, and the session goes on.
    s = session(portal, "portal out of reach, then back", password=False)
    ok(re.search(asof, s.tail()), "out of reach: Home says as of when",
       s.tail())
    portal.link.up()
    s.send("r")
    text = s.until(r"Choice: $", 20) or ""
    ok("Home" in text and not re.search(asof, text),
       "back: a reload shows Home from the portal, no longer as of",
       text[-900:])
    portal.call("/_test/answers", method="DELETE")
    s.send(s.number("Health summary"))
    text = s.until(r"Choice: $", 20) or ""
    answers = portal.call("/_test/answers")["answers"]
    ok("Penicillin" in text and not re.search(asof, text) and
       any(a["method"] == "POST" for a in answers),
       "back: the summary asked of the portal again", json.dumps(answers))

    # Signing out deletes what was kept.
    s.send("h")
    s.until(r"Choice: $", 20)
    s.send(s.number("Sign out"))
    s.until(r"Signed out|Password|Email", 20)
    s.close()
    ok(not kept_files(), "signing out deletes the kept files", kept_files())

    # Without a keyring, or with cache = no: nothing kept.
    s = session(portal, "no keyring", ["--no-keyring"])
    open_summary(s, "no keyring")
    quit(s)
    ok(not kept_files(), "no keyring: no kept file", kept_files())
    conf = os.path.join(WORLD, "kept.conf")
    with open(conf, "w") as f:
        f.write("cache = no\n")
    discovery = glob.glob(os.path.join(CACHE, "chartty", "discovery-*"))
    for d in discovery:
        os.unlink(d)
    s = session(portal, "cache = no", ["--config", conf])
    open_summary(s, "cache = no")
    quit(s)
    ok(not kept_files(), "cache = no: no kept file", kept_files())
    ok(not glob.glob(os.path.join(CACHE, "chartty", "discovery-*")),
       "cache = no: no discovery file either")
    portal.stop()
    done()


if __name__ == "__main__":
    main()
