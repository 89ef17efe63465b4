"""The rules of the business, in pure Python: no Flask, no SQLAlchemy, no I/O."""
