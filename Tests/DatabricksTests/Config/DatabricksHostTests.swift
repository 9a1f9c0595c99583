import Databricks
import Testing

@Suite struct DatabricksHostTests {
  @Test(arguments: [
    ("https://adb-123.azuredatabricks.net/", "https://adb-123.azuredatabricks.net"),
    ("adb-123.azuredatabricks.net", "https://adb-123.azuredatabricks.net"),
    ("https://dbc.cloud.databricks.com/some/path?x=1", "https://dbc.cloud.databricks.com"),
    ("HTTPS://Example.com:8443/", "https://Example.com:8443"),
    ("http://127.0.0.1:5000/", "http://127.0.0.1:5000"),
    ("  https://padded.example  ", "https://padded.example"),
  ])
  func normalisesLikeTheGoSDK(_ raw: String, _ expected: String) throws {
    #expect(try #require(DatabricksHost(raw)).url == expected)
  }

  @Test func rejectsTextWithoutAHost() {
    #expect(DatabricksHost("https://") == nil)
    #expect(DatabricksHost("") == nil)
  }

  @Test func promotesQueryParameters() throws {
    #expect(try #require(DatabricksHost("https://h/?o=1234")).workspaceIdFromQuery == "1234")
    #expect(try #require(DatabricksHost("https://h/?o=notnumeric")).workspaceIdFromQuery == nil)
    #expect(try #require(DatabricksHost("https://h/?w=abc")).workspaceIdFromQuery == "abc")
    #expect(try #require(DatabricksHost("https://h/?workspace_id=77")).workspaceIdFromQuery == "77")
    #expect(try #require(DatabricksHost("https://h/?a=acc-1")).accountIdFromQuery == "acc-1")
    #expect(try #require(DatabricksHost("https://h/?account_id=acc-2")).accountIdFromQuery == "acc-2")
  }

  @Test func detectsAccountHosts() throws {
    #expect(try #require(DatabricksHost("accounts.cloud.databricks.com")).isAccountsHost)
    #expect(try #require(DatabricksHost("https://accounts-dod.cloud.databricks.us")).isAccountsHost)
    #expect(try !#require(DatabricksHost("https://myaccounts.example.com")).isAccountsHost)
    // Plain http:// only on this machine: the sandbox's account console in tests.
    #expect(try #require(DatabricksHost("http://accounts.localhost:8080")).isAccountsHost)
    #expect(try !#require(DatabricksHost("http://accounts.cloud.databricks.com")).isAccountsHost)
  }

  @Test(arguments: [
    ("https://anything.example", true),
    ("http://127.0.0.1:8080", true),
    ("http://127.3.4.5", true),
    ("http://localhost:1234", true),
    ("http://accounts.localhost:1234", true),
    ("http://localhost.example.com", false),
    ("http://[::1]:99", true),
    ("http://example.com", false),
    ("http://127.0.0.1.example.com", false),
    ("http://10.0.0.1", false),
    ("ftp://127.0.0.1", false),
  ])
  func allowsPlainHTTPOnlyToThisMachine(_ raw: String, _ allowed: Bool) throws {
    #expect(try #require(DatabricksHost(raw)).isAllowedForRequests == allowed)
  }
}
