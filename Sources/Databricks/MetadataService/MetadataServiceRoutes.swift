import Basics
package import LoopbackHTTP

/// The served profiles of the local token endpoint and the checks every request passes before a token is looked up:
/// pure values, so each refusal is decided without I/O.
///
/// Each profile is served at its own path of 128 random bits, the endpoint's only secret. Requests that a web page
/// could make (any `Origin`, a `Host` other than this port on `127.0.0.1` or `localhost`, which DNS rebinding would
/// produce) are refused before the path is even looked at.
package struct MetadataServiceRoutes: Sendable {
  /// What a served path stands for.
  package struct Route: Sendable, Equatable {
    /// The key the service knows the profile by.
    package var key: String
    package var host: DatabricksHost

    package init(key: String, host: DatabricksHost) {
      self.key = key
      self.host = host
    }
  }

  package let port: UInt16
  /// Route by secret path (`/` and the random part).
  package private(set) var routes: [String: Route] = [:]

  package init(port: UInt16) {
    self.port = port
  }

  /// A fresh unguessable path: `/` and 128 random bits in base64url.
  package static func randomPath() -> String {
    "/" + Base64URL.encode(SecureRandom.bytes(count: 16))
  }

  /// The path `key` is served at, if any.
  package func path(for key: String) -> String? {
    routes.first { $0.value.key == key }?.key
  }

  package mutating func add(path: String, _ route: Route) {
    routes[path] = route
  }

  /// Retires `key`'s path; `false` when it was not served.
  package mutating func remove(key: String) -> Bool {
    guard let path = path(for: key) else { return false }
    routes[path] = nil
    return true
  }

  /// The route `request` may be answered for, or why not.
  package func check(_ request: HTTPRequest) -> Result<Route, MetadataServiceRefusal> {
    let allowedHosts = ["127.0.0.1:\(port)", "localhost:\(port)"]
    guard request.headers["Origin"] == nil,
      let host = request.headers["Host"], allowedHosts.contains(host.lowercased())
    else { return .failure(.foreignOrigin) }
    guard let route = lookUp(request.path) else { return .failure(.unknownPath) }
    guard request.method == "GET" else { return .failure(.methodNotAllowed) }
    guard request.headers["X-Databricks-Metadata-Version"] == "1" else { return .failure(.unsupportedVersion) }
    guard let named = request.headers["X-Databricks-Host"].flatMap(DatabricksHost.init),
      named.url.lowercased() == route.host.url.lowercased()
    else { return .failure(.wrongHost) }
    return .success(route)
  }

  /// The header in which a client names the token Databricks refused (see ``RejectedTokenDecision``), so that a
  /// wrapper around a child process can ask for a replacement without every retry forcing a refresh.
  package static let rejectedTokenHeader = "X-Brickauth-Rejected-Token"

  /// The refused token `request` names in ``rejectedTokenHeader``: `nil` without the header, a refusal when it is
  /// sent more than once or empty (which token was meant is unclear, and guessing could refresh needlessly).
  package static func rejectedToken(in request: HTTPRequest) -> Result<String?, MetadataServiceRefusal> {
    let values = request.headers.values(for: rejectedTokenHeader)
    guard let value = values.first else { return .success(nil) }
    guard values.count == 1, !value.isEmpty else { return .failure(.invalidRejectedToken) }
    return .success(value)
  }

  /// The route at `path`, compared with every served path in constant time and without stopping at a match, so
  /// timing tells nothing about how much of a guess was right.
  private func lookUp(_ path: String) -> Route? {
    var found: Route?
    for (served, route) in routes where ConstantTimeEquality.equal(served, path) {
      found = route
    }
    return found
  }
}
