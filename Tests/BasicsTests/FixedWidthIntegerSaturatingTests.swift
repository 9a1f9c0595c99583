import Basics
import Testing

@Suite struct FixedWidthIntegerSaturatingTests {
  @Test(
    arguments: [
      (1e300, Int64.max), (-1e300, Int64.min), (Double.infinity, Int64.max), (-Double.infinity, Int64.min),
      (Double.nan, 0), (9_223_372_036_854_775_807.0, Int64.max), (-9_223_372_036_854_775_808.0, Int64.min),
      (2e10, 20_000_000_000), (-2.9, -2), (2.9, 2),
    ] as [(Double, Int64)]
  )
  func convertsAnyDoubleToInt64(_ value: Double, _ expected: Int64) {
    #expect(Int64(saturating: value) == expected)
  }

  @Test func convertsToNarrowerAndUnsignedTypes() {
    #expect(Int32(saturating: 2e10) == .max)
    #expect(Int32(saturating: -2e10) == .min)
    #expect(UInt64(saturating: -1) == 0)
    #expect(UInt64(saturating: 1e300) == .max)
    #expect(Int(saturating: 1e300) == .max)
  }

  @Test(
    arguments: [
      (1e300, UInt64(Int64.max)), (2e10, UInt64(Int64.max)), (600, 600_000_000_000), (-1, 0), (Double.nan, 0),
      (0.5, 500_000_000),
    ] as [(Double, UInt64)]
  )
  func convertsSecondsToSleepNanoseconds(_ seconds: Double, _ nanoseconds: UInt64) {
    #expect(UInt64(nanosecondsIn: seconds) == nanoseconds)
  }
}
