import Foundation
import JSON
import Sandbox
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A URLSession client for the sandbox, as the real REST client will talk to it.
struct SandboxClient {
  struct Reply {
    var status: Int
    var headers: [String: String]
    var body: Data
    /// The body parsed as JSON, or `nil` when empty or not JSON.
    var json: JSONValue? { try? JSONParser.parse(body) }
    var text: String { String(decoding: body, as: UTF8.self) }
  }

  let baseURL: URL
  let session: URLSession

  init(_ sandbox: DatabricksSandbox, timeout: TimeInterval = 30) {
    baseURL = sandbox.baseURL
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    session = URLSession(configuration: configuration)
  }

  /// Sends `method` to `path` (which may carry a query) with a bearer token and an optional JSON body.
  func send(
    _ method: String,
    _ path: String,
    token: String?,
    body: JSONValue? = nil,
    headers: [String: String] = [:],
    rawBody: Data? = nil
  ) async throws -> Reply {
    var request = URLRequest(url: try #require(URL(string: baseURL.absoluteString + path)))
    request.httpMethod = method
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    if let body {
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
      request.httpBody = Data(JSONWriter.bytes(body))
    }
    if let rawBody { request.httpBody = rawBody }
    let (data, response) = try await session.data(for: request)
    let http = try #require(response as? HTTPURLResponse)
    var fields: [String: String] = [:]
    for (name, value) in http.allHeaderFields {
      if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
    }
    return Reply(status: http.statusCode, headers: fields, body: data)
  }

  func get(_ path: String, token: String?) async throws -> Reply {
    try await send("GET", path, token: token)
  }

  func post(_ path: String, token: String?, body: JSONValue = [:]) async throws -> Reply {
    try await send("POST", path, token: token, body: body)
  }
}
