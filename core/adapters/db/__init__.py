"""SQLAlchemy persistence: table models, repositories and the unit of work."""
