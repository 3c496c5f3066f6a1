#include "tools/loyaltyctl/json.h"

#include <string>

#include "google/protobuf/util/json_util.h"

namespace loyalty::ctl {

void PrintJson(const google::protobuf::Message& message, std::ostream& out) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  // Printing a generated message cannot fail; an empty object keeps the output parseable if it
  // ever did.
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) json = "{}";
  out << json << "\n";
}

}  // namespace loyalty::ctl
