#include "services/command/admin_service.h"

#include "services/command/admin_members.h"
#include "services/command/admin_programs.h"

namespace loyalty::command {

grpc::Status AdminService::CreateOrganisation(grpc::ServerContext*,
                                              const v1::CreateOrganisationRequest* request,
                                              v1::Organisation* response) {
  return metrics_.Observe("AdminService/CreateOrganisation",
                          [&] {
                            return command::CreateOrganisation(context_, *request, response);
                          });
}

grpc::Status AdminService::GetOrganisation(grpc::ServerContext*,
                                           const v1::GetOrganisationRequest* request,
                                           v1::Organisation* response) {
  return metrics_.Observe("AdminService/GetOrganisation",
                          [&] { return command::GetOrganisation(context_, *request, response); });
}

grpc::Status AdminService::CreateProgram(grpc::ServerContext*,
                                         const v1::CreateProgramRequest* request,
                                         v1::Program* response) {
  return metrics_.Observe("AdminService/CreateProgram",
                          [&] { return command::CreateProgram(context_, *request, response); });
}

grpc::Status AdminService::GetProgram(grpc::ServerContext*, const v1::GetProgramRequest* request,
                                      v1::Program* response) {
  return metrics_.Observe("AdminService/GetProgram",
                          [&] { return command::GetProgram(context_, *request, response); });
}

grpc::Status AdminService::ListPrograms(grpc::ServerContext*,
                                        const v1::ListProgramsRequest* request,
                                        v1::ListProgramsResponse* response) {
  return metrics_.Observe("AdminService/ListPrograms",
                          [&] { return command::ListPrograms(context_, *request, response); });
}

grpc::Status AdminService::UpdateProgramRules(grpc::ServerContext*,
                                              const v1::UpdateProgramRulesRequest* request,
                                              v1::Program* response) {
  return metrics_.Observe("AdminService/UpdateProgramRules",
                          [&] {
                            return command::UpdateProgramRules(context_, *request, response);
                          });
}

grpc::Status AdminService::AddPointType(grpc::ServerContext*,
                                        const v1::AddPointTypeRequest* request,
                                        v1::Program* response) {
  return metrics_.Observe("AdminService/AddPointType",
                          [&] { return command::AddPointType(context_, *request, response); });
}

grpc::Status AdminService::AddSubtype(grpc::ServerContext*, const v1::AddSubtypeRequest* request,
                                      v1::Program* response) {
  return metrics_.Observe("AdminService/AddSubtype",
                          [&] { return command::AddSubtype(context_, *request, response); });
}

grpc::Status AdminService::AddTier(grpc::ServerContext*, const v1::AddTierRequest* request,
                                   v1::Program* response) {
  return metrics_.Observe("AdminService/AddTier",
                          [&] { return command::AddTier(context_, *request, response); });
}

grpc::Status AdminService::AddAction(grpc::ServerContext*, const v1::AddActionRequest* request,
                                     v1::Program* response) {
  return metrics_.Observe("AdminService/AddAction",
                          [&] { return command::AddAction(context_, *request, response); });
}

grpc::Status AdminService::ActivateProgram(grpc::ServerContext*,
                                           const v1::ProgramLifecycleRequest* request,
                                           v1::Program* response) {
  return metrics_.Observe("AdminService/ActivateProgram",
                          [&] { return command::ActivateProgram(context_, *request, response); });
}

grpc::Status AdminService::CloseProgram(grpc::ServerContext*,
                                        const v1::ProgramLifecycleRequest* request,
                                        v1::Program* response) {
  return metrics_.Observe("AdminService/CloseProgram",
                          [&] { return command::CloseProgram(context_, *request, response); });
}

grpc::Status AdminService::SetDefaultProgram(grpc::ServerContext*,
                                             const v1::ProgramLifecycleRequest* request,
                                             v1::Organisation* response) {
  return metrics_.Observe("AdminService/SetDefaultProgram",
                          [&] { return command::SetDefaultProgram(context_, *request, response); });
}

grpc::Status AdminService::CreateMember(grpc::ServerContext*,
                                        const v1::CreateMemberRequest* request,
                                        v1::Member* response) {
  return metrics_.Observe("AdminService/CreateMember",
                          [&] { return command::CreateMember(context_, *request, response); });
}

grpc::Status AdminService::GetMember(grpc::ServerContext*, const v1::GetMemberRequest* request,
                                     v1::Member* response) {
  return metrics_.Observe("AdminService/GetMember",
                          [&] { return command::GetMember(context_, *request, response); });
}

grpc::Status AdminService::SetMemberStatus(grpc::ServerContext*,
                                           const v1::SetMemberStatusRequest* request,
                                           v1::Member* response) {
  return metrics_.Observe("AdminService/SetMemberStatus",
                          [&] { return command::SetMemberStatus(context_, *request, response); });
}

grpc::Status AdminService::EnrolMember(grpc::ServerContext*, const v1::EnrolMemberRequest* request,
                                       v1::Member* response) {
  return metrics_.Observe("AdminService/EnrolMember",
                          [&] { return command::EnrolMember(context_, *request, response); });
}

grpc::Status AdminService::JoinHousehold(grpc::ServerContext*,
                                         const v1::JoinHouseholdRequest* request,
                                         v1::Member* response) {
  return metrics_.Observe("AdminService/JoinHousehold",
                          [&] { return command::JoinHousehold(context_, *request, response); });
}

grpc::Status AdminService::LeaveHousehold(grpc::ServerContext*,
                                          const v1::LeaveHouseholdRequest* request,
                                          v1::Member* response) {
  return metrics_.Observe("AdminService/LeaveHousehold",
                          [&] { return command::LeaveHousehold(context_, *request, response); });
}

grpc::Status AdminService::SetHouseholdRollup(grpc::ServerContext*,
                                              const v1::SetHouseholdRollupRequest* request,
                                              v1::Member* response) {
  return metrics_.Observe("AdminService/SetHouseholdRollup",
                          [&] {
                            return command::SetHouseholdRollup(context_, *request, response);
                          });
}

}  // namespace loyalty::command
