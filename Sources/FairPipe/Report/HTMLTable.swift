/// A table cell: trusted markup (already escaped), an optional sort key and class.
struct HTMLCell {
    var html: String
    var sort: String?
    var cssClass: String?

    init(html: String, sort: String? = nil, cssClass: String? = nil) {
        self.html = html
        self.sort = sort
        self.cssClass = cssClass
    }

    /// Escaped plain text, sorted as text.
    static func text(_ text: String, cssClass: String? = "text") -> HTMLCell {
        HTMLCell(html: ReportEscape.html(text), cssClass: cssClass)
    }

    /// A number with fixed decimals, sorted numerically.
    static func number(_ value: Double?, _ digits: Int) -> HTMLCell {
        HTMLCell(
            html: value == nil ? "<span class=\"na\">—</span>" : ReportNumber.fixed(value, digits),
            sort: value.map(ReportNumber.plain) ?? "")
    }

    static func count(_ value: Int?) -> HTMLCell {
        HTMLCell(html: ReportNumber.count(value), sort: value.map(String.init) ?? "")
    }

    /// `0.410 [0.380, 0.440]`; a null value shows `—` with its reason as a tooltip.
    static func metric(_ metric: (any Measured)?, _ digits: Int) -> HTMLCell {
        guard let metric, let value = metric.value else {
            let reason = metric?.reason.map { " title=\"\(ReportEscape.html($0))\"" } ?? ""
            let note = metric?.reason.map { " <span class=\"ci\">(\(ReportEscape.html($0)))</span>" } ?? ""
            return HTMLCell(html: "<span class=\"na\"\(reason)>—</span>\(note)", sort: "")
        }
        var html = ReportNumber.fixed(value, digits)
        if let ci = metric.interval {
            html += " <span class=\"ci\">\(ReportNumber.interval(ci, digits))</span>"
        }
        return HTMLCell(html: html, sort: ReportNumber.plain(value))
    }

    static let empty = HTMLCell(html: "")
}

enum HTMLTable {
    /// A sortable table; `headers` are plain text, cells trusted markup. `rowClasses`, when
    /// given, holds a CSS class token (or nil) per row, e.g. to highlight flagged rows.
    static func render(
        headers: [String], rows: [[HTMLCell]], caption: String? = nil, sortable: Bool = true,
        textColumns: Set<Int> = [0], rowClasses: [String?] = []
    ) -> String {
        var out = "<div class=\"scroll\"><table\(sortable ? " class=\"sortable\"" : "")>"
        if let caption { out += "<caption>\(ReportEscape.html(caption))</caption>" }
        out += "<thead><tr>"
        for (i, header) in headers.enumerated() {
            out += textColumns.contains(i) ? "<th class=\"text\">" : "<th>"
            out += ReportEscape.html(header) + "</th>"
        }
        out += "</tr></thead><tbody>"
        for (index, row) in rows.enumerated() {
            if index < rowClasses.count, let rowClass = rowClasses[index] {
                out += "<tr class=\"\(rowClass)\">"
            } else {
                out += "<tr>"
            }
            for cell in row {
                out += "<td"
                if let cssClass = cell.cssClass { out += " class=\"\(cssClass)\"" }
                if let sort = cell.sort { out += " data-sort=\"\(ReportEscape.html(sort))\"" }
                out += ">\(cell.html)</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table></div>"
    }
}
