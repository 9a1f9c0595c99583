package import JSON

/// One JSON-RPC message from the client, classified by hand from a parsed `JSONValue`.
///
/// Classifying the already-parsed value once (rather than trial-decoding typed structs) keeps the id of a
/// malformed request, so its error can still echo that id.
package enum IncomingMessage: Equatable, Sendable {
  case request(id: RequestID, method: String, params: JSONValue?)
  case notification(method: String, params: JSONValue?)
  /// A response sent by the client; we never send requests, so these are noted and ignored.
  case response
  /// Not a valid request object; `id` is the request's id when it could be read, for the error response.
  case invalid(id: RequestID?, reason: String)

  /// Classifies one element of the wire (a top-level object, or one element of a batch).
  package init(_ value: JSONValue) {
    guard case .object(let members) = value else {
      self = .invalid(id: nil, reason: "a request must be a JSON object")
      return
    }
    let readableID = members["id"].flatMap(RequestID.init)
    guard let method = members["method"] else {
      if members["result"] != nil || members["error"] != nil {
        self = .response
      } else {
        self = .invalid(id: readableID, reason: "missing \"method\"")
      }
      return
    }
    guard members["jsonrpc"] == .string("2.0") else {
      self = .invalid(id: readableID, reason: "\"jsonrpc\" must be \"2.0\"")
      return
    }
    guard case .string(let name) = method else {
      self = .invalid(id: readableID, reason: "\"method\" must be a string")
      return
    }
    var params: JSONValue? = nil
    switch members["params"] {
    case nil, .null?: params = nil
    case .object?, .array?: params = members["params"]
    default:
      self = .invalid(id: readableID, reason: "\"params\" must be an object or an array")
      return
    }
    guard let idValue = members["id"] else {
      self = .notification(method: name, params: params)
      return
    }
    guard let id = RequestID(idValue) else {
      self = .invalid(id: nil, reason: "\"id\" must be a string, a number or null")
      return
    }
    self = .request(id: id, method: name, params: params)
  }
}
