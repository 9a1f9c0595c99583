import Basics
import Foundation
import JSON
import JSONRPC
import Sandbox

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// brickauth-bench: measures the built `brickauth` next to this binary. Run in release mode:
//   swift build -c release && .build/release/brickauth-bench
// Figures go into README. Timing goals live here, never in timed tests.

let arguments = Array(CommandLine.arguments.dropFirst())
let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  .appendingPathComponent("brickauth").path
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("brickauth-bench-\(getpid())")
try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: scratch) }

// A realistic config: ten profiles of the usual kinds.
var config = "; benchmark config\n[DEFAULT]\nhost = https://dbc-0000.cloud.databricks.com\ntoken = dapi-bench\n"
for index in 1...9 {
  config += "\n[profile-\(index)]\nhost = https://dbc-\(index).cloud.databricks.com\nauth_type = databricks-cli\n"
}
let configPath = scratch.appendingPathComponent("databrickscfg").path
try config.write(toFile: configPath, atomically: true, encoding: .utf8)
let environment = ["HOME=\(scratch.path)", "DATABRICKS_CONFIG_FILE=\(configPath)", "PATH=/usr/bin:/bin"]

// `brickauth-bench --watch`: only the credential-watch rows (latency of notifications, idle CPU of a watch).
if arguments.contains("--watch") {
  print("| measure | result | goal |")
  print("| --- | --- | --- |")
  for row in try WatchBench.rows(executable: executable, scratch: scratch) {
    print("| \(row.0) | \(row.1) | \(row.2) |")
  }
  try? FileManager.default.removeItem(at: scratch)
  exit(0)
}

// `brickauth-bench --audit`: only the `auditTokens` rows.
if arguments.contains("--audit") {
  print("| measure | result | goal |")
  print("| --- | --- | --- |")
  for row in try await AuditBench.rows(executable: executable, scratch: scratch) {
    print("| \(row.0) | \(row.1) | \(row.2) |")
  }
  try? FileManager.default.removeItem(at: scratch)
  exit(0)
}

/// One run of the executable: `input` is written to its stdin (then closed), stdout is read to the end.
struct Run {
  var seconds: Double
  var maxRSSKiB: Int
  var stdoutLines: Int
}

func spawn(_ input: [UInt8], extraArguments: [String] = []) -> Run {
  var stdinPipe: [Int32] = [0, 0]
  var stdoutPipe: [Int32] = [0, 0]
  _ = pipe(&stdinPipe)
  _ = pipe(&stdoutPipe)
  var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
  posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
  posix_spawn_file_actions_addclose(&actions, stdinPipe[1])
  posix_spawn_file_actions_addclose(&actions, stdoutPipe[0])
  let argv = ([executable] + extraArguments).map { strdup($0) } + [nil]
  let envp = environment.map { strdup($0) } + [nil]
  var pid: pid_t = 0
  let start = DispatchTime.now().uptimeNanoseconds
  let status = posix_spawn(&pid, executable, &actions, nil, argv, envp)
  precondition(status == 0, "cannot start \(executable): run `swift build -c release` first")
  close(stdinPipe[0])
  close(stdoutPipe[1])
  // Write stdin on another thread so a full stdout pipe cannot deadlock us.
  let writerDone = DispatchSemaphore(value: 0)
  let inputFD = stdinPipe[1]
  Thread {
    input.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return }
      var offset = 0
      while offset < buffer.count {
        let written = write(inputFD, base + offset, buffer.count - offset)
        if written <= 0 { break }
        offset += written
      }
    }
    close(inputFD)
    writerDone.signal()
  }.start()
  // Linux: `ru_maxrss` of a posix_spawn'ed child includes this process's own peak (glibc spawns with vfork, and
  // exec carries the shared address space's high-water mark into the child), so read the child's `VmHWM`
  // from /proc while it runs instead; it only grows, so the last reading is the peak.
  let peakKiB = Locked(0)
  let childPID = pid
  let sampler = Thread {
    while let kib = highWaterMarkKiB(childPID) {
      peakKiB.withLock { $0 = max($0, kib) }
      usleep(2_000)
    }
  }
  sampler.start()
  var lines = 0
  var buffer = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let count = read(stdoutPipe[0], &buffer, buffer.count)
    if count <= 0 { break }
    for byte in buffer[0..<count] where byte == 0x0A { lines += 1 }
  }
  var waitStatus: Int32 = 0
  var usage = rusage()
  wait4(pid, &waitStatus, 0, &usage)
  let end = DispatchTime.now().uptimeNanoseconds
  writerDone.wait()
  close(stdoutPipe[0])
  posix_spawn_file_actions_destroy(&actions)
  for pointer in argv + envp { free(pointer) }
  #if os(macOS)
    let maxRSSKiB = Int(usage.ru_maxrss) / 1024
  #else
    let maxRSSKiB = peakKiB.withLock { $0 }
    _ = usage
  #endif
  return Run(seconds: Double(end - start) / 1e9, maxRSSKiB: maxRSSKiB, stdoutLines: lines)
}

/// `VmHWM` of a running process in KiB, or `nil` once it has exited (Linux only).
func highWaterMarkKiB(_ pid: pid_t) -> Int? {
  guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
  else { return nil }
  return Int(line.split(separator: " ").dropFirst().first ?? "")
}

func requests(_ method: String, count: Int) -> [UInt8] {
  var text = ""
  text.reserveCapacity(count * 60)
  for id in 0..<count { text += #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)"}"# + "\n" }
  return Array(text.utf8)
}

func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted[sorted.count / 2]
}

var peakRSS = 0
var rows: [(String, String, String)] = []

// (a) Cold start: spawn, one request, EOF, exit (the first run warms the page cache and is dropped).
for method in ["listProfiles", "ping"] {
  let coldRuns = (0..<41).map { _ in spawn(requests(method, count: 1)) }.dropFirst()
  precondition(coldRuns.allSatisfy { $0.stdoutLines == 1 }, "\(method) did not answer")
  peakRSS = max(peakRSS, coldRuns.map(\.maxRSSKiB).max() ?? 0)
  let coldMedian = median(coldRuns.map(\.seconds)) * 1000
  rows.append(
    ("cold start: spawn, `\(method)`, EOF, exit (median of 40)", String(format: "%.1f ms", coldMedian), "≤ 20 ms")
  )
}

// `brickauth token` cold, against `brickauth --version`: the floor of starting any program that links
// FoundationNetworking (it exits before brickauth's own code runs).
let tokenRuns = (0..<41).map { _ in spawn([], extraArguments: ["token", "--output", "text"]) }.dropFirst()
precondition(tokenRuns.allSatisfy { $0.stdoutLines == 1 }, "brickauth token did not print a token")
let versionRuns = (0..<41).map { _ in spawn([], extraArguments: ["--version"]) }.dropFirst()
let tokenCold = median(tokenRuns.map(\.seconds)) * 1000
let versionCold = median(versionRuns.map(\.seconds)) * 1000
rows.append(
  (
    "`brickauth token` cold, a PAT profile (median of 40)", String(format: "%.1f ms", tokenCold),
    String(format: "≤ 1.5 × `brickauth --version` cold: %.1f ms", 1.5 * versionCold)
  )
)

// (b) Pipelined throughput in one warm process.
for (method, count, goal) in [("ping", 200_000, "≥ 50,000/s"), ("listProfiles", 100_000, "≥ 20,000/s")] {
  let runs = (0..<3).map { _ in spawn(requests(method, count: count)) }
  precondition(runs.allSatisfy { $0.stdoutLines == count }, "\(method): missing responses")
  peakRSS = max(peakRSS, runs.map(\.maxRSSKiB).max() ?? 0)
  let best = runs.map(\.seconds).min() ?? 1
  rows.append(
    (
      "`\(method)` pipelined, \(count) requests in one process (best of 3)",
      String(format: "%.0f/s", Double(count) / best), goal
    )
  )
}

rows.append(("peak RSS over the runs above", String(format: "%.1f MiB", Double(peakRSS) / 1024), "≤ 30 MiB"))

// (c) Against a sandbox workspace served by this process (real loopback HTTP), with a warm brickauth child. A reused
// (rotated) refresh token revokes its whole family there, so a refresh spent twice would show as failures below.
var sandboxConfiguration = SandboxConfiguration()
sandboxConfiguration.refreshTokenReuseRevokesFamily = true
let sandbox = try DatabricksSandbox(configuration: sandboxConfiguration)
let sandboxConfig = scratch.appendingPathComponent("sandbox.databrickscfg").path
try "[DEFAULT]\nhost = \(sandbox.baseURL.absoluteString)\ntoken = \(sandbox.adminToken)\n"
  .write(toFile: sandboxConfig, atomically: true, encoding: .utf8)
let sandboxEnvironment = ["HOME=\(scratch.path)", "DATABRICKS_CONFIG_FILE=\(sandboxConfig)", "PATH=/usr/bin:/bin"]
let listTokens = #"{"jsonrpc":"2.0","id":1,"method":"listTokens"}"#

// Per-call time of `listTokens`, one request at a time, against curl's GET of the same endpoint over one
// keep-alive connection (so neither pays process start-up per call).
let calls = 500
let live = WarmServiceProcess(executable: executable, environment: sandboxEnvironment)
for _ in 0..<50 {
  let answer = live.call(listTokens)
  precondition(answer["result"] != nil, "listTokens failed: \(answer)")
}
let brickauthStart = DispatchTime.now().uptimeNanoseconds
for _ in 0..<calls { _ = live.call(listTokens) }
let brickauthPerCall = Double(DispatchTime.now().uptimeNanoseconds - brickauthStart) / 1e6 / Double(calls)

let url = sandbox.baseURL.absoluteString + "/api/2.0/token/list"
/// One run of curl fetching `count` URLs (over one keep-alive connection), spawned like the other runs here.
func curlSeconds(_ count: Int) -> Double {
  let arguments =
    ["/usr/bin/curl", "-s", "-o", "/dev/null", "-H", "Authorization: Bearer \(sandbox.adminToken)"]
    + Array(repeating: url, count: count) + ["-o", "/dev/null"]
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  let argv = arguments.map { strdup($0) } + [nil]
  var pid: pid_t = 0
  let start = DispatchTime.now().uptimeNanoseconds
  precondition(posix_spawn(&pid, "/usr/bin/curl", &actions, nil, argv, nil) == 0, "cannot run curl")
  var status: Int32 = 0
  waitpid(pid, &status, 0)
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  posix_spawn_file_actions_destroy(&actions)
  for pointer in argv { free(pointer) }
  return seconds
}
// curl as a script runs it (a process per call), and curl's best case (many URLs on one keep-alive connection, its
// own start-up taken out).
let hasCurl = FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")
let curlPerInvocation = hasCurl ? median((0..<100).map { _ in curlSeconds(1) }) * 1000 : .nan
let curlKeepAlive = hasCurl ? (curlSeconds(calls + 1) - curlSeconds(1)) * 1000 / Double(calls) : .nan
rows.append(
  (
    "`listTokens` per call in a warm process, one at a time (mean of \(calls))",
    String(format: "%.2f ms", brickauthPerCall),
    String(
      format: "≤ curl per call: %.2f ms (median of 100 runs; on one keep-alive connection %.2f ms)",
      curlPerInvocation,
      curlKeepAlive
    )
  )
)

// `getToken` served from the token cache (an OAuth profile whose token is far from expiry), one call at a time.
let oauthToken = sandbox.workspace.issueOAuthAccessToken(userName: SandboxSeed.admin.userName) ?? ""
let tokenDirectory = scratch.appendingPathComponent(".databricks")
try FileManager.default.createDirectory(at: tokenDirectory, withIntermediateDirectories: true)
try
  #"{"version":1,"tokens":{"oauth":{"access_token":"\#(oauthToken)","token_type":"Bearer","refresh_token":"r","expiry":"2099-01-01T00:00:00.5Z"}}}"#
  .write(to: tokenDirectory.appendingPathComponent("token-cache.json"), atomically: true, encoding: .utf8)
try
  "[DEFAULT]\nhost = \(sandbox.baseURL.absoluteString)\ntoken = \(sandbox.adminToken)\n\n[oauth]\nhost = \(sandbox.baseURL.absoluteString)\nauth_type = databricks-cli\n"
  .write(toFile: sandboxConfig, atomically: true, encoding: .utf8)
let getToken = #"{"jsonrpc":"2.0","id":1,"method":"getToken","params":{"profile":"oauth"}}"#
for _ in 0..<100 { precondition(live.call(getToken)["result"]?["accessToken"] != nil, "getToken failed") }
let getTokenCalls = 5000
let getTokenStart = DispatchTime.now().uptimeNanoseconds
for _ in 0..<getTokenCalls { _ = live.call(getToken) }
let getTokenPerCall = Double(DispatchTime.now().uptimeNanoseconds - getTokenStart) / 1e6 / Double(getTokenCalls)
rows.append(
  (
    "`getToken` from the token cache, warm process, one at a time (mean of \(getTokenCalls))",
    String(format: "%.3f ms", getTokenPerCall), "well under 1 ms"
  )
)

// Refresh for all callers: OAuth profiles whose access tokens expire within the 5-minute margin, with live refresh
// tokens. 100 concurrent `getToken` calls in one process, then one each from 4 processes started together.
func seedExpiringLogins(_ names: [String]) throws {
  var tokens: [String] = []
  var profiles = "[DEFAULT]\nhost = \(sandbox.baseURL.absoluteString)\ntoken = \(sandbox.adminToken)\n"
  for name in names {
    guard let login = sandbox.workspace.issueOAuthLogin(userName: SandboxSeed.admin.userName, lifetimeSeconds: 60)
    else { preconditionFailure("no seeded admin") }
    let expiry = ISO8601DateFormatter().string(from: Date(timeIntervalSinceNow: 60)).replacingOccurrences(
      of: "Z",
      with: ".5Z"
    )
    tokens.append(
      #""\#(name)":{"access_token":"\#(login.accessToken)","token_type":"Bearer","refresh_token":"\#(login.refreshToken)","expiry":"\#(expiry)"}"#
    )
    profiles += "\n[\(name)]\nhost = \(sandbox.baseURL.absoluteString)\nauth_type = databricks-cli\n"
  }
  try #"{"version":1,"tokens":{\#(tokens.joined(separator: ","))}}"#
    .write(to: tokenDirectory.appendingPathComponent("token-cache.json"), atomically: true, encoding: .utf8)
  try profiles.write(toFile: sandboxConfig, atomically: true, encoding: .utf8)
}
try seedExpiringLogins(["expiring-one", "expiring-four"])
let refreshesBefore = sandbox.tokenRequestCount(grantType: "refresh_token")
live.send((0..<100).map { #"{"jsonrpc":"2.0","id":\#($0),"method":"getToken","params":{"profile":"expiring-one"}}"# })
let concurrentTokens = Set((0..<100).compactMap { _ in live.readMessage()["result"]?["accessToken"]?.stringValue })
let concurrentRefreshes = sandbox.tokenRequestCount(grantType: "refresh_token") - refreshesBefore
precondition(concurrentTokens.count == 1, "100 getToken calls answered \(concurrentTokens.count) different tokens")
rows.append(
  (
    "100 concurrent `getToken` on an expiring token, one process", "\(concurrentRefreshes) refresh request(s)",
    "exactly 1"
  )
)
let fourBefore = sandbox.tokenRequestCount(grantType: "refresh_token")
let four = (0..<4).map { _ in WarmServiceProcess(executable: executable, environment: sandboxEnvironment) }
for session in four {
  session.send([#"{"jsonrpc":"2.0","id":1,"method":"getToken","params":{"profile":"expiring-four"}}"#])
}
let fourTokens = four.map { $0.readMessage()["result"]?["accessToken"]?.stringValue }
four.forEach { $0.finish() }
let fourRefreshes = sandbox.tokenRequestCount(grantType: "refresh_token") - fourBefore
precondition(fourTokens.allSatisfy { $0 != nil }, "a process failed to get a token (a reused refresh token?)")
rows.append(
  (
    "4 brickauth processes `getToken` at once on one expiring token",
    "\(fourRefreshes) refresh request(s), \(Set(fourTokens).count) token for all 4", "exactly 1"
  )
)

// M2M mint count under concurrency: 100 concurrent `getToken` on a service principal's profile (its OAuth secret),
// which has no token yet: one `client_credentials` request mints the token all 100 answers carry.
try
  "[DEFAULT]\nhost = \(sandbox.baseURL.absoluteString)\ntoken = \(sandbox.adminToken)\n\n[sp]\nhost = \(sandbox.baseURL.absoluteString)\nclient_id = \(SandboxSeed.servicePrincipal.applicationID ?? "")\nclient_secret = \(SandboxSeed.servicePrincipalSecret)\n"
  .write(toFile: sandboxConfig, atomically: true, encoding: .utf8)
let mintsBefore = sandbox.tokenRequestCount(grantType: "client_credentials")
live.send((0..<100).map { #"{"jsonrpc":"2.0","id":\#($0),"method":"getToken","params":{"profile":"sp"}}"# })
let machineTokens = Set((0..<100).compactMap { _ in live.readMessage()["result"]?["accessToken"]?.stringValue })
let mints = sandbox.tokenRequestCount(grantType: "client_credentials") - mintsBefore
precondition(machineTokens.count == 1, "100 getToken calls on sp answered \(machineTokens.count) different tokens")
rows.append(
  (
    "M2M mint count: 100 concurrent `getToken` on the sandbox's `sp` profile, one process",
    "\(mints) token request(s)", "exactly 1 token request"
  )
)

// 100 concurrent `createToken` with 50 ms of latency on every answer.
sandbox.setLatency(seconds: 0.05)
let creates = (0..<100).map { #"{"jsonrpc":"2.0","id":\#($0),"method":"createToken","params":{"comment":"bench"}}"# }
let burstStart = DispatchTime.now().uptimeNanoseconds
live.send(creates)
var created = 0
for _ in 0..<100 where live.readMessage()["result"]?["tokenValue"] != nil { created += 1 }
let burstSeconds = Double(DispatchTime.now().uptimeNanoseconds - burstStart) / 1e9
precondition(created == 100, "only \(created) of 100 createToken calls succeeded")
sandbox.setLatency(seconds: 0)
rows.append(("100 concurrent `createToken`, 50 ms latency each", String(format: "%.3f s", burstSeconds), "< 0.5 s"))
live.finish()

// The metadata-service endpoint other tools get their tokens from: throughput from 8 keep-alive clients, the latency
// of one warm GET, and the serving process's memory under that load.
func servedURL(_ session: WarmServiceProcess, profile: String) -> (url: String, host: String) {
  let served = session.call(
    #"{"jsonrpc":"2.0","id":1,"method":"serveCredentials","params":{"profile":"\#(profile)"}}"#
  )
  guard let url = served["result"]?["url"]?.stringValue, let host = served["result"]?["host"]?.stringValue else {
    preconditionFailure("serveCredentials failed: \(served)")
  }
  return (url, host)
}
let serving = WarmServiceProcess(executable: executable, environment: sandboxEnvironment)
let endpoint = servedURL(serving, profile: "DEFAULT")
let loadSeconds = 3.0
let loadCounts = Locked([Int](repeating: 0, count: 8))
let loadStart = DispatchTime.now().uptimeNanoseconds
let loadThreads = (0..<8).map { index in
  Thread {
    guard let client = MetadataServiceClient(url: endpoint.url, host: endpoint.host) else { return }
    let deadline = loadStart + UInt64(loadSeconds * 1e9)
    var count = 0
    while DispatchTime.now().uptimeNanoseconds < deadline, client.get()?.status == 200 { count += 1 }
    loadCounts.withLock { $0[index] = count }
  }
}
loadThreads.forEach { $0.start() }
while loadThreads.contains(where: { !$0.isFinished }) { usleep(10_000) }
let loadElapsed = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e9
let loadTotal = loadCounts.withLock { $0.reduce(0, +) }
let servingPeak = highWaterMarkKiB(serving.pid) ?? 0
rows.append(
  (
    "metadata-service token GETs, 8 concurrent keep-alive clients on one endpoint (\(loadTotal) in \(String(format: "%.1f", loadElapsed)) s)",
    String(format: "%.0f/s", Double(loadTotal) / loadElapsed), "≥ 5,000/s"
  )
)
guard let single = MetadataServiceClient(url: endpoint.url, host: endpoint.host) else {
  preconditionFailure("cannot connect to the metadata-service endpoint")
}
var latencies: [Double] = []
for _ in 0..<2000 {
  let start = DispatchTime.now().uptimeNanoseconds
  precondition(single.get()?.status == 200, "a warm GET failed")
  latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
}
rows.append(("metadata-service: one warm GET, p50 of 2000", String(format: "%.3f ms", median(latencies)), "≤ 1 ms"))
rows.append(
  (
    "peak RSS of the serving process under that load", String(format: "%.1f MiB", Double(servingPeak) / 1024),
    "≤ 40 MiB"
  )
)
serving.finish()

// 8 brickauth processes each serving one expiring OAuth profile, 8 clients on each endpoint asking at once.
try seedExpiringLogins(["expiring-eight"])
let eightBefore = sandbox.tokenRequestCount(grantType: "refresh_token")
let eight = (0..<8).map { _ in WarmServiceProcess(executable: executable, environment: sandboxEnvironment) }
let eightEndpoints = eight.map { servedURL($0, profile: "expiring-eight") }
let eightTokens = Locked<[String]>([])
let eightGate = DispatchSemaphore(value: 0)
let eightThreads = eightEndpoints.flatMap { endpoint in
  (0..<8).map { _ in
    Thread {
      let client = MetadataServiceClient(url: endpoint.url, host: endpoint.host)
      eightGate.wait()
      guard let answer = client?.get(), answer.status == 200,
        let token = (try? JSONParser.parse(answer.body[...]))?["access_token"]?.stringValue
      else { return }
      eightTokens.withLock { $0.append(token) }
    }
  }
}
eightThreads.forEach { $0.start() }
usleep(200_000)
for _ in eightThreads { eightGate.signal() }
while eightThreads.contains(where: { !$0.isFinished }) { usleep(10_000) }
eight.forEach { $0.finish() }
let eightRefreshes = sandbox.tokenRequestCount(grantType: "refresh_token") - eightBefore
let eightAnswered = eightTokens.withLock { $0 }
precondition(eightAnswered.count == 64, "only \(eightAnswered.count) of 64 GETs got a token (a reused refresh token?)")
rows.append(
  (
    "8 processes × 8 clients GET one expiring OAuth token through their endpoints",
    "\(eightRefreshes) refresh request(s), \(Set(eightAnswered).count) token for all 64", "exactly 1"
  )
)

// Peak RSS while paging through 50,000 tokens, 1,000 a page.
for index in 0..<50_000 {
  sandbox.workspace.addToken(
    id: String(format: "%064x", index),
    comment: "token \(index)",
    owner: SandboxSeed.admin,
    ageSeconds: Double(index)
  )
}
let pager = WarmServiceProcess(executable: executable, environment: sandboxEnvironment)
var pageCount = 0
var listed = 0
var cursor: String?
let pagingStart = DispatchTime.now().uptimeNanoseconds
repeat {
  let params = cursor.map { #"{"limit":1000,"cursor":"\#($0)"}"# } ?? #"{"limit":1000}"#
  let page = pager.call(#"{"jsonrpc":"2.0","id":1,"method":"listTokens","params":\#(params)}"#)
  listed += page["result"]?["tokens"]?.arrayValue?.count ?? 0
  cursor = page["result"]?["nextCursor"]?.stringValue
  pageCount += 1
} while cursor != nil && pageCount < 100
let pagingSeconds = Double(DispatchTime.now().uptimeNanoseconds - pagingStart) / 1e9
let pagingPeak = highWaterMarkKiB(pager.pid) ?? 0
pager.finish()
precondition(listed >= 50_000, "paged \(listed) tokens")
rows.append(
  (
    "peak RSS paging \(listed) tokens (\(pageCount) pages of 1,000, \(String(format: "%.1f", pagingSeconds)) s)",
    String(format: "%.1f MiB", Double(pagingPeak) / 1024), "≤ 60 MiB"
  )
)
await sandbox.stop()
rows += try WatchBench.rows(executable: executable, scratch: scratch)

rows += try await AuditBench.rows(executable: executable, scratch: scratch)

print("| measure | result | goal |")
print("| --- | --- | --- |")
for row in rows { print("| \(row.0) | \(row.1) | \(row.2) |") }
