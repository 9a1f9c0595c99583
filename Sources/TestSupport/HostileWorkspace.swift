import Basics
package import Foundation
import JSON
package import LoopbackHTTP

/// A workspace that answers what a test tells it to, on loopback HTTP, with a scratch home whose config points at
/// it: for the answers no well-behaved server gives (absurd numbers, errors that echo the request back verbatim).
///
/// OAuth discovery and the authorization step are served as a real workspace would (the authorization endpoint
/// redirects straight back with ``code``), so a `login` reaches the token endpoint; every other request, the token
/// endpoint's included, gets the test's `answer`. The home has a `pat` profile (the token ``pat``) and an `oauth`
/// profile whose cached token (``accessToken``, ``refreshToken``) has expired, so its first use refreshes it.
///
/// ```swift
/// let workspace = try HostileWorkspace { request in HostileWorkspace.echo(request, status: 401) }
/// let server = InProcessServer(environment: workspace.environment, browser: .followRedirects)
/// ```
package final class HostileWorkspace: Sendable {
  package static let pat = "pat-hostile-5ecret-0123456789"
  package static let accessToken = "access-hostile-5ecret-abcdefgh"
  package static let refreshToken = "refresh-hostile-5ecret-ijklmnop"
  package static let code = "code-hostile-5ecret-qrstuvwx"
  /// The OAuth endpoints, on this server.
  package static let tokenPath = "/oidc/v1/token"
  static let authorizationPath = "/oidc/v1/authorize"

  package let server: LoopbackHTTPServer
  package let home: URL
  private let received = Locked<[HTTPRequest]>([])

  package var host: String { "http://127.0.0.1:\(server.port)" }

  /// `HOME` and `DATABRICKS_CONFIG_FILE` of the scratch home.
  package var environment: [String: String] {
    ["HOME": home.path, "DATABRICKS_CONFIG_FILE": home.appendingPathComponent(".databrickscfg").path]
  }

  /// Every request the workspace received, in order.
  package var requests: [HTTPRequest] { received.withLock { $0 } }

  /// Every secret the service sent here: the home's tokens and the code, and the PKCE verifiers of the token
  /// requests (the service makes those up, so only what arrived here tells them).
  package var secretsSent: [String] {
    let verifiers = requests.compactMap { request in
      (try? FormURLEncoding(parsing: request.body))?["code_verifier"]
    }
    return [Self.pat, Self.accessToken, Self.refreshToken, Self.code] + verifiers
  }

  package init(answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws {
    let received = received
    server = try LoopbackHTTPServer { request in
      received.withLock { $0.append(request) }
      let base = "http://" + (request.headers["Host"] ?? "")
      switch request.path {
      case "/oidc/.well-known/oauth-authorization-server":
        let document =
          #"{"authorization_endpoint":"\#(base)\#(Self.authorizationPath)","#
          + #""token_endpoint":"\#(base)\#(Self.tokenPath)"}"#
        return HTTPReply(.respond(Self.json(document, status: 200)))
      case Self.authorizationPath:
        let query = request.query
        let location = (query["redirect_uri"] ?? "") + "?code=\(Self.code)&state=\(query["state"] ?? "")"
        return HTTPReply(.respond(HTTPResponse(status: 302, headers: ["Location": location])))
      default:
        return HTTPReply(.respond(answer(request)))
      }
    }
    home = FileManager.default.temporaryDirectory
      .appendingPathComponent("brickauth-hostile-\(UUID().uuidString.lowercased())", isDirectory: true)
    let databricks = home.appendingPathComponent(".databricks", isDirectory: true)
    try FileManager.default.createDirectory(at: databricks, withIntermediateDirectories: true)
    let config = """
      [pat]
      host = \(host)
      token = \(Self.pat)

      [oauth]
      host = \(host)
      auth_type = databricks-cli

      [__settings__]
      auth_storage = plaintext

      """
    try Data(config.utf8).write(to: home.appendingPathComponent(".databrickscfg"))
    let cache =
      #"{"version":1,"tokens":{"oauth":{"access_token":"\#(Self.accessToken)","token_type":"Bearer","#
      + #""refresh_token":"\#(Self.refreshToken)","expiry":"2001-01-01T00:00:00Z"}}}"#
    try Data(cache.utf8).write(to: databricks.appendingPathComponent("token-cache.json"))
  }

  /// A JSON answer.
  package static func json(_ text: String, status: Int, headers: HTTPHeaders = [:]) -> HTTPResponse {
    var headers = headers
    headers.add("Content-Type", "application/json")
    return HTTPResponse(status: status, headers: headers, body: Array(text.utf8))
  }

  /// The request's `Authorization` header and body, verbatim.
  package static func echoed(_ request: HTTPRequest) -> String {
    (request.headers["Authorization"] ?? "") + " " + String(decoding: request.body, as: UTF8.self)
  }

  /// An error that echoes the request into every field: Databricks' `{"error_code", "message"}` for the APIs,
  /// OAuth's `{"error", "error_description"}` for the token endpoint.
  package static func echo(_ request: HTTPRequest, status: Int) -> HTTPResponse {
    let text = JSONWriter.string(.string(echoed(request)))
    let body =
      request.path == tokenPath
      ? #"{"error":\#(text),"error_description":\#(text)}"#
      : #"{"error_code":\#(text),"message":\#(text)}"#
    return json(body, status: status)
  }

  /// Stops the server and deletes the home.
  package func close() async {
    await server.stop()
    try? FileManager.default.removeItem(at: home)
  }
}
