// Placeholder until the policy model lands.
