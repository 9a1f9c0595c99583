import Foundation
import JSON

/// The workspace endpoints brickauth uses (Token API, Token Management, the token policy in Workspace Conf, SCIM `Me`), typed, for one
/// host and credential.
///
/// ```swift
/// let api = WorkspaceAPI(client: client, host: profile.host, bearer: token)
/// let created = try await api.createToken(lifetimeSeconds: 3600, comment: "ci")
/// ```
package struct WorkspaceAPI: Sendable {
  package var client: RESTClient
  package var host: DatabricksHost
  package var bearer: String

  package init(client: RESTClient, host: DatabricksHost, bearer: String) {
    self.client = client
    self.host = host
    self.bearer = bearer
  }

  // MARK: Token API 2.0 (the caller's own tokens)

  package func createToken(lifetimeSeconds: Int64?, comment: String?) async throws -> CreatedToken {
    var body: [String: JSONValue] = [:]
    if let lifetimeSeconds { body["lifetime_seconds"] = .int(lifetimeSeconds) }
    if let comment { body["comment"] = .string(comment) }
    return try createdToken(try await send(APIRequest("POST", "/api/2.0/token/create", body: .object(body))))
  }

  package func listOwnTokens() async throws -> [TokenInfo] {
    try await tokenInfos(APIRequest("GET", "/api/2.0/token/list"))
  }

  /// Revokes one of the caller's tokens. A cancel waits for the answer of the call in flight (see
  /// ``APIRequest/answersDespiteCancel``), so a revocation that landed is never reported as not done.
  package func revokeOwnToken(_ tokenId: String) async throws {
    var request = APIRequest("POST", "/api/2.0/token/delete", body: ["token_id": .string(tokenId)])
    request.answersDespiteCancel = true
    _ = try await send(request)
  }

  // MARK: Token Management (admin)

  package func createOnBehalfOf(applicationId: String, lifetimeSeconds: Int64?, comment: String?) async throws
    -> CreatedToken
  {
    var body: [String: JSONValue] = ["application_id": .string(applicationId)]
    if let lifetimeSeconds { body["lifetime_seconds"] = .int(lifetimeSeconds) }
    if let comment { body["comment"] = .string(comment) }
    let path = "/api/2.0/token-management/on-behalf-of/tokens"
    return try createdToken(try await send(APIRequest("POST", path, body: .object(body))))
  }

  package func listWorkspaceTokens(createdById: String?, createdByUsername: String?) async throws -> [TokenInfo] {
    var query: [(String, String)] = []
    if let createdById { query.append(("created_by_id", createdById)) }
    if let createdByUsername { query.append(("created_by_username", createdByUsername)) }
    return try await tokenInfos(APIRequest("GET", "/api/2.0/token-management/tokens", query: query))
  }

  /// Every token of the workspace (admin), or the caller's own (`allUsers: false`), handed to `page` in pages of at
  /// most `pageSize` as the answer is decoded (see ``tokenPages(_:pageSize:_:)``). Only Token Management's list
  /// (`allUsers`) carries owners, creators and the day of last use.
  package func forEachTokenPage(allUsers: Bool, pageSize: Int, _ page: ([TokenInfo]) -> Void) async throws {
    let path = allUsers ? "/api/2.0/token-management/tokens" : "/api/2.0/token/list"
    try await tokenPages(APIRequest("GET", path), pageSize: pageSize, page)
  }

  /// Revokes any token of the workspace (admin); a cancel waits for the answer, as for ``revokeOwnToken(_:)``.
  package func revokeWorkspaceToken(_ tokenId: String) async throws {
    var request = APIRequest("DELETE", "/api/2.0/token-management/tokens/\(Self.pathComponent(tokenId))")
    request.answersDespiteCancel = true
    _ = try await send(request)
  }

  // MARK: Workspace Conf

  /// The values of `keys`; a key the workspace has never set comes back as `""` or not at all.
  private func workspaceConf(_ keys: [String]) async throws -> [String: String] {
    let answer = try await send(
      APIRequest("GET", "/api/2.0/workspace-conf", query: [("keys", keys.joined(separator: ","))])
    )
    var values: [String: String] = [:]
    for (key, value) in answer?.objectValue ?? [:] {
      switch value {
      case .string(let text): values[key] = text
      case .bool(let flag): values[key] = flag ? "true" : "false"
      case .int(let number): values[key] = String(number)
      default: break
      }
    }
    return values
  }

  private func setWorkspaceConf(_ values: [String: String]) async throws {
    _ = try await send(
      APIRequest("PATCH", "/api/2.0/workspace-conf", body: .object(values.mapValues(JSONValue.string)))
    )
  }

  // MARK: Token policy

  /// The workspace's token policy as Workspace Conf holds it now.
  package func tokenPolicy() async throws -> TokenPolicy {
    TokenPolicy(workspaceConf: try await workspaceConf(TokenPolicy.keys))
  }

  /// Sets the maximum lifetime of new tokens (0 removes the limit; existing tokens keep theirs); admins only.
  /// - Returns: the policy as it was before.
  package func setMaxTokenLifetime(days: Int) async throws -> TokenPolicy {
    try await changeTokenPolicy(TokenPolicy.workspaceConf(maxLifetimeDays: days))
  }

  /// Turns personal access tokens on or off for the whole workspace (creation and use); admins only.
  /// - Returns: the policy as it was before.
  package func setTokensEnabled(_ enabled: Bool) async throws -> TokenPolicy {
    try await changeTokenPolicy(TokenPolicy.workspaceConf(tokensEnabled: enabled))
  }

  private func changeTokenPolicy(_ values: [String: String]) async throws -> TokenPolicy {
    let previous = try await tokenPolicy()
    try await setWorkspaceConf(values)
    return previous
  }

  // MARK: Identity

  package func currentUser() async throws -> CurrentUser {
    let answer = try await send(APIRequest("GET", "/api/2.0/preview/scim/v2/Me"))
    guard let id = answer?["id"]?.stringValue, let userName = answer?["userName"]?.stringValue else {
      throw malformed("SCIM Me")
    }
    return CurrentUser(id: id, userName: userName, displayName: answer?["displayName"]?.stringValue)
  }

  /// An account-level call that any account user may make (`databricks auth profiles` validates account profiles
  /// with it).
  package func listAccountWorkspaces(accountId: String) async throws {
    _ = try await send(APIRequest("GET", "/api/2.0/accounts/\(Self.pathComponent(accountId))/workspaces"))
  }

  // MARK: Helpers

  private func send(_ request: APIRequest) async throws -> JSONValue? {
    try await client.send(request, host: host, bearer: bearer)
  }

  /// `{"token_infos": [...]}`, or `{}` when the list is empty (Databricks' proto3 JSON omits empty repeated fields).
  private func tokenInfos(_ request: APIRequest) async throws -> [TokenInfo] {
    var tokens: [TokenInfo] = []
    try await tokenPages(request, pageSize: Int.max) { tokens += $0 }
    return tokens
  }

  /// Hands the tokens of a list answer to `page` in pages of at most `pageSize`, as they are decoded.
  ///
  /// Databricks answers a list in one body, with no paging of its own. Decoding it one element at a time and passing
  /// pages on means a caller that keeps only what it needs from each page (an audit) never holds the whole list,
  /// nor the parsed tree of the whole answer, which alone more than doubled the memory a listing needs.
  private func tokenPages(_ request: APIRequest, pageSize: Int, _ page: ([TokenInfo]) -> Void) async throws {
    let body = try await client.sendForBody(request, host: host, bearer: bearer)
    guard !body.isEmpty else { return }
    let size = max(1, pageSize)
    var pending: [TokenInfo] = []
    do {
      _ = try JSONParser.parseObject(body, streamingArray: "token_infos") { element in
        guard let token = TokenInfo(json: element) else { return }
        pending.append(token)
        if pending.count >= size {
          page(pending)
          pending.removeAll(keepingCapacity: true)
        }
      }
    } catch {
      throw RESTClient.notJSON(host.url)
    }
    if !pending.isEmpty { page(pending) }
  }

  private func createdToken(_ answer: JSONValue?) throws -> CreatedToken {
    guard let value = answer?["token_value"]?.stringValue,
      let info = answer?["token_info"].flatMap(TokenInfo.init(json:))
    else { throw malformed("token create") }
    return CreatedToken(value: value, info: info)
  }

  private func malformed(_ what: String) -> APIError {
    APIError(.upstream, "\(host.url) answered \(what) without the expected fields", host: host.url)
  }

  /// Token ids are hex, but an id from a client goes into a path: percent-encode everything but unreserved bytes.
  static func pathComponent(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? text
  }
}
