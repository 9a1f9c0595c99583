import Basics
package import JSON
import JSONRPC

/// One remembered result, valid while its key is unchanged: the versions of the files it was derived from.
///
/// Cheap reads such as `listProfiles` are called in tight loops by editors; while the files are unchanged the
/// answer is too, so it is encoded once and shared (a `JSONValue` is an immutable tree).
package final class ResultMemo: Sendable {
  private let slot = Locked<(key: [Int], value: JSONValue)?>(nil)

  package init() {}

  /// The remembered value for `key`, or the result of `compute`, remembered for next time.
  package func value(for key: [Int], _ compute: () throws -> JSONValue) rethrows -> JSONValue {
    if let hit = slot.withLock({ $0?.key == key ? $0?.value : nil }) { return hit }
    let value = try compute()
    slot.withLock { $0 = (key, value) }
    return value
  }
}
