import Basics
package import JSON

/// A JSON-RPC error object: the one wire error type of the service.
///
/// `code` and `data.kind` are stable API that clients switch on; `message` is a human sentence.
/// Every error carries `data.kind` and `data.retryable`. Messages and data must never contain
/// secrets: build them from bounded descriptions, never from raw upstream text that could echo a token. Should one
/// slip in anyway (a server's error code echoing the request), ``jsonValue`` redacts it: every error reaches the wire
/// through it.
package struct RPCError: Error, Equatable, Sendable {
  /// A stable numeric error code.
  ///
  /// Only the protocols' own codes are named here; an application names its codes itself (`init(rawValue:)`).
  /// `-32768 ... -32000` is reserved by JSON-RPC (and `-32899 ... -32800` by LSP, `-32020 ... -32099` by MCP), so an
  /// application's codes belong outside that range, where no protocol can claim them later.
  package struct Code: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int
    package init(rawValue: Int) { self.rawValue = rawValue }

    package static let parseError = Code(rawValue: -32700)
    package static let invalidRequest = Code(rawValue: -32600)
    package static let methodNotFound = Code(rawValue: -32601)
    package static let invalidParams = Code(rawValue: -32602)
    package static let internalError = Code(rawValue: -32603)
    /// LSP's `RequestCancelled`: the answer to `$/cancelRequest` and to work aborted by SIGTERM.
    package static let requestCancelled = Code(rawValue: -32800)
    /// MCP 2026-07-28 `UnsupportedProtocolVersion`.
    package static let unsupportedProtocolVersion = Code(rawValue: -32022)
  }

  package var code: Code
  package var message: String
  /// Always an object holding at least `kind` (string) and `retryable` (bool).
  package var data: [String: JSONValue]

  /// Creates an error; `kind` and `retryable` are written into `data` and win over keys of the same name in `extra`.
  package init(_ code: Code, kind: String, _ message: String, retryable: Bool = false, extra: [String: JSONValue] = [:])
  {
    self.code = code
    self.message = message
    var data = extra
    data["kind"] = .string(kind)
    data["retryable"] = .bool(retryable)
    self.data = data
  }

  package var kind: String { data["kind"]?.stringValue ?? "" }

  /// The error object as it goes on the wire: `{"code", "message", "data"}`, with every string in `message` and
  /// (at any depth) in `data` passed through ``SecretScrubber/redact(_:)``. This is the one place errors become
  /// JSON, for a response or inside a result (MCP's tool errors, a profile's check), so it is the one place that
  /// keeps secrets out of them.
  package var jsonValue: JSONValue {
    .object([
      "code": .int(Int64(code.rawValue)), "message": .string(SecretScrubber.redact(message)),
      "data": Self.redacted(.object(data)),
    ])
  }

  private static func redacted(_ value: JSONValue) -> JSONValue {
    switch value {
    case .string(let text): .string(SecretScrubber.redact(text))
    case .array(let elements): .array(elements.map(redacted))
    case .object(let members): .object(members.mapValues(redacted))
    default: value
    }
  }
}

extension RPCError {
  package static func parseError(_ detail: String = "Parse error") -> RPCError {
    RPCError(.parseError, kind: "parse_error", detail)
  }

  package static func invalidRequest(_ detail: String = "Invalid Request", kind: String = "invalid_request") -> RPCError
  {
    RPCError(.invalidRequest, kind: kind, detail)
  }

  package static func methodNotFound(_ method: String) -> RPCError {
    RPCError(.methodNotFound, kind: "method_not_found", "Method not found: \(method)")
  }

  /// Invalid params with one entry per problem: `path` is a JSON Pointer into `params` (e.g. `/tokenIds/0`).
  ///
  /// At most ``maxListedParamErrors`` problems are listed in `data.errors`; `data.moreErrors` counts the rest, so
  /// a request with a million unknown keys gets an answer of a few kilobytes, not hundreds of megabytes. `errors`
  /// may be lazy: only the listed problems are ever built.
  package static func invalidParams(_ errors: some Collection<(path: String, message: String)>) -> RPCError {
    let listed = errors.prefix(maxListedParamErrors)
    let summary = listed.first.map { "Invalid params: \($0.path.isEmpty ? "" : "\($0.path): ")\($0.message)" }
    var extra: [String: JSONValue] = [
      "errors": .array(listed.map { .object(["path": .string($0.path), "message": .string($0.message)]) })
    ]
    if errors.count > maxListedParamErrors { extra["moreErrors"] = .int(Int64(errors.count - maxListedParamErrors)) }
    return RPCError(.invalidParams, kind: "invalid_params", summary ?? "Invalid params", extra: extra)
  }

  /// How many problems an invalid-params error lists; the count of the others is `data.moreErrors`.
  package static let maxListedParamErrors = 100

  package static func internalError(_ detail: String = "Internal error") -> RPCError {
    RPCError(.internalError, kind: "internal", detail)
  }

  /// The answer to a request cancelled by `$/cancelRequest`; `partial` reports work already done (`null`: none).
  package static func cancelled(partial: JSONValue? = nil) -> RPCError {
    RPCError(.requestCancelled, kind: "cancelled", "Request cancelled", extra: ["partial": partial ?? .null])
  }

  /// The answer to work aborted because the process is terminating (SIGTERM/SIGINT, `shutdown`).
  package static func shuttingDown(partial: JSONValue? = nil) -> RPCError {
    RPCError(
      .requestCancelled,
      kind: "shutting_down",
      "The service is shutting down",
      retryable: true,
      extra: ["partial": partial ?? .null]
    )
  }
}
