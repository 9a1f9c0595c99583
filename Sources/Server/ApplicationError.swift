package import JSON
package import JSONRPC

/// brickauth's own errors, the one table of them: each with its code, its `data.kind` and whether it is retryable
/// unless the failure at hand says otherwise.
///
/// Codes and kinds are stable API that clients switch on, and `protocol/openrpc.json` lists every one under
/// `components.errors`. They live in `-31099 ... -31001`, outside the ranges the protocols reserve (JSON-RPC's
/// `-32768 ... -32000`, which holds MCP's, and LSP's `-32899 ... -32800`), so no protocol can claim them later.
package enum ApplicationError: Int, CaseIterable, Sendable {
  case authRequired = -31001
  case authFailed = -31002
  case profileNotFound = -31003
  case configInvalid = -31004
  case permissionDenied = -31005
  case notFound = -31006
  case policyViolation = -31007
  case rateLimited = -31008
  case upstreamError = -31009
  case networkError = -31010
  case timeout = -31011
  case busy = -31012

  package var kind: String {
    switch self {
    case .authRequired: "auth_required"
    case .authFailed: "auth_failed"
    case .profileNotFound: "profile_not_found"
    case .configInvalid: "config_invalid"
    case .permissionDenied: "permission_denied"
    case .notFound: "not_found"
    case .policyViolation: "policy_violation"
    case .rateLimited: "rate_limited"
    case .upstreamError: "upstream_error"
    case .networkError: "network_error"
    case .timeout: "timeout"
    case .busy: "busy"
    }
  }

  /// Whether the same call may succeed later unchanged, unless the failure at hand says otherwise: a rate limit, a
  /// network failure, a deadline and a held lock pass by themselves; the others need a change (a login, a fixed
  /// config, another argument) first.
  package var retryable: Bool {
    switch self {
    case .rateLimited, .networkError, .timeout, .busy: true
    default: false
    }
  }

  package var code: RPCError.Code { RPCError.Code(rawValue: rawValue) }

  /// The application error `code` stands for; `nil` for a protocol's code.
  package init?(_ code: RPCError.Code) {
    self.init(rawValue: code.rawValue)
  }
}

extension RPCError {
  /// An application error: code and `data.kind` from the table, `retryable` the table's default unless given.
  package init(
    _ error: ApplicationError,
    _ message: String,
    retryable: Bool? = nil,
    extra: [String: JSONValue] = [:]
  ) {
    self.init(error.code, kind: error.kind, message, retryable: retryable ?? error.retryable, extra: extra)
  }
}
