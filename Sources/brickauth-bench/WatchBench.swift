import Foundation
import JSON

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The credential-watch rows: how long from a rename of the config or the token cache to the
/// `brickauth/credentialsChanged` line on stdout, and what an idle watch costs in CPU.
///
/// Renames are 200 ms apart, longer than the watcher's coalescing, so each one is a change of its own; the latency
/// therefore includes the 75 ms quiet period the watcher waits for a program's further writes.
enum WatchBench {
  static let renames = 50
  static let idleSeconds: UInt32 = 60

  static func rows(executable: String, scratch: URL) throws -> [(String, String, String)] {
    let home = scratch.appendingPathComponent("watch-home")
    let cacheDirectory = home.appendingPathComponent(".databricks")
    try FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
    let config = home.appendingPathComponent(".databrickscfg")
    let cache = cacheDirectory.appendingPathComponent("token-cache.json")
    try configText(revision: 0).write(to: config, atomically: true, encoding: .utf8)
    try cacheText(revision: 0).write(to: cache, atomically: true, encoding: .utf8)
    let service = WarmServiceProcess(
      executable: executable,
      environment: [
        "HOME=\(home.path)", "DATABRICKS_CONFIG_FILE=\(config.path)", "DATABRICKS_AUTH_STORAGE=plaintext",
        "PATH=/usr/bin:/bin",
      ]
    )
    precondition(service.call(#"{"jsonrpc":"2.0","id":1,"method":"watchCredentials"}"#)["result"] != nil)
    let configLatencies = (1...renames).map { revision in
      latency(service, expecting: "edited") {
        try? configText(revision: revision).write(to: config, atomically: true, encoding: .utf8)
      }
    }
    let cacheLatencies = (1...renames).map { revision in
      latency(service, expecting: "refreshed") {
        try? cacheText(revision: revision).write(to: cache, atomically: true, encoding: .utf8)
      }
    }
    var rows = [
      row("config replaced by rename", configLatencies),
      row("token cache replaced by rename", cacheLatencies),
    ]
    // Idle means after the last change has been handled: a second to settle before the minute is counted.
    sleep(1)
    if let before = cpuSeconds(service.pid) {
      sleep(idleSeconds)
      let used = (cpuSeconds(service.pid) ?? before) - before
      rows.append(
        (
          "CPU of an idle process with one watch, over a minute, extrapolated to an hour",
          String(format: "%.2f s per hour", used * 3600 / Double(idleSeconds)), "< 1 s per hour"
        )
      )
    }
    service.finish()
    return rows
  }

  /// Seconds from `change()` to the watcher's notification of `kind` (anything else it sends first is skipped).
  private static func latency(_ service: WarmServiceProcess, expecting kind: String, _ change: () -> Void) -> Double {
    usleep(200_000)
    let start = DispatchTime.now().uptimeNanoseconds
    change()
    while service.readMessage()["params"]?["change"]?.stringValue != kind {}
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  private static func row(_ what: String, _ latencies: [Double]) -> (String, String, String) {
    let sorted = latencies.sorted()
    return (
      "`brickauth/credentialsChanged` latency: \(what) → notification on stdout (p50 / max of \(latencies.count))",
      String(format: "%.0f ms / %.0f ms", sorted[sorted.count / 2] * 1000, (sorted.last ?? 0) * 1000),
      "p50 ≤ 200 ms, max ≤ 1 s"
    )
  }

  /// Ten profiles; `profile-1` changes with each revision.
  private static func configText(revision: Int) -> String {
    var text = "[oauth]\nhost = https://dbc-oauth.cloud.databricks.com\nauth_type = databricks-cli\n"
    for index in 1...9 {
      text += "\n[profile-\(index)]\nhost = https://dbc-\(index).cloud.databricks.com\ntoken = dapi-bench\n"
      if index == 1 { text += "cluster_id = \(revision)\n" }
    }
    return text
  }

  /// The `oauth` profile's tokens, new ones with each revision.
  private static func cacheText(revision: Int) -> String {
    #"{"version":1,"tokens":{"oauth":{"access_token":"bench-access-\#(revision)","token_type":"Bearer","#
      + #""refresh_token":"bench-refresh-\#(revision)","expiry":"2099-01-01T00:00:00Z"}}}"#
  }

  /// User plus system CPU time of `pid` from `/proc/<pid>/stat` (fields 14 and 15, in clock ticks); `nil` without
  /// `/proc`.
  private static func cpuSeconds(_ pid: pid_t) -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
  }
}
