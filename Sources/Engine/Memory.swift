// Memory: how the process's allocator keeps freed memory.
import CDCMTK

public enum Memory {
    /// Blocks up to 64 MiB come from the heap, and freed memory stays with the allocator instead
    /// of going back to the kernel after every file. Call once, at start, before threads.
    public static func keepFreedBlocks() {
        cdcm_keep_freed_memory()
    }
}
