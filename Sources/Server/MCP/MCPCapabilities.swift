/// What the server offers an MCP client, as `initialize` and `server/discover` report it: tools, with no options.
struct MCPCapabilities: Encodable, Sendable {
  /// `{}`: the tools capability without `listChanged`, since the tool list never changes while the process runs.
  struct Tools: Encodable, Sendable {}

  var tools = Tools()
}
