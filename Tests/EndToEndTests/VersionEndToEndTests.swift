import Databricks
import Foundation
import Server
import TestSupport
import Testing

/// `--version` names the commit the binary was built from (written at build time by the BuildCommit plugin), so a
/// bug report can say exactly which code ran; outside a git checkout it prints the version alone.
@Suite(.timeLimit(.minutes(1))) struct VersionEndToEndTests {
  private static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  @Test func versionNamesTheCommitOfTheCheckout() async throws {
    let process = try BrickauthProcess.launch(arguments: ["--version"])
    #expect(try await process.waitForExit() == 0)
    let version = "brickauth \(BrickauthVersion.current)"
    if let commit = await Self.git("rev-parse", "--short", "HEAD"), await Self.isTopOfCheckout() {
      #expect(process.stdout == "\(version) (commit \(commit))\n")
    } else {
      #expect(process.stdout == "\(version)\n")
    }
  }

  /// Whether the repository root is the top of a git checkout, not a tarball unpacked inside another repository.
  private static func isTopOfCheckout() async -> Bool {
    guard let top = await git("rev-parse", "--show-toplevel") else { return false }
    return URL(fileURLWithPath: top).resolvingSymlinksInPath().path == repositoryRoot.resolvingSymlinksInPath().path
  }

  /// git's trimmed output in the repository root, or nil when git is missing or fails.
  private static func git(_ arguments: String...) async -> String? {
    let output = try? await BoundedProcess.run(
      ["git", "-C", repositoryRoot.path] + arguments,
      environment: ProcessInfo.processInfo.environment,
      timeoutSeconds: 20
    )
    guard let output, output.status == 0 else { return nil }
    return String(decoding: output.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
