/// A value parsed from a file, kept until the file's ``FileStamp`` changes: one `stat` per read while the file is
/// unchanged, and a failure is remembered too, so a broken file is not parsed again on every request.
///
/// `version` counts the reloads, so callers can cache what they derive from the value (`listProfiles` keeps its
/// encoded answer per version). The owner (an actor) serialises access.
struct StampedFileCache<Value: Sendable, Failure: Error> {
  private var cached: (stamp: FileStamp?, result: Result<Value, Failure>)?
  private(set) var version = 0

  /// The value for the file at `path` as it is now; `parse` gets its bytes, or `nil` when there is no file.
  mutating func value(
    at path: String,
    unreadable: (FileError) -> Failure,
    parse: ([UInt8]?) throws(Failure) -> Value
  ) throws(Failure) -> (value: Value, version: Int) {
    let stamp = FileStamp.of(path)
    if let cached, cached.stamp == stamp { return (try cached.result.get(), version) }
    var readStamp = stamp
    let result: Result<Value, Failure>
    do throws(Failure) {
      let contents: (bytes: [UInt8], stamp: FileStamp)?
      do {
        contents = try FileContents.read(path)
      } catch {
        throw unreadable(error)
      }
      readStamp = contents?.stamp
      result = .success(try parse(contents?.bytes))
    } catch {
      result = .failure(error)
    }
    cached = (readStamp, result)
    version += 1
    return (try result.get(), version)
  }

  /// Records a value known to match the file with `stamp` (just read or written under a lock), so the next read
  /// needs no parse. The version moves only when the value differs from the one kept.
  mutating func remember(_ value: Value, stamp: FileStamp?) where Value: Equatable {
    if let cached, cached.stamp == stamp, (try? cached.result.get()) == value { return }
    cached = (stamp, .success(value))
    version += 1
  }
}
