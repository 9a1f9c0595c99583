extension FixedWidthInteger {
  /// `value` rounded toward zero, or the nearest bound of the type when it does not fit (NaN is zero).
  ///
  /// `Int(value)` traps on a value out of range, and a trap ends the process with every request in flight. Any
  /// number that came from outside (a client's params, a server's answer, a file) is converted with this instead.
  package init(saturating value: Double) {
    if value.isNaN {
      self = 0
    } else if value >= Double(Self.max) {
      // `Double(Self.max)` of a 64-bit type rounds up to 2^63 (or 2^64), which is already out of range.
      self = .max
    } else if value <= Double(Self.min) {
      self = .min
    } else {
      self.init(value)
    }
  }
}

extension UInt64 {
  /// `seconds` as nanoseconds for `Task.sleep(nanoseconds:)`: negative and NaN are none, and the most is
  /// `Int64.max` nanoseconds (292 years), because the sleep's deadline is computed in signed nanoseconds.
  package init(nanosecondsIn seconds: Double) {
    self.init(Swift.max(0, Int64(saturating: seconds * 1_000_000_000)))
  }
}
