// dcmtk_floor: the least work a header de-identifier built on DCMTK does per file, as a reference
// row of the header bench (not a de-identifier: it leaves most of what the profile removes).
//
//   dcmtk_floor [--check] SRC OUT
//
// Every file under SRC is loaded whole with DcmFileFormat::loadFile, 24 Basic Profile attributes
// of the dataset are emptied, SOP Instance UID is replaced (std::hash, not a keyed hash) in the
// dataset and the meta header, and the file is saved under OUT at its relative path, in its own
// transfer syntax. With --check each output is also read back and parsed again up to its Pixel Data,
// and every element's value is searched for five of its source's values (the independent check
// dcmscrub makes of every output, reduced to a byte search). Prints how many outputs were
// written and, with --check, how many still hold a source value (most do: private elements and
// sequences are not touched).
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>
#include <dcmtk/oflog/oflog.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <ftw.h>
#include <sys/stat.h>

namespace {

const DcmTagKey emptied[] = {
    DCM_PatientName, DCM_PatientID, DCM_PatientBirthDate, DCM_PatientSex, DCM_PatientAge,
    DCM_InstitutionName, DCM_InstitutionAddress, DCM_ReferringPhysicianName, DCM_StationName,
    DCM_StudyID, DCM_AccessionNumber, DCM_OperatorsName, DCM_PerformingPhysicianName,
    DCM_StudyDate, DCM_SeriesDate, DCM_AcquisitionDate, DCM_ContentDate, DCM_StudyTime,
    DCM_SeriesTime, DCM_ContentTime, DCM_AcquisitionTime, DCM_DeviceSerialNumber,
    DCM_StudyDescription, DCM_SeriesDescription};
const DcmTagKey searched[] = {DCM_PatientName, DCM_PatientID, DCM_PatientBirthDate,
                              DCM_InstitutionName, DCM_ReferringPhysicianName};

std::vector<std::string> sources;

int collect(const char *path, const struct stat *, int type, struct FTW *) {
    if (type == FTW_F) sources.emplace_back(path);
    return 0;
}

void makeParents(const std::string &path) {
    for (size_t at = path.find('/', 1); at != std::string::npos; at = path.find('/', at + 1))
        mkdir(path.substr(0, at).c_str(), 0755);
}

// True when a value of the output (read back from `out`, up to its Pixel Data, as dcmscrub's check
// reads it) holds one of `needles`.
bool holdsSourceValue(const std::string &out, const std::vector<std::string> &needles) {
    DcmFileFormat back;
    if (back.loadFileUntilTag(out.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect, DCM_PixelData).bad())
        return true;  // fail closed, as a check would
    DcmStack stack;
    while (back.getDataset()->nextObject(stack, OFTrue).good()) {
        DcmObject *object = stack.top();
        if (!object->isLeaf() || object->getTag() == DCM_PixelData) continue;
        auto *element = OFstatic_cast(DcmElement *, object);
        char *text = nullptr;
        Uint8 *raw = nullptr;
        if (element->getString(text).bad() || text == nullptr) element->getUint8Array(raw);
        const void *value = text ? static_cast<const void *>(text) : raw;
        Uint32 length = element->getLength();
        if (value == nullptr) continue;
        for (const auto &needle : needles)
            if (memmem(value, length, needle.data(), needle.size())) return true;
    }
    return false;
}

}  // namespace

int main(int argc, char **argv) {
    bool check = argc > 1 && std::strcmp(argv[1], "--check") == 0;
    if (argc != 3 + check) {
        std::fprintf(stderr, "usage: dcmtk_floor [--check] SRC OUT\n");
        return 2;
    }
    OFLog::configure(OFLogger::ERROR_LOG_LEVEL);  // reading up to Pixel Data warns for every file
    std::string src = argv[1 + check], out = argv[2 + check];
    while (src.size() > 1 && src.back() == '/') src.pop_back();
    if (nftw(src.c_str(), collect, 64, FTW_PHYS) != 0) {
        std::fprintf(stderr, "dcmtk_floor: cannot walk %s\n", src.c_str());
        return 1;
    }
    size_t written = 0, holding = 0, failed = 0;
    for (const auto &path : sources) {
        DcmFileFormat file;
        if (file.loadFile(path.c_str()).bad()) { failed++; continue; }
        DcmDataset *dataset = file.getDataset();
        std::vector<std::string> needles;
        for (const auto &tag : searched) {
            OFString value;
            if (dataset->findAndGetOFStringArray(tag, value).good() && value.length() >= 3) needles.emplace_back(value.c_str());
        }
        for (const auto &tag : emptied) dataset->putAndInsertString(tag, "");
        dataset->putAndInsertString(DCM_PatientIdentityRemoved, "YES");
        const char *uid = nullptr;
        if (dataset->findAndGetString(DCM_SOPInstanceUID, uid).good() && uid) {
            std::string replaced = "2.25." + std::to_string(std::hash<std::string>{}(uid));
            dataset->putAndInsertString(DCM_SOPInstanceUID, replaced.c_str());
            file.getMetaInfo()->putAndInsertString(DCM_MediaStorageSOPInstanceUID, replaced.c_str());
        }
        std::string target = out + path.substr(src.size());
        makeParents(target);
        if (file.saveFile(target.c_str(), EXS_Unknown).bad()) { failed++; continue; }
        written++;
        if (check && holdsSourceValue(target, needles)) holding++;
    }
    std::printf("%zu written, %zu failed", written, failed);
    if (check) std::printf(", %zu still hold a source value", holding);
    std::printf("\n");
    return failed ? 1 : 0;
}
