import JSON
import Server

extension ApplicationError {
  /// The application error a wire error object (`{"code", "message", "data"}`) carries, read from its code; `nil`
  /// for a protocol error or no error object at all.
  init?(errorObject: JSONValue?) {
    guard case .int(let code)? = errorObject?["code"] else { return nil }
    self.init(rawValue: Int(code))
  }
}
