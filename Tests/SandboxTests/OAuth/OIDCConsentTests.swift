import Foundation
import Sandbox
import TestSupport
import Testing

/// What the emulated user does on the consent page: approve as someone, deny, answer with a forged state, or never
/// come back.
@Suite(.timeLimit(.minutes(1))) struct OIDCConsentTests {
  @Test func theAdminApprovesByDefaultAndTheStandingChoiceCanChange() async throws {
    try await withSandbox { sandbox, client in
      let flow = OAuthFlow(sandbox, client)
      let first = try await flow.login().accessToken
      #expect(try await flow.userName(of: first) == "admin@sandbox.example")
      sandbox.setStandingConsent(.approve(as: SandboxSeed.user))
      for _ in 0..<2 {
        let next = try await flow.login().accessToken
        #expect(try await flow.userName(of: next) == "user@sandbox.example")
      }
    }
  }

  @Test func queuedChoicesApplyOnceEachInOrder() async throws {
    try await withSandbox { sandbox, client in
      sandbox.enqueueConsent(.deny)
      sandbox.enqueueConsent(.approve(as: SandboxSeed.user))
      let flow = OAuthFlow(sandbox, client)
      let denied = try await flow.authorize()
      #expect(denied.parameters["error"] == "access_denied")
      let user = try await flow.login().accessToken
      #expect(try await flow.userName(of: user) == "user@sandbox.example")
      let admin = try await flow.login().accessToken
      #expect(try await flow.userName(of: admin) == "admin@sandbox.example")
    }
  }

  @Test func denyRedirectsWithAccessDeniedAndTheState() async throws {
    try await withSandbox { sandbox, client in
      sandbox.enqueueConsent(.deny)
      let flow = OAuthFlow(sandbox, client)
      let answer = try await flow.authorize()
      #expect(answer.status == 302)
      #expect(
        answer.parameters == [
          "error": "access_denied", "error_description": "The user denied the authorization request",
          "state": flow.state,
        ]
      )
    }
  }

  @Test func tamperedStateComesBackDifferentWithAWorkingCode() async throws {
    try await withSandbox { sandbox, client in
      sandbox.enqueueConsent(.tamperState)
      let flow = OAuthFlow(sandbox, client)
      let answer = try await flow.authorize()
      #expect(answer.status == 302)
      let forged = try #require(answer.parameters["state"])
      #expect(forged != flow.state)
      #expect(forged.count == flow.state.count, "shaped like a real state, so only comparing it catches it")
      // The server cannot tell: only the client's state check stands between this code and a session.
      let reply = try await flow.exchange(try #require(answer.parameters["code"]))
      #expect(reply.status == 200)
    }
  }

  @Test func approvingAsAStrangerIsAServerErrorPage() async throws {
    try await withSandbox { sandbox, client in
      var stranger = SandboxSeed.user
      stranger.id = 1
      stranger.userName = "stranger@sandbox.example"
      sandbox.enqueueConsent(.approve(as: stranger))
      let answer = try await OAuthFlow(sandbox, client).authorize()
      #expect(answer.status == 500)
      #expect(answer.location == nil)
      #expect(answer.body.contains("stranger@sandbox.example"))
    }
  }

  /// The hung request is only ever closed by `stop()`; if the sandbox answered it at any point before, the answer
  /// would be waiting in the socket when the test reads.
  @Test func hangNeverAnswersUntilTheSandboxStops() async throws {
    try await withSandbox { sandbox, client in
      sandbox.enqueueConsent(.hang)
      sandbox.enqueueConsent(.deny)
      let flow = OAuthFlow(sandbox, client)
      let connection = try RawHTTPConnection(port: sandbox.port)
      let query = flow.authorizeParameters.map { name, value in
        "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
      }
      try await connection.send("GET /oidc/v1/authorize?\(query.joined(separator: "&")) HTTP/1.1\r\nHost: x\r\n\r\n")
      #expect(try await eventually { sandbox.queuedConsentCount == 1 }, "the hung request took its choice")
      #expect(
        try await flow.authorize().parameters["error"] == "access_denied",
        "the next request gets the next choice"
      )
      #expect(sandbox.openConnectionCount >= 1)
      await sandbox.stop()
      #expect(try await connection.readResponse() == nil, "closed without an answer")
    }
  }
}
