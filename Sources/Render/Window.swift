// Window: the grey window (centre and width in rescaled units) a reviewer moves with keys.
import Foundation

/// A VOI window in rescaled (modality) units, such as Hounsfield units for CT: values at or below
/// `low` show black, at or above `high` white (for MONOCHROME2).
///
/// The step helpers return a new window so the TUI can map keys to them and keep its state a value:
/// widening and narrowing multiply the width, shifting moves the centre by a fraction of the width,
/// so one key press feels the same on an 8-bit ultrasound and a 16-bit CT.
public struct Window: Sendable, Equatable, CustomStringConvertible {
    public var center: Double
    public var width: Double

    /// The narrowest window a step can reach; FrameRaster treats widths of 1 or less as "no window".
    public static let minimumWidth = 2.0
    /// How much one widen or narrow step changes the width.
    public static let zoomFactor = 1.25
    /// How far one shift step moves the centre, as a fraction of the width.
    public static let shiftFraction = 0.05

    public init(center: Double, width: Double) {
        self.center = center
        self.width = width
    }

    /// The window that maps `low` to black and `high` to white.
    public init(low: Double, high: Double) {
        self.init(center: (low + high) / 2, width: max(high - low, Self.minimumWidth))
    }

    public var low: Double { center - width / 2 }
    public var high: Double { center + width / 2 }

    /// Wider by `steps` steps (fewer values saturate; less contrast). Negative steps narrow.
    public func widened(steps: Int = 1) -> Window {
        let factor = pow(Self.zoomFactor, Double(steps))
        return Window(center: center, width: max(Self.minimumWidth, width * factor))
    }

    /// Narrower by `steps` steps (more contrast; more values saturate).
    public func narrowed(steps: Int = 1) -> Window {
        widened(steps: -steps)
    }

    /// The centre moved up (positive steps: the image gets darker) or down by `steps` steps.
    public func shifted(steps: Int) -> Window {
        Window(center: center + Double(steps) * width * Self.shiftFraction, width: width)
    }

    public var description: String { "W \(Self.format(width)) C \(Self.format(center))" }

    /// Short text for a status line: whole numbers without a fraction.
    private static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e9 ? String(Int(value)) : String(format: "%.1f", value)
    }
}
