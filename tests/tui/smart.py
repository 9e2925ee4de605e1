#!/usr/bin/env python3
"""tmux and plain-mode tests of signing in with a browser at a plain SMART
server (the test portal's Harbor Clinic: no /auth, no extensions, read
only): the loopback redirect with a test "browser" (BROWSER set to a
script that hands the address over), the paste mode in full-screen and
plain mode, another sign-in's address and a cancelled sign-in refused in
one sentence, and what a read-only server's Home offers. Prints TAP."""

import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (CHARTTY, SMART, Plain, Term, browse,  # noqa: E402
                    check_focus, done, fake_browser, focus_down_to, follow,
                    ok)

EMAIL = "maria@example.org"
PASSWORD = "Harbor-demo-1"
ARGS = (f"--no-keyring --server {SMART}/fhir/R4 --user {EMAIL} "
        "--client-id chartty-harbor")
BROWSER, opened_url = fake_browser()


def screen_url(t):
    """The authorize address as the screen shows it, its lines joined."""
    out, inside = "", False
    for line in t.lines():
        if inside and "After signing in" in line:
            break
        if not inside and "/oauth2/authorize?" in line:
            inside = True
            line = line[line.index("http"):]
        if inside:
            out += line.strip()
    return out


def query(url):
    return urllib.parse.parse_qs(urllib.parse.urlparse(url).query)


def run_loopback():
    t = Term(ARGS, 100, 30, env={"BROWSER": BROWSER})
    try:
        ok(t.wait(r"Sign in with your browser"), "loopback: the sign-in "
           "screen offers the browser, no password", t.screen())
        ok("Password" not in t.screen(), "loopback: no password field")
        t.keys("Enter")
        url = opened_url()
        ok(url.startswith(SMART + "/oauth2/authorize?"), "loopback: the "
           "browser is started on the authorize address", url)
        q = query(url)
        ok(q.get("code_challenge_method") == ["S256"] and
           len(q.get("state", [""])[0]) >= 20 and
           q.get("client_id") == ["chartty-harbor"] and
           "patient/*.rs" in q.get("scope", [""])[0] and
           q.get("aud") == [SMART + "/fhir/R4"],
           "loopback: PKCE S256, a state, the client id, v2 patient "
           "scopes and aud", q)
        redirect = q.get("redirect_uri", [""])[0]
        ok(re.fullmatch(r"http://127\.0\.0\.1:\d+/callback", redirect),
           "loopback: the redirect is a loopback address", redirect)
        ok(t.said("Your browser opened"), "loopback: the screen says the "
           "browser opened", t.screen())
        check_focus(t, "the browser sign-in screen")
        location = browse(url, EMAIL, PASSWORD)
        ok(location.startswith(redirect + "?"), "loopback: the server "
           "sends the browser back to chartty", location)
        page = follow(location)
        ok("You are signed in" in page, "loopback: the browser is told to "
           "go back to chartty", page)
        ok(t.wait(r"^Home", 15), "loopback: chartty goes on by itself to "
           "Home", t.screen())
        ok(t.wait(r"^Record: Maria Lopez"), "loopback: the token's patient "
           "is the record open", t.screen())
        screen = t.screen()
        ok("Health summary" in screen and "Appointments" in screen,
           "loopback: the areas the server serves are listed", screen)
        ok("Billing" not in screen and "Two-step" not in screen and
           "Change password" not in screen,
           "loopback: what a read-only SMART server lacks is not",
           screen)
        ok("your medications and their instructions" in screen,
           "loopback: medications are offered as a list only", screen)
        check_focus(t, "signing in")
        t.keys("4")
        ok(t.wait(r"^Active medications"), "loopback: medications open",
           t.screen())
        ok("Refill requests" not in t.screen() and "Readings over time" in
           t.screen(), "loopback: no refill section, readings to read "
           "only", t.screen())
        ok(t.said("Atorvastatin 20 mg tablet"), "loopback: a medication "
           "named only by its Medication is named (_include)", t.screen())
        t.keys("5")
        ok(t.wait(r"^Conversations, newest first"), "loopback: messages "
           "open (the server lets them be read)", t.screen())
        ok("Your cholesterol results" in t.screen() and "New message" not
           in t.screen(), "loopback: its conversation, and no new "
           "message offered (the server takes none)", t.screen())
        t.keys("Enter")
        ok(t.said("With or without food is fine"), "loopback: the "
           "conversation reads", t.screen())
        ok("Reply" not in t.screen(), "loopback: no reply offered",
           t.screen())
        t.keys("3")
        ok(t.wait(r"^Reports, newest first"), "loopback: results open",
           t.screen())
        ok("reviewed" not in t.screen(), "loopback: a server without the "
           "portal's extension is not said to have left results "
           "unreviewed", t.screen())
        t.keys("2")
        ok(t.wait(r"^Health summary"), "loopback: the health summary "
           "opens", t.screen())
        ok(t.said("Penicillin") or t.said("penicillin"), "loopback: with "
           "the health system's records", t.screen())
        t.keys("6")
        ok(t.wait(r"^Upcoming visits"), "notes: appointments open",
           t.screen())
        ok(focus_down_to(t, r"^> Visit notes"), "notes: offered with the "
           "visits", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^> Check-up visit note: "), "notes: listed, newest "
           "first", t.screen())
        t.keys("Enter")
        ok(t.said("Yearly check-up. Maria feels well."), "notes: a note's "
           "text is shown", t.screen())
        ok(t.wait(r"^> Save .*\.pdf: application/pdf"), "notes: its PDF is "
           "offered to save, the focus on it", t.screen())
        check_focus(t, "opening a note")
        t.keys("Enter")
        ok(t.said("Save as ["), "notes: where to save is asked",
           t.screen())
        t.keys("Enter")
        said = t.said("Saved to")
        saved = [f for f in os.listdir(os.environ["HOME"])
                 if f.endswith(".pdf")]
        ok(said and len(saved) == 1, "notes: the PDF is saved",
           (t.screen(), saved))
        if saved:
            path = os.path.join(os.environ["HOME"], saved[0])
            with open(path, "rb") as f:
                head = f.read(5)
            ok(head == b"%PDF-" and os.stat(path).st_mode & 0o777 == 0o600,
               "notes: a real PDF, readable by its owner only",
               (head, oct(os.stat(path).st_mode)))
    finally:
        t.close()


def run_paste():
    t = Term("--no-browser " + ARGS, 100, 30, env={"BROWSER": BROWSER})
    try:
        ok(t.wait(r"Sign in with your browser"), "paste: the offer",
           t.screen())
        t.keys("Enter")
        ok(t.wait(r"open this address"), "paste: no browser: the address "
           "is shown", t.screen())
        url = screen_url(t)
        ok(url.startswith(SMART + "/oauth2/authorize?") and
           "code_challenge=" in url, "paste: the address is shown whole",
           url)
        ok(t.wait(r"^> Address the browser ended on:"), "paste: the cursor "
           "waits in the paste field", t.screen())
        # Another sign-in's address is refused; the flow goes on.
        bad = re.sub(r"state=[^&]+", "state=someone-else",
                     browse(url, EMAIL, PASSWORD))
        t.type(bad)
        t.keys("Enter")
        ok(t.said("not from this sign-in"), "paste: another sign-in's "
           "address is refused", t.screen())
        location = browse(url, EMAIL, PASSWORD)
        t.type(location)
        t.keys("Enter")
        ok(t.wait(r"^Home", 15), "paste: the pasted address signs in",
           t.screen())
        check_focus(t, "pasting")
    finally:
        t.close()


def run_cancel():
    t = Term(ARGS, 100, 30, env={"BROWSER": BROWSER})
    try:
        ok(t.wait(r"Sign in with your browser"), "cancel: the offer",
           t.screen())
        t.keys("Enter")
        url = opened_url()
        follow(browse(url, EMAIL, PASSWORD, cancel=True))
        ok(t.said("The sign-in did not finish"), "cancel: cancelling in "
           "the browser is said in one sentence", t.screen())
        ok(t.wait(r"Sign in with your browser"), "cancel: back on the "
           "sign-in screen, to try again", t.screen())
    finally:
        t.close()


def run_plain():
    p = Plain(["--no-browser"] + ARGS.split())
    try:
        ok(p.until(r"Email \[[^]]+\]: $"), "plain: the account's email is "
           "offered", p.tail())
        p.send("")
        text = p.until(r"Address the browser ended on: $")
        m = re.search(r"^(http\S+/oauth2/authorize\?\S+)$", text or "",
                      re.M)
        ok(m, "plain: the address is said on one line", p.tail())
        url = m.group(1) if m else ""
        p.send(browse(url, EMAIL, PASSWORD) if url else "")
        p.until(r"Choose: .*\[1\]: $")
        p.send("1")
        ok(p.until(r"Record: Maria Lopez"), "plain: the pasted address "
           "signs in", p.tail())
        p.send("q")
    finally:
        p.close()


def run_line_mode():
    """chartty whoami signs in with a browser too (paste on stdin)."""
    import subprocess
    proc = subprocess.Popen([CHARTTY, "--no-browser"] + ARGS.split() +
                            ["whoami"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=dict(os.environ, TERM="dumb"))
    line, url = b"", ""
    end = time.time() + 15
    while time.time() < end and not url:
        line = proc.stdout.readline()
        if not line:
            break
        if b"/oauth2/authorize?" in line:
            url = line.decode().strip()
    ok(url.startswith(SMART + "/oauth2/authorize?"), "whoami: the address "
       "is printed whole", url)
    out, _ = proc.communicate((browse(url, EMAIL, PASSWORD) + "\n").encode()
                              if url else b"\n", timeout=20)
    ok(b"Maria Lopez" in out and proc.returncode == 0, "whoami: signed in "
       "with the pasted address", out.decode("utf-8", "replace"))


run_loopback()
run_paste()
run_cancel()
run_plain()
run_line_mode()
done()
