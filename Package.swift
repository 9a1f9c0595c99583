// swift-tools-version: 6.0
import PackageDescription

// Formatting style:
//  - One section for each target and its test target
//  - Dependencies are listed on separate lines, sorted
//  - No third-party packages: Foundation, Dispatch, Glibc/Darwin and Swift Testing only

let globalSwiftSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "brickauth",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "brickauth", targets: ["brickauth"]),
    .executable(name: "brickauth-bench", targets: ["brickauth-bench"]),
  ],
  targets: [
    // MARK: brickauth (the executable)
    .executableTarget(
      name: "brickauth",
      dependencies: [
        "Basics",
        "Databricks",
        "JSONRPC",
        "Sandbox",
        "Server",
      ],
      swiftSettings: globalSwiftSettings,
      plugins: [
        "BuildCommit"
      ]
    ),

    // MARK: brickauth-bench
    .executableTarget(
      name: "brickauth-bench",
      dependencies: [
        "Basics",
        "JSON",
        "JSONRPC",
        "Sandbox",
      ],
      swiftSettings: globalSwiftSettings
    ),

    // MARK: Basics
    .target(
      name: "Basics",
      swiftSettings: globalSwiftSettings
    ),
    .testTarget(
      name: "BasicsTests",
      dependencies: [
        "Basics"
      ],
      swiftSettings: globalSwiftSettings
    ),

    // MARK: BuildCommit (the commit `brickauth --version` names)
    .plugin(
      name: "BuildCommit",
      capability: .buildTool(),
      path: "Sources/BuildCommit"
    ),

    // MARK: Databricks
    .target(
      name: "Databricks",
      dependencies: [
        "Basics",
        "JSON",
        "LoopbackHTTP",
      ],
      swiftSettings: globalSwiftSettings
    ),
    .testTarget(
      name: "DatabricksTests",
      dependencies: [
        "Basics",
        "Databricks",
        "JSON",
        "JSONRPC",
        "LoopbackHTTP",
        "TestSupport",
      ],
      swiftSettings: globalSwiftSettings
    ),

    // MARK: EndToEnd
    .testTarget(
      name: "EndToEndTests",
      dependencies: [
        "JSON",
        "JSONRPC",
        "LoopbackHTTP",
        "Sandbox",
        "Server",
        "TestSupport",
        "brickauth",
      ],
      swiftSettings: globalSwiftSettings
    ),

    // MARK: JSON
    .target(
      name: "JSON",
      swiftSettings: globalSwiftSettings
    ),
    .testTarget(
      name: "JSONTests",
      dependencies: [
        "JSON",
        "TestSupport",
      ],
      swiftSettings: globalSwiftSettings
    ),

    // MARK: JSONRPC
    .target(
      name: "JSONRPC",
      dependencies: [
        "Basics",
        "JSON",
      ],
      swiftSettings: globalSwiftSettings
    ),
    .testTarget(
      name: "JSONRPCTests",
      dependencies: [
        "Basics",
        "JSONRPC",
        "TestSupport",
      ],
      swiftSettings: globalSwiftSettings
    ),

    // MARK: LoopbackHTTP
    .target(
      name: "LoopbackHTTP",
      dependencies: [
        "Basics"
      ],
      swiftSettings: globalSwiftSettings
    ),
    .testTarget(
      name: "LoopbackHTTPTests",
      dependencies: [
        "LoopbackHTTP"
      ],
      swiftSettings: globalSwiftSettings
    ),

    // MARK: Sandbox
    .target(
      name: "Sandbox",
      dependencies: [
        "Basics",
        "JSON",
        "LoopbackHTTP",
      ],
      swiftSettings: globalSwiftSettings
    ),
    .testTarget(
      name: "SandboxTests",
      dependencies: [
        "Basics",
        "Databricks",
        "JSON",
        "LoopbackHTTP",
        "Sandbox",
        "TestSupport",
      ],
      swiftSettings: globalSwiftSettings
    ),

    // MARK: Server
    .target(
      name: "Server",
      dependencies: [
        "Basics",
        "Databricks",
        "JSON",
        "JSONRPC",
        "LoopbackHTTP",
      ],
      resources: [
        .embedInCode("Resources/openrpc.json")
      ],
      swiftSettings: globalSwiftSettings
    ),
    .testTarget(
      name: "ServerTests",
      dependencies: [
        "Databricks",
        "JSON",
        "JSONRPC",
        "LoopbackHTTP",
        "Sandbox",
        "Server",
        "TestSupport",
      ],
      swiftSettings: globalSwiftSettings
    ),

    // MARK: TestSupport
    .target(
      name: "TestSupport",
      dependencies: [
        "Basics",
        "Databricks",
        "JSON",
        "JSONRPC",
        "LoopbackHTTP",
        "Sandbox",
        "Server",
      ],
      swiftSettings: globalSwiftSettings
    ),
  ],
  swiftLanguageModes: [.v6]
)
