"""The personalized-report service: an authenticated HTTP API over pipeline.personal.

Modules: ``config`` (environment), ``store`` (encrypted SQLite job store), ``auth`` (bearer tokens,
rate limits), ``worker`` (builds reports off the event loop), ``app`` (FastAPI routes and
middleware), ``cli`` (the ``report`` and ``serve`` commands). Importing this package loads no web
framework: ``reviewgen report`` works without one.
"""
