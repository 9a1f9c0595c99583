import Basics
import JSON
import JSONRPC

/// A slow, cancellable method registered only for tests (`--test-methods`): it sleeps in `steps` slices,
/// reporting progress and partial work after each, so cancellation, progress ordering and shutdown can be
/// exercised without a network.
///
/// Partial work is recorded as `completedSteps: 0` before the first slice, so a cancel that lands before any
/// step finished (the usual case when a client pipes the request and its cancel together) still answers with
/// `data.partial`, deterministically: that is what lets `protocol/examples/progress-and-cancel` be replayed.
enum TestSleep: RPCMethod {
  static let name = "test/sleep"

  struct Params: Decodable, Sendable {
    var seconds: Double
    var steps: Int?
  }

  struct Result: Encodable, Sendable {
    var completedSteps: Int
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    let steps = max(1, params.steps ?? 1)
    let slice = UInt64(nanosecondsIn: params.seconds / Double(steps))
    call.request.recordPartial(.object(["completedSteps": 0]))
    for step in 1...steps {
      try await Task.sleep(nanoseconds: slice)
      call.request.recordPartial(.object(["completedSteps": .int(Int64(step))]))
      call.request.reportProgress(Double(step), total: Double(steps), message: "Step \(step) of \(steps)")
    }
    return Result(completedSteps: steps)
  }
}
