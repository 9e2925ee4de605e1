#!/usr/bin/env python3
"""The check-in kiosk with the real keyring (gnome-keyring over a private
D-Bus), the real test portal and the binary in tmux and in plain mode:
setting the device up; the patient's whole path, typed without accents,
the copay paid once while the portal drops the first answer, the visit
arrived on the portal; one sentence for every miss; no key that leaves;
idle warning, extension and wipe of screen, scrollback and files; a
token expiring mid-turn; the portal down at the welcome, then back; the
byte budgets. Prints TAP. Runs under tests/harness.sh (keyring, portal)."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests",
                                "tui"))
from tuilib import (BUDGET_FIRST_PAINT, BUDGET_KEY, CHARTTY,  # noqa: E402
                    PORTAL, Plain, Term, check_focus, done, files_holding,
                    focus_down_to, ok, portal)

CLIENT = "kiosk-main-street"
SECRET = "kiosk-demo-secret"
CONF = os.path.join(os.environ["HOME"], "kiosk.conf")
CARD = "4242424242424242"
MISS = ("We could not find a visit for today with those details. Please "
        "check them or see the front desk.")
# What must be gone once a turn ends: the name as stored and as typed,
# the birth date, the clinician of the visit, the card.
PRIVATE = ["Zoë", "Peña", "pena", "06/15/1990", "Wiśniewski", "4242"]
STARTED = time.time()


def write_conf(idle=120):
    with open(CONF, "w") as f:
        f.write(f"[kiosk]\nserver = {PORTAL}\nclient-id = {CLIENT}\n"
                f"name = Main Street Clinic\nidle = {idle}\n"
                "help = The front desk is to your left.\n")


def setup(secret):
    return subprocess.run([CHARTTY, "--config", CONF, "kiosk", "setup"],
                          input=secret + "\n", capture_output=True,
                          text=True, timeout=60)


def kept():
    """What the keyring holds for the device (secret-tool's listing)."""
    return subprocess.run(["secret-tool", "search", "--all", "account",
                           CLIENT, "kind", "client-secret"],
                          capture_output=True, text=True).stdout + \
        subprocess.run(["secret-tool", "search", "--all", "account",
                        CLIENT, "kind", "client-secret"],
                       capture_output=True, text=True).stderr


def device_lookup(family, birth):
    """The visits the portal finds, asked as a device would."""
    form = urllib.parse.urlencode({"grant_type": "client_credentials",
                                   "client_id": CLIENT,
                                   "client_secret": SECRET}).encode()
    with urllib.request.urlopen(urllib.request.Request(
            PORTAL + "/oauth2/token", data=form)) as r:
        token = json.loads(r.read())["access_token"]
    body = json.dumps({"resourceType": "Parameters", "parameter": [
        {"name": "family", "valueString": family},
        {"name": "birthDate", "valueDate": birth}]}).encode()
    req = urllib.request.Request(
        PORTAL + "/fhir/R4/Appointment/$kiosk-lookup", data=body,
        headers={"Authorization": "Bearer " + token,
                 "Content-Type": "application/fhir+json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def visit_status():
    found = device_lookup("Peña", "1990-06-15").get("parameter", [])
    for p in found:
        for part in p.get("part", []):
            if part.get("name") == "appointment":
                return part["resource"].get("status")
    return None


def payments():
    return len(portal("/_test/payments?invoice=inv-zoe-pena-today-copay")
               ["payments"])


def start(label, idle=120, wait=True):
    write_conf(idle)
    t = Term("--config " + CONF + " kiosk")
    if wait:
        ok(t.wait(r"Check in for today's visit"), f"{label}: the welcome",
           t.screen())
    return t


def identify(t, family, birth, given=""):
    """From the welcome: Enter, then the three fields and Enter."""
    if "Check in for today's visit" in t.screen():
        t.keys("Enter")
        t.wait(r"^> Last name:")
    t.type(family)
    t.keys("Down")
    t.type(birth)
    t.keys("Down")
    if given:
        t.type(given)
    t.keys("Enter")
    lookup_done(t)


def lookup_done(t, timeout=15.0):
    """Wait for the lookup the Enter started to end: the sentence of the
    one before may still be on screen, so it cannot tell."""
    t.settle()
    end = time.time() + timeout
    while "Finding your visit" in t.screen() and time.time() < end:
        time.sleep(0.05)
    t.settle()


def clear_fields(t):
    """Empty the three identify fields (the focus on the first)."""
    for _ in range(3):
        t.keys(*(["BSpace"] * 12))
        t.keys("Down")
    t.keys("Up", "Up", "Up")


def private_gone(t, label):
    screen = t.screen()
    back = t.tmux("capture-pane", "-p", "-S", "-", "-t", "0")
    left = [w for w in PRIVATE if w in screen or w in back]
    ok(not left, f"{label}: neither the screen nor the scrollback holds "
       "the patient's name, birth date, visit or card", left)


def run_setup():
    write_conf()
    r = setup("not-the-secret")
    ok(r.returncode != 0 and "did not accept" in r.stdout and
       r.stdout.count(".") == 1, "setup: a wrong secret gets one sentence",
       r.stdout + r.stderr)
    ok(SECRET not in kept() and "client-secret" not in kept(),
       "setup: and nothing is stored", kept())
    r = setup(SECRET)
    ok(r.returncode == 0 and "kept in the system keyring as \"chartty: "
       f"kiosk device {CLIENT} at 127.0.0.1\"" in r.stdout,
       "setup: the secret is checked and its keyring item named",
       r.stdout + r.stderr)
    ok(SECRET not in r.stdout, "setup: the secret is not echoed")
    ok(SECRET in kept(), "setup: the keyring holds the secret", kept())
    r = subprocess.run([CHARTTY, "--no-keyring", "--config", CONF, "kiosk",
                        "setup"], input=SECRET + "\n", capture_output=True,
                       text=True, timeout=30)
    ok(r.returncode != 0 and "keyring" in r.stderr,
       "setup: --no-keyring is refused (never a file)", r.stderr)


def run_down_then_back():
    portal("/_test/reset", {})
    portal("/_test/fault", {"kind": "500", "count": 1,
                            "path": "/oauth2/token"})
    t = start("down", wait=False)
    try:
        ok(t.wait(r"Check-in is not available right now; please see the "
                  r"front desk\."), "down: the welcome says so", t.screen())
        ok(t.wait(r"Check in for today's visit", 30),
           "down: then it comes back by itself", t.screen())
    finally:
        t.close()


def run_misses():
    portal("/_test/reset", {})
    t = start("miss")
    try:
        identify(t, "Nobody", "01/01/1980")
        ok(t.said(MISS), "miss: one sentence", t.screen())
        clear_fields(t)
        identify(t, "Pena", "06/16/1990", "Zoe")
        ok(t.said(MISS) and "Your visit" not in t.screen(),
           "miss: a wrong birth date gets the same sentence", t.screen())
        clear_fields(t)
        identify(t, "Pena", "1990/06/15")
        ok(t.said("Type your date of birth as MM/DD/YYYY"),
           "miss: a date that cannot be read is said, not sent",
           t.screen())
        for _ in range(5):
            clear_fields(t)
            identify(t, "Nobody", "01/01/1980")
            t.said(MISS)
        clear_fields(t)
        identify(t, "Nobody", "01/01/1980")
        ok(t.said("Please see the front desk.") and
           MISS not in " ".join(t.screen().split()),
           "miss: too many lookups: see the front desk", t.screen())
        check_focus(t, "the identify step")
    finally:
        t.close()
    portal("/_test/reset", {})


def run_path():
    portal("/_test/reset", {})
    t = start("path")
    try:
        before = t.bytes()
        t.keys("Enter")
        ok(t.wait(r"^> Last name:"), "path: the identify step, the cursor "
           "in the last name", t.screen())
        t.settle(0.3)
        paint = t.bytes() - before
        ok(paint < BUDGET_FIRST_PAINT, f"path: the step draws in {paint} "
           f"bytes (< {BUDGET_FIRST_PAINT})")
        ok("MM/DD/YYYY" in t.screen(), "path: the date's format is shown")
        before = t.bytes()
        t.keys("Down")
        t.settle(0.3)
        ok(t.bytes() - before < BUDGET_KEY, "path: a key moves in "
           f"{t.bytes() - before} bytes (< {BUDGET_KEY})")
        before = t.bytes()
        time.sleep(1)
        ok(t.bytes() == before, "path: nothing is sent while idle")
        t.keys("Up")
        identify(t, "pena", "06/15/1990", "zoe")
        ok(t.wait(r"Zoë, your \d+:\d\d [ap]\.m\. visit with Łukasz "
                  r"Wiśniewski, RN\."),
           "path: typed without accents, the visit is found, with the "
           "first name only", t.screen())
        ok("1990" not in t.screen() and "Birch" not in t.screen(),
           "path: no birth date or address shown", t.screen())
        check_focus(t, "the visit found")
        for key in ("C-c", "C-z", "C-\\", "q"):
            t.keys(key)
        t.settle(0.5)
        ok(t.exited(1) is None and "Your visit" in t.screen(),
           "path: Ctrl-C, Ctrl-Z, Ctrl-\\ and q do nothing", t.screen())
        ok("? help" not in t.screen(), "path: no help offered")
        t.keys("Enter")
        ok(t.wait(r"^Step 1 of 6: Contact details"), "path: contact",
           t.screen())
        check_focus(t, "contact details")
        focus_down_to(t, r"^> \[ These are right")
        t.keys("Enter")
        ok(t.wait(r"^Step 2 of 6: Insurance"), "path: insurance",
           t.screen())
        focus_down_to(t, r"^> \[ This is right")
        t.keys("Enter")
        ok(t.wait(r"^Step 3 of 6: Questions") and
           "finish later" not in t.screen(),
           "path: the questions, no finishing later", t.screen())
        t.type("Knee")
        t.keys("Down")
        t.type("2")
        t.keys("Down", "Right", "Down", "Right")
        focus_down_to(t, r"^> \[ Send the answers")
        t.keys("Enter")
        ok(t.wait(r"^Step 4 of 6: Consent"), "path: the consent",
           t.screen())
        t.type("Zoe Pena")
        t.keys("Down")
        t.settle(0.15)
        t.keys("Enter")
        ok(t.wait(r"^Step 5 of 6: Copay") and "$25.00" in t.screen(),
           "path: signed without accents; the copay", t.screen())
        portal("/_test/fault", {"kind": "drop-answer", "count": 1,
                                "path": "/fhir/R4/Invoice"})
        t.keys("Down")
        t.type("4242 4242 4242 4242")
        t.keys("Down")
        t.type("12/30")
        t.keys("Down")
        t.type("123")
        focus_down_to(t, r"^> \[ Continue to confirm")
        t.keys("Enter")
        ok(t.wait(r"Pay \$25\.00 now with the card ending 4242\?"),
           "path: confirm before any charge", t.screen())
        t.keys("Enter")
        if not t.wait(r"^Step 6 of 6: Check in", 10):
            t.keys("Enter")	# the dropped answer said; sent again
        ok(t.wait(r"^Step 6 of 6: Check in"), "path: paid", t.screen())
        ok(payments() == 1, "path: the copay was charged once while the "
           "first answer was dropped", payments())
        portal("/_test/expire-tokens", {})
        t.keys("Enter")
        ok(t.said("You are checked in. Please take a seat; we will call "
                "you."), "path: checked in, though every token had "
           "expired", t.screen())
        ok(visit_status() == "arrived", "path: the portal has the visit "
           "arrived", visit_status())
        ok(t.wait(r"Check in for today's visit", 25), "path: after 15 "
           "seconds the next patient gets the welcome", t.screen())
        private_gone(t, "path")
    finally:
        t.close()
    # The test's own record of the terminal's bytes (tmux pipe-pane) holds
    # what was shown by design; every other file is looked at.
    found = [f for w in ("Peña", CARD, "06/15/1990")
             for f in files_holding(w, STARTED)
             if not re.search(r"/bytes-\d+\.log$", f)]
    ok(not found, "path: no file written under HOME or /tmp during the run "
       "holds the name, card or birth date", found)
    cache = os.environ.get("XDG_CACHE_HOME",
                           os.path.join(os.environ["HOME"], ".cache"))
    kept = [os.path.join(d, f) for d, _, fs in
            os.walk(os.path.join(cache, "chartty")) for f in fs]
    ok(not kept, "path: a kiosk keeps nothing it read, encrypted or not "
       "(no kept record, no discovery or capabilities file)", kept)


def run_idle():
    portal("/_test/reset", {})
    t = start("idle", idle=30)
    try:
        identify(t, "pena", "06/15/1990")
        ok(t.wait(r"Your visit"), "idle: a turn under way", t.screen())
        ok(t.said("Still there? Press any key to keep going.", 25),
           "idle: the warning comes", t.screen())
        t.keys("Right")
        t.settle(0.3)
        ok("Still there" not in t.screen() and "Your visit" in t.screen(),
           "idle: a key answers it, and the turn goes on", t.screen())
        time.sleep(22)
        ok("Your visit" in t.screen(), "idle: the key gave the full time "
           "again", t.screen())
        ok(t.wait(r"Check in for today's visit", 30),
           "idle: then the turn ends", t.screen())
        private_gone(t, "idle")
    finally:
        t.close()
    found = [f for w in ("Peña", "06/15/1990")
             for f in files_holding(w, STARTED)
             if not re.search(r"/bytes-\d+\.log$", f)]
    ok(not found, "idle: no file written during the run holds the name or "
       "birth date", found)


def run_plain():
    portal("/_test/reset", {})
    write_conf()
    p = Plain(["--config", CONF, "kiosk"])
    try:
        ok(p.until(r"Last name: $"), "plain: the last name asked",
           p.tail())
        p.send("pena")
        ok(p.until(r"Date of birth \(MM/DD/YYYY\): $"), "plain: the birth "
           "date, its format said", p.tail())
        p.send("06/15/1990")
        p.until(r"First name \(you may leave it\): $")
        p.send("")
        ok(p.until(r"Zoë, your \d+:\d\d [ap]\.m\. visit with Łukasz "
                   r"Wiśniewski, RN\."), "plain: the visit found",
           p.tail())
        ok(p.until(r"Choose: 1\. Check in, 2\. This is not my visit "
                   r"\[1\]: $"), "plain: check in or not me", p.tail())
        p.send("")
        ok(p.until(r"Street address \[7 Birch Court\]: $"),
           "plain: contact details", p.tail())
        for _ in range(6):
            p.send("")
        p.until(r"Choose: 1\. These are right: continue")
        p.send("")
        p.until(r"Member ID \[")
        p.send("")
        p.until(r"Choose: ")
        p.send("")
        ok(p.until(r"What would you like to talk about at this visit\?: $"),
           "plain: the questions", p.tail())
        p.send("Plain answers")
        p.until(r"\(a number, 0 to 10\): $")
        p.send("2")
        p.until(r"\[1\]: $")
        p.send("3")
        p.until(r"\[1\]: $")
        p.send("2")
        for _ in range(5):
            p.until(r": 1\. No, 2\. Yes \[1\]: $")
            p.send("")
        p.until(r"\(optional\): $")
        p.send("")
        ok(p.until(r"Choose: 1\. Send the answers: continue, 2\. Back "
                   r"\[1\]: $"), "plain: send or back, no finishing later",
           p.tail())
        p.send("")
        p.until(r"Full name: $")
        p.send("Zoe Pena")
        p.until(r"Choose: ")
        p.send("")
        ok(p.until(r"Pay with: "), "plain: the copay", p.tail())
        p.send("")
        p.card(CARD)
        ok(p.until(r"Choose: 1\. Pay \$25\.00"), "plain: confirm the copay",
           p.tail())
        p.send("")
        ok(p.until(r"Choose: 1\. Check in now"), "plain: then check in",
           p.tail())
        p.send("")
        ok(p.until(r"You are checked in\. Please take a seat"),
           "plain: checked in", p.tail())
        ok(p.until(r"Last name: $"), "plain: the next patient is asked",
           p.tail())
        ok(visit_status() == "arrived", "plain: the portal has the visit "
           "arrived")
    finally:
        p.close()
    ok(CARD.encode() not in p.all, "plain: the card number was not echoed")
    ok(b"\x1b" not in p.all, "plain: no escape byte in the transcript")


run_setup()
run_down_then_back()
run_misses()
run_path()
run_idle()
run_plain()
done()
