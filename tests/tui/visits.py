#!/usr/bin/env python3
"""tmux and plain-mode tests of appointments: scheduling and eCheck-in at
80x24 with the cursor on the focused row or field at every step, the card
number never on screen or in the output, and both done again in plain
mode. Prints TAP."""

import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (PORTAL, Plain, Term, check_focus,  # noqa: E402
                    cursor_at_end, done, fhir_as, files_holding, free_days,
                    focus_down_to, never_shown, ok, portal, sign_in)

CARD = "4242424242424242"
STARTED = time.time()




def visits():
    """Maria's visits as the portal holds them."""
    b = fhir_as("maria@example.org", "Chartty-demo-1",
                "Appointment?patient=Patient/maria-lopez&_count=200")
    return [e["resource"] for e in b.get("entry", [])]


def with_reason(reason):
    return [v for v in visits()
            if v.get("reasonCode", [{}])[0].get("text") == reason
            and v.get("status") == "booked"]


def status_of(appt_id):
    return next((v["status"] for v in visits() if v["id"] == appt_id), "")




def clear_field(t, n=12):
    t.keys(*(["BSpace"] * n))


def run_schedule():
    portal("/_test/reset", {})
    first, last = free_days("sched-patel", 20)
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org")
    try:
        sign_in(t, "schedule")
        t.keys("6")
        ok(t.wait(r"^Appointments"), "schedule: key 6 opens appointments",
           t.screen())
        check_focus(t, "opening appointments")
        ok(focus_down_to(t, r"^> Schedule a visit"), "schedule: the item "
           "is reachable", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^> Clinician: Anita Patel"), "schedule: the search "
           "opens on the clinician", t.screen())
        check_focus(t, "opening the search")
        t.keys("Right")
        ok(t.wait(r"^> Clinician: Elena Garcia") and
           "Kind of visit: Cardiology consult" in t.screen(),
           "schedule: the kinds of visit follow the clinician", t.screen())
        t.keys("Left")
        ok(t.wait(r"Kind of visit: Office visit"), "schedule: and back",
           t.screen())
        t.keys("Down")
        t.settle(0.15)
        check_focus(t, "moving to the kind of visit")
        t.keys("Down")
        t.settle(0.15)
        clear_field(t)
        t.type(first)
        t.settle(0.15)
        cursor_at_end(t, "> First day: " + first, "schedule: first day")
        t.keys("Down")
        t.settle(0.15)
        clear_field(t)
        t.type(last)
        t.settle(0.15)
        cursor_at_end(t, "> Last day: " + last, "schedule: last day")
        t.keys("Down")
        t.settle(0.15)
        check_focus(t, "moving to Find free times")
        t.keys("Enter")
        ok(t.wait(r"^Free times") and
           re.search(r"^> \d\d:\d\d: \w{3} \d+ \w{3} \d{4}, 30 minutes",
                     t.screen(), re.M),
           "schedule: free times by day, the focus on the first", t.screen())
        check_focus(t, "the free times")
        t.keys("Down")
        t.settle(0.15)
        check_focus(t, "the next time")
        t.keys("Enter")
        ok(t.wait(r"^> Reason for the visit:"), "schedule: the chosen "
           "time asks for the reason", t.screen())
        ok(re.search(r"Office visit with Anita Patel, MD on \w{3} .* at\s+"
                     r"Main\s+Street\s+Clinic\.", t.screen()),
           "schedule: what will be booked is said", t.screen())
        t.type("Knee pain from tmux")
        t.settle(0.15)
        cursor_at_end(t, "> Reason for the visit: Knee pain from tmux",
                      "schedule: reason")
        t.keys("Enter")
        ok(t.wait(r"Booked: Office visit with Anita Patel, MD on"),
           "schedule: booked, and said so", t.screen())
        ok(t.wait(r"^Appointments"), "schedule: back at the list",
           t.screen())
        check_focus(t, "booking")
        ok(len(with_reason("Knee pain from tmux")) == 1,
           "schedule: the portal has the visit once")
        t.keys("q")
        t.exited()
    finally:
        t.close()


def run_checkin():
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org")
    try:
        sign_in(t, "echeckin")
        t.keys("6")
        t.wait(r"^Appointments")
        ok(focus_down_to(t, r"^> .*Follow-up visit with Anita"),
           "echeckin: the follow-up is listed", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Visit") and focus_down_to(t, r"^> eCheck-in"),
           "echeckin: the visit offers eCheck-in", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Step 1 of 6: Contact details"), "echeckin: step 1",
           t.screen())
        check_focus(t, "opening eCheck-in")
        ok(t.lines()[t.cursor()[1]].startswith("> Street address: 48 "
                                               "Cedar Street"),
           "echeckin: the address on file, the cursor in it", t.screen())
        ok(focus_down_to(t, r"^> \[ These are right"), "echeckin: confirm",
           t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Step 2 of 6: Insurance") and
           "Acme Health Plan" in t.screen(), "echeckin: insurance",
           t.screen())
        check_focus(t, "the insurance step")
        ok(t.lines()[t.cursor()[1]].startswith("> Member ID: ACM-55501"),
           "echeckin: the member ID field has the focus", t.screen())
        focus_down_to(t, r"^> \[ This is right")
        t.keys("Enter")
        ok(t.wait(r"^Step 3 of 6: Questions"), "echeckin: questions",
           t.screen())
        check_focus(t, "the questions")
        t.type("Sugar readings")
        t.keys("Down")
        t.settle(0.15)
        t.type("3")
        t.wait(r"^    3\s*$")
        x, y = t.cursor()
        ok(t.lines()[y] == "    3" and x == 5,
           "echeckin: a long question wraps, the answer below it, the "
           "cursor after it", (x, y, t.screen()))
        t.keys("Down", "Right")
        t.keys("Down", "Right", "Right")
        t.settle(0.2)
        check_focus(t, "answering a choice")
        ok(re.search(r"^> How have you been feeling overall\?: Fair",
                     t.screen(), re.M), "echeckin: Left/Right choose",
           t.screen())
        ok(focus_down_to(t, r"^> \[ Send the answers"), "echeckin: send",
           t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Step 4 of 6: Consent"), "echeckin: consent",
           t.screen())
        check_focus(t, "the consent")
        t.type("Maria Lopez")
        t.keys("Down")
        t.settle(0.15)
        t.keys("Enter")
        ok(t.wait(r"^Step 5 of 6: Copay") and "$25.00" in t.screen(),
           "echeckin: the copay", t.screen())
        check_focus(t, "the copay")
        t.keys("Down")
        t.type("4242 4242 4242 4242")
        t.settle(0.2)
        cursor_at_end(t, "> Card number: " + "*" * 19,
                      "echeckin: card number")
        ok("4242" not in t.screen(), "echeckin: the card number is "
           "masked", t.screen())
        t.keys("Down")
        t.type("12/30")
        t.keys("Down")
        t.type("123")
        t.settle(0.15)
        ok("> Security code: ***" in t.screen(), "echeckin: the code is "
           "masked", t.screen())
        focus_down_to(t, r"^> \[ Continue to confirm")
        t.keys("Enter")
        ok(t.wait(r"Pay \$25\.00 now with the card ending 4242\? Nothing "
                  r"has been charged yet\."),
           "echeckin: amount and last four before any charge", t.screen())
        check_focus(t, "the confirmation")
        ok(t.lines()[t.cursor()[1]].startswith("> [ Pay $25.00 ]"),
           "echeckin: the focus on Pay", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Step 6 of 6: Check in") and
           re.search(r"Paid \$25\.00 with the card ending 4242\. Receipt "
                     r"R-", t.screen()),
           "echeckin: paid, with a receipt", t.screen())
        check_focus(t, "the last step")
        t.keys("Enter")
        ok(t.wait(r"You are checked in for your visit on"),
           "echeckin: checked in", t.screen())
        ok(status_of("appt-maria-lopez-followup") == "checked-in",
           "echeckin: the portal has it checked-in")
        never_shown(t, CARD, "4242 4242", "echeckin")
        t.keys("q")
        t.exited()
    finally:
        t.close()
    found = files_holding(CARD, STARTED)
    ok(not found, "echeckin: the card number is in no file written under "
       "HOME or /tmp during the run", found)


def run_plain():
    portal("/_test/reset", {})
    first, last = free_days("sched-patel", 20)
    p = Plain(["--no-keyring", "--server", PORTAL, "--user",
               "maria@example.org"])
    try:
        p.sign_in()
        p.choose(r"Appointments", r"Upcoming visits", "appointments open")
        p.choose(r"Schedule a visit", r"Clinician: 1\. Anita Patel, MD, "
                 r"Primary care physician, 2\..*\[1\]: $",
                 "scheduling asks for the clinician")
        p.send("")
        ok(p.until(r"Kind of visit: 1\. Office visit, .*\[1\]: $"),
           "plain: then the kind of visit", p.tail())
        p.send("")
        ok(p.until(r"First day \[\d{4}-\d\d-\d\d\]: $"),
           "plain: then the days", p.tail())
        p.send(first)
        p.until(r"Last day \[\d{4}-\d\d-\d\d\]: $")
        p.send(last)
        p.choose(r"\d\d:\d\d", r"Reason for the visit: $",
                 "the free times are numbered; one is chosen")
        p.send("Plain booking")
        ok(p.until(r"Choose: 1\. Book this visit, 2\. Choose another time "
                   r"\[1\]: $"), "plain: book or another time", p.tail())
        p.send("")
        ok(p.until(r"Booked: Office visit with Anita Patel, MD on"),
           "plain: booked", p.tail())
        ok(len(with_reason("Plain booking")) == 1,
           "plain: the portal has the visit once")
        p.choose(r"[^\n]*Follow-up visit with Anita", r"eCheck-in",
                 "the follow-up opens")
        p.choose(r"eCheck-in", r"Street address \[48 Cedar Street\]: $",
                 "eCheck-in asks for the address")
        for _ in range(6):
            p.send("")
        ok(p.until(r"Choose: 1\. These are right: continue, 2\. Finish "
                   r"later \[1\]: $"), "plain: confirm the contact details",
           p.tail())
        p.send("")
        ok(p.until(r"Member ID \[ACM-55501\]: $"), "plain: insurance",
           p.tail())
        p.send("")
        p.until(r"Choose: ")
        p.send("")
        ok(p.until(r"What would you like to talk about at this visit\?: $"),
           "plain: the first question", p.tail())
        p.send("Plain answers")
        p.until(r"\(a number, 0 to 10\): $")
        p.send("2")
        ok(p.until(r"medicines since your last visit\?: 1\. Not answered, "
                   r"2\. Yes, 3\. No \[1\]: $"), "plain: yes or no, numbered",
           p.tail())
        p.send("3")
        p.until(r"feeling overall\?: 1\. Not answered, 2\. Good")
        p.send("2")
        for _ in range(5):
            p.until(r": 1\. No, 2\. Yes \[1\]: $")
            p.send("")
        p.until(r"\(YYYY-MM-DD\) \(optional\): $")
        p.send("")
        ok(p.until(r"Choose: 1\. Send the answers: continue, 2\. Save and "
                   r"finish later, 3\. Back, 4\. Finish later \[1\]: $"),
           "plain: send, save, back or later", p.tail())
        p.send("")
        ok(p.until(r"Full name: $"), "plain: the consent", p.tail())
        p.send("Maria Lopez")
        p.until(r"Choose: ")
        p.send("")
        ok(p.until(r"Pay with: 1\. Credit or debit card, 2\. HSA card "
                   r"\[1\]: $"), "plain: the copay", p.tail())
        p.send("")
        p.card(CARD)
        ok(p.until(r"Choose: 1\. Pay \$25\.00, 2\. Change the card, 3\. "
                   r"Back, 4\. Finish later \[1\]: $"),
           "plain: the confirmation asks which button", p.tail())
        p.send("")
        ok(p.until(r"Choose: 1\. Check in now"), "plain: then check in",
           p.tail())
        ok(re.search(r"Paid \$25\.00 with the card ending 4242",
                     p.all.decode("utf-8", "replace")),
           "plain: the receipt was said")
        p.send("")
        ok(p.until(r"You are checked in for your visit on"),
           "plain: checked in", p.tail())
        ok(status_of("appt-maria-lopez-followup") == "checked-in",
           "plain: the portal has it checked-in")
        p.send("q")
    finally:
        p.close()
    ok(CARD.encode() not in p.all, "plain: the card number was not echoed")
    ok(b"\x1b" not in p.all, "plain: no escape byte in the transcript")
    bookings = [json.dumps(v) for v in with_reason("Plain booking")]
    ok(len(bookings) == 1, "plain: one booking in the end")


run_schedule()
run_checkin()
run_plain()
done()
