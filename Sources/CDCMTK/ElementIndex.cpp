// ElementIndex: element lookup by index and by tag through a per-thread index of recent items (see Shim.h).
#include "Shim.h"

namespace shim {

std::atomic<uint64_t> filesMade{0};

TrackedFileFormat *formatOf(DcmObject *node) {
    DcmObject *top = node;
    for (DcmObject *up = top == nullptr ? nullptr : top->getParent(); up != nullptr; up = up->getParent()) top = up;
    // Every handle the facade gives out lies in a cdcm_file, whose format is tracked.
    return top != nullptr && top->ident() == EVR_fileFormat ? static_cast<TrackedFileFormat *>(top) : nullptr;
}

std::atomic<uint64_t> *generationOf(DcmObject *node) {
    TrackedFileFormat *format = formatOf(node);
    return format == nullptr ? nullptr : &format->generation;
}

// A walk holds the dataset and the items of the sequences it is in; eight cover deep nesting.
constexpr unsigned indexSlots = 8;
thread_local ItemIndex itemIndexes[indexSlots];
thread_local unsigned nextIndexSlot = 0;

ItemIndex &indexOf(DcmItem *item) {
    const uint64_t generation = generationNow(generationOf(item));
    for (ItemIndex &entry : itemIndexes) {
        if (generation != 0 && entry.item == item && entry.generation == generation) return entry;
    }
    ItemIndex *entry = nullptr;
    for (ItemIndex &candidate : itemIndexes) {
        if (candidate.item == item) entry = &candidate; // this item's outdated entry
    }
    if (entry == nullptr) entry = &itemIndexes[nextIndexSlot++ % indexSlots];
    entry->item = item;
    entry->generation = generation;
    entry->elements.clear();
    entry->tags.clear();
    entry->sorted = true;
    entry->complete = false;
    return *entry;
}

// This thread's entry for `item` if it is up to date, without making one.
ItemIndex *currentIndex(DcmItem *item, uint64_t generation) {
    for (ItemIndex &entry : itemIndexes) {
        if (generation != 0 && entry.item == item && entry.generation == generation) return &entry;
    }
    return nullptr;
}

DcmElement *elementAt(cdcm_item *handle, size_t index) {
    if (handle == nullptr) return nullptr;
    ItemIndex &entry = indexOf(asItem(handle));
    while (entry.elements.size() <= index && entry.extend()) {}
    DcmElement *element = index < entry.elements.size() ? entry.elements[index] : nullptr;
#if DEBUG
    checkCurrent(asItem(handle), entry, index + 1);
#endif
    return element;
}

#if DEBUG
// Debug builds (the tests) compare an entry with the list it stands for before it is used: a call
// that let DCMTK change a list without a ShapeChange stops the process here, whatever the
// allocator has done with the freed elements (glibc leaves them readable, mimalloc does not).
void checkCurrent(DcmItem *item, const ItemIndex &entry, size_t count) {
    DcmObject *listed = nullptr;
    for (size_t i = 0; i < count && i < entry.elements.size(); i++) {
        listed = item->nextInContainer(listed);
        if (listed != entry.elements[i]) {
            std::fprintf(stderr, "CDCMTK: element index out of date at %zu (a list changed without a ShapeChange)\n", i);
            std::abort();
        }
    }
}
#endif

} // namespace shim

TrackedFileFormat::TrackedFileFormat() : generation((shim::filesMade.fetch_add(1, std::memory_order_relaxed) + 1) << 32) {}
