import Basics
import Foundation

/// One remembered result, valid while its key is unchanged: the versions of the files it was derived from.
///
/// Cheap reads such as `listProfiles` are called in tight loops by editors; while the files are unchanged the
/// answer is too, so it is built once and shared (the result is a value: a copy shares its storage).
final class ResultMemo<Value: Sendable>: Sendable {
  private let slot = Locked<(key: [Int], value: Value, until: Date?)?>(nil)

  init() {}

  /// The remembered value for `key`, or the result of `compute`, remembered for next time: while the key is the same
  /// and, when `compute` named an instant `until` at which the answer changes by time alone (a token entering its
  /// refresh margin), `now` is before it.
  func value(for key: [Int], now: Date, _ compute: () throws -> (Value, until: Date?)) rethrows -> Value {
    let hit = slot.withLock { slot in
      slot.flatMap { $0.key == key && ($0.until.map { now < $0 } ?? true) ? $0.value : nil }
    }
    if let hit { return hit }
    let (value, until) = try compute()
    slot.withLock { $0 = (key, value, until) }
    return value
  }
}
