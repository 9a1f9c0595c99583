import JSON
package import LoopbackHTTP

/// Why the local token endpoint answers a request without a token, and the small JSON error it sends instead.
///
/// The message is a fixed sentence: it never echoes the request (whose path is the secret) or a token.
package struct MetadataServiceRefusal: Error, Sendable, Equatable {
  package var status: Int
  /// A stable machine-readable kind, e.g. `login_required`.
  package var kind: String
  package var message: String

  package init(status: Int, kind: String, message: String) {
    self.status = status
    self.kind = kind
    self.message = message
  }

  package static let foreignOrigin = MetadataServiceRefusal(
    status: 403,
    kind: "forbidden",
    message: "Requests from web pages, or addressed to another host name, are refused."
  )
  package static let methodNotAllowed = MetadataServiceRefusal(
    status: 405,
    kind: "method_not_allowed",
    message: "Only GET is served."
  )
  package static let unknownPath = MetadataServiceRefusal(
    status: 404,
    kind: "not_found",
    message: "No credentials are served at this URL."
  )
  package static let unsupportedVersion = MetadataServiceRefusal(
    status: 400,
    kind: "unsupported_version",
    message: "X-Databricks-Metadata-Version must be 1."
  )
  package static let wrongHost = MetadataServiceRefusal(
    status: 400,
    kind: "wrong_host",
    message: "X-Databricks-Host does not name the host these credentials are for."
  )
  package static let invalidRejectedToken = MetadataServiceRefusal(
    status: 400,
    kind: "invalid_rejected_token",
    message: "X-Brickauth-Rejected-Token must be sent at most once, with the token Databricks refused."
  )
  package static let loginRequired = MetadataServiceRefusal(
    status: 401,
    kind: "login_required",
    message: "The profile has no usable token: sign in again with brickauth login."
  )
  package static let unsupportedAuthType = MetadataServiceRefusal(
    status: 401,
    kind: "unsupported_auth_type",
    message: "brickauth cannot mint tokens for this profile's auth type."
  )
  package static let unavailable = MetadataServiceRefusal(
    status: 503,
    kind: "token_unavailable",
    message: "The token could not be obtained; try again."
  )

  /// The answer on the wire: `{"error": kind, "message": message}`.
  package var response: HTTPResponse {
    MetadataServiceAnswer.json(["error": .string(kind), "message": .string(message)], status: status)
  }
}
