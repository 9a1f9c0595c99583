/// A Databricks API call that failed, classified into the error kinds of the RPC errors (`auth_required`,
/// `permission_denied`, `rate_limited`, … in `protocol/openrpc.json`), keeping the HTTP status and `error_code`.
///
/// `message` is built from bounded, scrubbed text (see ``SecretScrubber``): an upstream message is kept because it
/// is often the only useful explanation ("Requested token lifetime … exceeds …"), but never a credential.
package struct APIError: Error, Equatable, Sendable {
  package enum Kind: String, Sendable, Equatable {
    /// 401, or 403 "Invalid access token." / "Invalid Token": the credential itself is bad; call `login`.
    case authRequired
    /// 403 `PERMISSION_DENIED`: the caller lacks a permission (e.g. an admin-only API).
    case permissionDenied
    /// The token (or other resource) does not exist.
    case notFound
    /// The workspace policy refuses it: lifetime above the maximum, tokens disabled, quota reached.
    case policyViolation
    /// 429 after retries.
    case rateLimited
    /// 5xx, an unexpected 4xx, or a malformed response.
    case upstream
    /// DNS, connect, TLS, or a request that timed out.
    case network
  }

  package var kind: Kind
  package var message: String
  package var host: String
  /// A URL the host named that nothing was sent to (an OAuth endpoint on another host).
  package var url: String?
  package var httpStatus: Int?
  /// The body's `error_code` (string codes as sent; integer codes as their decimal text).
  package var databricksErrorCode: String?
  package var retryAfterSeconds: Int?
  /// Whether trying again later may succeed (5xx, 429, network).
  package var retryable: Bool

  package init(
    _ kind: Kind,
    _ message: String,
    host: String,
    url: String? = nil,
    httpStatus: Int? = nil,
    databricksErrorCode: String? = nil,
    retryAfterSeconds: Int? = nil,
    retryable: Bool = false
  ) {
    self.kind = kind
    self.message = message
    self.host = host
    self.url = url
    self.httpStatus = httpStatus
    self.databricksErrorCode = databricksErrorCode
    self.retryAfterSeconds = retryAfterSeconds
    self.retryable = retryable
  }

  /// Classifies a non-2xx response (after any retries) from its status and parsed body.
  package init(status: Int, body: DatabricksErrorBody, host: String, retryAfterSeconds: Int? = nil) {
    let code = body.errorCode
    let message = body.message ?? "HTTP \(status)"
    let text = message.lowercased()
    let kind: Kind
    switch status {
    case 401:
      kind = .authRequired
    case 403 where body.errorCodeIsInteger || Self.badCredentialMessages.contains { text.contains($0) }:
      kind = .authRequired
    case _ where code == "QUOTA_EXCEEDED" || code == "RESOURCE_EXHAUSTED" && status != 429:
      kind = .policyViolation
    case 403 where text.contains("token") && text.contains("disabled"):
      kind = .policyViolation
    case 403:
      kind = .permissionDenied
    case 400 where text.contains("lifetime") && (text.contains("exceed") || text.contains("maximum")):
      kind = .policyViolation
    case 404 where code != "ENDPOINT_NOT_FOUND":
      kind = .notFound
    case 429:
      kind = .rateLimited
    default:
      kind = .upstream
    }
    self.init(
      kind,
      message,
      host: host,
      httpStatus: status,
      databricksErrorCode: code,
      retryAfterSeconds: retryAfterSeconds,
      retryable: status == 429 || status >= 500
    )
  }

  /// Messages of a 403 that mean "this credential is not valid" rather than "not allowed": real workspaces answer
  /// an invalid, revoked or expired PAT with 403 "Invalid access token." and a bad OAuth token with 403 "Invalid
  /// Token", while a missing permission is 403 `PERMISSION_DENIED`.
  static let badCredentialMessages = ["invalid access token", "invalid token", "jwt has expired", "token is expired"]
}
