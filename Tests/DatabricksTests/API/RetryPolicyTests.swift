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
