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
  /// A hostile or misconfigured server: answer with this 3xx status and `Location` (another host, plain `http://`,
  /// or the same host), which a client that follows it would send its credential to.
  case redirect(status: Int, location: String)
  /// A hostile server: answer with this status and a Databricks error body whose `message` repeats the request
  /// line, every header (`Authorization` included) and the body, so a client that shows upstream messages shows
  /// its own secrets.
  case echo(status: Int)
  /// Answer 200 with a JSON content type and a body that never ends: `chunkBytes` spaces (JSON whitespace, so
  /// always a valid prefix), again and again, `pauseSeconds` apart, until the client hangs up. Fast, it tests a
  /// client's size cap; trickling, its overall timeout.
  case endlessBody(chunkBytes: Int, pauseSeconds: Double)

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
