import Foundation
import JSON
import Sandbox
import Testing

@Suite(.timeLimit(.minutes(1))) struct SCIMMeTests {
  @Test func meDescribesTheCallerAsASCIMUser() async throws {
    try await withSandbox { sandbox, client in
      let admin = try await client.get("/api/2.0/preview/scim/v2/Me", token: sandbox.adminToken)
      #expect(admin.status == 200)
      #expect(
        admin.json == [
          "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:workspace:2.0:User",
          ],
          "id": "4000000000000001",
          "userName": "admin@sandbox.example",
          "displayName": "Sandbox Admin",
          "active": true,
          "emails": [["type": "work", "value": "admin@sandbox.example", "primary": true]],
          "groups": [
            ["display": "admins", "type": "direct", "value": "700000000000001", "$ref": "Groups/700000000000001"],
            ["display": "users", "type": "direct", "value": "700000000000002", "$ref": "Groups/700000000000002"],
          ],
        ]
      )
      let user = try await client.get("/api/2.0/preview/scim/v2/Me", token: sandbox.userToken)
      #expect(user.json?["userName"] == "user@sandbox.example")
      #expect(user.json?["groups"]?.arrayValue?.map { $0["display"] } == ["users"])
    }
  }

  @Test func bootstrapCredentialsAreListed() async throws {
    try await withSandbox { sandbox, client in
      let credentials = sandbox.bootstrapCredentials
      #expect(credentials.map(\.principal.userName) == ["admin@sandbox.example", "user@sandbox.example"])
      #expect(credentials.map(\.principal.isAdmin) == [true, false])
      #expect(credentials.map(\.token) == [sandbox.adminToken, sandbox.userToken])
      for credential in credentials {
        let me = try await client.get("/api/2.0/preview/scim/v2/Me", token: credential.token)
        #expect(me.json?["id"] == .string(String(credential.principal.id)))
      }
      #expect(sandbox.baseURL.absoluteString == "http://127.0.0.1:\(sandbox.port)")
      #expect(sandbox.port > 0)
    }
  }
}
