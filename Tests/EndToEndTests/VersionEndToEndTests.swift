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
    if let commit = try Self.git("rev-parse", "--short", "HEAD"), try Self.isTopOfCheckout() {
      #expect(process.stdout == "\(version) (commit \(commit))\n")
    } else {
      #expect(process.stdout == "\(version)\n")
    }
  }

  /// Whether the repository root is the top of a git checkout, not a tarball unpacked inside another repository.
  private static func isTopOfCheckout() throws -> Bool {
    guard let top = try git("rev-parse", "--show-toplevel") else { return false }
    return URL(fileURLWithPath: top).resolvingSymlinksInPath().path == repositoryRoot.resolvingSymlinksInPath().path
  }

  /// git's trimmed output in the repository root, or nil when git is missing or fails.
  private static func git(_ arguments: String...) throws -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", repositoryRoot.path] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
