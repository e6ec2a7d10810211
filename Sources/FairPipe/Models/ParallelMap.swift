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

    private final class Store<T>: @unchecked Sendable {
        private var slots: [Result<T, Error>?]
        private let lock = NSLock()
        init(count: Int) { slots = Array(repeating: nil, count: count) }
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
