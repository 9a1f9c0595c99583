#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Creates a directory for credentials, like the CLI's `os.MkdirAll(dir, 0o700)` for `~/.databricks`.
///
/// Missing directories (the last one and any parents) are created with exactly 0700: `mkdir` applies the umask,
/// which could only remove bits, but an odd umask such as 0100 would leave a directory its owner cannot enter, so
/// the mode is set explicitly afterwards. A directory that already exists is left exactly as it is, even if it is
/// more open than 0700: its mode is the user's choice, and the files we put in it are 0600 anyway.
package enum PrivateDirectory {
  package static func ensure(_ path: String) throws(FileError) {
    var info = stat()
    if stat(path, &info) == 0 {
      guard (info.st_mode & S_IFMT) == S_IFDIR else { throw FileError(path: path, reason: "not a directory") }
      return
    }
    guard ErrnoAccess.value == ENOENT else { throw .errno(path, "cannot stat") }
    let parent = AtomicFileWriter.directory(of: path)
    if parent != path, parent != "." { try ensure(parent) }
    if mkdir(path, 0o700) != 0 {
      // Another process may have created it in the meantime; that is as good.
      guard ErrnoAccess.value == EEXIST else { throw .errno(path, "cannot create the directory") }
      return
    }
    guard chmod(path, 0o700) == 0 else { throw .errno(path, "cannot set permissions") }
  }
}
