/// What the authorization server sent back to the loopback redirect URI.
///
/// The values are secrets while the flow runs (the code can be exchanged for tokens, the state ties the answer to
/// this attempt), so the textual descriptions used by `print`, string interpolation and test failure messages
/// redact them; read the associated values to get them.
package enum CallbackResult: Equatable, Sendable {
  /// `?code=…&state=…`: the user consented; exchange the code for tokens.
  case code(code: String, state: String)
  /// `?error=…&error_description=…&state=…` (RFC 6749 §4.1.2.1): the server refused, e.g. `access_denied`.
  case error(error: String, description: String?, state: String)

  /// The `state` parameter the server echoed.
  package var state: String {
    switch self {
    case .code(_, let state), .error(_, _, let state): state
    }
  }
}

extension CallbackResult: CustomStringConvertible, CustomDebugStringConvertible {
  package var description: String {
    switch self {
    case .code: "code(<redacted>, state: <redacted>)"
    case .error(let error, let description, _):
      "error(\(error)\(description.map { ": \($0)" } ?? ""), state: <redacted>)"
    }
  }

  package var debugDescription: String { description }
}
