import JSON
import JSONRPC
import Testing

@Suite struct RPCErrorTests {
  /// The numbers are stable API that clients switch on: pin every one.
  @Test(arguments: [
    (RPCError.Code.parseError, -32700), (.invalidRequest, -32600), (.methodNotFound, -32601),
    (.invalidParams, -32602), (.internalError, -32603), (.requestCancelled, -32800),
    (.unsupportedProtocolVersion, -32022),
  ])
  func codesAreStable(code: RPCError.Code, number: Int) {
    #expect(code.rawValue == number)
  }

  @Test func everyErrorCarriesKindAndRetryable() {
    let errors: [RPCError] = [
      .parseError(), .invalidRequest(), .methodNotFound("x"), .invalidParams([(path: "/a", message: "m")]),
      .internalError(), .cancelled(), .shuttingDown(),
    ]
    for error in errors {
      #expect(error.data["kind"]?.stringValue?.isEmpty == false)
      guard case .bool? = error.data["retryable"] else {
        Issue.record("retryable missing on \(error.kind)")
        continue
      }
    }
  }

  @Test func kindAndRetryableWinOverExtraData() {
    let error = RPCError(
      .requestCancelled,
      kind: "shutting_down",
      "m",
      retryable: true,
      extra: ["kind": "other", "retryable": false]
    )
    #expect(error.data["kind"] == "shutting_down")
    #expect(error.data["retryable"] == true)
  }

  @Test func invalidParamsListsEveryProblemWithItsPath() {
    let error = RPCError.invalidParams([(path: "/tokenIds/0", message: "must be a string"), (path: "/x", message: "m")])
    #expect(error.code == .invalidParams)
    #expect(
      error.data["errors"] == [
        ["path": "/tokenIds/0", "message": "must be a string"], ["path": "/x", "message": "m"],
      ]
    )
    #expect(error.message.contains("/tokenIds/0"))
  }

  @Test func invalidParamsKeepsTheFirstHundredProblemsAndCountsTheRest() {
    let problems = (0..<1_000).map { (path: "/key\($0)", message: "is not a parameter of ping") }
    let error = RPCError.invalidParams(problems)
    #expect(error.data["errors"]?.arrayValue?.count == 100)
    #expect(error.data["errors"]?.arrayValue?.last?["path"] == "/key99")
    #expect(error.data["moreErrors"] == 900)
    #expect(RPCError.invalidParams(Array(problems.prefix(100))).data["moreErrors"] == nil)
  }
}
