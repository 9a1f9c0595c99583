import Foundation
import LoopbackHTTP
import Testing

/// Seeded fuzzing of the request parser with mutated requests and garbage, split at random points: it never
/// crashes, never hands out a request beyond its limits, stops at its first failure, and decides the same whatever
/// the split. The seed is fixed, so a failure replays; `BRICKAUTH_FUZZ_ITERATIONS` runs more inputs.
@Suite struct HTTPRequestParserFuzzTests {
  static let limits = HTTPLimits(maxHeadBytes: 512, maxHeaderCount: 8, maxBodyBytes: 64)
  static let iterations = ProcessInfo.processInfo.environment["BRICKAUTH_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 3000

  static let seeds: [String] = [
    "GET / HTTP/1.1\r\nHost: localhost:8020\r\n\r\n",
    "GET /?code=abc&state=xyz HTTP/1.1\r\nHost: localhost:8020\r\nConnection: keep-alive\r\n\r\n",
    "POST /api HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
    "POST /api HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc",
    "GET / HTTP/1.0\n\nGET /b HTTP/1.1\nHost: x\n\n",
    "\r\n\r\nHEAD /favicon.ico HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
  ]
  static let interesting: [UInt8] = Array("\r\n :/?&=%+0123456789-,\t\u{7F}".utf8) + [0, 0x80, 0xFF]

  /// A SplitMix64 step: the same numbers on every run.
  struct Numbers {
    var state: UInt64

    mutating func below(_ bound: Int) -> Int {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return Int((z ^ (z >> 31)) % UInt64(max(1, bound)))
    }
  }

  static func input(_ numbers: inout Numbers) -> [UInt8] {
    if numbers.below(8) == 0 { return (0..<numbers.below(700)).map { _ in UInt8(numbers.below(256)) } }
    var bytes = Array(seeds[numbers.below(seeds.count)].utf8)
    for _ in 0..<numbers.below(6) {
      let at = numbers.below(bytes.count + 1)
      switch numbers.below(5) {
      case 0 where at < bytes.count: bytes[at] = interesting[numbers.below(interesting.count)]
      case 1:
        bytes.insert(
          contentsOf: repeatElement(interesting[numbers.below(interesting.count)], count: numbers.below(600)),
          at: at
        )
      case 2 where at < bytes.count: bytes.removeSubrange(at..<min(bytes.count, at + numbers.below(8)))
      case 3: bytes += seeds[numbers.below(seeds.count)].utf8
      default: bytes.insert(contentsOf: "X-A: \(numbers.below(1_000_000))\r\n".utf8, at: at)
      }
    }
    return bytes
  }

  /// The events for `bytes` fed in pieces cut at `cuts`, without `100 Continue`, which depends on the split.
  static func events(_ bytes: [UInt8], cuts: [Int]) -> [HTTPRequestParser.Event] {
    var parser = HTTPRequestParser(limits: limits)
    var events: [HTTPRequestParser.Event] = []
    var start = 0
    for cut in cuts.sorted() + [bytes.count] where cut >= start {
      let fed = parser.feed(bytes[start..<cut])
      if events.contains(where: { if case .failure = $0 { true } else { false } }) {
        #expect(fed.isEmpty, "nothing after a failure")
      }
      events += fed
      start = cut
    }
    return events.filter { $0 != .continueExpected }
  }

  @Test func neverCrashesKeepsItsLimitsAndIgnoresHowTheBytesAreSplit() {
    var numbers = Numbers(state: 0x6272_6963_6b61_7574)
    for _ in 0..<Self.iterations {
      let bytes = Self.input(&numbers)
      let whole = Self.events(bytes, cuts: [])
      let cuts = (0..<numbers.below(6)).map { _ in numbers.below(bytes.count + 1) }
      let split = Self.events(bytes, cuts: cuts)
      #expect(whole == split, "the same decisions however the bytes arrive")
      for (index, event) in whole.enumerated() {
        switch event {
        case .request(let request):
          #expect(request.body.count <= Self.limits.maxBodyBytes)
          #expect(request.headers.fields.count <= Self.limits.maxHeaderCount)
          #expect(request.target.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } && request.target.hasPrefix("/"))
          #expect(request.method.utf8.count + request.target.utf8.count <= Self.limits.maxHeadBytes)
        case .failure:
          #expect(index == whole.count - 1, "a failure is the last event")
        case .continueExpected:
          break
        }
      }
    }
  }
}
