import JSON
import LoopbackHTTP

/// Token API 2.0 (`/api/2.0/token/...`): the caller's own personal access tokens.
enum TokenRoutes {
  /// `POST /api/2.0/token/create`
  static func create(_ call: APICall, _ state: inout WorkspaceState) throws(SandboxErrorResponse) -> HTTPResponse {
    let record = try state.createToken(
      owner: call.caller,
      creator: call.caller,
      lifetimeSeconds: try call.int64("lifetime_seconds"),
      comment: try call.string("comment") ?? "",
      now: call.now
    )
    return .json(["token_value": .string(record.value), "token_info": record.publicInfo])
  }

  /// `GET /api/2.0/token/list`
  static func list(_ call: APICall, _ state: inout WorkspaceState) throws(SandboxErrorResponse) -> HTTPResponse {
    .json(Proto3JSON.list("token_infos", state.tokens.records(ownedBy: call.caller.id).map(\.publicInfo)))
  }

  /// `POST /api/2.0/token/delete`: only the caller's own tokens; someone else's id is as unknown as a made-up one.
  static func delete(_ call: APICall, _ state: inout WorkspaceState) throws(SandboxErrorResponse) -> HTTPResponse {
    let id = try call.requiredString("token_id")
    guard state.tokens.record(id: id)?.ownerID == call.caller.id else {
      throw .resourceDoesNotExist("Token with ID \(id) does not exist.")
    }
    state.tokens.remove(id: id)
    return .json([:])
  }
}
