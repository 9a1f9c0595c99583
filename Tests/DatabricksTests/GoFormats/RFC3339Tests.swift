import Databricks
import Foundation
import Testing

@Suite struct RFC3339Tests {
  @Test(arguments: [
    ("1970-01-01T00:00:00Z", 0.0),
    ("2026-08-21T14:37:20.935183+02:00", 1_787_315_840.935183),
    ("2026-08-21T12:37:20.935183Z", 1_787_315_840.935183),
    ("2026-02-20T14:37:20.935183+01:00", 1_771_594_640.935183),
    ("2000-02-29T23:59:59-05:30", 951_888_599.0),
    ("2026-11-25T10:00:00.123456789Z", 1_795_600_800.123456789),
    ("1969-12-31T23:59:59Z", -1.0),
  ])
  func parsesGoTimestamps(_ text: String, _ seconds: Double) throws {
    let date = try #require(RFC3339.parse(text))
    #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_001)
  }

  @Test(arguments: [
    "", "2026-08-21", "2026-08-21T14:37:20", "2026-13-01T00:00:00Z", "2026-08-21T14:37:20.Z",
    "2026-08-21T14:37:20+0200", "2026-08-21T14:37:20Zjunk", "２０２６-08-21T14:37:20Z",
  ])
  func rejectsOtherText(_ text: String) {
    #expect(RFC3339.parse(text) == nil)
  }

  /// Instants beyond what four year digits hold (a server's absurd expiry) are written as the nearest one that fits,
  /// never by trapping on an integer conversion.
  @Test(arguments: [
    (1e300, "9999-12-31T23:59:59Z"), (-1e300, "0000-01-01T00:00:00Z"), (Double.infinity, "9999-12-31T23:59:59Z"),
    (9.3e15, "9999-12-31T23:59:59Z"), (Double.nan, "1970-01-01T00:00:00Z"),
  ])
  func writesInstantsOutOfRangeAsTheNearestOneInRange(_ seconds: Double, _ utc: String) {
    let date = Date(timeIntervalSince1970: seconds)
    #expect(RFC3339.utcString(date) == utc)
    let local = RFC3339.goLocalString(date, timeZone: TimeZone(identifier: "UTC") ?? .current)
    #expect(local == utc)
  }

  @Test func parsesGoZeroTime() throws {
    #expect(try #require(RFC3339.parse("0001-01-01T00:00:00Z")).timeIntervalSince1970 == -62_135_596_800)
  }

  @Test(arguments: [0.0, 1_787_315_840.935183, 951_782_400, -1, 4_102_444_800])
  func writesUTCWholeSecondsThatParseBack(_ seconds: Double) throws {
    let text = RFC3339.utcString(Date(timeIntervalSince1970: seconds))
    #expect(text.hasSuffix("Z"))
    #expect(text.count == 20)
    #expect(try #require(RFC3339.parse(text)).timeIntervalSince1970 == seconds.rounded(.down))
  }

  @Test func writesKnownDates() {
    #expect(RFC3339.utcString(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    #expect(RFC3339.utcString(Date(timeIntervalSince1970: 1_787_315_840.9)) == "2026-08-21T12:37:20Z")
  }

  // MARK: Go's local RFC3339Nano

  /// 2026-08-21T12:37:20.935183Z, the instant of the CLI's example expiry.
  static let instant = Date(timeIntervalSince1970: 1_787_315_840.935183)

  static func zone(_ hours: Int, _ minutes: Int = 0) -> TimeZone {
    TimeZone(secondsFromGMT: hours * 3600 + (hours < 0 ? -minutes : minutes) * 60)!
  }

  @Test(arguments: [
    (2, 0, "2026-08-21T14:37:20.935183+02:00"),
    (1, 0, "2026-08-21T13:37:20.935183+01:00"),
    (0, 0, "2026-08-21T12:37:20.935183Z"),
    (-5, 0, "2026-08-21T07:37:20.935183-05:00"),
    (5, 30, "2026-08-21T18:07:20.935183+05:30"),
    (-3, 30, "2026-08-21T09:07:20.935183-03:30"),
    (14, 0, "2026-08-22T02:37:20.935183+14:00"),
    (-12, 0, "2026-08-21T00:37:20.935183-12:00"),
  ])
  func writesLocalWallClockTimeWithTheOffset(_ hours: Int, _ minutes: Int, _ expected: String) throws {
    let text = RFC3339.goLocalString(Self.instant, timeZone: Self.zone(hours, minutes))
    #expect(text == expected)
    #expect(abs(try #require(RFC3339.parse(text)).timeIntervalSince1970 - 1_787_315_840.935183) < 0.000_001)
  }

  @Test func writesZForUTCAsGoDoes() throws {
    // Go writes `Z` whenever the offset is zero, whatever the zone is called.
    let utc = try #require(TimeZone(identifier: "UTC"))
    #expect(RFC3339.goLocalString(Self.instant, timeZone: utc) == "2026-08-21T12:37:20.935183Z")
    let gmt = try #require(TimeZone(secondsFromGMT: 0))
    #expect(RFC3339.goLocalString(Self.instant, timeZone: gmt) == "2026-08-21T12:37:20.935183Z")
  }

  @Test func followsDaylightSavingTimeOfNamedZones() throws {
    let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
    let london = try #require(TimeZone(identifier: "Europe/London"))
    let winter = Date(timeIntervalSince1970: 1_795_600_800.5)  // 2026-11-25T10:00:00.5Z
    #expect(RFC3339.goLocalString(Self.instant, timeZone: berlin) == "2026-08-21T14:37:20.935183+02:00")
    #expect(RFC3339.goLocalString(winter, timeZone: berlin) == "2026-11-25T11:00:00.5+01:00")
    #expect(RFC3339.goLocalString(Self.instant, timeZone: london) == "2026-08-21T13:37:20.935183+01:00")
    #expect(RFC3339.goLocalString(winter, timeZone: london) == "2026-11-25T10:00:00.5Z")
  }

  @Test(arguments: [
    (1_787_315_840.0, "2026-08-21T14:37:20+02:00"),
    (1_787_315_840.5, "2026-08-21T14:37:20.5+02:00"),
    (1_787_315_840.12, "2026-08-21T14:37:20.12+02:00"),
    (1_787_315_840.000001, "2026-08-21T14:37:20.000001+02:00"),
    (1_787_315_840.100_000_2, "2026-08-21T14:37:20.1+02:00"),
    (1_787_315_840.999_999_7, "2026-08-21T14:37:21+02:00"),
    (-0.5, "1970-01-01T01:59:59.5+02:00"),
    (951_782_399.25, "2000-02-29T01:59:59.25+02:00"),
  ])
  func trimsTheFractionAsGoDoes(_ seconds: Double, _ expected: String) {
    #expect(RFC3339.goLocalString(Date(timeIntervalSince1970: seconds), timeZone: Self.zone(2)) == expected)
  }

  @Test func roundTripsThroughTheParserInEveryZone() throws {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<2000 {
      let seconds = Double.random(in: 0..<4_102_444_800, using: &generator)
      let zone = TimeZone(secondsFromGMT: Int.random(in: -12 * 4...14 * 4, using: &generator) * 900)!
      let text = RFC3339.goLocalString(Date(timeIntervalSince1970: seconds), timeZone: zone)
      let parsed = try #require(RFC3339.parse(text))
      #expect(abs(parsed.timeIntervalSince1970 - seconds) <= 0.000_001_5, "\(text)")
    }
  }
}
