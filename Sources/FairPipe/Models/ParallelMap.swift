import Foundation

/// Runs independent tasks on the cores and returns their results in index order, so the
/// output never depends on how many cores ran them or in which order they finished. The
/// first error (by index) is rethrown after every task ended.
enum ParallelMap {
    static func map<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
        let store = Store<T>(count: count)
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: count) { index in
                store.set(index, Result { try body(index) })
            }
        }
        return try store.results.map { try $0!.get() }
    }

    /// As ``map(_:_:)`` on at most `threads` threads: each takes the next unstarted index until
    /// none is left (so uneven tasks balance), and 1 runs every task in order on the calling
    /// thread. A `concurrentPerform` inside `body` does not oversubscribe the cores: libdispatch
    /// divides its thread count by the enclosing apply's width (on 2 cores and 2 workers, the
    /// inner loop runs on its worker alone).
    static func map<T>(_ count: Int, threads: Int, _ body: (Int) throws -> T) throws -> [T] {
        let workers = min(max(1, threads), count)
        guard workers > 1 else { return try (0..<count).map(body) }
        let store = Store<T>(count: count)
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let index = store.next() { store.set(index, Result { try body(index) }) }
            }
        }
        return try store.results.map { try $0!.get() }
    }

    private final class Store<T>: @unchecked Sendable {
        private var slots: [Result<T, Error>?]
        private var started = 0
        private let lock = NSLock()
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        /// The next index no worker has taken, or nil when all are taken.
        func next() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard started < slots.count else { return nil }
            started += 1
            return started - 1
        }
        func set(_ index: Int, _ value: Result<T, Error>) {
            lock.lock()
            slots[index] = value
            lock.unlock()
        }
        var results: [Result<T, Error>?] {
            lock.lock()
            defer { lock.unlock() }
            return slots
        }
    }
}

/// Runs `body` on consecutive ranges of `0..<count` (fixed chunks of `chunk` rows) on every
/// core. For element-wise work whose result cannot depend on the order the chunks run in.
enum ParallelChunks {
    static func forEach(_ count: Int, chunk: Int = 65_536, _ body: (Range<Int>) -> Void) {
        let chunks = (count + chunk - 1) / chunk
        guard chunks > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: chunks) { c in body((c * chunk)..<min(count, (c + 1) * chunk)) }
        }
    }
}

extension ParallelMap {
    /// Threads for data-parallel work such as CSV parsing: `FAIRPIPE_THREADS` when it is a
    /// positive integer (`1` gives the one-thread paths), else the active cores.
    static var threadCount: Int {
        if let text = ProcessInfo.processInfo.environment["FAIRPIPE_THREADS"], let count = Int(text), count > 0 {
            return count
        }
        return ProcessInfo.processInfo.activeProcessorCount
    }
}
