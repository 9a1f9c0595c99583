/// The coding key the JSON coders make up themselves: array positions, `super`, and dictionary keys.
///
/// Array positions use the string value `"Index N"` like Foundation's JSON coders, so
/// `JSONValueDecoder.problems(from:)` can recognise positions from either and write them as `/N`.
struct JSONCodingKey: CodingKey {
  let stringValue: String
  let intValue: Int?

  init(stringValue: String) {
    self.stringValue = stringValue
    self.intValue = nil
  }

  init(intValue: Int) {
    self.stringValue = String(intValue)
    self.intValue = intValue
  }

  init(index: Int) {
    self.stringValue = "Index \(index)"
    self.intValue = index
  }

  /// The key `superDecoder()` and `superEncoder()` use when the caller gives none.
  static let `super` = JSONCodingKey(stringValue: "super")
}
