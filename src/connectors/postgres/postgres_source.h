#pragma once

#include "connectors/registry.h"

namespace cairn::connectors::postgres {

// The 'postgres' connector kind: option specs and the opener.
KindSpec Kind();

}  // namespace cairn::connectors::postgres
