/// A federation policy: which tokens of an outside identity provider a service principal accepts in the
/// token-exchange grant (RFC 8693), as Databricks configures them per service principal or account-wide.
///
/// A token matches when its `iss` is the issuer, its `sub` the subject, and one of its `aud` values is among the
/// audiences. Real policies default their audience to the account id; the sandbox also accepts the URL of the token
/// endpoint the token is presented to, which the SDKs ask GitHub Actions for when no audience is configured.
struct FederationPolicy: Equatable {
  var issuer: String
  var subject: String
  var audiences: [String]
  /// The service principal the exchanged access token acts as.
  var principalID: Int64

  func matches(_ claims: SubjectTokenIssuer.Claims, tokenEndpoint: String) -> Bool {
    claims.issuer == issuer && claims.subject == subject
      && claims.audiences.contains { audiences.contains($0) || $0 == tokenEndpoint }
  }
}
