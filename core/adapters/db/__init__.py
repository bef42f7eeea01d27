"""SQLAlchemy persistence: table models, one repository module per aggregate (they return frozen records, never
rows), the shared SQL helpers (`sql`) and the unit of work."""
