import Basics

/// One remembered result, valid while its key is unchanged: the versions of the files it was derived from.
///
/// Cheap reads such as `listProfiles` are called in tight loops by editors; while the files are unchanged the
/// answer is too, so it is built once and shared (the result is a value: a copy shares its storage).
final class ResultMemo<Value: Sendable>: Sendable {
  private let slot = Locked<(key: [Int], value: Value)?>(nil)

  init() {}

  /// The remembered value for `key`, or the result of `compute`, remembered for next time.
  func value(for key: [Int], _ compute: () throws -> Value) rethrows -> Value {
    if let hit = slot.withLock({ $0?.key == key ? $0?.value : nil }) { return hit }
    let value = try compute()
    slot.withLock { $0 = (key, value) }
    return value
  }
}
