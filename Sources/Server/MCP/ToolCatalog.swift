import JSON

/// The MCP tools, generated once from the embedded OpenRPC document: one per method marked
/// `x-brickauth-tool: true`, so `protocol/openrpc.json` is the one source for the docs, `tools/list` and which
/// names `tools/call` accepts.
///
/// A method may also say, for MCP only, which result fields are secrets (`x-brickauth-mcp-withheld`: tool results
/// flow into a model's context, so they are withheld unless the service runs with `--mcp-allow-secrets`) and which
/// argument defaults differ from a direct call (`x-brickauth-mcp-defaults`: `login` waits briefly, because hosts
/// time requests out after 60 s).
struct ToolCatalog: Sendable {
  struct Tool: Sendable {
    var name: String
    /// The `Tool` object of `tools/list`, with secrets returned.
    var listing: JSONValue
    /// The same with the withheld fields made nullable and a `note` property added.
    var withheldListing: JSONValue
    var withheldFields: [String]
    var defaults: [String: JSONValue]
  }

  /// In the document's order (MCP 2026-07-28 asks for a deterministic order).
  let tools: [Tool]
  private let byName: [String: Int]

  static let shared = ToolCatalog(document: OpenRPCDocument.shared)

  /// What a withheld field becomes in `structuredContent`, and the text of the added `note`.
  static let withheldNote =
    "The token value is withheld from MCP tool results, because they reach the model's context. "
    + "Call createToken over plain JSON-RPC, or start brickauth with --mcp-allow-secrets, to receive it."

  init(document: JSONValue) {
    let components = document["components"]?["schemas"]?.objectValue ?? [:]
    var tools: [Tool] = []
    for method in document["methods"]?.arrayValue ?? [] where method["x-brickauth-tool"] == .bool(true) {
      guard let name = method["name"]?.stringValue else { continue }
      let summary = method["summary"]?.stringValue
      let description = [summary, method["description"]?.stringValue].compactMap { $0 }.joined(separator: "\n\n")
      let defaults = method["x-brickauth-mcp-defaults"]?.objectValue ?? [:]
      var listing: [String: JSONValue] = [
        "name": .string(name),
        "description": .string(description),
        "inputSchema": Self.defaulting(
          ToolSchema.input(params: method["params"]?.arrayValue ?? [], components: components),
          defaults
        ),
      ]
      listing["title"] = summary.map(JSONValue.string)
      if let result = method["result"]?["schema"] {
        listing["outputSchema"] = ToolSchema.output(result: result, components: components)
      }
      listing["annotations"] = method["x-brickauth-annotations"]
      let withheld = (method["x-brickauth-mcp-withheld"]?.arrayValue ?? []).compactMap(\.stringValue)
      var withheldListing = listing
      if !withheld.isEmpty, let output = listing["outputSchema"] {
        withheldListing["outputSchema"] = Self.withholding(withheld, in: output)
      }
      tools.append(
        Tool(
          name: name,
          listing: .object(listing),
          withheldListing: .object(withheldListing),
          withheldFields: withheld,
          defaults: defaults
        )
      )
    }
    self.tools = tools
    byName = Dictionary(tools.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
  }

  func tool(named name: String) -> Tool? {
    byName[name].map { tools[$0] }
  }

  /// `schema` with the MCP-only defaults written as each property's `default`, so hosts see what they get.
  private static func defaulting(_ schema: JSONValue, _ defaults: [String: JSONValue]) -> JSONValue {
    guard case .object(var root) = schema, case .object(var properties)? = root["properties"] else { return schema }
    for (key, value) in defaults {
      guard case .object(var property)? = properties[key] else { continue }
      property["default"] = value
      properties[key] = .object(property)
    }
    root["properties"] = .object(properties)
    return .object(root)
  }

  /// `schema` with each of `fields` nullable and not required, and a `note` property saying why.
  private static func withholding(_ fields: [String], in schema: JSONValue) -> JSONValue {
    guard case .object(var root) = schema, case .object(var properties)? = root["properties"] else { return schema }
    for field in fields {
      guard case .object(var property)? = properties[field] else { continue }
      property["type"] = ["string", "null"]
      let note = "null in MCP tool results unless the service runs with --mcp-allow-secrets"
      property["description"] = .string(
        [property["description"]?.stringValue, note].compactMap { $0 }.joined(separator: " ")
      )
      properties[field] = .object(property)
    }
    properties["note"] = [
      "type": "string", "description": "Present when a secret was withheld: why, and how to get it.",
    ]
    root["properties"] = .object(properties)
    if let required = root["required"]?.arrayValue {
      root["required"] = .array(required.filter { !fields.contains($0.stringValue ?? "") })
    }
    return .object(root)
  }
}
