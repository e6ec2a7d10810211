import Foundation
import Testing

@testable import FairPipe

/// The predictions CSV reader: booleans as pandas writes them, and one line naming file and
/// line for an empty required cell.
@Suite struct PredictionsReaderTests {
    func read(_ csv: String, label: String = "label", positive: String = "1") throws -> Predictions {
        var columns = PredictionColumns(sensitive: ["sex"])
        columns.label = label
        columns.positive = positive
        return try Predictions.read(Data(csv.utf8), path: "preds.csv", columns: columns)
    }

    func message(_ csv: String, label: String = "label") -> String {
        do {
            _ = try read(csv, label: label)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func pandasBooleanDecisionsAreOneAndZero() throws {
        let csv = "sex,label,decision\nF,1,True\nM,0,False\nF,0,True\nM,1,False\n"
        #expect(try read(csv).decisions == [1, 0, 1, 0])
        let lower = "sex,label,decision\nF,1,true\nM,0,FALSE\n"
        #expect(try read(lower).decisions == [1, 0])
    }

    @Test func booleanDecisionsReadLikeTheirNumbers() throws {
        let numeric = try read("sex,label,decision,score\nF,1,1,0.9\nM,0,0,0.2\nF,0,1,0.7\n")
        let boolean = try read("sex,label,decision,score\nF,1,True,0.9\nM,0,False,0.2\nF,0,True,0.7\n")
        #expect(numeric == boolean)
    }

    @Test func pandasBooleanLabelsTakeTrueAsPositiveByDefault() throws {
        let predictions = try read("sex,y,decision\nF,True,1\nM,False,0\nF,False,1\n", label: "y")
        #expect(predictions.labels == [1, 0, 0])
        let explicit = try read("sex,y,decision\nF,True,1\nM,False,0\nF,False,1\n", label: "y", positive: "False")
        #expect(explicit.labels == [0, 1, 1])
    }

    @Test func otherTextInADecisionColumnIsStillRejected() {
        let text = message("sex,label,decision\nF,1,True\nM,0,yes\n")
        #expect(text == "preds.csv:3: column `decision` must be 0 or 1, found `yes`")
    }

    @Test func emptyLabelNamesFileLineAndColumn() {
        let text = message("sex,y,decision\nF,1,1\nM,,0\nF,0,1\n", label: "y")
        #expect(text == "preds.csv:3: empty label in column `y`")
    }

    @Test(arguments: [
        ("sex,label,decision\nF,1,1\nM,0,\nF,0,1\n", "preds.csv:3: empty decision in column `decision`"),
        ("sex,label,decision\nF,1,True\nM,0,\nF,0,True\n", "preds.csv:3: empty decision in column `decision`"),
        ("sex,label,score\nF,1,0.9\nM,0,0.1\nF,0,\n", "preds.csv:4: empty score in column `score`"),
        ("sex,label,decision\nF,1,1\n,0,0\n", "preds.csv:3: empty sensitive value in column `sex`"),
    ])
    func emptyCellsNameFileLineAndColumn(csv: String, expected: String) {
        #expect(message(csv) == expected)
    }
}
