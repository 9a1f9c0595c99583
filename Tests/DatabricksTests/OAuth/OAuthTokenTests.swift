import Databricks
import Foundation
import JSON
import Testing

@Suite struct OAuthTokenTests {
  static let now = Date(timeIntervalSince1970: 1_800_000_000)

  func expiry(_ expiresIn: JSONValue) -> Date?? {
    OAuthToken(tokenResponse: ["access_token": "a", "expires_in": expiresIn], now: Self.now).map(\.expiry)
  }

  /// `expires_in` as golang.org/x/oauth2 reads it: a number or a string of one, at most `Int32.max` seconds; a
  /// negative one is already expired. Anything else is not a usable token answer.
  @Test(arguments: [
    (JSONValue.int(3600), 3600.0), (.double(3600.5), 3600.5), (.string("3600"), 3600),
    (.double(1e300), Double(Int32.max)), (.int(.max), Double(Int32.max)), (.string("1e300"), Double(Int32.max)),
    (.double(-1e300), 0), (.int(-5), 0), (.int(.min), 0),
  ])
  func expiresInIsClampedToWhatGoAllows(_ expiresIn: JSONValue, _ seconds: Double) {
    #expect(expiry(expiresIn) == .some(Self.now.addingTimeInterval(seconds)))
  }

  @Test(arguments: [JSONValue.string("soon"), .string("nan"), .bool(true), .array([1]), ["s": 1]])
  func anExpiresInThatIsNoNumberIsNoToken(_ expiresIn: JSONValue) {
    #expect(expiry(expiresIn) == nil)
  }

  @Test func noExpiresInMeansNoExpiry() {
    #expect(expiry(.null) == .some(nil))
    #expect(OAuthToken(tokenResponse: ["access_token": "a"], now: Self.now)?.expiry == .some(nil))
  }
}
