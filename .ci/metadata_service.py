#!/usr/bin/env python3
"""The local token endpoint through the official Databricks SDK for Python (`auth_type="metadata-service"`).

    .venv/bin/python .ci/metadata_service.py .build/debug/brickauth

Starts `brickauth --sandbox` as a JSON-RPC child (one JSON value per line on stdin/stdout), reads the sandbox URL from
its stderr, asks `serveCredentials` for the `admin` profile and lists tokens through the sandbox with a
`WorkspaceClient` that knows only the URL; then checks that a `needs-login` profile gives the SDK a clear error and
that the URL never reached stderr. Exits 1 on any failure, 2 when it cannot run at all.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

# Before the SDK is imported: nothing of the developer's environment may steer it.
for _name in list(os.environ):
    if _name.startswith(("DATABRICKS_", "ARM_", "AZURE_", "GOOGLE_")):
        del os.environ[_name]
os.environ["HOME"] = tempfile.mkdtemp(prefix="metadata-service-home-")

from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

START_TIMEOUT_S = 20
EXIT_TIMEOUT_S = 10


class Brickauth:
    """`brickauth --sandbox` as a JSON-RPC child, kept alive by its open stdin."""

    def __init__(self, binary):
        self.process = subprocess.Popen(
            [binary, "--sandbox"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stderr_lines = []
        self.sandbox_url = None
        self.home = None
        self.config = None
        self.next_id = 1
        ready = threading.Event()

        def drain():
            for line in self.process.stderr:
                self.stderr_lines.append(line.rstrip("\n"))
                if match := re.search(r"sandbox home (\S+), config (\S+)", line):
                    self.home, self.config = match.group(1), match.group(2)
                if match := re.search(r"sandbox workspace at (http://\S+)", line):
                    self.sandbox_url = match.group(1)
                    ready.set()
            ready.set()

        threading.Thread(target=drain, daemon=True).start()
        if not ready.wait(START_TIMEOUT_S) or not self.sandbox_url:
            self.stop()
            raise RuntimeError("brickauth --sandbox did not announce its URL; stderr:\n" + "\n".join(self.stderr_lines))

    def call(self, method, params):
        request_id = self.next_id
        self.next_id += 1
        self.process.stdin.write(json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}) + "\n")
        self.process.stdin.flush()
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"brickauth closed stdout before answering {method}")
            message = json.loads(line)
            if message.get("id") == request_id:
                if "error" in message:
                    raise RuntimeError(f"{method} answered {message['error']}")
                return message["result"]

    def stop(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(EXIT_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(EXIT_TIMEOUT_S)


# One process of the refresh check: THREADS threads each sign in through the metadata-service endpoint the
# environment (or the arguments) names, at the same moment, and print a digest of the token they got.
WORKER = """
import hashlib, os, sys, threading, time
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config
start, url, host = float(sys.argv[1]), sys.argv[2], sys.argv[3]
digests, lock = [], threading.Lock()
def work():
    time.sleep(max(0, start - time.time()))
    config = Config(host=host, auth_type="metadata-service", metadata_service_url=url) if url else Config()
    w = WorkspaceClient(config=config)
    w.current_user.me()
    token = w.config.authenticate()["Authorization"]
    with lock:
        digests.append(hashlib.sha256(token.encode()).hexdigest()[:16])
threads = [threading.Thread(target=work) for _ in range(4)]
[t.start() for t in threads]
[t.join() for t in threads]
print(" ".join(digests))
"""


def refresh_once_for_everyone(binary, brickauth, check):
    """Eight Python processes on one endpoint and four `brickauth exec` processes (other brickauth processes, on the
    same token cache), four threads each, all asking at once for an OAuth token about to expire: one refresh."""
    def control(path, body=None):
        request = urllib.request.Request(
            brickauth.sandbox_url + path, method="POST" if body is not None else "GET",
            data=json.dumps(body).encode() if body is not None else None,
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)

    control("/__sandbox/oauth-settings", {"accessTokenLifetimeSeconds": 120})
    login = brickauth.call("login", {"profile": "needs-login"})
    check("refresh: a login whose token expires within 5 minutes", login.get("status") == "complete", str(login)[:200])
    control("/__sandbox/oauth-settings", {"accessTokenLifetimeSeconds": 3600})
    served = brickauth.call("serveCredentials", {"profile": "needs-login"})
    before = control("/__sandbox/calls")["calls"].get("POST /oidc/v1/token", 0)
    start = time.time() + 3
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
    exec_environment = dict(environment, HOME=brickauth.home, DATABRICKS_CONFIG_FILE=brickauth.config)
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(start), served["url"], served["host"]],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
        for _ in range(8)
    ] + [
        subprocess.Popen([binary, "exec", "--profile", "needs-login", "--", sys.executable, "-c", WORKER, str(start),
                          "", ""], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=exec_environment)
        for _ in range(4)
    ]
    digests, statuses = [], []
    for worker in workers:
        out, err = worker.communicate(timeout=90)
        statuses.append(worker.returncode)
        digests += out.split()
        if worker.returncode != 0:
            print(err[-600:], file=sys.stderr)
    refreshes = control("/__sandbox/calls")["calls"].get("POST /oidc/v1/token", 0) - before
    check("refresh: 12 processes x 4 threads all signed in", statuses == [0] * 12 and len(digests) == 48,
          f"statuses {statuses}, {len(digests)} tokens")
    check("refresh: exactly one refresh request for all of them", refreshes == 1, f"{refreshes} token requests")
    check("refresh: one token for all of them (no refresh token reused)", len(set(digests)) == 1,
          f"{len(set(digests))} distinct tokens")


def client(served):
    return WorkspaceClient(
        config=Config(host=served["host"], auth_type="metadata-service", metadata_service_url=served["url"])
    )


def main(binary):
    brickauth = Brickauth(binary)
    failures = []

    def check(name, condition, detail=""):
        print(f"{'ok' if condition else 'FAIL'}: {name}" + (f" ({detail})" if detail and not condition else ""), flush=True)
        if not condition:
            failures.append(name)

    urls = []
    try:
        admin = brickauth.call("serveCredentials", {"profile": "admin"})
        urls.append(admin["url"])
        check("the URL is on 127.0.0.1", admin["url"].startswith("http://127.0.0.1:"), admin["url"][:24])
        check(
            "env points an SDK at the URL",
            admin["env"].get("DATABRICKS_AUTH_TYPE") == "metadata-service"
            and admin["env"].get("DATABRICKS_METADATA_SERVICE_URL") == admin["url"],
        )
        tokens = list(client(admin).tokens.list())
        check("the SDK lists tokens with the served credential", len(tokens) > 0, f"{len(tokens)} tokens")

        needs_login = brickauth.call("serveCredentials", {"profile": "needs-login"})
        urls.append(needs_login["url"])
        try:
            list(client(needs_login).tokens.list())
            check("a profile that needs login is an error in the SDK", False, "the call succeeded")
        except Exception as error:
            # The Python SDK reads only the body's access_token, not the status or the message, so the clearest
            # error it can give is that the metadata service returned no token.
            message = str(error)
            check("a profile that needs login is an error in the SDK", "metadata-service" in message, message[:300])

        stopped = brickauth.call("stopServingCredentials", {"profile": "admin"})
        check("stopServingCredentials stops", stopped == {"stopped": True}, str(stopped))
        try:
            list(client(admin).tokens.list())
            check("a retired URL no longer works", False, "the call succeeded")
        except Exception:
            check("a retired URL no longer works", True)
        refresh_once_for_everyone(binary, brickauth, check)
    finally:
        brickauth.stop()
    stderr = "\n".join(brickauth.stderr_lines)
    secrets = [url.rsplit("/", 1)[-1] for url in urls]
    check("no served URL reached stderr", not any(secret in stderr for secret in secrets))

    # `brickauth exec`: the SDK inside the command finds everything in its environment (no arguments at all), and
    # the environment holds no token.
    program = (
        "import os, sys\n"
        "from databricks.sdk import WorkspaceClient\n"
        "w = WorkspaceClient()\n"
        "print(w.config.auth_type, len(list(w.tokens.list())))\n"
        "leaked = [k for k, v in os.environ.items() if v.startswith('dapi') or v.startswith('eyJ')]\n"
        "print('leaked', leaked)\n"
    )
    run = subprocess.run(
        [binary, "--sandbox", "exec", "--profile", "admin", "--", sys.executable, "-c", program],
        capture_output=True, text=True, timeout=60, env=dict(os.environ),
    )
    lines = run.stdout.splitlines()
    check("exec: the SDK signs in from the environment alone", run.returncode == 0 and bool(lines)
          and lines[0].startswith("metadata-service ") and int(lines[0].split()[1]) > 0,
          f"status {run.returncode}, stdout {run.stdout[:200]!r}, stderr {run.stderr[:300]!r}")
    check("exec: no token in the command's environment", "leaked []" in lines, run.stdout[:300])
    needs = subprocess.run(
        [binary, "--sandbox", "exec", "--profile", "needs-login", "--", sys.executable, "-c", "print('started')"],
        capture_output=True, text=True, timeout=60, env=dict(os.environ),
    )
    check("exec: a profile that needs login fails before the command starts",
          needs.returncode != 0 and "started" not in needs.stdout and len(needs.stderr.strip().splitlines()) == 1,
          f"status {needs.returncode}, stdout {needs.stdout!r}, stderr {needs.stderr!r}")
    print(f"{'all passed' if not failures else str(len(failures)) + ' failed'}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: metadata_service.py PATH/TO/brickauth", file=sys.stderr)
        sys.exit(2)
    try:
        sys.exit(main(sys.argv[1]))
    except RuntimeError as error:
        print(f"metadata_service: {error}", file=sys.stderr)
        sys.exit(2)
