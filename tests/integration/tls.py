#!/usr/bin/env python3
"""A clinic's private certificate authority (issue 17, item 8): a CA and
server certificates made here with openssl(1) (one valid for 127.0.0.1,
one expired, one made out to another name), served over TLS on loopback.
The valid one fronts a test portal of its own (--public-url https://...),
so a whole sign-in crosses TLS. Without ca-file the private CA is refused
in one sentence; with --ca-file, or ca-file in the account, chartty
connects, discovers and signs in; an expired certificate and a name
mismatch each get their own sentence; a CA file that cannot be read, or
holds no certificate, is said as such. Verification is never off.
Skipped without openssl(1)."""

import os
import re
import socket
import ssl
import subprocess
import sys
import threading

SRC = os.environ.get("top_srcdir", ".")
sys.path.insert(0, os.path.join(SRC, "tests", "tui"))
from tuilib import CHARTTY, WORLD, done, ok, pipe  # noqa: E402

PORTAL_DIR = os.environ.get("TEST_PORTAL_DIR") or os.path.join(
    SRC, "tests", "portal")


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_certs(d):
    """A CA, and leaf certificates it signs: valid, expired, wrong name.
    Returns their paths, or None without openssl(1)."""
    p = {n: os.path.join(d, n) for n in ("ca.pem", "ca.key", "leaf.key",
                                         "leaf.csr", "valid.pem",
                                         "expired.pem", "wrong.pem")}
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
          "-nodes"]
    try:
        openssl("req", "-x509", *ec, "-keyout", p["ca.key"], "-out",
                p["ca.pem"], "-days", "2", "-subj", "/CN=chartty test CA",
                "-addext", "basicConstraints=critical,CA:true",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        openssl("req", "-new", *ec, "-keyout", p["leaf.key"], "-out",
                p["leaf.csr"], "-subj", "/CN=127.0.0.1")
        for name, san, days in (("valid.pem", "IP:127.0.0.1", "2"),
                                ("expired.pem", "IP:127.0.0.1", "-1"),
                                ("wrong.pem", "DNS:portal.example.org",
                                 "2")):
            ext = os.path.join(d, name + ".ext")
            with open(ext, "w") as f:
                f.write(f"subjectAltName={san}\n"
                        "extendedKeyUsage=serverAuth\n")
            # -days -1: it ended before it began (OpenSSL 3.0 takes it).
            openssl("x509", "-req", "-in", p["leaf.csr"], "-CA", p["ca.pem"],
                    "-CAkey", p["ca.key"], "-set_serial",
                    str(len(name)), "-days", days, "-extfile", ext, "-out",
                    p[name])
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"# openssl: {getattr(e, 'stderr', e)}")
        return None
    return p


def tls_server(sock, cert, key, upstream=None):
    """Serve TLS with cert on sock; pass what arrives on to upstream
    (host, port), or end each connection after the handshake."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)

    def one(conn):
        try:
            t = ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            conn.close()
            return
        if upstream is None:
            t.close()
            return
        try:
            u = socket.create_connection(upstream)
        except OSError:
            t.close()
            return
        threading.Thread(target=pipe, args=(u, t), daemon=True).start()
        pipe(t, u)

    def serve():
        while True:
            conn, _ = sock.accept()
            threading.Thread(target=one, args=(conn,), daemon=True).start()
    threading.Thread(target=serve, daemon=True).start()


def start_portal(public):
    """A Main Street test portal reached at public (the TLS proxy)."""
    proc = subprocess.Popen(
        ["node", "--experimental-websocket",
         os.path.join(PORTAL_DIR, "server.mjs"), "--test", "--port", "0",
         "--public-url", public], stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        m = re.match(r"portal listening on http://127\.0\.0\.1:(\d+)", line)
        if m:
            return proc, int(m.group(1))
    proc.kill()
    return None, None


def run(args, stdin=""):
    r = subprocess.run([CHARTTY, "--no-keyring", *args], input=stdin,
                       capture_output=True, text=True, timeout=120)
    return r.returncode, (r.stdout + r.stderr).strip()


def one_sentence(out, sentence, what):
    """out holds sentence once, and no other line about a certificate."""
    lines = [l for l in out.splitlines() if "certificate" in l.lower()]
    ok(len(lines) == 1 and re.search(sentence, lines[0]) and
       len(re.findall(r"[.)] [A-Z]", lines[0])) == 0, what, out)


def main():
    d = os.path.join(WORLD, "tls")
    os.makedirs(d, exist_ok=True)
    certs = make_certs(d)
    if certs is None:
        print("1..0 # SKIP no openssl(1) to make certificates")
        sys.exit(0)
    socks = {n: socket.create_server(("127.0.0.1", 0))
             for n in ("valid", "expired", "wrong")}
    url = {n: f"https://127.0.0.1:{s.getsockname()[1]}"
           for n, s in socks.items()}
    portal, port = start_portal(url["valid"])
    if portal is None:
        print("Bail out! the TLS test portal did not start")
        sys.exit(1)
    try:
        tls_server(socks["valid"], certs["valid.pem"], certs["leaf.key"],
                   ("127.0.0.1", port))
        tls_server(socks["expired"], certs["expired.pem"],
                   certs["leaf.key"])
        tls_server(socks["wrong"], certs["wrong.pem"], certs["leaf.key"])
        checks(certs, url)
    finally:
        portal.terminate()
        portal.wait()
    done()


def checks(certs, url):
    ca = certs["ca.pem"]
    maria = ["--user", "maria@example.org", "whoami"]
    pw = "Chartty-demo-1\n"

    rc, out = run(["--server", url["valid"], *maria], pw)
    ok(rc == 1, "without ca-file the private CA is refused", out)
    one_sentence(out, r"^The security certificate of 127\.0\.0\.1 is not "
                 r"signed by an authority chartty trusts, so chartty did "
                 r"not connect \(a clinic's own authority can be trusted "
                 r"with ca-file\)\.$", "in one sentence that names ca-file")

    rc, out = run(["--ca-file", ca, "--server", url["valid"], "diagnose"])
    ok(rc in (0, 1) and "Discovery: working" in out and
       "Connection: TLS, certificate verified" in out,
       "diagnose --ca-file: discovery over TLS works", out)
    ok(f"CA file: {ca}" in out, "and names the CA file", out)

    rc, out = run(["--ca-file", ca, "--server", url["valid"], *maria], pw)
    ok(rc == 0 and "Signed in as: Maria Lopez" in out,
       "--ca-file: maria signs in over TLS", out)

    cfg = os.path.join(WORLD, "tls-config")
    with open(cfg, "w") as f:
        f.write(f"[account clinic]\nserver = {url['valid']}\n"
                f"email = maria@example.org\nca-file = {ca}\n"
                f"[account other]\nserver = {url['valid']}\n"
                f"email = maria@example.org\n")
    rc, out = run(["--config", cfg, "--account", "clinic", "whoami"], pw)
    ok(rc == 0 and "Signed in as: Maria Lopez" in out,
       "ca-file in the account: signs in", out)
    rc, out = run(["--config", cfg, "--account", "other", "whoami"], pw)
    ok(rc == 1 and "not signed by an authority" in out,
       "an account without ca-file does not trust another's", out)
    rc, out = run(["--config", cfg, "--account", "clinic", "diagnose"])
    ok("Discovery: working" in out, "diagnose uses the account's ca-file",
       out)

    with open(cfg, "w") as f:
        f.write(f"[account clinic]\nserver = {url['valid']}\n"
                "ca-file = ca.pem\n")
    rc, out = run(["--config", cfg, "whoami"], pw)
    ok(rc == 1 and "ca-file: expected an absolute path" in out,
       "a relative ca-file is refused with its line", out)

    rc, out = run(["--ca-file", ca, "--server", url["expired"], *maria], pw)
    ok(rc == 1, "an expired certificate is refused", out)
    one_sentence(out, r"^The security certificate of 127\.0\.0\.1 has "
                 r"expired, so chartty did not connect \(the clinic must "
                 r"renew it\)\.$", "in its own sentence")

    rc, out = run(["--ca-file", ca, "--server", url["wrong"], *maria], pw)
    ok(rc == 1, "a certificate made out to another name is refused", out)
    one_sentence(out, r"^The security certificate of 127\.0\.0\.1 was made "
                 r"out to another name, so chartty did not connect\.$",
                 "in its own sentence")

    missing = os.path.join(WORLD, "no-such-ca.pem")
    rc, out = run(["--ca-file", missing, "--server", url["valid"], *maria],
                  pw)
    ok(rc == 1 and f"cannot read the CA file {missing}" in out,
       "a CA file that is not there is said before anything is sent", out)

    junk = os.path.join(WORLD, "junk-ca.pem")
    with open(junk, "w") as f:
        f.write("not a certificate\n")
    rc, out = run(["--ca-file", junk, "--server", url["valid"], *maria], pw)
    ok(rc == 1 and re.search(r"The CA file .*junk-ca\.pem could not be "
                             r"read as certificates, so chartty did not "
                             r"connect to 127\.0\.0\.1\.", out),
       "a CA file with no certificate in it is said as such", out)


if __name__ == "__main__":
    main()
