/// The small HTML page the browser shows after the redirect: self-contained (no fonts, scripts or images from
/// anywhere, unlike the CLI's page, which loads Google Fonts), so it renders offline and the URL in the address bar,
/// which holds the authorization code, is never sent on as a `Referer`.
package enum CallbackPage {
  /// "Signed in; you can close this tab and return to `applicationName`."
  package static func success(applicationName: String) -> String {
    document(
      title: "Signed in",
      heading: "Signed in",
      paragraphs: ["You can close this tab and return to \(escape(applicationName))."]
    )
  }

  /// The sign-in failed: the error and its description as the server sent them (escaped), or brickauth's reason.
  package static func failure(error: String, description: String?, applicationName: String) -> String {
    var paragraphs = ["<strong>\(escape(error))</strong>"]
    if let description { paragraphs.append(escape(description)) }
    paragraphs.append("You can close this tab and return to \(escape(applicationName)) to try again.")
    return document(title: "Sign-in failed", heading: "Sign-in failed", paragraphs: paragraphs)
  }

  /// A short page for requests that are not the redirect (404, 400, 431).
  package static func notTheRedirect(_ message: String) -> String {
    document(title: message, heading: escape(message), paragraphs: [])
  }

  /// Escapes the five characters that matter in HTML text and attribute values.
  package static func escape(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\"": escaped += "&quot;"
      case "'": escaped += "&#39;"
      default: escaped.append(character)
      }
    }
    return escaped
  }

  /// `heading` and `paragraphs` are HTML already escaped by the caller.
  private static func document(title: String, heading: String, paragraphs: [String]) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(escape(title))</title>
    <style>
    body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 4rem auto; max-width: 36rem;
      padding: 0 1rem; color: #1b1b1b; line-height: 1.5; }
    h1 { font-size: 1.5rem; }
    </style>
    </head>
    <body>
    <h1>\(heading)</h1>
    \(paragraphs.map { "<p>\($0)</p>" }.joined(separator: "\n"))
    </body>
    </html>

    """
  }
}
