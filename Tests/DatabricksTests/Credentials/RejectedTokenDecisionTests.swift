import Databricks
import Testing

/// The one rule behind `rejectedToken`: replace the held token only when it is the refused one.
struct RejectedTokenDecisionTests {
  @Test func theHeldTokenRefusedIsReplaced() {
    #expect(RejectedTokenDecision(held: "eyJ.current", rejected: "eyJ.current") == .replace)
  }

  /// An older token, one another process replaced, or one never held at all: the held token is handed out, since a
  /// made-up string must not be able to force a refresh.
  @Test(arguments: ["eyJ.previous", "eyJ.curren", "eyJ.current.", "EYJ.CURRENT", "not a token"])
  func anyOtherTokenGetsTheHeldOne(_ rejected: String) {
    #expect(RejectedTokenDecision(held: "eyJ.current", rejected: rejected) == .useHeld)
  }
}
