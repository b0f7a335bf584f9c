// PixelRect: a rectangle in image pixel coordinates (origin top left), the unit of every redaction.

public struct PixelRect: Hashable, Sendable, Codable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// From corners, as deid's `coordinates x0,y0,x1,y1` (x1, y1 exclusive).
    public init(x0: Int, y0: Int, x1: Int, y1: Int) {
        self.init(x: min(x0, x1), y: min(y0, y1), width: abs(x1 - x0), height: abs(y1 - y0))
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var area: Int { max(0, width) * max(0, height) }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// The part inside an image of the given size; empty when outside.
    public func clipped(columns: Int, rows: Int) -> PixelRect {
        let x0 = max(0, x), y0 = max(0, y), x1 = min(columns, maxX), y1 = min(rows, maxY)
        return PixelRect(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
    }

    /// Grown by `margin` pixels on every side.
    public func inset(by margin: Int) -> PixelRect {
        PixelRect(x: x - margin, y: y - margin, width: width + 2 * margin, height: height + 2 * margin)
    }

    public func intersects(_ other: PixelRect) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }

    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < maxX && py >= y && py < maxY
    }

    /// The part shared with `other`; empty when they do not meet.
    public func intersection(_ other: PixelRect) -> PixelRect {
        let x0 = max(x, other.x), y0 = max(y, other.y), x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        return PixelRect(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
    }

    public func union(_ other: PixelRect) -> PixelRect {
        PixelRect(x0: min(x, other.x), y0: min(y, other.y), x1: max(maxX, other.maxX), y1: max(maxY, other.maxY))
    }

    public var description: String { "(\(x),\(y),\(width),\(height))" }
}
