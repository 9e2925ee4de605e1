#!/usr/bin/env python3
"""Every screen of the full-screen portal, walked in tmux and measured.

Two walks go side by side, each its own chartty signed in as Maria:
- at 80x24, each screen's first paint (the bytes from the key that opens
  it until the output is quiet), one navigation key (Down, then Up back)
  and two idle seconds, printed as a table; the checks fail at twice the
  budgets of issue 16 (2 KB, 200 bytes), and idle must be 0 bytes;
- at 40x24, each screen is drawn (not "too small"), and all its text is
  there: the screen is scrolled through with Down to its last row, then
  the same screen (the same process, the same data) is looked at again
  at 200x60, where nothing wraps, and the two must show the same
  characters once the white space of wrapping is taken out. A cut
  ("...", a word cut at the edge, a line drawn over another, a line that
  no key brings into view) shows as text missing. The status message is
  checked apart, against what the 80x24 walk showed (issue 16: today it
  is cut to three lines at 40 columns).

The screens come from the code where it says them: the portal areas from
main_areas[] in src/main.c (the number keys), the rest of Home from its
rows on screen; below those, the table WALK says how each screen is
reached, and SIGNED_OUT the sign-in screen's ways back in (walked before
signing in). Switch record is walked as Linda (Maria has no other record
to open), beside Maria's walks. Every screens/screen-*.c (and every
screen in include/screens.h) must be reached, or be listed in NOT_REACHED
with the reason, so a new screen fails this test until it is added.
Prints TAP; runs under tests/harness.sh."""

import difflib
import glob
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import PORTAL, Term, diag, done, ok, portal  # noqa: E402

SRC = os.environ.get("top_srcdir") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))

# Issue 16's budgets at 80x24; a check fails at twice these.
FIRST_PAINT = 2048
NAV_KEY = 200
IDLE_SECONDS = 2.0
WIDE = (200, 60)        # the reference size: nothing wraps, all fits

# Screens a signed-in patient's session never shows, and why.
NOT_REACHED = {
    "screen_kiosk": "the kiosk's only screen: chartty kiosk, a device "
                    "set up by staff, with no patient signed in",
    "screen_smart": "sign-in at a SMART server or a linked organization "
                    "with a browser; this test's portal takes passwords "
                    "and has no linked organization",
}

# Home rows that are no screen: what Enter does there instead.
NOT_A_SCREEN = {
    "Sign out": "ends the session and quits",
}


class Step:
    """A screen of the walk: its name in the table, the screen (the
    const struct's name), how it is reached from the screen above
    ("key" K; "row" RX, Enter on the row matching RX, or on each of a
    list of them in turn; "first", Enter on the first row), the title it
    shows when not the screen's static .title, a line it shows (a step of
    a screen whose title stays) and the screens reached from it, whose
    Esc comes back to it."""

    def __init__(self, name, screen, how, arg=None, title=None,
                 shows=None, then=()):
        self.name, self.screen, self.how, self.arg = name, screen, how, arg
        self.title, self.shows, self.then = title, shows, list(then)


# Before signing in: the sign-in screen's ways to get back in.
SIGNED_OUT = [
    Step("recover: password", "screen_recover", "row",
         r"^\[ Forgot password \]", title=r"^Forgot password$"),
    Step("recover: username", "screen_recover", "row",
         r"^\[ Forgot username \]", title=r"^Forgot username$"),
    Step("join: activation", "screen_join", "row",
         r"^\[ Activate with a code \]", title=r"^Activate your account$"),
    Step("join: sign-up", "screen_join", "row",
         r"^\[ Sign up \]", title=r"^Sign up$"),
]

# Below Home's entries (found on screen), by the screen they open.
WALK = {
    "screen_summary": [
        Step("detail: allergy", "screen_detail", "first",
             title=r"^Allergy$"),
    ],
    "screen_results": [
        Step("report", "screen_report", "row", r"^Hemoglobin A1c", then=[
            Step("detail: result", "screen_detail", "row",
                 r"^Hemoglobin A1c", title=r"^Result$", then=[
                     Step("trend", "screen_trend", "row", r"^Trend:"),
                 ]),
        ]),
    ],
    "screen_meds": [
        Step("detail: medication", "screen_detail", "first",
             title=r"^Medication$"),
        Step("refill", "screen_refill", "row",
             r"^Lisinopril.*You can request a refill here"),
        Step("reading", "screen_reading", "row", r"^Add your weight",
             title=r"[Ww]eight"),
    ],
    "screen_inbox": [
        Step("compose: new", "screen_compose", "row", r"^New message",
             title=r"^New message$"),
        Step("thread", "screen_thread", "row", r"^Question about metformin",
             then=[
                 Step("compose: reply", "screen_compose", "row",
                      r"^Reply", title=r"^Reply"),
             ]),
    ],
    "screen_visits": [
        # The lab work, always about 20 hours ahead: eCheck-in is open.
        Step("visit", "screen_visit", "row", r"Lab work.*eCheck-in is open",
             then=[
                 Step("checkin", "screen_checkin", "row", r"^eCheck-in"),
             ]),
        Step("book", "screen_book", "row", r"^Schedule a visit",
             title=r"^Schedule a visit$"),
        # Esc from the free times leaves the screen (no step back).
        Step("book: free times", "screen_book", "row",
             [r"^Schedule a visit", r"^\[ Find free times \]"],
             title=r"^Schedule a visit$", shows=r"^Free times$"),
        Step("onmyway", "screen_onmyway", "row", r"^On My Way"),
        Step("notes", "screen_notes", "row", r"^Visit notes",
             title=r"^Visit notes$", then=[
                 Step("notes: a note", "screen_notes", "first",
                      title=r"^Visit note$"),
             ]),
    ],
    "screen_billing": [
        Step("bill", "screen_bill", "row", r"^.*: Office visit", then=[
            Step("pay", "screen_pay", "row", r"^Pay this bill"),
        ]),
        Step("plan", "screen_plan", "row", r"^Set up a payment plan"),
    ],
}


def sources():
    """Every screen in screens/screen-*.c: {name: (file, static title or
    None when .title_of makes it)}; the names in include/screens.h; the
    areas in main_areas[] (src/main.c), in the order of the keys."""
    found = {}
    for path in sorted(glob.glob(os.path.join(SRC, "screens",
                                              "screen-*.c"))):
        with open(path) as f:
            text = f.read()
        for m in re.finditer(r"^const struct screen (screen_\w+) = "
                             r"\{(.*?)^\};", text, re.S | re.M):
            title = re.search(r'\.title = "([^"]*)"', m.group(2))
            found[m.group(1)] = (os.path.basename(path),
                                 None if ".title_of" in m.group(2) or
                                 not title else title.group(1))
        if not re.search(r"^const struct screen screen_\w+ = ", text, re.M):
            found[os.path.basename(path)] = (os.path.basename(path), None)
    with open(os.path.join(SRC, "include", "screens.h")) as f:
        declared = re.findall(r"extern const struct screen (screen_\w+);",
                              f.read())
    with open(os.path.join(SRC, "src", "main.c")) as f:
        m = re.search(r"main_areas\[\] = \{(.*?)\};", f.read(), re.S)
    areas = re.findall(r"&(screen_\w+)", m.group(1)) if m else []
    return found, declared, areas


SCREENS, DECLARED, AREAS = sources()


def title_of(step):
    """The title step's screen shows, as a pattern."""
    if step.title:
        return step.title
    static = SCREENS.get(step.screen, (None, None))[1]
    return "^" + re.escape(static or step.screen) + "$"


def squeeze(text):
    """Text without its white space: the same however it is wrapped."""
    return re.sub(r"\s+", "", text)


# Lines drawn to the width, not text: a trend's chart (box drawing, its
# marks) and a picture (block characters).
DRAWN = re.compile("[\u2500-\u259f\u25cf\u00b7]")
# What a choice field says when there is room for it.
HINT = "  (Left/Right: change)"
# Fields whose text may be longer than the line: a field's text scrolls,
# so that the cursor at its end stays in sight (Home shows its start).
SCROLLED = {
    "Save as": "the file's whole path, offered to keep or change",
}


def same_text(narrow, wide):
    """Do the two show the same text? A field of SCROLLED may show only
    the end of its text at 40 columns."""
    narrow = list(narrow)
    for label in SCROLLED:
        head = label + ": "
        whole = [x.strip()[len(head):] for x in wide
                 if x.strip().startswith(head)]
        for i, x in enumerate(narrow):
            if x.strip().startswith(head) and whole and \
                    whole[0].endswith(x.strip()[len(head):]):
                narrow[i] = head + whole.pop(0)
    return squeeze("".join(narrow)) == squeeze("".join(wide))


class Walker:
    """chartty at one size, walking the screens; what it measures of
    each is kept in self.seen, by the name in the table."""

    def __init__(self, size, user="maria@example.org"):
        self.size = size
        self.t = Term("--no-keyring --server " + PORTAL + " --user " + user,
                      size[0], size[1])
        self.seen = {}
        self.order = []
        self.errors = []
        self.reached = set()
        self.slow = 0.3         # how long a key may take to show

    # --- what is on screen ---

    def parts(self):
        """The screen as (title, record, body lines, status lines): the
        status is the lines at the bottom drawn in reverse video (tmux
        says an attribute only where it changes: it is followed)."""
        raw = self.t.tmux("capture-pane", "-p", "-e", "-t", "0")
        lines, reverse, first = [], False, []
        for line in raw.rstrip("\n").split("\n"):
            text, at = "", None
            for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b]+)", line):
                if m.group(2) is not None:
                    at = reverse if at is None else at
                    text += m.group(2)
                    continue
                for p in (m.group(1) or "0").split(";"):
                    if p in ("", "0", "27"):
                        reverse = False
                    elif p == "7":
                        reverse = True
            first.append(reverse if at is None else at)
            lines.append(text.rstrip())
        status = []
        while lines and first[len(lines) - 1]:
            status.insert(0, lines.pop())
        lines += [""] * (3 - len(lines))
        return lines[0], lines[1], lines[3:], status

    def title(self):
        return self.t.lines()[0].rstrip()

    def wait_title(self, rx, quiet=0.4, timeout=15.0):
        """Wait for a title matching rx, then for the output to settle."""
        end = time.time() + timeout
        while time.time() < end:
            if re.search(rx, self.title()):
                self.t.settle(quiet)
                return True
            time.sleep(0.05)
        return False

    def focused(self):
        """The focused row's text: its first line (after "> ") and the
        lines that go on with it (indented further)."""
        lines = self.t.lines()[3:]
        for i, line in enumerate(lines):
            if line.startswith("> "):
                text = [line[2:].strip()]
                for more in lines[i + 1:]:
                    if not more.startswith("    ") or not more.strip():
                        break
                    text.append(more.strip())
                return " ".join(text)
        return None

    # --- keys ---

    def press(self, key, sure=False):
        """Send a key; True when chartty wrote anything for it (a key
        that changes nothing on screen makes it write nothing). Sure:
        wait longer before taking nothing for an answer (the end of a
        list is told from a key not yet read only by waiting)."""
        before = self.t.bytes()
        self.t.keys(key)
        start = time.time()
        wait = max(1.0, 2 * self.slow) if sure else self.slow
        while time.time() - start < wait:
            time.sleep(0.01)
            if self.t.bytes() != before:
                # Under load, wait longer for the next ones.
                self.slow = min(1.5, max(0.3, 0.9 * self.slow,
                                         4 * (time.time() - start)))
                self.t.settle(0.05)
                return True
        return False

    def focus_to(self, rx):
        """Move the focus to the row whose text matches rx."""
        for key in ("Down", "Up"):
            while True:
                here = self.focused()
                if here is not None and re.search(rx, here):
                    return True
                if not self.press(key, sure=True):
                    break
        return False

    def open(self, step):
        """Open step's screen from the one on screen; the bytes from the
        key that opens it until the output is quiet."""
        if step.how == "row":
            rows = step.arg if isinstance(step.arg, list) else [step.arg]
            for i, rx in enumerate(rows):
                if not self.focus_to(rx):
                    self.errors.append(f"{step.name}: no row matching "
                                       f"{rx!r} on {self.title()!r}:\n"
                                       + self.t.screen())
                    return None
                if i < len(rows) - 1:
                    self.press("Enter")
                    self.t.settle(0.4)
            key = "Enter"
        elif step.how == "first":
            while self.press("Up"):
                pass
            key = "Enter"
        else:
            key = step.arg
        before = self.t.bytes()
        self.t.keys(key)
        if not self.wait_title(title_of(step)) or step.shows and \
                not self.t.wait(step.shows, 15.0):
            self.errors.append(f"{step.name}: {key} did not open a screen "
                               f"titled {title_of(step)!r}"
                               + (f" showing {step.shows!r}"
                                  if step.shows else "") + ":\n"
                               + self.t.screen())
            return None
        self.reached.add(step.screen)
        return self.t.bytes() - before

    def back(self, parent_title):
        self.t.keys("Escape")
        if not self.wait_title("^" + re.escape(parent_title) + "$", 0.2):
            self.errors.append(f"Esc did not go back to {parent_title!r}:\n"
                               + self.t.screen())
            return False
        return True

    # --- the walk ---

    def visit(self, step, paint):
        self.order.append(step.name)
        self.seen[step.name] = self.measure(step, paint)

    def walk(self, steps):
        here = self.title()
        for step in steps:
            paint = self.open(step)
            if paint is None:
                if self.title() != here:
                    self.back(here)
                continue
            self.visit(step, paint)
            self.walk(step.then)
            if not self.back(here):
                return

    def home_steps(self):
        """Home's entries as steps: an area by its number key (main.c's
        main_areas), any other row by Enter on it."""
        titles = {t: name for name, (_, t) in SCREENS.items() if t}
        steps = []
        for label in self.home_rows():
            if label in NOT_A_SCREEN:
                continue
            screen = titles.get(label)
            if screen is None:
                self.errors.append(f"Home's row {label!r} is no screen's "
                                   "title: add it to NOT_A_SCREEN, or "
                                   "its screen to the walk")
                continue
            if screen in AREAS and AREAS.index(screen) > 0:
                step = Step(screen[7:], screen, "key",
                            str(AREAS.index(screen) + 1))
            else:
                step = Step(screen[7:], screen, "row",
                            "^" + re.escape(label) + r"(:|$)")
            step.then = WALK.get(screen, [])
            steps.append(step)
        return steps

    def home_rows(self):
        """The labels of Home's rows (their first lines), scrolled
        through; the focus is left on the first."""
        return [m.group(1) for m in (re.match(r"^  (\S[^:]*)(:|$)", x)
                                     for x in self.scroll()) if m]

    def scroll(self, fits=False):
        """Every body line of the screen: scrolled through with Down to
        the last row, then back to the first (Home, where the focus is
        left); the focus mark taken out. Fits: if the screen's lines end
        above the bottom, the focus on the first row, they are all there
        without a key."""
        def body():
            return [re.sub(r"^> ", "  ", x) for x in self.parts()[2]]

        got = body()
        if fits and len(got) - len(trim(got)) >= 3:
            return trim(got)
        got = trim(got)
        while self.press("Down", sure=True):
            got = merge(got, trim(body()))
        if self.press("Home"):
            top = trim(body())
            if merge(top, got) == top + got:    # no overlap: go down again
                while self.press("Down", sure=True):
                    top = merge(top, trim(body()))
                self.press("Home")
            got = merge(top, got)
        return got

    def sign_in(self):
        if not self.t.wait(r"Password:", 15.0):
            self.errors.append("the sign-in screen did not show:\n"
                               + self.t.screen())
            return False
        self.t.settle(0.3)
        self.start = self.t.bytes()
        return True


def trim(lines):
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def merge(top, below):
    """Join two views of a screen, below scrolled down from top: below
    starts somewhere in top (the least scroll that fits), or after it."""
    for s in range(len(top) + 1):
        n = min(len(top) - s, len(below))
        if top[s:s + n] == below[:n]:
            return top[:s] + below if s + len(below) > len(top) else top
    return top + below


class Bytes(Walker):
    """The walk at 80x24: bytes of the first paint, a key, and idle."""

    def measure(self, step, paint):
        status = self.parts()[3]
        figures = {"paint": paint, "status": " ".join(status)}
        worst = 0
        for key in ("Down", "Up"):
            before = self.t.bytes()
            self.press(key, sure=True)
            self.t.settle(0.3)
            worst = max(worst, self.t.bytes() - before)
        figures["key"] = worst
        before = self.t.bytes()
        time.sleep(IDLE_SECONDS)
        figures["idle"] = self.t.bytes() - before
        return figures


class Narrow(Walker):
    """The walk at 40x24: drawn, and every piece of text there."""

    def measure(self, step, paint):
        status = self.parts()[3]
        small = "terminal is too small" in self.t.screen()
        narrow = self.everything()
        self.resize(*WIDE)
        wide = self.everything(fits=True)
        self.resize(*self.size)
        return {"small": small, "status": " ".join(status),
                "narrow": narrow, "wide": wide}

    def everything(self, fits=False):
        title, record, _, _ = self.parts()
        lines = [title.rstrip(), record.rstrip()] + self.scroll(fits)
        return [x.replace(HINT, "") for x in lines if not DRAWN.search(x)]

    def resize(self, width, height):
        """Resize the window and wait for chartty to draw again."""
        before, start = self.t.bytes(), time.time()
        self.t.tmux("resize-window", "-t", "0", "-x", str(width), "-y",
                    str(height))
        while self.t.bytes() == before and time.time() - start < 5:
            time.sleep(0.02)
        self.t.settle(0.2)


def run(walker):
    """The whole walk with one walker: signed out, then as Maria."""
    try:
        if not walker.sign_in():
            return
        walker.reached.add("screen_signin")
        walker.visit(Step("sign-in", "screen_signin", "key"), walker.start)
        walker.walk(SIGNED_OUT)
        walker.focus_to(r"^Password:")
        home = Step("home", "screen_home", "key", "Enter")
        walker.t.type("Chartty-demo-1")
        walker.t.settle(0.2)
        paint = walker.open(home)
        if paint is None:
            return
        walker.visit(home, paint)
        walker.walk(walker.home_steps())
        walker.t.keys("q")
        walker.t.exited()
    except Exception as e:      # a walker's failure is a test's failure
        walker.errors.append(f"{type(e).__name__}: {e}")
    finally:
        walker.t.close()


def records(walker):
    """Switch record is on Home only for someone who may open another
    person's record: Linda (her husband's)."""
    try:
        if walker.sign_in():
            walker.t.type("Chartty-demo-3")
            walker.t.keys("Enter")
            if walker.wait_title(r"^Home$"):
                walker.walk([Step("records", "screen_records", "row",
                                  r"^Switch record")])
    except Exception as e:
        walker.errors.append(f"{type(e).__name__}: {e}")
    finally:
        walker.t.close()


def main():
    """Maria's walk at 80x24 and at 40x24, and Linda's (Switch record),
    all at the same time; Linda's figures join Maria's."""
    portal("/_test/reset", {})
    walkers = [(run, Bytes((80, 24))), (run, Narrow((40, 24))),
               (records, Bytes((80, 24), "linda@example.org")),
               (records, Narrow((40, 24), "linda@example.org"))]
    threads = [threading.Thread(target=how, args=(w,)) for how, w in walkers]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    fast, slim, more_fast, more_slim = (w for _, w in walkers)
    for w, more in ((fast, more_fast), (slim, more_slim)):
        w.order += more.order
        w.seen.update(more.seen)
        w.reached |= more.reached
        w.errors += more.errors
    report(fast, slim)
    done()


def report(fast, slim):
    for w in (fast, slim):
        ok(not w.errors, f"{w.size[0]}x{w.size[1]}: the walk went through "
           "every step", "\n".join(w.errors))
    # Every screen is walked, or said why not.
    every = set(SCREENS) | set(DECLARED)
    for name in sorted(every):
        why = NOT_REACHED.get(name)
        ok(name in fast.reached or why is not None,
           f"{name} ({SCREENS.get(name, ('not in screens/',))[0]}) is "
           "walked" + (f", or not: {why}" if why else ""),
           "add it to WALK in tests/tui/walk.py, or to NOT_REACHED "
           "with the reason")
    ok(fast.order == slim.order, "both walks saw the same screens",
       (fast.order, slim.order))
    table(fast)
    for name in fast.order:
        f = fast.seen[name]
        ok(f["paint"] < 2 * FIRST_PAINT, f"80x24 {name}: first paint "
           f"under {2 * FIRST_PAINT} bytes ({f['paint']})")
        ok(f["key"] < 2 * NAV_KEY, f"80x24 {name}: a navigation key under "
           f"{2 * NAV_KEY} bytes ({f['key']})")
        ok(f["idle"] == 0, f"80x24 {name}: nothing written in "
           f"{IDLE_SECONDS:g} idle seconds ({f['idle']})")
    for name in slim.order:
        s = slim.seen[name]
        ok(not s["small"], f"40x24 {name}: drawn, not too small")
        ok(same_text(s["narrow"], s["wide"]),
           f"40x24 {name}: all its text is there, as at "
           f"{WIDE[0]}x{WIDE[1]}", lost(s["narrow"], s["wide"]))
    # Apart: the status lines as the screen opens (a message, or where
    # the focus is) say at 40x24 what they say at 80x24. Issue 16: today
    # a message is cut to three lines at 40 columns (the no-keyring
    # notice on Home); this passes once the status lines are fixed.
    for name in slim.order:
        if name not in fast.seen:
            continue
        said = fast.seen[name]["status"]
        shown = slim.seen[name]["status"]
        ok(squeeze(said) == squeeze(shown),
           f"40x24 {name}: the status message is whole, as at 80x24",
           f"80x24: {said!r}\n40x24: {shown!r}")


def lost(narrow, wide):
    """What differs, word by word, for the failure's detail."""
    a = " ".join(narrow).split()
    b = " ".join(wide).split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(
            None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            out.append(f"40: {' '.join(a[i1:i2])!r}  "
                       f"{WIDE[0]}: {' '.join(b[j1:j2])!r}")
    return "\n".join(out[:12] + ["--- 40 columns:"] + narrow +
                     [f"--- {WIDE[0]} columns:"] + wide)


def table(fast):
    diag(f"80x24 bytes; * over the budget (first paint {FIRST_PAINT}, "
         f"key {NAV_KEY}, idle 0); the key is the larger of Down and Up")
    diag(f"{'screen':<22} {'first-paint':>11} {'nav-key':>8} {'idle':>5}")
    for name in fast.order:
        f = fast.seen[name]
        over = ["*" if f[k] >= budget else " " for k, budget in
                (("paint", FIRST_PAINT), ("key", NAV_KEY), ("idle", 1))]
        diag(f"{name:<22} {f['paint']:>10}{over[0]} {f['key']:>7}{over[1]} "
             f"{f['idle']:>4}{over[2]}".rstrip())


if __name__ == "__main__":
    main()
