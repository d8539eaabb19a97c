"""The web application: ``create_app`` is its one front door."""

from __future__ import annotations

from flask import Flask

from . import config
from .config import Settings
from .store import Store


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    """Build the Flask app over a store (opened from the settings when not given)."""
    settings = settings or Settings.from_env()
    app = Flask(
        __name__,
        template_folder=str(config.package_file("templates")),
        static_folder=str(config.package_file("static")),
    )
    app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes
    app.extensions["registry.settings"] = settings
    app.extensions["registry.store"] = store or Store(settings.data_dir, settings.base)

    from .search import Index
    from .sparqlservice import QueryService
    from .web import (
        api,
        catalog,
        changes,
        errors,
        http,
        i18n,
        lists,
        pages,
        resources,
        sparql,
        templating,
        vocab,
    )
    from .web import dumps as web_dumps

    app.extensions["registry.sparql"] = QueryService(app.extensions["registry.store"], settings)
    app.extensions["registry.search"] = Index(app.extensions["registry.store"])
    from .editing import Editor

    app.extensions["registry.editor"] = Editor(app.extensions["registry.store"], settings)
    from .history import History

    app.extensions["registry.history"] = History.attach(app.extensions["registry.store"])
    i18n.init_app(app)
    from .web import auth, write

    auth.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    http.init_cors(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(lists.bp)
    app.register_blueprint(changes.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(write.bp)
    from .web import account as web_account

    app.register_blueprint(web_account.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(vocab.bp)
    app.register_blueprint(web_dumps.bp)
    app.register_blueprint(catalog.bp)
    from .web import history as web_history

    app.register_blueprint(web_history.bp)
    app.register_blueprint(web_history.control)
    from .web import editing as web_editing

    app.register_blueprint(web_editing.bp)
    from .web import evaluation as web_evaluation

    app.register_blueprint(web_evaluation.bp)
    from .web import report as web_report

    app.register_blueprint(web_report.bp)
    from .web import monitoring as web_monitoring

    web_monitoring.init_app(app)  # /monitoring; keeps the computed indicators current
    app.wsgi_app = sparql.SparqlFastPath(app)
    return app


def close_app(app: Flask) -> None:
    """Stop the app's query workers and delete its snapshots."""
    service = app.extensions.get("registry.sparql")
    if service is not None:
        service.close()
    index = app.extensions.get("registry.search")
    if index is not None:
        index.close()
    history = app.extensions.get("registry.history")
    if history is not None:
        history.close()
    monitor = app.extensions.get("registry.indicators")
    if monitor is not None:
        monitor.close()
