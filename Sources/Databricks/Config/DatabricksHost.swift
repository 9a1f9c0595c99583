import Foundation

/// A workspace or account URL normalised the way the Go SDK does it (`fixHostIfNeeded`), so profile matching and
/// token-cache host keys agree with the CLI's.
///
/// `https://` is added when no scheme is given and only scheme and authority are kept; a `?o=`/`?w=`/
/// `?workspace_id=` query names the workspace and `?a=`/`?account_id=` the account, as in URLs copied from the
/// browser.
package struct DatabricksHost: Sendable, Equatable {
  /// `scheme://host[:port]`, no trailing slash.
  package var url: String
  package var workspaceIdFromQuery: String?
  package var accountIdFromQuery: String?

  /// Normalises `raw`; `nil` when it has no host at all.
  package init?(_ raw: String) {
    var text = raw.trimmingCharacters(in: .whitespaces)
    if !text.contains("://") { text = "https://" + text }
    guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
      let host = components.host, !host.isEmpty
    else { return nil }
    let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    url = "\(scheme)://\(bracketed)" + (components.port.map { ":\($0)" } ?? "")
    let query = components.queryItems ?? []
    func first(_ names: [String], numeric: Bool) -> String? {
      for name in names {
        if let value = query.first(where: { $0.name == name })?.value, !value.isEmpty,
          !numeric || value.allSatisfy(\.isNumber)
        {
          return value
        }
      }
      return nil
    }
    workspaceIdFromQuery =
      first(["o"], numeric: true) ?? first(["w"], numeric: false)
      ?? first(["workspace_id"], numeric: true)
    accountIdFromQuery = first(["a", "account_id"], numeric: false)
  }

  /// Account console hosts (`https://accounts.…`, `https://accounts-dod.…`) serve account-level APIs. Over plain
  /// `http://` only on this machine (`http://accounts.localhost:<port>`: tests and the sandbox).
  package var isAccountsHost: Bool {
    let name: Substring
    if url.hasPrefix("https://") {
      name = url.dropFirst("https://".count)
    } else if url.hasPrefix("http://"), isLoopback {
      name = url.dropFirst("http://".count)
    } else {
      return false
    }
    return name.hasPrefix("accounts.") || name.hasPrefix("accounts-dod.")
  }

  /// Whether requests to this host may be sent: `https://` anywhere, plain `http://` only to this machine.
  package var isAllowedForRequests: Bool {
    url.hasPrefix("https://") || (url.hasPrefix("http://") && isLoopback)
  }

  /// `localhost` and the names under it (RFC 6761 §6.3; libcurl, which `URLSession` uses on Linux, resolves them to
  /// loopback itself), `127.0.0.0/8` or `[::1]`.
  package var isLoopback: Bool {
    guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
    if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host == "[::1]" { return true }
    let octets = host.split(separator: ".")
    return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
  }
}
