package import JSON
package import LoopbackHTTP

/// An error answer in the shapes real workspaces send: `{"error_code", "message"}`.
///
/// Most APIs put a string code in `error_code`; the authentication layer in front of them puts the integer HTTP
/// status there instead, which clients must tolerate, so ``errorCode`` is a `JSONValue`.
package struct SandboxErrorResponse: Error, Sendable, Equatable {
  package var status: Int
  package var errorCode: JSONValue
  package var message: String

  package init(status: Int, errorCode: JSONValue, message: String) {
    self.status = status
    self.errorCode = errorCode
    self.message = message
  }

  package var json: JSONValue {
    ["error_code": errorCode, "message": .string(message)]
  }

  package var response: HTTPResponse {
    .json(json, status: status)
  }
}

extension SandboxErrorResponse {
  package static func invalidParameterValue(_ message: String) -> Self {
    Self(status: 400, errorCode: "INVALID_PARAMETER_VALUE", message: message)
  }

  /// A body that is not JSON, not an object, or has a field of the wrong type.
  package static func malformedRequest(_ message: String) -> Self {
    Self(status: 400, errorCode: "MALFORMED_REQUEST", message: message)
  }

  package static func resourceDoesNotExist(_ message: String) -> Self {
    Self(status: 404, errorCode: "RESOURCE_DOES_NOT_EXIST", message: message)
  }

  package static func permissionDenied(_ message: String) -> Self {
    Self(status: 403, errorCode: "PERMISSION_DENIED", message: message)
  }

  /// The per-user token quota. A 400, not a 429: waiting does not help, only revoking tokens does.
  package static func quotaExceeded(_ message: String) -> Self {
    Self(status: 400, errorCode: "QUOTA_EXCEEDED", message: message)
  }

  /// Databricks routes by method and path together, so a known path with the wrong method gets this too.
  /// The message names the path without its `/api` prefix, as real workspaces do.
  package static func endpointNotFound(method: String, path: String) -> Self {
    var shown = path
    if path.hasPrefix("/api/"), let versionEnd = path.dropFirst("/api/".count).firstIndex(of: "/") {
      shown = String(path[versionEnd...])
    }
    return Self(status: 404, errorCode: "ENDPOINT_NOT_FOUND", message: "No API found for '\(method) \(shown)'")
  }

  /// No `Authorization` header, or not a bearer one.
  package static func credentialNotSent(requestID: String) -> Self {
    Self(
      status: 401,
      errorCode: 401,
      message: "Credential was not sent or was of an unsupported type for this API. [ReqId: \(requestID)]"
    )
  }

  /// An unknown, revoked or expired personal access token (the 52-byte body of databricks-sdk-go#873).
  package static let invalidAccessToken = Self(status: 403, errorCode: 403, message: "Invalid access token.")

  /// An unknown or expired OAuth access token.
  package static let invalidOAuthToken = Self(status: 403, errorCode: 403, message: "Invalid Token")

  package static let tokensDisabled = permissionDenied(
    "Personal access tokens are disabled for this workspace (enableTokensConfig is false)."
  )
}
