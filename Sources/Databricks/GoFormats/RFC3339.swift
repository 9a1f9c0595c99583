package import Foundation

/// RFC 3339 timestamps as the Databricks CLI writes them (Go's `time.RFC3339Nano`: up to nine fractional digits and a
/// local offset) and as our wire contract sends them (UTC, `Z`).
///
/// Written by hand because Foundation's `ISO8601DateFormatter` keeps at most milliseconds and differs between
/// platforms, while the CLI's token cache has nanoseconds and a reader that misreads them refreshes at the wrong time.
package enum RFC3339 {
  /// Parses `2026-08-21T14:37:20.935183+02:00` or `...Z`; `nil` for anything else.
  package static func parse(_ text: String) -> Date? {
    let bytes = Array(text.utf8)
    var index = 0
    func number(_ digits: Int) -> Int? {
      guard index + digits <= bytes.count else { return nil }
      var value = 0
      for byte in bytes[index..<(index + digits)] {
        guard byte >= 0x30 && byte <= 0x39 else { return nil }
        value = value * 10 + Int(byte - 0x30)
      }
      index += digits
      return value
    }
    func expect(_ characters: String) -> Bool {
      guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
      index += 1
      return true
    }
    guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
      expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2),
      (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
    else { return nil }
    var fraction = 0.0
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      var scale = 0.1
      let start = index
      while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
        fraction += Double(bytes[index] - 0x30) * scale
        scale /= 10
        index += 1
      }
      guard index > start else { return nil }
    }
    var offset = 0
    if expect("Zz") {
      offset = 0
    } else {
      guard index < bytes.count else { return nil }
      let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
      guard expect("+-"), let offsetHours = number(2), expect(":"), let offsetMinutes = number(2) else { return nil }
      offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
    }
    guard index == bytes.count else { return nil }
    let days = daysFromCivil(year: year, month: month, day: day)
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
    return Date(timeIntervalSince1970: Double(seconds) + fraction)
  }

  /// `2026-11-25T10:00:00Z`: UTC, whole seconds (the wire contract's time format).
  package static func utcString(_ date: Date) -> String {
    let total = Int(representableSeconds(date).rounded(.down))
    let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
    let secondsOfDay = total - days * 86_400
    let (year, month, day) = civilFromDays(days)
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondsOfDay / 3600, 2)):"
      + "\(pad(secondsOfDay % 3600 / 60, 2)):\(pad(secondsOfDay % 60, 2))Z"
  }

  /// The instant as Go's `time.Time.MarshalJSON` writes a local time (layout `time.RFC3339Nano`), which is how the
  /// Databricks CLI writes `expiry` into its token cache: `2026-08-21T14:37:20.935183+02:00`.
  ///
  /// Exactly Go's rules: the wall-clock time in `timeZone` with that zone's offset, `Z` instead of `+00:00` whenever
  /// the offset is zero (Go decides by the offset, not by the zone's name, so a UTC host writes `...Z`), and the
  /// fraction with trailing zeros trimmed and no dot at all when it is zero.
  ///
  /// The fraction is rounded to microseconds. A `Date` is a `Double` of seconds, which at today's dates resolves
  /// about a tenth of a microsecond, so digits beyond the sixth would be noise, not information; six digits is also
  /// what Go itself writes on macOS, where its clock has microsecond resolution.
  ///
  /// This function does not add a fraction Go would omit. Callers that must always show one (see
  /// ``TokenCacheFile/expiryText(_:timeZone:)``) choose a nearby instant that has one instead, so the text stays
  /// something Go could have written.
  package static func goLocalString(_ date: Date, timeZone: TimeZone = .current) -> String {
    let microseconds = Int64((representableSeconds(date) * 1_000_000).rounded())
    let seconds = floorDivide(microseconds, 1_000_000)
    let fraction = Int(microseconds - seconds * 1_000_000)
    let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
    let local = Int(seconds) + offset
    let days = Int(floorDivide(Int64(local), 86_400))
    let secondsOfDay = local - days * 86_400
    let (year, month, day) = civilFromDays(days)
    var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondsOfDay / 3600, 2)):"
    text += "\(pad(secondsOfDay % 3600 / 60, 2)):\(pad(secondsOfDay % 60, 2))"
    if fraction != 0 {
      var digits = pad(fraction, 6)
      while digits.last == "0" { digits.removeLast() }
      text += ".\(digits)"
    }
    return text + goZone(offsetSeconds: offset)
  }

  /// The instant's seconds since 1970, moved into the years `0000` to `9999` that four digits hold (NaN is 1970):
  /// an expiry a server made absurd is written as the nearest instant that can be written, and the integer
  /// arithmetic above never overflows.
  private static func representableSeconds(_ date: Date) -> Double {
    let seconds = date.timeIntervalSince1970
    guard !seconds.isNaN else { return 0 }
    return min(max(seconds, -62_167_219_200), 253_402_300_799)
  }

  /// Go's `Z07:00`: `Z` for a zero offset, else the sign and the offset in whole minutes (Go truncates seconds).
  private static func goZone(offsetSeconds: Int) -> String {
    guard offsetSeconds != 0 else { return "Z" }
    let minutes = offsetSeconds / 60
    return (minutes < 0 ? "-" : "+") + "\(pad(abs(minutes) / 60, 2)):\(pad(abs(minutes) % 60, 2))"
  }

  private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return value % divisor < 0 ? quotient - 1 : quotient
  }

  private static func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The inverse of ``daysFromCivil(year:month:day:)``.
  static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }
}
