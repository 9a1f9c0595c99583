#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Opens a file brickauth reads or locks, refusing anything that is not a plain file before touching its contents.
///
/// What sits at these paths is not always what brickauth put there: whoever can write next to the config (a shared
/// or sticky directory) can plant a FIFO, a device or a link. So the open never blocks (`O_NONBLOCK`: opening a FIFO
/// for reading would otherwise wait for a writer, parking a thread of the shared pool for good, and nothing else,
/// not even `ping`, would be answered), and `fstat` on the open descriptor must say "regular file" (a FIFO, a
/// device such as `/dev/zero`, a directory or a socket is refused) before anything is read. The checked descriptor
/// is then made blocking again, which for a regular file changes nothing but keeps later reads ordinary.
enum RegularFile {
  /// The open descriptor of the regular file at `path` and its `fstat`, or `nil` when there is no file.
  ///
  /// With `O_NOFOLLOW` in `flags`, a symbolic link at `path` is refused ("a symbolic link (not followed)") instead of
  /// opened: lock files use it, since `O_CREAT` through a planted link would create or open whatever it names.
  /// - Parameter action: what failed, for the error (`"cannot open"`).
  static func open(
    _ path: String,
    flags: Int32,
    action: String = "cannot open"
  ) throws(FileError) -> (fd: Int32, info: stat)? {
    let fd = openFile(path, flags | O_NONBLOCK | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      switch ErrnoAccess.value {
      case ENOENT: return nil
      case ELOOP where flags & O_NOFOLLOW != 0: throw FileError(path: path, reason: "a symbolic link (not followed)")
      default: throw .errno(path, action)
      }
    }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      let failure = FileError.errno(path, "cannot stat")
      close(fd)
      throw failure
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      close(fd)
      throw FileError(path: path, reason: "not a regular file")
    }
    let status = fcntl(fd, F_GETFL)
    guard status >= 0, fcntl(fd, F_SETFL, status & ~O_NONBLOCK) == 0 else {
      let failure = FileError.errno(path, action)
      close(fd)
      throw failure
    }
    return (fd, info)
  }
}

/// `open(2)` under another name: inside ``RegularFile`` the name `open` means its own method.
private func openFile(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
  open(path, flags, mode)
}
