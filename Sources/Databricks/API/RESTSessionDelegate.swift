import Basics
package import Foundation

#if canImport(FoundationNetworking)
  package import FoundationNetworking
#endif

/// Runs the `URLSession` data tasks of ``RESTClient`` itself, so that two things `URLSession` would otherwise do
/// never happen:
///
/// - A redirect is never followed. `URLSession` follows a 3xx with the request's headers, `Authorization`
///   included, to whatever host `Location` names, even over plain `http://`; Databricks APIs do not redirect, so a
///   3xx is handed back as the answer and the caller refuses it.
/// - An answer's body is never kept beyond `maxBodyBytes`: the transfer is cancelled at that size, so a server
///   sending a body that never ends cannot make the process hold it all.
///
/// The delegate is the session's, not a task's: FoundationNetworking on Linux asks only a task that has no
/// completion handler for its body piece by piece, so each exchange is a plain data task whose end resumes the
/// caller here.
package final class RESTSessionDelegate: NSObject, URLSessionDataDelegate, Sendable {
  /// Why an exchange ended without an answer, besides the `URLError`s of the transfer itself.
  package struct BodyTooLarge: Error, Equatable {
    package var limit: Int
  }

  private struct Exchange {
    var continuation: CheckedContinuation<(Data, URLResponse), any Error>
    var body = Data()
    var tooLarge = false
  }

  package let maxBodyBytes: Int
  private let exchanges = Locked<[Int: Exchange]>([:])

  package init(maxBodyBytes: Int) {
    self.maxBodyBytes = maxBodyBytes
  }

  /// Sends `request` on `session` (whose delegate must be this one) and returns the body and response; cancelling
  /// the calling task cancels the transfer.
  ///
  /// - Parameter deadlineSeconds: how long the whole exchange may take; past it the transfer is cancelled and this
  ///   throws `URLError(.timedOut)`. `URLSession`'s own timeout waits only for silence, which a body trickling in
  ///   forever never gives, and FoundationNetworking ignores `timeoutIntervalForResource`.
  package func data(
    for request: URLRequest,
    on session: URLSession,
    deadlineSeconds: Double
  ) async throws -> (Data, URLResponse) {
    let task = session.dataTask(with: request)
    // The cancel may come before the task was resumed; whichever of the two comes second cancels it.
    let cancel = Locked<(requested: Bool, resumed: Bool)>((false, false))
    let timedOut = Locked(false)
    let deadline = Task {
      try await Task.sleep(nanoseconds: UInt64(deadlineSeconds * 1_000_000_000))
      timedOut.withLock { $0 = true }
      task.cancel()
    }
    defer { deadline.cancel() }
    do {
      return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
          exchanges.withLock { $0[task.taskIdentifier] = Exchange(continuation: continuation) }
          task.resume()
          let cancelled = cancel.withLock { state in
            state.resumed = true
            return state.requested
          }
          if cancelled { task.cancel() }
        }
      } onCancel: {
        let resumed = cancel.withLock { state in
          state.requested = true
          return state.resumed
        }
        if resumed { task.cancel() }
      }
    } catch  where timedOut.withLock({ $0 }) {
      throw URLError(.timedOut)
    }
  }

  package func urlSession(
    _ session: URLSession,
    task: URLSessionTask,
    willPerformHTTPRedirection response: HTTPURLResponse,
    newRequest request: URLRequest,
    completionHandler: @escaping @Sendable (URLRequest?) -> Void
  ) {
    completionHandler(nil)
  }

  package func urlSession(
    _ session: URLSession,
    dataTask: URLSessionDataTask,
    didReceive response: URLResponse,
    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
  ) {
    if response.expectedContentLength > Int64(maxBodyBytes) {
      exchanges.withLock { $0[dataTask.taskIdentifier]?.tooLarge = true }
      completionHandler(.cancel)
      dataTask.cancel()
      return
    }
    completionHandler(.allow)
  }

  package func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    let overflowed = exchanges.withLock { exchanges -> Bool in
      let id = dataTask.taskIdentifier
      // Only the flags and the count are read: a copy of the exchange would share the body's storage, and the
      // append below would then copy the whole body for every chunk.
      guard let received = exchanges[id]?.body.count, exchanges[id]?.tooLarge == false else { return false }
      if received + data.count > maxBodyBytes {
        exchanges[id]?.tooLarge = true
        exchanges[id]?.body = Data()
        return true
      }
      // In place: a copy of the body taken out of the table would be copied again by every append.
      exchanges[id]?.body.append(data)
      return false
    }
    if overflowed { dataTask.cancel() }
  }

  package func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
    guard let exchange = exchanges.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
    if exchange.tooLarge {
      exchange.continuation.resume(throwing: BodyTooLarge(limit: maxBodyBytes))
    } else if let error {
      exchange.continuation.resume(throwing: error)
    } else if let response = task.response {
      exchange.continuation.resume(returning: (exchange.body, response))
    } else {
      exchange.continuation.resume(throwing: URLError(.badServerResponse))
    }
  }
}
