import Foundation
import PackagePlugin

/// Gives the target it is applied to `BuildCommit.shortHash`, the commit the binary is built from, so
/// `brickauth --version` can name it without reading git at run time.
///
/// A prebuild command, because only those run before every build: a build-tool command runs when its declared
/// inputs change, and a new commit changes no file SwiftPM knows of. The script is cheap (two `git rev-parse`) and
/// rewrites the generated file only when the commit changed.
@main struct BuildCommitPlugin: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
    let script = context.package.directoryURL.appending(path: "Sources/BuildCommit/write-build-commit.sh")
    let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
    return [
      .prebuildCommand(
        displayName: "Recording the commit brickauth is built from",
        executable: URL(fileURLWithPath: "/bin/sh"),
        arguments: [
          script.path(percentEncoded: false),
          context.package.directoryURL.path(percentEncoded: false),
          output.appending(path: "BuildCommit.swift").path(percentEncoded: false),
        ],
        environment: ProcessInfo.processInfo.environment.filter { $0.key == "PATH" },
        outputFilesDirectory: output
      )
    ]
  }
}
