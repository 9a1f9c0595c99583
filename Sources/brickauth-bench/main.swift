import Foundation
import JSONRPC

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

print("| measure | result | goal |")
print("| --- | --- | --- |")
for row in rows { print("| \(row.0) | \(row.1) | \(row.2) |") }
