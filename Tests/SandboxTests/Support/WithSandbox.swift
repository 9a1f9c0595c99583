import Foundation
import Sandbox

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Runs `body` against a fresh sandbox and always stops it, so a failing test leaves no server threads behind.
func withSandbox(
  _ configuration: SandboxConfiguration = SandboxConfiguration(),
  _ body: (DatabricksSandbox, SandboxClient) async throws -> Void
) async throws {
  let sandbox = try DatabricksSandbox(configuration: configuration)
  let client = SandboxClient(sandbox)
  do {
    try await body(sandbox, client)
  } catch {
    client.session.invalidateAndCancel()
    await sandbox.stop()
    throw error
  }
  client.session.invalidateAndCancel()
  await sandbox.stop()
}

/// Polls `condition` every 5 ms until it holds or about 10 s pass; returns whether it held.
func eventually(_ condition: () -> Bool) async throws -> Bool {
  for _ in 0..<2000 {
    if condition() { return true }
    try await Task.sleep(nanoseconds: 5_000_000)
  }
  return condition()
}
