/// Which faults the next calls meet: rules per path, consumed in the order they were added, plus latency for all.
///
/// A pure value; ``DatabricksSandbox`` keeps it under a lock and asks it once per call.
package struct FaultPlan: Sendable, Equatable {
  private struct Rule: Sendable, Equatable {
    var method: String?
    var path: String
    var fault: SandboxFault
    var remaining: Int
  }

  private var rules: [Rule] = []
  /// Seconds added before every answer, faulted or not.
  package var latencySeconds: Double = 0

  package init() {}

  /// Makes the next `times` calls to `path` (with `method`, or any method when `nil`) meet `fault`. Rules for the
  /// same call queue up: the second one starts when the first is used up.
  package mutating func add(_ fault: SandboxFault, path: String, method: String? = nil, times: Int = 1) {
    guard times > 0 else { return }
    rules.append(Rule(method: method, path: path, fault: fault, remaining: times))
  }

  /// The fault for this call, if any, using one of its rule's remaining uses.
  package mutating func nextFault(method: String, path: String) -> SandboxFault? {
    guard let index = rules.firstIndex(where: { $0.path == path && ($0.method ?? method) == method }) else {
      return nil
    }
    let fault = rules[index].fault
    rules[index].remaining -= 1
    if rules[index].remaining == 0 { rules.remove(at: index) }
    return fault
  }

  /// Removes every pending fault and the latency.
  package mutating func clear() {
    self = FaultPlan()
  }
}
