import Basics
import Databricks
import Testing

@Suite struct DatabricksErrorBodyTests {
  func body(_ text: String, status: Int = 400) -> DatabricksErrorBody {
    DatabricksErrorBody(parsing: Array(text.utf8), status: status)
  }

  @Test func readsTheStandardShape() {
    #expect(
      body(#"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Token with ID x does not exist.","details":[]}"#)
        == DatabricksErrorBody(errorCode: "RESOURCE_DOES_NOT_EXIST", message: "Token with ID x does not exist.")
    )
  }

  /// A server that echoes the request into `error` gets its code redacted as it is parsed, while the secret sent is
  /// certainly still remembered (an answer may be written much later, after many other secrets were sent).
  @Test func redactsASecretEchoedIntoTheErrorCode() {
    let refreshToken = "rt-echoed-\(UInt64.random(in: 1...UInt64.max))-secret"
    SecretScrubber.remember([refreshToken])
    let parsed = body(#"{"error":"invalid_grant \#(refreshToken)","error_description":"no"}"#)
    #expect(parsed.errorCode?.contains(refreshToken) == false)
    #expect(parsed.errorCode?.hasPrefix("invalid_grant") == true)
    #expect(
      body(#"{"error_code":"Bearer dapi0123456789abcdef0123456789abcdef","message":"x"}"#).errorCode?.contains(
        "dapi0123"
      ) == false
    )
  }

  @Test func readsIntegerErrorCodesAsAuthFailures() {
    let parsed = body(#"{"error_code":403,"message":"Invalid access token."}"#, status: 403)
    #expect(parsed == DatabricksErrorBody(errorCode: "403", message: "Invalid access token.", errorCodeIsInteger: true))
  }

  @Test func readsAPI12SCIMHTMLAndPlainTextBodies() {
    #expect(body(#"{"error":"Bad thing"}"#).message == "Bad thing")
    #expect(body(#"{"detail":"User not found","status":"404","schemas":[]}"#, status: 404).errorCode == "SCIM_404")
    #expect(
      body("<html><body><pre>Invalid access token.</pre></body></html>", status: 403).message == "Invalid access token."
    )
    let plain = body("INVALID_STATE: cluster is terminated")
    #expect(plain.errorCode == "INVALID_STATE")
    #expect(plain.message == "cluster is terminated")
    #expect(body("<html>gateway</html>", status: 502) == DatabricksErrorBody())
    #expect(body("") == DatabricksErrorBody())
  }

  @Test func readsOAuthErrors() {
    let parsed = body(#"{"error":"invalid_request","error_description":"Refresh token is invalid"}"#)
    #expect(parsed.errorCode == "invalid_request")
    #expect(parsed.message == "Refresh token is invalid")
  }

  @Test func scrubsCredentialsOutOfMessages() {
    let parsed = body(#"{"error_code":"BAD","message":"token dapi0123456789abcdef0123456789abcdef is bad"}"#)
    #expect(parsed.message == "token <redacted> is bad")
  }
}

@Suite struct APIErrorClassificationTests {
  @Test(arguments: [
    (
      401, #"{"error_code":401,"message":"Credential was not sent or was of an unsupported type for this API."}"#,
      APIError.Kind.authRequired
    ),
    (403, #"{"error_code":403,"message":"Invalid access token."}"#, .authRequired),
    (403, #"{"error_code":"PERMISSION_DENIED","message":"Invalid Token"}"#, .authRequired),
    (403, "<html><pre>Invalid access token.</pre></html>", .authRequired),
    (
      403, #"{"error_code":"PERMISSION_DENIED","message":"Only workspace admins can use the token management API."}"#,
      .permissionDenied
    ),
    (
      403, #"{"error_code":"PERMISSION_DENIED","message":"Personal access tokens are disabled for this workspace."}"#,
      .policyViolation
    ),
    (400, #"{"error_code":"QUOTA_EXCEEDED","message":"Cannot create more than 600 tokens."}"#, .policyViolation),
    (
      400,
      #"{"error_code":"INVALID_PARAMETER_VALUE","message":"Requested token lifetime of 9 seconds exceeds the maximum token lifetime of 1 days."}"#,
      .policyViolation
    ),
    (400, #"{"error_code":"INVALID_PARAMETER_VALUE","message":"something else"}"#, .upstream),
    (404, #"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Token with ID x does not exist."}"#, .notFound),
    (404, #"{"error_code":"ENDPOINT_NOT_FOUND","message":"No API found for 'GET /nope'"}"#, .upstream),
    (429, #"{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow down"}"#, .rateLimited),
    (500, #"{"error_code":"INTERNAL_ERROR","message":"oops"}"#, .upstream),
    (503, #"{"error_code":"TEMPORARILY_UNAVAILABLE","message":"later"}"#, .upstream),
  ])
  func classifiesResponses(_ status: Int, _ text: String, _ kind: APIError.Kind) {
    let error = APIError(
      status: status,
      body: DatabricksErrorBody(parsing: Array(text.utf8), status: status),
      host: "h"
    )
    #expect(error.kind == kind)
    #expect(error.httpStatus == status)
    #expect(error.retryable == (status == 429 || status >= 500))
  }

  @Test func keepsTheErrorCodeAndMessage() {
    let text = #"{"error_code":"QUOTA_EXCEEDED","message":"Cannot create more than 600 tokens."}"#
    let error = APIError(status: 400, body: DatabricksErrorBody(parsing: Array(text.utf8), status: 400), host: "h")
    #expect(error.databricksErrorCode == "QUOTA_EXCEEDED")
    #expect(error.message == "Cannot create more than 600 tokens.")
  }
}
