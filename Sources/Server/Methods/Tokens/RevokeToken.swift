import Databricks
import Foundation
import JSON
import JSONRPC

/// Revokes one token (`tokenId`: an error if it fails) or many (`tokenIds`: per-item results, progress per item,
/// and cancellation between items with what was already revoked in `data.partial`).
///
/// Bulk revocation is sequential on purpose: each item is either confirmed revoked or reported failed before the
/// next starts, so a cancel always leaves an exact account of what happened. A cancel does not cut off the item in
/// flight: its call runs to its answer (the client's request timeout bounds it), because the workspace may already
/// have deleted the token, and a deletion that landed must be in `data.partial`. The next item never starts.
enum RevokeToken: RPCMethod {
  static let name = "revokeToken"
  static let maximumBulk = 10_000

  struct Params: Decodable, Sendable {
    var profile: String?
    var scope: TokenScope?
    var tokenId: String?
    var tokenIds: [String]?
  }

  struct Result: Encodable, Sendable {
    var revoked: [String]
    var failed: [Failure]
  }

  struct Failure: Encodable, Sendable {
    var tokenId: String
    var error: JSONValue
  }

  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result {
    var problems = ParamProblems()
    problems.require(
      (params.tokenId == nil) != (params.tokenIds == nil),
      params.tokenId == nil ? "/tokenId" : "/tokenIds",
      "give exactly one of tokenId and tokenIds"
    )
    problems.require(params.tokenId.map { !$0.isEmpty } ?? true, "/tokenId", "must not be empty")
    if let ids = params.tokenIds {
      problems.require(!ids.isEmpty, "/tokenIds", "must not be empty")
      problems.require(ids.count <= maximumBulk, "/tokenIds", "at most \(maximumBulk) ids at once")
      for (index, id) in ids.enumerated() where id.isEmpty {
        problems.require(false, "/tokenIds/\(index)", "must not be empty")
      }
    }
    problems.requireProfileName(params.profile)
    try problems.check()

    let api = try await call.services.credentials.workspace(for: params.profile)
    let scope = params.scope ?? .own
    func revoke(_ id: String) async throws {
      switch scope {
      case .own: try await api.revokeOwnToken(id)
      case .workspace: try await api.revokeWorkspaceToken(id)
      }
    }
    if let id = params.tokenId {
      try await revoke(id)
      return Result(revoked: [id], failed: [])
    }
    // Duplicates are revoked once; the order of first appearance is kept.
    var seen = Set<String>()
    let ids = (params.tokenIds ?? []).filter { seen.insert($0).inserted }
    var result = Result(revoked: [], failed: [])
    call.request.recordPartial(try JSONValueEncoder().encode(result))
    for (index, id) in ids.enumerated() {
      // A cancel stops bulk work between items, never inside one, so every item is either done or reported.
      try Task.checkCancellation()
      do {
        try await revoke(id)
        result.revoked.append(id)
      } catch is CancellationError {
        throw CancellationError()
      } catch {
        result.failed.append(Failure(tokenId: id, error: RPCError(error).jsonValue))
      }
      call.request.recordPartial(try JSONValueEncoder().encode(result))
      call.request.reportProgress(
        Double(index + 1),
        total: Double(ids.count),
        message: "Revoked \(result.revoked.count), failed \(result.failed.count) of \(ids.count)"
      )
    }
    return result
  }
}
