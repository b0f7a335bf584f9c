// OCR: one Tesseract engine (sparse text), the only place the Engine touches Tesseract's C API.
import CTesseract
import Foundation

/// A word Tesseract read, in the coordinates of the image it was given.
public struct RecognizedWord: Sendable, Equatable {
    public let rect: PixelRect
    public let text: String
    /// 0-100.
    public let confidence: Float
}

/// Not thread-safe: one per thread, reused (initialising loads the language data, ~100 ms).
final class OCR {
    private let handle: OpaquePointer
    let languages: String

    init(languages: String) throws {
        guard let handle = TessBaseAPICreate() else { throw EngineError(.unsupported, "Tesseract cannot start") }
        // Tesseract prints its diagnostics to stderr unless told otherwise; they would corrupt a terminal UI.
        _ = TessBaseAPISetVariable(handle, "debug_file", "/dev/null")
        guard TessBaseAPIInit3(handle, nil, languages) == 0 else {
            TessBaseAPIDelete(handle)
            throw EngineError(.unsupported, "Tesseract language data \(languages) is missing (apt-get install tesseract-ocr-eng tesseract-ocr-lit)")
        }
        TessBaseAPISetPageSegMode(handle, PSM_SPARSE_TEXT)
        // Tesseract reads a line it is unsure of a second time inverted. Detection's views show
        // text both ways already (the grey image inverted, masks of bright and of coloured
        // pixels); on image texture, which is all unsure lines, the retry was 8% of the OCR time.
        _ = TessBaseAPISetVariable(handle, "invert_threshold", "0")
        _ = TessBaseAPISetVariable(handle, "debug_file", "/dev/null")
        self.handle = handle
        self.languages = languages
    }

    /// DCMSCRUB_OCR_TRACE=1: each call's languages, image size and thread CPU time on stderr (no text).
    static let trace = ProcessInfo.processInfo.environment["DCMSCRUB_OCR_TRACE"] != nil

    static func threadSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    deinit {
        TessBaseAPIEnd(handle)
        TessBaseAPIDelete(handle)
    }

    /// Recognises words in an 8-bit grey image (dark text on light ground reads best).
    func words(in image: GrayImage) throws -> [RecognizedWord] {
        let started = Self.trace ? Self.threadSeconds() : 0
        defer {
            if Self.trace {
                let ms = (Self.threadSeconds() - started) * 1000
                FileHandle.standardError.write(Data("ocr \(languages) \(image.width)x\(image.height) \(String(format: "%.1f", ms)) ms\n".utf8))
            }
        }
        var result: [RecognizedWord] = []
        try image.pixels.withUnsafeBufferPointer { buffer in
            TessBaseAPISetImage(handle, buffer.baseAddress, Int32(image.width), Int32(image.height), 1, Int32(image.width))
            guard TessBaseAPIRecognize(handle, nil) == 0 else {
                TessBaseAPIClear(handle)
                throw EngineError(.undecodable, "text detection failed")
            }
            guard let iterator = TessBaseAPIGetIterator(handle) else { return }
            defer { TessResultIteratorDelete(iterator) }
            let page = TessResultIteratorGetPageIterator(iterator)
            repeat {
                var left: Int32 = 0, top: Int32 = 0, right: Int32 = 0, bottom: Int32 = 0
                guard TessPageIteratorBoundingBox(page, RIL_WORD, &left, &top, &right, &bottom) != 0,
                      let text = TessResultIteratorGetUTF8Text(iterator, RIL_WORD) else { continue }
                let word = String(cString: text)
                TessDeleteText(text)
                let confidence = TessResultIteratorConfidence(iterator, RIL_WORD)
                let trimmed = word.trimmingCharacters(in: .whitespacesAndNewlines)
                if trimmed.isEmpty { continue }
                result.append(RecognizedWord(
                    rect: PixelRect(x0: Int(left), y0: Int(top), x1: Int(right), y1: Int(bottom)),
                    text: trimmed, confidence: confidence))
            } while TessResultIteratorNext(iterator, RIL_WORD) != 0
        }
        TessBaseAPIClear(handle)
        return result
    }
}

/// OCR engines kept for the life of the process, one per thread and languages at a time.
final class OCRPool: @unchecked Sendable {
    static let shared = OCRPool()
    private let lock = NSLock()
    private var idle: [String: [OCR]] = [:]

    func with<T>(_ languages: String, _ body: (OCR) throws -> T) throws -> T {
        lock.lock()
        let engine = idle[languages]?.popLast()
        lock.unlock()
        let ocr = try engine ?? OCR(languages: languages)
        defer {
            lock.lock()
            idle[languages, default: []].append(ocr)
            lock.unlock()
        }
        return try body(ocr)
    }
}
