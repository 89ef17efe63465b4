"""bcp: the ICS2 continuity desk. The application factory is bcp.web.app.create_app."""
