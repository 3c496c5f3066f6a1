#pragma once

#include <concepts>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/pg/transaction.h"

namespace loyalty::store {

// A read a command makes in its SQL transaction, as one value that both declares it for the
// transaction's first round trip (Declare: pg::Transaction::Prefetch) and makes it (Load):
//   using Value = ...;
//   void Declare(pg::Transaction&) const;
//   absl::StatusOr<Value> Load(pg::Transaction&) const;
template <typename T>
concept Read = std::default_initializable<typename T::Value> &&
    requires(const T read, pg::Transaction& tx) {
  read.Declare(tx);
  { read.Load(tx) } -> std::same_as<absl::StatusOr<typename T::Value>>;
};

// A read plan is a tuple of reads in the order the command makes them, written once: Declare
// declares them all, Load makes them in that order. So what is prefetched and what is read come
// from the same list and cannot drift apart.
template <Read... Reads>
void Declare(pg::Transaction& tx, const std::tuple<Reads...>& plan) {
  std::apply([&](const Reads&... read) { (read.Declare(tx), ...); }, plan);
}

// Makes the plan's reads in order and gives their values, or the first read's failure.
template <Read... Reads>
absl::StatusOr<std::tuple<typename Reads::Value...>> Load(pg::Transaction& tx,
                                                          const std::tuple<Reads...>& plan) {
  std::tuple<typename Reads::Value...> values;
  absl::Status status;
  const auto load = [&]<size_t I>() {
    if (!status.ok()) return;
    auto value = std::get<I>(plan).Load(tx);
    if (value.ok()) {
      std::get<I>(values) = *std::move(value);
    } else {
      status = value.status();
    }
  };
  [&]<size_t... I>(std::index_sequence<I...>) { (load.template operator()<I>(), ...); }
  (std::index_sequence_for<Reads...>{});
  if (!status.ok()) return status;
  return values;
}

// A read of one statement, whose rows `parse` turns into its value.
template <std::default_initializable T>
struct StatementRead {
  using Value = T;
  const pg::Statement* statement;
  pg::Params params;
  T (*parse)(const pg::Result&);

  void Declare(pg::Transaction& tx) const { tx.Prefetch(*statement, params); }
  absl::StatusOr<T> Load(pg::Transaction& tx) const {
    absl::StatusOr<pg::Result> rows = tx.Execute(*statement, params);
    if (!rows.ok()) return rows.status();
    return parse(*rows);
  }
};

}  // namespace loyalty::store
