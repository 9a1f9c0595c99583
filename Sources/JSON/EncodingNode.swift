/// A value under construction by ``ValueEncoder``.
///
/// Containers handed out by an `Encoder` must stay writable after they are returned (a type may request a nested
/// container, fill its parent, then come back), so objects and arrays under construction are reference boxes
/// that are converted to an immutable ``JSONValue`` tree once encoding finishes.
enum EncodingNode {
  case value(JSONValue)
  case object(ObjectBox)
  case array(ArrayBox)
  /// A `superEncoder()` whose contents are only known after the caller is done with it.
  case encoder(ValueEncoder)

  final class ObjectBox {
    var members: [String: EncodingNode] = [:]
  }

  final class ArrayBox {
    var elements: [EncodingNode] = []
  }

  var resolved: JSONValue {
    switch self {
    case .value(let value): value
    case .object(let box): .object(box.members.mapValues(\.resolved))
    case .array(let box): .array(box.elements.map(\.resolved))
    case .encoder(let encoder): encoder.resolved
    }
  }
}
