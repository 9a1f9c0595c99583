import Foundation
import JSON

/// One authenticated API call as the routes see it: who calls, when, and the decoded parameters.
struct APICall {
  var caller: SandboxPrincipal
  var now: Date
  var query: [String: String]
  /// The JSON body's members; empty for a call without a body.
  var body: [String: JSONValue]

  /// Parses a request body the way Databricks does: empty means `{}`, anything but a JSON object is malformed.
  static func parseBody(_ bytes: [UInt8]) throws(SandboxErrorResponse) -> [String: JSONValue] {
    if bytes.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return [:] }
    guard let members = (try? JSONParser.parse(bytes))?.objectValue else {
      throw .malformedRequest("Invalid JSON given in the body of the request - expected a map")
    }
    return members
  }

  /// An optional string field; a field of another type is malformed.
  func string(_ name: String) throws(SandboxErrorResponse) -> String? {
    switch body[name] {
    case nil, .null?: return nil
    case .string(let value)?: return value
    default: throw .malformedRequest("Could not parse request object: \(name) must be a string")
    }
  }

  /// An optional int64 field. Proto3 JSON accepts an int64 as a number or as a decimal string, and so does this.
  func int64(_ name: String) throws(SandboxErrorResponse) -> Int64? {
    switch body[name] {
    case nil, .null?: return nil
    case .int(let value)?: return value
    case .string(let text)?:
      if let value = Int64(text) { return value }
    default: break
    }
    throw .malformedRequest("Could not parse request object: \(name) must be an integer")
  }

  /// Refuses the call unless the caller is a workspace admin.
  func requireAdmin(_ message: String) throws(SandboxErrorResponse) {
    guard caller.isAdmin else { throw .permissionDenied(message) }
  }

  /// A required string field; missing or empty is the parameter error Databricks gives.
  func requiredString(_ name: String) throws(SandboxErrorResponse) -> String {
    guard let value = try string(name), !value.isEmpty else {
      throw .invalidParameterValue("Missing required field: \(name)")
    }
    return value
  }
}
