#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace loyalty::ctl {

// A plain-text table: columns padded to their widest cell, two spaces apart, numbers
// right-aligned. Cells are whole lines (no wrapping).
class Table final {
 public:
  enum class Align { kLeft, kRight };

  // `headers` empty for a table without a header line (key/value lists).
  explicit Table(std::vector<std::string> headers, std::vector<Align> aligns = {});

  void AddRow(std::vector<std::string> cells);
  void Print(std::ostream& out) const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace loyalty::ctl
