#!/usr/bin/env python3
"""The real chartty binary in tmux against the real test portal: sign-in
with MFA, Home, the health summary, a detail, back, switching record,
resize, quit; the cursor on the focused row after every key; bytes written
to the terminal within budget; NO_COLOR; hostile text; plain mode.
Prints TAP. Runs under tests/harness.sh (CHARTTY, CHARTTY_TEST_PORTAL)."""

import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (BUDGET_FIRST_PAINT, BUDGET_KEY, CHARTTY,  # noqa: E402
                    COLOUR, PORTAL, WORLD, Plain, Term, check_focus, diag,
                    done, end_sessions, fhir_as, focus_down_to, ok, portal,
                    sign_in)


def sign_in_with_mfa(t, size):
    ok(t.wait(r"Password:"), f"{size}: the sign-in screen shows")
    x, y = t.cursor()
    ok(t.lines()[y].startswith("> Password:") and x == len("> Password: "),
       f"{size}: the cursor waits in the password field", (x, y))
    t.type("Chartty-demo-2")
    t.keys("Enter")
    ok(t.wait(r"Verification code:"), f"{size}: the MFA code is asked for")
    ok("Chartty-demo-2" not in t.screen(), f"{size}: the password never shows")
    x, y = t.cursor()
    ok(t.lines()[y].startswith("> Verification code:"),
       f"{size}: the cursor is in the code field", (x, y))
    code = portal("/_test/totp?email=james@example.org")["code"]
    t.type(code)
    t.keys("Enter")
    ok(t.wait(r"^Home"), f"{size}: signed in, Home shows", t.screen())
    check_focus(t, f"{size} sign-in")


def run_size(width, height):
    size = f"{width}x{height}"
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user james@example.org",
             width, height)
    try:
        sign_in_with_mfa(t, size)
        ok("Record: James Carter" in t.screen(), f"{size}: whose record")
        t.keys("Enter")
        ok(t.wait(r"Latest vital signs"), f"{size}: health summary opens",
           t.screen())
        check_focus(t, f"{size} opening the summary")
        screen = t.screen()
        ok("Atorvastatin" in screen, f"{size}: seeded medication shown")
        ok("Take 1 tablet by mouth at bedtime" in screen,
           f"{size}: with its instructions")
        ok("No allergies on file." in screen,
           f"{size}: an empty section says so")
        for key in ["Down", "Down", "Up", "End", "Home", "PgDn", "PgUp"]:
            t.keys(key)
            t.settle(0.15)
            check_focus(t, f"{size} {key}")
        t.keys("1")
        ok(t.wait(r"^Home"), f"{size}: number key 1 goes Home")
        check_focus(t, f"{size} key 1")
        t.keys("2")
        ok(t.wait(r"^Health summary"), f"{size}: number key 2 opens the "
           "summary")
        t.keys("1")
        ok(t.wait(r"^Home"), f"{size}: and 1 goes Home again")
        # Switch to Lily's record (a parent's proxy access).
        ok(focus_down_to(t, r"Switch record"),
           f"{size}: Switch record is focused", t.screen())
        t.keys("Enter")
        ok(t.wait(r"Lily Carter"), f"{size}: the records are listed")
        check_focus(t, f"{size} switch record")
        for _ in range(5):
            if "Lily Carter" in t.lines()[t.cursor()[1]]:
                break
            t.keys("Down")
            t.settle(0.15)
        t.keys("Enter")
        ok(t.wait(r"Record: Lily Carter"), f"{size}: Lily's record is open")
        t.keys("Enter")
        ok(t.wait(r"Allergies"), f"{size}: Lily's summary opens")
        ok("Amoxicillin" in t.screen(), f"{size}: her seeded allergy shows")
        check_focus(t, f"{size} Lily's summary")
        ok(re.match(r"Allergy 1 of 1 ", t.lines()[height - 1]),
           f"{size}: the status line says where the focus is",
           t.lines()[height - 1])
        t.keys("Enter")
        ok(t.wait(r"Allergy to: Amoxicillin"), f"{size}: a detail opens",
           t.screen())
        check_focus(t, f"{size} opening a detail")
        t.keys("Escape")
        ok(t.wait(r"Latest vital signs"), f"{size}: Esc goes back")
        ok("Amoxicillin" in t.lines()[t.cursor()[1]],
           f"{size}: back on the same row")
        check_focus(t, f"{size} going back")
        t.keys("?")
        ok(t.wait(r"Show the keys"), f"{size}: ? shows the keys")
        t.keys("BSpace")
        ok(t.wait(r"Latest vital signs"), f"{size}: Backspace goes back")
        # Resize: laid out again, focus kept.
        t.tmux("resize-window", "-t", "0", "-x", str(width + 20), "-y",
               str(height + 5))
        t.settle(0.3)
        ok(t.lines()[0].startswith("Health summary"),
           f"{size}: after a resize the screen is drawn again", t.screen())
        check_focus(t, f"{size} resize")
        t.tmux("resize-window", "-t", "0", "-x", "30", "-y", "8")
        ok(t.wait(r"too small"), f"{size}: a too-small terminal says so")
        t.tmux("resize-window", "-t", "0", "-x", str(width), "-y",
               str(height))
        ok(t.wait(r"^Health summary"), f"{size}: and recovers")
        check_focus(t, f"{size} resize back")
        t.keys("q")
        ok(t.exited() == "0", f"{size}: q quits with status 0")
        ok(b"\x1b[?1049l" in t.raw() or b"\x1b[?47l" in t.raw(),
           f"{size}: the terminal is restored on quit")
    finally:
        t.close()


def run_results(width, height):
    """Results list, a report, a result, its trend; cursor throughout."""
    size = f"results {width}x{height}"
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org",
             width, height)
    try:
        sign_in(t, size)
        t.keys("3")
        ok(t.wait(r"^Reports, newest first"), f"{size}: key 3 opens the "
           "results", t.screen())
        check_focus(t, f"{size} opening results")
        screen = t.screen()
        ok(re.search(r"Reports 1 to \d+ of \d+\.", screen),
           f"{size}: the page says which reports it shows", screen)
        ok(re.search(r"Hemoglobin A1c: .*\d{4}, Final, 1 result high", screen),
           f"{size}: a report line says in words what is out of range",
           screen)
        for key in ["Down", "Down", "End", "Home"]:
            t.keys(key)
            t.settle(0.15)
            check_focus(t, f"{size} {key} in results")
        ok(focus_down_to(t, r"Hemoglobin A1c.*not yet reviewed"),
           f"{size}: the unreviewed report is listed so", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Test report"), f"{size}: the report opens", t.screen())
        check_focus(t, f"{size} opening a report")
        screen = t.screen()
        ok("Not yet reviewed by your care team." in screen,
           f"{size}: not reviewed yet is said gently", screen)
        ok(re.search(r"^> Hemoglobin A1c.*: 7\.2 % \(High\), normal range",
                     screen, re.M), f"{size}: value, flag in words, range",
           screen)
        t.keys("Enter")
        ok(t.wait(r"^Result *$"), f"{size}: a result opens", t.screen())
        ok(re.search(r"Flag: High", t.screen()), f"{size}: its flag")
        check_focus(t, f"{size} opening a result")
        t.keys("End")
        t.settle(0.15)
        ok("Trend:" in t.lines()[t.cursor()[1]], f"{size}: the trend is "
           "offered from a numeric result", t.screen())
        check_focus(t, f"{size} End in a result")
        t.keys("Enter")
        ok(t.wait(r"^Trend"), f"{size}: the trend opens", t.screen())
        screen = t.screen()
        flat = " ".join(line.strip() for line in screen.split("\n"))
        ok(re.search(r"Hemoglobin A1c[^,]*, \d+ results from [A-Z][a-z]+ "
                     r"\d{4} to [A-Z][a-z]+ \d{4}: lowest [\d.]+ %, highest "
                     r"[\d.]+ %, latest 7\.2 % \(high\)", flat),
           f"{size}: the trend sentence", screen)
        ok("\u25cf" in screen and "\u2514" in screen and "\u00b7" in screen,
           f"{size}: a chart with marks, an axis and the normal band",
           screen)
        ok(re.search(r"normal range below 5\.7", screen),
           f"{size}: the legend names the normal range", screen)
        ok(re.search(r"^ +\d+(\.\d+)? [\u2502]", screen, re.M),
           f"{size}: value labels on the axis", screen)
        check_focus(t, f"{size} opening the trend")
        # A short terminal: the chart pushes the first result down, and
        # the focused row must still be shown, with the cursor on it.
        t.tmux("resize-window", "-t", "0", "-x", str(width), "-y", "16")
        t.settle(0.3)
        check_focus(t, f"{size} a 16-line terminal on the trend")
        t.tmux("resize-window", "-t", "0", "-x", str(width), "-y",
               str(height))
        t.settle(0.3)
        t.keys("Down")
        t.settle(0.15)
        check_focus(t, f"{size} Down in the trend")
        t.keys("Escape")
        ok(t.wait(r"^Result *$"), f"{size}: Esc goes back to the result")
        ok("Trend:" in t.lines()[t.cursor()[1]],
           f"{size}: back on the same row", t.screen())
        t.keys("Escape")
        t.keys("Escape")
        ok(t.wait(r"^Reports, newest first"), f"{size}: and to the list")
        ok("not yet reviewed" in t.lines()[t.cursor()[1]],
           f"{size}: on the report that was open", t.screen())
        # A written report (imaging): its text scrolls a paragraph at a time.
        ok(focus_down_to(t, r"XR Chest.*written report"),
           f"{size}: an imaging report is listed as a written report",
           t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Report$"), f"{size}: its text shows", t.screen())
        t.keys("End")
        t.settle(0.2)
        ok("Electronically signed" in t.lines()[t.cursor()[1]] and
           re.match(r"Paragraph (\d+) of \1 ", t.lines()[height - 1]),
           f"{size}: End reaches its last paragraph", t.screen())
        check_focus(t, f"{size} End in a written report")
        t.keys("q")
        status = t.exited(10.0)
        ok(status == "0", f"{size}: quits cleanly", f"status {status}\n"
           + t.screen())
    finally:
        t.close()


def run_refill():
    """A refill request in the full-screen portal, then its status."""
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org")
    try:
        sign_in(t, "refill")
        t.keys("4")
        ok(t.wait(r"^Active medications"), "refill: key 4 opens medications",
           t.screen())
        check_focus(t, "opening medications")
        ok(focus_down_to(t, r"^> Lisinopril"), "refill: lisinopril listed",
           t.screen())
        ok("You can request a refill here" in t.screen(),
           "refill: eligibility is said", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^> Pharmacy: "), "refill: the form opens on the pharmacy",
           t.screen())
        x, y = t.cursor()
        ok(t.lines()[y].startswith("> Pharmacy: No preference"),
           "refill: no preference first, cursor on it", (x, y))
        t.keys("Right")
        t.settle(0.2)
        ok(re.search(r"^> Pharmacy: (?!No preference)\S", t.screen(), re.M),
           "refill: Right picks a pharmacy", t.screen())
        t.keys("Down")
        t.type("Running low")
        t.wait(r"^> Note for your care team \(optional\): Running low")
        x, y = t.cursor()
        ok(t.lines()[y].startswith("> Note for your care team") and
           x == len("> Note for your care team (optional): Running low"),
           "refill: the cursor is where typing happens", (x, y))
        # Home failing to load must not throw the form away.
        t.keys("Down")
        t.settle(0.15)
        portal("/_test/fault", {"kind": "500", "count": 1, "path": "/fhir"})
        t.keys("1")
        ok(t.wait(r"Refill request\n") and "Running low" in t.screen() and
           t.lines()[0].startswith("Refill request"),
           "refill: when Home cannot load, the form and its note stay",
           t.screen())
        t.keys("Up")
        t.settle(0.15)
        t.keys("Enter")
        ok(t.wait(r"Refill request sent"), "refill: sent", t.screen())
        ok(t.wait(r"Lisinopril.*\n.*Refill requested .*Waiting for"),
           "refill: its status shows in the list", t.screen())
        check_focus(t, "after a refill request")
        tasks = [x for x in portal_tasks()
                 if "Running low" in json.dumps(x)]
        ok(len(tasks) == 1, f"refill: exactly one Task ({len(tasks)})")
        t.keys("q")
        t.exited()
    finally:
        t.close()


def portal_tasks():
    """Maria's refill requests, as the portal holds them."""
    b = fhir_as("maria@example.org", "Chartty-demo-1",
                "Task?patient=Patient/maria-lopez&code=fulfill&_count=200")
    return [e["resource"] for e in b.get("entry", [])]


def run_plain_results():
    """Results, a trend, a refill and a reading in plain mode."""
    portal("/_test/reset", {})
    p = Plain(["--no-keyring", "--server", PORTAL, "--user",
               "maria@example.org"])
    try:
        ok(p.until(r"Email \[maria@example.org\]: $"), "plain: email asked")
        p.send("")
        ok(p.until(r"Password: $"), "plain: password asked")
        p.send("Chartty-demo-1")
        p.choose(r"Test results", r"Reports, newest first", "results open")
        p.choose(r"Hemoglobin A1c:.*not yet reviewed", r"Not yet reviewed "
                 r"by your care team", "the unreviewed report opens")
        p.choose(r"Hemoglobin A1c", r"Flag: High", "a result opens")
        p.choose(r"Trend:", r"latest 7\.2 % \(high\)",
                 "the trend says its sentence")
        text = p.until(r"Choice: $") or ""
        ok(re.search(r"^Hemoglobin A1c[^\n]*, \d+ results from \w+ \d{4} "
                     r"to \w+ \d{4}: lowest", text, re.M),
           "plain: the sentence replaces the chart", text)
        ok("\u2502" not in text and "\u2514" not in text and
           "\u25cf" not in text and not re.search(r"^ *[\d.]+ \|", text,
                                                   re.M),
           "plain: no chart is drawn", text)
        p.send("h")
        p.choose(r"Medications", r"Active medications", "medications open")
        p.choose(r"Lisinopril", r"Pharmacy: 1\. No preference.*\[1\]: $",
                 "the refill form asks for a pharmacy")
        p.send("2")
        ok(p.until(r"Note for your care team \(optional\): $"),
           "plain: then a note", p.tail())
        p.send("Plain note")
        ok(p.until(r"Choose: 1\. Send refill request, 2\. Cancel \[1\]: $"),
           "plain: then send or cancel", p.tail())
        p.send("")
        ok(p.until(r"Refill request sent"), "plain: the request is sent",
           p.tail())
        tasks = [x for x in portal_tasks() if "Plain note" in json.dumps(x)]
        ok(len(tasks) == 1 and "org-" in json.dumps(tasks[0].get("input")),
           "plain: one Task, with the pharmacy chosen", tasks)
        p.choose(r"Add a blood glucose reading",
                 r"Blood glucose \(mg/dL\): $", "a reading is asked for")
        p.send("900")
        ok(p.until(r"When .*\[now\]: $"), "plain: and when", p.tail())
        p.send("")
        ok(p.until(r"Choose: 1\. Save reading, 2\. Cancel \[1\]: $"),
           "plain: then save or cancel", p.tail())
        p.send("")
        ok(p.until(r"between 20 and 600 mg/dL"), "plain: an implausible "
           "value is refused in words", p.tail())
        ok(p.until(r"Blood glucose \(mg/dL\) \[900\]: $"),
           "plain: and asked again, keeping what was typed", p.tail())
        p.send("104")
        p.until(r"When .*\[now\]: $")
        p.send("")
        p.until(r"Choose: ")
        p.send("")
        ok(p.until(r"Reading saved"), "plain: the reading is saved",
           p.tail())
        p.choose(r"Blood glucose over time", r"1 result on [^:]+: 104 mg/dL",
                 "the reading shows in its trend")
        p.send("b")
        p.choose(r"Add your weight", r"Weight: $", "a weight is asked for")
        p.send("180")
        ok(p.until(r"Unit: 1\. kg, 2\. lb \[1\]: $"), "plain: the unit is "
           "a choice", p.tail())
        p.send("2")
        p.until(r"When .*\[now\]: $")
        p.send("")
        p.until(r"Choose: ")
        p.send("")
        ok(p.until(r"Reading saved"), "plain: a weight in pounds is saved",
           p.tail())
        # Maria's earlier weights are in kg: shown in pounds, not mixed.
        p.choose(r"Weight over time", r"latest 180 lb",
                 "the weight trend says pounds")
        ok(re.search(r"lowest 179(\.\d+)? lb", p.tail()),
           "plain: kilograms are turned into pounds", p.tail())
        p.send("q")
    finally:
        p.close()
    ok(p.p.returncode == 0, "plain: quits with status 0")
    ok(b"\x1b" not in p.all, "plain: no escape byte in the transcript")


def run_inbox():
    """Messages: the list, a conversation, marking read, an attachment."""
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org")
    try:
        sign_in(t, "inbox")
        t.keys("5")
        ok(t.wait(r"^Conversations, newest first"), "inbox: key 5 opens "
           "the messages", t.screen())
        check_focus(t, "opening messages")
        ok(re.search(r"Question about metformin: with Anita Patel, MD, last "
                     r"\w{3} \d+ \w{3} \d{4} \d\d:\d\d", t.screen()),
           "inbox: a conversation says with whom and when", t.screen())
        ok(focus_down_to(t, r"unread"), "inbox: unread messages are counted",
           t.screen())
        unread_topic = t.lines()[t.cursor()[1]][2:].split(":")[0]
        t.keys("Enter")
        ok(t.wait(r"^Conversation *$"), "inbox: a conversation opens",
           t.screen())
        check_focus(t, "opening a conversation")
        ok(re.search(r"^> .*, \w{3} \d+ \w{3} \d{4} \d\d:\d\d: ",
                     t.screen(), re.M), "inbox: sender and time before the "
           "text", t.screen())
        for key in ["Down", "End", "Home"]:
            t.keys(key)
            t.settle(0.15)
            check_focus(t, f"{key} in a conversation")
        t.keys("Escape")
        ok(t.wait(r"^Conversations, newest first"), "inbox: back to the "
           "list")
        ok(unread_topic in t.lines()[t.cursor()[1]] and
           "unread" not in t.lines()[t.cursor()[1]],
           "inbox: once opened it has nothing unread", t.screen())
        t.keys("r")
        t.settle(0.5)
        ok(t.wait(unread_topic) and not re.search(
            re.escape(unread_topic) + r": \d+ unread", t.screen()),
           "inbox: and the portal agrees after a reload", t.screen())
        # An attachment is saved to a new private file.
        ok(focus_down_to(t, r"Billing"), "inbox: the billing conversation "
           "is listed", t.screen())
        t.keys("Enter")
        ok(t.wait(r"Attachment: "), "inbox: its attachment is listed "
           "with its size", t.screen())
        ok(re.search(r"Attachment: [^:]+: \d+ (bytes|KB|MB)", t.screen()),
           "inbox: name and size", t.screen())
        ok(focus_down_to(t, r"Attachment: "), "inbox: the attachment can "
           "take the focus", t.screen())
        t.keys("Enter")
        ok(t.wait(r"Save as \["), "inbox: saving asks where", t.screen())
        t.keys("Enter")
        ok(t.wait(r"Saved to "), "inbox: saved", t.screen())
        home = os.environ.get("HOME", "")
        m = re.search(r"Saved to (\S+)\.", t.screen())
        path = m.group(1) if m else ""
        ok(path.startswith(home) and os.path.exists(path) and
           (os.stat(path).st_mode & 0o777) == 0o600 and
           os.path.getsize(path) > 0,
           "inbox: the file is in HOME, private, not empty", path)
        t.keys("Enter")
        ok(t.wait(r"Save as \["), "inbox: saving again asks again")
        t.keys("Enter")
        ok(t.said("is already there; choose another name."),
           "inbox: an existing file is never overwritten", t.screen())
        check_focus(t, "after saving")
        t.keys("q")
        t.exited()
    finally:
        t.close()


def run_inbox_hostile():
    """A message body with escape sequences shows as harmless text."""
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL +
             " --user mallory@example.org")
    try:
        sign_in(t, "inbox hostile", "Chartty-test-9")
        t.keys("5")
        ok(t.wait(r"^Conversations"), "hostile inbox: the list shows",
           t.screen())
        t.keys("Enter")
        ok(t.wait(r"line one"), "hostile inbox: the message shows",
           t.screen())
        raw = t.raw()
        ok(b"evil.example" not in raw and b"\x1b]8" not in raw,
           "hostile inbox: its hyperlink sequence never reached the terminal")
        ok("click" in t.screen() and "31m" not in t.screen(),
           "hostile inbox: the text is shown, the codes are not",
           t.screen())
        check_focus(t, "a hostile message")
        t.keys("q")
        t.exited()
    finally:
        t.close()


def run_compose():
    """A reply and a new conversation at 80x24; the cursor where typing
    happens; an unsent text is not lost by a stray Esc."""
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org")
    try:
        sign_in(t, "compose")
        t.keys("5")
        ok(t.wait(r"^Conversations"), "compose: messages open")
        ok(focus_down_to(t, r"Question about metformin"),
           "compose: a conversation to reply in", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Conversation *$"), "compose: it opens")
        t.keys("End")
        t.settle(0.15)
        ok("Reply" in t.lines()[t.cursor()[1]], "compose: Reply is offered",
           t.screen())
        # Typed while the reply screen loads: text, not commands.
        portal("/_test/fault", {"kind": "latency", "ms": 1500, "count": 1,
                                "path": "/fhir"})
        t.keys("Enter")
        t.type("I took 2 tablets? q")
        ok(t.wait(r"^Reply"), "compose: the reply screen opens", t.screen())
        ok(t.wait(r"I took 2 tablets\? q"), "compose: keys typed while it "
           "loaded are in the text", t.screen())
        t.type("\tpasted")
        t.settle(0.3)
        ok("I took 2 tablets? q pasted" in t.screen() and
           t.lines()[0].startswith("Reply"),
           "compose: a tab inside pasted text stays text", t.screen())
        for _ in range(len("I took 2 tablets? q pasted")):
            t.keys("BSpace")
        t.settle(0.3)
        screen = t.screen()
        flat = " ".join(l.strip() for l in screen.split("\n"))
        ok("not urgent" in flat and "911" in flat and
           "1 to 2 business days" in flat and "book a visit" in flat,
           "compose: it says what messages are for, first", screen)
        t.type("First line of my reply.")
        t.keys("Enter")
        t.type("Second line.")
        t.wait(r"^ *Second line\.")
        x, y = t.cursor()
        ok(t.lines()[y].strip() == "Second line." and
           x == 4 + len("Second line."),
           "compose: the cursor is where typing happens", (x, y, t.screen()))
        ok(re.search(r"^36 of 5000 characters", t.lines()[23]),
           "compose: the status line counts against the limit",
           t.lines()[23])
        t.keys("Up")
        t.settle(0.15)
        x, y = t.cursor()
        ok(t.lines()[y].strip() == "First line of my reply." and
           x == 4 + len("Second line."), "compose: Up moves along the text",
           (x, y))
        t.keys("C-c")
        ok(t.wait(r"Your message is not sent"), "compose: Ctrl-C with an "
           "unsent text asks first", t.screen())
        ok(t.exited(0.5) is None and t.lines()[0].startswith("Reply"),
           "compose: and does not quit", t.screen())
        t.type("x")
        t.settle(0.2)
        t.keys("Escape")
        ok(t.wait(r"Your message is not sent"), "compose: Esc with an unsent "
           "text asks first", t.screen())
        t.keys("BSpace")
        ok(t.lines()[0].startswith("Reply") and "Second line." in t.screen(),
           "compose: and keeps it", t.screen())
        # The portal takes the reply, then hangs up before answering.
        portal("/_test/fault", {"kind": "drop-answer", "count": 2,
                                "path": "/fhir/R4/Communication"})
        t.keys("Tab")
        t.keys("Enter")
        ok(t.wait(r"connection .* lost|was lost|Try again"),
           "compose: a dropped send is said", t.screen())
        ok("Second line." in t.screen() and t.lines()[0].startswith("Reply"),
           "compose: and the text is still there", t.screen())
        check_focus(t, "a failed send")
        # libcurl sends again by itself once when a kept connection
        # drops (so one or both faults were used): the next try finds
        # none left, whether the connection was kept or not.
        portal("/_test/fault", method="DELETE")
        t.keys("Enter")
        ok(t.wait(r"Message sent"), "compose: sent on the second try",
           t.screen())
        ok(t.wait(r"First line of my reply\."), "compose: the reply shows "
           "in the conversation", t.screen())
        b = fhir_as("maria@example.org", "Chartty-demo-1",
                    "Communication?subject=Patient/maria-lopez&_count=200")
        mine = [e for e in b.get("entry", [])
                if "First line of my reply." in json.dumps(e)]
        ok(len(mine) == 1, f"compose: exactly one message exists "
           f"({len(mine)})")
        # A new conversation: recipient, topic, subject, then the text.
        t.keys("Escape")
        ok(t.wait(r"^Conversations"), "compose: back to the list")
        t.keys("Home")
        t.settle(0.15)
        ok("New message" in t.lines()[t.cursor()[1]], "compose: New message "
           "is offered", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^> To: "), "compose: a new message starts with whom",
           t.screen())
        t.keys("Down", "Right")
        t.settle(0.15)
        ok(re.search(r"^> About: Prescription", t.screen(), re.M),
           "compose: the topic is a choice", t.screen())
        t.keys("Down")
        t.type("Travel next month")
        t.keys("Enter")
        t.type("Can I get my refill a week early?")
        t.keys("Tab", "Enter")
        ok(t.wait(r"Message sent"), "compose: the new conversation is sent",
           t.screen())
        ok(t.wait(r"Travel next month: with "), "compose: and listed",
           t.screen())
        check_focus(t, "after a new conversation")
        t.keys("q")
        ok(t.exited() == "0", "compose: quits cleanly")
    finally:
        t.close()


def run_compose_expired():
    """A send when the session has ended: sign-in comes over the text,
    which survives it and is sent once."""
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org")
    try:
        sign_in(t, "expired")
        t.keys("5")
        ok(t.wait(r"^Conversations"), "expired: messages open")
        t.keys("Home")
        t.settle(0.15)
        t.keys("Enter")
        ok(t.wait(r"^> To: "), "expired: a new message", t.screen())
        t.keys("Down", "Down")
        t.type("Session test")
        t.keys("Enter")
        t.type("This text must survive the sign-in.")
        end_sessions("maria@example.org", "Chartty-demo-1")
        t.keys("Tab", "Enter")
        ok(t.wait(r"^Sign in"), "expired: the send finds the session over "
           "and asks to sign in", t.screen())
        ok(t.wait(r"Password:"), "expired: the password is asked")
        t.type("Chartty-demo-1")
        t.keys("Enter")
        ok(t.wait(r"^New message") and "This text must survive the "
           "sign-in." in t.screen(), "expired: back to the message, its "
           "text kept", t.screen())
        ok(focus_down_to(t, r"\[ Send message \]"), "expired: Send is "
           "there", t.screen())
        t.keys("Enter")
        ok(t.wait(r"Message sent"), "expired: then it is sent", t.screen())
        b = fhir_as("maria@example.org", "Chartty-demo-1",
                    "Communication?subject=Patient/maria-lopez&_count=200")
        mine = [e for e in b.get("entry", [])
                if "must survive the sign-in" in json.dumps(e)]
        ok(len(mine) == 1, f"expired: exactly once ({len(mine)})")
        t.keys("q")
        t.exited()
    finally:
        t.close()


def run_budgets():
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org")
    try:
        sign_in(t, "budgets")
        before = t.bytes()
        t.keys("Enter")
        ok(t.wait(r"Latest vital signs"), "budgets: summary shows")
        first = t.bytes() - before
        diag(f"first paint of the health summary at 80x24: {first} bytes")
        ok(first < BUDGET_FIRST_PAINT,
           f"first paint under {BUDGET_FIRST_PAINT} bytes ({first})")
        worst = 0
        for key in ["Down", "Down", "Down", "Up", "Down"]:
            before = t.bytes()
            t.keys(key)
            t.settle(0.2)
            worst = max(worst, t.bytes() - before)
        diag(f"largest navigation key: {worst} bytes")
        ok(worst < BUDGET_KEY, f"a navigation key under {BUDGET_KEY} bytes "
           f"({worst})")
        before = t.bytes()
        time.sleep(5)
        idle = t.bytes() - before
        diag(f"5 idle seconds: {idle} bytes")
        ok(idle == 0, f"nothing is written while idle ({idle})")
        raw = t.raw()
        ok(re.search(COLOUR.encode(), raw),
           "with colour allowed, a severe allergy is coloured")
        t.keys("q")
        t.exited()
    finally:
        t.close()


def run_ascii_find_and_failure():
    portal("/_test/reset", {})
    t = Term("--ascii --no-keyring --server " + PORTAL +
             " --user maria@example.org")
    try:
        ok(t.wait(r"Password:"), "ascii: sign-in shows")
        t.type("wrong-password")
        t.keys("Enter")
        ok(t.wait(r"Email or password is invalid\."),
           "a wrong password is said in one plain sentence", t.screen())
        ok("wrong-password" not in t.screen() and
           re.search(r"^> Password: *$", t.screen(), re.M),
           "the password field is emptied and has the focus", t.screen())
        t.type("Chartty-demo-1")
        t.keys("Enter")
        ok(t.wait(r"^Home"), "ascii: then the right one signs in")
        t.keys("Enter")
        ok(t.wait(r"Latest vital signs"), "ascii: summary shows")
        ok(re.search(r"^-{40,}$", t.screen(), re.M),
           "--ascii draws the rule with '-'")
        raw = t.raw().decode("utf-8", "replace")
        ok("\u2500" not in raw and "\x0e" not in raw and "\x1b(0" not in raw,
           "--ascii writes no box-drawing characters")
        t.keys("/")
        t.settle(0.2)
        t.type("tdap")
        t.keys("Enter")
        t.settle(0.3)
        ok("Tdap" in t.lines()[t.cursor()[1]],
           "/ finds text and moves the focus there", t.screen())
        check_focus(t, "find")
        t.keys("4")
        ok(t.wait(r"^Active medications"), "ascii: medications open")
        ok(focus_down_to(t, r"Weight over time"), "ascii: a reading's "
           "trend is offered", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Trend"), "ascii: the weight trend opens", t.screen())
        screen = t.screen()
        ok(re.search(r"^ +\d+(\.\d+)? \|", screen, re.M) and
           re.search(r"^ +\+-{20,}$", screen, re.M) and "*" in screen,
           "ascii: the chart is drawn with | + - and *", screen)
        raw = t.raw().decode("utf-8", "replace")
        ok(not re.search("[\u2500-\u257f\u25cf\u25cb\u00b7]", raw),
           "ascii: the chart writes no box drawing or round marks")
        check_focus(t, "ascii trend")
        t.keys("q")
        t.exited()
    finally:
        t.close()


def run_no_color():
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org",
             env={"NO_COLOR": "1"})
    try:
        sign_in(t, "NO_COLOR")
        t.keys("Enter")
        ok(t.wait(r"Latest vital signs"), "NO_COLOR: summary shows")
        shown = t.tmux("capture-pane", "-p", "-e", "-t", "0")
        ok(not re.search(COLOUR, shown),
           "NO_COLOR: no colour codes on screen")
        ok(not re.search(COLOUR.encode(), t.raw()),
           "NO_COLOR: none written at all")
        ok("Anaphylaxis, severe" in t.screen(),
           "NO_COLOR: severity still said in words")
        t.keys("q")
        t.exited()
    finally:
        t.close()


def run_hostile():
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL +
             " --user mallory@example.org")
    try:
        sign_in(t, "hostile", "Chartty-test-9")
        t.keys("Enter")
        ok(t.wait(r"Allergies"), "hostile: summary shows")
        screen = t.screen()
        ok(re.search(r"^> Latex\s*: Hives", screen, re.M),
           "the seeded allergy shows as plain text", screen)
        ok("pwned" not in screen and "31m" not in screen,
           "nothing of its escape sequences shows")
        raw = t.raw()
        ok(b"pwned" not in raw, "its OSC title sequence never reached "
           "the terminal")
        ok(t.tmux("display", "-p", "-t", "0", "#{pane_title}").strip()
           != "pwned", "the terminal title was not changed")
        text = raw.decode("utf-8", "replace")
        ok("\x9b" not in text and "\x00" not in text and "\x85" not in text,
           "no C1 control or NUL was written")
        lines = [l for l in t.lines() if "very long problem" in l or
                 l.startswith("    ") and "long problem" in l]
        ok(len(lines) <= 3, f"a very long item takes at most 3 lines in a "
           f"list ({len(lines)})", t.screen())
        check_focus(t, "hostile summary")
        t.keys("q")
        t.exited()
    finally:
        t.close()


def run_cancel_and_signals():
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org")
    try:
        sign_in(t, "cancel")
        portal("/_test/fault", {"kind": "latency", "ms": 4000, "count": 1,
                                "path": "/fhir"})
        t.keys("Enter")
        ok(t.wait(r"Loading health summary\.\.\.", 3),
           "while a request runs, the status line says so", t.screen())
        before = t.bytes()
        time.sleep(1)
        ok(t.bytes() == before, "and nothing moves meanwhile")
        t.keys("Escape")
        ok(t.wait(r"Cancelled", 2), "Esc cancels the slow request",
           t.screen())
        ok(t.lines()[0].startswith("Home"), "and stays on Home")
        check_focus(t, "a cancelled request")
        t.keys("Enter")
        ok(t.wait(r"Latest vital signs"), "the next try loads the summary")
        t.keys("C-c")
        ok(t.exited() == "0", "Ctrl-C quits cleanly")
        ok(t.raw().rstrip().endswith(b"\x1b[?1049l") or
           b"\x1b[?1049l" in t.raw()[-64:],
           "and restores the terminal (leaves the alternate screen)")
    finally:
        t.close()
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org")
    try:
        ok(t.wait(r"Password:"), "SIGTERM: sign-in shows")
        pid = t.tmux("display", "-p", "-t", "0", "#{pane_pid}").strip()
        subprocess.run(["pkill", "-TERM", "-P", pid])
        ok(t.exited() == "143", "SIGTERM ends chartty (128 + 15)")
        ok(b"\x1b[?1049l" in t.raw()[-64:], "and restores the terminal")
    finally:
        t.close()
    # A signal during a request is seen at once (the one event loop),
    # not when the answer comes: the portal holds this one for 20 s.
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org")
    try:
        sign_in(t, "SIGTERM while loading")
        portal("/_test/fault", {"kind": "latency", "ms": 20000, "count": 1,
                                "path": "/fhir"})
        t.keys("Enter")
        ok(t.wait(r"Loading health summary\.\.\.", 3),
           "SIGTERM while loading: the request is under way", t.screen())
        pid = t.tmux("display", "-p", "-t", "0", "#{pane_pid}").strip()
        subprocess.run(["pkill", "-TERM", "-P", pid])
        ok(t.exited(10) == "143", "SIGTERM ends chartty while a request "
           "waits, long before its answer (128 + 15)")
        ok(b"\x1b[?1049l" in t.raw()[-64:], "and restores the terminal")
    finally:
        t.close()
    portal("/_test/reset", {})
    plain_signal(15, "SIGTERM", True)
    plain_signal(1, "SIGHUP", False)


def plain_signal(sig, name, loading):
    """A signal ends plain mode at once: during a request the portal
    holds for 20 s (loading), or while an answer is awaited."""
    p = Plain(["--no-keyring", "--server", PORTAL, "--user",
               "maria@example.org"])
    try:
        p.sign_in()
        ok(p.until(r"Choice: $"), f"plain {name}: Home's list", p.tail())
        if loading:
            portal("/_test/fault", {"kind": "latency", "ms": 20000,
                                    "count": 1, "path": "/fhir"})
            p.send(p.number(r"Health summary"))
            ok(p.until(r"Loading health summary\.\.\."),
               f"plain {name}: the request is under way", p.tail())
        p.p.send_signal(sig)
        try:
            status = p.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            status = None
        ok(status == 128 + sig, f"plain mode: {name} "
           + ("during a request ends chartty long before the answer"
              if loading else "while an answer is awaited ends chartty "
              "(the line is waited for in the loop)"))
    finally:
        if p.p.poll() is None:
            p.p.kill()
        p.close()


def run_plain():
    portal("/_test/reset", {})
    code = portal("/_test/totp?email=james@example.org")["code"]
    # After the code: Enter picks the first button (Verify).
    answers = f"\nChartty-demo-2\n{code}\n\n1\n2\nb\nb\nq\n"
    p = subprocess.run([CHARTTY, "--plain", "--no-keyring", "--server",
                        PORTAL, "--user", "james@example.org"],
                       input=answers.encode(), capture_output=True,
                       timeout=60, env=dict(os.environ, TERM="xterm"))
    out = p.stdout
    ok(p.returncode == 0, "plain: exits 0", p.stderr.decode())
    ok(b"\x1b" not in out, "plain: the whole transcript has no escape byte")
    text = out.decode()
    ok("Verification code:" in text, "plain: MFA code asked")
    ok("Record: James Carter" in text, "plain: whose record")
    ok(re.search(r"^\d+\. Atorvastatin 20 mg tablet: Take 1 tablet",
                 text, re.M), "plain: numbered items, label before value",
       text)
    ok("Medication: " in text, "plain: a detail opens by number")
    p = subprocess.run([CHARTTY, "--no-keyring", "--server", PORTAL,
                        "--user", "maria@example.org"],
                       input=b"\nChartty-demo-1\nq\n", capture_output=True,
                       timeout=60, env=dict(os.environ, TERM="dumb"))
    ok(b"\x1b" not in p.stdout and b"Home" in p.stdout,
       "TERM=dumb gives plain lines too")


def run_wallet_card():
    portal("/_test/reset", {})
    out = os.path.join(WORLD, "card.txt")
    p = subprocess.run([CHARTTY, "--no-keyring", "--server", PORTAL,
                        "--user", "maria@example.org", "summary", "--text",
                        "--output", out], input=b"Chartty-demo-1\n",
                       capture_output=True, timeout=60)
    ok(p.returncode == 0, "summary --text --output exits 0",
       p.stdout.decode() + p.stderr.decode())
    card = open(out).read() if os.path.exists(out) else ""
    ok("Health summary: Maria Lopez" in card and
       "- Penicillin: Hives" in card and "Metformin" in card,
       "the wallet card holds the summary", card)
    ok("\x1b" not in card, "the card is plain text")


def reset_url(email):
    mail = [m for m in portal("/_test/outbox?to=" + email)
            if m.get("kind") == "reset-password"]
    return mail[-1]["url"] if mail else ""


def run_recover():
    """Getting back in from the sign-in screen: a forgotten password (the
    reset email, its link pasted, two passwords that must match) and a
    forgotten username."""
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org")
    try:
        ok(t.wait(r"Password:"), "recover: the sign-in screen", t.screen())
        ok(focus_down_to(t, r"^> \[ Forgot password"),
           "recover: Forgot password is offered", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Forgot password") and
           re.search(r"^> Email: maria@example\.org", t.screen(), re.M),
           "recover: the email typed is offered", t.screen())
        check_focus(t, "forgot password")
        t.keys("Enter")
        ok(t.said("Check your email for a reset link; paste the link or "
                "its code here."), "recover: sent; paste the link",
           t.screen())
        ok(t.lines()[t.cursor()[1]].startswith("> Link or code:"),
           "recover: the cursor in the link's field", t.screen())
        url = reset_url("maria@example.org")
        ok("/setpassword/" in url, "recover: the outbox holds the link")
        t.type(url)
        t.keys("Down")
        t.type("Brand-new-1")
        t.keys("Down")
        t.type("Brand-new-2")
        t.keys("Enter")
        ok(t.said("The two passwords are not the same; type them again."),
           "recover: two passwords that differ are said, nothing sent",
           t.screen())
        ok("Brand-new" not in t.screen() and "Brand-new" not in
           t.tmux("capture-pane", "-p", "-S", "-", "-t", "0"),
           "recover: passwords never shown")
        focus_down_to(t, r"^> New password:")
        t.type("Brand-new-1")
        t.keys("Down")
        t.type("Brand-new-1")
        t.keys("Enter")
        ok(t.said("Your password was changed. Sign in with it now."),
           "recover: the password is set (the link unused before)",
           t.screen())
        ok(t.lines()[t.cursor()[1]].startswith("> Password:"),
           "recover: back at sign-in, on the password", t.screen())
        t.type("Brand-new-1")
        t.keys("Enter")
        ok(t.wait(r"^Home"), "recover: signed in with the new password",
           t.screen())
        t.keys("q")
        t.exited()
    finally:
        t.close()
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL)
    try:
        ok(t.wait(r"Password:"), "recover: sign-in without an email")
        focus_down_to(t, r"^> \[ Forgot username")
        t.keys("Enter")
        ok(t.wait(r"^Forgot username"), "recover: forgot username",
           t.screen())
        t.type("Maria")
        t.keys("Down")
        t.type("Lopez")
        t.keys("Down")
        t.type("03/14/1971")
        t.keys("Enter")
        ok(t.said("If we found your account, we sent a reminder to the "
                "email on file."), "recover: the one answer", t.screen())
        ok(any(m.get("kind") == "username-reminder" for m in
               portal("/_test/outbox?to=maria@example.org")),
           "recover: the reminder went to the email on file")
        t.keys("q")
        t.exited()
    finally:
        t.close()
    portal("/_test/reset", {})
    p = Plain(["--no-keyring", "--server", PORTAL, "--user",
               "maria@example.org"])
    try:
        ok(p.until(r"Email \[maria@example.org\]: $"), "plain recover: "
           "the sign-in form", p.tail())
        p.send("")
        p.until(r"Password: $")
        p.send("")
        ok(p.until(r"Choose: 1\. Sign in, 2\. Forgot password, 3\. Forgot "
                   r"username, 4\. Activate with a code, 5\. Sign up "
                   r"\[1\]: $"), "plain recover: a password left empty "
           "offers the ways back in", p.tail())
        p.send("2")
        ok(p.until(r"Email \[maria@example.org\]: $"),
           "plain recover: the email", p.tail())
        p.send("")
        p.until(r"Link or code: $")
        p.send(reset_url("maria@example.org"))
        p.until(r"New password: $")
        p.send("Plain-new-1")
        p.until(r"New password again: $")
        p.send("Plain-new-1")
        p.until(r"Choose: ")
        p.send("")
        ok(p.until(r"Your password was changed\. Sign in with it now\."),
           "plain recover: the password is set", p.tail())
    finally:
        p.close()
    ok(b"Plain-new-1" not in p.all, "plain recover: never echoed")


def run_join():
    """Getting an account: an activation code in tmux, sign-up by
    identity match in plain mode; signed in at once."""
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL)
    try:
        ok(t.wait(r"Password:"), "join: the sign-in screen", t.screen())
        ok(focus_down_to(t, r"^> \[ Activate with a code"),
           "join: activation is offered", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Activate your account") and "XXXX-XXXX-XXXX" in
           t.screen(), "join: the code's form shown", t.screen())
        check_focus(t, "activation")
        t.type("act7 q4m2kd9")
        t.keys("Down")
        t.type("04/12/1988")
        t.keys("Down")
        t.type("grace@example.org")
        t.keys("Down")
        t.type("Grace-new-1")
        t.keys("Down")
        t.type("Grace-new-1")
        t.keys("Enter")
        ok(t.said("Welcome! Your account is ready, and you are signed "
                  "in.") and t.wait(r"^Home"), "join: activated and "
           "signed in", t.screen())
        ok("Grace Okafor" in t.screen(), "join: her record is open",
           t.screen())
        t.keys("q")
        t.exited()
    finally:
        t.close()
    p = Plain(["--no-keyring", "--server", PORTAL])
    try:
        p.until(r"Email: $")
        p.send("")
        p.until(r"Password: $")
        p.send("")
        p.until(r"Sign up \[1\]: $")
        p.send("5")
        ok(p.until(r"First name: $"), "plain join: sign-up asks the name",
           p.tail())
        p.send("Samuel")
        p.until(r"Last name: $")
        p.send("Reyes")
        p.until(r"Date of birth \(MM/DD/YYYY\): $")
        p.send("07/23/1990")
        p.until(r"Last 4 digits of your SSN: $")
        p.send("6789")
        p.until(r"Email: $")
        p.send("samuel@example.org")
        p.until(r"New password: $")
        p.send("Samuel-new-1")
        p.until(r"New password again: $")
        p.send("Samuel-new-1")
        ok(p.until(r"Welcome! Your account is ready, and you are signed "
                   r"in\."), "plain join: signed up and in", p.tail())
        ok(p.until(r"Choice: $") and "Samuel Reyes" in p.tail(),
           "plain join: his record's Home", p.tail())
        p.send("q")
    finally:
        p.close()
    ok(b"6789" not in p.all and b"Samuel-new-1" not in p.all,
       "plain join: the SSN digits and password never echoed")


run_size(80, 24)
run_size(132, 43)
run_results(80, 24)
run_results(132, 43)
run_refill()
run_inbox()
run_inbox_hostile()
run_compose()
run_compose_expired()
run_budgets()
run_cancel_and_signals()
run_ascii_find_and_failure()
run_no_color()
run_hostile()
run_plain()
run_plain_results()
run_wallet_card()
run_recover()
run_join()
done()
