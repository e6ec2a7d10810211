/// The `experiment:` section: what the run is called and its master seed.
public struct ExperimentConfig: ConfigSection {
    /// A label for reports and experiment logs.
    public var name: String = "fairpipe"
    /// The master seed. Each stage derives its own stream from it
    /// (``Xoshiro256StarStar/init(seed:stream:)``), so stages never share random draws.
    public var seed: UInt64 = 42

    public init() {}

    public func validate() throws {
        if name.isEmpty {
            throw ConfigError.invalidValue(key: "name", expected: "a non-empty name", found: "an empty string")
        }
    }
}
