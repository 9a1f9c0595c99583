/// The workspace's personal access tokens, in creation order (the order the list APIs answer in).
///
/// A plain array: a sandbox holds at most a few thousand tokens, and linear lookups keep the invariants
/// (one record per id and per value) obvious.
struct TokenStore {
  private(set) var records: [TokenRecord] = []

  func record(id: String) -> TokenRecord? {
    records.first { $0.id == id }
  }

  func record(value: String) -> TokenRecord? {
    records.first { $0.value == value }
  }

  func records(ownedBy ownerID: Int64) -> [TokenRecord] {
    records.filter { $0.ownerID == ownerID }
  }

  /// Stores a new token with fresh random id and secret, and returns it.
  mutating func insert(
    owner: SandboxPrincipal,
    createdBy creator: SandboxPrincipal,
    comment: String,
    creationTime: Int64,
    expiryTime: Int64
  ) -> TokenRecord {
    let record = TokenRecord(
      id: Self.randomHex(bytes: 32),
      value: "dapi" + Self.randomHex(bytes: 16),
      comment: comment,
      ownerID: owner.id,
      createdByID: creator.id,
      createdByUserName: creator.userName,
      creationTime: creationTime,
      expiryTime: expiryTime
    )
    records.append(record)
    return record
  }

  /// Stores a record as given (the seeded bootstrap tokens, whose secrets are fixed).
  mutating func insert(_ record: TokenRecord) {
    records.append(record)
  }

  /// Removes the token; `false` when there was none with that id.
  @discardableResult
  mutating func remove(id: String) -> Bool {
    guard let index = records.firstIndex(where: { $0.id == id }) else { return false }
    records.remove(at: index)
    return true
  }

  /// Changes the token in place; `false` when there was none with that id.
  @discardableResult
  mutating func update(id: String, _ change: (inout TokenRecord) -> Void) -> Bool {
    guard let index = records.firstIndex(where: { $0.id == id }) else { return false }
    change(&records[index])
    return true
  }

  static func randomHex(bytes: Int) -> String {
    var generator = SystemRandomNumberGenerator()
    let digits = Array("0123456789abcdef")
    return String((0..<bytes * 2).map { _ in digits[Int(generator.next() % 16)] })
  }
}
