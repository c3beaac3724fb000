#pragma once

#include "connectors/registry.h"

namespace cairn::connectors::csv {

// The 'csv' connector kind: option specs and the opener.
KindSpec Kind();

}  // namespace cairn::connectors::csv
