#include "tools/loyaltyctl/json.h"

#include <string>
#include <utility>

#include "google/protobuf/struct.pb.h"
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

void PrintFailureJson(const Failure& failure, std::ostream& out) {
  google::protobuf::Struct error;
  auto& fields = *error.mutable_fields();
  fields["code"].set_string_value(failure.code);
  fields["reason"].set_string_value(failure.reason);
  fields["message"].set_string_value(failure.status_message);
  fields["hint"].set_string_value(failure.hint);
  auto& details = *fields["details"].mutable_struct_value()->mutable_fields();
  for (const auto& [key, value] : failure.details) details[key].set_string_value(value);
  google::protobuf::Struct printed;
  *(*printed.mutable_fields())["error"].mutable_struct_value() = std::move(error);
  PrintJson(printed, out);
}

}  // namespace loyalty::ctl
