// ProjectKey: the secret behind every replacement UID, pseudonym and date shift, so workers agree without sharing state.
import Crypto
import Foundation

public struct ProjectKey: Sendable {
    let key: SymmetricKey
    /// HMAC with the key already padded and hashed in: each digest starts from a copy. Setting the
    /// key up was half the cost of every replacement UID.
    private let keyed: HMAC<SHA256>
    /// Replacement UIDs already made with this key: the files of a study share most of their UIDs.
    private let made = BoundedCache<String, String>(limit: 8192)
    /// Pseudonyms and date offsets by patient: the files of a patient share them.
    private let perPatient = BoundedCache<String, [UInt8]>(limit: 8192)

    public init(bytes: [UInt8]) {
        key = SymmetricKey(data: bytes)
        keyed = HMAC<SHA256>(key: key)
    }

    /// A key for one run only: its outputs cannot be linked to any other run's.
    public static func random() -> ProjectKey {
        ProjectKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })
    }

    /// Reads the key file, or creates it with 32 random bytes (hex, mode 0600) when it is missing.
    public static func load(path: String) throws -> ProjectKey {
        if FileManager.default.fileExists(atPath: path) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw EngineError(.key, "the key file cannot be read")
            }
            let hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard hex.count >= 32, hex.count % 2 == 0, let bytes = bytes(hex: hex) else {
                throw EngineError(.key, "the key file must hold at least 16 bytes as hex")
            }
            return ProjectKey(bytes: bytes)
        }
        let key = random()
        let hex = key.key.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
        try AtomicFile.write(Data((hex + "\n").utf8), to: path, mode: 0o600)
        return key
    }

    private static func bytes(hex: String) -> [UInt8]? {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }

    func digest(_ purpose: String, _ value: String) -> [UInt8] {
        mac(Array((purpose + "\u{0}" + value).utf8))
    }

    /// HMAC-SHA256(key, bytes).
    private func mac(_ bytes: [UInt8]) -> [UInt8] {
        var hmac = keyed
        hmac.update(data: bytes)
        return Array(hmac.finalize())
    }

    private func patientDigest(_ purpose: String, _ patientKey: String) -> [UInt8] {
        perPatient.value(purpose + "\u{0}" + patientKey) { digest(purpose, patientKey) }
    }

    /// PS3.5 B.2: "2.25." and the decimal of a 128-bit number, here the first 128 bits of
    /// HMAC-SHA256(key, UID), so the same UID maps the same way on every machine and run.
    public func uid(for original: String) -> String {
        made.value(original) {
            let bytes = mac(Array(original.utf8)).prefix(16)
            let value = bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
            return "2.25." + String(value)
        }
    }

    /// A patient's pseudonym: stable for one key, unlinkable without it.
    public func pseudonym(forPatient patientKey: String) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let bytes = patientDigest("patient", patientKey)
        return "ANON" + String(bytes.prefix(10).map { alphabet[Int($0) % alphabet.count] })
    }

    /// Days to add to every date of a patient: between -3650 and -1, the same for all of their
    /// studies, so intervals within a patient survive.
    public func dateOffset(forPatient patientKey: String) -> Int {
        let bytes = patientDigest("date-shift", patientKey)
        let value = bytes.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return -Int(value % 3650) - 1
    }

    /// A consistent replacement for a private value the knowledge base says to hash.
    public func hashedText(_ value: String) -> String {
        let bytes = digest("private", value)
        return bytes.prefix(8).map { String(format: "%02X", $0) }.joined()
    }
}

