// FFmpegProcess: one ffmpeg child fed raw frames through its stdin, with its stderr kept for a one-line error.
import Foundation

final class FFmpegProcess {
    private let pid: pid_t
    /// Our end of the socket that is ffmpeg's stdin; -1 once closed.
    private var input: Int32
    /// Our end of the socket that is ffmpeg's stderr; -1 at end of file.
    private var errors: Int32
    private var errorText: [UInt8] = []
    private var finished = false
    /// Strings that must not appear in an error message (the output folder can carry a name).
    private let hidden: [String]

    /// Only the first bytes of ffmpeg's complaints are kept: the first line says what went wrong.
    private static let errorLimit = 4096

    /// Starts `executable` with `arguments`. Its stdin is a socket rather than a pipe so that a write
    /// after ffmpeg died returns EPIPE (MSG_NOSIGNAL) instead of raising SIGPIPE in the whole batch;
    /// every descriptor is close-on-exec, so a worker's stdin never leaks into another worker's
    /// ffmpeg (which would keep it from ever seeing the end of its input).
    init(executable: String, arguments: [String], hiding hidden: [String]) throws {
        self.hidden = hidden.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        // Sockets for stderr too: socketpair takes SOCK_CLOEXEC, and Swift does not see pipe2.
        let kind = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        var socket: [Int32] = [-1, -1], pipe: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, kind, 0, &socket) == 0 else {
            throw EngineError(.io, "cannot create a socket for ffmpeg (errno \(errno))")
        }
        guard socketpair(AF_UNIX, kind, 0, &pipe) == 0 else {
            let code = errno
            close(socket[0]); close(socket[1])
            throw EngineError(.io, "cannot create a socket for ffmpeg (errno \(code))")
        }
        defer { close(socket[1]); close(pipe[1]) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on the copy, so only these three reach ffmpeg.
        posix_spawn_file_actions_adddup2(&actions, socket[1], 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 2)

        let argv = ([executable] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv + [nil], environ)
        guard status == 0 else {
            close(socket[0]); close(pipe[0])
            throw EngineError(.io, "cannot start ffmpeg (errno \(status))")
        }
        self.pid = pid
        input = socket[0]
        errors = pipe[0]
        _ = fcntl(errors, F_SETFL, fcntl(errors, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        // Reached without finish() only when the caller threw: stop ffmpeg and reap it.
        if !finished {
            if input >= 0 { close(input) }
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        if errors >= 0 { close(errors) }
    }

    /// Sends `bytes` to ffmpeg's stdin, reading its stderr meanwhile so that neither side can block
    /// the other. Throws ffmpeg's own error when it stops reading.
    func write(_ bytes: [UInt8]) throws {
        guard input >= 0 else { throw EngineError(.write, "ffmpeg input is already closed") }
        var offset = 0
        while offset < bytes.count {
            var fds = [pollfd(fd: input, events: Int16(POLLOUT), revents: 0),
                       pollfd(fd: errors, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                throw EngineError(.io, "cannot wait for ffmpeg (errno \(errno))")
            }
            if fds[1].revents != 0 { readErrors() }
            guard fds[0].revents != 0 else { continue }
            let n = bytes.withUnsafeBytes { raw in
                send(input, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            }
            if n > 0 {
                offset += n
            } else if n < 0 && (errno == EAGAIN || errno == EINTR) {
                continue
            } else {
                // ffmpeg closed its input: it failed; its exit status and stderr say why.
                try finish()
                throw EngineError(.write, "ffmpeg stopped reading its input")
            }
        }
    }

    /// Closes ffmpeg's input, waits for it and throws a one-line error unless it exited with 0.
    func finish() throws {
        guard !finished else { return }
        finished = true
        if input >= 0 { close(input); input = -1 }
        if errors >= 0 {
            _ = fcntl(errors, F_SETFL, fcntl(errors, F_GETFL) & ~O_NONBLOCK)
            while errors >= 0 { readErrors() }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw EngineError(.io, "cannot wait for ffmpeg (errno \(errno))") }
        }
        // The wait status macros do not import into Swift: low 7 bits signal, next byte exit code.
        let signal = status & 0x7F, code = (status >> 8) & 0xFF
        guard signal != 0 || code != 0 else { return }
        let what = signal != 0 ? "ffmpeg was killed by signal \(signal)" : "ffmpeg failed (exit \(code))"
        let detail = message()
        throw EngineError(.write, detail.isEmpty ? what : "\(what): \(detail)")
    }

    private func readErrors() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = read(errors, &buffer, buffer.count)
        if n > 0 {
            if errorText.count < Self.errorLimit { errorText += buffer.prefix(min(n, Self.errorLimit - errorText.count)) }
        } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
            close(errors)
            errors = -1
        }
    }

    /// ffmpeg's stderr as one short line: paths replaced, control characters dropped. ffmpeg only
    /// ever sees raw pixels, so what it can say about the file is its size and format.
    private func message() -> String {
        var text = String(decoding: errorText, as: UTF8.self)
        for value in hidden { text = text.replacingOccurrences(of: value, with: "<output>") }
        let lines = text.split(whereSeparator: { $0.isNewline }).map { line in
            String(line.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
                .trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        let joined = lines.joined(separator: "; ")
        return joined.count > 300 ? String(joined.prefix(300)) + "…" : joined
    }
}
