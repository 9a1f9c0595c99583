import Foundation

/// How many cases each fuzz test runs.
///
/// By default a few seconds' worth in all, so every `swift test` fuzzes; `BRICKAUTH_FUZZ_ITERATIONS=100000` runs
/// that many cases per fuzz test instead. Case `n` always uses seed `n`, so runs are reproducible, a longer run starts
/// with the default run's cases, and a failure names the seed to replay.
///
/// Fuzz loops are CPU-bound: each `await Task.yield()`s once per case, or on a 2-core machine they would hold the
/// whole cooperative pool and time out every other test running beside them.
package enum FuzzBudget {
  package static let variable = "BRICKAUTH_FUZZ_ITERATIONS"

  /// The seeds to run: `0..<defaultCount`, or as many as the environment variable asks for.
  package static func seeds(default defaultCount: Int) -> Range<UInt64> {
    let requested = ProcessInfo.processInfo.environment[variable].flatMap { UInt64($0) }
    return 0..<(requested ?? UInt64(defaultCount))
  }
}
