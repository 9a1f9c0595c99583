/// The steps of putting a newly minted personal access token into a profile, as a pure value: mint it, check it
/// works (SCIM `Me` with the new token), save it into the config, and only then revoke the token it replaces.
///
/// The order is what keeps a working token in the profile whatever fails:
/// - a failure before the save leaves the config as it was and revokes the new token (``Step/revokeNew(_:)``), so no
///   orphan is left behind; when even that revoke fails, ``Step/failed(orphanTokenId:)`` names the token left;
/// - a failure of the final revoke keeps the new token (it is in the profile and works) and says so in the outcome;
/// - the old token is revoked only when its id is known for certain (see ``MintedTokenRecord``): otherwise the
///   outcome says why it was left.
///
/// ``ProfileTokenMinting`` runs the steps; tests walk every failure here without any I/O.
package struct TokenSwap: Sendable, Equatable {
  package enum Step: Sendable, Equatable {
    /// Create the new token.
    case create
    /// Ask SCIM `Me` with the new token.
    case check(newTokenId: String)
    /// Write the new token (and its record) into the profile.
    case save(newTokenId: String)
    /// Revoke the token the profile held before.
    case revokeOld(oldTokenId: String)
    /// Undo: revoke the new token, because a step before the save failed.
    case revokeNew(newTokenId: String)
    /// The new token is in the profile.
    case finished(Outcome)
    /// The config is unchanged; the error of the step that failed is the answer. `orphanTokenId` is a new token
    /// that could not be revoked again.
    case failed(orphanTokenId: String?)
  }

  /// What happened to the token the profile held before.
  package struct Outcome: Sendable, Equatable {
    package var newTokenId: String
    package var oldTokenId: String?
    package var oldTokenRevoked: Bool
    /// Why the old token was not revoked.
    package var reason: String?

    package init(newTokenId: String, oldTokenId: String? = nil, oldTokenRevoked: Bool, reason: String? = nil) {
      self.newTokenId = newTokenId
      self.oldTokenId = oldTokenId
      self.oldTokenRevoked = oldTokenRevoked
      self.reason = reason
    }
  }

  package enum Event: Sendable, Equatable {
    /// The token was created with this id.
    case created(tokenId: String)
    /// The current step succeeded.
    case done
    /// The current step failed; `reason` is shown when the old token is left alive because of it.
    case failed(reason: String)
  }

  package private(set) var step: Step = .create
  /// The id of the token being replaced, when it is known for certain.
  package let oldTokenId: String?
  /// Why the old token stays when its id is not known; `nil` when there is no old token (a new profile).
  package let unknownOldTokenReason: String?

  package init(oldTokenId: String?, unknownOldTokenReason: String? = nil) {
    self.oldTokenId = oldTokenId
    self.unknownOldTokenReason = unknownOldTokenReason
  }

  package var isOver: Bool {
    switch step {
    case .finished, .failed: true
    default: false
    }
  }

  /// Moves to the step that follows `event`; an event that does not fit the current step changes nothing.
  package mutating func advance(_ event: Event) {
    switch (step, event) {
    case (.create, .created(let id)):
      step = .check(newTokenId: id)
    case (.create, .failed):
      step = .failed(orphanTokenId: nil)
    case (.check(let id), .done):
      step = .save(newTokenId: id)
    case (.check(let id), .failed), (.save(let id), .failed):
      step = .revokeNew(newTokenId: id)
    case (.save(let id), .done):
      if let oldTokenId {
        step = .revokeOld(oldTokenId: oldTokenId)
      } else {
        step = .finished(
          Outcome(newTokenId: id, oldTokenId: nil, oldTokenRevoked: false, reason: unknownOldTokenReason)
        )
      }
    case (.revokeOld(let old), .done):
      step = .finished(Outcome(newTokenId: newTokenId ?? "", oldTokenId: old, oldTokenRevoked: true))
    case (.revokeOld(let old), .failed(let reason)):
      step = .finished(
        Outcome(
          newTokenId: newTokenId ?? "",
          oldTokenId: old,
          oldTokenRevoked: false,
          reason: "the new token is in the profile, but revoking the old one failed: \(reason)"
        )
      )
    case (.revokeNew, .done):
      step = .failed(orphanTokenId: nil)
    case (.revokeNew(let id), .failed):
      step = .failed(orphanTokenId: id)
    default:
      return
    }
    if case .check(let id) = step { savedNewTokenId = id }
  }

  /// The new token's id once it exists.
  package var newTokenId: String? { savedNewTokenId }
  private var savedNewTokenId: String?
}
