// TerminalProbe: before ncurses starts, asks the terminal whether it draws sixel and how big a cell is in pixels.
import Foundation
import Render

public struct TerminalCapabilities: Sendable, Equatable {
    public var sixel: Bool
    public var cellWidth: Int?
    public var cellHeight: Int?
    /// Sixel colour registers the terminal offers (a VT340 has 16; xterm can be set to 256).
    public var colorRegisters: Int?
    public var multiplexer: Passthrough.Multiplexer
}

enum TerminalProbe {
    /// Sends DA1 and XTWINOPS 16/14 to the controlling terminal in raw mode and reads what comes back
    /// within `timeout` seconds. A terminal that answers nothing is taken as no sixel; the cell size
    /// then comes from TIOCGWINSZ when the terminal fills in its pixel fields.
    static func probe(timeout: Double = 0.5, environment: [String: String] = ProcessInfo.processInfo.environment) -> TerminalCapabilities {
        var capabilities = TerminalCapabilities(sixel: false, cellWidth: nil, cellHeight: nil,
                                                multiplexer: Passthrough.multiplexer(environment: environment))
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return capabilities }
        defer { close(fd) }
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_xpixel > 0, size.ws_ypixel > 0, size.ws_col > 0, size.ws_row > 0 {
            capabilities.cellWidth = Int(size.ws_xpixel) / Int(size.ws_col)
            capabilities.cellHeight = Int(size.ws_ypixel) / Int(size.ws_row)
        }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return capabilities }
        var raw = saved
        cfmakeraw(&raw)
        tcsetattr(fd, TCSANOW, &raw)
        defer { tcsetattr(fd, TCSANOW, &saved) }
        // DA1 goes last: every terminal answers it, so its reply ends the wait.
        let query = TerminalReplies.queryCellSize + TerminalReplies.queryTextAreaPixels + TerminalReplies.queryColorRegisters
            + TerminalReplies.queryDeviceAttributes
        _ = query.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 256)
        while Date() < deadline {
            var poll = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let wait = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard Glibc.poll(&poll, 1, wait) > 0 else { break }
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { break }
            received += buffer[0..<n]
            if TerminalReplies.parse(received).deviceAttributes != nil { break }
        }
        let parsed = TerminalReplies.parse(received)
        capabilities.sixel = parsed.deviceAttributes?.supportsSixel ?? false
        capabilities.colorRegisters = parsed.colorRegisters
        if let cell = parsed.cellSize {
            capabilities.cellWidth = cell.width
            capabilities.cellHeight = cell.height
        } else if let area = parsed.textAreaPixels, size.ws_col > 0, size.ws_row > 0 {
            capabilities.cellWidth = area.width / Int(size.ws_col)
            capabilities.cellHeight = area.height / Int(size.ws_row)
        }
        return capabilities
    }
}
