// OverlayBox: one numbered rectangle drawn over a preview, with the look that tells its state.
import Engine

/// A box to draw on a preview: where (image pixels), which number the reviewer types to pick it,
/// and in which style.
///
/// `redacts` says whether the box is filled in the redacted look; by default every style but
/// `rejected` redacts, as the default policy redacts pending text too.
public struct OverlayBox: Sendable, Equatable {
    /// How a box looks; the colours are saturated hues that stand out on grey images and from each other.
    public enum Style: String, Sendable, CaseIterable {
        /// Proposed by the engine (OCR), not yet decided: amber.
        case proposed
        /// Accepted by the reviewer: green.
        case accepted
        /// Rejected by the reviewer (will not be redacted): dim red, dashed, thin.
        case rejected
        /// Drawn by the reviewer: cyan.
        case manual
        /// From a device template: violet.
        case template
        /// The box the keys act on: hot pink, thicker, drawn last.
        case selected

        public var color: RGBImage.Color {
            switch self {
            case .proposed: RGBImage.Color(255, 200, 0)
            case .accepted: RGBImage.Color(40, 220, 60)
            case .rejected: RGBImage.Color(150, 40, 40)
            case .manual: RGBImage.Color(0, 200, 255)
            case .template: RGBImage.Color(160, 100, 255)
            case .selected: RGBImage.Color(255, 40, 200)
            }
        }

        /// Outline thickness in preview pixels.
        public var thickness: Int {
            switch self {
            case .rejected: 1
            case .selected: 3
            default: 2
            }
        }

        /// Dashed outlines read as "not in force".
        public var isDashed: Bool { self == .rejected }

        /// The style of an undecided engine proposal, by where it came from.
        public init(source: Proposal.Source) {
            switch source {
            case .ocr: self = .proposed
            case .template: self = .template
            case .manual: self = .manual
            }
        }
    }

    /// In image pixel coordinates.
    public var rect: PixelRect
    /// Shown as digits at the box's top-left; 0 or less draws no number.
    public var number: Int
    public var style: Style
    /// Filled black in the redacted look.
    public var redacts: Bool

    public init(rect: PixelRect, number: Int, style: Style, redacts: Bool? = nil) {
        self.rect = rect
        self.number = number
        self.style = style
        self.redacts = redacts ?? (style != .rejected)
    }
}
