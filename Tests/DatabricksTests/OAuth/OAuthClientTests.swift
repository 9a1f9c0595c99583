import Databricks
import Foundation
import JSON
import Testing

@Suite struct OAuthClientTests {
  @Test(arguments: [
    ("abc-_.~XYZ019", "abc-_.~XYZ019"),
    ("a b", "a+b"),
    ("http://localhost:8020", "http%3A%2F%2Flocalhost%3A8020"),
    ("a+b/c?d=e&f", "a%2Bb%2Fc%3Fd%3De%26f"),
    ("é", "%C3%A9"),
  ])
  func escapesLikeGosQueryEscape(_ text: String, _ escaped: String) {
    #expect(FormEncoding.escape(text) == escaped)
  }

  @Test func encodesFormsWithSortedKeysLikeURLValues() {
    #expect(FormEncoding.encode([("b", "2"), ("a", "1 1"), ("c", "")]) == "a=1+1&b=2&c=")
  }

  @Test func buildsTheCLIsAuthorizationURL() {
    let endpoints = OAuthClient.Endpoints(
      authorization: "https://w.example/oidc/v1/authorize",
      token: "https://w.example/oidc/v1/token"
    )
    let url = OAuthClient.authorizationURL(
      endpoints,
      redirectURI: "http://localhost:8020",
      scopes: [],
      state: "s1",
      challenge: "c1"
    )
    #expect(
      url == "https://w.example/oidc/v1/authorize?client_id=databricks-cli&code_challenge=c1"
        + "&code_challenge_method=S256&redirect_uri=http%3A%2F%2Flocalhost%3A8020&response_type=code"
        + "&scope=offline_access+all-apis&state=s1"
    )
  }

  @Test func asksForOfflineAccessFirstAndOnce() {
    #expect(OAuthClient.requestedScopes([]) == ["offline_access", "all-apis"])
    #expect(OAuthClient.requestedScopes(["sql", "offline_access", "jobs"]) == ["offline_access", "sql", "jobs"])
  }

  @Test func readsTokenResponses() throws {
    let now = Date(timeIntervalSince1970: 1_000)
    let token = try #require(
      OAuthToken(
        tokenResponse: ["access_token": "a", "token_type": "Bearer", "refresh_token": "r", "expires_in": 3600],
        now: now
      )
    )
    #expect(token == OAuthToken(accessToken: "a", refreshToken: "r", expiry: Date(timeIntervalSince1970: 4_600)))
    #expect(OAuthToken(tokenResponse: ["token_type": "Bearer"], now: now) == nil)
    let noRefresh = try #require(OAuthToken(tokenResponse: ["access_token": "a", "refresh_token": ""], now: now))
    #expect(noRefresh.refreshToken == nil)
    #expect(noRefresh.expiry == nil)
  }

  @Test func refreshesFiveMinutesBeforeExpiry() {
    let now = Date(timeIntervalSince1970: 0)
    let token = { (seconds: Double) in
      OAuthToken(accessToken: "a", refreshToken: "r", expiry: Date(timeIntervalSince1970: seconds))
    }
    #expect(token(301).needsRefresh(now: now) == false)
    #expect(token(300).needsRefresh(now: now) == true)
    #expect(token(-5).needsRefresh(now: now) == true)
    #expect(OAuthToken(accessToken: "a", refreshToken: nil, expiry: nil).needsRefresh(now: now) == false)
  }
}
