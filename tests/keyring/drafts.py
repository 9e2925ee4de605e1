#!/usr/bin/env python3
"""Drafts kept across restarts with the real keyring (gnome-keyring over a
private D-Bus): quitting with an unsent message asks first and keeps it
encrypted; the next start gives it back; sending forgets it; SIGTERM keeps
it too; no file under HOME or /tmp holds its text in the clear.
Prints TAP. Runs under tests/harness.sh (keyring, portal)."""

import glob
import hashlib
import os
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests",
                                "tui"))
from tuilib import (PORTAL, Term, done, fhir_as, focus_down_to,  # noqa: E402
                    ok, portal, sign_in)

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
        ok(t.exited() is not None, "drafts: SIGTERM ends chartty")
    finally:
        t.close()
    ok(len(drafts()) == 1, "drafts: the interrupted reply is kept")
    ok(in_clear(marker + "-2") == [], "drafts: encrypted too")
    done()


main()
