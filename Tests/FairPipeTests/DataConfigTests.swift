import Foundation
import Testing

@testable import FairPipe

@Suite struct DataConfigTests {
    @Test func defaultsAreValid() throws {
        let config = DataConfig()
        try config.validate()
        #expect(config.source == .synthetic)
        #expect(config.sensitive == ["group", "sex"])
        #expect(config.split == SplitConfig(train: 0.6, validation: 0.2, test: 0.2))
    }

    @Test func splitFractionsMustSumToOne() {
        var config = DataConfig()
        config.split = SplitConfig(train: 0.6, validation: 0.2, test: 0.3)
        #expect(
            throws: ConfigError.inconsistent(key: "split", message: "train + validation + test must be 1, found 1.1")
        ) {
            try config.validate()
        }
        config.split = SplitConfig(train: 0.8, validation: 0.2, test: 0)
        #expect(throws: ConfigError.invalidValue(key: "split.test", expected: "a fraction in (0, 1)", found: "0")) {
            try config.validate()
        }
        config.split = SplitConfig(train: 0.7, validation: 0.2, test: 0.1 + 1e-12)
        #expect(throws: Never.self) { try config.validate() }
    }

    @Test func csvSourceNeedsPath() {
        var config = DataConfig()
        config.source = .csv
        #expect(throws: ConfigError.self) { try config.validate() }
        config.path = "data/x.csv"
        #expect(throws: Never.self) { try config.validate() }
        config.sensitive = []
        #expect(
            throws: ConfigError.invalidValue(key: "sensitive", expected: "at least one column", found: "an empty list")
        ) {
            try config.validate()
        }
        config.sensitive = ["race", "race"]
        #expect(throws: ConfigError.self) { try config.validate() }
        config.sensitive = ["label"]
        #expect(throws: ConfigError.self) { try config.validate() }
        config.sensitive = ["race"]
        config.features = ["age", "race"]
        #expect(throws: ConfigError.self) { try config.validate() }
        config.useSensitiveAsFeature = true
        #expect(throws: Never.self) { try config.validate() }
    }

    @Test func syntheticSourceChecksItsColumns() {
        var config = DataConfig()
        config.sensitive = ["race"]
        #expect(
            throws: ConfigError.invalidValue(
                key: "sensitive", expected: "columns the synthetic source writes (group, sex)", found: "`race`")
        ) {
            try config.validate()
        }
        config = DataConfig()
        config.path = "x.csv"
        #expect(throws: ConfigError.self) { try config.validate() }
        config = DataConfig()
        config.synthetic.rows = 0
        #expect(throws: ConfigError.invalidValue(key: "synthetic.rows", expected: "an integer ≥ 1", found: "0")) {
            try config.validate()
        }
    }

    @Test func decodesFromSnakeCaseJSONLikeTheLoader() throws {
        // The loader maps snake_case YAML keys to these camelCase names; plain Codable here.
        let json =
            #"{"source":"csv","path":"d.csv","label":{"column":"y","positive":"yes"},"sensitive":["race"],"types":{"zip":"categorical"},"missing":"category","useSensitiveAsFeature":false,"split":{"train":0.5,"validation":0.25,"test":0.25},"synthetic":{"rows":5,"groups":{"A":1},"baseRates":{"A":0.5},"sexes":{},"sexShift":{},"disadvantaged":"A","labelBias":0,"proxyStrength":0,"numericFeatures":1,"categoricalFeatures":0,"signal":1,"noise":1},"cache":"data/raw","checksums":{},"audit":{"enabled":true,"proxyThreshold":0.3,"shiftAlpha":0.01,"labelImbalance":0.2,"bins":10,"failOn":["proxy"]}}"#
        let config = try JSONDecoder().decode(DataConfig.self, from: Data(json.utf8))
        try config.validate()
        #expect(config.types == ["zip": .categorical])
        #expect(config.missing == .category)
    }
}
