import Basics
import Foundation
import JSON
import LoopbackHTTP

/// The sandbox's test-control endpoint: what Swift tests do through ``DatabricksSandbox``'s methods, over HTTP, for
/// a client in another process (`.ci/sdk_fidelity.py` drives `brickauth --sandbox` with the Databricks SDK for
/// Python and needs the sandbox to answer 429 and 503, then to count calls).
///
/// Only the sandbox serves it, on its loopback port; no Databricks path starts with `/__sandbox/`. Control
/// requests are answered before anything else: they need no credential and are never faulted, delayed or counted.
///
/// | request | does |
/// | --- | --- |
/// | `POST /__sandbox/faults` `{"path", "method"?, "times"?, "fault"}` | ``DatabricksSandbox/injectFault(_:path:method:times:)``: the next `times` (default 1) calls to `path` (exact, no query) with `method` (default any) meet `fault` |
/// | `DELETE /__sandbox/faults` | ``DatabricksSandbox/clearFaults()`` |
/// | `GET /__sandbox/calls` | ``DatabricksSandbox/callCounts``: `{"calls": {"GET /api/2.0/token/list": 3}}` |
/// | `DELETE /__sandbox/calls` | ``DatabricksSandbox/resetCallCounts()`` |
/// | `POST /__sandbox/oauth-settings` `{"accessTokenLifetimeSeconds"}` | ``DatabricksSandbox/setAccessTokenLifetime(seconds:)``: the lifetime of the access tokens issued from now on |
/// | `POST /__sandbox/oauth-token` `{"userName", "lifetimeSeconds"?}` | an OAuth access token for a seeded principal, as ``SandboxWorkspace/issueOAuthAccessToken(userName:lifetimeSeconds:)``: `{"access_token", "token_type": "Bearer", "expires_in"}` |
/// | `POST /__sandbox/oidc-token` `{"subject"?, "audience"?, "issuer"?, "lifetimeSeconds"?}` | a JWT of the sandbox's identity provider for workload identity federation, as ``SandboxWorkspace/mintSubjectToken(subject:audience:issuer:lifetimeSeconds:)``: `{"value"}` |
/// | `GET /__sandbox/github-oidc?audience=…` with `Authorization: Bearer <SandboxSeed.githubRequestToken>` | GitHub Actions' ID token endpoint (`ACTIONS_ID_TOKEN_REQUEST_URL`): `{"value"}`, a JWT for that audience (the account id without one); 401 for another bearer |
/// | `POST /__sandbox/tokens` `{"owner", "count"?, "comment"?, "createdBy"?, "creationTime"?, "expiryTime"?, "lastUsedDay"?}` | ``DatabricksSandbox/seedTokens(_:)``: `count` (default 1, at most 50,000) tokens with that past (see ``TokenSeed``: a time is epoch milliseconds or `{"secondsFromNow": n}` / `{"daysFromNow": n}`; no `expiryTime` never expires, no `lastUsedDay` never used): `{"tokenIds": [...]}` |
/// | `GET /__sandbox/clock` | the workspace clock: `{"now": <epoch ms>, "frozen": false}` |
/// | `POST /__sandbox/clock` `{"advanceSeconds"?, "frozen"?}` | ``DatabricksSandbox/setClockFrozen(_:)`` when `frozen` is given, then ``DatabricksSandbox/advanceClock(bySeconds:)`` (0 to 100 years); answers as `GET` |
/// | `POST /__sandbox/latency` `{"seconds"}` | ``DatabricksSandbox/setLatency(seconds:)``: every answer from now on comes that much later, and each further 1,000 tokens of the Token Management list that much after the ones before (0 to 60; 0 turns it off) |
///
/// A `fault` is one of:
/// - `{"kind": "status", "status": 429, "retryAfterSeconds"?: 1, "body"?: {...}}`: answer with that status (and a
///   `Retry-After` header when given). The body defaults to the gateway's for 429 and 503 and is required otherwise.
/// - `{"kind": "tooManyRequests", "retryAfterSeconds"?}`, `{"kind": "serviceUnavailable", "retryAfterSeconds"?}`:
///   ``SandboxFault/tooManyRequests(retryAfterSeconds:)``, ``SandboxFault/serviceUnavailable(retryAfterSeconds:)``.
/// - `{"kind": "dropConnection"}`: close the connection without answering.
/// - `{"kind": "delay", "seconds": 0.5}`: handle the call, answer that much later.
/// - `{"kind": "redirect", "status"?: 302, "location": "https://elsewhere.example/"}`: answer with that 3xx.
/// - `{"kind": "echo", "status"?: 400}`: an error whose message repeats the request, headers and body included.
/// - `{"kind": "endlessBody", "chunkBytes"?: 65536, "pauseSeconds"?: 0}`: 200 with a body that never ends.
///
/// Success is 200 with a JSON object; a malformed control request is 400 `INVALID_PARAMETER_VALUE`, another path
/// under `/__sandbox/` is 404 `ENDPOINT_NOT_FOUND`.
///
/// ```sh
/// curl -X POST http://127.0.0.1:PORT/__sandbox/faults \
///   -d '{"path": "/api/2.0/token/list", "times": 2, "fault": {"kind": "status", "status": 429, "retryAfterSeconds": 1}}'
/// ```
struct SandboxControl: Sendable {
  static let pathPrefix = "/__sandbox/"

  let faults: Locked<FaultPlan>
  let calls: Locked<[String: Int]>
  let workspace: SandboxWorkspace

  /// The answer to a control request, or `nil` when `request` is not one (it goes on to the workspace).
  func answer(_ request: HTTPRequest) -> HTTPResponse? {
    let path = request.path
    guard path.hasPrefix(Self.pathPrefix) else { return nil }
    do throws(SandboxErrorResponse) {
      switch (request.method, path) {
      case ("POST", "/__sandbox/faults"):
        let rule = try Self.faultRule(try Self.object(request.body))
        faults.withLock { $0.add(rule.fault, path: rule.path, method: rule.method, times: rule.times) }
        return .json([:])
      case ("DELETE", "/__sandbox/faults"):
        faults.withLock { $0.clear() }
        return .json([:])
      case ("GET", "/__sandbox/calls"):
        let counts = calls.withLock { $0 }
        return .json(["calls": .object(counts.mapValues { JSONValue.int(Int64($0)) })])
      case ("DELETE", "/__sandbox/calls"):
        calls.withLock { $0 = [:] }
        return .json([:])
      case ("POST", "/__sandbox/oauth-token"):
        return try oauthToken(try Self.object(request.body))
      case ("POST", "/__sandbox/oidc-token"):
        return try subjectToken(try Self.object(request.body))
      case ("GET", "/__sandbox/github-oidc"):
        guard request.headers["Authorization"] == "Bearer \(SandboxSeed.githubRequestToken)" else {
          return .json(["message": "Unauthorized"], status: 401)
        }
        let audience = request.query["audience"].flatMap { $0.isEmpty ? nil : $0 }
        return .json(["value": .string(workspace.mintSubjectToken(audience: audience))])
      case ("POST", "/__sandbox/oauth-settings"):
        guard let seconds = try Self.integer(try Self.object(request.body), "accessTokenLifetimeSeconds"),
          (1...86_400 * 365).contains(seconds)
        else { throw .invalidParameterValue("accessTokenLifetimeSeconds must be an integer from 1 to 31536000") }
        workspace.setAccessTokenLifetime(seconds: Int(seconds))
        return .json([:])
      case ("POST", "/__sandbox/tokens"):
        let ids = workspace.seedTokens(try TokenSeed(json: try Self.object(request.body)))
        return .json(["tokenIds": .array(ids.map(JSONValue.string))])
      case ("GET", "/__sandbox/clock"):
        return clock()
      case ("POST", "/__sandbox/clock"):
        let body = try Self.object(request.body)
        let seconds = try Self.number(body, "advanceSeconds") ?? 0
        guard (0...(100 * 365 * 86_400)).contains(seconds) else {
          throw .invalidParameterValue("advanceSeconds must be a number from 0 to 3153600000")
        }
        switch body["frozen"] {
        case nil, .null?: break
        case .bool(let frozen)?: workspace.clock.setFrozen(frozen)
        default: throw .invalidParameterValue("frozen must be a boolean")
        }
        workspace.clock.advance(bySeconds: seconds)
        return clock()
      case ("POST", "/__sandbox/latency"):
        guard let seconds = try Self.number(try Self.object(request.body), "seconds"), (0...60).contains(seconds) else {
          throw .invalidParameterValue("seconds must be a number from 0 to 60")
        }
        faults.withLock { $0.latencySeconds = seconds }
        return .json([:])
      default:
        throw SandboxErrorResponse.endpointNotFound(method: request.method, path: path)
      }
    } catch {
      return error.response
    }
  }

  private func clock() -> HTTPResponse {
    .json(["now": .int(workspace.clock.now().epochMilliseconds), "frozen": .bool(workspace.clock.isFrozen)])
  }

  private func oauthToken(_ body: [String: JSONValue]) throws(SandboxErrorResponse) -> HTTPResponse {
    guard let userName = body["userName"]?.stringValue else {
      throw .invalidParameterValue("userName must be a string")
    }
    let lifetime = try Self.number(body, "lifetimeSeconds") ?? 3600
    guard lifetime > 0 else { throw .invalidParameterValue("lifetimeSeconds must be positive") }
    guard let token = workspace.issueOAuthAccessToken(userName: userName, lifetimeSeconds: lifetime) else {
      throw .invalidParameterValue("No seeded principal has userName \(userName)")
    }
    return .json([
      "access_token": .string(token), "token_type": "Bearer", "expires_in": .int(Int64(saturating: lifetime)),
    ])
  }

  private func subjectToken(_ body: [String: JSONValue]) throws(SandboxErrorResponse) -> HTTPResponse {
    var strings: [String: String] = [:]
    for name in ["subject", "audience", "issuer"] {
      switch body[name] {
      case nil, .null?: continue
      case .string(let value)?: strings[name] = value
      default: throw .invalidParameterValue("\(name) must be a string")
      }
    }
    let lifetime = try Self.number(body, "lifetimeSeconds") ?? 300
    guard lifetime.magnitude <= 86_400 * 365 else {
      throw .invalidParameterValue("lifetimeSeconds must be within a year (negative: already expired)")
    }
    let token = workspace.mintSubjectToken(
      subject: strings["subject"] ?? SandboxSeed.federationSubject,
      audience: strings["audience"],
      issuer: strings["issuer"] ?? SandboxSeed.federationIssuer,
      lifetimeSeconds: lifetime
    )
    return .json(["value": .string(token)])
  }

  struct FaultRule: Equatable {
    var path: String
    var method: String?
    var times: Int
    var fault: SandboxFault
  }

  /// Decodes the body of `POST /__sandbox/faults`.
  static func faultRule(_ body: [String: JSONValue]) throws(SandboxErrorResponse) -> FaultRule {
    guard let path = body["path"]?.stringValue, path.hasPrefix("/"), !path.contains("?") else {
      throw .invalidParameterValue("path must be a string starting with / and without a query")
    }
    var method: String?
    switch body["method"] {
    case nil, .null?: method = nil
    case .string(let name)? where !name.isEmpty: method = name.uppercased()
    default: throw .invalidParameterValue("method must be a non-empty string")
    }
    let times = try integer(body, "times") ?? 1
    guard times > 0 else { throw .invalidParameterValue("times must be positive") }
    guard let spec = body["fault"]?.objectValue else { throw .invalidParameterValue("fault must be an object") }
    return FaultRule(path: path, method: method, times: Int(times), fault: try fault(spec))
  }

  private static func fault(_ spec: [String: JSONValue]) throws(SandboxErrorResponse) -> SandboxFault {
    let retryAfter = try integer(spec, "retryAfterSeconds").map { Int($0) }
    if let retryAfter, retryAfter < 0 { throw .invalidParameterValue("retryAfterSeconds must not be negative") }
    switch spec["kind"]?.stringValue {
    case "status":
      guard let status = try integer(spec, "status"), (200...599).contains(status) else {
        throw .invalidParameterValue("status must be an integer from 200 to 599")
      }
      switch (status, spec["body"]) {
      case (_, let body?) where body != .null:
        return .respond(status: Int(status), body: body, retryAfterSeconds: retryAfter)
      case (429, _): return .tooManyRequests(retryAfterSeconds: retryAfter)
      case (503, _): return .serviceUnavailable(retryAfterSeconds: retryAfter)
      default: throw .invalidParameterValue("body is required for status \(status)")
      }
    case "tooManyRequests": return .tooManyRequests(retryAfterSeconds: retryAfter)
    case "serviceUnavailable": return .serviceUnavailable(retryAfterSeconds: retryAfter)
    case "dropConnection": return .dropConnection
    case "redirect":
      let status = try integer(spec, "status") ?? 302
      guard (300...399).contains(status), let location = spec["location"]?.stringValue else {
        throw .invalidParameterValue("a redirect needs a status from 300 to 399 and a location string")
      }
      return .redirect(status: Int(status), location: location)
    case "echo":
      let status = try integer(spec, "status") ?? 400
      guard (200...599).contains(status) else { throw .invalidParameterValue("status must be from 200 to 599") }
      return .echo(status: Int(status))
    case "endlessBody":
      let chunkBytes = try integer(spec, "chunkBytes") ?? 65_536
      let pause = try number(spec, "pauseSeconds") ?? 0
      guard (1...(1 << 24)).contains(chunkBytes), pause >= 0 else {
        throw .invalidParameterValue("chunkBytes must be from 1 to 16777216 and pauseSeconds non-negative")
      }
      return .endlessBody(chunkBytes: Int(chunkBytes), pauseSeconds: pause)
    case "delay":
      guard let seconds = try number(spec, "seconds"), seconds >= 0 else {
        throw .invalidParameterValue("seconds must be a non-negative number")
      }
      return .delay(seconds: seconds)
    default:
      throw .invalidParameterValue(
        "kind must be one of status, tooManyRequests, serviceUnavailable, dropConnection, delay, redirect, echo, "
          + "endlessBody"
      )
    }
  }

  private static func object(_ bytes: [UInt8]) throws(SandboxErrorResponse) -> [String: JSONValue] {
    guard let members = (try? JSONParser.parse(bytes))?.objectValue else {
      throw .invalidParameterValue("The body must be a JSON object")
    }
    return members
  }

  private static func integer(_ body: [String: JSONValue], _ name: String) throws(SandboxErrorResponse) -> Int64? {
    switch body[name] {
    case nil, .null?: return nil
    case .int(let value)?: return value
    default: throw .invalidParameterValue("\(name) must be an integer")
    }
  }

  private static func number(_ body: [String: JSONValue], _ name: String) throws(SandboxErrorResponse) -> Double? {
    switch body[name] {
    case nil, .null?: return nil
    case .int(let value)?: return Double(value)
    case .double(let value)? where value.isFinite: return value
    default: throw .invalidParameterValue("\(name) must be a number")
    }
  }
}
