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
}
