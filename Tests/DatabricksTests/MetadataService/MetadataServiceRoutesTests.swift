import Databricks
import Foundation
import JSON
import LoopbackHTTP
import Testing

@Suite struct MetadataServiceRoutesTests {
  let path = MetadataServiceRoutes.randomPath()
  var routes: MetadataServiceRoutes {
    var routes = MetadataServiceRoutes(port: 4321)
    routes.add(path: MetadataServiceRoutes.randomPath(), .init(key: "other", host: DatabricksHost("other.example")!))
    routes.add(path: path, .init(key: "dev", host: DatabricksHost("https://dev.example.com")!))
    return routes
  }

  func request(
    _ method: String = "GET",
    path: String? = nil,
    host: String = "127.0.0.1:4321",
    extra: [(String, String)] = [],
    version: String? = "1",
    databricksHost: String? = "https://dev.example.com"
  ) -> HTTPRequest {
    var headers = HTTPHeaders([(name: "Host", value: host)])
    if let version { headers.add("X-Databricks-Metadata-Version", version) }
    if let databricksHost { headers.add("X-Databricks-Host", databricksHost) }
    for (name, value) in extra { headers.add(name, value) }
    return HTTPRequest(method: method, target: path ?? self.path, headers: headers)
  }

  func refusal(_ request: HTTPRequest) -> MetadataServiceRefusal? {
    if case .failure(let refusal) = routes.check(request) { return refusal }
    return nil
  }

  @Test func aWellFormedRequestFindsItsProfile() throws {
    #expect(try routes.check(request()).get().key == "dev")
    #expect(try routes.check(request(host: "localhost:4321")).get().key == "dev")
    #expect(try routes.check(request(databricksHost: "dev.example.com/?o=1")).get().key == "dev", "normalised")
    #expect(try routes.check(request(databricksHost: "HTTPS://DEV.example.com/")).get().key == "dev")
  }

  @Test func pathsAreLongRandomAndDistinct() {
    let paths = (0..<100).map { _ in MetadataServiceRoutes.randomPath() }
    #expect(Set(paths).count == 100)
    #expect(paths.allSatisfy { ($0.count - 1) * 6 >= 128 }, "base64url carries 6 bits a character")
  }

  @Test func webPagesAndOtherHostNamesAreForbidden() {
    #expect(refusal(request(extra: [("Origin", "https://evil.example")])) == .foreignOrigin)
    #expect(refusal(request(extra: [("Origin", "null")])) == .foreignOrigin)
    #expect(refusal(request(host: "evil.example:4321")) == .foreignOrigin, "DNS rebinding")
    #expect(refusal(request(host: "127.0.0.1:4322")) == .foreignOrigin)
    #expect(refusal(request(host: "127.0.0.1")) == .foreignOrigin)
    #expect(refusal(HTTPRequest(method: "GET", target: path, minorVersion: 0)) == .foreignOrigin, "no Host")
  }

  @Test func unknownPathsAreNotFound() {
    #expect(refusal(request(path: "/")) == .unknownPath)
    #expect(refusal(request(path: String(path.dropLast()))) == .unknownPath)
    #expect(refusal(request(path: path + "x")) == .unknownPath)
    #expect(refusal(request(path: path + "?x=1")) == nil, "the query is not part of the path")
    var stopped = routes
    let first = stopped.remove(key: "dev")
    let second = stopped.remove(key: "dev")
    #expect(first && !second)
    if case .failure(let refusal) = stopped.check(request()) {
      #expect(refusal == .unknownPath)
    } else {
      Issue.record()
    }
  }

  @Test func onlyGETIsServed() {
    for method in ["POST", "PUT", "DELETE", "HEAD", "OPTIONS"] {
      #expect(refusal(request(method)) == .methodNotAllowed)
    }
  }

  @Test func theVersionAndTheHostMustBeRight() {
    #expect(refusal(request(version: nil)) == .unsupportedVersion)
    #expect(refusal(request(version: "2")) == .unsupportedVersion)
    #expect(refusal(request(databricksHost: nil)) == .wrongHost)
    #expect(refusal(request(databricksHost: "https://other.example")) == .wrongHost)
    #expect(refusal(request(databricksHost: "http://dev.example.com")) == .wrongHost)
    #expect(refusal(request(databricksHost: "https://dev.example.com:8443")) == .wrongHost)
  }

  @Test func refusalsAreSmallJSONWithoutTheRequest() throws {
    for refusal in [MetadataServiceRefusal.foreignOrigin, .unknownPath, .methodNotAllowed, .wrongHost, .loginRequired] {
      let response = refusal.response
      #expect(response.status == refusal.status)
      let body = try JSONParser.parse(response.body)
      #expect(body == ["error": .string(refusal.kind), "message": .string(refusal.message)])
      #expect(body["access_token"] == nil)
    }
    #expect(MetadataServiceRefusal.loginRequired.status == 401)
    #expect(MetadataServiceRefusal.loginRequired.kind == "login_required")
  }

  @Test func tokensCarryAnIntegerExpiry() throws {
    let now = Date(timeIntervalSince1970: 1_700_000_000.75)
    let oauth = try JSONParser.parse(
      MetadataServiceAnswer.token(bearer: "t", expiresAt: now.addingTimeInterval(3000), now: now).body
    )
    #expect(oauth == ["access_token": "t", "token_type": "Bearer", "expires_on": .int(1_700_003_000)])
    let pat = try JSONParser.parse(MetadataServiceAnswer.token(bearer: "p", expiresAt: nil, now: now).body)
    #expect(pat["expires_on"] == .int(1_700_000_600))
  }
}

extension MetadataServiceRoutesTests {
  @Test func aRejectedTokenIsReadFromItsHeaderOnce() throws {
    let header = MetadataServiceRoutes.rejectedTokenHeader
    #expect(try MetadataServiceRoutes.rejectedToken(in: request()).get() == nil)
    #expect(try MetadataServiceRoutes.rejectedToken(in: request(extra: [(header, "eyJ.old")])).get() == "eyJ.old")
    let lowercased = request(extra: [(header.lowercased(), "eyJ.old")])
    #expect(try MetadataServiceRoutes.rejectedToken(in: lowercased).get() == "eyJ.old", "header names ignore case")
    for extra in [[(header, "a"), (header, "b")], [(header, "")]] {
      guard case .failure(let refusal) = MetadataServiceRoutes.rejectedToken(in: request(extra: extra)) else {
        Issue.record("accepted \(extra.count) header(s)")
        continue
      }
      #expect(refusal == .invalidRejectedToken)
      #expect(refusal.status == 400)
    }
  }
}
