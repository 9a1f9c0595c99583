#!/usr/bin/env python3
"""Drives `brickauth --sandbox` through the official MCP Python SDK's stdio client, as an agent host would.

Usage: mcp_clients.py <brickauth binary> <mode>, where mode is legacy, auto or 2026-07-28 with mcp 2.x, or v1 with
mcp 1.x. Asserts real values: the tool set and schemas, structuredContent against each tool's outputSchema, the
token value withheld, a login with progress, application errors as isError, getToken refused, a cancelled login whose
loopback listener closes and after which the server still serves, and no warnings from the client. Prints one line per check and "N passed, M failed".
"""
import logging
import sys
import warnings

import anyio
import jsonschema

BINARY, MODE = sys.argv[1], sys.argv[2]
OLD_LAPTOP = "0f1d1a97" * 8
TOOLS = {
    "listProfiles", "createToken", "listTokens", "revokeToken", "getTokenSettings", "setMaxLifetime",
    "setTokensEnabled", "login", "logout", "describeProfile", "rotateToken", "auditTokens",
}
passed, failed = 0, 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {MODE}: {name}")
    else:
        failed += 1
        print(f"FAIL {MODE}: {name} {detail}")


def field(obj, *names):
    for name in names:
        if hasattr(obj, name):
            return getattr(obj, name)
    return None


class Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage())


async def exercise(list_tools, call, alive):
    tools = await list_tools()
    by_name = {t.name: t for t in tools}
    check("tools/list has exactly the documented tools", set(by_name) == TOOLS, sorted(by_name))
    check("getToken is not a tool", "getToken" not in by_name)
    check("every inputSchema is an object schema",
          all(field(t, "inputSchema", "input_schema").get("type") == "object" for t in tools))
    schemas = {name: field(t, "outputSchema", "output_schema") for name, t in by_name.items()}
    check("every tool has an outputSchema", all(isinstance(s, dict) for s in schemas.values()))

    async def tool(name, arguments, progress=None):
        result = await call(name, arguments, progress)
        structured = field(result, "structuredContent", "structured_content")
        error = bool(field(result, "isError", "is_error"))
        if not error and isinstance(structured, dict):
            try:
                jsonschema.validate(structured, schemas[name])
                check(f"{name}: structuredContent matches its outputSchema", True)
            except jsonschema.ValidationError as problem:
                check(f"{name}: structuredContent matches its outputSchema", False, problem.message)
        return error, structured or {}, result

    error, profiles, _ = await tool("listProfiles", {})
    names = [p["name"] for p in profiles.get("profiles", [])]
    check("listProfiles lists the sandbox profiles", not error and names == ["admin", "user", "needs-login", "sp"], names)
    host = profiles["profiles"][0]["host"] if names else ""

    error, created, _ = await tool("createToken", {"comment": "mcp", "lifetimeSeconds": 600})
    check("createToken works and withholds the token value",
          not error and created.get("tokenValue") is None and created.get("comment") == "mcp", created)
    error, listed, _ = await tool("listTokens", {})
    check("listTokens shows the new token",
          not error and any(t["comment"] == "mcp" for t in listed.get("tokens", [])))
    error, revoked, _ = await tool("revokeToken", {"tokenId": OLD_LAPTOP})
    check("revokeToken revokes the old laptop token", not error and revoked.get("revoked") == [OLD_LAPTOP], revoked)
    error, settings, _ = await tool("getTokenSettings", {})
    check("getTokenSettings reads the policy", not error and settings.get("tokensEnabled") is True, settings)
    error, changed, _ = await tool("setMaxLifetime", {"days": 90})
    check("setMaxLifetime sets 90 days", not error and changed == {"maxTokenLifetimeDays": 90, "previous": 0}, changed)

    progress = []

    async def on_progress(value, total, message):
        progress.append(value)

    error, login, _ = await tool("login", {"profile": "needs-login"}, on_progress)
    check("login completes in the sandbox", not error and login.get("status") == "complete", login)
    check("login reports progress to the callback", len(progress) >= 1, progress)

    error, _, result = await tool("revokeToken", {"tokenId": "nope"})
    check("an application error is isError with a message", error and "not_found" in result.content[0].text)
    try:
        await call("getToken", {}, None)
        check("getToken cannot be called as a tool", False)
    except Exception as problem:  # the SDKs raise their MCP error type for a JSON-RPC error
        check("getToken cannot be called as a tool", "Unknown tool" in str(problem), str(problem))

    if MODE == "v1":
        # mcp 1.x never sends notifications/cancelled when a call is abandoned, so there is nothing to cancel on the
        # server: an abandoned call would only stay in flight until the client terminates the process.
        print(f"note {MODE}: the 1.x client cannot cancel a request; cancellation is checked with the 2.x client")
        return
    # A login waits on its loopback listener (8020..8040); cancelling the call must close that listener.
    before = listening_login_ports()
    opened = set()
    with anyio.CancelScope() as scope:
        async def abandon():
            nonlocal opened
            with anyio.fail_after(10):
                while not opened:
                    await anyio.sleep(0.05)
                    opened = listening_login_ports() - before
            scope.cancel()

        async with anyio.create_task_group() as group:
            group.start_soon(abandon)
            await call("login", {"profile": "cancelled", "host": host, "openBrowser": False, "waitSeconds": 60}, None)
    check("a login in flight listens on a port of 8020..8040", len(opened) == 1, sorted(opened))
    closed = False
    with anyio.move_on_after(5):
        while not closed:
            await anyio.sleep(0.05)
            closed = not (listening_login_ports() & opened)
    check("cancelling the call closed the login's listener", opened and closed, sorted(opened))
    check("the service still serves after a cancelled call", await alive())


def listening_login_ports():
    """The ports of 8020..8040 something listens on, read from /proc so that looking does not disturb a listener."""
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as lines:
                for line in list(lines)[1:]:
                    fields = line.split()
                    port = int(fields[1].rsplit(":", 1)[1], 16)
                    if fields[3] == "0A" and 8020 <= port <= 8040:
                        ports.add(port)
        except OSError:
            pass
    return ports


async def main():
    handler = Warnings()
    logging.getLogger().addHandler(handler)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with anyio.fail_after(120):
            if MODE == "v1":
                from mcp import ClientSession, StdioServerParameters
                from mcp.client.stdio import stdio_client

                params = StdioServerParameters(command=BINARY, args=["--sandbox"])
                async with stdio_client(params) as (read, write):
                    async with ClientSession(read, write) as session:
                        await session.initialize()

                        async def list_tools():
                            return (await session.list_tools()).tools

                        async def call(name, arguments, progress):
                            return await session.call_tool(name, arguments, progress_callback=progress)

                        async def alive():
                            return len(await list_tools()) == len(TOOLS)

                        await exercise(list_tools, call, alive)
            else:
                from mcp import Client
                from mcp.client.stdio import StdioServerParameters

                params = StdioServerParameters(command=BINARY, args=["--sandbox"])
                async with Client(params, mode=MODE) as client:
                    check("a protocol version was negotiated", bool(client.protocol_version), client.protocol_version)

                    async def list_tools():
                        return (await client.list_tools()).tools

                    async def call(name, arguments, progress):
                        return await client.call_tool(name, arguments, progress_callback=progress)

                    async def alive():
                        return len(await list_tools()) == len(TOOLS)

                    await exercise(list_tools, call, alive)
    noise = [str(w.message) for w in caught] + handler.records
    check("no warnings from the client", not noise, noise[:3])


anyio.run(main)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
