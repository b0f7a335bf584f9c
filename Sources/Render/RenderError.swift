// RenderError: the one error type of Render; its text is one line and never holds a path or a header value.
import Engine

/// Why a preview could not be made.
///
/// `message` is fixed text chosen here, never text from a file, DCMTK or libsixel, so it is safe to
/// show in the TUI's status line or a log. `code` can grow without breaking callers.
public struct RenderError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public var description: String { name }
        /// The file could not be opened or read as DICOM.
        public static let open = Code(name: "open")
        /// The object has no pixel data Render can show.
        public static let noImage = Code(name: "no-image")
        /// A frame number outside the image.
        public static let frame = Code(name: "frame")
        /// A frame could not be decoded.
        public static let undecodable = Code(name: "undecodable-pixels")
        /// libsixel refused to encode.
        public static let encode = Code(name: "sixel-encode")
        /// Bytes that libsixel could not read as sixel.
        public static let decode = Code(name: "sixel-decode")
        /// An image of no pixels, or one too large for a terminal.
        public static let size = Code(name: "size")
    }

    public let code: Code
    /// One line, no identifying value.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The Engine's failure as a Render one; only the Engine's code is kept, never its text.
    init(opening error: Error) {
        if let engine = error as? EngineError {
            switch engine.code {
            case .notDICOM: self.init(.open, "not a DICOM file")
            case .tooLarge: self.init(.open, "file too large to preview")
            case .io: self.init(.open, "file cannot be read")
            case .undecodable, .unsupported: self.init(.undecodable, "pixel data cannot be decoded (\(engine.code))")
            default: self.init(.open, "file cannot be read as DICOM (\(engine.code))")
            }
        } else if let render = error as? RenderError {
            self = render
        } else {
            self.init(.open, "file cannot be read as DICOM")
        }
    }
}
