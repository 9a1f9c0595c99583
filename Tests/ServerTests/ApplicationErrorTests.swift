import Foundation
import JSON
import JSONRPC
import Server
import Testing

/// The application's error table: codes, kinds and default retryability are stable API that clients switch on.
@Suite struct ApplicationErrorTests {
  /// `components.errors` of `protocol/openrpc.json`, read independently of the server's code.
  static let documentedErrors: [String: JSONValue] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "../../protocol/openrpc.json"
    )
    let document = (try? JSONParser.parse(Array((try? Data(contentsOf: url)) ?? Data())[...])) ?? .null
    return document["components"]?["errors"]?.objectValue ?? [:]
  }()

  /// Pin every one, so that a change to the table is a deliberate change of the wire.
  @Test(arguments: [
    (ApplicationError.authRequired, -31001, "auth_required", false),
    (.authFailed, -31002, "auth_failed", false),
    (.profileNotFound, -31003, "profile_not_found", false),
    (.configInvalid, -31004, "config_invalid", false),
    (.permissionDenied, -31005, "permission_denied", false),
    (.notFound, -31006, "not_found", false),
    (.policyViolation, -31007, "policy_violation", false),
    (.rateLimited, -31008, "rate_limited", true),
    (.upstreamError, -31009, "upstream_error", false),
    (.networkError, -31010, "network_error", true),
    (.timeout, -31011, "timeout", true),
    (.busy, -31012, "busy", true),
  ])
  func codesKindsAndRetryabilityAreStable(error: ApplicationError, code: Int, kind: String, retryable: Bool) {
    #expect(error.code.rawValue == code)
    #expect(error.kind == kind)
    #expect(error.retryable == retryable)
  }

  /// The codes the protocols (JSON-RPC, LSP, MCP) define, which are no application error.
  static let protocolCodes: Set = [-32700, -32600, -32601, -32602, -32603, -32800, -32022]

  /// The protocol document lists each application error under its name (`AuthRequired` for `authRequired`) with
  /// the table's code and kind, and lists no error beside the table's and the protocols' own.
  @Test func theOpenRPCDocumentListsExactlyTheTable() throws {
    #expect(!Self.documentedErrors.isEmpty)
    for error in ApplicationError.allCases {
      let name = "\(error)".prefix(1).uppercased() + "\(error)".dropFirst()
      let documented = try #require(Self.documentedErrors[name], "\(name) is missing from components.errors")
      #expect(documented["code"] == .int(Int64(error.rawValue)), "\(name)")
      let description = documented["data"]?["description"]?.stringValue ?? ""
      #expect(description.hasPrefix("data.kind = \(error.kind),"), "\(name): \(description)")
    }
    let documentedCodes = Self.documentedErrors.values.compactMap { entry -> Int? in
      guard case .int(let code)? = entry["code"] else { return nil }
      return Int(code)
    }
    #expect(Set(documentedCodes).subtracting(Self.protocolCodes) == Set(ApplicationError.allCases.map(\.rawValue)))
  }

  @Test func protocolCodesAreNoApplicationError() {
    for code in Self.protocolCodes {
      #expect(ApplicationError(.init(rawValue: code)) == nil)
    }
  }
}
