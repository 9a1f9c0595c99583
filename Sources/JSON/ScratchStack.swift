/// A LIFO stack in manually managed memory, for the explicit stacks of `JSONParser` and `JSONWriter`.
///
/// Those walk nested values with heap stacks instead of recursion (so stack use does not depend on the input),
/// which puts a push and a pop on the path of every value. On `Array` each of those pays a uniqueness check, a
/// capacity check and, for `[[JSONValue]]`, care to mutate the inner array in place; here a push is a capacity
/// check and a store, and `withTop` mutates the top element in place. Nothing is allocated until the first push.
struct ScratchStack<Element>: ~Copyable {
  private var base: UnsafeMutablePointer<Element>?
  private(set) var count = 0
  private var capacity = 0

  init() {}

  deinit {
    if let base {
      base.deinitialize(count: count)
      base.deallocate()
    }
  }

  var isEmpty: Bool { count == 0 }

  @inline(__always)
  mutating func push(_ element: consuming Element) {
    if count == capacity { grow() }
    (base.unsafelyUnwrapped + count).initialize(to: element)
    count += 1
  }

  /// Removes and returns the top element; the stack must not be empty.
  @inline(__always)
  mutating func pop() -> Element {
    precondition(count > 0, "pop from an empty ScratchStack")
    count -= 1
    return (base.unsafelyUnwrapped + count).move()
  }

  /// Runs `body` on the top element in place; the stack must not be empty.
  @inline(__always)
  mutating func withTop<Result>(_ body: (inout Element) -> Result) -> Result {
    precondition(count > 0, "top of an empty ScratchStack")
    return body(&(base.unsafelyUnwrapped + count - 1).pointee)
  }

  /// Removes the elements from position `first` on, moving each one, in order, into `body`.
  mutating func popEach(from first: Int, _ body: (consuming Element) -> Void) {
    precondition(first >= 0 && first <= count, "popEach(from:) out of range")
    let start = base.unsafelyUnwrapped + first
    let popped = count - first
    // Shrink first: the elements are ours to move out from here on, whatever `body` does.
    count = first
    for offset in 0..<popped {
      body((start + offset).move())
    }
  }

  /// Sorts the elements from position `first` on in place.
  mutating func sort(from first: Int, by areInIncreasingOrder: (Element, Element) -> Bool) {
    guard let base, count - first > 1 else { return }
    var elements = UnsafeMutableBufferPointer(start: base + first, count: count - first)
    if elements.count <= 16 {
      // Insertion sort: fewest comparisons and no set-up cost for the handful of keys real objects have.
      for position in elements.indices.dropFirst() {
        var candidate = position
        while candidate > 0 && areInIncreasingOrder(elements[candidate], elements[candidate - 1]) {
          elements.swapAt(candidate, candidate - 1)
          candidate -= 1
        }
      }
    } else {
      elements.sort(by: areInIncreasingOrder)
    }
  }

  private mutating func grow() {
    let newCapacity = max(16, capacity * 2)
    let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
    if let base {
      newBase.moveInitialize(from: base, count: count)
      base.deallocate()
    }
    base = newBase
    capacity = newCapacity
  }
}
