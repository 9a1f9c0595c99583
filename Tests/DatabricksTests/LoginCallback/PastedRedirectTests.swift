import Databricks
import Testing

/// The address a user pastes from a browser on another machine: only this login's redirect is accepted, read with
/// the listener's own rules, and no refusal repeats a value from the address.
struct PastedRedirectTests {
  @Test(arguments: [
    "http://localhost:8020/?code=the-code&state=the-state",
    "http://localhost:8020?code=the-code&state=the-state",
    "  HTTP://LocalHost:8020/?code=the-code&state=the-state\r\n",
    "http://127.0.0.1:8020/?state=the-state&code=the-code&iss=https%3A%2F%2Fh",
    "http://localhost:8020/?code=the%2Dcode&state=the-state",
  ])
  func theRedirectIsAccepted(_ address: String) throws {
    #expect(try PastedRedirect(address, port: 8020).result == .code(code: "the-code", state: "the-state"))
  }

  @Test func anErrorRedirectIsReadAsTheListenerReadsIt() throws {
    let address = "http://localhost:8020/?error=access_denied&error_description=The+user+said+no&state=s"
    #expect(
      try PastedRedirect(address, port: 8020).result
        == .error(error: "access_denied", description: "The user said no", state: "s")
    )
  }

  @Test(arguments: [
    ("https://localhost:8020/?code=SECRETCODE&state=SECRETSTATE", "http://"),
    ("localhost:8020/?code=SECRETCODE&state=SECRETSTATE", "http://"),
    ("http://example.com:8020/?code=SECRETCODE&state=SECRETSTATE", "localhost or 127.0.0.1"),
    ("http://localhost.example.com:8020/?code=SECRETCODE&state=SECRETSTATE", "localhost or 127.0.0.1"),
    ("http://127.0.0.2:8020/?code=SECRETCODE&state=SECRETSTATE", "localhost or 127.0.0.1"),
    ("http://[::1]:8020/?code=SECRETCODE&state=SECRETSTATE", "localhost or 127.0.0.1"),
    ("http://me@localhost:8020/?code=SECRETCODE&state=SECRETSTATE", "host must be"),
    ("http://localhost/?code=SECRETCODE&state=SECRETSTATE", "host must be"),
    ("http://localhost:8021/?code=SECRETCODE&state=SECRETSTATE", "port is not 8020"),
    ("http://localhost:80200/?code=SECRETCODE&state=SECRETSTATE", "port is not 8020"),
    ("http://localhost:8020/other?code=SECRETCODE&state=SECRETSTATE", "path"),
    ("http://localhost:8020/?code=SECRETCODE&state=SECRETSTATE#x", "fragment"),
    ("http://localhost:8020/?code=SECRET CODE&state=SECRETSTATE", "space"),
    ("http://localhost:8020/?code=SECRETCODÉ&state=SECRETSTATE", "non-ASCII"),
    ("http://localhost:8020/?code=SECRETCODE", "no state"),
    ("http://localhost:8020/?code=SECRETCODE&code=SECRETCODE&state=SECRETSTATE", "more than once"),
    ("http://localhost:8020/?code=SECRETCODE&error=x&state=SECRETSTATE", "both code and error"),
    ("http://localhost:8020/", "neither"),
    ("http://localhost:8020/?state=SECRETSTATE", "neither code nor error"),
    ("", "http://"),
  ])
  func anythingElseIsRefusedWithoutRepeatingIt(_ address: String, _ reason: String) {
    #expect {
      _ = try PastedRedirect(address, port: 8020)
    } throws: { error in
      guard case .notTheRedirect(let said) = error as? RedirectPasteRefusal else { return false }
      return said.contains(reason) && !said.contains("SECRET") && !"\(error)".contains("SECRET")
    }
  }

  @Test func anAddressLongerThanTheCapIsRefusedUnread() {
    let long = "http://localhost:8020/?state=s&code=" + String(repeating: "c", count: PastedRedirect.maximumBytes)
    #expect(throws: RedirectPasteRefusal.notTheRedirect(reason: "it is longer than 16384 bytes")) {
      try PastedRedirect(long, port: 8020)
    }
  }
}
