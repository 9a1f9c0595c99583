import Databricks
import Foundation
import JSON
import JSONRPC

/// Starts a watch: until `unwatchCredentials` or the end of the connection, every change to the watched profiles
/// (config sections, stored OAuth tokens, refreshes that need a login, tokens about to end) is sent as a
/// `brickauth/credentialsChanged` notification. Not an MCP tool: a tool call ends, a watch does not.
enum WatchCredentials: RPCMethod {
  static let name = "watchCredentials"
  /// The notification each change is sent as.
  static let notification = "brickauth/credentialsChanged"
  /// The most profiles one watch names (a watch of every profile names none).
  static let maxProfiles = 100

  struct Params: Decodable, Sendable {
    var profiles: [String]?
  }

  struct Result: Encodable, Sendable {
    var watchId: String
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    var problems = ParamProblems()
    let profiles = params.profiles ?? []
    problems.require(profiles.count <= maxProfiles, "/profiles", "must name at most \(maxProfiles) profiles")
    for (index, profile) in profiles.prefix(maxProfiles).enumerated() {
      if let problem = ProfileName.problem(profile) { problems.require(false, "/profiles/\(index)", problem) }
    }
    try problems.check()
    let watches = call.services.watches
    // A change seen before the answer is out waits for it: the client learns the watch id from the answer.
    let events = HeldNotifications(until: call.request)
    let watchId = try await watches.watch(profiles: params.profiles) { watchId, change in
      events.notify(method: notification, params: Self.params(watchId, change))
    }
    call.request.session.whenClosed { Task { _ = await watches.unwatch(watchId) } }
    return Result(watchId: watchId)
  }

  /// `{watchId, profile, change, expiresAt?, reason?}`: names and instants only, never a secret.
  static func params(_ watchId: String, _ change: CredentialChange) -> JSONValue {
    var params: [String: JSONValue] = [
      "watchId": .string(watchId), "profile": .string(change.profile), "change": .string(change.kind.rawValue),
    ]
    params["expiresAt"] = change.expiresAt.map { .string(RFC3339.utcString($0)) }
    params["reason"] = change.reason.map(JSONValue.string)
    return .object(params)
  }
}
