import JSON
import Sandbox
import Testing

@Suite struct FaultPlanTests {
  @Test func faultsAreUsedUpPerPathInOrder() {
    var plan = FaultPlan()
    plan.add(.tooManyRequests(retryAfterSeconds: 3), path: "/a", times: 2)
    plan.add(.dropConnection, path: "/a")
    plan.add(.serviceUnavailable(), path: "/b", method: "POST")
    #expect(plan.nextFault(method: "GET", path: "/b") == nil, "the /b fault is for POST only")
    #expect(plan.nextFault(method: "GET", path: "/a") == .tooManyRequests(retryAfterSeconds: 3))
    #expect(plan.nextFault(method: "POST", path: "/a") == .tooManyRequests(retryAfterSeconds: 3))
    #expect(plan.nextFault(method: "GET", path: "/a") == .dropConnection)
    #expect(plan.nextFault(method: "GET", path: "/a") == nil)
    #expect(plan.nextFault(method: "POST", path: "/b") == .serviceUnavailable())
    #expect(plan.nextFault(method: "POST", path: "/b") == nil)
    #expect(plan == FaultPlan())
  }

  @Test func clearRemovesFaultsAndLatency() {
    var plan = FaultPlan()
    plan.add(.delay(seconds: 1), path: "/a", times: 5)
    plan.latencySeconds = 0.5
    plan.clear()
    #expect(plan.nextFault(method: "GET", path: "/a") == nil)
    #expect(plan.latencySeconds == 0)
  }

  @Test func cannedFaultsHaveDatabricksBodies() {
    #expect(
      SandboxFault.tooManyRequests(retryAfterSeconds: 2)
        == .respond(
          status: 429,
          body: [
            "error_code": "REQUEST_LIMIT_EXCEEDED", "message": "Too many requests. Please wait a moment and try again.",
          ],
          retryAfterSeconds: 2
        )
    )
    guard case .respond(let status, let body, nil) = SandboxFault.serviceUnavailable() else {
      Issue.record("expected a response fault")
      return
    }
    #expect(status == 503)
    #expect(body["error_code"] == "TEMPORARILY_UNAVAILABLE")
  }
}
