/// The changes between two ``CredentialSnapshot``s, per profile (compared by the name's bytes, as the CLI does):
///
/// - a section that appears is `added` (and `signedIn` too when it comes with tokens, as a `databricks auth login`
///   of a new profile does); one that disappears is `removed`, whatever its tokens;
/// - any attribute added, removed or changed is `edited`;
/// - tokens that appear are `signedIn`, that disappear `signedOut`, that are replaced `refreshed`; tokens are
///   compared only when both snapshots could read them.
///
/// Changes come in the new file's profile order, then the removed profiles in the old file's order.
package struct CredentialSnapshotDiff: Sendable, Equatable {
  package var changes: [CredentialChange]

  package init(from old: CredentialSnapshot, to new: CredentialSnapshot) {
    let before = Dictionary(old.profiles.map { (ProfileName.Key($0.name), $0) }) { first, _ in first }
    let after = Set(new.profiles.map { ProfileName.Key($0.name) })
    let compareTokens = old.tokensKnown && new.tokensKnown
    var changes: [CredentialChange] = []
    for profile in new.profiles {
      guard let previous = before[ProfileName.Key(profile.name)] else {
        changes.append(CredentialChange(profile: profile.name, kind: .added))
        if compareTokens, let token = profile.token {
          changes.append(CredentialChange(profile: profile.name, kind: .signedIn, expiresAt: token.expiresAt))
        }
        continue
      }
      if previous.attributes != profile.attributes {
        changes.append(CredentialChange(profile: profile.name, kind: .edited))
      }
      guard compareTokens else { continue }
      switch (previous.token, profile.token) {
      case (nil, let token?):
        changes.append(CredentialChange(profile: profile.name, kind: .signedIn, expiresAt: token.expiresAt))
      case (.some, nil):
        changes.append(CredentialChange(profile: profile.name, kind: .signedOut))
      case (let was?, let token?) where was != token:
        changes.append(CredentialChange(profile: profile.name, kind: .refreshed, expiresAt: token.expiresAt))
      default:
        break
      }
    }
    for profile in old.profiles where !after.contains(ProfileName.Key(profile.name)) {
      changes.append(CredentialChange(profile: profile.name, kind: .removed))
    }
    self.changes = changes
  }
}
