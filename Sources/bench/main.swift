import FairPipe
import Foundation

/// `fairpipe-bench [NAME ...]`: runs the named benchmarks (all when none is named) and
/// prints one line per measurement. A measurement, not a test: nothing here fails on time.
let benchmarks: [(name: String, run: () throws -> Void)] = [
    ("train", trainBenchmark),
    ("csv", csvBenchmark),
    ("csv-file", csvFileBenchmark),
    ("csv-numeric-file", csvNumericFileBenchmark),
    ("csv-chunks", csvChunksBenchmark),
    ("threshold_optimizer", thresholdOptimizerBench),
    ("report", reportBench),
    ("metrics", metricsBench),
    ("metrics-sampler", metricsSamplerBench),
    ("exponentiated_gradient", inprocessingBench),
    ("inprocessing_methods", inprocessingMethodsBench),
    ("treeshap", treeSHAPBench),
    ("gbdt", gradientBoostingBench),
]

let requested = Set(CommandLine.arguments.dropFirst())
for benchmark in benchmarks where requested.isEmpty || requested.contains(benchmark.name) {
    do {
        try benchmark.run()
    } catch {
        FileHandle.standardError.write(Data("bench \(benchmark.name): \(error)\n".utf8))
        exit(1)
    }
}
