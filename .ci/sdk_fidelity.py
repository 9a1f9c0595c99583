#!/usr/bin/env python3
"""SDK fidelity: drive `brickauth --sandbox`'s emulated workspace with the official Databricks SDK for Python.

The sandbox must behave like Databricks for the calls brickauth makes, so this runs them through the SDK that
Databricks ships (its request shapes, its response parsing into typed objects, its error mapping and its retries)
and checks real values. A check that fails names what differs.

    .venv/bin/python .ci/sdk_fidelity.py .build/debug/brickauth

It starts `brickauth --sandbox` (which serves until its stdin closes), reads the sandbox URL and config file from its
stderr, steers faults and reads call counts through the sandbox's `/__sandbox/` control endpoint, and always ends the
process. It never reads the developer's own setup: `DATABRICKS_*` (and the cloud SDKs' variables) are removed and
`HOME` is a throwaway directory before the SDK is imported, and every client names its config file explicitly.
Prints one line per check and `N passed, M failed`; exits 1 on any failure, 2 when it cannot run at all.

Every new SDK client first asks its host for `/.well-known/databricks-config` (host metadata); the sandbox serves it
in the Go SDK's shape (`config/host_metadata.go`), which the checks below read back.
"""

import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

# Before the SDK is imported: nothing of the developer's environment may steer it.
for _name in list(os.environ):
    if _name.startswith(("DATABRICKS_", "ARM_", "AZURE_", "GOOGLE_")):
        del os.environ[_name]
_HOME = tempfile.mkdtemp(prefix="sdk-fidelity-home-")
os.environ["HOME"] = _HOME

from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config
from databricks.sdk.credentials_provider import CredentialsStrategy
from databricks.sdk.errors import (
    BadRequest,
    InvalidParameterValue,
    NotFound,
    PermissionDenied,
    ResourceDoesNotExist,
    Unauthenticated,
)
from databricks.sdk.service.settings import PublicTokenInfo, TokenInfo
from databricks.sdk.version import __version__ as SDK_VERSION

# The seed of Sources/Sandbox/Workspace/SandboxSeed.swift and SandboxSession.swift.
ADMIN = "admin@sandbox.example"
ADMIN_ID = 4_000_000_000_000_001
USER = "user@sandbox.example"
USER_ID = 4_000_000_000_000_002
SP_APP_ID = "5e1f3c2a-9b8d-4c7e-a6f5-0d1e2f3a4b5c"
SP_ID = 4_000_000_000_000_003
SP_SECRET = "dose0a1b2c3d4e5f60718293a4b5c6d7e8f9"
GITHUB_REQUEST_TOKEN = "ghs_sandboxRequestToken0123456789abcdef"
TOKEN_ENDPOINT = "/oidc/v1/token"
WORKSPACE_ID = 1_234_567_890_123_456
OLD_LAPTOP_ID = "0f1d1a97" * 8
BOOTSTRAP_COMMENT = "sandbox bootstrap token"
QUOTA = 600
DAY_MS = 86_400_000
LIST = "/api/2.0/token/list"
# The SDK appends its config (secrets masked) to the message of every 401 and 403 (core.py _AddDebugErrorCustomizer).
INVALID_TOKEN = "Invalid access token. Config: host="

START_TIMEOUT_S = 20  # for brickauth to print the sandbox URL and config
EXIT_TIMEOUT_S = 10  # for brickauth to exit after its stdin closes
WATCHDOG_S = 240  # the whole run
HTTP_TIMEOUT_S = 10  # one SDK request
RETRY_BUDGET_S = 30  # the SDK's retries of one call


class Mismatch(AssertionError):
    pass


def expect(condition, message):
    if not condition:
        raise Mismatch(message)


def expect_equal(actual, expected, what):
    if actual != expected:
        raise Mismatch(f"{what}: expected {expected!r}, got {actual!r}")


def expect_raises(error_class, call, *, error_code, message=None, message_prefix=None):
    """Runs `call`, which must raise exactly `error_class` (not a parent or a subclass) with this `error_code`."""
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the class is what is checked
        expect(
            type(error) is error_class,
            f"expected {error_class.__name__}, got {type(error).__name__}: {error}",
        )
        expect_equal(error.error_code, error_code, "error_code")
        if message is not None:
            expect_equal(str(error), message, "message")
        if message_prefix is not None:
            expect(str(error).startswith(message_prefix), f"message {str(error)!r} should start {message_prefix!r}")
        return error
    raise Mismatch(f"expected {error_class.__name__}, but the call succeeded")


class Sandbox:
    """`brickauth --sandbox` as a child process, kept alive by its open stdin."""

    def __init__(self, binary):
        env = dict(os.environ)
        self.process = subprocess.Popen(
            [binary, "--sandbox"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        self.stderr_lines = []
        self.url = None
        self.config_file = None
        ready = threading.Event()

        def drain():
            for line in self.process.stderr:
                self.stderr_lines.append(line.rstrip("\n"))
                if match := re.search(r"sandbox workspace at (http://\S+)", line):
                    self.url = match.group(1)
                if match := re.search(r"config (/\S+)\s*$", line):
                    self.config_file = match.group(1)
                if self.url and self.config_file:
                    ready.set()
            ready.set()

        threading.Thread(target=drain, daemon=True).start()
        if not ready.wait(START_TIMEOUT_S) or not (self.url and self.config_file):
            code = self.stop()
            why = f"exited with {code}" if ready.is_set() else f"did not announce it within {START_TIMEOUT_S} s"
            raise RuntimeError(
                f"brickauth --sandbox {why} instead of serving a sandbox URL and config; stderr:\n"
                + "\n".join(self.stderr_lines)
            )

    def stop(self):
        """Closes stdin (brickauth's orderly end), and kills the process if it has not exited in time."""
        if self.process.poll() is not None:
            return self.process.returncode
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            return self.process.wait(EXIT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(EXIT_TIMEOUT_S)
            return None

    def control(self, method, path, body=None):
        """A call to the sandbox's test-control endpoint (no credential; never faulted or counted)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"control {method} {path}: {error.code} {error.read()!r}") from None

    def inject(self, path, fault, *, method=None, times=1):
        rule = {"path": path, "times": times, "fault": fault}
        if method:
            rule["method"] = method
        self.control("POST", "/__sandbox/faults", rule)

    def calls(self):
        return self.control("GET", "/__sandbox/calls")["calls"]

    def reset_calls(self):
        self.control("DELETE", "/__sandbox/calls")

    def oauth_token(self, user_name):
        return self.control("POST", "/__sandbox/oauth-token", {"userName": user_name})["access_token"]

    def subject_token(self, **claims):
        """A JWT of the sandbox's identity provider (the seeded federation policy's issuer, subject and audience
        unless `claims` name others: subject, audience, issuer, lifetimeSeconds)."""
        return self.control("POST", "/__sandbox/oidc-token", claims)["value"]


class NoCredentials(CredentialsStrategy):
    """Sends no Authorization header at all, for the 401 check."""

    def auth_type(self):
        return "none"

    def __call__(self, cfg):
        return lambda: {}


def main(binary):
    logging.getLogger("databricks.sdk").setLevel(logging.ERROR)
    empty_config = os.path.join(_HOME, "empty.databrickscfg")
    open(empty_config, "w").close()
    passed, failed = 0, 0
    sandbox = Sandbox(binary)
    bounds = {"http_timeout_seconds": HTTP_TIMEOUT_S, "retry_timeout_seconds": RETRY_BUDGET_S}

    def profile_client(profile):
        # WorkspaceClient(profile=..., config_file=...) with bounded timeouts.
        return WorkspaceClient(config=Config(profile=profile, config_file=sandbox.config_file, **bounds))

    def token_client(token):
        # A bare host and bearer value: the SDK's `pat` auth; the empty config file is never consulted.
        return WorkspaceClient(config=Config(host=sandbox.url, token=token, config_file=empty_config, **bounds))

    def check(name, body):
        nonlocal passed, failed
        if sandbox.process.poll() is not None:
            failed += 1
            print(f"FAIL {name}: brickauth exited ({sandbox.process.returncode}) before this check", flush=True)
            return
        started = time.monotonic()
        try:
            detail = body()
        except Exception as error:  # noqa: BLE001 - every failure is reported, then the run goes on
            failed += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)
            return
        passed += 1
        suffix = f" ({detail})" if detail else ""
        print(f"ok   {name}{suffix} [{time.monotonic() - started:.1f}s]", flush=True)

    state = {}
    try:
        print(f"databricks-sdk {SDK_VERSION} against {sandbox.url}", flush=True)
        admin = profile_client("admin")
        user = profile_client("user")

        # --- Config and identity -------------------------------------------------------------------------------

        def default_profile():
            w = WorkspaceClient(config=Config(config_file=sandbox.config_file, **bounds))
            expect_equal(w.config.profile, "admin", "profile chosen by [__settings__] default_profile")
            expect_equal(w.config.host, sandbox.url, "host")
            expect_equal(w.config.auth_type, "pat", "auth_type")
            expect_equal(w.current_user.me().user_name, ADMIN, "userName")

        check("config: [__settings__] default_profile selects admin, PAT auth", default_profile)

        def me(client, user_name, user_id, display_name, groups):
            def body():
                who = client.current_user.me()
                expect_equal(who.user_name, user_name, "userName")
                expect_equal(who.id, str(user_id), "id (SCIM ids are strings)")
                expect_equal(who.display_name, display_name, "displayName")
                expect_equal(who.active, True, "active")
                expect_equal(sorted(g.display for g in who.groups), groups, "groups")
                expect_equal([(e.value, e.primary) for e in who.emails], [(user_name, True)], "emails")
                return who.user_name

            return body

        check("current_user.me (admin)", me(admin, ADMIN, ADMIN_ID, "Sandbox Admin", ["admins", "users"]))
        check("current_user.me (user)", me(user, USER, USER_ID, "Sandbox User", ["users"]))

        def host_metadata():
            url = sandbox.url + "/.well-known/databricks-config"
            with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_S) as response:
                meta = json.load(response)
            expect_equal(meta.get("oidc_endpoint"), sandbox.url + "/oidc", "oidc_endpoint")
            expect_equal(meta.get("workspace_id"), str(WORKSPACE_ID), "workspace_id")
            expect_equal(meta.get("host_type"), "WORKSPACE_HOST", "host_type")
            expect(sandbox.calls().get("GET /.well-known/databricks-config", 0) >= 1, "the SDK asked for it")

        check("host metadata: /.well-known/databricks-config, asked for by every new client", host_metadata)

        # --- Token API: the caller's own tokens ----------------------------------------------------------------

        def create_token():
            before = int(time.time() * 1000)
            created = admin.tokens.create(comment="sdk-fidelity", lifetime_seconds=3600)
            after = int(time.time() * 1000)
            info = created.token_info
            expect(isinstance(info, PublicTokenInfo), f"token_info is {type(info).__name__}")
            expect(re.fullmatch(r"dapi[0-9a-f]{32}", created.token_value or ""), "token_value is dapi + 32 hex")
            expect(re.fullmatch(r"[0-9a-f]{64}", info.token_id or ""), f"token_id {info.token_id!r} is 64 hex")
            expect_equal(info.comment, "sdk-fidelity", "comment")
            expect(
                before - 5000 <= info.creation_time <= after + 5000,
                f"creation_time {info.creation_time} is epoch ms of now ({before}..{after})",
            )
            expect_equal(info.expiry_time - info.creation_time, 3600 * 1000, "expiry_time - creation_time (ms)")
            expect_equal(token_client(created.token_value).current_user.me().user_name, ADMIN, "new token's owner")
            state["created"] = created
            return info.token_id[:8]

        check("tokens.create(comment, lifetime_seconds=3600)", create_token)

        def create_without_lifetime():
            info = admin.tokens.create(comment="no lifetime").token_info
            expect_equal(info.expiry_time - info.creation_time, 2 * 365 * DAY_MS, "default lifetime (2 years)")
            state["long_lived"] = info

        check("tokens.create without lifetime lives 2 years", create_without_lifetime)

        def list_admin():
            tokens = list(admin.tokens.list())
            expect(all(isinstance(t, PublicTokenInfo) for t in tokens), "items are PublicTokenInfo")
            by_id = {t.token_id: t for t in tokens}
            created = state["created"].token_info
            expect_equal(by_id.get(created.token_id), created, "the created token as listed")
            expect_equal(by_id[state["long_lived"].token_id], state["long_lived"], "the 2-year token as listed")
            laptop = by_id.get(OLD_LAPTOP_ID)
            expect(laptop is not None, "the seeded 'old laptop' token is listed")
            expect_equal((laptop.comment, laptop.expiry_time), ("old laptop", -1), "old laptop comment, expiry")
            bootstrap = [t for t in tokens if t.comment == BOOTSTRAP_COMMENT]
            expect_equal(len(bootstrap), 1, "bootstrap tokens")
            expect_equal(bootstrap[0].expiry_time, -1, "a token that never expires has expiry_time")
            expect_equal(len(tokens), 4, "admin's tokens")
            state["admin_bootstrap_id"] = bootstrap[0].token_id
            return f"{len(tokens)} tokens"

        check("tokens.list (admin): typed PublicTokenInfo, expiry_time -1 for no expiry", list_admin)

        def wire_types():
            raw = admin.api_client.do("GET", LIST)
            expect_equal(sorted(raw), ["token_infos"], "token/list keys")
            for item in raw["token_infos"]:
                expect("token_value" not in item, "a listed token carries no secret")
                expect(isinstance(item["token_id"], str), "token_id is a JSON string")
                for field in ("creation_time", "expiry_time"):
                    expect(type(item[field]) is int, f"{field} is a JSON number, not {type(item[field]).__name__}")
            conf = admin.api_client.do("GET", "/api/2.0/workspace-conf", query={"keys": "maxTokenLifetimeDays"})
            expect(all(isinstance(v, str) for v in conf.values()), f"workspace-conf values are strings: {conf}")

        check("wire types: int64 times are JSON numbers, no secrets in lists", wire_types)

        def list_user():
            tokens = list(user.tokens.list())
            expect_equal([t.comment for t in tokens], [BOOTSTRAP_COMMENT], "user's tokens")
            expect(state["created"].token_info.token_id not in {t.token_id for t in tokens}, "no admin token")

        check("tokens.list (user) sees only the user's own tokens", list_user)

        def list_empty():
            sp = token_client(sandbox.oauth_token(SP_APP_ID))
            expect_equal(sp.api_client.do("GET", LIST), {}, "the wire answer for no tokens")
            expect_equal(list(sp.tokens.list()), [], "tokens.list() for no tokens")
            expect_equal(sp.current_user.me().user_name, SP_APP_ID, "the caller")

        check("tokens.list for a principal with no tokens: {} on the wire, [] from the SDK", list_empty)

        def delete_token():
            created = state["created"]
            expect_equal(admin.tokens.delete(created.token_info.token_id), None, "tokens.delete result")
            ids = {t.token_id for t in admin.tokens.list()}
            expect(created.token_info.token_id not in ids, "the deleted token is no longer listed")
            expect_raises(
                PermissionDenied,
                token_client(created.token_value).current_user.me,
                error_code=403,
                message_prefix=INVALID_TOKEN,
            )

        check("tokens.delete: gone from the list, its value refused", delete_token)

        def delete_unknown():
            error = expect_raises(
                ResourceDoesNotExist, lambda: admin.tokens.delete("0" * 64), error_code="RESOURCE_DOES_NOT_EXIST"
            )
            expect(isinstance(error, NotFound), "ResourceDoesNotExist is a NotFound")
            expect_raises(
                ResourceDoesNotExist,
                lambda: user.tokens.delete(state["admin_bootstrap_id"]),
                error_code="RESOURCE_DOES_NOT_EXIST",
            )

        check("tokens.delete of an unknown or someone else's id: ResourceDoesNotExist (a NotFound)", delete_unknown)

        # --- Token Management API: admins ---------------------------------------------------------------------

        def management_list():
            tokens = list(admin.token_management.list(created_by_username=ADMIN))
            expect(all(isinstance(t, TokenInfo) for t in tokens), "items are TokenInfo")
            expect_equal({t.created_by_username for t in tokens}, {ADMIN}, "created_by_username")
            expect_equal({t.created_by_id for t in tokens}, {ADMIN_ID}, "created_by_id")
            expect_equal({t.owner_id for t in tokens}, {ADMIN_ID}, "owner_id")
            expect_equal({t.workspace_id for t in tokens}, {WORKSPACE_ID}, "workspace_id")
            ids = {t.token_id for t in tokens}
            expect({OLD_LAPTOP_ID, state["admin_bootstrap_id"], state["long_lived"].token_id} <= ids, "admin's ids")
            bootstrap = next(t for t in tokens if t.token_id == state["admin_bootstrap_id"])
            today = int(time.time() * 1000) // DAY_MS * DAY_MS
            expect(
                bootstrap.last_used_day in (today, today - DAY_MS),
                f"last_used_day {bootstrap.last_used_day} is the start of today (UTC, {today})",
            )
            by_id = list(admin.token_management.list(created_by_id=USER_ID))
            expect_equal([(t.created_by_username, t.comment) for t in by_id], [(USER, BOOTSTRAP_COMMENT)], "by id")
            everyone = list(admin.token_management.list())
            expect_equal(len(everyone), len(tokens) + 1, "every token of the workspace")
            state["management"] = {t.token_id: t for t in everyone}
            return f"{len(tokens)} of admin, {len(everyone)} in all"

        check("token_management.list(created_by_username / created_by_id): typed TokenInfo", management_list)

        def management_list_empty():
            expect_equal(list(admin.token_management.list(created_by_username=SP_APP_ID)), [], "no tokens")

        check("token_management.list with no match: []", management_list_empty)

        def management_get():
            token_id = state["long_lived"].token_id
            got = admin.token_management.get(token_id).token_info
            expect(isinstance(got, TokenInfo), "token_info is TokenInfo")
            expect_equal(got.token_id, token_id, "token_id")
            expect_equal(got.comment, "no lifetime", "comment")
            expect_equal(
                (got.creation_time, got.expiry_time),
                (state["long_lived"].creation_time, state["long_lived"].expiry_time),
                "creation_time, expiry_time",
            )
            expect_raises(
                ResourceDoesNotExist,
                lambda: admin.token_management.get("0" * 64),
                error_code="RESOURCE_DOES_NOT_EXIST",
            )

        check("token_management.get: the token; unknown id ResourceDoesNotExist", management_get)

        def obo():
            before = int(time.time() * 1000)
            created = admin.token_management.create_obo_token(
                application_id=SP_APP_ID, lifetime_seconds=600, comment="sdk-fidelity obo"
            )
            info = created.token_info
            expect(isinstance(info, TokenInfo), "token_info is TokenInfo")
            expect(re.fullmatch(r"dapi[0-9a-f]{32}", created.token_value or ""), "token_value is dapi + 32 hex")
            expect_equal((info.owner_id, info.created_by_id), (SP_ID, ADMIN_ID), "owner_id, created_by_id")
            expect_equal(info.created_by_username, ADMIN, "created_by_username")
            expect_equal(info.comment, "sdk-fidelity obo", "comment")
            expect_equal(info.workspace_id, WORKSPACE_ID, "workspace_id")
            expect(info.creation_time >= before - 5000, "creation_time is now")
            expect_equal(info.expiry_time - info.creation_time, 600_000, "expiry_time - creation_time (ms)")
            sp = token_client(created.token_value)
            expect_equal(sp.current_user.me().user_name, SP_APP_ID, "the OBO token's principal")
            expect_equal([t.token_id for t in sp.tokens.list()], [info.token_id], "the SP's own tokens")
            state["obo"] = created

        check("token_management.create_obo_token: owned by the SP, created by the admin", obo)

        def management_delete():
            obo = state["obo"]
            expect_equal(admin.token_management.delete(obo.token_info.token_id), None, "delete result")
            expect_raises(
                ResourceDoesNotExist,
                lambda: admin.token_management.get(obo.token_info.token_id),
                error_code="RESOURCE_DOES_NOT_EXIST",
            )
            expect_raises(
                PermissionDenied,
                token_client(obo.token_value).tokens.list,
                error_code=403,
                message_prefix=INVALID_TOKEN,
            )
            expect_raises(
                ResourceDoesNotExist,
                lambda: admin.token_management.delete(obo.token_info.token_id),
                error_code="RESOURCE_DOES_NOT_EXIST",
            )

        check(
            "token_management.delete: gone, its value refused, a second delete ResourceDoesNotExist", management_delete
        )

        def non_admin():
            calls = {
                "list": lambda: list(user.token_management.list()),
                "get": lambda: user.token_management.get(OLD_LAPTOP_ID),
                "delete": lambda: user.token_management.delete(OLD_LAPTOP_ID),
                "create_obo_token": lambda: user.token_management.create_obo_token(application_id=SP_APP_ID),
            }
            for name, call in calls.items():
                try:
                    expect_raises(PermissionDenied, call, error_code="PERMISSION_DENIED")
                except Mismatch as mismatch:
                    raise Mismatch(f"{name}: {mismatch}") from None
            expect(OLD_LAPTOP_ID in {t.token_id for t in admin.tokens.list()}, "the user deleted nothing")

        check("token_management as a non-admin: PermissionDenied PERMISSION_DENIED", non_admin)

        # --- Workspace Conf: the token policy ------------------------------------------------------------------

        keys = "maxTokenLifetimeDays,enableTokensConfig"

        def conf_get():
            expect_equal(
                admin.workspace_conf.get_status(keys=keys),
                {"maxTokenLifetimeDays": "", "enableTokensConfig": "true"},
                "get_status",
            )
            expect_equal(
                user.workspace_conf.get_status(keys="enableTokensConfig"), {"enableTokensConfig": "true"}, "user"
            )

        check("workspace_conf.get_status: a flat map of strings, readable by anyone", conf_get)

        def lifetime_cap():
            expect_equal(admin.workspace_conf.set_status({"maxTokenLifetimeDays": "1"}), None, "set_status result")
            expect_equal(
                admin.workspace_conf.get_status(keys="maxTokenLifetimeDays"), {"maxTokenLifetimeDays": "1"}, "cap"
            )
            expect_raises(
                InvalidParameterValue,
                lambda: admin.tokens.create(comment="too long", lifetime_seconds=2 * 86_400),
                error_code="INVALID_PARAMETER_VALUE",
            )
            error = expect_raises(
                InvalidParameterValue,
                lambda: admin.token_management.create_obo_token(application_id=SP_APP_ID, lifetime_seconds=86_401),
                error_code="INVALID_PARAMETER_VALUE",
            )
            expect(isinstance(error, BadRequest), "InvalidParameterValue is a BadRequest")
            info = admin.tokens.create(comment="at the cap", lifetime_seconds=86_400).token_info
            expect_equal(info.expiry_time - info.creation_time, DAY_MS, "a token exactly at the cap")
            admin.tokens.delete(info.token_id)
            admin.workspace_conf.set_status({"maxTokenLifetimeDays": ""})
            expect_equal(
                admin.workspace_conf.get_status(keys="maxTokenLifetimeDays"), {"maxTokenLifetimeDays": ""}, "reset"
            )

        check("workspace_conf.set_status lifetime cap: above it InvalidParameterValue", lifetime_cap)

        def conf_refusals():
            expect_raises(
                PermissionDenied,
                lambda: user.workspace_conf.set_status({"maxTokenLifetimeDays": "5"}),
                error_code="PERMISSION_DENIED",
            )
            expect_raises(
                InvalidParameterValue,
                lambda: admin.workspace_conf.set_status({"maxTokenLifetimeDays": "-1"}),
                error_code="INVALID_PARAMETER_VALUE",
            )
            expect_equal(
                admin.workspace_conf.get_status(keys="maxTokenLifetimeDays"), {"maxTokenLifetimeDays": ""}, "unchanged"
            )

        check("workspace_conf.set_status: non-admin PermissionDenied, bad value InvalidParameterValue", conf_refusals)

        def tokens_disabled():
            admin.workspace_conf.set_status({"enableTokensConfig": "false"})
            try:
                expect_raises(
                    PermissionDenied,
                    lambda: user.tokens.create(comment="while disabled"),
                    error_code="PERMISSION_DENIED",
                )
                # Disabling tokens turns off their use, so even the admin's PAT is refused from now on.
                expect_raises(PermissionDenied, admin.current_user.me, error_code="PERMISSION_DENIED")
                admin_oauth = token_client(sandbox.oauth_token(ADMIN))
                expect_equal(
                    admin_oauth.workspace_conf.get_status(keys="enableTokensConfig"),
                    {"enableTokensConfig": "false"},
                    "setting as read with OAuth",
                )
            finally:
                # An admin signed in with OAuth turns them back on, as on a real workspace.
                token_client(sandbox.oauth_token(ADMIN)).workspace_conf.set_status({"enableTokensConfig": "true"})
            expect_equal(user.current_user.me().user_name, USER, "the user's PAT works again")

        check("tokens disabled: create and use PermissionDenied; OAuth admin re-enables", tokens_disabled)

        # --- Bad credentials ----------------------------------------------------------------------------------

        def bad_token():
            bad = token_client("dapi" + "0" * 32)
            error = expect_raises(PermissionDenied, bad.current_user.me, error_code=403, message_prefix=INVALID_TOKEN)
            expect_raises(PermissionDenied, lambda: list(bad.tokens.list()), error_code=403)
            return f"{type(error).__name__}, error_code {error.error_code!r} (an integer)"

        check("bad PAT: 403 {error_code: 403, 'Invalid access token.'} -> PermissionDenied", bad_token)

        def no_token():
            anonymous = WorkspaceClient(
                config=Config(
                    host=sandbox.url, credentials_strategy=NoCredentials(), config_file=empty_config, **bounds
                )
            )
            error = expect_raises(
                Unauthenticated,
                anonymous.current_user.me,
                error_code=401,
                message_prefix="Credential was not sent or was of an unsupported type for this API. [ReqId: ",
            )
            return f"{type(error).__name__}, error_code {error.error_code!r}"

        check("no credential: 401 -> Unauthenticated", no_token)

        # --- Seeded tokens with a past (what auditTokens is tested against) ---------------------------------

        def seeded_past():
            owner = "seeded@sandbox.example"
            created = 1_700_000_000_123
            expiry = created + 30 * DAY_MS
            used = created + 5 * DAY_MS + 4_567
            ids = sandbox.control(
                "POST",
                "/__sandbox/tokens",
                {
                    "owner": owner,
                    "count": 2,
                    "comment": "seeded",
                    "creationTime": created,
                    "expiryTime": expiry,
                    "lastUsedDay": used,
                },
            )["tokenIds"]
            listed = list(admin.token_management.list(created_by_username=owner))
            expect_equal(sorted(t.token_id for t in listed), sorted(ids), "the seeded ids")
            for token in listed:
                expect_equal(
                    (token.creation_time, token.expiry_time, token.last_used_day),
                    (created, expiry, used // DAY_MS * DAY_MS),
                    "creation_time, expiry_time, last_used_day (the start of its UTC day)",
                )
            now = sandbox.control("GET", "/__sandbox/clock")["now"]
            [never] = sandbox.control(
                "POST", "/__sandbox/tokens", {"owner": owner, "creationTime": {"daysFromNow": -100}}
            )["tokenIds"]
            token = admin.token_management.get(never).token_info
            expect_equal((token.expiry_time, token.last_used_day), (-1, None), "never expires, never used")
            expect(abs(token.creation_time - (now - 100 * DAY_MS)) < 60_000, f"created 100 days before {now}")
            # A second only: the run's OAuth tokens and short-lived PATs must not expire under later checks.
            moved = sandbox.control("POST", "/__sandbox/clock", {"advanceSeconds": 1})["now"]
            expect(moved - now >= 1_000, f"the clock moved a second: {now} -> {moved}")
            return f"{len(listed) + 1} seeded tokens read back"

        check(
            "token_management.list/get read seeded creation_time, expiry_time and last_used_day; the clock moves",
            seeded_past,
        )

        # --- Retries ------------------------------------------------------------------------------------------

        def expected_ids():
            return {t.token_id for t in admin.tokens.list()}

        def retried(fault, times, expected_calls, min_seconds):
            def body():
                ids = expected_ids()
                sandbox.reset_calls()
                sandbox.inject(LIST, fault, method="GET", times=times)
                started = time.monotonic()
                listed = {t.token_id for t in admin.tokens.list()}
                elapsed = time.monotonic() - started
                expect_equal(listed, ids, "the tokens listed after the retries")
                expect_equal(sandbox.calls(), {f"GET {LIST}": expected_calls}, "calls the sandbox saw")
                expect(elapsed >= min_seconds, f"the SDK waited {elapsed:.2f} s, less than {min_seconds} s")
                return f"{expected_calls} calls in {elapsed:.1f} s"

            return body

        check(
            "retry: two 429 with Retry-After: 1 on GET token/list, then success",
            retried({"kind": "status", "status": 429, "retryAfterSeconds": 1}, 2, 3, 2.0),
        )
        check(
            "retry: one 503 on GET token/list, then success",
            retried({"kind": "status", "status": 503}, 1, 2, 1.0),
        )
        check(
            "retry: a dropped connection on GET token/list, then success",
            retried({"kind": "dropConnection"}, 1, 2, 1.0),
        )

        # --- Service principals and workload identity federation ---------------------------------------------

        def machine_client(**settings):
            return WorkspaceClient(config=Config(host=sandbox.url, config_file=empty_config, **settings, **bounds))

        def signs_in_as_sp(client, auth_type, token_requests=1):
            expect_equal(client.config.auth_type, auth_type, "auth_type")
            expect_equal(client.current_user.me().user_name, SP_APP_ID, "SCIM Me of the exchanged token")
            listed = list(client.tokens.list())
            expect_equal(listed, [], "the service principal's own tokens (it has none)")
            token_calls = sandbox.calls().get(f"POST {TOKEN_ENDPOINT}", 0)
            expect_equal(token_calls, token_requests, "token requests for two API calls")

        def m2m():
            sandbox.reset_calls()
            client = machine_client(client_id=SP_APP_ID, client_secret=SP_SECRET)
            signs_in_as_sp(client, "oauth-m2m")
            return "client_credentials with HTTP Basic"

        check("oauth-m2m: WorkspaceClient(host, client_id, client_secret) lists tokens as the SP", m2m)

        def m2m_refusals():
            def post(form, headers=None):
                data = "&".join(f"{k}={urllib.request.quote(v, safe='')}" for k, v in form.items()).encode()
                request = urllib.request.Request(sandbox.url + TOKEN_ENDPOINT, data=data, method="POST")
                request.add_header("Content-Type", "application/x-www-form-urlencoded")
                for name, value in (headers or {}).items():
                    request.add_header(name, value)
                try:
                    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
                        return response.status, json.load(response)
                except urllib.error.HTTPError as error:
                    return error.code, json.loads(error.read())

            status, body = post({"grant_type": "client_credentials", "client_id": SP_APP_ID,
                                 "client_secret": SP_SECRET, "scope": "all-apis"})
            expect_equal((status, body.get("token_type"), body.get("scope")), (200, "Bearer", "all-apis"),
                         "form client authentication")
            expect("refresh_token" not in body, "no refresh token for client credentials")
            status, body = post({"grant_type": "client_credentials", "client_id": SP_APP_ID,
                                 "client_secret": "dose" + "0" * 32})
            expect_equal((status, body.get("error")), (401, "invalid_client"), "a wrong secret")
            error = None
            try:
                machine_client(client_id=SP_APP_ID, client_secret="dose" + "0" * 32).current_user.me()
            except Exception as raised:  # noqa: BLE001 - the SDK's wording is what is checked
                error = raised
            expect(error is not None and "invalid_client" in str(error), f"the SDK reports {error!r}")
            return "form auth accepted; a wrong secret is 401 invalid_client"

        check("oauth-m2m: form client auth works, a wrong secret is refused", m2m_refusals)

        def env_oidc(client_id):
            def body():
                sandbox.reset_calls()
                os.environ["DATABRICKS_OIDC_TOKEN"] = sandbox.subject_token()
                try:
                    settings = {"auth_type": "env-oidc"}
                    if client_id:
                        settings["client_id"] = client_id
                    signs_in_as_sp(machine_client(**settings), "env-oidc")
                finally:
                    del os.environ["DATABRICKS_OIDC_TOKEN"]
                return "token exchange" + (" with client_id" if client_id else " without client_id (account-wide)")

            return body

        check("env-oidc: DATABRICKS_OIDC_TOKEN exchanged, lists tokens as the SP", env_oidc(SP_APP_ID))
        check("env-oidc without client_id: account-wide federation", env_oidc(None))

        def file_oidc():
            sandbox.reset_calls()
            path = os.path.join(_HOME, "oidc-token")
            with open(path, "w") as file:
                file.write(sandbox.subject_token() + "\n")
            signs_in_as_sp(
                machine_client(auth_type="file-oidc", client_id=SP_APP_ID, oidc_token_filepath=path), "file-oidc"
            )
            return "token exchange"

        check("file-oidc: oidc_token_filepath exchanged, lists tokens as the SP", file_oidc)

        def github_oidc():
            sandbox.reset_calls()
            os.environ["ACTIONS_ID_TOKEN_REQUEST_URL"] = sandbox.url + "/__sandbox/github-oidc?api-version=2.0"
            os.environ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = GITHUB_REQUEST_TOKEN
            try:
                client = machine_client(auth_type="github-oidc", client_id=SP_APP_ID)
                # This SDK's github-oidc builds a new token source per request: it exchanges for every call.
                signs_in_as_sp(client, "github-oidc", token_requests=2)
                audience = client.config.token_audience
            finally:
                del os.environ["ACTIONS_ID_TOKEN_REQUEST_URL"]
                del os.environ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]
            expect_equal(audience, sandbox.url + TOKEN_ENDPOINT, "audience (the host metadata's default)")
            return f"audience {audience}"

        check("github-oidc: the Actions ID token endpoint, then the exchange", github_oidc)

        def default_order_picks_federation():
            # No auth_type: the SDK's default credential order picks the strategy from what the job provides.
            picked = []
            sandbox.reset_calls()
            os.environ["ACTIONS_ID_TOKEN_REQUEST_URL"] = sandbox.url + "/__sandbox/github-oidc?api-version=2.0"
            os.environ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = GITHUB_REQUEST_TOKEN
            try:
                signs_in_as_sp(machine_client(client_id=SP_APP_ID), "github-oidc", token_requests=2)
                picked.append("github-oidc")
            finally:
                del os.environ["ACTIONS_ID_TOKEN_REQUEST_URL"]
                del os.environ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]
            sandbox.reset_calls()
            os.environ["DATABRICKS_OIDC_TOKEN"] = sandbox.subject_token()
            try:
                signs_in_as_sp(machine_client(client_id=SP_APP_ID), "env-oidc")
                picked.append("env-oidc")
            finally:
                del os.environ["DATABRICKS_OIDC_TOKEN"]
            sandbox.reset_calls()
            path = os.path.join(_HOME, "oidc-token-older-variable")
            with open(path, "w") as file:
                file.write(sandbox.subject_token() + "\n")
            os.environ["DATABRICKS_OIDC_TOKEN_FILE"] = path
            try:
                # Without auth_type the SDK refuses a token file together with client_id (two auth methods
                # configured), so this one is an account-wide federation policy.
                signs_in_as_sp(machine_client(), "file-oidc")
                picked.append("file-oidc (DATABRICKS_OIDC_TOKEN_FILE)")
            finally:
                del os.environ["DATABRICKS_OIDC_TOKEN_FILE"]
            return ", ".join(picked)

        check("default order: github-oidc, env-oidc and file-oidc chosen without auth_type", default_order_picks_federation)

        def federation_refusals():
            refusals = {
                "another subject": sandbox.subject_token(subject="repo:someone/else:ref:refs/heads/main"),
                "another issuer": sandbox.subject_token(issuer="https://issuer.elsewhere.example"),
                "another audience": sandbox.subject_token(audience="https://elsewhere.example"),
                "expired": sandbox.subject_token(lifetimeSeconds=-60),
                "altered": sandbox.subject_token()[:-4] + "AAAA",
            }
            for what, token in refusals.items():
                os.environ["DATABRICKS_OIDC_TOKEN"] = token
                error = None
                try:
                    machine_client(auth_type="env-oidc", client_id=SP_APP_ID).current_user.me()
                except Exception as raised:  # noqa: BLE001 - the SDK's wording is what is checked
                    error = raised
                finally:
                    del os.environ["DATABRICKS_OIDC_TOKEN"]
                expect(error is not None and "invalid_request" in str(error), f"{what}: the SDK reports {error!r}")
            return f"{len(refusals)} tokens refused with invalid_request"

        check("federation: wrong subject, issuer, audience, expired or altered JWT refused", federation_refusals)

        # --- Quota --------------------------------------------------------------------------------------------

        def quota():
            have = len(list(user.tokens.list()))
            for index in range(QUOTA - have):
                user.tokens.create(comment=f"quota {index}", lifetime_seconds=3600)
            error = expect_raises(
                BadRequest, lambda: user.tokens.create(comment="one too many"), error_code="QUOTA_EXCEEDED"
            )
            expect_equal(len(list(user.tokens.list())), QUOTA, "tokens after the refusal")
            return f"{QUOTA} tokens, then {type(error).__name__} QUOTA_EXCEEDED"

        check("quota: token number 601 -> BadRequest QUOTA_EXCEEDED", quota)

        # --- A profile brickauth minted a token into ------------------------------------------------------------

        def brickauth(method, params):
            # A second brickauth (not the sandbox one) on the sandbox's config file, as a user would run it.
            env = dict(os.environ, DATABRICKS_CONFIG_FILE=sandbox.config_file)
            line = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
            done = subprocess.run(
                [binary], input=line + "\n", capture_output=True, text=True, env=env, timeout=HTTP_TIMEOUT_S * 3
            )
            answer = json.loads(done.stdout.splitlines()[0])
            expect("result" in answer, f"{method} answered {answer.get('error')}")
            return answer["result"]

        def minted_profile():
            created = brickauth("createToken", {"profile": "admin", "saveAsProfile": "minted", "comment": "minted"})
            rotated = brickauth("rotateToken", {"profile": "minted"})
            expect_equal(rotated["oldTokenId"], created["tokenId"], "the recorded id, revoked by the rotation")
            expect_equal(rotated["oldTokenRevoked"], True, "oldTokenRevoked")
            with open(sandbox.config_file) as config:
                text = config.read()
            expect(
                re.search(rf"\[minted\][^\[]*\nbrickauth_minted_token = {rotated['tokenId']} sha256:[0-9a-f]{{64}} ", text),
                "the profile holds the record of the rotated token",
            )
            w = WorkspaceClient(config=Config(profile="minted", config_file=sandbox.config_file, **bounds))
            expect_equal(w.config.auth_type, "pat", "auth_type of the minted profile")
            expect_equal(w.config.host, sandbox.url, "host of the minted profile")
            ids = {t.token_id for t in w.tokens.list()}
            expect(rotated["tokenId"] in ids, "the rotated token is listed")
            expect(created["tokenId"] not in ids, "the token it replaced is revoked")
            expect_equal(w.current_user.me().user_name, ADMIN, "the minted profile's user")
            return rotated["tokenId"][:8]

        check(
            "a profile with brickauth_minted_token (createToken saveAsProfile, rotateToken) works in the SDK",
            minted_profile,
        )
    finally:
        code = sandbox.stop()
        if code not in (0, None):
            print(f"note: brickauth exited {code}; stderr:\n" + "\n".join(sandbox.stderr_lines), flush=True)
    if code is None:
        failed += 1
        print(f"FAIL brickauth did not exit within {EXIT_TIMEOUT_S} s of its stdin closing (killed)", flush=True)
    elif code != 0:
        failed += 1
        print(f"FAIL brickauth exited {code} after its stdin closed", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


class Watchdog(BaseException):
    """Not an Exception, so no check swallows it: it ends the run (the `finally` still stops brickauth)."""


def watchdog(signum, frame):
    raise Watchdog(f"the whole run took more than {WATCHDOG_S} s")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: sdk_fidelity.py PATH/TO/brickauth", file=sys.stderr)
        sys.exit(2)
    signal.signal(signal.SIGALRM, watchdog)
    signal.alarm(WATCHDOG_S)
    try:
        sys.exit(main(sys.argv[1]))
    except (RuntimeError, OSError, Watchdog) as error:
        print(f"sdk_fidelity: {error}", file=sys.stderr)
        sys.exit(2)
    finally:
        shutil.rmtree(_HOME, ignore_errors=True)
