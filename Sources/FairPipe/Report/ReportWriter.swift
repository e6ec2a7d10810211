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

    /// Renders every format in `config.formats` (each once, in the order given) and writes it
    /// atomically under `folder`. Returns the paths written.
    public static func write(_ inputs: ReportInputs, config: ReportConfig, folder: String) throws -> [String] {
        var written: [String] = []
        var done = Set<ReportFormat>()
        for format in config.formats where done.insert(format).inserted {
            let text: String
            switch format {
            case .html: text = renderHTML(inputs, config: config)
            case .markdown: text = renderMarkdown(inputs, config: config)
            case .junit: text = renderJUnit(inputs, config: config)
            }
            let path = folder.hasSuffix("/") ? folder + fileName(format) : "\(folder)/\(fileName(format))"
            try AtomicFile.write(text, to: path)
            written.append(path)
        }
        return written
    }
}
