#!/usr/bin/env python3
"""tmux test of linked organizations (link = yes): Maria signed in at Main
Street, Harbor Clinic (a plain SMART server) signed in from Home with a
browser, then one health summary of both: every row says where it comes
from, the allergy and the flu shot recorded at both are one row each with
both places, the latest vital signs are the newest of either; her
medications, test results, messages and visits of both, in order, a
report, a conversation and a visit of Harbor's opening at Harbor (which
offers no change); Harbor
slow: Main Street's rows come first, Harbor's join them as they arrive,
the cursor staying on its row; Harbor failing is said for Harbor alone,
Main Street's rows still shown; signing out revokes Harbor's sign-in
too. Prints TAP."""

import os
import sys
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (PORTAL, SMART, WORLD, Term, browse,  # noqa: E402
                    check_focus, done, fake_browser, focus_down_to, follow,
                    ok, portal, sign_in)

CONF = os.path.join(WORLD, "linked.conf")


def setup():
    with open(CONF, "w") as f:
        f.write(f"""[account main]
server = {PORTAL}
email = maria@example.org
label = Main Street Clinic
link = yes

[account harbor]
server = {SMART}/fhir/R4
email = maria@example.org
label = Harbor Clinic
client-id = chartty-harbor
link = yes
""")


def row(t, start):
    """The summary row starting with start, its wrapped lines joined."""
    lines = t.lines()
    for i, line in enumerate(lines):
        if line[2:].startswith(start):
            out = line[2:]
            for more in lines[i + 1:]:
                if not more.startswith("    "):
                    break
                out += " " + more.strip()
            return out
    return ""


def visit_rows(t, heading):
    """The (time, text) of each visit row under heading, in order."""
    out, inside, lines = [], False, t.lines()
    for i, line in enumerate(lines):
        if line == heading:
            inside = True
            continue
        if inside and not line.startswith(("  ", "> ")):
            break
        if inside and line[2:3] != " " and ": " in line:
            when, text = line[2:].split(": ", 1)
            for more in lines[i + 1:]:
                if not more.startswith("    "):
                    break
                text += " " + more.strip()
            out.append((datetime.strptime(when, "%a %d %b %Y %H:%M"),
                        text))
    return out


def run():
    browser, opened_url = fake_browser()
    setup()
    portal("/_test/reset", {})
    portal("/_test/reset", {}, base=SMART)
    t = Term(f"--no-keyring --config {CONF} --account main", 100, 50,
             env={"BROWSER": browser})
    try:
        sign_in(t, "linked")
        ok(t.said("Harbor Clinic: not signed in"), "Home lists the linked "
           "organization, not signed in yet", t.screen())
        ok(focus_down_to(t, r"^> Harbor Clinic"), "its row can be reached",
           t.screen())
        t.keys("Enter")
        url = opened_url()
        ok(url.startswith(SMART + "/oauth2/authorize?"), "a browser opens "
           "Harbor's own sign-in page", url)
        follow(browse(url, "maria@example.org", "Harbor-demo-1"))
        ok(t.said("Signed in to Harbor Clinic."), "back on Home, signed in "
           "to Harbor too", t.screen())
        ok(t.said("Harbor Clinic: signed in"), "Home says so", t.screen())
        check_focus(t, "signing in to Harbor")
        t.keys("2")
        ok(t.wait(r"^Allergies"), "the health summary opens", t.screen())
        pen = row(t, "Penicillin")
        ok(pen.endswith("from Main Street Clinic and Harbor Clinic"),
           "the allergy recorded at both is one row, with both places",
           pen)
        flu = [line for line in t.lines() if "Influenza" in line]
        ok(len(flu) == 1 and "Main Street Clinic and" in
           row(t, flu[0][2:12]), "the flu shot recorded at both is shown "
           "once, with both places", t.screen())
        ok(row(t, "Latex").endswith("from Harbor Clinic"), "Harbor's own "
           "allergy says where it comes from", t.screen())
        ok(row(t, "Peanut").endswith("from Main Street Clinic"), "Main "
           "Street's own allergy too", t.screen())
        ok(row(t, "Atorvastatin").endswith("From Harbor Clinic."), "a "
           "medication from Harbor, labelled", t.screen())
        weights = [line for line in t.lines() if "Body weight" in line]
        ok(len(weights) == 1, "the latest weight is one row: the newer of "
           "the two organizations'", t.screen())
        check_focus(t, "the merged summary")
        t.keys("4")
        ok(t.wait(r"^Active medications"), "medications open", t.screen())
        ok(row(t, "Metformin").endswith("From Main Street Clinic.") and
           row(t, "Atorvastatin").endswith("From Harbor Clinic."),
           "medications of both organizations, each saying where it comes "
           "from", t.screen())
        # Results of both, newest first, each opening at its own
        # organization.
        t.keys("3")
        ok(t.wait(r"^Reports, newest first"), "results open", t.screen())
        reports = [line for line in t.lines() if line[2:].startswith(
            ("Lipid panel", "25-hydroxyvitamin D", "Complete blood",
             "Hemoglobin", "Basic metabolic", "Comprehensive"))]
        ok(any(row(t, r[2:14]).endswith("from Harbor Clinic")
               for r in reports) and
           any(row(t, r[2:14]).endswith("from Main Street Clinic")
               for r in reports),
           "reports of both organizations, each saying where it comes "
           "from", t.screen())
        ok(focus_down_to(t, r"^> Lipid panel.*from Harbor Clinic"),
           "Harbor's lipid panel can be focused", t.screen())
        t.keys("Enter")
        ok(t.said("Cholesterol above goal: starting atorvastatin."),
           "it opens from Harbor, where it is, with its conclusion",
           t.screen())
        t.keys("Escape")
        ok(t.wait(r"^Reports, newest first"), "back to the results",
           t.screen())
        # Messages of both, newest first, each conversation opening at
        # its own organization; a new message goes to Main Street.
        t.keys("5")
        ok(t.wait(r"^Conversations, newest first"), "messages open",
           t.screen())
        ok(row(t, "Your cholesterol results").endswith(
            "from Harbor Clinic") and t.said("from Main Street Clinic"),
           "conversations of both organizations, each saying where it "
           "comes from", t.screen())
        ok(t.said("New message: write to your care team at Main Street "
                  "Clinic"), "a new message says where it goes",
           t.screen())
        ok(focus_down_to(t, r"^> Your cholesterol results"), "Harbor's "
           "conversation can be focused", t.screen())
        t.keys("Enter")
        ok(t.said("With or without food is fine"), "it opens from Harbor, "
           "where it is", t.screen())
        ok("Reply" not in t.screen(), "Harbor takes no reply: none is "
           "offered", t.screen())
        t.keys("Escape")
        ok(t.wait(r"^Conversations, newest first"), "back to the "
           "messages", t.screen())

        # Visits of both, in order, each opening at its own organization.
        t.keys("6")
        ok(t.wait(r"^Upcoming visits"), "visits open", t.screen())
        ups = visit_rows(t, "Upcoming visits")
        pasts = visit_rows(t, "Past visits")
        ok(any(v.endswith("From Harbor Clinic.") for _, v in ups) and
           any(v.endswith("From Main Street Clinic.") for _, v in ups),
           "upcoming visits of both organizations, each saying where it "
           "comes from", t.screen())
        ok(any(v.endswith("From Harbor Clinic.") for _, v in pasts),
           "Harbor's past visit too", t.screen())
        ok([w for w, _ in ups] == sorted(w for w, _ in ups) and
           [w for w, _ in pasts] == sorted((w for w, _ in pasts),
                                           reverse=True),
           "upcoming soonest first, past latest first, across both",
           t.screen())
        ok(focus_down_to(t, r"Nora Lindqvist"), "Harbor's upcoming visit "
           "can be focused", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^\s*With: Nora Lindqvist"), "it opens from Harbor, "
           "where it is", t.screen())
        ok("Cancel this visit" not in t.screen() and "Reschedule" not in
           t.screen() and t.said("Nothing more can be done with this "
                                 "visit online."),
           "Harbor takes no changes: none is offered", t.screen())
        t.keys("Escape")
        ok(t.wait(r"^Upcoming visits"), "back to the visits", t.screen())
        t.keys("2")
        ok(t.wait(r"^Allergies"), "back to the summary", t.screen())

        # Harbor slow: Main Street's rows come first, Harbor's join them
        # when they arrive, and the cursor stays on its row.
        portal("/_test/fault", {"kind": "hold", "count": 1, "path": "/fhir"},
               base=SMART)
        t.keys("r")
        ok(t.said("Still loading: Harbor Clinic..."), "the slow "
           "organization is said to be still loading", t.screen())
        ok("Peanut" in t.screen() and "Latex" not in t.screen(), "Main "
           "Street's rows are shown without waiting for Harbor's",
           t.screen())
        ok(focus_down_to(t, r"Body weight"), "a row below the allergies "
           "can be focused meanwhile", t.screen())
        portal("/_test/release", {}, base=SMART)
        ok(t.wait(r"Latex"), "Harbor's rows join when they arrive",
           t.screen())
        ok("Still loading" not in t.screen(), "and it is no longer said "
           "to be loading", t.screen())
        ok("Body weight" in t.lines()[t.cursor()[1]], "the cursor stays "
           "on the row it was on, moved down by Harbor's rows",
           t.screen())
        check_focus(t, "Harbor's rows arrived")

        # Harbor fails: said for Harbor, Main Street still shown.
        portal("/_test/fault", {"kind": "500", "count": 4, "path": "/fhir"},
               base=SMART)
        t.keys("r")
        ok(t.said("Not included: Harbor Clinic:"), "Harbor failing is "
           "said for Harbor alone", t.screen())
        ok("Peanut" in t.screen() and "Latex" not in t.screen(), "Main "
           "Street's rows are still shown, Harbor's are not",
           t.screen())
        portal("/_test/fault", method="DELETE", base=SMART)

        # Signing out signs out of Harbor too: its tokens are revoked.
        ok(portal("/_test/state?email=maria@example.org",
                  base=SMART)["sessions"] >= 1, "signed in at Harbor "
           "before signing out", "")
        t.keys("1")
        ok(focus_down_to(t, r"^> Sign out"), "Home's Sign out can be "
           "reached", t.screen())
        t.keys("Enter")
        ok(t.exited(15) == "0", "chartty ends, signed out", t.screen())
        state = portal("/_test/state?email=maria@example.org", base=SMART)
        ok(state["sessions"] == 0 and state["refreshTokens"] == 0,
           "Harbor revoked the sign-in (RFC 7009): no session, no "
           "refresh token left", state)
    finally:
        t.close()


run()
done()
