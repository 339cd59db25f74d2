"""`editions serve`: the REST API, the background workers and the review page, on one store.

    editions.service.app.create_app(config)     the FastAPI application (workers start with it)
    editions.service.context.ServiceConfig      where the store is, who may call, which engine

Nothing is imported here, so that `editions --help` does not load FastAPI or SQLAlchemy.
"""
