extension Recommendations {
    /// `explain`'s recommendations.json: for each proxy concern, the mitigations that act on
    /// the feature, in the shared recommendations schema so the report lists them with mitigate's.
    static func forProxies(_ explanations: Explanations) -> Recommendations {
        var items: [Item] = []
        for concern in explanations.concerns {
            let metric = concern.disparity.split(separator: "@").first.map(String.init) ?? concern.disparity
            let target = target(for: metric)?.rawValue ?? metric
            for method in concern.methods {
                items.append(
                    Item(rank: items.count + 1, method: method, target: target, reason: concern.recommendation))
            }
        }
        let note =
            items.isEmpty
            ? "no feature the data audit flags as a proxy ranks among the top features of a gap attribution"
            : "features the data audit flags as proxies that carry a group gap (explain)"
        return Recommendations(note: note, failedGates: [], recommendations: items)
    }

    /// `self`'s items, then `other`'s ranked after them.
    func appending(_ other: Recommendations) -> Recommendations {
        var merged = self
        let offset = recommendations.map(\.rank).max() ?? 0
        merged.recommendations += other.recommendations.map { item in
            var item = item
            item.rank += offset
            return item
        }
        return merged
    }
}
