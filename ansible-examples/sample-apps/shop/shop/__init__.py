"""The shop application (stand-in for a Django project with Celery)."""
