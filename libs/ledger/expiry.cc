#include "libs/ledger/expiry.h"

#include <map>
#include <utility>

#include "libs/ledger/consumption.h"

namespace loyalty::ledger {

ChangeSet DecideExpiry(const std::string& member_id, std::span<const Lot> expired) {
  ChangeSet changes;
  std::map<std::pair<std::string, std::string>, Points> by_type;
  for (const Lot& lot : expired) {
    const Points free = FreePoints(lot);
    if (free == 0) continue;
    changes.Add(LotChange{LotChange::Kind::kConsume, member_id, lot.lot_id, free});
    by_type[{lot.program_id, lot.point_type}] += free;
  }
  for (const auto& [type, points] : by_type) {
    changes.Add(EntryChange{member_id, type.first, type.second, EntryKind::kExpiry, -points, "",
                            "expired", ""});
  }
  return changes;
}

}  // namespace loyalty::ledger
