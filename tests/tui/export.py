#!/usr/bin/env python3
"""tmux and plain-mode tests of Download my record: from Home's Account
section, FHIR chosen, Download, a progress line while pages arrive, then
"Saved to ..." and a new file only its owner can read, never over an
existing one; plain mode does the same with the text format. Prints
TAP."""

import json
import os
import re
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (PORTAL, Plain, Term, check_focus,  # noqa: E402
                    done, focus_down_to, ok, portal, sign_in)

MARIA = "maria@example.org"


def private(path):
    return (os.path.exists(path) and
            stat.S_IMODE(os.stat(path).st_mode) == 0o600)


def saved_path(text, ext):
    """The path said in "Saved to <path>.", however the lines wrap."""
    m = re.search(r"Saved to (/\S+?\." + ext + r")\.", text.replace("\n", ""))
    return m.group(1) if m else ""


def run_screen():
    portal("/_test/reset", {})
    t = Term(f"--no-keyring --server {PORTAL} --user {MARIA}")
    path = ""
    try:
        sign_in(t, "export")
        ok(focus_down_to(t, r"^> Download my record"), "export: Home's "
           "Account section lists Download my record", t.screen())
        t.keys("Enter")
        ok(t.wait(r"^Download my record"), "export: the screen opens",
           t.screen())
        ok(re.search(r"^> Format: FHIR \(for other apps\)", t.screen(),
                     re.M), "export: the focus on the format, FHIR first",
           t.screen())
        check_focus(t, "opening Download my record")
        ok(re.search(r"Save as: /\S*chartty-record-\d{4}-\d\d-\d\d\.json",
                     t.screen()), "export: a new file's name offered",
           t.screen())
        ok(focus_down_to(t, r"^> \[ Download \]"), "export: Download",
           t.screen())
        before = t.bytes()
        t.keys("Enter")
        ok(t.wait(r"Saved to", timeout=30), "export: saved", t.screen())
        # curses sends only what changed on the status line after
        # "Downloading the record...": the count is there whole.
        ok(re.search(rb"[0-9,]+ of [0-9,]+ results", t.raw()[before:]),
           "export: a progress line while pages arrived")
        path = saved_path(t.screen(), "json")
        ok(path and private(path), "export: the file is there, readable "
           "only by its owner", path)
        try:
            with open(path) as f:
                bundle = json.load(f)
            good = (bundle.get("resourceType") == "Bundle" and
                    bundle.get("type") == "collection" and
                    len(bundle.get("entry", [])) > 100)
        except (OSError, ValueError) as e:
            good, bundle = False, str(e)
        ok(good, "export: a Bundle of the whole record", path)
        ok(t.wait(r"^Home"), "export: back on Home", t.screen())
        check_focus(t, "saving")

        # Again, typing the same name: never over it.
        t.keys("Enter")
        ok(t.wait(r"^Download my record"), "export: opened again",
           t.screen())
        t.keys("Down")
        t.settle(0.1)
        ok(re.search(r"^> Save as: ", t.screen(), re.M), "export: the "
           "name field", t.screen())
        # A new name: -2 on the same day (another date past midnight).
        m = re.search(r"Save as: (/\S+\.json)", t.screen())
        ok(m and m.group(1) != path and not os.path.exists(m.group(1)),
           "export: the next name offered is a new one", t.screen())
        for _ in range(120):
            t.keys("BSpace")
        t.type(path)
        t.keys("Enter")
        ok(t.said("is already there; choose another name."),
           "export: never over an existing file", t.screen())
        check_focus(t, "refusing to write over a file")
        t.keys("Escape")
        t.wait(r"^Home")
        t.keys("q")
        t.exited()
    finally:
        t.close()
    if path:
        os.unlink(path)


def run_plain():
    portal("/_test/reset", {})
    p = Plain(["--no-keyring", "--server", PORTAL, "--user", MARIA])
    path = ""
    try:
        p.sign_in()
        ok(p.until(r"Choice: $"), "plain: Home", p.tail())
        p.send(p.number(r"Download my record"))
        ok(p.until(r"Format: 1\. FHIR \(for other apps\), 2\. Text \(to "
                   r"read\) \[1\]: $"), "plain: the format asked",
           p.tail())
        p.send("2")
        ok(p.until(r"Save as \[/\S+chartty-record-[-0-9]+\.json\]: $"),
           "plain: a new file's name offered", p.tail())
        p.send("")
        ok(p.until(r"Choose: 1\. Download, 2\. Cancel \[1\]: $"),
           "plain: Download or Cancel", p.tail())
        p.send("")
        text = p.until(r"Saved to /\S+\.txt\.", timeout=30)
        ok(text, "plain: saved, as text", p.tail())
        ok("Downloading: " in (text or ""), "plain: the progress said",
           p.tail())
        path = saved_path(text or "", "txt")
        ok(path and private(path), "plain: the file is there, readable "
           "only by its owner", path)
        try:
            with open(path) as f:
                body = f.read()
        except OSError:
            body = ""
        ok("Health summary: Maria Lopez" in body and
           "Test results, newest first" in body and
           not re.search(r"[\x00-\x09\x0b-\x1f\x7f]", body),
           "plain: the record as plain text", body[:300])
        ok("\x1b" not in p.all.decode("utf-8", "replace"), "plain: no "
           "escape sequence was written")
        p.until(r"Choice: $")
        p.send("q")
    finally:
        p.close()
    if path:
        os.unlink(path)


run_screen()
run_plain()
done()
