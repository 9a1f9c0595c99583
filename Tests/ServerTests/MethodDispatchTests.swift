import Foundation
import JSON
import TestSupport
import Testing

/// Params decoding, results and the method table through the real handlers, in-process.
@Suite(.timeLimit(.minutes(1))) struct MethodDispatchTests {
  let server = InProcessServer()

  @Test func pingAnswersAnEmptyObject() async throws {
    #expect(try await server.call("ping")["result"] == [:])
  }

  @Test func paramsMayBeOmittedNullOrAnEmptyObject() async throws {
    #expect(try await server.call("ping", id: 1)["result"] == [:])
    #expect(try await server.call("ping", id: 2, params: .null)["result"] == [:])
    #expect(try await server.call("ping", id: 3, params: [:])["result"] == [:])
    #expect(try await server.call("ping", id: 4, params: ["_meta": ["progressToken": 1]])["result"] == [:])
  }

  @Test func positionalParamsAreInvalidParams() async throws {
    let error = try #require(try await server.call("ping", params: [1, 2])["error"])
    #expect(error["code"] == -32602)
    #expect(error["data"]?["errors"] == [["path": "", "message": "params must be an object (by name)"]])
  }

  @Test func unknownParamsAreRejectedWithTheirPaths() async throws {
    let error = try #require(try await server.call("ping", params: ["validate": true, "zzz": 1])["error"])
    #expect(error["code"] == -32602)
    #expect(error["data"]?["kind"] == "invalid_params")
    let paths = error["data"]?["errors"]?.arrayValue?.compactMap { $0["path"]?.stringValue }
    #expect(paths == ["/validate", "/zzz"])
  }

  @Test func aFloodOfUnknownParamsGetsABoundedError() async throws {
    let params = JSONValue.object(Dictionary(uniqueKeysWithValues: (0..<100_000).map { ("k\($0)", JSONValue.int(1)) }))
    _ = try await server.call("ping", params: params)
    let answer = try #require(server.writer.rawMessages.last)
    let error = try #require(try JSONParser.parse(answer)["error"])
    #expect(error["data"]?["errors"]?.arrayValue?.count == 100)
    #expect(error["data"]?["moreErrors"] == 99_900)
    #expect(answer.count < 10_000)
  }

  @Test func wrongParamTypesNameThePath() async throws {
    let error = try #require(try await server.call("test/sleep", params: ["seconds": "soon"])["error"])
    #expect(error["code"] == -32602)
    #expect(error["data"]?["errors"]?.arrayValue?.first?["path"] == "/seconds")
  }

  @Test func missingRequiredParamsNameThePath() async throws {
    let error = try #require(try await server.call("test/sleep", params: [:])["error"])
    #expect(error["data"]?["errors"]?.arrayValue?.first?["path"] == "/seconds")
  }

  @Test(arguments: [
    ("2025-11-25", "2025-11-25"), ("2024-11-05", "2024-11-05"), ("2025-06-18", "2025-06-18"),
    ("2099-01-01", "2025-11-25"),
  ])
  func initializeEchoesSupportedMCPVersionsAndOtherwiseOffersTheLatest(requested: String, answered: String)
    async throws
  {
    let result = try #require(
      try await server.call("initialize", params: ["protocolVersion": .string(requested)])["result"]
    )
    #expect(result["protocolVersion"] == .string(answered))
    #expect(result["serverInfo"]?["name"] == "brickauth")
  }

  @Test func initializeWithoutAVersionIsAPlainHello() async throws {
    let result = try #require(try await server.call("initialize")["result"])
    #expect(result["protocolVersion"] == "brickauth/1")
    #expect(result["capabilities"]?.objectValue != nil)
  }

  @Test func rpcDiscoverServesTheProtocolDocumentByteForByteEquivalent() async throws {
    let result = try #require(try await server.call("rpc.discover")["result"])
    let onDisk = try Data(contentsOf: Self.repositoryRoot.appendingPathComponent("protocol/openrpc.json"))
    #expect(result == (try JSONParser.parse(Array(onDisk))))
    #expect(result["openrpc"]?.stringValue?.hasPrefix("1.") == true)
  }

  /// Every method the table serves is described in `protocol/openrpc.json`, and nothing else is.
  @Test func theMethodTableAndTheOpenRPCDocumentAgree() async throws {
    let document = try #require(try await server.call("rpc.discover")["result"])
    let described = Set(document["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
    let served = Set(InProcessServer(testMethods: false).connectionMethodNames)
    let lifecycle: Set = [
      "shutdown", "exit", "$/cancelRequest", "notifications/cancelled", "notifications/initialized",
    ]
    #expect(served.subtracting(described).isEmpty)
    #expect(described.subtracting(served).subtracting(lifecycle).isEmpty)
  }

  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
}
