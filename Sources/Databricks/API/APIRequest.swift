package import JSON

/// One call to a Databricks REST endpoint: method, path, query and JSON body.
package struct APIRequest: Sendable, Equatable {
  package var method: String
  package var path: String
  package var query: [(String, String)]
  package var body: JSONValue?
  /// A form body (`application/x-www-form-urlencoded`, for OAuth token requests) instead of JSON.
  package var form: [(String, String)]?
  /// An `Authorization` header of another scheme than the bearer's (a service principal's `Basic` client
  /// authentication at a token endpoint); sent only when the request has no bearer, and redacted from errors.
  package var authorization: String?
  /// Whether a cancel lets the attempt already sent run to its answer (bounded by the request timeout) instead of
  /// abandoning it. For changes such as a revocation: the server may have done the work before the answer came, and the
  /// caller must learn which: work already committed upstream is reported to the client, not undone and not guessed at.
  /// A cancel still prevents every later attempt.
  package var answersDespiteCancel = false

  package init(_ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil) {
    self.method = method
    self.path = path
    self.query = query
    self.body = body
  }

  /// Whether sending it twice does no more than sending it once (decides retries after a lost connection).
  package var isIdempotent: Bool { method != "POST" }

  package static func == (lhs: APIRequest, rhs: APIRequest) -> Bool {
    lhs.method == rhs.method && lhs.path == rhs.path && lhs.body == rhs.body
      && lhs.query.map { [$0.0, $0.1] } == rhs.query.map { [$0.0, $0.1] }
      && lhs.form?.map { [$0.0, $0.1] } == rhs.form?.map { [$0.0, $0.1] }
      && lhs.answersDespiteCancel == rhs.answersDespiteCancel && lhs.authorization == rhs.authorization
  }
}
