import Databricks
import Foundation
import TestSupport
import Testing

@Suite struct ConfigEditorTests {
  func permissions(_ path: String) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
  }

  func contents(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
  }

  @Test func createsTheFileWithMode0600() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("cfg").path
      try await ConfigEditor.edit(path) { document throws(INIEditError) in
        try document.set("host", to: "https://a", in: "a")
      }
      #expect(try contents(path) == "[a]\nhost = https://a\n")
      #expect(try permissions(path) == 0o600)
      #expect(!FileManager.default.fileExists(atPath: path + ".bak"))
    }
  }

  @Test func backsUpTheOldBytesAndChangesOnlyTheSection() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("cfg").path
      let old = "; mine\r\n[keep]\r\nhost = https://k\r\nweird_key   =  x ; y\r\n\r\n[edit]\nhost = https://old\n"
      try old.write(toFile: path, atomically: true, encoding: .utf8)
      try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
      try await ConfigEditor.edit(path) { document throws(INIEditError) in
        try document.set("host", to: "https://new", in: "edit")
      }
      #expect(
        try contents(path)
          == "; mine\r\n[keep]\r\nhost = https://k\r\nweird_key   =  x ; y\r\n\r\n[edit]\nhost = https://new\n"
      )
      #expect(try contents(path + ".bak") == old)
      #expect(try permissions(path) == 0o600)
      #expect(try permissions(path + ".bak") == 0o600)
      let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
        $0.hasSuffix(".tmp")
      }
      #expect(leftovers.isEmpty)
    }
  }

  @Test func refusesToOverwriteAMalformedFile() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("cfg").path
      try "[[[[[bad\n".write(toFile: path, atomically: true, encoding: .utf8)
      await #expect(throws: ConfigError.malformed(path: path, line: 1, reason: "unclosed section header")) {
        try await ConfigEditor.edit(path) { document throws(INIEditError) in try document.set("a", to: "b", in: "c") }
      }
      #expect(try contents(path) == "[[[[[bad\n")
    }
  }

  @Test func refusesAnUnrepresentableValueWithoutWriting() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("cfg").path
      try "[a]\n".write(toFile: path, atomically: true, encoding: .utf8)
      await #expect(throws: ConfigError.unrepresentable(.unrepresentableValue(key: "token"))) {
        try await ConfigEditor.edit(path) { document throws(INIEditError) in
          try document.set("token", to: "two\nlines", in: "a")
        }
      }
      #expect(try contents(path) == "[a]\n")
    }
  }

  @Test func writesThroughASymlinkAndKeepsTheLink() async throws {
    try await ScratchDirectory.with { directory in
      let target = directory.appendingPathComponent("dotfiles-cfg").path
      let link = directory.appendingPathComponent("cfg").path
      try "[a]\nhost = https://a\n".write(toFile: target, atomically: true, encoding: .utf8)
      try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "dotfiles-cfg")
      try await ConfigEditor.edit(link) { document throws(INIEditError) in try document.set("token", to: "t", in: "a") }
      #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "dotfiles-cfg")
      #expect(try contents(target) == "[a]\nhost = https://a\ntoken = t\n")
    }
  }

  @Test func concurrentEditorsNeverLoseEachOthersChanges() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("cfg").path
      try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<40 {
          group.addTask {
            try await ConfigEditor.edit(path) { document throws(INIEditError) in
              try document.set("host", to: "https://w\(index)", in: "p\(index)")
            }
          }
        }
        try await group.waitForAll()
      }
      let config = try ConfigFile(path: path, bytes: Array(try contents(path).utf8))
      #expect(Set(config.profileNames) == Set((0..<40).map { "p\($0)" }))
    }
  }

  @Test func aHeldLockMakesTheEditorBusyInsteadOfWaitingForever() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("cfg").path
      try await FileLock.withLock(path + ".lock") {
        await #expect(throws: ConfigError.busy(path: path)) {
          try await ConfigEditor.edit(path, lockTimeoutSeconds: 0.2) { document throws(INIEditError) in
            try document.set("a", to: "b", in: "c")
          }
        }
      }
      #expect(!FileManager.default.fileExists(atPath: path))
    }
  }

  /// The bytes of `path`, exactly.
  func bytes(_ path: String) throws -> [UInt8] {
    Array(try #require(FileManager.default.contents(atPath: path)))
  }

  @Test func keepsAByteOrderMarkAndUnicodeElsewhereByteForByte() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("cfg").path
      let head = "\u{FEFF}; мои профили\r\n[ünïcödé 🧱]\r\nhost = https://ä.example\r\n\r\n"
      let old = head + "[日本語]\ntoken = 古い\n"
      try Data(old.utf8).write(to: URL(fileURLWithPath: path))
      try await ConfigEditor.edit(path) { document throws(INIEditError) in
        try document.set("token", to: "新しい", in: "日本語")
      }
      #expect(try bytes(path) == Array((head + "[日本語]\ntoken = 新しい\n").utf8))
      #expect(try bytes(path + ".bak") == Array(old.utf8))
      try await ConfigEditor.edit(path) { document throws(INIEditError) in document.removeSection("ünïcödé 🧱") }
      // The comment at the top describes the file, not its first section: it stays.
      #expect(try bytes(path) == Array("\u{FEFF}; мои профили\r\n\r\n[日本語]\ntoken = 新しい\n".utf8))
    }
  }

  @Test func editsOneProfileOfAHugeFileAndKeepsEveryOtherByte() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("cfg").path
      func profile(_ index: Int) -> String {
        "[p\(index)]\nhost = https://w\(index).cloud.databricks.com\ntoken = dapi\(index)\n\n"
      }
      let before = (0..<12_345).map(profile).joined()
      let after = (12_346..<20_000).map(profile).joined()
      let old = before + profile(12_345) + after
      try Data(old.utf8).write(to: URL(fileURLWithPath: path))
      let saved = try await ConfigEditor.edit(path) { document throws(INIEditError) in
        try document.set("auth_type", to: "pat", in: "p12345")
      }
      let edited = "[p12345]\nhost = https://w12345.cloud.databricks.com\ntoken = dapi12345\nauth_type = pat\n\n"
      #expect(try bytes(path) == Array((before + edited + after).utf8))
      #expect(try bytes(path + ".bak") == Array(old.utf8))
      #expect(saved.profileNames.count == 20_000)
      #expect(saved.profile("p12345")?.attributes["auth_type"] == "pat")
    }
  }
}
