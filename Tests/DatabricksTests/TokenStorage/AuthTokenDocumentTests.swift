import Databricks
import Foundation
import Testing

/// `brickauth token`'s JSON is what `databricks auth token` prints: Go's `MarshalIndent` of an `oauth2.Token` without
/// its refresh token, fields in declaration order, HTML-safe escaping, the expiry as the token cache writes it.
@Suite struct AuthTokenDocumentTests {
  @Test func anOAuthTokenHasItsLocalExpiryWithAFraction() throws {
    let zone = try #require(TimeZone(secondsFromGMT: 7200))
    let expiry = Date(timeIntervalSince1970: 1_787_316_640.935183)
    let text = String(
      decoding: AuthTokenDocument.bytes(accessToken: "eyJ<&>", expiry: expiry, timeZone: zone),
      as: UTF8.self
    )
    #expect(
      text == """
        {
          "access_token": "eyJ\\u003c\\u0026\\u003e",
          "token_type": "Bearer",
          "expiry": "2026-08-21T14:50:40.935183+02:00"
        }
        """
    )
  }

  @Test func aTokenWithoutExpiryHasGosZeroTime() {
    let text = String(decoding: AuthTokenDocument.bytes(accessToken: "dapi1", expiry: nil), as: UTF8.self)
    #expect(text.hasSuffix(#""expiry": "0001-01-01T00:00:00Z"\#n}"#))
  }
}
