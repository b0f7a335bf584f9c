// Workstation: the running TUI: terminal in, messages to `update`, effects to the workspace, `view` to the screen.
import Foundation
import Render
import Review

public enum Workstation {
    /// auto: sixel when the terminal says so, else half blocks in 24-bit colour when COLORTERM says
    /// truecolor or 24bit, else in 256 colours. blocks is always 256 colours, truecolor always 24-bit.
    public enum GraphicsChoice: String, Sendable, CaseIterable {
        case auto, sixel, blocks, truecolor
    }

    public struct Options: Sendable {
        public var keymap = "default"
        public var graphics = GraphicsChoice.auto
        /// Where commits write (default: the workspace's out/).
        public var output: String?
        /// Sixel colours per preview (at most what the terminal has): 64 greys and box colours read well and
        /// encode two to three times faster than 256, on every key press.
        public var colors = Workstation.defaultColors
        public init() {}
    }

    public static let defaultColors = 64

    /// Runs the workstation on the controlling terminal until the reviewer quits. The keymap is
    /// loaded first, so a broken keymap is a start-up error naming its file and line.
    public static func run(_ workspace: Workspace, options: Options) throws {
        let keymap = try Keymap.load(options.keymap)
        var capabilities = TerminalProbe.probe()
        let graphics: Graphics
        var trueColor = false
        switch options.graphics {
        case .sixel: graphics = .sixel
        case .blocks: graphics = .blocks
        case .truecolor: graphics = .blocks; trueColor = true
        // Inside tmux or screen the multiplexer answers the probe; its own sixel support is rarely there.
        case .auto:
            graphics = capabilities.sixel ? .sixel : .blocks
            trueColor = !capabilities.sixel && HalfBlocks.trueColor(environment: ProcessInfo.processInfo.environment)
        }
        capabilities.colorRegisters = min(options.colors, capabilities.colorRegisters ?? options.colors)
        let loop = EventLoop(workspace: workspace, app: App(keymap: keymap), graphics: graphics, trueColor: trueColor,
                             capabilities: capabilities, output: options.output)
        try loop.run()
    }
}

/// The one loop: read input (or a background message), update, run effects, draw.
final class EventLoop {
    let app: App
    let effects: WorkspaceEffects
    let graphics: Graphics
    /// Half blocks are written again in 24-bit colour after each refresh.
    let trueColor: Bool
    let capabilities: TerminalCapabilities
    var state: AppState
    private let inbox = Inbox()
    private var committing = false
    private var lastHeartbeat = Date()
    static let heartbeat: TimeInterval = 15

    init(workspace: Workspace, app: App, graphics: Graphics, trueColor: Bool, capabilities: TerminalCapabilities, output: String?) {
        self.app = app
        self.graphics = graphics
        self.trueColor = trueColor
        self.capabilities = capabilities
        effects = WorkspaceEffects(workspace: workspace, output: output)
        let name = URL(fileURLWithPath: workspace.folder).lastPathComponent
        state = AppState(workspaceName: name, reviewer: workspace.reviewer.login,
                         size: TerminalSize(columns: 80, rows: 24, cellWidth: capabilities.cellWidth ?? 10,
                                            cellHeight: capabilities.cellHeight ?? 20),
                         graphics: graphics)
    }

    func run() throws {
        // DCMTK and anything else must not write over the screen; errors reach the reviewer as messages.
        let savedStderr = dup(2)
        let null = open("/dev/null", O_WRONLY)
        if null >= 0 { dup2(null, 2); close(null) }
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { [inbox] in inbox.interrupt() }
        interrupt.resume()
        let terminate = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        signal(SIGTERM, SIG_IGN)
        terminate.setEventHandler { [inbox] in inbox.interrupt() }
        terminate.resume()
        let curses = Curses()
        let placer = SixelPlacer(multiplexer: capabilities.multiplexer, colors: capabilities.colorRegisters)
        let blockPlacer = TrueColorPlacer()
        defer {
            curses.end()
            try? effects.workspace.releaseAll()
            if savedStderr >= 0 { dup2(savedStderr, 2); close(savedStderr) }
            interrupt.cancel()
            terminate.cancel()
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        resize(curses)
        dispatch(app.start(&state))
        var previousOverlay = false
        while !state.quitting {
            draw(curses, placer, blockPlacer, previousOverlay: &previousOverlay)
            if inbox.interrupted {
                _ = dispatch(app.perform(.quit, &state))
                break
            }
            let busy = committing || !inbox.isEmpty
            if let input = curses.read(timeout: busy ? 50 : 1000) {
                switch input {
                case .key(let key): dispatch(app.update(&state, .key(key)))
                case .mouse(let event): dispatch(app.update(&state, .mouse(event)))
                case .resize:
                    resize(curses)
                    curses.clearAll()
                    placer.invalidate()
                    blockPlacer.invalidate()
                }
            }
            for msg in inbox.take() {
                if case .commitFinished = msg { committing = false }
                if case .failed = msg, committing { committing = false }
                dispatch(app.update(&state, msg))
            }
            if Date().timeIntervalSince(lastHeartbeat) > Self.heartbeat {
                lastHeartbeat = Date()
                _ = try? effects.workspace.heartbeat(at: lastHeartbeat)
            }
        }
    }

    func resize(_ curses: Curses) {
        let (columns, rows) = curses.size
        _ = app.update(&state, .resized(TerminalSize(columns: columns, rows: rows, cellWidth: capabilities.cellWidth ?? 10,
                                                     cellHeight: capabilities.cellHeight ?? 20)))
    }

    /// Runs effects and feeds their answers back until nothing more is asked.
    @discardableResult
    func dispatch(_ initial: [Effect]) -> Bool {
        var queue = initial
        while !queue.isEmpty {
            let effect = queue.removeFirst()
            if effect == .quit { state.quitting = true; continue }
            if effect == .commit {
                startCommit()
                continue
            }
            for msg in effects.run(effect) { queue += app.update(&state, msg) }
        }
        return true
    }

    func startCommit() {
        guard !committing else { return }
        committing = true
        let effects = self.effects, inbox = self.inbox
        DispatchQueue.global().async {
            let result = effects.commit { done, total in inbox.post(.commitProgress(done: done, total: total)) }
            inbox.post(result)
        }
    }

    func draw(_ curses: Curses, _ placer: SixelPlacer, _ blockPlacer: TrueColorPlacer, previousOverlay: inout Bool) {
        let frame = app.view(state)
        curses.draw(frame)
        var blocks: [(ImageSlot, RGBImage)] = []
        var images: [(ImageSlot, RGBImage)] = []
        for slot in frame.slots {
            do {
                let image = try effects.image(slot.request)
                if graphics == .sixel { images.append((slot, image)) } else { blocks.append((slot, image)) }
            } catch {
                let text = (error as? RenderError)?.message ?? (error as? ReviewError)?.message ?? "the image cannot be shown"
                for (i, c) in Sanitize.line(text).prefix(slot.area.columns).enumerated() {
                    curses.put(c, row: slot.area.row, column: slot.area.column + i, style: .error)
                }
            }
        }
        var blockCells: [(ImageSlot, [[HalfBlockCell]])] = []
        for (slot, image) in blocks {
            let cells = HalfBlocks.cells(image, columns: image.width, rows: (image.height + 1) / 2)
            blockCells.append((slot, cells))
            for (y, row) in cells.enumerated() where y < slot.area.rows {
                for (x, cell) in row.enumerated() where x < slot.area.columns && !frame[slot.area.column + x, slot.area.row + y].covered {
                    curses.putBlock(row: slot.area.row + y, column: slot.area.column + x,
                                    foreground: cell.foreground256, background: cell.background256)
                }
            }
        }
        // An overlay drawn over an image (or just closed over it) means the image must be sent again.
        let overlay = frame.slots.contains { frame.isCovered($0.area) }
        if overlay || previousOverlay { placer.invalidate(); blockPlacer.invalidate() }
        // Cells under an image that changes are written again, which wipes the old picture (it may be larger).
        // An overlay wipes the images it covers whole: xterm shows blanks written over sixel pixels as black.
        for (slot, _) in images where (overlay && !previousOverlay) || (!overlay && placer.willChange(slot.request.fingerprint, at: slot.area)) {
            curses.redraw(rows: slot.area.row, count: slot.area.rows)
        }
        previousOverlay = overlay
        curses.refresh()
        if trueColor {
            blockPlacer.remove(notIn: blockCells.map(\.0.area))
            for (slot, cells) in blockCells {
                blockPlacer.place(cells, fingerprint: slot.request.fingerprint, at: slot.area) { frame[$0, $1].covered }
            }
        }
        if !overlay {
            placer.remove(notIn: images.map(\.0.area))
            for (slot, image) in images {
                try? placer.place(image, fingerprint: slot.request.fingerprint, at: slot.area)
            }
        }
    }
}

/// Messages from background work (a commit) and signals, taken by the loop between keys.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [Msg] = []
    private var stop = false

    func post(_ msg: Msg) { lock.lock(); messages.append(msg); lock.unlock() }
    func take() -> [Msg] { lock.lock(); defer { messages = []; lock.unlock() }; return messages }
    var isEmpty: Bool { lock.lock(); defer { lock.unlock() }; return messages.isEmpty }
    func interrupt() { lock.lock(); stop = true; lock.unlock() }
    var interrupted: Bool { lock.lock(); defer { lock.unlock() }; return stop }
}
