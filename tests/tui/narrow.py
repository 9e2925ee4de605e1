#!/usr/bin/env python3
"""tmux tests at 40 columns, as a braille display of 40 cells reads the
screen: every sentence chartty says is there in full. At 40x24, the
notice that the sign-in lasts only until chartty closes (--no-keyring)
and the billing office's refusal of a payment plan, with the least a
month; at 40x10, a sentence longer than the screen holds, the rest one
key (Ctrl-N) away and said so. The cursor stays on the focus throughout.
Prints TAP."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (PORTAL, WORLD, Term, check_focus, done,  # noqa: E402
                    focus_down_to, ok, portal, sign_in)

NOTICE = ("The system keyring is not available, so this sign-in lasts only "
          "until chartty closes.")
REFUSAL = ("A plan is at least $25.00 a month and at most 12 months: for "
           "$305.00 owed, pay at least $25.42 a month.")
REST = "Press Ctrl-N for the rest."
START = "Press Ctrl-N for the start."
SGR = re.compile(r"\x1b\[([0-9;]*)m|([^\x1b]+)")


def status_lines(t):
    """The status lines: the screen's lines drawn in reverse video (an
    attribute tmux says only where it changes, so it is followed from
    line to line), their text stripped, "? help" left out."""
    out, reverse = [], False
    for line in t.tmux("capture-pane", "-p", "-e", "-t", "0").split("\n"):
        text, first = "", None
        for m in SGR.finditer(line):
            if m.group(2) is None:
                for p in (m.group(1) or "0").split(";"):
                    if p in ("", "0", "27"):
                        reverse = False
                    elif p == "7":
                        reverse = True
                continue
            if first is None:
                first = reverse
            text += m.group(2)
        if (first if first is not None else reverse) and text.strip():
            out.append(re.sub(r"\s*\? help$", "", text.rstrip()).strip())
    return out


def status(t):
    """What the status lines say, their lines joined."""
    return " ".join(status_lines(t))


def field_cursor(t, label, text, what):
    """At 40 columns a long label is wrapped and the text typed goes on
    a line of its own below it: the cursor is at the end of that text,
    the focus marker on the label above it."""
    x, y = t.cursor()
    lines = t.lines()
    ok(y > 0 and lines[y - 1].startswith("> " + label) and
       lines[y].strip() == text and x == len(lines[y].rstrip()),
       f"{what}: the cursor is where typing happens", (x, y, t.screen()))


def run_wide_sentences():
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org",
             40, 24)
    try:
        sign_in(t, "40x24")
        ok(t.said(NOTICE), "40x24: the no-keyring notice is on screen",
           t.screen())
        ok(status(t) == NOTICE, "40x24: the status lines say the notice in "
           "full, not cut", status_lines(t))
        ok(t.lines()[23].rstrip().endswith("? help"), "40x24: the bottom "
           "line still says ? help", t.screen())
        ok(max(len(s) for s in status_lines(t)[:-1]) > 30, "40x24: the "
           "lines above the bottom one take the full width",
           status_lines(t))
        check_focus(t, "40x24 sign-in with a notice")
        t.keys("7")
        ok(t.wait(r"^Billing"), "40x24: billing opens", t.screen())
        ok(focus_down_to(t, r"^> Set up a payment plan"), "40x24: a payment "
           "plan is offered", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Payment plan"), "40x24: the plan opens", t.screen())
        t.type("10")
        t.settle(0.15)
        field_cursor(t, "Monthly amount in", "10", "40x24: monthly amount")
        t.keys("Enter")
        ok(t.said("pay at least $25.42 a month."), "40x24: the refusal "
           "says the least a month", t.screen())
        ok(status(t) == REFUSAL, "40x24: the status lines say the billing "
           "office's refusal in full", status_lines(t))
        field_cursor(t, "Monthly amount in", "10",
                     "40x24: after the refusal")
        t.keys("q")
        t.exited()
    finally:
        t.close()


def run_too_long():
    """A sentence longer than a 40x10 screen holds: a long file name."""
    portal("/_test/reset", {})
    t = Term("--no-keyring --server " + PORTAL + " --user maria@example.org",
             40, 24)
    path = os.path.join(WORLD, "statement-" + "x" * 200 + ".pdf")
    said = f"Saved to {path}."
    try:
        sign_in(t, "40x10")
        t.keys("7")
        ok(t.wait(r"^Billing"), "40x10: billing opens", t.screen())
        t.tmux("resize-window", "-t", "0", "-x", "40", "-y", "10")
        t.settle(0.3)
        ok(focus_down_to(t, r"^> statement-2026-10\.pdf"),
           "40x10: a statement is listed", t.screen())
        t.keys("Enter")
        ok(t.said("Save as ["), "40x10: asks where to save", t.screen())
        ok("".join(status(t).split()).startswith("Saveas[") and
           "".join(status(t).split()).endswith("statement-2026-10.pdf]:"),
           "40x10: the question is there in full", status_lines(t))
        t.type(path)
        t.keys("Enter")
        ok(t.said(REST), "40x10: a sentence too long for the screen says "
           "the rest is one key away", t.screen())
        first = status_lines(t)
        ok(len(first) >= 2 and first[-1] == REST, "40x10: in words, on "
           "the bottom line", first)
        check_focus(t, "40x10 a long sentence")
        t.keys("C-n")
        ok(t.said(START), "40x10: Ctrl-N shows the rest", t.screen())
        second = status_lines(t)
        ok(second and second[-1] == START, "40x10: and says how to go back "
           "to the start", second)
        check_focus(t, "40x10 Ctrl-N")
        whole = "".join(" ".join(first[:-1] + second[:-1]).split())
        ok(whole == "".join(said.split()), "40x10: the two parts are the "
           "whole sentence", (first, second))
        t.keys("C-n")
        ok(t.said(REST) and status_lines(t) == first, "40x10: Ctrl-N again "
           "goes back to the start", status_lines(t))
        t.keys("Down")
        t.settle(0.2)
        ok(REST not in t.screen(), "40x10: another key ends the message",
           t.screen())
        check_focus(t, "40x10 Down after the message")
        t.keys("q")
        t.exited()
    finally:
        t.close()
        if os.path.exists(path):
            os.unlink(path)


run_wide_sentences()
run_too_long()
done()
