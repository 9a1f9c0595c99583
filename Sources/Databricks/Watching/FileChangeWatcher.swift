import Foundation
import LoopbackHTTP

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Tells when named files in a few directories are created, written, renamed over or deleted, on a thread of its
/// own (an edge, like stdio): the watcher's only job is to say "something changed", and its owner reads the files.
///
/// Directories are watched rather than files, so a save by rename (an editor, brickauth's own atomic writer, the
/// CLI) and a file created for the first time are seen like any write; events for other names in the directory
/// (temporary files, backups) are ignored. A directory that does not exist yet (`~/.databricks` before the first
/// login) is waited for in its parent.
///
/// On Linux this is inotify (`IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM`): the thread
/// sleeps in `poll(2)` with no timeout, so an idle watch costs no CPU. Elsewhere (macOS) the thread compares the
/// files' `stat` stamps every ``pollInterval``, which keeps within a second without kqueue's per-file descriptors.
/// A symlinked config is watched where the link is, not where it points: an edit of the target is seen on the next
/// change of anything else watched, or not at all.
///
/// ``stop()`` ends the thread, which closes its descriptors.
package final class FileChangeWatcher: Sendable {
  /// Files named `names` in `directory`.
  package struct Target: Sendable, Equatable {
    package var directory: String
    package var names: Set<String>

    package init(directory: String, names: Set<String>) {
      self.directory = directory
      self.names = names
    }
  }

  /// How often the `stat` fallback looks (not used where inotify exists).
  package static let pollInterval = 0.25

  private let stopper: WakePipe

  /// Starts watching: `onChange` is called on the watcher's thread after each batch of relevant events. The
  /// directories are watched before this returns, so a change made after it is never missed.
  /// - Throws: ``FileError`` when the kernel refuses a watcher or the stop pipe (no descriptors or inotify instances
  ///   left).
  package init(targets: [Target], onChange: @escaping @Sendable () -> Void) throws(FileError) {
    do {
      stopper = try WakePipe()
    } catch {
      throw FileError(path: "pipe", reason: "cannot create the watcher's stop pipe")
    }
    #if os(Linux)
      let inotify = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
      guard inotify >= 0 else { throw FileError.errno("inotify", "cannot watch the config and token files") }
      var watches = DirectoryWatches(targets: targets)
      watches.addMissing(inotify)
      let thread = Thread { [watches, onChange, stopper] in
        Self.run(inotify: inotify, watches: watches, stopper: stopper, onChange: onChange)
      }
    #else
      let paths = targets.flatMap { target in target.names.sorted().map { "\(target.directory)/\($0)" } }
      let stamps = paths.map(FileStamp.of)
      let thread = Thread { [onChange, stopper] in
        Self.run(paths: paths, stamps: stamps, stopper: stopper, onChange: onChange)
      }
    #endif
    thread.name = "brickauth.watch"
    thread.start()
  }

  /// Ends the thread; safe to call more than once.
  package func stop() {
    stopper.signal()
  }

  deinit {
    stopper.signal()
  }

  #if os(Linux)
    /// The inotify loop: `poll` on the inotify descriptor and the stopper, read whole event batches.
    private static func run(
      inotify: Int32,
      watches: DirectoryWatches,
      stopper: WakePipe,
      onChange: @Sendable () -> Void
    ) {
      defer { close(inotify) }
      var watches = watches
      var buffer = [UInt8](repeating: 0, count: 64 * 1024)
      var fds = [
        pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
        pollfd(fd: stopper.readEnd, events: Int16(POLLIN), revents: 0),
      ]
      while true {
        fds[0].revents = 0
        fds[1].revents = 0
        let ready = poll(&fds, 2, -1)
        if ready < 0 && errno == EINTR { continue }
        if ready < 0 || fds[1].revents != 0 { return }
        let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
        if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
        guard count > 0 else { return }
        var changed = false
        buffer.withUnsafeBytes { bytes in
          var offset = 0
          // struct inotify_event: wd (Int32), mask (UInt32), cookie (UInt32), len (UInt32), then `len` name bytes.
          while offset + 16 <= count {
            let wd = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameBytes = bytes[(offset + 16)..<min(count, offset + 16 + length)]
            let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
            offset += 16 + length
            if mask & UInt32(IN_Q_OVERFLOW) != 0 {
              changed = true
              continue
            }
            if watches.relevant(wd: wd, name: name, mask: mask) { changed = true }
          }
        }
        watches.addMissing(inotify)
        if changed { onChange() }
      }
    }
  #else
    /// The `stat` fallback: compare every watched file's stamp each ``pollInterval``.
    private static func run(
      paths: [String],
      stamps: [FileStamp?],
      stopper: WakePipe,
      onChange: @Sendable () -> Void
    ) {
      var stamps = stamps
      var fds = [pollfd(fd: stopper.readEnd, events: Int16(POLLIN), revents: 0)]
      while poll(&fds, 1, Int32(pollInterval * 1000)) <= 0 {
        let now = paths.map(FileStamp.of)
        if now != stamps {
          stamps = now
          onChange()
        }
      }
    }
  #endif
}

#if os(Linux)
  /// Which inotify watch stands for which target: a target's own directory, or, while that directory does not
  /// exist, its parent (waiting for the directory's name to appear).
  struct DirectoryWatches: Sendable {
    enum Role {
      case target(Int)
      case parent(of: Int)
    }

    static let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM)

    let targets: [FileChangeWatcher.Target]
    /// Roles per watch descriptor: one directory may be a target and the parent of another (`~` and `~/.databricks`).
    var roles: [Int32: [Role]] = [:]
    var watched: Set<Int> = []

    init(targets: [FileChangeWatcher.Target]) {
      self.targets = targets
    }

    /// Watches every target directory not watched yet, or its parent while it does not exist.
    mutating func addMissing(_ inotify: Int32) {
      for (index, target) in targets.enumerated() where !watched.contains(index) {
        let wd = inotify_add_watch(inotify, target.directory, Self.mask)
        if wd >= 0 {
          roles[wd, default: []].removeAll { if case .parent(of: index) = $0 { true } else { false } }
          roles[wd, default: []].append(.target(index))
          watched.insert(index)
          continue
        }
        let parent = (target.directory as NSString).deletingLastPathComponent
        let parentWD = inotify_add_watch(inotify, parent.isEmpty ? "/" : parent, Self.mask)
        if parentWD >= 0,
          !(roles[parentWD] ?? []).contains(where: { if case .parent(of: index) = $0 { true } else { false } })
        {
          roles[parentWD, default: []].append(.parent(of: index))
        }
      }
    }

    /// Whether an event for `name` in watch `wd` concerns a watched file (or a missing directory appearing).
    mutating func relevant(wd: Int32, name: String, mask: UInt32) -> Bool {
      if mask & UInt32(IN_IGNORED) != 0 {
        // The directory itself went away: wait for it again in its parent.
        for case .target(let index) in roles[wd] ?? [] { watched.remove(index) }
        roles[wd] = nil
        return true
      }
      return (roles[wd] ?? []).contains { role in
        switch role {
        case .target(let index): targets[index].names.contains(name)
        case .parent(of: let index): (targets[index].directory as NSString).lastPathComponent == name
        }
      }
    }
  }
#endif
