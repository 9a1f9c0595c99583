import JSON
import LoopbackHTTP

/// SCIM `Me`: who the credential belongs to; the SDKs' and CLI's cheap validity check.
enum SCIMRoutes {
  /// `GET /api/2.0/preview/scim/v2/Me`
  static func me(_ call: APICall, _ state: inout WorkspaceState) throws(SandboxErrorResponse) -> HTTPResponse {
    let principal = call.caller
    var user: [String: JSONValue] = [
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:workspace:2.0:User",
      ],
      "id": .string(String(principal.id)),
      "userName": .string(principal.userName),
      "displayName": .string(principal.displayName),
      "active": true,
      "groups": .array(
        principal.groups.map { group in
          [
            "display": .string(group.name), "type": "direct", "value": .string(group.id),
            "$ref": .string("Groups/\(group.id)"),
          ]
        }
      ),
    ]
    if principal.applicationID == nil {
      user["emails"] = [["type": "work", "value": .string(principal.userName), "primary": true]]
    }
    return .json(.object(user))
  }
}
