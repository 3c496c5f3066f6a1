#include <algorithm>
#include <vector>

#include "libs/base/refusal.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/program.h"
#include "libs/rpc/validate.h"
#include "libs/store/catalog.h"
#include "services/command/admin/program_rules.h"
#include "services/command/admin/rpcs.h"
#include "services/command/admin/shared.h"

namespace loyalty::command {
// An org runs a handful of programs: the catalogue reads them all in five queries and the page
// bounds the response. Paging compares ids bytewise here, whatever the database's collation.
absl::Status ListPrograms(const store::Context& context, const v1::ListProgramsRequest& request,
                          v1::ListProgramsResponse* response) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  LOYALTY_RETURN_IF_ERROR(
      rpc::ValidateRange("page_size", request.page_size(), 0, kMaxProgramPageSize));
  const size_t page_size =
      static_cast<size_t>(request.page_size() == 0 ? kDefaultProgramPageSize : request.page_size());
  std::string after;
  if (!request.page_token().empty()) {
    LOYALTY_ASSIGN_OR_RETURN(after, DecodeIdPageToken(request.page_token()));
  }
  return RunRead(context, [&](pg::Transaction& tx) -> absl::Status {
    response->Clear();
    LOYALTY_ASSIGN_OR_RETURN(std::vector<ledger::ProgramConfig> programs,
                             store::LoadPrograms(tx, request.org_id()));
    std::sort(programs.begin(), programs.end(),
              [](const ledger::ProgramConfig& a, const ledger::ProgramConfig& b) {
                return a.program_id < b.program_id;
              });
    auto next = std::upper_bound(
        programs.begin(), programs.end(), after,
        [](const std::string& id, const ledger::ProgramConfig& p) { return id < p.program_id; });
    for (; next != programs.end() && static_cast<size_t>(response->programs_size()) < page_size;
         ++next) {
      ToProto(*next, response->add_programs());
    }
    if (next != programs.end()) {
      response->set_next_page_token(
          EncodeIdPageToken(response->programs(response->programs_size() - 1).program_id()));
    }
    return absl::OkStatus();
  });
}

}  // namespace loyalty::command
