#!/usr/bin/env python3
"""Seeds for chartty's fuzz targets from the test portal's real answers.

Usage: seeds.py DIR. Signs in to the test portal as the demo patient
(maria@example.org) and saves what it answers into DIR/<target>/: the
Patient, a Bundle of each area, batch answers, an OperationOutcome of a
bad request, the SMART configuration and the CapabilityStatement, the
pre-visit Questionnaire, Observation Bundles for trends, Appointment and
Slot Bundles, and the times, addresses and texts found in them. The
portal is $CHARTTY_TEST_PORTAL when set (tests/harness.sh), else one
started here from $TEST_PORTAL_DIR (default: tests/portal beside this
file) and stopped at the end. Exits 1 when no portal can be had.
"""
import base64
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

EMAIL, PASSWORD = "maria@example.org", "Chartty-demo-1"
OUT = sys.argv[1] if len(sys.argv) > 1 else "seeds-portal"
HERE = os.path.dirname(os.path.abspath(__file__))


def start_portal():
    """A portal of our own: (url, process); url None when it did not start."""
    pdir = os.environ.get("TEST_PORTAL_DIR") or os.path.join(HERE, "..", "portal")
    if not os.path.isdir(os.path.join(pdir, "node_modules", "@medplum")):
        print(f"seeds: the test portal is not installed in {pdir}", file=sys.stderr)
        return None, None
    proc = subprocess.Popen(
        ["node", "--experimental-websocket", os.path.join(pdir, "server.mjs"),
         "--test", "--port", "0", "--clinic", "main-street"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.match(r"portal listening on (http\S+)", line)
        if m:
            return m.group(1).rstrip("/"), proc
    proc.kill()
    proc.wait()
    print("seeds: the test portal did not start", file=sys.stderr)
    return None, None


def call(url, method="GET", body=None, headers=None, form=False):
    """(status, bytes) of one request; errors are answers too."""
    data = None
    h = dict(headers or {})
    if body is not None:
        if form:
            data = urllib.parse.urlencode(body).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def sign_in(root):
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    _, b = call(root + "/auth/login", "POST", {
        "email": EMAIL, "password": PASSWORD, "codeChallenge": challenge,
        "codeChallengeMethod": "S256", "clientId": "chartty",
        "scope": "openid offline_access patient/*.*"})
    code = json.loads(b)["code"]
    _, b = call(root + "/oauth2/token", "POST", {
        "grant_type": "authorization_code", "code": code,
        "code_verifier": verifier, "client_id": "chartty"}, form=True)
    tok = json.loads(b)
    return tok["access_token"], tok.get("patient", "maria-lopez")


class Seeds:
    def __init__(self, root, token):
        self.root, self.base = root, root + "/fhir/R4"
        self.auth = {"Authorization": "Bearer " + token,
                     "Accept": "application/fhir+json"}
        self.n = 0

    def save(self, target, name, data):
        d = os.path.join(OUT, target)
        os.makedirs(d, exist_ok=True)
        if isinstance(data, str):
            data = data.encode()
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        self.n += 1

    def get(self, path, *targets, name=None):
        """GET path under the base (or the root, with a leading /)."""
        url = (self.root if path.startswith("/") else self.base + "/") + path
        status, body = call(url, headers=self.auth)
        label = name or re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")[:60]
        for t in ("json", "model") + targets:
            self.save(t, label + ".json", body)
        return json.loads(body) if body[:1] in (b"{", b"[") else None

    def batch(self, name, urls, *targets):
        bundle = {"resourceType": "Bundle", "type": "batch", "entry": [
            {"request": {"method": "GET", "url": u}} for u in urls]}
        _, body = call(self.base, "POST", bundle,
                       {**self.auth, "Content-Type": "application/fhir+json"})
        for t in ("json", "model") + targets:
            self.save(t, "batch-" + name + ".json", body)
        return json.loads(body)


def strings(j, keys=None):
    """Every string in j (under one of keys, when given)."""
    if isinstance(j, dict):
        for k, v in j.items():
            if isinstance(v, str) and (keys is None or k in keys):
                yield v
            else:
                yield from strings(v, keys)
    elif isinstance(j, list):
        for v in j:
            yield from strings(v, keys)


def main():
    root = os.environ.get("CHARTTY_TEST_PORTAL", "").rstrip("/")
    proc = None
    if not root:
        root, proc = start_portal()
        if root is None:
            return 1
    try:
        return collect(root)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()


def collect(root):
    token, pid = sign_in(root)
    s = Seeds(root, token)
    ref = "Patient/" + pid
    q = urllib.parse.quote
    got = []

    conf = s.get("/.well-known/smart-configuration", "smart",
                 name="smart-configuration")
    meta = s.get("metadata", "smart")
    got += [conf, meta]
    s.save("smart", "configuration-pasted",
           json.dumps(conf) + "\0" + "http://127.0.0.1:8765/callback?code="
           "abc123&state=fuzz-state-1")
    s.save("smart", "metadata-request", json.dumps(meta) + "\0" +
           "GET /callback?code=abc123&state=fuzz-state-1 HTTP/1.1\r\n"
           "Host: 127.0.0.1:8765\r\n\r\n")
    got.append(s.get("Patient/" + pid, "visit"))
    for path in (
            f"AllergyIntolerance?patient={ref}",
            f"Condition?patient={ref}&category=problem-list-item",
            f"MedicationRequest?patient={ref}&_include=MedicationRequest:medication",
            f"Immunization?patient={ref}&_sort=-date",
            f"DiagnosticReport?patient={ref}&_sort=-date&_include=DiagnosticReport:result&_count=5",
            f"Communication?subject={ref}&part-of:missing=true&_sort=-sent",
            f"Task?patient={ref}&code=fulfill&_sort=-authored-on",
            f"CareTeam?patient={ref}&status=active",
            f"Invoice?subject={ref}&_sort=-date",
            f"Account?patient={ref}",
            f"Coverage?beneficiary={ref}",
            f"AuditEvent?patient={ref}&_sort=-date",
            f"DocumentReference?patient={ref}",
            f"Observation?patient={ref}&category=vital-signs&_sort=-date&_count=20"):
        got.append(s.get(path))
    # An OperationOutcome: a search parameter the server does not know,
    # and a search of another patient's record.
    s.get(f"Observation?patient={ref}&no-such-parameter=1", name="outcome-400")
    s.get("Observation?patient=Patient/someone-else", name="outcome-403")
    # The summary's batch, and refills'.
    got.append(s.batch("summary", [
        f"Patient/{pid}",
        f"AllergyIntolerance?patient={ref}&clinical-status=active",
        f"Condition?patient={ref}&clinical-status=active&category=problem-list-item",
        f"MedicationRequest?patient={ref}&status=active",
        f"Immunization?patient={ref}&_sort=-date",
        f"Observation?patient={ref}&category=vital-signs&_sort=-date&_count=20"]))
    got.append(s.batch("refills", [
        f"MedicationRequest?patient={ref}&status=active",
        f"Task?patient={ref}&code=fulfill&_sort=-authored-on"]))

    # Trends: every code of the vitals and the lab results, 100 at a time.
    codes = set()
    for b in got:
        for e in (b or {}).get("entry", []) if isinstance(b, dict) else []:
            r = e.get("resource", {})
            if r.get("resourceType") == "Observation":
                c = (r.get("code", {}).get("coding") or [{}])[0]
                if c.get("system") and c.get("code"):
                    codes.add(c["system"] + "|" + c["code"])
    for i, c in enumerate(sorted(codes)[:12]):
        s.get(f"Observation?patient={ref}&code={q(c)}&_sort=date&_count=100",
              "trend", name=f"trend-{i}")

    # Visits: the list's batch, each visit, free times, On My Way.
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    visits = s.batch("visits", [
        f"Appointment?patient={ref}&date=ge{now}&_sort=date",
        f"Appointment?patient={ref}&date=lt{now}&_sort=-date",
        f"Appointment?patient={ref}&status=waitlist"], "visit")
    for e in visits.get("entry", [])[:2]:
        for v in e.get("resource", {}).get("entry", [])[:3]:
            a = v.get("resource", {})
            if a.get("id"):
                s.get("Appointment/" + a["id"], "visit")
    sched = s.get("Schedule?active=true", "visit")
    for e in (sched or {}).get("entry", [])[:2]:
        sid = e["resource"]["id"]
        s.get(f"Slot?schedule=Schedule/{sid}&status=free&_sort=start&_count=50",
              "visit", name=f"slots-{sid}")
    locs = s.batch("onmyway", ["Location?type=urgent-care&_count=20",
                               f"Appointment?status=waitlist&patient={ref}"],
                   "visit")
    loc = (locs.get("entry") or [{}])[0].get("resource", {}).get("entry", [])
    if loc:
        _, body = call(s.base + "/Appointment/$on-my-way", "POST", {
            "resourceType": "Parameters", "parameter": [
                {"name": "location", "valueReference":
                    {"reference": "Location/" + loc[0]["resource"]["id"]}},
                {"name": "patient", "valueReference": {"reference": ref}},
                {"name": "reason", "valueString": "Sore throat"}]},
            {**s.auth, "Content-Type": "application/fhir+json"})
        for t in ("visit", "json", "model"):
            s.save(t, "waitlist-appointment.json", body)
        s.batch("onmyway-in-line", [
            "Location?type=urgent-care&_count=20",
            f"Appointment?status=waitlist&patient={ref}"], "visit")

    # The questionnaire: the form, the answers kept, what a person types.
    forms = s.get("Questionnaire?url=" + q("urn:chartty:questionnaire:previsit"),
                  "smart")
    resps = s.get(f"QuestionnaireResponse?subject={ref}&_sort=-authored")
    for i, e in enumerate((forms or {}).get("entry", [])[:3]):
        form = json.dumps(e["resource"])
        resp = json.dumps(((resps or {}).get("entry") or [{}])[0]
                          .get("resource", {"resourceType": "QuestionnaireResponse"}))
        s.save("questionnaire", f"form-{i}", form + "\0" + resp + "\0" +
               "No\n1\n42\n2026-10-01\nPenicillin\n3\n")
        s.save("questionnaire", f"form-{i}-empty", form)

    # Times, addresses and texts found in every answer.
    found = {"time": set(), "url": set(), "sanitize": set()}
    for b in got + [visits, locs]:
        for v in strings(b):
            if re.match(r"^\d{4}(-\d\d(-\d\d(T[\d:.]+(Z|[+-]\d\d:\d\d)?)?)?)?$", v):
                found["time"].add(v)
            elif re.match(r"^(https?://|urn:|[A-Z][A-Za-z]+/)", v):
                found["url"].add(v)
            elif len(v) > 20:
                found["sanitize"].add(v)
    for target, vals in found.items():
        for i, v in enumerate(sorted(vals)[:60]):
            s.save(target, f"portal-{i}", v)
    for ex in ("chartty.conf.example", "chartty-kiosk.conf.example"):
        p = os.path.join(HERE, "..", "..", "assets", ex)
        if os.path.exists(p):
            with open(p, "rb") as f:
                s.save("conf", ex, f.read())
    print(f"seeds: {s.n} answers of {root} saved in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
