package import JSON

/// A misbehaviour the sandbox acts out instead of, or on top of, answering a call normally.
package enum SandboxFault: Sendable, Equatable {
  /// Answer with this status and JSON body without touching the workspace; a `Retry-After` header (whole
  /// seconds) is added when given.
  case respond(status: Int, body: JSONValue, retryAfterSeconds: Int? = nil)
  /// Handle the call normally, but send the answer only after this many seconds.
  case delay(seconds: Double)
  /// Close the connection without answering.
  case dropConnection

  /// The gateway's rate limit answer: 429 `REQUEST_LIMIT_EXCEEDED`.
  package static func tooManyRequests(retryAfterSeconds: Int? = nil) -> SandboxFault {
    .respond(
      status: 429,
      body: [
        "error_code": "REQUEST_LIMIT_EXCEEDED", "message": "Too many requests. Please wait a moment and try again.",
      ],
      retryAfterSeconds: retryAfterSeconds
    )
  }

  /// A transient outage: 503 `TEMPORARILY_UNAVAILABLE`.
  package static func serviceUnavailable(retryAfterSeconds: Int? = nil) -> SandboxFault {
    .respond(
      status: 503,
      body: ["error_code": "TEMPORARILY_UNAVAILABLE", "message": "The service is temporarily unavailable."],
      retryAfterSeconds: retryAfterSeconds
    )
  }
}
