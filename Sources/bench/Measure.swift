import Foundation

/// Wall time of `body` in seconds, and its result.
func measure<T>(_ body: () throws -> T) rethrows -> (seconds: Double, result: T) {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try body()
    let end = DispatchTime.now().uptimeNanoseconds
    return (Double(end - start) / 1e9, result)
}

/// Peak resident set size of this process so far, in MiB (from /proc/self/status VmHWM).
func peakMemoryMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? .nan
        return kb / 1024
    }
    return .nan
}

func report(_ name: String, _ fields: KeyValuePairs<String, String>) {
    let text = fields.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    print("\(name): \(text)")
}
