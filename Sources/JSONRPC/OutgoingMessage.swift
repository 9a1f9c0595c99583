package import JSON

/// Builds the bytes of messages the server sends, always as one compact line of JSON.
///
/// Members are written in the conventional order (`jsonrpc`, `id`, then `result`/`error`, or `method`, `params`)
/// so a person reading a transcript sees the id first; values inside are written with sorted keys.
package enum OutgoingMessage {
  package static func result(id: RequestID, _ result: JSONValue) -> [UInt8] {
    var bytes = header(id: id)
    bytes.append(contentsOf: #","result":"#.utf8)
    JSONWriter.write(result, into: &bytes)
    bytes.append(UInt8(ascii: "}"))
    return bytes
  }

  package static func error(id: RequestID?, _ error: RPCError) -> [UInt8] {
    var bytes = header(id: id ?? .null)
    bytes.append(contentsOf: #","error":"#.utf8)
    JSONWriter.write(error.jsonValue, into: &bytes)
    bytes.append(UInt8(ascii: "}"))
    return bytes
  }

  package static func notification(method: String, params: JSONValue) -> [UInt8] {
    var bytes = Array(#"{"jsonrpc":"2.0","method":"#.utf8)
    JSONWriter.writeString(method, into: &bytes)
    bytes.append(contentsOf: #","params":"#.utf8)
    JSONWriter.write(params, into: &bytes)
    bytes.append(UInt8(ascii: "}"))
    return bytes
  }

  /// A batch answer: the already-encoded responses joined into one JSON array line.
  package static func batch(_ responses: [[UInt8]]) -> [UInt8] {
    var bytes: [UInt8] = [UInt8(ascii: "[")]
    for (index, response) in responses.enumerated() {
      if index > 0 { bytes.append(UInt8(ascii: ",")) }
      bytes.append(contentsOf: response)
    }
    bytes.append(UInt8(ascii: "]"))
    return bytes
  }

  private static func header(id: RequestID) -> [UInt8] {
    var bytes = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
    JSONWriter.write(id.jsonValue, into: &bytes)
    return bytes
  }
}
