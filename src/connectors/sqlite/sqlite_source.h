#pragma once

#include "connectors/registry.h"

namespace cairn::connectors::sqlite {

// The 'sqlite' connector kind: option specs and the opener.
KindSpec Kind();

}  // namespace cairn::connectors::sqlite
