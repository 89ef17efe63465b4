"""Use cases: each one transaction that loads, calls the domain, saves, writes its timeline
events and its outbox rows."""
