import JSON

/// Echoes `value`, optionally padded with `padBytes` of filler, registered only for tests (`--test-methods`):
/// large results under concurrency are what would expose interleaved stdout frames. `strayPrint` calls
/// `print()` first, to prove a careless print can never reach the protocol stream.
enum TestEcho: RPCMethod {
  static let name = "test/echo"

  struct Params: Decodable, Sendable {
    var value: JSONValue?
    var padBytes: Int?
    var strayPrint: Bool?
  }

  struct Result: Encodable, Sendable {
    var value: JSONValue?
    var padding: String
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    if params.strayPrint == true { print("stray print from test/echo") }
    return Result(
      value: params.value,
      padding: String(repeating: "x", count: max(0, min(params.padBytes ?? 0, 8 << 20)))
    )
  }
}
