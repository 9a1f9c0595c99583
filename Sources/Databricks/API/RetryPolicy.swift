package import Foundation

/// When a failed call is tried again, and after how long: a pure decision, so it is tested without a network.
///
/// 429 and 503 are retried (the server did not do the work), honouring `Retry-After`; so are failures to connect at
/// all. A connection lost or timed out after the request went out is retried only for idempotent methods: retrying a
/// `POST /token/create` whose answer was lost could create a second token. Everything stays inside `budgetSeconds`.
package struct RetryPolicy: Sendable, Equatable {
  package var maxAttempts: Int
  /// The longest the retries of one call may take in total, waits included.
  package var budgetSeconds: Double
  /// The first backoff without `Retry-After`; doubled each attempt up to `maxBackoffSeconds`.
  package var initialBackoffSeconds: Double
  package var maxBackoffSeconds: Double

  package init(
    maxAttempts: Int = 5,
    budgetSeconds: Double = 30,
    initialBackoffSeconds: Double = 0.25,
    maxBackoffSeconds: Double = 4
  ) {
    self.maxAttempts = maxAttempts
    self.budgetSeconds = budgetSeconds
    self.initialBackoffSeconds = initialBackoffSeconds
    self.maxBackoffSeconds = maxBackoffSeconds
  }

  package enum Failure: Sendable, Equatable {
    case status(Int, retryAfterSeconds: Double?)
    /// The connection could not be made (refused, DNS): the request never reached the server.
    case notConnected
    /// The connection broke or timed out after the request may have been sent.
    case lostAfterSending
  }

  /// How long to wait before attempt `attempt + 1`, or `nil` to give up.
  /// - Parameters:
  ///   - attempt: the attempt that just failed, from 1.
  ///   - elapsedSeconds: time spent on this call so far.
  ///   - idempotent: whether repeating the request is harmless.
  ///   - jitter: a value in 0..<1 (random in production, fixed in tests).
  package func delay(
    after failure: Failure,
    attempt: Int,
    elapsedSeconds: Double,
    idempotent: Bool,
    jitter: Double
  ) -> Double? {
    guard attempt < maxAttempts else { return nil }
    var wait = min(maxBackoffSeconds, initialBackoffSeconds * pow(2, Double(attempt - 1))) * (0.75 + jitter / 2)
    switch failure {
    case .status(let status, let retryAfter):
      guard status == 429 || status == 503 else { return nil }
      if let retryAfter { wait = max(0, retryAfter) }
    case .notConnected:
      break
    case .lostAfterSending:
      guard idempotent else { return nil }
    }
    return elapsedSeconds + wait <= budgetSeconds ? wait : nil
  }

  /// The longest `Retry-After` taken as it is: a day. Longer is no plan to retry, and the value is the server's,
  /// so it is clamped before anything computes with it (it reaches clients as `data.retryAfterSeconds`).
  package static let maximumRetryAfterSeconds = 86_400.0

  /// `Retry-After` as seconds from 0 to ``maximumRetryAfterSeconds``: an integer (of any length), or an HTTP date
  /// (RFC 9110 §10.2.3) relative to `now`.
  package static func retryAfterSeconds(_ header: String?, now: Date = Date()) -> Double? {
    guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
    let seconds: Double
    if let delay = Double(header), header.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "+") }) {
      seconds = delay
    } else {
      let formatter = DateFormatter()
      formatter.locale = Locale(identifier: "en_US_POSIX")
      formatter.timeZone = TimeZone(identifier: "GMT")
      formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
      guard let date = formatter.date(from: header) else { return nil }
      seconds = date.timeIntervalSince(now)
    }
    return min(max(0, seconds), maximumRetryAfterSeconds)
  }
}
