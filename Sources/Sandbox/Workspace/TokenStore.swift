/// The workspace's personal access tokens, in creation order (the order the list APIs answer in).
///
/// Indexed by id and by secret, so a workspace of 50,000 tokens authenticates and lists as fast as one of ten: a
/// removal leaves a hole that later compaction closes, which keeps both indexes valid without renumbering on
/// every deletion.
struct TokenStore {
  private var slots: [TokenRecord?] = []
  private var slotByID: [String: Int] = [:]
  private var slotByValue: [String: Int] = [:]
  private var countByOwner: [Int64: Int] = [:]
  private var holes = 0
  /// An encoded list answer and the key it was encoded for (``cachedList(key:_:)``); every change forgets it.
  private var listCache: (key: Int64, bytes: [UInt8], pageEnds: [Int])?

  /// Every token, in creation order.
  var records: [TokenRecord] {
    slots.compactMap { $0 }
  }

  var count: Int { slotByID.count }

  /// Calls `body` with each token in creation order, without copying the list.
  func forEach(_ body: (TokenRecord) -> Void) {
    for case let record? in slots { body(record) }
  }

  func record(id: String) -> TokenRecord? {
    slotByID[id].flatMap { slots[$0] }
  }

  func record(value: String) -> TokenRecord? {
    slotByValue[value].flatMap { slots[$0] }
  }

  func records(ownedBy ownerID: Int64) -> [TokenRecord] {
    slots.compactMap { $0?.ownerID == ownerID ? $0 : nil }
  }

  func count(ownedBy ownerID: Int64) -> Int {
    countByOwner[ownerID] ?? 0
  }

  /// What `encode` makes of the tokens, kept for the same `key` until a token is added, removed or changed.
  mutating func cachedList(
    key: Int64,
    _ encode: (TokenStore) -> (bytes: [UInt8], pageEnds: [Int])
  ) -> (bytes: [UInt8], pageEnds: [Int]) {
    if let listCache, listCache.key == key { return (listCache.bytes, listCache.pageEnds) }
    let (bytes, pageEnds) = encode(self)
    listCache = (key, bytes, pageEnds)
    return (bytes, pageEnds)
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
    insert(record)
    return record
  }

  /// Stores a record as given (the seeded bootstrap tokens, whose secrets are fixed); one with the id of a stored
  /// token replaces it.
  mutating func insert(_ record: TokenRecord) {
    remove(id: record.id)
    listCache = nil
    slots.append(record)
    slotByID[record.id] = slots.count - 1
    slotByValue[record.value] = slots.count - 1
    countByOwner[record.ownerID, default: 0] += 1
  }

  /// Removes the token; `false` when there was none with that id.
  @discardableResult
  mutating func remove(id: String) -> Bool {
    guard let slot = slotByID.removeValue(forKey: id), let record = slots[slot] else { return false }
    listCache = nil
    slotByValue[record.value] = nil
    countByOwner[record.ownerID, default: 1] -= 1
    slots[slot] = nil
    holes += 1
    if holes > 1024, holes * 2 > slots.count { compact() }
    return true
  }

  /// Changes the token in place (never its id or secret); `false` when there was none with that id.
  @discardableResult
  mutating func update(id: String, _ change: (inout TokenRecord) -> Void) -> Bool {
    guard let slot = slotByID[id], var record = slots[slot] else { return false }
    change(&record)
    record.id = id
    record.value = slots[slot]?.value ?? record.value
    // Every authenticated call sets the day of last use; only a real change forgets the encoded list.
    if record != slots[slot] { listCache = nil }
    slots[slot] = record
    return true
  }

  private mutating func compact() {
    slots = slots.filter { $0 != nil }
    holes = 0
    slotByID = [:]
    slotByValue = [:]
    for (slot, record) in slots.enumerated() {
      guard let record else { continue }
      slotByID[record.id] = slot
      slotByValue[record.value] = slot
    }
  }

  /// `bytes` random bytes as hex digits, eight bytes per call to the system generator (seeding 50,000 tokens draws
  /// 2.4 million random bytes).
  static func randomHex(bytes: Int) -> String {
    var generator = SystemRandomNumberGenerator()
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(bytes * 2)
    while text.count < bytes * 2 {
      var word: UInt64 = generator.next()
      for _ in 0..<min(8, bytes - text.count / 2) {
        text += [digits[Int(word >> 4 & 0xF)], digits[Int(word & 0xF)]]
        word >>= 8
      }
    }
    return String(decoding: text, as: UTF8.self)
  }
}
