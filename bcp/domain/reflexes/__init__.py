"""The reflex sheet: the rules table (as data, in reflexes/) and the engine that picks and
follows the fallback procedure for the facts of an outage."""
