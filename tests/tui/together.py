#!/usr/bin/env python3
"""tmux test of changes made at a linked organization: Maria signed in at
Main Street with her account at Lakeside Clinic linked (a second portal
that takes changes, signed in from Home with a browser). A visit, a
reply and a refill request chosen on a row of Lakeside's go to Lakeside,
not to Main Street, and each confirmation names Lakeside. Prints TAP."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (OTHER, PORTAL, WORLD, Term, browse,  # noqa: E402
                    check_focus, done, fake_browser, fhir_as, follow, ok,
                    portal, sign_in)

CONF = os.path.join(WORLD, "together.conf")
EMAIL, PASSWORD = "maria@example.org", "Chartty-demo-1"
LAKESIDE = "From Lakeside Clinic."


def setup():
    with open(CONF, "w") as f:
        f.write(f"""[account main]
server = {PORTAL}
email = {EMAIL}
label = Main Street Clinic
link = yes

[account lakeside]
server = {OTHER}
email = {EMAIL}
label = Lakeside Clinic
link = yes
""")


def focused(t):
    """The focused row, its wrapped lines joined."""
    lines = t.lines()
    y = t.cursor()[1]
    out = lines[y]
    for more in lines[y + 1:]:
        if not more.startswith("    "):
            break
        out += " " + more.strip()
    return out


def focus_row(t, *words, tries=60):
    """Move the focus down from the top until its row holds every one of
    words (where the focus was is not counted on)."""
    if all(w in focused(t) for w in words):
        return True
    t.keys("Home")
    t.settle(0.1)
    for _ in range(tries):
        if all(w in focused(t) for w in words):
            return True
        t.keys("Down")
        t.settle(0.1)
    return False


def count(base, path):
    """How many records a search finds at the portal at base."""
    bundle = fhir_as(EMAIL, PASSWORD, path, base=base)
    return len(bundle.get("entry", []))


def counts(path):
    """The same search at Main Street and at Lakeside."""
    return count(PORTAL, path), count(OTHER, path)


def run():
    browser, opened_url = fake_browser()
    setup()
    portal("/_test/reset", {})
    portal("/_test/reset", {}, base=OTHER)
    t = Term(f"--no-keyring --config {CONF} --account main", 100, 50,
             env={"BROWSER": browser})
    try:
        sign_in(t, "together")
        ok(t.said("Lakeside Clinic: not signed in"), "Home lists Lakeside, "
           "not signed in yet", t.screen())
        ok(focus_row(t, "Lakeside Clinic"), "its row can be reached",
           t.screen())
        t.keys("Enter")
        url = opened_url()
        ok(url.startswith(OTHER + "/oauth2/authorize?"), "a browser opens "
           "Lakeside's own sign-in page", url)
        follow(browse(url, EMAIL, PASSWORD))
        ok(t.said("Signed in to Lakeside Clinic."), "signed in to "
           "Lakeside too", t.screen())

        # A visit of Lakeside's, cancelled there.
        cancelled = "Appointment?patient=Patient/maria-lopez&status=cancelled"
        before = counts(cancelled)
        t.keys("6")
        ok(t.wait(r"^Upcoming visits"), "visits open", t.screen())
        ok(focus_row(t, "Cardiology consult", LAKESIDE), "Lakeside's "
           "cardiology consult can be focused", t.screen())
        t.keys("Enter")
        ok(t.wait(r"Cancel this visit"), "it offers a cancel, Lakeside "
           "taking changes", t.screen())
        ok(focus_row(t, "Cancel this visit"), "the cancel can be focused",
           t.screen())
        t.keys("Enter")
        ok(t.wait(r"Cancel the visit"), "the reason is asked", t.screen())
        ok(focus_row(t, "Cancel the visit"), "the button can be focused",
           t.screen())
        t.keys("Enter")
        ok(t.said("Lakeside Clinic: Your visit "), "the "
           "confirmation names Lakeside", t.screen())
        after = counts(cancelled)
        ok(after == (before[0], before[1] + 1), "it was cancelled at "
           "Lakeside, not at Main Street", (before, after))
        check_focus(t, "cancelling at Lakeside")

        # A reply in a conversation of Lakeside's, sent there.
        sent = "Communication?subject=Patient/maria-lopez&_count=200"
        before = counts(sent)
        t.keys("5")
        ok(t.wait(r"^Conversations, newest first"), "messages open",
           t.screen())
        ok(focus_row(t, "Question about metformin", "from Lakeside "
                     "Clinic"), "Lakeside's conversation can be focused",
           t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Conversation *$"), "it opens", t.screen())
        t.keys("End")
        t.settle(0.2)
        ok("Reply" in t.lines()[t.cursor()[1]], "a reply is offered",
           t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Reply"), "the reply screen opens", t.screen())
        t.type("Thank you, I will.")
        t.keys("Tab")
        t.keys("Enter")
        ok(t.said("Lakeside Clinic: Message sent."), "the confirmation "
           "names Lakeside", t.screen())
        after = counts(sent)
        ok(after == (before[0], before[1] + 1), "the reply went to "
           "Lakeside, not to Main Street", (before, after))

        # A refill of Lakeside's medication, asked there.
        asked = "Task?code=fulfill&patient=Patient/maria-lopez"
        before = counts(asked)
        t.keys("4")
        ok(t.wait(r"^Active medications"), "medications open", t.screen())
        ok(focus_row(t, "Lisinopril", LAKESIDE), "Lakeside's lisinopril "
           "can be focused", t.screen())
        ok("You can request a refill here" in focused(t), "a refill is "
           "offered for it", focused(t))
        t.keys("Enter")
        ok(t.wait(r"^> Pharmacy"), "the refill request opens", t.screen())
        ok(focus_row(t, "Send refill request"), "its Send can be focused",
           t.screen())
        t.keys("Enter")
        ok(t.said("Lakeside Clinic: Refill request sent."), "the "
           "confirmation names Lakeside", t.screen())
        after = counts(asked)
        ok(after == (before[0], before[1] + 1), "the request went to "
           "Lakeside, not to Main Street", (before, after))
        ok(t.wait(r"Refill requested"), "its status shows", t.screen())
        ok(focus_row(t, "Lisinopril", LAKESIDE) and "Refill requested" in
           focused(t), "on Lakeside's lisinopril", t.screen())
        t.keys("q")
        ok(t.exited(10) == "0", "quits cleanly", t.screen())
    finally:
        t.close()


run()
done()
