import Foundation
import JSON
import LoopbackHTTP

/// Workspace Conf: the token policy settings as a flat map of strings.
enum WorkspaceConfRoutes {
  /// `GET /api/2.0/workspace-conf?keys=a,b`. Any caller may read the settings; only changing them needs an admin.
  static func get(_ call: APICall, _ state: inout WorkspaceState) throws(SandboxErrorResponse) -> HTTPResponse {
    let keys = (call.query["keys"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
    guard !keys.isEmpty else { throw .invalidParameterValue("Missing required field: keys") }
    return .json(.object(try state.conf.values(for: keys)))
  }

  /// `PATCH /api/2.0/workspace-conf` with `{"key": "value"}`.
  ///
  /// Success has an empty body. The facts only say "empty response" and the SDKs ignore the body, so this
  /// answers 204 No Content, the status HTTP defines for exactly that; clients should accept any 2xx.
  static func patch(_ call: APICall, _ state: inout WorkspaceState) throws(SandboxErrorResponse) -> HTTPResponse {
    try call.requireAdmin("Only workspace admins can change workspace settings.")
    try state.conf.apply(call.body)
    return HTTPResponse(status: 204)
  }
}
