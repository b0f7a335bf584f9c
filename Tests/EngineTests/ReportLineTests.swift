// Tests of report.json's instance lines: the spelled-out common case is byte for byte what JSONEncoder writes.
@testable import Engine
import Foundation
import Testing

@Test func aDeliveredLineIsWhatTheEncoderWrites() throws {
    let encoder = ReportSpool.encoder()
    var outcomes: [InstanceOutcome] = []
    for (input, output) in [(1, "2.25.1/2.25.2/2.25.3.dcm"), (10_000, "unknown/2.25.9/2.25.10.dcm"), (7, "1.2/3.4/5.dcm"),
                            (42, "2.25.339/2.25.1/2.25.88.dcm"), (3, "a\"b/c\\d.dcm")] {
        var delivered = InstanceOutcome(input: input, state: .delivered)
        delivered.output = output
        outcomes.append(delivered)
    }
    var quarantined = InstanceOutcome(input: 5, state: .quarantined)
    quarantined.code = "malformed"
    quarantined.reason = "not DICOM: no \"DICM\" at 128"
    outcomes.append(quarantined)
    var redacted = InstanceOutcome(input: 6, state: .delivered)
    redacted.output = "2.25.1/2.25.2/2.25.4.dcm"
    redacted.redactions = [PixelRect(x: 1, y: 2, width: 3, height: 4)]
    redacted.redactionMethod = .decoded
    outcomes.append(redacted)
    var resumed = InstanceOutcome(input: 8, state: .delivered)
    resumed.output = "2.25.1/2.25.2/2.25.5.dcm"
    resumed.resumed = true
    outcomes.append(resumed)
    var spelledOut = 0
    for outcome in outcomes {
        let line = try #require(ReportSpool.encode(outcome, with: encoder))
        #expect(line == (try encoder.encode(outcome)), "\(String(decoding: line, as: UTF8.self))")
        if let spelled = ReportSpool.spelledOut(outcome) {
            #expect(spelled == line)
            spelledOut += 1
        }
    }
    // The four delivered lines with plain paths are spelled out; the quote, the quarantine, the
    // redaction and the resumed output go to the encoder.
    #expect(spelledOut == 4)
}

/// The spelled-out line names every field it leaves out: a field added to InstanceOutcome must be
/// added to its guard too, or delivered lines would lose it.
@Test func theSpelledOutLineKnowsEveryField() {
    let fields = Mirror(reflecting: InstanceOutcome(input: 1, state: .delivered)).children.compactMap(\.label)
    #expect(fields == ["input", "state", "code", "reason", "output", "resumed", "redactions", "redactionMethod",
                       "blockFallback", "boxesFromCheck"])
}
