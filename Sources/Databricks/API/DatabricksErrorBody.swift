import Basics
import Foundation
import JSON

/// The error code and message of a failed Databricks response, from whichever shape the endpoint used.
///
/// Databricks answers errors in several shapes (Go SDK `apierr/errors.go`, Python `errors/deserializer.py`): the
/// standard `{"error_code": "...", "message": "..."}` (some endpoints put an integer in `error_code`), API 1.2's
/// `{"error": "..."}`, SCIM's `{"detail", "status", "scimType"}`, an HTML page with the message in `<pre>`, or plain
/// text `ERROR_CODE: message`. Parsing is a pure function of the bytes.
package struct DatabricksErrorBody: Sendable, Equatable {
  package var errorCode: String?
  package var message: String?
  /// `error_code` was a number (auth failures send `403`/`401` this way).
  package var errorCodeIsInteger = false

  package init(errorCode: String? = nil, message: String? = nil, errorCodeIsInteger: Bool = false) {
    self.errorCode = errorCode
    self.message = message
    self.errorCodeIsInteger = errorCodeIsInteger
  }

  /// Parses `body`; messages are scrubbed of anything credential-shaped and bounded in length, error codes of
  /// every secret sent and anything credential-shaped.
  package init(parsing body: [UInt8], status: Int) {
    if let object = try? JSONParser.parse(body[...]).objectValue {
      switch object["error_code"] {
      case .string(let code)?: errorCode = code
      case .int(let code)?:
        errorCode = String(code)
        errorCodeIsInteger = true
      default: break
      }
      message =
        object["message"]?.stringValue ?? object["error_description"]?.stringValue
        ?? object["error"]?.stringValue ?? object["detail"]?.stringValue
      if errorCode == nil, object["detail"] != nil { errorCode = "SCIM_\(status)" }
      if errorCode == nil, let error = object["error"]?.stringValue, object["error_description"] != nil {
        errorCode = error
      }
    } else {
      let text = String(decoding: body, as: UTF8.self)
      if let start = text.range(of: "<pre>"),
        let end = text.range(of: "</pre>", range: start.upperBound..<text.endIndex)
      {
        message = String(text[start.upperBound..<end.lowerBound])
      } else if !text.contains("<"), let colon = text.firstIndex(of: ":"),
        text[..<colon].allSatisfy({ $0.isUppercase || $0 == "_" }), colon > text.startIndex
      {
        errorCode = String(text[..<colon])
        message = String(text[text.index(after: colon)...])
      } else if !text.contains("<") {
        message = text
      }
    }
    message = message.map { SecretScrubber.scrub($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    if message?.isEmpty == true { message = nil }
    // A server may echo the request into `error` as well: redact it now, while the secrets sent are certainly
    // still remembered, not only when an answer is written (which may be minutes later).
    errorCode = errorCode.map { SecretScrubber.redact($0) }
  }
}
