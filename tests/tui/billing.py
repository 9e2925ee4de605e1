#!/usr/bin/env python3
"""tmux and plain-mode tests of billing: paying a bill at 80x24 with the
cursor in the field being typed, the card number never on screen, in the
output, its scrollback or a file; a statement saved to a new private
file; and a payment done in plain mode. Prints TAP."""

import os
import re
import stat
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (PORTAL, Plain, Term, check_focus,  # noqa: E402
                    cursor_at_end, done, fhir_as, files_holding,
                    focus_down_to, never_shown, ok, portal, sign_in)

CARD = "5555555555554444"
STARTED = time.time()


def due(invoice):
    inv = fhir_as("maria@example.org", "Chartty-demo-1", "Invoice/" + invoice)
    return next((e["valueMoney"]["value"] for e in inv.get("extension", [])
                 if e["url"] == "urn:chartty:balance-due"), None)


def charges(invoice):
    return len(portal("/_test/payments?invoice=" + invoice)["payments"])






def run_pay():
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org")
    try:
        sign_in(t, "billing")
        t.keys("7")
        ok(t.wait(r"^Billing") and "You owe $305.00 in all." in t.screen(),
           "billing: key 7 opens billing, with what is owed", t.screen())
        check_focus(t, "opening billing")
        ok(focus_down_to(t, r"^> [^:]+: Office visit: \$50\.00 still due"),
           "billing: the office visit's bill is listed", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Office visit on ") and "Still due: $50.00" in t.screen(),
           "billing: the bill opens", t.screen())
        ok(focus_down_to(t, r"^> Pay this bill"), "billing: pay offered",
           t.screen())
        t.keys("Enter")
        ok(t.wait(r"^> Amount in dollars: 50\.00"), "billing: the amount "
           "is the balance, the focus on it", t.screen())
        cursor_at_end(t, "> Amount in dollars: 50.00", "billing: amount")
        t.keys("Down", "Down")
        t.type("5555 5555 5555 4444")
        t.settle(0.2)
        cursor_at_end(t, "> Card number: " + "*" * 19,
                      "billing: card number")
        ok("4444" not in t.screen(), "billing: the number is masked",
           t.screen())
        t.keys("Down")
        t.type("11/29")
        t.settle(0.15)
        cursor_at_end(t, "> Expiry (MM/YY): 11/29", "billing: expiry")
        t.keys("Down")
        t.type("321")
        t.settle(0.15)
        cursor_at_end(t, "> Security code: ***", "billing: code")
        t.keys("Down")
        t.settle(0.15)
        check_focus(t, "moving to Continue")
        t.keys("Enter")
        ok(t.wait(r"Pay \$50\.00 now with the card ending 4444\? Nothing "
                  r"has been charged yet\."), "billing: confirmation "
           "with the amount and last four", t.screen())
        ok(t.lines()[t.cursor()[1]].startswith("> [ Pay $50.00 ]"),
           "billing: the focus on Pay", t.screen())
        ok(charges("inv-maria-lopez-visit1") == 0,
           "billing: nothing charged before Pay")
        t.keys("Enter")
        ok(t.wait(r"Paid \$50\.00 with the card ending 4444\. Receipt R-"),
           "billing: the receipt", t.screen())
        check_focus(t, "paying")
        ok(due("inv-maria-lopez-visit1") == 0 and
           charges("inv-maria-lopez-visit1") == 1,
           "billing: the portal has one charge and nothing due")
        t.keys("Enter")
        ok(t.wait(r"Still due: \$0\.00"), "billing: Done goes back to the "
           "bill, now paid", t.screen())
        never_shown(t, CARD, "5555 5555", "billing")

        # A statement saved to a new private file.
        t.keys("Escape")
        ok(t.wait(r"^Billing"), "billing: back to billing", t.screen())
        ok(focus_down_to(t, r"^> statement-2026-10\.pdf"),
           "billing: statements listed", t.screen())
        t.keys("Enter")
        ok(t.wait(r"Save as \["), "billing: asks where to save", t.screen())
        t.keys("Enter")
        ok(t.wait(r"Saved to .*statement-2026-10\.pdf\."),
           "billing: saved", t.screen())
        m = re.search(r"Saved to (\S+statement-2026-10\.pdf)\.",
                      t.screen().replace("\n", ""))
        path = m.group(1) if m else ""
        ok(path and os.path.exists(path) and
           stat.S_IMODE(os.stat(path).st_mode) == 0o600 and
           open(path, "rb").read(5) == b"%PDF-",
           "billing: a PDF readable only by its owner", path)
        t.keys("Enter")
        t.wait(r"Save as \[")
        t.keys("Enter")
        ok(t.said("is already there; choose another name."),
           "billing: never over an existing file", t.screen())
        if path:
            os.unlink(path)
        t.keys("q")
        t.exited()
    finally:
        t.close()
    found = files_holding(CARD, STARTED)
    ok(not found, "billing: the card number is in no file written under "
       "HOME or /tmp during the run (logs included)", found)


def run_plain():
    portal("/_test/reset", {})
    p = Plain(["--no-keyring", "--server", PORTAL, "--user",
               "maria@example.org"])
    try:
        p.sign_in()
        p.choose(r"Billing", r"You owe \$305\.00 in all\.", "billing opens")
        p.choose(r"[^\n]*: Lab work", r"Still due: \$20\.00",
                 "the lab bill opens")
        p.choose(r"Pay this bill", r"Amount in dollars \[20\.00\]: $",
                 "the amount is asked, the balance offered")
        p.send("")
        ok(p.until(r"Pay with: 1\. Credit or debit card, 2\. HSA card "
                   r"\[1\]: $"), "plain: card or HSA card", p.tail())
        p.send("")
        p.until(r"Card number: $")
        p.send(CARD)
        p.until(r"Expiry \(MM/YY\): $")
        p.send("11/29")
        p.until(r"Security code: $")
        p.send("321")
        ok(p.until(r"Choose: 1\. Continue to confirm, 2\. Cancel \[1\]: $"),
           "plain: continue or cancel", p.tail())
        p.send("")
        ok(p.until(r"Choose: 1\. Pay \$20\.00, 2\. Change the card, "
                   r"3\. Cancel \[1\]: $"), "plain: the confirmation",
           p.tail())
        ok("ending 4444? Nothing has been charged yet." in p.tail(),
           "plain: amount and last four said first", p.tail())
        p.send("")
        ok(p.until(r"Paid \$20\.00 with the card ending 4444\. Receipt R-"),
           "plain: paid, with a receipt", p.tail())
        ok(p.until(r"Still due: \$0\.00"), "plain: the bill is paid",
           p.tail())
        p.send("q")
    finally:
        p.close()
    ok(due("inv-maria-lopez-labs") == 0 and
       charges("inv-maria-lopez-labs") == 1, "plain: one charge, nothing due")
    ok(CARD.encode() not in p.all, "plain: the card number was not echoed")


run_pay()
run_plain()
done()
