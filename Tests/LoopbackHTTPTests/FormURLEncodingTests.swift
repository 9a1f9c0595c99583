import LoopbackHTTP
import Testing

@Suite struct FormURLEncodingTests {
  private func parse(_ text: String) throws -> FormURLEncoding {
    try FormURLEncoding(parsing: Array(text.utf8))
  }

  @Test func plusIsASpaceAndPercent2BIsAPlus() throws {
    let form = try parse("a=1+2&b=1%2B2&c=%20")
    #expect(form["a"] == "1 2")
    #expect(form["b"] == "1+2")
    #expect(form["c"] == " ")
  }

  @Test func aFieldWithoutEqualsHasAnEmptyValue() throws {
    let form = try parse("flag&x=&=y&a=b=c")
    #expect(
      form.fields == [
        FormURLEncoding.Field("flag", ""), FormURLEncoding.Field("x", ""), FormURLEncoding.Field("", "y"),
        FormURLEncoding.Field("a", "b=c"),
      ]
    )
  }

  @Test func duplicatesAreKeptInOrderAndReported() throws {
    let form = try parse("scope=a&code=1&scope=b&code=2&scope=c")
    #expect(form.values(for: "scope") == ["a", "b", "c"])
    #expect(form["scope"] == "a")
    #expect(form.repeatedNames == ["scope", "code"])
    #expect(try parse("a=1&b=2").repeatedNames.isEmpty)
  }

  @Test func emptyPiecesAreSkipped() throws {
    #expect(try parse("").fields.isEmpty)
    #expect(try parse("&&a=1&&").fields == [FormURLEncoding.Field("a", "1")])
  }

  @Test func percentEscapesDecodeToUTF8() throws {
    let form = try parse("n=%C3%A9t%c3%a9&%61=%7E")
    #expect(form["n"] == "été")
    #expect(form["a"] == "~")
  }

  @Test(arguments: ["%", "a=%", "a=%2", "a=%zz", "a=%2G", "%FF=1", "a=%C3", "a=%C3%28"])
  func malformedEscapesAndBadUTF8AreRefused(_ text: String) {
    #expect(throws: FormURLEncoding.Malformed.self) { try parse(text) }
  }

  @Test func encodingKeepsUnreservedCharactersAndEscapesTheRest() throws {
    var form = FormURLEncoding()
    form.append("redirect_uri", "http://localhost:8020")
    form.append("error_description", "a b+c&d=e~f.g_h-i")
    form.append("name", "été")
    #expect(
      form.encoded
        == "redirect_uri=http%3A%2F%2Flocalhost%3A8020&error_description=a%20b%2Bc%26d%3De~f.g_h-i&name=%C3%A9t%C3%A9"
    )
    #expect(try parse(form.encoded) == form)
  }
}
