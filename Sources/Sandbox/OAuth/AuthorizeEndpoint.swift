import Basics
import Foundation
import LoopbackHTTP

/// `GET <issuer>/v1/authorize`: validates an authorization request and answers with the redirect that the
/// ``SandboxConsent`` for it causes.
///
/// Checks follow RFC 6749 §4.1.2.1. A bad `client_id` or `redirect_uri` gets a 400 page and no redirect, because
/// sending a browser to an unverified address is how open redirectors are made. Every other problem goes back to
/// the client as `?error=...&error_description=...&state=...`. Beyond the RFC, Databricks' `databricks-cli` app
/// requires PKCE with `S256`, and the sandbox requires `state` too: the CLI always sends one, and a
/// client that forgets it has lost its CSRF protection.
enum AuthorizeEndpoint {
  static func authorize(
    _ request: HTTPRequest,
    issuer: OIDCIssuer,
    now: Date,
    state: inout WorkspaceState
  ) -> HTTPReply.Action {
    let query: FormURLEncoding
    do throws(FormURLEncoding.Malformed) {
      query = try FormURLEncoding(parsing: request.target.drop { $0 != "?" }.dropFirst().utf8)
    } catch {
      return .respond(errorPage("invalid_request", "The query string is malformed: \(error.reason)."))
    }
    let app = state.oauth.app
    for name in ["client_id", "redirect_uri"] where query.values(for: name).count > 1 {
      return .respond(errorPage("invalid_request", "Parameter '\(name)' must not be repeated."))
    }
    guard query["client_id"] == app.clientID else {
      let shown = query["client_id"] ?? ""
      return .respond(errorPage("invalid_client", "OAuth application '\(shown)' is not registered."))
    }
    guard let redirectURI = query["redirect_uri"], app.accepts(redirectURI: redirectURI) else {
      return .respond(errorPage("invalid_request", app.unregisteredRedirectMessage(query["redirect_uri"] ?? "")))
    }
    let requestState = query["state"]

    if let failure = problem(query) {
      return .respond(redirect(redirectURI, error: failure.error, failure.description, state: requestState))
    }

    let grant = { (principal: SandboxPrincipal) in
      AuthorizationCodeStore.Grant(
        issuer: issuer,
        clientID: app.clientID,
        redirectURI: redirectURI,
        codeChallenge: query["code_challenge"] ?? "",
        scopes: (query["scope"] ?? "").split(separator: " ").map(String.init),
        principalID: principal.id,
        expiresAt: now.addingTimeInterval(AuthorizationCodeStore.lifetimeSeconds)
      )
    }
    switch state.oauth.consent.next() {
    case .hang:
      return .hang
    case .deny:
      return .respond(
        redirect(redirectURI, error: "access_denied", "The user denied the authorization request", state: requestState)
      )
    case .approve(let approver):
      guard let principal = state.principal(id: approver.id) else {
        return .respond(errorPage("server_error", "The sandbox has no principal \(approver.userName).", status: 500))
      }
      let code = state.oauth.codes.issue(grant(principal), now: now)
      return .respond(redirect(redirectURI, [("code", code), ("state", requestState ?? "")]))
    case .tamperState:
      let code = state.oauth.codes.issue(grant(SandboxSeed.admin), now: now)
      var forged = Base64URL.encode(SecureRandom.bytes(count: 16))
      if forged == requestState { forged += "x" }
      return .respond(redirect(redirectURI, [("code", code), ("state", forged)]))
    }
  }

  /// What is wrong with a request whose client and redirect URI are fine, as an OAuth error code and description.
  private static func problem(_ query: FormURLEncoding) -> (error: String, description: String)? {
    if let name = query.repeatedNames.first {
      return ("invalid_request", "Parameter '\(name)' must not be repeated")
    }
    guard let responseType = query["response_type"] else {
      return ("invalid_request", "Missing required parameter: response_type")
    }
    guard responseType == "code" else {
      return ("unsupported_response_type", "Response type '\(responseType)' is not supported")
    }
    guard let challenge = query["code_challenge"] else {
      return ("invalid_request", "Missing required parameter: code_challenge")
    }
    guard query["code_challenge_method"] == PKCEVerifier.method else {
      return ("invalid_request", "code_challenge_method must be S256")
    }
    guard challenge.count == 43, Base64URL.decode(challenge)?.count == SHA256.byteCount else {
      return ("invalid_request", "code_challenge must be the unpadded base64url SHA-256 of the code verifier")
    }
    guard let state = query["state"], !state.isEmpty else {
      return ("invalid_request", "Missing required parameter: state")
    }
    guard !(query["scope"] ?? "").split(separator: " ").isEmpty else {
      return ("invalid_scope", "Missing required parameter: scope")
    }
    return nil
  }

  /// `302 Found` to the client's loopback listener with `parameters` in the query.
  private static func redirect(_ redirectURI: String, _ parameters: [(String, String)]) -> HTTPResponse {
    let query = FormURLEncoding(parameters.map { FormURLEncoding.Field($0.0, $0.1) })
    return HTTPResponse(
      status: 302,
      headers: ["Location": redirectURI + "?" + query.encoded, "Cache-Control": "no-store"]
    )
  }

  /// An error redirect (RFC 6749 §4.1.2.1); `state` is echoed whenever the request had one.
  private static func redirect(
    _ redirectURI: String,
    error: String,
    _ description: String,
    state: String?
  ) -> HTTPResponse {
    var parameters = [("error", error), ("error_description", description)]
    if let state { parameters.append(("state", state)) }
    return redirect(redirectURI, parameters)
  }

  /// The HTML page a browser shows when the request cannot be sent back to the client.
  private static func errorPage(_ error: String, _ description: String, status: Int = 400) -> HTTPResponse {
    let body = """
      <!DOCTYPE html>
      <html><head><title>Authorization error</title></head>
      <body><h1>\(escapeHTML(error))</h1><p>\(escapeHTML(description))</p></body></html>

      """
    return HTTPResponse(
      status: status,
      headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"],
      body: Array(body.utf8)
    )
  }

  /// Escapes text content (not attribute values, so quotes stay as they are and messages read verbatim).
  private static func escapeHTML(_ text: String) -> String {
    var escaped = ""
    for character in text {
      switch character {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      default: escaped.append(character)
      }
    }
    return escaped
  }
}
