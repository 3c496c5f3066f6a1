#pragma once

namespace loyalty::pg {

// A named, parameterised SQL statement. Declare each as a constexpr constant next to the code that
// uses it; the name is unique in the process, is used to prepare it once per connection, and is
// the metrics label.
struct Statement {
  const char* name;
  const char* sql;
};

}  // namespace loyalty::pg
