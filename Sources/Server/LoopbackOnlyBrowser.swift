import Databricks
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// What stands in for the user's browser in `--sandbox` and tests: it opens the authorization URL and follows its
/// redirects, as a consenting user's browser would, so the login's redirect reaches the loopback listener.
///
/// It carries no credential of its own, but a redirect chain of a login can carry a code; it goes only to this
/// machine (`127.0.0.0/8`, `::1`, `localhost`), where the sandbox and the listener live: a URL or a redirect
/// anywhere else is not requested. Nothing is cached or stored (no cookies, no disk cache).
final class LoopbackOnlyBrowser: NSObject, URLSessionTaskDelegate, Sendable {
  /// Opens `url` and follows it; returns when the last page has answered, or at once for a URL off this machine.
  static func open(_ url: String) async {
    guard let target = URL(string: url), isLoopback(target) else { return }
    let session = URLSession(
      configuration: URLSessionStorage.configuration(),
      delegate: LoopbackOnlyBrowser(),
      delegateQueue: nil
    )
    defer { session.finishTasksAndInvalidate() }
    _ = try? await session.data(from: target)
  }

  private static func isLoopback(_ url: URL) -> Bool {
    DatabricksHost(url.absoluteString)?.isLoopback == true && ["http", "https"].contains(url.scheme?.lowercased())
  }

  func urlSession(
    _ session: URLSession,
    task: URLSessionTask,
    willPerformHTTPRedirection response: HTTPURLResponse,
    newRequest request: URLRequest,
    completionHandler: @escaping @Sendable (URLRequest?) -> Void
  ) {
    completionHandler(request.url.map(Self.isLoopback) == true ? request : nil)
  }
}
