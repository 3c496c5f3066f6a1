#pragma once

#include "libs/rpc/metrics.h"
#include "loyalty/v1/query.grpc.pb.h"
#include "services/query/read_views.h"

namespace loyalty::query {

// The QueryService RPCs: validate, wait for min_position, read the views, convert.
class QueryService final : public v1::QueryService::Service {
 public:
  QueryService(const QueryContext& context, rpc::RpcMetrics& metrics)
      : context_(context), metrics_(metrics) {}

  grpc::Status GetBalances(grpc::ServerContext* server_context,
                           const v1::GetBalancesRequest* request,
                           v1::GetBalancesResponse* response) override;
  grpc::Status ListRedemptions(grpc::ServerContext* server_context,
                               const v1::ListRedemptionsRequest* request,
                               v1::ListRedemptionsResponse* response) override;
  grpc::Status GetTierProgress(grpc::ServerContext* server_context,
                               const v1::GetTierProgressRequest* request,
                               v1::GetTierProgressResponse* response) override;
  grpc::Status ListLedgerEntries(grpc::ServerContext* server_context,
                                 const v1::ListLedgerEntriesRequest* request,
                                 v1::ListLedgerEntriesResponse* response) override;
  grpc::Status GetHousehold(grpc::ServerContext* server_context,
                            const v1::GetHouseholdRequest* request,
                            v1::GetHouseholdResponse* response) override;

 private:
  const QueryContext context_;
  rpc::RpcMetrics& metrics_;
};

}  // namespace loyalty::query
