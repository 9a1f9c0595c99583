import Foundation
import JSON
import Sandbox

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The `auditTokens` rows: ten workspaces holding 50,000 tokens in all (seeded through the sandbox's control
/// endpoint, as a script in another process would), audited all at once against the same ten audited one after
/// another in the same warm process, and the service's peak RSS while it holds the findings.
///
/// Each sandbox answers 50 ms late and sends its token list a page of 1,000 tokens at a time, each page 50 ms after
/// the one before (see `DatabricksSandbox.setLatency(seconds:)`), so a workspace of 5,000 tokens takes 250 ms to
/// list however fast the client is. The sandboxes run in this process and keep their list encoded between calls:
/// they stand in for remote workspaces, whose CPU is not the service's.
enum AuditBench {
  static let workspaceCount = 10
  static let latencySeconds = 0.05
  static let runs = 3

  static func rows(executable: String, scratch: URL) async throws -> [(String, String, String)] {
    let fleet = try (0..<workspaceCount).map { _ in try DatabricksSandbox() }
    var fleetConfig = ""
    for (index, workspace) in fleet.enumerated() {
      try await seed(workspace)
      _ = try await control(workspace, "__sandbox/latency", ["seconds": .double(latencySeconds)])
      fleetConfig += "[ws-\(index)]\nhost = \(workspace.baseURL.absoluteString)\ntoken = \(workspace.adminToken)\n\n"
    }
    let configPath = scratch.appendingPathComponent("fleet.databrickscfg").path
    try fleetConfig.write(toFile: configPath, atomically: true, encoding: .utf8)
    let environment = ["HOME=\(scratch.path)", "DATABRICKS_CONFIG_FILE=\(configPath)", "PATH=/usr/bin:/bin"]
    let profiles = (0..<workspaceCount).map { "ws-\($0)" }
    let auditor = WarmServiceProcess(executable: executable, environment: environment)
    // Connections to every workspace are opened first, so neither side pays for them.
    _ = profiles.map { audit([$0], in: auditor) }
    let concurrentRuns = (0..<runs).map { _ in audit(profiles, in: auditor) }
    let sequentialRuns = (0..<runs).map { _ in profiles.map { audit([$0], in: auditor) } }
    let peak = highWaterMarkKiB(auditor.pid) ?? 0
    auditor.finish()
    for workspace in fleet { await workspace.stop() }

    let fleetAudit = concurrentRuns[0]
    precondition(fleetAudit.scanned >= 50_000, "the audit scanned \(fleetAudit.scanned) tokens")
    let concurrent = concurrentRuns.map(\.seconds).min() ?? 0
    let sequential = sequentialRuns.map { $0.reduce(0) { $0 + $1.seconds } }.min() ?? 0
    let latency = "\(Int(latencySeconds * 1000)) ms"
    return [
      (
        "`auditTokens` of \(workspaceCount) workspaces, \(fleetAudit.scanned) tokens in all, \(latency) latency per "
          + "page of 1,000 (and per answer): wall time, all at once against one after another (best of \(runs) each)",
        String(format: "%.3f s against %.3f s: %.2f", concurrent, sequential, concurrent / sequential),
        "≤ 1/5 of the same workspaces audited one after another"
      ),
      (
        "peak RSS of the service over those audits (\(fleetAudit.findings) findings, an answer of "
          + String(format: "%.1f MB", Double(fleetAudit.bytes) / 1e6) + ")",
        String(format: "%.1f MiB", Double(peak) / 1024), "≤ 80 MiB"
      ),
    ]
  }

  /// 5,000 tokens of 5 owners: healthy ones and each kind of finding (about 40% are findings).
  static func seed(_ workspace: DatabricksSandbox) async throws {
    let buckets: [(count: Int, created: Int, expires: Int?, lastUsed: Int?)] = [
      (600, -10, 60, -1),  // healthy
      (100, -10, nil, -2),  // no_expiry
      (100, -100, 60, -70),  // idle (and lifetime_over_max)
      (100, -70, 20, nil),  // never_used
      (60, -80, 3, -1),  // expiring_soon
      (40, -100, -10, -20),  // expired
    ]
    for owner in 0..<5 {
      for bucket in buckets {
        var seed: [String: JSONValue] = [
          "owner": .string("user-\(owner)@bench.example"), "count": .int(Int64(bucket.count)),
          "comment": "bench token", "creationTime": ["daysFromNow": .int(Int64(bucket.created))],
        ]
        if let expires = bucket.expires { seed["expiryTime"] = ["daysFromNow": .int(Int64(expires))] }
        if let lastUsed = bucket.lastUsed { seed["lastUsedDay"] = ["daysFromNow": .int(Int64(lastUsed))] }
        let seeded = try await control(workspace, "__sandbox/tokens", .object(seed))
        precondition(seeded["tokenIds"]?.arrayValue?.count == bucket.count, "seeding failed: \(seeded)")
      }
    }
  }

  /// `POST`s a JSON body to a sandbox control path and returns the parsed answer.
  static func control(_ sandbox: DatabricksSandbox, _ path: String, _ body: JSONValue) async throws -> JSONValue {
    var request = URLRequest(url: sandbox.baseURL.appendingPathComponent(path))
    request.httpMethod = "POST"
    request.httpBody = Data(JSONWriter.bytes(body))
    let (data, _) = try await URLSession.shared.data(for: request)
    return try JSONParser.parse(Array(data))
  }

  /// One `auditTokens` call: its wall time, the tokens scanned and findings reported, and the answer's size.
  static func audit(
    _ profiles: [String],
    in auditor: WarmServiceProcess
  ) -> (seconds: Double, scanned: Int, findings: Int, bytes: Int) {
    let list = profiles.map { #""\#($0)""# }.joined(separator: ",")
    // Timed until the whole answer has arrived; parsing it here (to check it) is the bench's cost, not brickauth's.
    let start = DispatchTime.now().uptimeNanoseconds
    auditor.send([
      #"{"jsonrpc":"2.0","id":1,"method":"auditTokens","params":{"profiles":[\#(list)],"scope":"workspace"}}"#
    ])
    let line = auditor.readLine()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let answer = (try? JSONParser.parse(line[...])) ?? .null
    let workspaces = answer["result"]?["workspaces"]?.arrayValue ?? []
    precondition(
      workspaces.count == profiles.count && workspaces.allSatisfy { $0["error"] == nil },
      "auditTokens failed: \(String(describing: answer["error"] ?? workspaces.first { $0["error"] != nil }))"
    )
    let scanned = workspaces.map { workspace -> Int in
      if case .int(let count)? = workspace["tokensScanned"] { Int(count) } else { 0 }
    }
    let findings = workspaces.map { $0["findings"]?.arrayValue?.count ?? 0 }
    return (seconds, scanned.reduce(0, +), findings.reduce(0, +), line.count)
  }
}
