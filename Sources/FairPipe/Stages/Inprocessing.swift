import Foundation

/// In-processing methods: train a new model under the fairness constraint.
enum Inprocessing {
    static func fit(_ method: MitigationMethod, settings: MitigationConfig, context: MitigationContext) throws -> MitigationOutcome {
        throw MitigationError.invalidParameter(
            method: method.rawValue, name: "method", expected: "an available method", found: "in-processing (being integrated)")
    }
}

enum InprocessingStrength {
    static func apply(_ strength: Double, to settings: inout MitigationConfig) {}
}
