import Basics
import Foundation

/// The grants of machines, which have no browser and get no refresh token: each mint is a new request.
///
/// - A service principal's secret (`oauth-m2m`, as the SDKs' `oauth_service_principal` and Go's `auth_m2m.go`
///   do it): `grant_type=client_credentials` and `scope`, with the client authenticated in an `Authorization: Basic`
///   header (id and secret form-escaped first, as golang.org/x/oauth2 does). The secret goes in that header of
///   that one request and nowhere else.
/// - Workload identity federation (RFC 8693, as the SDKs' `DatabricksOidcTokenSource` does it): the subject JWT as
///   form parameters, `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`,
///   `subject_token_type=urn:ietf:params:oauth:token-type:jwt`, `subject_token`, `scope`, and `client_id` when the
///   profile names the service principal (without it, an account-wide federation policy decides who it is). No
///   client secret.
extension OAuthClient {
  /// Mints an access token for `identity` at `endpoints`.
  /// - Parameters:
  ///   - defaultAudience: the audience asked of GitHub Actions when the profile configures none.
  ///   - environment: the process environment the OIDC token sources read.
  /// - Throws: ``OAuthError/machineGrantRejected(profile:what:error:description:)`` when the endpoint refuses,
  ///   ``SubjectTokenSource/Unavailable`` when there is no JWT to exchange, ``APIError`` for the network.
  package func mint(
    _ identity: MachineIdentity,
    scopes: [String],
    profile: String?,
    defaultAudience: String,
    environment: [String: String],
    at endpoints: Endpoints
  ) async throws -> OAuthToken {
    let scope = scopes.joined(separator: " ")
    switch identity {
    case .servicePrincipal(let clientID, let secret):
      let credentials = Data("\(FormEncoding.escape(clientID)):\(FormEncoding.escape(secret))".utf8)
        .base64EncodedString()
      return try await tokenRequest(
        [("grant_type", "client_credentials"), ("scope", scope)],
        at: endpoints,
        authorization: "Basic \(credentials)",
        secrets: [secret, credentials]
      ) { error, description in
        .machineGrantRejected(profile: profile, what: "client secret", error: error, description: description)
      }
    case .federated(let clientID, let source, let audience):
      let jwt = try await source.token(audience: audience ?? defaultAudience, environment: environment, client: client)
      var form = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
        ("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"), ("subject_token", jwt), ("scope", scope),
      ]
      if let clientID { form.append(("client_id", clientID)) }
      return try await tokenRequest(form, at: endpoints, secrets: [jwt]) { error, description in
        .machineGrantRejected(profile: profile, what: "OIDC token", error: error, description: description)
      }
    }
  }
}
