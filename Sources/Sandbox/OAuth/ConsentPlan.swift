/// Which ``SandboxConsent`` the next authorize requests meet: queued one-shot choices first, then the default.
///
/// A pure value kept in the workspace state. Only requests that pass validation consume a choice, because a real
/// user never sees the consent page of a request Databricks refuses.
struct ConsentPlan {
  /// The seeded admin approves, unless a test says otherwise.
  var standing = SandboxConsent.approve(as: SandboxSeed.admin)
  private(set) var queued: [SandboxConsent] = []

  mutating func enqueue(_ consent: SandboxConsent) {
    queued.append(consent)
  }

  /// The choice for the next valid authorize request, using up a queued one if there is one.
  mutating func next() -> SandboxConsent {
    queued.isEmpty ? standing : queued.removeFirst()
  }
}
