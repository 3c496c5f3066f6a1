#pragma once

#include "libs/rpc/metrics.h"
#include "loyalty/v1/admin.grpc.pb.h"
#include "services/command/context.h"

namespace loyalty::command {

// gRPC handlers of loyalty.v1.AdminService: each runs one use case of admin_programs.h or
// admin_members.h and maps its status. Metrics label: "AdminService/<method>".
class AdminService final : public v1::AdminService::Service {
 public:
  AdminService(const Context& context, rpc::RpcMetrics& metrics)
      : context_(context), metrics_(metrics) {}

  grpc::Status CreateOrganisation(grpc::ServerContext*,
                                  const v1::CreateOrganisationRequest* request,
                                  v1::Organisation* response) override;
  grpc::Status GetOrganisation(grpc::ServerContext*, const v1::GetOrganisationRequest* request,
                               v1::Organisation* response) override;
  grpc::Status CreateProgram(grpc::ServerContext*, const v1::CreateProgramRequest* request,
                             v1::Program* response) override;
  grpc::Status GetProgram(grpc::ServerContext*, const v1::GetProgramRequest* request,
                          v1::Program* response) override;
  grpc::Status ListPrograms(grpc::ServerContext*, const v1::ListProgramsRequest* request,
                            v1::ListProgramsResponse* response) override;
  grpc::Status UpdateProgramRules(grpc::ServerContext*,
                                  const v1::UpdateProgramRulesRequest* request,
                                  v1::Program* response) override;
  grpc::Status AddPointType(grpc::ServerContext*, const v1::AddPointTypeRequest* request,
                            v1::Program* response) override;
  grpc::Status AddSubtype(grpc::ServerContext*, const v1::AddSubtypeRequest* request,
                          v1::Program* response) override;
  grpc::Status AddTier(grpc::ServerContext*, const v1::AddTierRequest* request,
                       v1::Program* response) override;
  grpc::Status AddAction(grpc::ServerContext*, const v1::AddActionRequest* request,
                         v1::Program* response) override;
  grpc::Status ActivateProgram(grpc::ServerContext*, const v1::ProgramLifecycleRequest* request,
                               v1::Program* response) override;
  grpc::Status CloseProgram(grpc::ServerContext*, const v1::ProgramLifecycleRequest* request,
                            v1::Program* response) override;
  grpc::Status SetDefaultProgram(grpc::ServerContext*, const v1::ProgramLifecycleRequest* request,
                                 v1::Organisation* response) override;
  grpc::Status CreateMember(grpc::ServerContext*, const v1::CreateMemberRequest* request,
                            v1::Member* response) override;
  grpc::Status GetMember(grpc::ServerContext*, const v1::GetMemberRequest* request,
                         v1::Member* response) override;
  grpc::Status SetMemberStatus(grpc::ServerContext*, const v1::SetMemberStatusRequest* request,
                               v1::Member* response) override;
  grpc::Status EnrolMember(grpc::ServerContext*, const v1::EnrolMemberRequest* request,
                           v1::Member* response) override;
  grpc::Status JoinHousehold(grpc::ServerContext*, const v1::JoinHouseholdRequest* request,
                             v1::Member* response) override;
  grpc::Status LeaveHousehold(grpc::ServerContext*, const v1::LeaveHouseholdRequest* request,
                              v1::Member* response) override;
  grpc::Status SetHouseholdRollup(grpc::ServerContext*,
                                  const v1::SetHouseholdRollupRequest* request,
                                  v1::Member* response) override;
 private:
  const Context& context_;
  rpc::RpcMetrics& metrics_;
};

}  // namespace loyalty::command
