import Basics
package import Foundation
package import JSON

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Sends Databricks REST calls over `URLSession` with bearer auth, retries and error classification.
///
/// One client (one `URLSession`, so one connection pool) serves every profile and request of the process:
/// connections to a workspace are reused across calls, and concurrent calls never wait on each other. Cancelling
/// the calling task cancels the HTTP request itself, not just our wait for it.
///
/// A credential goes only where it was addressed: redirects are never followed (a 3xx is an `upstream` error with
/// its status; Databricks APIs do not redirect, and following one would send the `Authorization` header, a
/// refresh token or a code to whatever host it names), and an answer's body is cut at ``maxBodyBytes``.
///
/// ```swift
/// let client = RESTClient()
/// let tokens = try await client.send(APIRequest("GET", "/api/2.0/token/list"), host: host, bearer: token)
/// ```
package final class RESTClient: Sendable {
  /// The largest answer body read (64 MiB: a 50,000-token list is about a tenth of it); a longer one is an
  /// `upstream` error, so a body that never ends cannot exhaust memory.
  package static let maxBodyBytes = 64 << 20

  package let retryPolicy: RetryPolicy
  /// Created on first use: on Linux a `URLSession` starts libcurl, which costs start-up time and memory that a
  /// process answering only `listProfiles` or `ping` should not pay.
  private let urlSession: Locked<URLSession?> = Locked(nil)
  private let makeURLSession: @Sendable () -> URLSession
  private let sessionDelegate: RESTSessionDelegate
  /// How long one attempt may take in all, however steadily it receives.
  private let attemptDeadlineSeconds: Double
  private let userAgent: String
  /// The clock the retry budget is measured on.
  private let now: @Sendable () -> Date

  deinit {
    urlSession.withLock { $0?.invalidateAndCancel() }
  }

  /// - Parameters:
  ///   - requestTimeoutSeconds: how long an attempt may go without receiving anything; an attempt that keeps
  ///     receiving (a body trickling in forever) is cut after four times as long. Whole seconds, because
  ///     FoundationNetworking on Linux mishandles fractional timeouts (0.5 s fires after about 10 ms).
  ///   - maxBodyBytes: the largest answer body read.
  package init(
    userAgent: String = "brickauth",
    requestTimeoutSeconds: Int = 30,
    maxBodyBytes: Int = RESTClient.maxBodyBytes,
    retryPolicy: RetryPolicy = RetryPolicy(),
    now: @escaping @Sendable () -> Date = Date.init
  ) {
    let configuration = URLSessionStorage.configuration()
    configuration.timeoutIntervalForRequest = TimeInterval(max(1, requestTimeoutSeconds))
    configuration.httpMaximumConnectionsPerHost = 128
    let sessionDelegate = RESTSessionDelegate(maxBodyBytes: maxBodyBytes)
    makeURLSession = { URLSession(configuration: configuration, delegate: sessionDelegate, delegateQueue: nil) }
    self.sessionDelegate = sessionDelegate
    attemptDeadlineSeconds = Double(4 * max(1, requestTimeoutSeconds))
    self.userAgent = userAgent
    self.retryPolicy = retryPolicy
    self.now = now
  }

  /// Sends `request` to `host` and returns the decoded JSON body (`nil` for an empty one).
  /// - Parameter bearer: the access token or PAT; it goes only into the `Authorization` header, and is scrubbed
  ///   from any error text.
  /// - Throws: ``APIError``, or `CancellationError` when the task is cancelled.
  package func send(
    _ request: APIRequest,
    host: DatabricksHost,
    bearer: String?,
    secrets: [String] = []
  ) async throws -> JSONValue? {
    let data = try await sendForBody(request, host: host, bearer: bearer, secrets: secrets)
    guard !data.isEmpty else { return nil }
    do {
      return try JSONParser.parse(data)
    } catch {
      throw Self.notJSON(host.url)
    }
  }

  /// Sends `request` and returns the raw body of the successful answer, for callers that decode it their own way
  /// (a 50,000-token list is decoded element by element rather than as one tree).
  /// - Parameter secrets: more values to keep out of error text (a refresh token or code in a form body).
  package func sendForBody(
    _ request: APIRequest,
    host: DatabricksHost,
    bearer: String?,
    secrets extraSecrets: [String] = []
  ) async throws -> Data {
    guard host.isAllowedForRequests, var components = URLComponents(string: host.url + request.path) else {
      throw APIError(.network, "Refusing to send credentials to \(host.url): use https://", host: host.url)
    }
    if !request.query.isEmpty { components.queryItems = request.query.map { URLQueryItem(name: $0.0, value: $0.1) } }
    guard let url = components.url else {
      throw APIError(.network, "Invalid request URL for \(host.url)", host: host.url)
    }
    var urlRequest = URLRequest(url: url)
    urlRequest.httpMethod = request.method
    urlRequest.setValue("application/json", forHTTPHeaderField: "Accept")
    urlRequest.setValue(userAgent, forHTTPHeaderField: "User-Agent")
    if let bearer {
      urlRequest.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization")
    } else if let authorization = request.authorization {
      urlRequest.setValue(authorization, forHTTPHeaderField: "Authorization")
    }
    if let form = request.form {
      urlRequest.httpBody = Data(FormEncoding.encode(form).utf8)
      urlRequest.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
    } else if let body = request.body {
      urlRequest.httpBody = Data(JSONWriter.bytes(body))
      urlRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    // Remembered before they go out, so that an error echoing them is redacted on its way to the client. A form body
    // carries its secrets escaped (`+` as `%2B`): a server echoing the body echoes that spelling, so it is known too.
    let escaped = request.form == nil ? [] : extraSecrets.map(FormEncoding.escape).filter { !extraSecrets.contains($0) }
    SecretScrubber.remember(
      (bearer.map { [$0] } ?? []) + (request.authorization.map { [$0] } ?? []) + extraSecrets + escaped
    )
    let start = now()
    var attempt = 0
    while true {
      attempt += 1
      try Task.checkCancellation()
      let failure: RetryPolicy.Failure
      let error: APIError
      do {
        let (data, response) = try await exchange(urlRequest, answeringDespiteCancel: request.answersDespiteCancel)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if (200..<300).contains(status) { return data }
        if (300..<400).contains(status) { throw Self.redirected(host.url, status: status) }
        let retryAfter = RetryPolicy.retryAfterSeconds(
          (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Retry-After"),
          now: now()
        )
        failure = .status(status, retryAfterSeconds: retryAfter)
        error = APIError(
          status: status,
          body: DatabricksErrorBody(parsing: Array(data), status: status),
          host: host.url,
          retryAfterSeconds: retryAfter.map { Int($0.rounded(.up)) }
        )
      } catch let tooLarge as RESTSessionDelegate.BodyTooLarge {
        throw APIError(
          .upstream,
          "\(host.url) sent an answer larger than \(tooLarge.limit) bytes, which was not read",
          host: host.url
        )
      } catch let urlError as URLError {
        // An attempt that ran on despite a cancel ended on its own: its failure says what became of the request.
        if urlError.code == .cancelled || (Task.isCancelled && !request.answersDespiteCancel) {
          throw CancellationError()
        }
        failure = Self.notConnectedCodes.contains(urlError.code) ? .notConnected : .lostAfterSending
        error = APIError(.network, Self.describe(urlError, host: host.url), host: host.url, retryable: true)
      }
      let elapsed = now().timeIntervalSince(start)
      guard
        let wait = retryPolicy.delay(
          after: failure,
          attempt: attempt,
          elapsedSeconds: elapsed,
          idempotent: request.isIdempotent,
          jitter: Double.random(in: 0..<1)
        )
      else { throw error }
      try await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
    }
  }

  /// One attempt. Normally cancelling the calling task cancels the HTTP request; with `answeringDespiteCancel` the
  /// attempt runs in a task of its own, which a cancel does not reach, so its answer (or its own timeout) is awaited.
  /// Retries after it are still stopped by the cancel: the backoff sleep throws.
  private func exchange(_ request: URLRequest, answeringDespiteCancel: Bool) async throws -> (Data, URLResponse) {
    let session = urlSession.withLock { created in
      if let created { return created }
      let session = makeURLSession()
      created = session
      return session
    }
    let send = { [sessionDelegate, attemptDeadlineSeconds] in
      try await sessionDelegate.data(for: request, on: session, deadlineSeconds: attemptDeadlineSeconds)
    }
    guard answeringDespiteCancel else { return try await send() }
    return try await Task { try await send() }.value
  }

  /// An HTML login page for a 2xx (an account host asked for a workspace API, Private Link) lands here.
  package static func notJSON(_ host: String) -> APIError {
    APIError(.upstream, "\(host) answered with something that is not JSON", host: host)
  }

  /// A 3xx: not followed, since the request carries a credential meant for `host` alone.
  private static func redirected(_ host: String, status: Int) -> APIError {
    APIError(
      .upstream,
      "\(host) answered with a redirect (HTTP \(status)), which is not followed: Databricks APIs do not redirect",
      host: host,
      httpStatus: status
    )
  }

  private static let notConnectedCodes: Set<URLError.Code> = [
    .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet,
  ]

  private static func describe(_ error: URLError, host: String) -> String {
    switch error.code {
    case .timedOut: "\(host) did not answer in time"
    case .cannotConnectToHost: "Cannot connect to \(host)"
    case .cannotFindHost, .dnsLookupFailed: "Cannot resolve \(host)"
    case .networkConnectionLost: "The connection to \(host) was lost"
    case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
      .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
      "TLS with \(host) failed"
    default: "Network error talking to \(host) (URLError \(error.code.rawValue))"
    }
  }
}
