import JSON

/// The OpenRPC document compiled into the binary from `protocol/openrpc.json` (one source for docs and code).
enum OpenRPCDocument {
  /// Parsed once; a test checks the embedded bytes parse, so the fallback never ships.
  static let shared: JSONValue = (try? JSONParser.parse(PackageResources.openrpc_json)) ?? .object([:])
}
