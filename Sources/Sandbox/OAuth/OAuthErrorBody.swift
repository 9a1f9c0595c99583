import JSON
import LoopbackHTTP

/// An OAuth 2.0 token endpoint error (RFC 6749 §5.2): `{"error", "error_description"}`, the shape the Go SDK reads.
///
/// Only the invalid refresh token body is known from real workspaces (400 `invalid_request`, "Refresh token is
/// invalid"); the descriptions of the others are the sandbox's own, worded like common authorization servers, so
/// clients should key on `error`.
struct OAuthErrorBody: Error, Equatable {
  var status: Int
  var error: String
  var description: String

  /// The error as a JSON answer that must not be cached, as RFC 6749 §5.1 requires of token responses.
  var response: HTTPResponse {
    var response = HTTPResponse.json(
      ["error": .string(error), "error_description": .string(description)],
      status: status
    )
    response.headers.add("Cache-Control", "no-store")
    response.headers.add("Pragma", "no-cache")
    return response
  }

  static func invalidRequest(_ description: String) -> Self {
    Self(status: 400, error: "invalid_request", description: description)
  }

  static func invalidGrant(_ description: String) -> Self {
    Self(status: 400, error: "invalid_grant", description: description)
  }

  static func unsupportedGrantType(_ grantType: String) -> Self {
    Self(status: 400, error: "unsupported_grant_type", description: "Grant type '\(grantType)' is not supported")
  }

  /// An unknown or missing `client_id`. RFC 6749 allows 400 or 401; 401 is what most servers send.
  static let invalidClient = Self(status: 401, error: "invalid_client", description: "Client authentication failed")

  /// Every refresh token that cannot be used: unknown, rotated, revoked, or another client's. The exact body real
  /// workspaces send (cli#667, cli#709); the Go SDK turns precisely this description into "run databricks auth
  /// login again".
  static let invalidRefreshToken = invalidRequest("Refresh token is invalid")
}
