/// A growable byte buffer for `JSONWriter` that starts in caller-provided (stack) storage.
///
/// Appending to `[UInt8]` one token at a time pays a uniqueness and capacity check plus an out-of-line call per
/// token, which was about a third of the cost of writing a small response. This buffer does a single bounds check
/// per append, and a typical response never leaves the initial stack storage, so writing allocates nothing until
/// the result is copied into its destination array.
struct OutputBuffer: ~Copyable {
  private var base: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  private(set) var count = 0
  /// Whether `base` is heap memory this buffer allocated (and must free), as opposed to the initial storage.
  private var ownsStorage = false

  init(initialStorage: UnsafeMutableBufferPointer<UInt8>) {
    // A zero-capacity temporary allocation may have no base address; fall back to heap storage then.
    if let base = initialStorage.baseAddress, initialStorage.count > 0 {
      self.base = base
      self.capacity = initialStorage.count
    } else {
      self.base = .allocate(capacity: 64)
      self.capacity = 64
      self.ownsStorage = true
    }
  }

  deinit {
    if ownsStorage { base.deallocate() }
  }

  /// The bytes written so far; valid until the next append.
  var written: UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: base, count: count)
  }

  @inline(__always)
  mutating func append(_ byte: UInt8) {
    if count == capacity { grow(toHold: 1) }
    base[count] = byte
    count += 1
  }

  @inline(__always)
  mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
    if capacity - count < bytes.count { grow(toHold: bytes.count) }
    (base + count).initialize(from: source, count: bytes.count)
    count += bytes.count
  }

  /// Appends literal text without materialising an intermediate Array.
  @inline(__always)
  mutating func append(_ text: StaticString) {
    append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  private mutating func grow(toHold extra: Int) {
    let newCapacity = max(capacity * 2, count + extra)
    let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newBase.initialize(from: base, count: count)
    if ownsStorage { base.deallocate() }
    base = newBase
    capacity = newCapacity
    ownsStorage = true
  }
}
