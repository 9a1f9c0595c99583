import Databricks
import Foundation
import Testing

/// The diff of two snapshots, as values: which change each edit of the config or the token store is.
@Suite struct CredentialSnapshotDiffTests {
  typealias Profile = CredentialSnapshot.Profile
  static let expiry = Date(timeIntervalSince1970: 1_900_000_000)
  static let token = CredentialSnapshot.Token(
    OAuthTokenStore.Entry(accessToken: "a1", refreshToken: "r1", expiry: expiry)
  )
  static let host = ["host": "https://x.cloud.databricks.com"]

  func changes(_ old: [Profile], _ new: [Profile], oldKnown: Bool = true, newKnown: Bool = true) -> [String] {
    CredentialSnapshotDiff(
      from: CredentialSnapshot(profiles: old, tokensKnown: oldKnown),
      to: CredentialSnapshot(profiles: new, tokensKnown: newKnown)
    ).changes.map { "\($0.profile) \($0.kind.rawValue)" }
  }

  @Test func identicalSnapshotsHaveNoChange() {
    let profiles = [Profile(name: "a", attributes: Self.host, token: Self.token)]
    #expect(changes(profiles, profiles).isEmpty)
  }

  @Test func sectionsAddedAndRemoved() {
    let a = Profile(name: "a", attributes: Self.host)
    let b = Profile(name: "b", attributes: Self.host)
    #expect(changes([a], [a, b]) == ["b added"])
    #expect(changes([a, b], [b]) == ["a removed"])
    #expect(changes([a], [b]) == ["b added", "a removed"])
  }

  @Test func aNewProfileWithTokensIsAlsoSignedIn() {
    let diff = CredentialSnapshotDiff(
      from: CredentialSnapshot(profiles: []),
      to: CredentialSnapshot(profiles: [Profile(name: "a", attributes: Self.host, token: Self.token)])
    )
    #expect(
      diff.changes == [.init(profile: "a", kind: .added), .init(profile: "a", kind: .signedIn, expiresAt: Self.expiry)]
    )
  }

  @Test func anyAttributeChangeIsAnEdit() {
    let a = Profile(name: "a", attributes: Self.host)
    #expect(changes([a], [Profile(name: "a", attributes: ["host": "https://y.cloud.databricks.com"])]) == ["a edited"])
    #expect(
      changes([a], [Profile(name: "a", attributes: Self.host.merging(["cluster_id": "1"]) { $1 })]) == ["a edited"]
    )
    #expect(changes([a], [Profile(name: "a", attributes: [:])]) == ["a edited"])
  }

  @Test func tokensAppearingDisappearingAndReplaced() {
    let signedOut = Profile(name: "a", attributes: Self.host)
    let signedIn = Profile(name: "a", attributes: Self.host, token: Self.token)
    let replaced = CredentialSnapshot.Token(
      OAuthTokenStore.Entry(accessToken: "a2", refreshToken: "r2", expiry: Self.expiry + 3600)
    )
    #expect(changes([signedOut], [signedIn]) == ["a signedIn"])
    #expect(changes([signedIn], [signedOut]) == ["a signedOut"])
    let refreshed = CredentialSnapshotDiff(
      from: CredentialSnapshot(profiles: [signedIn]),
      to: CredentialSnapshot(profiles: [Profile(name: "a", attributes: Self.host, token: replaced)])
    )
    #expect(refreshed.changes == [.init(profile: "a", kind: .refreshed, expiresAt: Self.expiry + 3600)])
  }

  @Test func tokensThatCouldNotBeReadAreNeitherSignedInNorOut() {
    let signedOut = Profile(name: "a", attributes: Self.host)
    let signedIn = Profile(name: "a", attributes: Self.host, token: Self.token)
    #expect(changes([signedIn], [signedOut], newKnown: false).isEmpty)
    #expect(changes([signedOut], [signedIn], oldKnown: false).isEmpty)
  }

  @Test func anEditAndASignInOfOneProfileAreTwoChanges() {
    let before = Profile(name: "a", attributes: Self.host)
    let after = Profile(
      name: "a",
      attributes: Self.host.merging(["auth_type": "databricks-cli"]) { $1 },
      token: Self.token
    )
    #expect(changes([before], [after]) == ["a edited", "a signedIn"])
  }

  /// `café` precomposed and decomposed are two profiles, as the CLI keeps them.
  @Test func namesCompareByTheirBytes() {
    let composed = Profile(name: "caf\u{E9}", attributes: Self.host)
    let decomposed = Profile(name: "cafe\u{301}", attributes: Self.host)
    #expect(changes([composed], [decomposed]) == ["cafe\u{301} added", "caf\u{E9} removed"])
  }

  /// A snapshot shows no secret when printed: tokens are fingerprints.
  @Test func aSnapshotCarriesNoTokenValue() {
    let entry = OAuthTokenStore.Entry(accessToken: "secret-access", refreshToken: "secret-refresh", expiry: nil)
    let snapshot = CredentialSnapshot(profiles: [Profile(name: "a", attributes: [:], token: .init(entry))])
    #expect(!String(describing: snapshot).contains("secret-"))
    #expect(snapshot.profiles.first?.token?.renewable == true)
  }
}
