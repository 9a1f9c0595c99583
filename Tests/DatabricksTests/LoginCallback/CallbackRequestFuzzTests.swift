import Databricks
import Foundation
import LoopbackHTTP
import Testing

/// Seeded fuzzing of what the login listener makes of a request: random queries (known parameters repeated, empty,
/// percent-encoded or broken; other parameters; garbage) under random `Host` headers. It never crashes, and only a
/// redirect that carries the flow's state under the redirect URI's `Host` ends the flow, and no page shows the state
/// (pages do show the `error` and its description, which is the authorization server's message to the user). The seed is fixed, so a failure replays; `BRICKAUTH_FUZZ_ITERATIONS` runs more inputs.
@Suite struct CallbackRequestFuzzTests {
  static let iterations = ProcessInfo.processInfo.environment["BRICKAUTH_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 3000
  static let state = "s7aTe-Of-ThIs-fLoW"
  static let code = "c0dE-sEcReT"
  static let host = "localhost:8020"

  /// A 64-bit linear congruential sequence (Knuth's MMIX constants): the same numbers on every run.
  struct Numbers {
    var state: UInt64

    mutating func below(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(max(1, bound)))
    }

    mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }
  }

  static func query(_ numbers: inout Numbers) -> String {
    let names = ["code", "state", "error", "error_description", "iss", "c%6Fde", "st%61te", "", "%", "code+"]
    let values = [
      code, state, state.uppercased(), "", "%", "%zz", "%FF", "a+b", "x%20y", "access_denied", "s", "%E2%82",
    ]
    var pieces: [String] = []
    for _ in 0..<numbers.below(7) {
      switch numbers.below(6) {
      case 0: pieces.append(numbers.pick(names))
      case 1: pieces.append("")
      default: pieces.append("\(numbers.pick(names))=\(numbers.pick(values))")
      }
    }
    return pieces.joined(separator: "&")
  }

  @Test func neverCrashesAndOnlyTheFlowsOwnRedirectEndsIt() {
    var numbers = Numbers(state: 0x6c69_7374_656e_6572)
    let hosts = [Self.host, "LOCALHOST:8020", "127.0.0.1:8020", "localhost:8021", "evil.example:8020", "localhost", ""]
    for _ in 0..<Self.iterations {
      let host = numbers.pick(hosts)
      let path = numbers.pick(["/", "/", "/favicon.ico", "/cb", "//"])
      let method = numbers.pick(["GET", "GET", "HEAD", "POST"])
      let version = numbers.pick(["HTTP/1.1", "HTTP/1.0"])
      let hostLine = numbers.below(6) == 0 ? "" : "Host: \(host)\r\n"
      let head = "\(method) \(path)?\(Self.query(&numbers)) \(version)\r\n\(hostLine)\r\n"
      var parser = HTTPRequestParser(limits: HTTPLimits(maxHeadBytes: 64 * 1024))
      let reply: CallbackReply
      switch parser.feed(Array(head.utf8)).first {
      case .request(let request)?:
        let decided = CallbackRequest(request, expectedHost: Self.host, expectedPath: "/")
        reply = CallbackReply(for: decided, expectedState: Self.state, applicationName: "fuzz")
        if case .finish(let outcome) = reply.outcome {
          #expect(method == "GET" && path == "/", "\(head)")
          #expect(host.lowercased() == Self.host && !hostLine.isEmpty, "\(head)")
          #expect(head.contains(Self.state), "\(head)")
          if case .success(let result) = outcome { #expect(result.state == Self.state) }
        }
      case .failure(let error)?:
        reply = CallbackReply(refusing: error)
        #expect(reply.outcome == .keepListening)
      default:
        Issue.record("no decision for \(head)")
        continue
      }
      #expect(!reply.page.contains(Self.state), "\(head)")
      #expect([200, 400, 404, 431].contains(reply.status))
    }
  }
}
