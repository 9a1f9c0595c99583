import Foundation
import JSON
import Server
import TestSupport
import Testing

/// `tools/call` without the network: wrapping, tool execution errors, protocol errors.
@Suite(.timeLimit(.minutes(1))) struct MCPToolsCallTests {
  let server = InProcessServer()

  @Test func aResultIsWrappedAsTextAndStructuredContent() async throws {
    let direct = try #require(try await server.call("listProfiles", id: 1)["result"])
    let response = try await server.call("tools/call", id: 2, params: ["name": "listProfiles", "arguments": [:]])
    let result = try #require(response["result"])
    #expect(result["isError"] == false)
    #expect(result["structuredContent"] == direct)
    #expect(result["content"]?.arrayValue?.count == 1)
    #expect(result["content"]?.arrayValue?.first?["type"] == "text")
    let text = try #require(result["content"]?.arrayValue?.first?["text"]?.stringValue)
    #expect(text == JSONWriter.string(direct))
    #expect(!text.contains("\n"))
  }

  @Test func argumentsMayBeOmitted() async throws {
    let response = try await server.call("tools/call", params: ["name": "listProfiles"])
    #expect(response["result"]?["isError"] == false)
  }

  @Test(arguments: ["getToken", "ping", "rpc.discover", "initialize", "tools/list", "test/sleep", "nope"])
  func aNameThatIsNotAToolIsInvalidParams(name: String) async throws {
    let response = try await server.call("tools/call", params: ["name": .string(name), "arguments": [:]])
    let error = try #require(response["error"])
    #expect(error["code"] == -32602)
    #expect(error["message"] == .string("Unknown tool: \(name)"))
    #expect(error["data"]?["kind"] == "invalid_params")
    #expect(error["data"]?["errors"]?.arrayValue?.first?["path"] == "/name")
  }

  @Test func aMissingNameIsInvalidParams() async throws {
    let response = try await server.call("tools/call", params: ["arguments": [:]])
    #expect(response["error"]?["code"] == -32602)
  }

  @Test func badArgumentsAreAToolExecutionError() async throws {
    let response = try await server.call("tools/call", params: ["name": "listProfiles", "arguments": ["zzz": 1]])
    let result = try #require(response["result"])
    #expect(result["isError"] == true)
    #expect(result["structuredContent"]?["error"]?["code"] == -32602)
    #expect(result["structuredContent"]?["error"]?["data"]?["errors"]?.arrayValue?.first?["path"] == "/zzz")
    let text = try #require(result["content"]?.arrayValue?.first?["text"]?.stringValue)
    #expect(text.hasPrefix("Invalid params: /zzz"))
    #expect(text.hasSuffix("(kind=invalid_params)"))
  }

  @Test func argumentsThatAreNotAnObjectAreAToolExecutionError() async throws {
    let response = try await server.call("tools/call", params: ["name": "listProfiles", "arguments": [1]])
    #expect(response["result"]?["isError"] == true)
    #expect(response["result"]?["structuredContent"]?["error"]?["code"] == -32602)
  }

  @Test func aDomainErrorIsAToolExecutionError() async throws {
    let response = try await server.call(
      "tools/call",
      params: ["name": "describeProfile", "arguments": ["profile": "nope"]]
    )
    let result = try #require(response["result"])
    #expect(result["isError"] == true)
    let error = try #require(result["structuredContent"]?["error"])
    #expect(ApplicationError(errorObject: error) == .profileNotFound)
    #expect(error["data"]?["kind"] == "profile_not_found")
    #expect(result["content"]?.arrayValue?.first?["text"]?.stringValue?.hasSuffix("(kind=profile_not_found)") == true)
  }

  @Test func loginAsAToolWaitsBrieflyByDefaultAndSaysSo() async throws {
    let response = try await server.call("tools/list")
    let login = try #require(response["result"]?["tools"]?.arrayValue?.first { $0["name"] == "login" })
    #expect(login["inputSchema"]?["properties"]?["waitSeconds"]?["default"] == 20)
  }
}
