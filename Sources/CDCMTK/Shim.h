// Shim: what the facade's source files share inside CDCMTK: error text, handle casts, the
// per-thread element index and the ShapeChange every list-changing call holds, and value access.
#ifndef CDCMTK_SHIM_H
#define CDCMTK_SHIM_H

#include "CDCMTK.h"
#include "FileHandle.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"
#include "dcmtk/dcmdata/dcpixel.h"
#include "dcmtk/dcmdata/dcpixseq.h"
#include "dcmtk/dcmdata/dcpxitem.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace shim {

inline void fail(char *err, size_t errlen, const std::string &message) {
    if (err != nullptr && errlen > 0) std::snprintf(err, errlen, "%s", message.c_str());
}

inline void failDCMTK(char *err, size_t errlen, const char *what, const OFCondition &cond) {
    fail(err, errlen, std::string(what) + " (DCMTK: " + cond.text() + ")");
}

inline DcmItem *asItem(cdcm_item *item) { return reinterpret_cast<DcmItem *>(item); }
inline cdcm_item *asHandle(DcmItem *item) { return reinterpret_cast<cdcm_item *>(item); }

// Element lookup by index and by tag. DcmItem::getElement(i) walks the list from its start, and a
// search by tag walks it too, which made a walk by index quadratic and every lookup linear. Each
// thread keeps the element pointers and tags of the last few items it read; an entry is good
// while the item's file has not changed the shape of any of its lists since (its generation).
// Every call that may insert, remove or free elements or items (putElement, clear, remove,
// append_item, convert_to_utf8, save, replace_pixels, adopt_pixel_data, close, clone) holds a
// ShapeChange. A file counts its own changes, uncontended: each file's numbers start 2^32 past
// the last file's, so an entry can match only the very list state it was made from, even where
// a new file reuses a closed one's memory. An item in no tracked file (none is expected) has no
// generation and its entry is made afresh at every lookup.
// (ElementIndex.cpp)
std::atomic<uint64_t> *generationOf(DcmObject *node);

inline uint64_t generationNow(std::atomic<uint64_t> *generation) {
    return generation == nullptr ? 0 : generation->load(std::memory_order_relaxed);
}

inline void shapeChanged(std::atomic<uint64_t> *generation) {
    if (generation != nullptr) generation->fetch_add(1, std::memory_order_relaxed);
}
inline DcmObject *node(cdcm_file *file) { return file == nullptr ? nullptr : &file->format; }
inline DcmObject *node(cdcm_item *item) { return reinterpret_cast<DcmObject *>(item); }

// The first elements of an item, read as far as a lookup needed: after a change, a walk by index
// reads on one element at a time, and a search by tag in a sorted list stops at the tag.
struct ItemIndex {
    DcmItem *item = nullptr;
    uint64_t generation = 0;
    std::vector<DcmElement *> elements;
    std::vector<uint32_t> tags;
    bool sorted = true;
    bool complete = false;

    // Reads one more element; false at the end of the list.
    bool extend() {
        if (complete) return false;
        DcmObject *next = item->nextInContainer(elements.empty() ? nullptr : elements.back());
        if (next == nullptr) { complete = true; return false; }
        const uint32_t tag = uint32_t(next->getGTag()) << 16 | next->getETag();
        if (!tags.empty() && tag < tags.back()) sorted = false;
        elements.push_back(OFstatic_cast(DcmElement *, next));
        tags.push_back(tag);
        return true;
    }
};

// This thread's entry for `item`, made afresh when outdated.
ItemIndex &indexOf(DcmItem *item);
// This thread's entry for `item` if it is up to date, without making one.
ItemIndex *currentIndex(DcmItem *item, uint64_t generation);

// Held for the whole of a changing call: entries made during the call (a lookup before the
// change) retire with those made before it. A call that inserts or removes one element of an
// item keeps that item's entry instead: it edits the entry as DCMTK edits the list (`carried`).
struct ShapeChange {
    explicit ShapeChange(DcmObject *changed) : generation(generationOf(changed)) { shapeChanged(generation); }
    // The entry is taken while it is still current, then the generation moves on.
    ShapeChange(cdcm_item *item, bool keepsIndex) : generation(generationOf(node(item))) {
        if (keepsIndex && item != nullptr) carried = currentIndex(asItem(item), generationNow(generation));
        shapeChanged(generation);
    }
    ~ShapeChange() {
        shapeChanged(generation);
        if (carried != nullptr) carried->generation = generationNow(generation);
    }
    std::atomic<uint64_t> *generation;
    // The entry, when its item's list was read at the generation before this call.
    ItemIndex *carried = nullptr;

    void removed(size_t index) {
        if (carried == nullptr) return;
        if (index < carried->elements.size()) {
            carried->elements.erase(carried->elements.begin() + long(index));
            carried->tags.erase(carried->tags.begin() + long(index));
        }
    }

    void inserted(DcmElement *element) {
        if (carried == nullptr) return;
        ItemIndex &entry = *carried;
        const uint32_t tag = uint32_t(element->getGTag()) << 16 | element->getETag();
        if (!entry.sorted) { drop(); return; }
        auto at = std::lower_bound(entry.tags.begin(), entry.tags.end(), tag);
        // Past the elements read so far: the list there is read when a lookup gets to it.
        if (at == entry.tags.end() && !entry.complete) return;
        const long position = long(at - entry.tags.begin());
        if (at != entry.tags.end() && *at == tag) {
            entry.elements[size_t(position)] = element; // it replaced the element with its tag
        } else {
            entry.tags.insert(at, tag);
            entry.elements.insert(entry.elements.begin() + position, element);
        }
    }

    void drop() {
        if (carried != nullptr) carried->item = nullptr;
        carried = nullptr;
    }
};

// The element at `index` of the item, through this thread's index.
DcmElement *elementAt(cdcm_item *handle, size_t index);

// The entries of `sequence` that are `Entry`s, in order, stepping along the list: getItem(i)
// seeks from the list's start each time, which made a loop over a cine's fragments or over an
// enhanced multi-frame's per-frame items quadratic (a 5000-frame cine's decode took minutes).
template <typename Entry> std::vector<Entry *> entriesOf(DcmSequenceOfItems *sequence) {
    std::vector<Entry *> entries;
    if (sequence == nullptr) return entries;
    entries.reserve(sequence->card());
    for (DcmObject *o = sequence->nextInContainer(nullptr); o != nullptr; o = sequence->nextInContainer(o))
        if (auto *entry = dynamic_cast<Entry *>(o)) entries.push_back(entry);
    return entries;
}

// The items of encapsulated Pixel Data in order, the Basic Offset Table first.
inline std::vector<DcmPixelItem *> pixelItems(DcmPixelSequence *sequence) { return entriesOf<DcmPixelItem>(sequence); }

// The tracked format of the file `node` lies in (nullptr for none).
TrackedFileFormat *formatOf(DcmObject *node);

// Every facade call that edits the element `tag` of `item` calls this first: when `item` is a
// file's dataset and `tag` is its Pixel Data or an element its geometry is read from, the file's
// room of new Pixel Data goes (TrackedFileFormat::replacement), and with it the frames decoded
// there. The decoded frames can then never outlive the pixels they were decoded from.
void pixelsEdited(DcmObject *item, const DcmTagKey &tag);
#if DEBUG
// Aborts unless the entry's first `count` elements are the item's list as it is now.
void checkCurrent(DcmItem *item, const ItemIndex &entry, size_t count);
#endif

// Values (CDCMTK.cpp).
// The VR a DICOM writer would use: DCMTK's internal ones (ox, xs, lt, up...) become standard ones.
DcmEVR standardVR(const DcmElement *element);
bool isStringVR(DcmEVR vr);
// The element as its string or Pixel Data class, or nullptr: told by its class's ident, which
// costs one virtual call where dynamic_cast walked the class hierarchy (a thirtieth of a header
// file's work went there).
DcmByteString *asByteString(DcmElement *element);
DcmPixelData *asPixelData(DcmElement *element);
bool isEncapsulatedPixelData(DcmElement *element);
// The value of a binary element, as DCMTK holds it (in local byte order).
OFCondition rawBinaryValue(DcmElement *element, const uint8_t **out);


// `len` bytes as values of T, copied to aligned memory.
template <typename T>
std::vector<T> aligned(const uint8_t *bytes, size_t len) {
    std::vector<T> values(len / sizeof(T));
    if (!values.empty()) std::memcpy(values.data(), bytes, values.size() * sizeof(T));
    return values;
}

} // namespace shim

#endif
