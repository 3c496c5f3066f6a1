#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/base/status_macros.h"
#include "libs/ledger/change_set.h"
#include "libs/ledger/enrolment.h"
#include "libs/ledger/program.h"
#include "libs/pg/params.h"
#include "libs/pg/transaction.h"
#include "libs/rpc/validate.h"
#include "libs/store/context.h"
#include "libs/store/idempotency.h"
#include "loyalty/v1/admin.pb.h"

namespace loyalty::command {

// What several admin use cases share (defined in shared.cc).

// ---- Everything admin ------------------------------------------

// ALREADY_EXISTS for an admin create of an id that is taken, with reason "<WHAT>_ALREADY_EXISTS"
// (`what` as in NotFound: "org", "program", "point type", ...).
absl::Status AlreadyExists(absl::string_view what, absl::string_view id);

// Reads run in one snapshot: a read-only repeatable-read transaction sees the several SELECTs of a
// program or member consistently and never fails with a serialization conflict.
absl::Status RunRead(const store::Context& context,
                     const std::function<absl::Status(pg::Transaction&)>& body);

// Page tokens of listings by id (programs, partners): the last id of the page, encoded.
std::string EncodeIdPageToken(const std::string& last_id);
// INVALID_ARGUMENT naming page_token when it is not such a token.
absl::StatusOr<std::string> DecodeIdPageToken(const std::string& token);

// Reads an organisation into `response`; NOT_FOUND when unknown.
absl::Status LoadOrganisation(pg::Transaction& tx, const std::string& org_id,
                              v1::Organisation* response);

// ---- Program changes -------------------------------------------

// The fields every request that changes one program carries.
template <typename Request>
absl::Status ValidateProgramTarget(const Request& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("idempotency_key", request.idempotency_key()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  return rpc::ValidateId("program_id", request.program_id());
}

absl::Status LoadProgramInto(pg::Transaction& tx, const std::string& org_id,
                             const std::string& program_id, v1::Program* response);

// Locks the program row and returns its status; NOT_FOUND names the org when the org is unknown.
absl::StatusOr<std::string> LockProgram(pg::Transaction& tx, const std::string& org_id,
                                        const std::string& program_id);

absl::Status RequireNotClosed(const std::string& status, const std::string& program_id);

using ProgramChange = std::function<absl::Status(pg::Transaction&, const std::string& status)>;

// Runs `change` once per idempotency key under the program's row lock, then answers the program
// as it is after the change.
template <typename Request>
absl::Status ChangeProgram(const store::Context& context, absl::string_view method,
                           const Request& request, v1::Program* response,
                           const ProgramChange& change) {
  return store::RunCommand(
      context, method, request.org_id(), request.idempotency_key(), request, response,
      [&](pg::Transaction& tx) -> absl::Status {
        LOYALTY_ASSIGN_OR_RETURN(std::string status,
                                 LockProgram(tx, request.org_id(), request.program_id()));
        LOYALTY_RETURN_IF_ERROR(change(tx, status));
        return LoadProgramInto(tx, request.org_id(), request.program_id(), response);
      });
}

// ---- Members -----------------------------------------------------

// Member kinds as stored in members.kind.
inline constexpr char kIndividual[] = "individual";
inline constexpr char kHousehold[] = "household";

// The fields every request about one member carries.
template <typename Request>
absl::Status ValidateMemberTarget(const Request& request) {
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateKey("idempotency_key", request.idempotency_key()));
  LOYALTY_RETURN_IF_ERROR(rpc::ValidateId("org_id", request.org_id()));
  return rpc::ValidateId("member_id", request.member_id());
}

// The member with its enrolments and its open household membership at `now`.
absl::Status LoadMemberInto(pg::Transaction& tx, const std::string& org_id,
                            const std::string& member_id, absl::Time now, v1::Member* response);

// Decides the enrolment of a member (locked by the caller, or created in this transaction) in a
// program at `now` (ledger::DecideEnrolment) and adds its changes to `changes`.
absl::Status Enrol(pg::Transaction& tx, const std::string& org_id, const std::string& member_id,
                   const std::string& program_id, ledger::ClosedProgram closed, absl::Time now,
                   ledger::ChangeSet* changes);

// Writes the enrolments as an operation of their own, published to the read side (outbox), in
// the transaction that decided them. Nothing when there are none.
absl::Status WriteEnrolments(pg::Transaction& tx, const std::string& org_id,
                             const store::Context& context, absl::Time now,
                             const ledger::ChangeSet& enrolments);

}  // namespace loyalty::command
