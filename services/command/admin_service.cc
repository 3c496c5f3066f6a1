#include "services/command/admin_service.h"

#include "services/command/admin/rpcs.h"

namespace loyalty::command {

AdminService::AdminService(const store::Context& context, rpc::RpcMetrics& metrics,
                           rpc::CallLimits limits, rpc::AccessControl* access)
    : ContextService("loyalty.v1.AdminService", "admin", context, metrics, limits, access) {
  Serve("CreateOrganisation", &command::CreateOrganisation);
  Serve("GetOrganisation", &command::GetOrganisation);
  Serve("CreateProgram", &command::CreateProgram);
  Serve("GetProgram", &command::GetProgram);
  Serve("ListPrograms", &command::ListPrograms);
  Serve("UpdateProgramRules", &command::UpdateProgramRules);
  Serve("AddPointType", &command::AddPointType);
  Serve("AddSubtype", &command::AddSubtype);
  Serve("AddTier", &command::AddTier);
  Serve("AddAction", &command::AddAction);
  Serve("ActivateProgram", &command::ActivateProgram);
  Serve("CloseProgram", &command::CloseProgram);
  Serve("SetDefaultProgram", &command::SetDefaultProgram);
  Serve("CreateMember", &command::CreateMember);
  Serve("GetMember", &command::GetMember);
  Serve("SetMemberStatus", &command::SetMemberStatus);
  Serve("EnrolMember", &command::EnrolMember);
  Serve("JoinHousehold", &command::JoinHousehold);
  Serve("LeaveHousehold", &command::LeaveHousehold);
  Serve("SetHouseholdRollup", &command::SetHouseholdRollup);
  Serve("CreatePartner", &command::CreatePartner);
  Serve("GetPartner", &command::GetPartner);
  Serve("ListPartners", &command::ListPartners);
  Serve("SetPartnerStatus", &command::SetPartnerStatus);
  Serve("DefineBadge", &command::DefineBadge);
  Serve("GetBadge", &command::GetBadge);
}

}  // namespace loyalty::command
