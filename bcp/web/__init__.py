"""HTTP: the application factory and one blueprint per audience. Views parse, call a service,
render; the rules live in bcp.domain."""
