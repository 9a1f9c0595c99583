import Basics
import Foundation
import JSON

/// Where a federated profile's subject JWT comes from, read anew at every exchange (CI systems rotate them), as the
/// SDKs' `env-oidc`, `file-oidc` and `github-oidc` strategies read it.
///
/// The JWT is a secret: it goes only into the one token-exchange request, is remembered by ``SecretScrubber`` so no
/// error can echo it, and no reason given for a failure quotes it (they name variables and paths only).
package enum SubjectTokenSource: Sendable, Equatable {
  /// An environment variable of the service's own process: `DATABRICKS_OIDC_TOKEN`, or the one `oidc_token_env`
  /// names.
  case environment(variable: String)
  /// A file (a projected Kubernetes service account token, a CI system's token file), read each time through the
  /// hardened reader: a regular file, at most ``maximumFileBytes``, surrounding whitespace dropped.
  case file(path: String)
  /// GitHub Actions' ID token endpoint: `GET <requestURL>&audience=<audience>` with the job's request token as the
  /// bearer, answering `{"value": "<jwt>"}`.
  case githubActions(requestURL: String, requestToken: String)

  /// A JWT is a few kilobytes at most; a bigger file is not one.
  package static let maximumFileBytes = 64 << 10

  /// Why no subject token could be had. Carries names and paths, never a token.
  package struct Unavailable: Error, Equatable, Sendable {
    package var reason: String
  }

  /// The JWT, for `audience` (only GitHub Actions mints one per request; the others are what they are).
  /// - Throws: ``Unavailable``, or ``APIError`` when GitHub's endpoint cannot be reached.
  package func token(
    audience: String,
    environment: [String: String],
    client: RESTClient
  ) async throws -> String {
    let token: String
    switch self {
    case .environment(let variable):
      guard let value = environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
        throw Unavailable(reason: "the environment variable \(variable) is not set")
      }
      token = value
    case .file(let path):
      let contents: [UInt8]?
      do {
        contents = try FileContents.read(path, limit: Self.maximumFileBytes)?.bytes
      } catch {
        throw Unavailable(reason: "the OIDC token file \(path) cannot be read: \(error.reason)")
      }
      guard let contents else { throw Unavailable(reason: "the OIDC token file \(path) does not exist") }
      token = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      guard !token.isEmpty else { throw Unavailable(reason: "the OIDC token file \(path) is empty") }
    case .githubActions(let requestURL, let requestToken):
      token = try await Self.github(requestURL, requestToken: requestToken, audience: audience, client: client)
    }
    SecretScrubber.remember([token])
    return token
  }

  /// Asks GitHub Actions' endpoint, which is only ever `https://` (or, in tests, this machine): the request token
  /// goes nowhere else, and a redirect is not followed.
  private static func github(
    _ requestURL: String,
    requestToken: String,
    audience: String,
    client: RESTClient
  ) async throws -> String {
    guard let components = URLComponents(string: requestURL), let scheme = components.scheme,
      let name = components.host,
      let host = DatabricksHost("\(scheme)://\(name)" + (components.port.map { ":\($0)" } ?? "")),
      host.isAllowedForRequests
    else {
      throw Unavailable(reason: "ACTIONS_ID_TOKEN_REQUEST_URL is not an https:// URL")
    }
    let query = (components.queryItems ?? []).filter { $0.name != "audience" }.map { ($0.name, $0.value ?? "") }
    let request = APIRequest(
      "GET",
      components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath,
      query: query + [("audience", audience)]
    )
    let answer = try await client.send(request, host: host, bearer: requestToken)
    guard let value = answer?["value"]?.stringValue, !value.isEmpty else {
      throw Unavailable(reason: "GitHub Actions' ID token endpoint answered without a token")
    }
    return value
  }
}
