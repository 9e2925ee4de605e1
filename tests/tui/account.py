#!/usr/bin/env python3
"""tmux and plain-mode tests of the Account area: turning on two-step
verification (the QR code on screen read back by zbarimg, the code made
from the key shown, then a sign-in that asks for it), changing the
password, contact details (a conflict with a change made elsewhere), and
account activity after a proxy read. The cursor is on the focused row
after every step. Prints TAP."""

import base64
import hashlib
import hmac
import os
import re
import struct
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (PORTAL, WORLD, Plain, Term, check_focus,  # noqa: E402
                    done, fhir_as, focus_down_to, ok, portal, sign_in)

MARIA = "maria@example.org"
BLOCKS = "\u2580\u2584\u2588"


def totp(key, at=None):
    """RFC 6238 (SHA-1, 30 s, 6 digits) from a base32 key, as apps do."""
    key = key.replace(" ", "").upper()
    raw = base64.b32decode(key + "=" * (-len(key) % 8))
    counter = int((at if at is not None else time.time()) // 30)
    h = hmac.new(raw, struct.pack(">Q", counter), hashlib.sha1).digest()
    o = h[-1] & 15
    return "%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff)
                     % 1000000)


def wrong_code(key):
    """A 6-digit code no nearby time step of key makes."""
    near = {totp(key, time.time() + d) for d in (-60, -30, 0, 30, 60)}
    n = int(totp(key))
    while "%06d" % n in near:
        n = (n + 111111) % 1000000
    return "%06d" % n


def login(email, password):
    """The portal's answer to a password sign-in (no tokens made)."""
    try:
        return portal("/auth/login", {
            "email": email, "password": password,
            "codeChallenge": "x" * 43, "codeChallengeMethod": "S256"})
    except Exception as e:  # an HTTP error: the password was refused
        return {"error": str(e)}


def shown_key(t):
    """The key the screen says to type, without its spaces."""
    m = re.search(r"type this key: ([A-Z2-7 ]+) \(time-based\)",
                  " ".join(t.screen().split()))
    return m.group(1).replace(" ", "") if m else ""


def picture(t):
    """The QR code's lines as they are on the screen (column 2 on)."""
    rows = [line[2:] for line in t.lines()
            if any(c in line for c in BLOCKS)]
    return rows


def decode(rows):
    """zbarimg's reading of the picture rows (half blocks), or ""."""
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    modules = []
    for r in rows:
        r = r.ljust(width)
        modules.append([c in "\u2580\u2588" for c in r])
        modules.append([c in "\u2584\u2588" for c in r])
    scale, margin = 6, 8
    w = (width + 2 * margin) * scale
    h = (len(modules) + 2 * margin) * scale
    path = os.path.join(WORLD, "qr.pbm")
    with open(path, "w") as f:
        f.write(f"P1\n{w} {h}\n")
        for y in range(h):
            my = y // scale - margin
            row = []
            for x in range(w):
                mx = x // scale - margin
                dark = (0 <= my < len(modules) and 0 <= mx < width
                        and modules[my][mx])
                row.append("1" if dark else "0")
            f.write(" ".join(row) + "\n")
    r = subprocess.run(["zbarimg", "--quiet", "--raw", path],
                       capture_output=True, text=True)
    return r.stdout.strip()


def open_account_item(t, label, what):
    ok(focus_down_to(t, r"^> " + re.escape(label)), f"{what}: Home lists "
       f"{label}", t.screen())
    t.keys("Enter")


def run_twostep():
    portal("/_test/reset", {})
    t = Term(f"--no-keyring --server {PORTAL} --user {MARIA}", 100, 45)
    try:
        sign_in(t, "two-step")
        open_account_item(t, "Two-step verification", "two-step")
        ok(t.said("Two-step verification is off."), "two-step: it says "
           "it is off", t.screen())
        check_focus(t, "opening two-step verification")
        t.keys("Enter")
        ok(t.said("type this key"), "two-step: the key is shown",
           t.screen())
        check_focus(t, "turning it on")
        key = shown_key(t)
        ok(re.fullmatch(r"[A-Z2-7]{16,}", key or ""), "two-step: the key "
           "is base32, in groups", key)
        rows = picture(t)
        ok(len(rows) > 10, "two-step: a QR code is drawn at 100x45",
           t.screen())
        uri = decode(rows)
        ok(uri.startswith("otpauth://totp/"), "two-step: zbarimg reads the "
           "code on screen as an otpauth link", uri)
        query = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)
        ok(query.get("secret", [""])[0] == key, "two-step: the code holds "
           "the same key as the text", (uri, key))
        ok(t.said("Apps that take a setup link can use this one: "
                  "otpauth://totp/"), "two-step: the setup link is shown "
           "as text too", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^> Code from the app:"), "two-step: the code is asked "
           "for, the cursor in its field", t.screen())
        check_focus(t, "Next")
        t.type(wrong_code(key))
        t.keys("Enter")
        ok(t.said("The code is not correct"), "two-step: a wrong code "
           "gets the portal's words", t.screen())
        ok(login(MARIA, "Chartty-demo-1").get("code"), "two-step: after a "
           "wrong code, sign-in still takes no code")
        t.type(totp(key))
        t.keys("Enter")
        ok(t.said("Two-step verification is on."), "two-step: the right "
           "code turns it on", t.screen())
        ok(login(MARIA, "Chartty-demo-1").get("mfaRequired") is True,
           "two-step: the portal now asks Maria for a code")
    finally:
        t.close()
    # The next sign-in asks for the code, made from the same key.
    t = Term(f"--no-keyring --server {PORTAL} --user {MARIA}")
    try:
        ok(t.wait(r"Password:"), "two-step: sign-in shows")
        t.type("Chartty-demo-1")
        t.keys("Enter")
        ok(t.wait(r"Verification code:"), "two-step: the next sign-in asks "
           "for the code", t.screen())
        t.type(totp(key))
        t.keys("Enter")
        ok(t.wait(r"^Home"), "two-step: the app's code signs in",
           t.screen())
        open_account_item(t, "Two-step verification", "two-step on")
        ok(t.said("Two-step verification is on."), "two-step: the screen "
           "says it is on", t.screen())
    finally:
        t.close()


def run_small_and_ascii():
    portal("/_test/reset", {})
    for args, size, what in (("", (80, 24), "80x24"),
                             ("--ascii ", (100, 45), "--ascii")):
        t = Term(f"--no-keyring {args}--server {PORTAL} --user {MARIA}",
                 *size)
        try:
            sign_in(t, what)
            open_account_item(t, "Two-step verification", what)
            ok(t.said("Two-step verification is off."), f"{what}: off",
               t.screen())
            t.keys("Enter")
            ok(t.said("type this key"), f"{what}: the key is shown",
               t.screen())
            ok(not picture(t), f"{what}: no QR code is drawn", t.screen())
            if what == "80x24":
                ok(t.said("To show the code to scan, make the window at "
                          "least"), f"{what}: it says how big the window "
                   "must be", t.screen())
            check_focus(t, f"{what}: the key")
        finally:
            t.close()


def run_password():
    portal("/_test/reset", {})
    t = Term(f"--no-keyring --server {PORTAL} --user {MARIA}")
    try:
        sign_in(t, "password")
        open_account_item(t, "Change password", "password")
        ok(t.wait(r"^> Current password:"), "password: the cursor is in "
           "the current password", t.screen())
        check_focus(t, "opening Change password")
        t.type("Not-my-password-1")
        t.keys("Down")
        t.type("Fresh-pass-2026")
        t.keys("Down")
        t.type("Fresh-pass-2026")
        t.keys("Enter")
        ok(t.said("Your current password is not correct."), "password: a "
           "wrong current password gets the portal's words", t.screen())
        ok("Fresh-pass-2026" not in t.screen() and "Not-my-password"
           not in t.screen(), "password: no password shows")
        check_focus(t, "a wrong current password")
        t.type("Chartty-demo-1")
        t.keys("Down")
        t.type("Fresh-pass-2026")
        t.keys("Down")
        t.type("Fresh-pass-2027")
        t.keys("Enter")
        ok(t.said("The two new passwords are not the same"), "password: "
           "two different new ones are caught", t.screen())
        ok(login(MARIA, "Chartty-demo-1").get("code"), "password: nothing "
           "was sent: the old password still works")
        check_focus(t, "different new passwords")
        ok(re.search(r"^> New password:", t.screen(), re.M), "password: "
           "the focus goes back to the new password", t.screen())
        t.type("short")
        t.keys("Down")
        t.type("short")
        t.keys("Enter")
        ok(t.said("at least 8 characters"), "password: the portal's rule "
           "is said in its words", t.screen())
        t.keys("Up", "Up")
        t.type("Chartty-demo-1")
        t.keys("Down")
        t.type("Fresh-pass-2026")
        t.keys("Down")
        t.type("Fresh-pass-2026")
        t.keys("Enter")
        ok(t.said("Your password was changed."), "password: changed",
           t.screen())
        ok(t.wait(r"^Home"), "password: back on Home, still signed in",
           t.screen())
        ok(login(MARIA, "Fresh-pass-2026").get("code") and
           "error" in login(MARIA, "Chartty-demo-1"),
           "password: the portal takes the new password, not the old")
    finally:
        t.close()


def run_contact():
    portal("/_test/reset", {})
    t = Term(f"--no-keyring --server {PORTAL} --user {MARIA}")
    try:
        sign_in(t, "contact")
        open_account_item(t, "Contact details", "contact")
        ok(t.wait(r"^> Street address: 48 Cedar Street"), "contact: the "
           "address as the record has it", t.screen())
        check_focus(t, "opening contact details")
        ok(focus_down_to(t, r"^> Phone:"), "contact: the phone field",
           t.screen())
        t.keys(*(["BSpace"] * 12))
        t.type("555-0188")
        t.keys("Down")
        t.keys(*(["BSpace"] * 30))
        t.type("maria.new@example")
        t.keys("Enter")
        ok(t.said("That email address does not look right"), "contact: a "
           "bad email is caught before sending", t.screen())
        t.type(".org")
        # Someone else changes the record meanwhile (the front desk).
        pat = fhir_as(MARIA, "Chartty-demo-1", "Patient/maria-lopez")
        ok(pat["telecom"][0]["value"] == "555-0111", "contact: nothing was "
           "sent yet")
        t.keys("Enter")
        ok(t.said("Your contact details are saved."), "contact: saved",
           t.screen())
        pat = fhir_as(MARIA, "Chartty-demo-1", "Patient/maria-lopez")
        tel = {x["system"]: x["value"] for x in pat.get("telecom", [])}
        ok(tel.get("phone") == "555-0188" and
           tel.get("email") == "maria.new@example.org",
           "contact: the portal holds the new phone and email", tel)
        check_focus(t, "saving")
        # Leaving with changes not saved asks once.
        t.keys("Up")
        t.type("9")
        t.keys("Escape")
        ok(t.said("Your changes are not saved"), "contact: leaving with "
           "changes asks first", t.screen())
        t.keys("Escape")
        ok(t.wait(r"^Home"), "contact: the second time it leaves",
           t.screen())
    finally:
        t.close()


def run_activity():
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user linda@example.org")
    try:
        sign_in(t, "activity", "Chartty-demo-3")
        ok(focus_down_to(t, r"^> Switch record"), "activity: Linda can "
           "switch record", t.screen())
        t.keys("Enter")
        ok(t.wait(r"Harold"), "activity: Harold is listed", t.screen())
        ok(focus_down_to(t, r"^> .*Harold"), "activity: Harold's row",
           t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Record: Harold"), "activity: Harold's record is open",
           t.screen())
        t.keys("2")
        ok(t.wait(r"^Health summary"), "activity: his summary is read",
           t.screen())
        t.keys("Escape")
        ok(t.wait(r"^Home"), "activity: back on Home", t.screen())
        open_account_item(t, "Account activity", "activity")
        ok(t.wait(r"^Account activity"), "activity: the screen opens",
           t.screen())
        ok(t.said("Record read by you (proxy)"), "activity: Linda's read "
           "of Harold's record is listed as a proxy's", t.screen())
        check_focus(t, "opening account activity")
    finally:
        t.close()
    # Linda's own record lists her sign-in, newest first.
    t = Term("--no-keyring --server " + PORTAL + " --user linda@example.org")
    try:
        sign_in(t, "own activity", "Chartty-demo-3")
        open_account_item(t, "Account activity", "own activity")
        ok(t.wait(r"^> Signed in from 127\.0\.0\.1"), "own activity: the "
           "newest is this sign-in, from loopback", t.screen())
        ok(t.said("Harold Nguyen's record read by you"), "own activity: "
           "her read of Harold's record, named", t.screen())
    finally:
        t.close()


def run_plain():
    portal("/_test/reset", {})
    p = Plain(["--no-keyring", "--server", PORTAL, "--user", MARIA])
    try:
        p.sign_in()
        ok(p.until(r"Choice: $"), "plain: Home", p.tail())
        p.send(p.number(r"Two-step verification"))
        ok(p.until(r"Two-step verification is off"), "plain: it is off",
           p.tail())
        p.send("1")
        text = p.until(r"Choose: .*\[1\]: $")
        m = re.search(r"type this key: ([A-Z2-7 ]+) \(time-based\)",
                      " ".join((text or "").split()))
        ok(m, "plain: the key is said as text", p.tail())
        key = m.group(1).replace(" ", "") if m else ""
        ok(not any(c in (text or "") for c in BLOCKS), "plain: no QR code "
           "(a screen reader cannot read one)", text)
        ok("otpauth://totp/" in (text or ""), "plain: the setup link is "
           "said", text)
        p.send("1")
        ok(p.until(r"Code from the app: $"), "plain: the code is asked for",
           p.tail())
        p.send(totp(key))
        p.until(r"Choose: .*\[1\]: $")
        p.send("1")
        ok(p.until(r"Two-step verification is on"), "plain: turned on",
           p.tail())
        ok(login(MARIA, "Chartty-demo-1").get("mfaRequired") is True,
           "plain: the portal now asks for a code")
        p.send("b")
        ok(p.until(r"Choice: $"), "plain: back on Home", p.tail())
        p.send(p.number(r"Change password"))
        ok(p.until(r"Current password: $"), "plain: the current password "
           "is asked", p.tail())
        p.send("Chartty-demo-1")
        p.until(r"New password: $")
        p.send("Plain-pass-2026")
        p.until(r"New password again: $")
        p.send("Plain-pass-2026")
        p.until(r"Choose: .*\[1\]: $")
        p.send("1")
        ok(p.until(r"Your password was changed"), "plain: the password is "
           "changed", p.tail())
        ok(b"Plain-pass-2026" not in p.all, "plain: the new password is "
           "never echoed")
        p.until(r"Choice: $")
        p.send(p.number(r"Account activity"))
        text = p.until(r"Choice: $")
        events = re.findall(r"^\d+\. (.*): \w{3} \d+ \w{3} \d{4} \d\d:\d\d$",
                            text or "", re.M)
        ok(events[:3] == ["Password changed by you",
                          "Two-step sign-in turned on by you",
                          "Signed in from 127.0.0.1"],
           "plain: activity lists this session, newest first", p.tail())
        ok("Signed in from 203.0.113.7" in events[3:], "plain: then the "
           "earlier sign-ins", p.tail())
        p.send("q")
    finally:
        p.close()


run_twostep()
run_small_and_ascii()
run_password()
run_contact()
run_activity()
run_plain()
done()
