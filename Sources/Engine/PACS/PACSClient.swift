// PACSClient: C-ECHO, C-STORE and C-FIND against a PACS through DCMTK's dcmnet.
import CDCMTK
import Foundation

/// A PACS's address as the command line gives it: `AET@HOST:PORT`.
public struct PACSAddress: Sendable, Equatable, CustomStringConvertible {
    public var aeTitle: String
    public var host: String
    public var port: UInt16

    public init(aeTitle: String, host: String, port: UInt16) throws {
        try Self.checkAETitle(aeTitle)
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw EngineError(.usage, "the PACS host is empty or not plain ASCII")
        }
        guard port > 0 else { throw EngineError(.usage, "the PACS port must be 1 to 65535") }
        self.aeTitle = aeTitle
        self.host = host
        self.port = port
    }

    /// Parses `AET@HOST:PORT` (an IPv6 host in brackets: `AET@[::1]:104`).
    public init(parsing text: String) throws {
        guard let at = text.lastIndex(of: "@"), let colon = text.lastIndex(of: ":"), at < colon else {
            throw EngineError(.usage, "give the PACS as AET@HOST:PORT")
        }
        var host = String(text[text.index(after: at)..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = UInt16(text[text.index(after: colon)...]) else {
            throw EngineError(.usage, "the PACS port must be a number from 1 to 65535")
        }
        try self.init(aeTitle: String(text[..<at]), host: host, port: port)
    }

    /// An AE title is 1 to 16 characters of the default repertoire, no backslash or control
    /// character, and not only spaces (PS3.5 6.2).
    public static func checkAETitle(_ title: String) throws {
        guard !title.trimmingCharacters(in: .whitespaces).isEmpty, title.utf8.count <= 16,
              title.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F && $0 != "\\" }) else {
            throw EngineError(.usage, "an AE title is 1 to 16 printable ASCII characters without a backslash")
        }
    }

    public var description: String { "\(aeTitle)@\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}

/// What the PACS said to one C-STORE.
public enum StoreStatus: Sendable, Equatable {
    case stored
    /// Stored, with a warning status (0xB000 coercion, 0xB007 not matching the SOP class, ...).
    case storedWithWarning(UInt16)
    /// Refused or failed with this DIMSE status (0xA7xx out of resources, 0xA9xx, 0xCxxx, ...).
    case failed(UInt16)
    /// DCMTK could not read the file as a DICOM instance with a SOP class and instance.
    case unreadable
    /// The PACS accepted no presentation context for the file's SOP class and transfer syntax.
    case noPresentationContext
    /// Never sent: the association failed before its turn.
    case notSent

    init(code: Int32) {
        switch code {
        case Int32(CDCM_STORE_UNREADABLE): self = .unreadable
        case Int32(CDCM_STORE_NO_CONTEXT): self = .noPresentationContext
        case Int32(CDCM_STORE_NOT_SENT): self = .notSent
        case 0: self = .stored
        default:
            let status = UInt16(truncatingIfNeeded: code)
            self = status & 0xF000 == 0xB000 ? .storedWithWarning(status) : .failed(status)
        }
    }

    public var isStored: Bool {
        switch self {
        case .stored, .storedWithWarning: true
        default: false
        }
    }

    /// One line without values.
    public var description: String {
        switch self {
        case .stored: "stored"
        case .storedWithWarning(let s): "stored with warning status 0x\(String(s, radix: 16, uppercase: true))"
        case .failed(let s): "refused by the PACS with status 0x\(String(s, radix: 16, uppercase: true))"
        case .unreadable: "not readable as a DICOM instance"
        case .noPresentationContext: "the PACS accepts neither its SOP class nor its transfer syntax (lossy data is never decoded on the way)"
        case .notSent: "not sent: the association failed first"
        }
    }
}

/// Talks to one PACS as one calling AE title. Each call opens its own association(s).
public struct PACSClient: Sendable {
    public let peer: PACSAddress
    public let callingAETitle: String
    public let timeoutSeconds: Int

    public init(peer: PACSAddress, callingAETitle: String = "DCMSCRUB", timeoutSeconds: Int = 30) throws {
        try PACSAddress.checkAETitle(callingAETitle)
        self.peer = peer
        self.callingAETitle = callingAETitle
        self.timeoutSeconds = max(1, timeoutSeconds)
        DicomFile.initialize()
    }

    /// C-ECHO: throws when the PACS cannot be reached or refuses us.
    public func echo() throws {
        try withPeer { peer in
            try withErrorBufferThrowing(.network) { err, len in cdcm_echo(peer, err, len) }
        }
    }

    /// Sends the files with C-STORE, in order, and returns one status per file. Each goes in its
    /// own transfer syntax; with `decodingLossless`, a losslessly compressed file is decoded when
    /// the PACS takes only uncompressed data. `answered` is called with a file's index as the PACS
    /// answers it. Throws only when an association failed; the error then carries the statuses so
    /// far (files not yet sent are `.notSent`).
    public func store(_ paths: [String], decodingLossless: Bool = false, answered: ((Int) -> Void)? = nil) throws -> [StoreStatus] {
        guard !paths.isEmpty else { return [] }
        var codes = [Int32](repeating: Int32(CDCM_STORE_NOT_SENT), count: paths.count)
        let callback = Callback(answered)
        var failure: String?
        try withPeer { peer in
            withCStrings(paths) { cPaths in
                let box = Unmanaged.passRetained(callback)
                defer { box.release() }
                withErrorBuffer { err, len in
                    let s = cdcm_store(peer, cPaths, paths.count, decodingLossless ? 1 : 0, &codes, { context, index in
                        Unmanaged<Callback>.fromOpaque(context!).takeUnretainedValue().body?(Int(index))
                    }, box.toOpaque(), err, len)
                    if s != 0 { failure = String(cString: err) }
                }
            }
        }
        let statuses = codes.map(StoreStatus.init(code:))
        if let failure { throw StoreFailure(reason: failure, statuses: statuses) }
        return statuses
    }

    /// The SOP Instance UIDs the PACS holds in each series (study-root C-FIND, IMAGE level, all
    /// on one association), in the order asked, and whether it listed them all: a PACS may cap
    /// how many instances one query returns. With `only`, each query asks for that instance alone.
    public func instances(in series: [(study: String, series: String)], only instances: [String]? = nil) throws
        -> [(uids: Set<String>, complete: Bool)] {
        guard !series.isEmpty else { return [] }
        let collector = Collector(count: series.count)
        try withPeer { peer in
            try withCStrings(series.map(\.study)) { studies in
                try withCStrings(series.map(\.series)) { seriesUIDs in
                    try withCStrings(instances ?? []) { instanceUIDs in
                        let box = Unmanaged.passRetained(collector)
                        defer { box.release() }
                        try withErrorBufferThrowing(.network) { err, len in
                            cdcm_find_instances(peer, studies, seriesUIDs, instances == nil ? nil : instanceUIDs, series.count,
                                                { context, query, uid in
                                let collector = Unmanaged<Collector>.fromOpaque(context!).takeUnretainedValue()
                                if let uid { collector.uids[Int(query)].insert(String(cString: uid)) } else { collector.cut[Int(query)] = true }
                            }, box.toOpaque(), err, len)
                        }
                    }
                }
            }
        }
        return zip(collector.uids, collector.cut).map { ($0, !$1) }
    }

    private func withPeer<T>(_ body: (UnsafePointer<cdcm_peer>) throws -> T) throws -> T {
        try peer.host.withCString { host in
            try peer.aeTitle.withCString { called in
                try callingAETitle.withCString { calling in
                    var value = cdcm_peer(host: host, port: peer.port, called_aet: called, calling_aet: calling,
                                          timeout_seconds: Int32(clamping: timeoutSeconds))
                    return try body(&value)
                }
            }
        }
    }
}

/// An association failed during a store: the reason, and every file's status when it did.
public struct StoreFailure: Error, CustomStringConvertible {
    public let reason: String
    public let statuses: [StoreStatus]
    public var description: String { reason }
}

private final class Callback {
    let body: ((Int) -> Void)?
    init(_ body: ((Int) -> Void)?) { self.body = body }
}

private final class Collector {
    var uids: [Set<String>]
    var cut: [Bool]
    init(count: Int) {
        uids = Array(repeating: [], count: count)
        cut = Array(repeating: false, count: count)
    }
}

/// Calls `body` with a C array of C strings that live for the call.
private func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) throws -> T) rethrows -> T {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer<CChar>($0) } + [nil]
    return try pointers.withUnsafeBufferPointer { try body($0.baseAddress!) }
}
