#!/usr/bin/env python3
"""Drafts kept across restarts with the real keyring (gnome-keyring over a
private D-Bus): quitting with an unsent message asks first and keeps it
encrypted; the next start gives it back; sending forgets it; SIGTERM keeps
it too; no file under HOME or /tmp holds its text in the clear. In plain
mode each line typed reaches the draft at once, so SIGHUP (an SSH drop)
or the end of input keeps every line. The idle
sign-out (idle = 30s) keeps it too, and keeps the keyring's sign-in.
Prints TAP. Runs under tests/harness.sh (keyring, portal)."""

import glob
import hashlib
import os
import re
import signal
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests",
                                "tui"))
from tuilib import (PORTAL, Plain, Term, done, fhir_as,  # noqa: E402
                    focus_down_to, ok, portal, sign_in)

ARGS = "--server " + PORTAL + " --user maria@example.org"
DATA = os.environ.get("XDG_DATA_HOME",
                      os.path.join(os.environ["HOME"], ".local/share"))


def drafts():
    return glob.glob(os.path.join(DATA, "chartty", "drafts", "*.draft"))


def in_clear(text):
    """Files under HOME and /tmp whose bytes hold text."""
    found = subprocess.run(["grep", "-rlF", "--binary-files=text", "-e", text,
                            os.environ["HOME"], "/tmp"],
                           capture_output=True, text=True).stdout.split()
    return [f for f in found if not f.endswith(".log")]


def start(label):
    """chartty signed in: with a password the first time, then silently."""
    t = Term(ARGS)
    if t.wait(r"Password:", 5):
        sign_in(t, label)
    else:
        ok(t.wait(r"^Home"), f"{label}: signed in from the keyring",
           t.screen())
    return t


def main():
    portal("/_test/reset", {})
    marker = "draft-" + uuid.uuid4().hex
    t = start("drafts")
    try:
        t.keys("5")
        ok(t.wait(r"^Conversations"), "drafts: messages open")
        t.keys("Home")
        t.settle(0.15)
        t.keys("Enter")
        ok(t.wait(r"^> To: "), "drafts: a new message", t.screen())
        t.keys("Down", "Down")
        t.type("Kept subject")
        t.keys("Enter")
        t.type(f"Unsent words {marker} stay private.")
        t.settle(0.2)
        t.keys("Tab")
        t.settle(0.1)
        t.keys("q")
        ok(t.wait(r"It is kept, encrypted"), "drafts: quitting with an "
           "unsent message asks first", t.screen())
        ok(t.exited(1.0) is None, "drafts: and does not quit yet")
        t.keys("q")
        ok(t.exited() == "0", "drafts: the second q quits")
    finally:
        t.close()
    files = drafts()
    ok(len(files) == 1, f"drafts: one draft file is kept ({files})")
    found = subprocess.run(["secret-tool", "search", "server", PORTAL,
                            "account", "maria@example.org", "kind",
                            "draft-key"], capture_output=True,
                           text=True)
    label = found.stdout + found.stderr
    ok("label = chartty: draft-key for maria@example.org at 127.0.0.1"
       in label, "drafts: the key's label in the keyring says what it is",
       label)
    guess = hashlib.sha256(f"{PORTAL}\nmaria@example.org\nmaria-lopez|new"
                           .encode()).hexdigest()
    ok(files and os.path.basename(files[0]) != guess + ".draft",
       "drafts: its name cannot be guessed from the conversation (an "
       "HMAC under the drafts' key, not a plain hash)", files)
    ok(files and (os.stat(files[0]).st_mode & 0o777) == 0o600,
       "drafts: readable by its owner only")
    ok(in_clear(marker) == [], "drafts: no file under HOME or /tmp holds "
       "its text in the clear", in_clear(marker))
    ok(files and "Kept subject" not in open(files[0], "rb").read()
       .decode("latin-1"), "drafts: nor its subject")

    t = start("drafts again")
    try:
        t.keys("5")
        ok(t.wait(r"^Conversations"), "drafts: messages open again")
        t.keys("Home")
        t.settle(0.15)
        t.keys("Enter")
        ok(t.wait(r"Your unsent message is back"), "drafts: the next start "
           "gives it back", t.screen())
        ok(marker in t.screen() and "Kept subject" in t.screen(),
           "drafts: with its subject and text", t.screen())
        ok(t.wait(r"\[ Send message \]"), "drafts: ready to send")
        for _ in range(6):
            if "Send message" in t.lines()[t.cursor()[1]]:
                break
            t.keys("Tab")
            t.settle(0.1)
        t.keys("Enter")
        ok(t.wait(r"Message sent"), "drafts: sent", t.screen())
        ok(drafts() == [], "drafts: a sent message is no longer kept")
        b = fhir_as("maria@example.org", "Chartty-demo-1",
                    "Communication?subject=Patient/maria-lopez&_count=200")
        ok(sum(marker in str(e) for e in b.get("entry", [])) == 1,
           "drafts: it went exactly once")
        # A reply interrupted by SIGTERM is kept as well.
        ok(t.wait(r"Kept subject: with"), "drafts: the list again",
           t.screen())
        ok(focus_down_to(t, r"Kept subject"), "drafts: the new conversation")
        t.keys("Enter")
        t.settle(0.5)
        t.keys("End")
        t.settle(0.15)
        t.keys("Enter")
        ok(t.wait(r"^Reply"), "drafts: a reply", t.screen())
        t.type(f"Reply {marker}-2 interrupted.")
        t.settle(0.2)
        pid = t.tmux("display", "-p", "-t", "0", "#{pane_pid}").strip()
        subprocess.run(["pkill", "-TERM", "-P", pid])
        ok(t.exited() == "143", "drafts: SIGTERM ends chartty (128 + 15)")
    finally:
        t.close()
    ok(len(drafts()) == 1, "drafts: the interrupted reply is kept")
    ok(in_clear(marker + "-2") == [], "drafts: encrypted too")
    idle_sign_out()
    plain_lines()
    done()


def plain_lines():
    """Plain mode: each line of a message reaches the draft as it is
    typed, so an SSH drop (SIGHUP) or the end of input keeps it."""
    for label, end in (("plain, SIGHUP", "hup"), ("plain, end of input",
                                                  "eof")):
        portal("/_test/reset", {})
        for f in drafts():
            os.unlink(f)
        marker = "plain-" + uuid.uuid4().hex[:12]
        p = Plain(ARGS.split())
        if p.until(r"Email \[[^]]+\]: $|Choice: $") and "Email" in p.tail():
            p.sign_in()
        new_message(p)
        p.until(r"To: .*: $")
        p.send("1")
        p.until(r"About: .*: $")
        p.send("1")
        p.until(r"Subject: $")
        p.send(f"Subject {marker}")
        p.until(r"> $")
        p.send(f"First line {marker}")
        p.until(r"> $")
        p.send("second line, not yet ended by a dot")
        p.until(r"> $")
        if end == "hup":
            p.p.send_signal(signal.SIGHUP)
        else:
            p.p.stdin.close()
        p.p.wait(10)
        ok(len(drafts()) == 1, f"{label}: the message typed is kept as a "
           "draft", drafts())
        ok(in_clear(marker) == [], f"{label}: encrypted")
        p = Plain(ARGS.split())
        new_message(p)
        for prompt in (r"To: .*: $", r"About: .*: $", r"Subject.*: $"):
            p.until(prompt)
            p.send("")
        text = p.until(r"> $") or ""
        ok(f"It says now:\nFirst line {marker}\nsecond line, not yet "
           "ended by a dot\n" in text, f"{label}: the next start gives "
           "back every line typed", text[-600:])
        p.p.stdin.close()
        p.p.wait(10)


def new_message(p):
    """From Home in plain mode, a new message."""
    p.until(r"Choice: $")
    p.send(p.number("Messages"))
    p.until(r"Choice: $")
    p.send(p.number("New message"))


def idle_sign_out():
    """Signed in, idle for 30 s (idle = 30s): warned 20 s ahead, then
    signed out with the screen and scrollback cleared, the unsent text
    kept as a draft, the keyring's sign-in kept."""
    portal("/_test/reset", {})
    for f in drafts():
        os.unlink(f)
    marker = "idle-" + uuid.uuid4().hex
    conf = os.path.join(os.environ["HOME"], "idle.conf")
    with open(conf, "w") as f:
        f.write("idle = 30s\n")
    t = Term("--config " + conf + " " + ARGS)
    try:
        if t.wait(r"Password:", 5):
            sign_in(t, "idle")
        ok(t.wait(r"^Home"), "idle: signed in", t.screen())
        t.keys("5")
        ok(t.wait(r"^Conversations"), "idle: messages open")
        t.keys("Home")
        t.settle(0.15)
        t.keys("Enter")
        ok(t.wait(r"^> To: "), "idle: a new message", t.screen())
        t.keys("Down", "Down")
        t.type("Idle subject")
        t.keys("Enter")
        t.type(f"Words {marker} typed, then left.")
        ok(t.wait(r"Still there\? You will be signed out in 20 seconds", 25),
           "idle: the warning comes 20 seconds ahead", t.screen())
        ok(t.wait(r"You were signed out after 30 seconds without a key",
                  30), "idle: then the sign-out, said", t.screen())
        ok(re.search(r"^> Password:", t.screen(), re.M) is not None,
           "idle: the sign-in screen, the cursor on the password",
           t.screen())
        back = t.tmux("capture-pane", "-p", "-S", "-", "-t", "0")
        ok(marker not in t.screen() + back and "Conversations" not in
           t.screen() + back, "idle: neither the screen nor the "
           "scrollback holds what was shown or typed")
        ok(len(drafts()) == 1, "idle: the unsent message is kept as a "
           "draft", drafts())
        ok(in_clear(marker) == [], "idle: encrypted")
        t.keys("q")
        t.exited()
    finally:
        t.close()
    t = Term(ARGS)
    try:
        ok(t.wait(r"^Home", 15) and "Password" not in t.screen(),
           "idle: the keyring's sign-in was kept: the next start asks "
           "for no password", t.screen())
        t.keys("q")
        t.exited()
    finally:
        t.close()


main()
