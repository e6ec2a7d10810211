/// Writes the report files a `report:` section asks for.
public enum ReportWriter {
    /// File name of each format inside the output folder.
    public static func fileName(_ format: ReportFormat) -> String {
        switch format {
        case .html: return "report.html"
        case .markdown: return "summary.md"
        case .junit: return "junit.xml"
        }
    }

    /// Renders every format in `config.formats` (each once, in the order given), as
    /// (file name, text) pairs.
    public static func render(_ inputs: ReportInputs, config: ReportConfig) -> [(name: String, text: String)] {
        var rendered: [(name: String, text: String)] = []
        var done = Set<ReportFormat>()
        for format in config.formats where done.insert(format).inserted {
            switch format {
            case .html: rendered.append((fileName(format), renderHTML(inputs, config: config)))
            case .markdown: rendered.append((fileName(format), renderMarkdown(inputs, config: config)))
            case .junit: rendered.append((fileName(format), renderJUnit(inputs, config: config)))
            }
        }
        return rendered
    }

    /// Renders and writes each format atomically under `folder`. Returns the paths written.
    public static func write(_ inputs: ReportInputs, config: ReportConfig, folder: String) throws -> [String] {
        try render(inputs, config: config).map { file in
            let path = folder.hasSuffix("/") ? folder + file.name : "\(folder)/\(file.name)"
            try AtomicFile.write(file.text, to: path)
            return path
        }
    }
}
