#!/usr/bin/env python3
"""A slow portal (issue 17): the test portal's trickle fault sends a few
bytes a second, so libcurl's low-speed check never fires. Every request
has a deadline (timeout = 3 here), said in one sentence, and chartty stays
usable; Esc cancels at once; SIGTERM, SIGINT and SIGHUP end chartty at
once, the terminal put back, with exit status 128 + the signal's number,
in the full screen and in plain mode. Prints TAP."""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (PORTAL, WORLD, Plain, Term, check_focus,  # noqa: E402
                    done, ok, portal, sign_in)

ARGS = "--no-keyring --server " + PORTAL + " --user maria@example.org"
SAID = "127.0.0.1 took longer than 3 seconds to answer; try again."
# "Promptly": a signal is seen by the loop at once; the bound leaves room
# for a busy test machine, far below the 600 s the portal would trickle.
PROMPT_S = 1.5
SIGNALS = [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT"),
           (signal.SIGHUP, "SIGHUP")]


def trickle(count=20):
    """The next requests to /fhir trickle (4 bytes a second, 10 min)."""
    portal("/_test/fault", {"kind": "trickle", "count": count,
                            "path": "/fhir"})


def status_within(t, seconds):
    """chartty's exit status and how long it took to come, or None."""
    start = time.time()
    while time.time() - start < seconds:
        if os.path.exists(t.status):
            with open(t.status) as f:
                status = f.read().strip()
            if status:
                return status, time.time() - start
        time.sleep(0.02)
    return None, time.time() - start


def restored(t, what):
    """The alternate screen left, the cursor not left hidden, and no last
    word that is not true (the request was not cancelled by a person)."""
    t.settle()
    raw = t.raw()
    ok(b"\x1b[?1049l" in raw[-64:] and
       raw.rfind(b"\x1b[?25l") <= raw.rfind(b"\x1b[?25h"),
       f"{what}: the terminal is put back (alternate screen left, "
       "cursor shown)", repr(raw[-64:]))
    ok(b"Cancelled" not in raw[raw.rfind(b"\x1b[?1049l"):],
       f"{what}: nothing said after it", repr(raw[-64:]))


def run_deadline():
    """timeout = 3: the summary is given up on at 3 s, in one sentence;
    the next try loads it."""
    portal("/_test/reset", {})
    conf = os.path.join(WORLD, "slow.conf")
    with open(conf, "w") as f:
        f.write("timeout = 3\n")
    t = Term("--config " + conf + " " + ARGS)
    try:
        sign_in(t, "deadline")
        trickle(1)
        start = time.time()
        t.keys("Enter")
        ok(t.said(SAID, 15), "deadline: a trickling portal is given up "
           "on, in one sentence", t.screen())
        took = time.time() - start
        ok(2.5 < took < 8, f"deadline: at the deadline ({took:.1f} s)")
        ok(t.lines()[0].startswith("Home"), "deadline: still on Home")
        check_focus(t, "a request past its deadline")
        t.keys("Enter")
        ok(t.wait(r"Latest vital signs"),
           "deadline: chartty is still usable: the next try loads",
           t.screen())
        t.keys("q")
        ok(t.exited() == "0", "deadline: q quits with 0")
    finally:
        t.close()

    p = Plain(["--config", conf] + ARGS.split())
    try:
        p.sign_in()
        ok(p.until(r"Choice: $"), "plain deadline: Home's list", p.tail())
        trickle(1)
        start = time.time()
        p.send(p.number(r"Health summary"))
        ok(p.until(SAID.replace(".", r"\."), 15),
           "plain deadline: given up on, in one sentence", p.tail())
        took = time.time() - start
        ok(2.5 < took < 8, f"plain deadline: at the deadline ({took:.1f} s)")
        p.send(p.number(r"Health summary"))
        ok(p.until(r"Latest vital signs"),
           "plain deadline: the next try loads", p.tail())
    finally:
        if p.p.poll() is None:
            p.p.kill()
        p.close()


def run_esc():
    """Esc while the portal trickles cancels at once; chartty goes on."""
    portal("/_test/reset", {})
    t = Term(ARGS)
    try:
        sign_in(t, "Esc")
        trickle(1)
        t.keys("Enter")
        ok(t.wait(r"Loading health summary\.\.\.", 3),
           "Esc: the slow request is under way", t.screen())
        time.sleep(1)
        start = time.time()
        t.keys("Escape")
        ok(t.wait(r"Cancelled", 2), "Esc cancels the trickling request",
           t.screen())
        took = time.time() - start
        ok(took < PROMPT_S, f"Esc: at once ({took:.2f} s)")
        ok(t.lines()[0].startswith("Home"), "Esc: still on Home")
        check_focus(t, "Esc during a slow request")
        t.keys("Enter")
        ok(t.wait(r"Latest vital signs"), "Esc: the next try loads",
           t.screen())
        t.keys("q")
        ok(t.exited() == "0", "Esc: q quits with 0")
    finally:
        t.close()


def run_signals_full():
    """A signal while the portal trickles ends the full screen at once."""
    for sig, name in SIGNALS:
        portal("/_test/reset", {})
        t = Term(ARGS)
        try:
            sign_in(t, name)
            trickle()
            t.keys("Enter")
            ok(t.wait(r"Loading health summary\.\.\.", 3),
               f"{name}: the slow request is under way", t.screen())
            time.sleep(1)
            pid = t.tmux("display", "-p", "-t", "0",
                         "#{pane_pid}").strip()
            subprocess.run(["pkill", "-" + name[3:], "-P", pid])
            status, took = status_within(t, 20)
            ok(status == str(128 + sig), f"{name} during a slow request "
               f"ends chartty with {128 + sig} ({status})")
            ok(took < PROMPT_S, f"{name}: at once ({took:.2f} s)")
            restored(t, name)
        finally:
            t.close()


def run_signals_plain():
    """The same in plain mode, while the portal trickles."""
    for sig, name in SIGNALS:
        portal("/_test/reset", {})
        p = Plain(ARGS.split())
        try:
            p.sign_in()
            ok(p.until(r"Choice: $"), f"plain {name}: Home's list",
               p.tail())
            trickle()
            p.send(p.number(r"Health summary"))
            ok(p.until(r"Loading health summary\.\.\."),
               f"plain {name}: the slow request is under way", p.tail())
            time.sleep(1)
            start = time.time()
            p.p.send_signal(sig)
            try:
                status = p.p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                status = None
            took = time.time() - start
            ok(status == 128 + sig, f"plain {name} during a slow request "
               f"ends chartty with {128 + sig} ({status})")
            ok(took < PROMPT_S, f"plain {name}: at once ({took:.2f} s)")
        finally:
            if p.p.poll() is None:
                p.p.kill()
            p.close()


run_deadline()
run_esc()
run_signals_full()
run_signals_plain()
portal("/_test/reset", {})
done()
