import Databricks
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite struct BrowserOpenerTests {
  private static let url = "https://dbc.example/oidc/v1/authorize?client_id=databricks-cli&state=s3cr3t"
  private static let openers = ["xdg-open", "x-www-browser", "www-browser"]

  private func decide(_ environment: [String: String], executables: Set<String>) -> BrowserOpener.Decision {
    BrowserOpener.decide(
      url: Self.url,
      environment: environment,
      fileExists: { executables.contains($0) },
      platformOpeners: Self.openers
    )
  }

  @Test func usesThePlatformOpenerWhenBrowserIsUnset() {
    let path = ["PATH": "/usr/local/bin:/usr/bin:/bin"]
    #expect(decide(path, executables: ["/usr/bin/xdg-open"]) == .run(["/usr/bin/xdg-open", Self.url]))
    #expect(
      decide(path.merging(["BROWSER": ""]) { $1 }, executables: ["/bin/xdg-open"]) == .run(["/bin/xdg-open", Self.url])
    )
    #expect(
      decide(path, executables: ["/usr/bin/www-browser", "/bin/x-www-browser"])
        == .run(["/bin/x-www-browser", Self.url]),
      "openers in order of preference, whichever PATH entry has them"
    )
    #expect(
      decide(path, executables: ["/usr/local/bin/xdg-open", "/usr/bin/xdg-open"])
        == .run(["/usr/local/bin/xdg-open", Self.url]),
      "the first PATH entry wins"
    )
    #expect(decide(path, executables: ["/usr/bin/firefox"]) == .noOpenerFound)
    #expect(decide([:], executables: ["/usr/bin/xdg-open"]) == .run(["/usr/bin/xdg-open", Self.url]), "PATH unset")
    #expect(decide([:], executables: ["/usr/local/bin/xdg-open"]) == .noOpenerFound)
  }

  @Test func skipsRelativePathEntries() {
    let environment = ["PATH": ":bin:./tools::/usr/bin"]
    #expect(decide(environment, executables: ["/xdg-open", "bin/xdg-open", "./tools/xdg-open"]) == .noOpenerFound)
    #expect(decide(environment, executables: ["/usr/bin/xdg-open"]) == .run(["/usr/bin/xdg-open", Self.url]))
  }

  @Test func opensNothingForNone() {
    #expect(decide(["BROWSER": "none"], executables: ["/usr/bin/xdg-open"]) == .disabled)
    #expect(
      BrowserOpener.command(for: Self.url, environment: ["BROWSER": "none"], fileExists: { _ in true }) == nil
    )
    #expect(decide(["BROWSER": "None"], executables: []) == .run(["None", Self.url]), "only the exact word")
  }

  @Test func runsBrowserAsOneExecutable() {
    let path = ["PATH": "/usr/bin:/bin"]
    #expect(
      decide(path.merging(["BROWSER": "firefox"]) { $1 }, executables: ["/usr/bin/firefox", "/usr/bin/xdg-open"])
        == .run(["/usr/bin/firefox", Self.url])
    )
    #expect(
      decide(path.merging(["BROWSER": "/opt/My Browser/run"]) { $1 }, executables: ["/opt/My Browser/run"])
        == .run(["/opt/My Browser/run", Self.url])
    )
    #expect(
      decide(path.merging(["BROWSER": "firefox --new-window"]) { $1 }, executables: ["/usr/bin/firefox"])
        == .run(["firefox --new-window", Self.url]),
      "not split on spaces"
    )
    #expect(
      decide(path.merging(["BROWSER": "missing"]) { $1 }, executables: []) == .run(["missing", Self.url]),
      "a BROWSER that is not found is left to the launch to report"
    )
    #expect(
      BrowserOpener.command(for: Self.url, environment: ["BROWSER": "/b"], fileExists: { _ in false }) == [
        "/b", Self.url,
      ]
    )
  }

  /// Only a URL that cannot be read as an option and cannot reach a local file or another scheme handler is handed
  /// to the browser; the authorization endpoint comes from a discovery document brickauth does not control.
  @Test(arguments: [
    "-", "--remote-debugging-port=9222", "-https://dbc.example/", "--app=https://dbc.example/",
    "file:///etc/passwd", "FILE:///etc/passwd", "javascript:alert(1)", "data:text/html,hi", "ftp://dbc.example/",
    "http://dbc.example/authorize", "http://localhost@evil.example/", "http://127.0.0.1.evil.example/",
    "https:dbc.example/authorize", "https:///path", "//dbc.example/", " https://dbc.example/", "https://dbc.example/ x",
    "https://dbc.example/\n--kiosk", "", "dbc.example/authorize", "http://evil.example\\@127.0.0.1/",
  ])
  func refusesAnythingButHTTPSOrLoopbackHTTP(url: String) {
    #expect(BrowserOpener.command(for: url, environment: ["BROWSER": "/b"], fileExists: { _ in true }) == nil)
    #expect(BrowserOpener.decide(url: url, environment: [:], fileExists: { _ in true }) == .refusedURL)
    #expect(throws: BrowserOpenerError.refusedURL) {
      try BrowserOpener.open(url, environment: ["BROWSER": "/bin/true"])
    }
  }

  @Test(arguments: [
    "https://dbc.example/oidc/v1/authorize?state=s", "HTTPS://DBC.example:443/a", "http://localhost:8020/callback",
    "http://127.0.0.1:8020/", "http://[::1]:8020/", "HTTP://LOCALHOST/",
  ])
  func opensHTTPSAndLoopbackHTTP(url: String) {
    #expect(BrowserOpener.command(for: url, environment: ["BROWSER": "/b"], fileExists: { _ in true }) == ["/b", url])
  }

  @Test func knowsThePlatformsOpeners() {
    #if os(macOS)
      #expect(BrowserOpener.platformOpeners == ["open"])
    #else
      #expect(BrowserOpener.platformOpeners.first == "xdg-open")
    #endif
  }

  @Test func errorsNameTheProgramNotTheURL() {
    let errors: [BrowserOpenerError] = [
      .noOpenerFound, .launchFailed(executable: "/b", reason: "No such file"), .refusedURL,
    ]
    for error in errors { #expect(!error.description.contains("s3cr3t")) }
    #expect(BrowserOpenerError.noOpenerFound.description.contains("no browser opener found"))
  }
}

@Suite struct BrowserLaunchTests {
  private static let url =
    "https://dbc.example/oidc/v1/authorize?state=s3cr3t&redirect_uri=http%3A%2F%2Flocalhost%3A8020"

  /// A BROWSER helper that records its argument, stdio and session, then stays until the test releases it (or
  /// 30 s pass): `open` returning while it still runs is the proof that brickauth does not wait for it.
  private static let script = """
    #!/bin/sh
    dir=$(dirname "$0")
    echo "noise on stdout"
    echo "noise on stderr" >&2
    if [ -r /proc/$$/stat ]; then
      stdio=$(readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2)
      printf '%s\n' "$stdio" > "$dir/stdio.tmp" && mv "$dir/stdio.tmp" "$dir/stdio"
      cut -d' ' -f6 /proc/$$/stat > "$dir/session.tmp" && mv "$dir/session.tmp" "$dir/session"
    fi
    printf '%s' "$1" > "$dir/argument.tmp" && mv "$dir/argument.tmp" "$dir/argument"
    i=0
    while [ ! -e "$dir/release" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
    touch "$dir/finished"
    """

  private func makeScript(in directory: URL) throws -> String {
    let path = directory.appendingPathComponent("browser.sh").path
    try Self.script.write(toFile: path, atomically: true, encoding: .utf8)
    guard chmod(path, 0o755) == 0 else { throw POSIXError(.EACCES) }
    return path
  }

  /// Waits (bounded: 20 s) for a file to appear; `false` if it never did.
  private func waitForFile(_ path: String) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(20)
    while !FileManager.default.fileExists(atPath: path) {
      guard ContinuousClock.now < deadline else { return false }
      try await Task.sleep(for: .milliseconds(10))
    }
    return true
  }

  @Test func launchesBrowserDetachedAndDoesNotWaitForIt() async throws {
    try await ScratchDirectory.with(prefix: "browser") { directory in
      let script = try makeScript(in: directory)
      let file = { (name: String) in directory.appendingPathComponent(name).path }
      let outcome = try BrowserOpener.open(Self.url, environment: ["BROWSER": script, "PATH": "/usr/bin:/bin"])
      guard case .launched(let pid) = outcome else {
        Issue.record("not launched: \(outcome)")
        return
      }
      // `open` has returned; the helper is still waiting for the release file, which does not exist yet.
      #expect(try await waitForFile(file("argument")))
      #expect(try String(contentsOfFile: file("argument"), encoding: .utf8) == Self.url)
      #expect(!FileManager.default.fileExists(atPath: file("finished")), "open returned while the helper still runs")
      #expect(kill(pid, 0) == 0)
      if FileManager.default.fileExists(atPath: "/proc/self/stat") {
        #expect(try await waitForFile(file("stdio")))
        let stdio = try String(contentsOfFile: file("stdio"), encoding: .utf8)
        #expect(stdio == "/dev/null\n/dev/null\n/dev/null\n", "\(stdio.debugDescription)")
        #expect(try await waitForFile(file("session")))
        let session = try String(contentsOfFile: file("session"), encoding: .utf8)
        #expect(session.trimmingCharacters(in: .whitespacesAndNewlines) == "\(pid)", "leads a session of its own")
        #expect(getsid(0) != pid)
      }

      #expect(FileManager.default.createFile(atPath: file("release"), contents: nil))
      #expect(try await waitForFile(file("finished")))
      // Once it exits it is reaped, not left a zombie (a zombie still answers `kill(pid, 0)`).
      let deadline = ContinuousClock.now + .seconds(20)
      while kill(pid, 0) == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
      #expect(kill(pid, 0) == -1 && errno == ESRCH)
    }
  }

  @Test func theBrowserDoesNotInheritSecrets() async throws {
    try await ScratchDirectory.with(prefix: "browser") { directory in
      let script = directory.appendingPathComponent("env.sh").path
      let dump = directory.appendingPathComponent("environment").path
      try "#!/bin/sh\nenv > \"$0.tmp\" && mv \"$0.tmp\" \"\(dump)\"\n".write(
        toFile: script,
        atomically: true,
        encoding: .utf8
      )
      #expect(chmod(script, 0o755) == 0)
      let environment = [
        "BROWSER": script, "PATH": "/usr/bin:/bin", "DISPLAY": ":0", "DATABRICKS_TOKEN": "dapi-leaked",
        "DATABRICKS_CLIENT_SECRET": "leaked", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "leaked",
      ]
      _ = try BrowserOpener.open(Self.url, environment: environment)
      #expect(try await waitForFile(dump))
      let printed = try String(contentsOfFile: dump, encoding: .utf8)
      #expect(printed.contains("DISPLAY=:0"))
      #expect(!printed.contains("leaked"), "\(printed)")
    }
  }

  @Test func reportsABrowserThatCannotStart() throws {
    #expect(
      throws: BrowserOpenerError.launchFailed(executable: "/nonexistent/browser", reason: "No such file or directory")
    ) {
      try BrowserOpener.open(Self.url, environment: ["BROWSER": "/nonexistent/browser"])
    }
  }

  @Test func reportsANonExecutableBrowser() async throws {
    try await ScratchDirectory.with(prefix: "browser") { directory in
      let path = directory.appendingPathComponent("not-executable").path
      try "#!/bin/sh\n".write(toFile: path, atomically: true, encoding: .utf8)
      #expect(throws: BrowserOpenerError.launchFailed(executable: path, reason: "Permission denied")) {
        try BrowserOpener.open(Self.url, environment: ["BROWSER": path])
      }
    }
  }

  @Test func opensNothingForNoneAndReportsAMissingOpener() async throws {
    #expect(try BrowserOpener.open(Self.url, environment: ["BROWSER": "none"]) == .disabled)
    try await ScratchDirectory.with(prefix: "browser") { directory in
      _ = #expect(throws: BrowserOpenerError.noOpenerFound) {
        try BrowserOpener.open(Self.url, environment: ["PATH": directory.path])
      }
    }
  }
}
