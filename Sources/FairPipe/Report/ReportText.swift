import Foundation

/// Locale-independent number formatting and HTML escaping for every report output.
///
/// Foundation's formatters follow the process locale (decimal commas, digit grouping), which
/// would make the same inputs give different bytes on different machines; these helpers use
/// only integer arithmetic and Swift's own shortest round-trip `description`.
public enum ReportNumber {
    /// `value` rounded half away from zero to `digits` decimals, `—` for nil or non-finite.
    public static func fixed(_ value: Double?, _ digits: Int = 3) -> String {
        guard let value, value.isFinite else { return "—" }
        let digits = max(0, min(digits, 12))
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        // Beyond 2^53 the integer path loses exactness; Swift's description is still stable.
        guard scaled < 9.0e15 else { return plain(value) }
        let integer = UInt64(scaled)
        let factor = UInt64(scale)
        let whole = integer / factor
        let fraction = integer % factor
        let sign = value < 0 && integer != 0 ? "-" : ""
        guard digits > 0 else { return sign + String(whole) }
        var fractionText = String(fraction)
        fractionText = String(repeating: "0", count: digits - fractionText.count) + fractionText
        return "\(sign)\(whole).\(fractionText)"
    }

    /// The shortest text that reads back as `value` (`3`, `0.25`), `—` when not finite.
    public static func plain(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value.description)
    }

    /// SVG coordinate text: two decimals, trailing zeros trimmed (keeps the file small).
    static func coordinate(_ value: Double) -> String {
        var text = fixed(value.isFinite ? value : 0, 2)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// A p-value: three significant decimals, or `< 0.001`.
    public static func pValue(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        if value < 0.001 { return "< 0.001" }
        return fixed(value, 3)
    }

    /// `[lower, upper]`, or an empty string without an interval.
    public static func interval(_ interval: ReportInterval?, _ digits: Int = 3) -> String {
        guard let interval else { return "" }
        return "[\(fixed(interval.lower, digits)), \(fixed(interval.upper, digits))]"
    }

    /// A count with thin-space-free plain digits (no grouping, locale-independent).
    public static func count(_ value: Int?) -> String {
        guard let value else { return "—" }
        return String(value)
    }

    /// `value` with `digits` significant digits (at most 12 decimals): 0.5319671 → `0.532`,
    /// 0.03781 → `0.0378`, 12.345 → `12.3`; `—` for nil or non-finite. For prose and terminal
    /// lines; artefacts keep full precision.
    public static func significant(_ value: Double?, _ digits: Int = 3) -> String {
        guard let value, value.isFinite else { return "—" }
        guard value != 0 else { return "0" }
        let exponent = Int((abs(value)).log10Floor)
        return fixed(value, max(0, min(12, digits - 1 - exponent)))
    }

    /// A confidence level as people write it: 0.95 → `95%`, 0.9 → `90%`, 0.975 → `97.5%`.
    public static func percentLabel(_ level: Double) -> String {
        var text = fixed(level * 100, 1)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text + "%"
    }

    /// A share in percent with one decimal.
    public static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        return fixed(value * 100, 1) + "%"
    }
}

/// HTML/XML escaping: the one escaper of every report output (HTML, SVG, JUnit XML).
public enum ReportEscape {
    /// Escapes text for HTML/XML element content and quoted attribute values. The result is
    /// always well-formed XML 1.0 text: `& < > " '` become references (so `]]>` cannot end
    /// anything), and characters XML 1.0 forbids even as references (C0 controls other than
    /// tab and newline, U+FFFE, U+FFFF) become U+FFFD, the replacement character.
    ///
    /// Also breaks `://` with a character reference, so no user-supplied text can ever read
    /// as a URL in the output bytes (a browser still shows the text unchanged), which keeps
    /// the "no network reference" check a plain byte search.
    ///
    /// Works on Unicode scalars, not characters: a control character fused with a combining
    /// mark into one grapheme is still caught.
    public static func html(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            case "/" where previous == ":":
                out.append(contentsOf: "&#47;".unicodeScalars)
            case "\n", "\t":
                out.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out.append("\u{FFFD}")  // not allowed in XML 1.0, not even as &#x…;
                } else {
                    out.append(scalar)
                }
            }
            previous = scalar
        }
        return String(out)
    }

    /// A token safe for an id or class attribute: letters, digits and `-`.
    public static func identifier(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                out.unicodeScalars.append(scalar)
            } else if !out.hasSuffix("-") {
                out += "-"
            }
        }
        return out.isEmpty ? "x" : out
    }
}

/// Human names for metric keys.
enum MetricNames {
    static let groupMetricOrder = [
        "selection_rate", "base_rate", "accuracy", "balanced_accuracy", "true_positive_rate",
        "false_positive_rate", "true_negative_rate", "false_negative_rate", "positive_predictive_value",
        "negative_predictive_value", "false_discovery_rate", "false_omission_rate", "f1", "auc", "brier",
        "log_loss", "ece",
    ]

    static let short: [String: String] = [
        "selection_rate": "Sel. rate", "base_rate": "Base rate", "accuracy": "Accuracy",
        "balanced_accuracy": "Bal. acc.", "true_positive_rate": "TPR", "false_positive_rate": "FPR",
        "true_negative_rate": "TNR", "false_negative_rate": "FNR", "positive_predictive_value": "PPV",
        "negative_predictive_value": "NPV", "false_discovery_rate": "FDR", "false_omission_rate": "FOR",
        "f1": "F1", "auc": "AUC", "brier": "Brier", "log_loss": "Log loss", "ece": "ECE",
        "statistical_parity_difference": "Stat. parity diff.", "disparate_impact": "Disparate impact",
        "equal_opportunity_difference": "Equal opp. diff.", "average_odds_difference": "Avg. odds diff.",
        "demographic_parity_difference": "DP diff.", "demographic_parity_ratio": "DP ratio",
        "equalized_odds_difference": "Eq. odds diff.", "equalized_odds_ratio": "Eq. odds ratio",
    ]

    /// `demographic_parity_difference` → `demographic parity difference`.
    static func words(_ key: String) -> String {
        key.replacingOccurrences(of: "_", with: " ")
    }

    static func short(_ key: String) -> String { short[key] ?? words(key) }

    /// Metric keys in the canonical order, then any others alphabetically.
    static func ordered<S: Sequence>(_ keys: S, canonical: [String] = groupMetricOrder) -> [String]
    where S.Element == String {
        let present = Set(keys)
        let known = canonical.filter { present.contains($0) }
        let knownSet = Set(known)
        return known + present.filter { !knownSet.contains($0) }.sorted()
    }

    /// True for ratio-type measures, where 1 is parity and "worse" means smaller.
    static func isRatio(_ key: String) -> Bool {
        key.hasSuffix("_ratio") || key == "disparate_impact"
    }

    /// Distance from parity: `|d|` for differences, `1 − min(r, 1/r)` for ratios.
    static func unfairness(_ key: String, _ value: Double) -> Double {
        if isRatio(key) {
            guard value > 0 else { return 1 }
            return 1 - min(value, 1 / value)
        }
        return abs(value)
    }
}

extension Double {
    /// ⌊log10(|self|)⌋ for a finite non-zero value.
    var log10Floor: Double { Foundation.log10(Swift.abs(self)).rounded(.down) }
}
