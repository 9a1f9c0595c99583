import Databricks
import Testing

/// Every way the steps of minting a token into a profile can end, without I/O: whatever fails, the profile keeps a
/// working token and no new token is left in no profile, unless even the undo failed and the end says which.
@Suite struct TokenSwapTests {
  /// Walks `swap` with `events` and returns the steps it went through, the first included.
  func walk(_ swap: TokenSwap, _ events: [TokenSwap.Event]) -> [TokenSwap.Step] {
    var swap = swap
    var steps = [swap.step]
    for event in events {
      swap.advance(event)
      steps.append(swap.step)
    }
    return steps
  }

  @Test func aRotationWithAKnownOldIdSavesTheNewTokenBeforeRevokingTheOldOne() {
    let steps = walk(TokenSwap(oldTokenId: "old"), [.created(tokenId: "new"), .done, .done, .done])
    #expect(
      steps == [
        .create, .check(newTokenId: "new"), .save(newTokenId: "new"), .revokeOld(oldTokenId: "old"),
        .finished(.init(newTokenId: "new", oldTokenId: "old", oldTokenRevoked: true)),
      ]
    )
  }

  @Test func anUnknownOldIdLeavesTheOldTokenAndSaysWhy() {
    let steps = walk(
      TokenSwap(oldTokenId: nil, unknownOldTokenReason: "unknown"),
      [.created(tokenId: "new"), .done, .done]
    )
    #expect(steps.last == .finished(.init(newTokenId: "new", oldTokenRevoked: false, reason: "unknown")))
    #expect(!steps.contains { if case .revokeOld = $0 { true } else { false } })
  }

  @Test func aFailedCreateEndsWithNothingToUndo() {
    let steps = walk(TokenSwap(oldTokenId: "old"), [.failed(reason: "quota")])
    #expect(steps == [.create, .failed(orphanTokenId: nil)])
  }

  @Test func aFailedCheckRevokesTheNewTokenWithoutSavingIt() {
    let steps = walk(TokenSwap(oldTokenId: "old"), [.created(tokenId: "new"), .failed(reason: "403"), .done])
    #expect(
      steps == [.create, .check(newTokenId: "new"), .revokeNew(newTokenId: "new"), .failed(orphanTokenId: nil)]
    )
  }

  @Test func aFailedSaveRevokesTheNewTokenAndNeverTheOldOne() {
    let steps = walk(TokenSwap(oldTokenId: "old"), [.created(tokenId: "new"), .done, .failed(reason: "link"), .done])
    #expect(
      steps.dropFirst(2) == [.save(newTokenId: "new"), .revokeNew(newTokenId: "new"), .failed(orphanTokenId: nil)]
    )
  }

  @Test func aFailedUndoNamesTheTokenLeftBehind() {
    let steps = walk(
      TokenSwap(oldTokenId: "old"),
      [.created(tokenId: "new"), .failed(reason: "403"), .failed(reason: "network")]
    )
    #expect(steps.last == .failed(orphanTokenId: "new"))
  }

  @Test func aFailedFinalRevokeKeepsTheNewTokenAndSaysSo() {
    let steps = walk(TokenSwap(oldTokenId: "old"), [.created(tokenId: "new"), .done, .done, .failed(reason: "503")])
    guard case .finished(let outcome) = steps.last else {
      Issue.record("not finished: \(String(describing: steps.last))")
      return
    }
    #expect(outcome.newTokenId == "new")
    #expect(outcome.oldTokenId == "old")
    #expect(!outcome.oldTokenRevoked)
    #expect(outcome.reason == "the new token is in the profile, but revoking the old one failed: 503")
  }

  @Test func eventsThatDoNotFitTheStepChangeNothing() {
    var swap = TokenSwap(oldTokenId: "old")
    swap.advance(.done)
    #expect(swap.step == .create)
    swap.advance(.failed(reason: "x"))
    #expect(swap.isOver)
    swap.advance(.created(tokenId: "late"))
    #expect(swap.step == .failed(orphanTokenId: nil))
  }
}
