#include "tools/loyaltyctl/json.h"

#include <string>
#include <utility>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace loyalty::ctl {

std::string MessageJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  // Printing a generated message cannot fail; an empty object keeps the output parseable if it
  // ever did.
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) json = "{}";
  return json;
}

void PrintJson(const google::protobuf::Message& message, std::ostream& out) {
  out << MessageJson(message) << "\n";
}

void PrintJsonWith(const google::protobuf::Message& message, absl::string_view key,
                   absl::string_view value, std::ostream& out) {
  std::string json = MessageJson(message);
  // A message prints as an object: "{}" or "{...}".
  json.pop_back();
  out << json << (json.size() > 1 ? "," : "") << "\"" << key << "\":" << value << "}\n";
}

std::string FailureJson(const Failure& failure) {
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
  return MessageJson(printed);
}

void PrintFailureJson(const Failure& failure, std::ostream& out) {
  out << FailureJson(failure) << "\n";
}

}  // namespace loyalty::ctl
