import Foundation
import Testing

@testable import FairPipe

@Suite struct ReportRunsTests {
    /// A deterministic sweep: strengths × seeds, accuracy falling and disparity shrinking with strength.
    static func sweep(strengths: Int, seeds: Int) -> [RunSummary] {
        var rng = Xoshiro256StarStar(seed: 11)
        var runs: [RunSummary] = []
        for s in 0..<strengths {
            for seed in 0..<seeds {
                let strength = Double(s) / Double(max(strengths - 1, 1))
                let accuracy = 0.82 - 0.06 * strength + 0.01 * (rng.nextUnitDouble() - 0.5)
                let disparity = 0.25 * (1 - strength) + 0.02 + 0.01 * rng.nextUnitDouble()
                runs.append(
                    RunSummary(
                        id: "run-\(s)-\(seed)", label: "s\(s) seed \(seed)",
                        parameters: [
                            "mitigation.strength": ReportNumber.fixed(strength, 3), "experiment.seed": String(seed),
                            "model.C": "1.0",
                        ],
                        metrics: [
                            "accuracy": RunMetric(
                                value: accuracy, ci: ReportInterval(lower: accuracy - 0.02, upper: accuracy + 0.02)),
                            "demographic_parity_difference": RunMetric(
                                value: disparity, ci: ReportInterval(lower: disparity - 0.03, upper: disparity + 0.03)),
                        ],
                        passed: disparity < 0.1))
            }
        }
        return runs
    }

    @Test func paretoFrontKeepsOnlyUndominatedRuns() {
        func run(
            _ id: String, _ accuracy: Double, _ disparity: Double, _ metric: String = "demographic_parity_difference"
        ) -> RunSummary {
            RunSummary(id: id, metrics: ["accuracy": RunMetric(value: accuracy), metric: RunMetric(value: disparity)])
        }
        let runs = [
            run("a", 0.80, 0.10), run("b", 0.78, 0.05), run("c", 0.79, 0.12), run("d", 0.70, 0.01),
            run("e", 0.78, 0.06), RunSummary(id: "f"),
        ]
        let pareto = ParetoAnalysis(runs: runs, metric: "demographic_parity_difference")
        #expect(pareto.front == [3, 1, 0])
        #expect(pareto.onFront == [true, true, false, true, false, false])
        #expect(pareto.plotted == [true, true, true, true, true, false])
        // Ratios: nearer 1 is fairer, on either side.
        let ratios = [run("x", 0.8, 0.7, "disparate_impact"), run("y", 0.8, 1.1, "disparate_impact")]
        #expect(ParetoAnalysis(runs: ratios, metric: "disparate_impact").front == [1])
    }

    @Test func runsPageShowsFrontTableAndSeeds() {
        let runs = Self.sweep(strengths: 5, seeds: 3)
        let html = renderRunsHTML(runs: runs, config: ReportConfig())
        #expect(html == renderRunsHTML(runs: runs, config: ReportConfig()))
        #expect(StudyRuns.count("<tr class=\"", in: html) == runs.count)
        #expect(StudyRuns.count("class=\"mark point", in: html) == runs.count)
        #expect(html.contains("class=\"mark point dominated\""))
        #expect(html.contains("class=\"mark line front\""))
        #expect(html.contains("<section id=\"seeds\">"))
        #expect(StudyRuns.count("<span class=\"ci\">± ", in: html) == 10)  // 5 seed groups × 2 metrics
        for needle in ["http://", "https://", "src="] { #expect(!html.contains(needle)) }
    }

    @Test func emptyAndIncompleteRunListsRender() {
        let empty = renderRunsHTML(runs: [], config: ReportConfig())
        #expect(empty.contains("nothing to plot"))
        #expect(empty.contains("No runs differ only by seed."))
        let partial = renderRunsHTML(runs: [RunSummary(id: "<x>", parameters: ["seed": "1"])], config: ReportConfig())
        #expect(partial.contains("&lt;x&gt;"))
        #expect(!partial.contains("<x>"))
    }

    @Test func twoHundredRunsRender() {
        let runs = Self.sweep(strengths: 40, seeds: 5)
        let html = renderRunsHTML(runs: runs, config: ReportConfig())
        #expect(StudyRuns.count("class=\"mark point", in: html) == 200)
        #expect(html.utf8.count < 2_000_000)
        if let out = ProcessInfo.processInfo.environment["FAIRPIPE_RUNS_OUT"] {
            try? AtomicFile.write(html, to: out)
        }
    }

    @Test func runSummaryTakesHeadlinesFromAnEvaluation() throws {
        let metrics = try #require(try StudyRuns.studyInputs().metrics)
        let run = RunSummary(id: "r", parameters: ["seed": "1"], evaluation: metrics)
        #expect(run.metrics["accuracy"]?.value == metrics.overall["accuracy"]?.value)
        let dp = try #require(metrics.attribute("group")?.disparity("demographic_parity_difference")?.value)
        #expect(run.metrics["group.demographic_parity_difference"]?.value == dp)
        // The unqualified disparity is the worst over attributes (here the intersection).
        let worst = try #require(run.metrics["demographic_parity_difference"]?.value)
        #expect(worst >= dp)
        #expect(run.metrics["group.demographic_parity_difference"]?.ci != nil)
        #expect(run.passed == false)
    }

    @Test func diffShowsChangedParametersAndWhetherChangesExceedIntervals() {
        let a = RunSummary(
            id: "a", parameters: ["model.C": "1.0", "seed": "1"],
            metrics: [
                "accuracy": RunMetric(value: 0.80, ci: ReportInterval(lower: 0.78, upper: 0.82)),
                "dpd": RunMetric(value: 0.20, ci: ReportInterval(lower: 0.17, upper: 0.23)),
                "theil": RunMetric(value: 0.1),
            ])
        let b = RunSummary(
            id: "b", parameters: ["model.C": "0.5", "seed": "1", "mitigation.method": "reweighing"],
            metrics: [
                "accuracy": RunMetric(value: 0.81, ci: ReportInterval(lower: 0.79, upper: 0.83)),
                "dpd": RunMetric(value: 0.05, ci: ReportInterval(lower: 0.02, upper: 0.08)),
                "theil": RunMetric(value: 0.12),
            ])
        let diff = renderDiff(a, b)
        #expect(
            diff.text == """
                a → b

                Parameter          a    b
                mitigation.method  —    reweighing
                model.C            1.0  0.5

                Metric    a                     b                     Change  Beyond CI
                accuracy  0.800 [0.780, 0.820]  0.810 [0.790, 0.830]  +0.010  no
                dpd       0.200 [0.170, 0.230]  0.050 [0.020, 0.080]  -0.150  yes
                theil     0.100                 0.120                 +0.020  n/a

                """)
        #expect(diff.markdown.contains("| dpd | 0.200 [0.170, 0.230] | 0.050 [0.020, 0.080] | -0.150 | yes |"))
        #expect(diff.markdown.contains("| model.C | 1.0 | 0.5 |"))
        #expect(!diff.text.contains("seed"))
    }
}
