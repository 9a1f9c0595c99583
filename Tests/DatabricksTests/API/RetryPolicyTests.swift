import Databricks
import Foundation
import JSON
import Testing

@Suite struct RetryPolicyTests {
  let policy = RetryPolicy(maxAttempts: 4, budgetSeconds: 10, initialBackoffSeconds: 1, maxBackoffSeconds: 3)

  func delay(_ failure: RetryPolicy.Failure, attempt: Int = 1, elapsed: Double = 0, idempotent: Bool = true) -> Double?
  {
    policy.delay(after: failure, attempt: attempt, elapsedSeconds: elapsed, idempotent: idempotent, jitter: 0.5)
  }

  @Test func retries429And503HonouringRetryAfter() {
    #expect(delay(.status(429, retryAfterSeconds: 2)) == 2)
    #expect(delay(.status(503, retryAfterSeconds: nil)) == 1)
    #expect(delay(.status(429, retryAfterSeconds: 0)) == 0)
  }

  @Test(arguments: [400, 401, 403, 404, 409, 500, 502, 504])
  func neverRetriesOtherStatuses(_ status: Int) {
    #expect(delay(.status(status, retryAfterSeconds: 1)) == nil)
  }

  @Test func backsOffExponentiallyUpToTheCap() {
    #expect(delay(.notConnected, attempt: 1) == 1)
    #expect(delay(.notConnected, attempt: 2) == 2)
    #expect(delay(.notConnected, attempt: 3) == 3)
    #expect(delay(.notConnected, attempt: 4) == nil, "four attempts in all")
  }

  @Test func staysInsideTheBudget() {
    #expect(delay(.status(429, retryAfterSeconds: 11)) == nil, "a Retry-After past the budget gives up at once")
    #expect(delay(.status(429, retryAfterSeconds: 2), elapsed: 9) == nil)
    #expect(delay(.status(429, retryAfterSeconds: 2), elapsed: 8) == 2)
  }

  @Test func retriesALostConnectionOnlyWhenRepeatingIsHarmless() {
    #expect(delay(.lostAfterSending, idempotent: true) == 1)
    #expect(delay(.lostAfterSending, idempotent: false) == nil, "a second POST /token/create could mint a second token")
    #expect(delay(.notConnected, idempotent: false) == 1, "nothing reached the server")
  }

  @Test func jitterSpreadsTheWait() throws {
    let low = policy.delay(after: .notConnected, attempt: 1, elapsedSeconds: 0, idempotent: true, jitter: 0)
    let high = policy.delay(after: .notConnected, attempt: 1, elapsedSeconds: 0, idempotent: true, jitter: 0.999)
    #expect(low == 0.75)
    #expect(try #require(high) > 1.24)
  }

  @Test func clampsAnAbsurdRetryAfterToADay() {
    let day = RetryPolicy.maximumRetryAfterSeconds
    #expect(day == 86_400)
    #expect(RetryPolicy.retryAfterSeconds("9223372036854775807") == day)
    #expect(RetryPolicy.retryAfterSeconds("99999999999999999999999") == day)
    #expect(RetryPolicy.retryAfterSeconds("-9223372036854775808") == 0)
    #expect(RetryPolicy.retryAfterSeconds("Fri, 31 Dec 9999 23:59:59 GMT", now: Date(timeIntervalSince1970: 0)) == day)
  }

  @Test func readsRetryAfterAsSecondsOrAnHTTPDate() {
    #expect(RetryPolicy.retryAfterSeconds("7") == 7)
    #expect(RetryPolicy.retryAfterSeconds(" 0 ") == 0)
    #expect(RetryPolicy.retryAfterSeconds(nil) == nil)
    #expect(RetryPolicy.retryAfterSeconds("soon") == nil)
    let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
    #expect(RetryPolicy.retryAfterSeconds("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
    #expect(RetryPolicy.retryAfterSeconds("Wed, 21 Oct 2015 07:27:00 GMT", now: now) == 0)
  }
}

@Suite struct SecretScrubberTests {
  @Test(arguments: [
    "dapi0123456789abcdef0123456789abcdef",
    "dose0123456789abcdef0123456789abcdef",
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl",
    "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0",
  ])
  func redactsCredentialShapedWords(_ secret: String) {
    #expect(SecretScrubber.scrub("the token \(secret) was refused") == "the token <redacted> was refused")
  }

  @Test func keepsOrdinaryText() {
    let text = "Requested token lifetime of 7776000 seconds exceeds the maximum token lifetime of 30 days."
    #expect(SecretScrubber.scrub(text) == text)
    #expect(SecretScrubber.scrub("Token with ID 0f1d1a97 does not exist.") == "Token with ID 0f1d1a97 does not exist.")
  }

  @Test func redactsKnownSecretsAndBoundsTheLength() {
    #expect(SecretScrubber.scrub("echo: hunter22xx", knownSecrets: ["hunter22xx"]) == "echo: <redacted>")
    #expect(SecretScrubber.scrub(String(repeating: "word ", count: 200)).count == SecretScrubber.maximumLength + 1)
  }
}

@Suite struct TokenInfoTests {
  @Test func decodesBothTokenInfoShapes() throws {
    let info = try #require(
      TokenInfo(json: [
        "token_id": "abc", "comment": "ci", "creation_time": 1_700_000_000_000, "expiry_time": -1,
        "created_by_id": "4000000000000001", "created_by_username": "a@b", "owner_id": 4_000_000_000_000_003,
        "last_used_day": 1_700_006_400_000,
      ])
    )
    #expect(info.tokenId == "abc")
    #expect(info.createdAt == Date(timeIntervalSince1970: 1_700_000_000))
    #expect(info.expiresAt == nil)
    #expect(info.createdById == "4000000000000001")
    #expect(info.ownerId == "4000000000000003")
    #expect(info.lastUsedDay == Date(timeIntervalSince1970: 1_700_006_400))
    let minimal = try #require(TokenInfo(json: ["token_id": "x", "expiry_time": 1_800_000_000_000]))
    #expect(minimal.comment == "")
    #expect(minimal.expiresAt == Date(timeIntervalSince1970: 1_800_000_000))
    #expect(TokenInfo(json: ["comment": "no id"]) == nil)
  }
}
