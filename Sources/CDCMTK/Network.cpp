// Network: C-ECHO, C-STORE and C-FIND with DCMTK's dcmnet (DcmSCU and DcmStorageSCU), for `dcmscrub push`.
#include "Shim.h"

#include "dcmtk/dcmnet/diutil.h"
#include "dcmtk/dcmnet/dstorscu.h"
#include "dcmtk/dcmnet/scu.h"

#include <string>
#include <unordered_map>

using namespace shim;

namespace {

// DcmStorageSCU's private "pending" statuses for an instance it could not send: no accepted
// presentation context (0xFFFF), no dataset (0xFFFE). Both mean "not stored".
constexpr Uint16 kNoPresentationContext = 0xFFFF;
constexpr Uint16 kInvalidDataset = 0xFFFE;

// The settings every association shares: who we are, whom we call, how long we wait.
void configure(DcmSCU &scu, const cdcm_peer *peer) {
    scu.setAETitle(peer->calling_aet);
    scu.setPeerAETitle(peer->called_aet);
    scu.setPeerHostName(peer->host);
    scu.setPeerPort(peer->port);
    const Uint32 timeout = peer->timeout_seconds > 0 ? static_cast<Uint32>(peer->timeout_seconds) : 30;
    scu.setConnectionTimeout(static_cast<Sint32>(timeout));
    scu.setACSETimeout(timeout);
    scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
    scu.setDIMSETimeout(timeout);
}

// The PACS's own words for a refused association ("called AE title not recognized"), when it said any.
std::string associationFailure(const OFCondition &cond) {
    if (cond == NET_EC_NoAcceptablePresentationContexts)
        return "the PACS accepted none of the proposed SOP classes and transfer syntaxes";
    if (cond == DUL_ASSOCIATIONREJECTED) return "the PACS rejected the association (check the AE titles)";
    return std::string("no association with the PACS (DCMTK: ") + cond.text() + ")";
}

// Opens an association offering one service class in the two little-endian syntaxes. Returns 0,
// or -1 with the reason in err.
int associate(DcmSCU &scu, const cdcm_peer *peer, const char *abstractSyntax, char *err, size_t errlen) {
    configure(scu, peer);
    OFList<OFString> syntaxes;
    syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
    syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
    scu.addPresentationContext(abstractSyntax, syntaxes);
    OFCondition cond = scu.initNetwork();
    if (cond.bad()) { failDCMTK(err, errlen, "cannot start the network layer", cond); return -1; }
    cond = scu.negotiateAssociation();
    if (cond.bad()) { fail(err, errlen, associationFailure(cond)); return -1; }
    return 0;
}

// A storage SCU that reports each instance's DIMSE status to its caller's slot.
class ReportingStorageSCU : public DcmStorageSCU {
public:
    ReportingStorageSCU(int32_t *statuses, void (*progress)(void *, size_t), void *context)
        : statuses_(statuses), progress_(progress), context_(context) {}

    void remember(const std::string &path, size_t index) { indexes_[path] = index; }

protected:
    void notifySOPInstanceSent(const TransferEntry &entry) override {
        auto found = indexes_.find(std::string(entry.Filename.getCharPointer()));
        if (found == indexes_.end()) return;
        if (entry.ResponseStatusCode == kNoPresentationContext) {
            statuses_[found->second] = CDCM_STORE_NO_CONTEXT;
        } else if (!entry.RequestSent || entry.ResponseStatusCode == kInvalidDataset) {
            statuses_[found->second] = CDCM_STORE_NOT_SENT;
        } else {
            statuses_[found->second] = entry.ResponseStatusCode;
        }
        if (progress_ != nullptr) progress_(context_, found->second);
    }

private:
    int32_t *statuses_;
    void (*progress_)(void *, size_t);
    void *context_;
    std::unordered_map<std::string, size_t> indexes_;
};

} // namespace

int cdcm_echo(const cdcm_peer *peer, char *err, size_t errlen) {
    DcmSCU scu;
    if (associate(scu, peer, UID_VerificationSOPClass, err, errlen) != 0) return -1;
    OFCondition cond = scu.sendECHORequest(0);
    scu.releaseAssociation();
    if (cond.bad()) { failDCMTK(err, errlen, "the PACS did not answer C-ECHO", cond); return -1; }
    return 0;
}

int cdcm_store(const cdcm_peer *peer, const char *const *paths, size_t count, int decode_lossless,
               int32_t *statuses, void (*progress)(void *context, size_t index), void *context,
               char *err, size_t errlen) {
    ReportingStorageSCU scu(statuses, progress, context);
    configure(scu, peer);
    // Without decoding, a compressed file is proposed in its own transfer syntax only (which the
    // standard calls an illegal proposal when no context offers the default one): a PACS that
    // would accept it then cannot pick uncompressed instead, as Orthanc does when offered both.
    // With decoding, uncompressed syntaxes are offered too for lossless files, and DcmSCU
    // converts on the way. Lossy ones are never decoded.
    scu.setDecompressionMode(decode_lossless ? DcmStorageSCU::DM_losslessOnly : DcmStorageSCU::DM_never);
    scu.setAllowIllegalProposalMode(decode_lossless ? OFFalse : OFTrue);
    scu.setDatasetConversionMode(OFTrue);
    scu.setHaltOnUnsuccessfulStoreMode(OFFalse);
    scu.setHaltOnInvalidFileMode(OFFalse);
    size_t added = 0;
    for (size_t i = 0; i < count; ++i) {
        statuses[i] = CDCM_STORE_NOT_SENT;
        OFCondition cond = scu.addDicomFile(OFFilename(paths[i]), ERM_fileOnly, OFTrue);
        if (cond.bad()) {
            statuses[i] = CDCM_STORE_UNREADABLE;
            continue;
        }
        scu.remember(paths[i], i);
        ++added;
    }
    if (added == 0) return 0;
    OFCondition cond;
    std::string failure;
    // Up to 128 presentation contexts fit one association; DcmStorageSCU hands out the next
    // batch each time round, until every instance has been tried.
    while ((cond = scu.addPresentationContexts()).good()) {
        cond = scu.initNetwork();
        if (cond.bad()) { failure = std::string("cannot start the network layer (DCMTK: ") + cond.text() + ")"; break; }
        cond = scu.negotiateAssociation();
        if (cond.bad()) {
            failure = associationFailure(cond);
            if (cond == NET_EC_NoAcceptablePresentationContexts && scu.getNumberOfSOPInstancesToBeSent() > 0) continue;
            break;
        }
        cond = scu.sendSOPInstances();
        if (cond.bad() && cond != NET_EC_NoSOPInstancesToSend) {
            failure = std::string("the association broke while sending (DCMTK: ") + cond.text() + ")";
            scu.abortAssociation();
            break;
        }
        scu.releaseAssociation();
    }
    if (!failure.empty()) { fail(err, errlen, failure); return -1; }
    return 0;
}

int cdcm_find_instances(const cdcm_peer *peer, const char *const *studies, const char *const *series,
                        const char *const *instances, size_t count,
                        void (*found)(void *context, size_t query, const char *sop_instance_uid), void *context,
                        char *err, size_t errlen) {
    if (count == 0) return 0;
    DcmSCU scu;
    if (associate(scu, peer, UID_FINDStudyRootQueryRetrieveInformationModel, err, errlen) != 0) return -1;
    OFCondition cond;
    const T_ASC_PresentationContextID context_id =
        scu.findAnyPresentationContextID(UID_FINDStudyRootQueryRetrieveInformationModel, UID_LittleEndianExplicitTransferSyntax);
    if (context_id == 0) {
        scu.releaseAssociation();
        fail(err, errlen, "the PACS does not answer study-root C-FIND");
        return -1;
    }
    // One association for every query: opening one costs the PACS about as much as answering.
    int result = 0;
    for (size_t q = 0; q < count && result == 0; ++q) {
        DcmDataset query;
        query.putAndInsertString(DCM_QueryRetrieveLevel, "IMAGE");
        query.putAndInsertString(DCM_StudyInstanceUID, studies[q]);
        query.putAndInsertString(DCM_SeriesInstanceUID, series[q]);
        query.putAndInsertString(DCM_SOPInstanceUID, instances != nullptr && instances[q] != nullptr ? instances[q] : "");
        OFList<QRResponse *> responses;
        cond = scu.sendFINDRequest(context_id, &query, &responses);
        if (cond.bad()) {
            failDCMTK(err, errlen, "C-FIND failed", cond);
            result = -1;
        }
        for (QRResponse *response : responses) {
            if (result == 0 && DICOM_PENDING_STATUS(response->m_status)) {
                OFString uid;
                if (response->m_dataset != nullptr &&
                    response->m_dataset->findAndGetOFString(DCM_SOPInstanceUID, uid).good() && !uid.empty())
                    found(context, q, uid.c_str());
            } else if (result == 0 && response->m_status == STATUS_FIND_Cancel_MatchingTerminatedDueToCancelRequest) {
                // The PACS cut the list short (Orthanc at LimitFindInstances): the matches so far stand.
                found(context, q, nullptr);
            } else if (result == 0 && response->m_status != STATUS_Success) {
                fail(err, errlen, "the PACS answered C-FIND with status " + std::to_string(response->m_status));
                result = -1;
            }
            delete response;
        }
    }
    if (result == 0) scu.releaseAssociation(); else scu.abortAssociation();
    return result;
}
