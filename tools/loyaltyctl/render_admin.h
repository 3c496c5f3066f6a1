#pragma once

#include <ostream>

#include "loyalty/v1/admin.pb.h"

namespace loyalty::ctl {

void RenderOrganisation(const v1::Organisation& organisation, std::ostream& out);
void RenderProgram(const v1::Program& program, std::ostream& out);
void RenderPrograms(const v1::ListProgramsResponse& response, std::ostream& out);
void RenderMember(const v1::Member& member, std::ostream& out);

}  // namespace loyalty::ctl
