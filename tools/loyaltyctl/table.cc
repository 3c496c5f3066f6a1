#include "tools/loyaltyctl/table.h"

#include <algorithm>
#include <utility>

namespace loyalty::ctl {

Table::Table(std::vector<std::string> headers, std::vector<Align> aligns)
    : headers_(std::move(headers)), aligns_(std::move(aligns)) {}

void Table::AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

void Table::Print(std::ostream& out) const {
  size_t columns = headers_.size();
  for (const auto& row : rows_) columns = std::max(columns, row.size());
  std::vector<size_t> widths(columns, 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  };
  measure(headers_);
  for (const auto& row : rows_) measure(row);

  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      const size_t padding = widths[i] - row[i].size();
      const bool right = i < aligns_.size() && aligns_[i] == Align::kRight;
      const bool last = i + 1 == row.size();
      if (right) line.append(padding, ' ');
      line += row[i];
      if (!right && !last) line.append(padding, ' ');
      if (!last) line += "  ";
    }
    out << line << "\n";
  };
  if (!headers_.empty()) print_row(headers_);
  for (const auto& row : rows_) print_row(row);
}

}  // namespace loyalty::ctl
