import Databricks
import Testing

@Suite struct ProfileNameTests {
  @Test(arguments: [
    "DEFAULT", "dev", "my profile", "ACCOUNT-0d56b0f4-5f5a-4c7c-8e0a-2a6d7e0c1b9f", "dbc-1234abcd-5678", "caf\u{E9}",
    "cafe\u{301}", "a-b", "a[b", "ünïcödé 🧱", "x;y", "#hash",
  ])
  func acceptsWhatTheCLIWrites(_ name: String) {
    #expect(ProfileName.problem(name) == nil)
  }

  @Test(arguments: [
    ("", "must not be empty"),
    ("__settings__", "must not be __settings__, the settings section"),
    ("a\u{0}b", "must not contain control characters"),
    ("a\nb", "must not contain control characters"),
    ("a\rb", "must not contain control characters"),
    ("tab\there", "must not contain control characters"),
    ("del\u{7F}", "must not contain control characters"),
    ("c1\u{85}", "must not contain control characters"),
    ("-h", "must not start with '-'"),
    ("--help", "must not start with '-'"),
    ("a]b", "must not contain ']'"),
    (" padded", "must not start or end with a space"),
    ("padded ", "must not start or end with a space"),
  ])
  func refusesWhatAStoreCannotHold(_ name: String, _ problem: String) {
    #expect(ProfileName.problem(name) == problem)
  }

  /// Go compares strings byte for byte; Swift's `==` treats canonically equivalent strings as equal.
  @Test func comparesBytesNotCanonicalEquivalence() {
    #expect("caf\u{E9}" == "cafe\u{301}", "what Swift's == says")
    #expect(!ProfileName.same("caf\u{E9}", "cafe\u{301}"))
    #expect(ProfileName.same("caf\u{E9}", "caf\u{E9}"))
    #expect(ProfileName.Key("caf\u{E9}") != ProfileName.Key("cafe\u{301}"))
    #expect(Set([ProfileName.Key("caf\u{E9}"), ProfileName.Key("cafe\u{301}")]).count == 2)
    #expect(!ProfileName.same("\u{212A}", "K"), "the Kelvin sign is not the letter K")
  }
}
