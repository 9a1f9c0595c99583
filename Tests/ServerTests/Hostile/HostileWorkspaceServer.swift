import Databricks
import LoopbackHTTP
import Server
import TestSupport

extension HostileWorkspace {
  /// Runs `body` with a workspace answering `answer` and the whole server in-process, signed in to it through the
  /// workspace's scratch home; the workspace is stopped afterwards.
  static func with(
    answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse,
    _ body: (HostileWorkspace, InProcessServer) async throws -> Void
  ) async throws {
    let workspace = try HostileWorkspace(answer: answer)
    let server = InProcessServer(
      environment: workspace.environment,
      client: RESTClient(requestTimeoutSeconds: 5, retryPolicy: RetryPolicy(maxAttempts: 2, budgetSeconds: 2)),
      browser: .followRedirects
    )
    do {
      try await body(workspace, server)
    } catch {
      await workspace.close()
      throw error
    }
    await workspace.close()
  }
}
