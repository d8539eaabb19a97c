"""The ``pes-registry`` command line.

Exit codes: 0 ok, 1 invalid data (or a store problem), 2 usage error. Errors are one clear
message on standard error, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import pyoxigraph as ox

from . import __version__
from .config import Settings
from .errors import RegistryError, StoreError, UsageError, ValidationFailed

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


class Context:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._store = None

    def store(self):
        from .store import Store

        if self._store is None:
            self._store = Store(self.settings.data_dir, self.settings.base)
            from .history import History

            History.attach(self._store)  # replaced and withdrawn documents are kept as versions
        return self._store


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Data folder of the store (default: $REGISTRY_DATA or ./var/store).")
@click.option("--base", default=None, help="Base of instance IRIs (default: $REGISTRY_BASE).")
@click.version_option(__version__, prog_name="pes-registry")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, base: str | None) -> None:
    """Open-data registry of the social economy in Toruń."""
    try:
        settings = Settings.from_env(data_dir=data_dir, base=base)
    except ValueError as e:
        raise UsageError(str(e)) from None
    ctx.obj = Context(settings)


@cli.command()
@click.pass_obj
def init(obj: Context) -> None:
    """Create the store and install the ontology and concept schemes."""
    from .system import install

    changed = install(obj.store())
    click.echo(f"Store ready in {obj.settings.data_dir} "
               f"({'ontology and vocabularies installed' if changed else 'already up to date'}).")


def _print_report(report, *, lang: str = "en", verbose: bool = True) -> None:
    for doc in report.documents:
        if doc.status == "rejected":
            click.echo(f"REJECTED {doc.iri} ({doc.source})", err=True)
            for m in doc.messages(lang):
                click.echo(f"  - {m}", err=True)
        if verbose:
            for m in doc.warning_messages(lang):
                click.echo(f"  warning {doc.iri.rsplit('/', 1)[-1]}: {m}", err=True)


def _sources(files: tuple[Path, ...], settings: Settings, fmt: str | None):
    from .ingest import Source

    if not files:
        raise UsageError("name at least one file")
    # The command line loads files the operator chose; they may be larger than web uploads.
    limit = max(settings.max_upload_bytes, 4 * 1024**3)
    return [Source.from_path(f, max_bytes=limit, format=fmt) for f in files], limit


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--partial", is_flag=True, help="Store the valid documents and list the rejected ones.")
@click.option("--format", "fmt", default=None, help="Input format if the extension does not tell.")
@click.option("--lang", type=click.Choice(["pl", "en"]), default="en", help="Language of messages.")
@click.option("--quiet", is_flag=True, help="Do not list warnings.")
@click.pass_obj
def load(obj: Context, files: tuple[Path, ...], partial: bool, fmt: str | None, lang: str, quiet: bool) -> None:
    """Validate FILES and store them (all or nothing unless --partial)."""
    from .ingest import ingest, publisher_iri
    from .system import install

    sources, limit = _sources(files, obj.settings, fmt)
    store = obj.store()
    install(store)
    index = _search_index(store)
    with _progress() as progress:
        try:
            report = ingest(store, sources, partial=partial, max_bytes=limit, progress=progress,
                            agent=publisher_iri(obj.settings.base, obj.settings.publisher))
        except ValidationFailed as e:
            from .ingest import IngestReport

            _print_report(IngestReport(documents=e.reports), lang=lang, verbose=False)
            raise
    _print_report(report, lang=lang, verbose=not quiet)
    s = report.summary()
    click.echo(
        f"{s['created']} created, {s['replaced']} replaced, {s['unchanged']} unchanged, "
        f"{s['rejected']} rejected; {report.triples} triples written."
    )
    _update_derived(index)
    if s["rejected"]:
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", default=None, help="Input format if the extension does not tell.")
@click.option("--lang", type=click.Choice(["pl", "en"]), default="en", help="Language of messages.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def validate(obj: Context, files: tuple[Path, ...], fmt: str | None, lang: str, as_json: bool) -> None:
    """Validate FILES without storing anything; exit 1 if they do not conform."""
    from .ingest import IngestReport, ingest
    from .store import Store

    sources, limit = _sources(files, obj.settings, fmt)
    try:
        store = obj.store()
    except StoreError:
        # A running server holds the store: check against an empty registry instead.
        click.echo("note: the store is in use; links to other documents are checked only within"
                   " these files.", err=True)
        store = Store(None, obj.settings.base)
    try:
        report = ingest(store, sources, dry_run=True, max_bytes=limit)
        ok = True
    except ValidationFailed as e:
        report, ok = IngestReport(documents=e.reports), False
    if as_json:
        click.echo(json.dumps({"conforms": ok, "documents": [d.to_dict() for d in report.documents]},
                              ensure_ascii=False, indent=2))
    else:
        _print_report(report, lang=lang)
        click.echo(f"{len(report.documents)} documents: "
                   + ("all conform." if ok else f"{len(report.rejected)} do not conform."))
    if not ok:
        sys.exit(1)


@cli.command()
@click.argument("sparql")
@click.option("--format", "fmt", type=click.Choice(sorted(RESULT_FORMATS) + sorted(GRAPH_FORMATS)),
              default=None, help="Result format (default: tsv for SELECT, ttl for CONSTRUCT).")
@click.option("--file", "from_file", is_flag=True, help="SPARQL is the path of a query file.")
@click.pass_obj
def query(obj: Context, sparql: str, fmt: str | None, from_file: bool) -> None:
    """Run a SPARQL query over the store; results to standard output."""
    if from_file:
        try:
            sparql = Path(sparql).read_text(encoding="utf-8")
        except OSError as e:
            raise UsageError(f"cannot read the query file: {e.strerror}") from None
    store = obj.store()
    try:
        result = store.query(sparql)
    except SyntaxError as e:
        raise UsageError(f"SPARQL syntax error: {e}") from None
    out = sys.stdout.buffer
    if isinstance(result, ox.QueryBoolean):
        fmt = fmt or "tsv"
        if fmt in GRAPH_FORMATS:
            raise UsageError("an ASK query gives a boolean; choose json, xml, csv or tsv")
        result.serialize(out, RESULT_FORMATS[fmt])
    elif isinstance(result, ox.QuerySolutions):
        fmt = fmt or "tsv"
        if fmt in GRAPH_FORMATS:
            raise UsageError("a SELECT query gives solutions; choose json, xml, csv or tsv")
        result.serialize(out, RESULT_FORMATS[fmt])
    else:
        fmt = fmt or "ttl"
        if fmt not in GRAPH_FORMATS or GRAPH_FORMATS[fmt].supports_datasets:
            raise UsageError("a CONSTRUCT or DESCRIBE query gives a graph; choose ttl, nt, jsonld or rdf")
        result.serialize(out, GRAPH_FORMATS[fmt])
    out.flush()


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_obj
def dump(obj: Context, file: Path) -> None:
    """Write the whole store to FILE (.nq or .trig, optionally .gz)."""
    count = obj.store().dump(file)
    click.echo(f"{count} quads written to {file}.")


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.pass_obj
def backup(obj: Context, directory: Path) -> None:
    """Write a consistent backup (store, accounts, history) to DIRECTORY, a new folder; while the
    server runs, the server makes it."""
    from .backup import backup as do_backup

    manifest = do_backup(obj.settings.data_dir, obj.settings.base, directory)
    click.echo(f"Backup written to {directory}: store version {manifest['storeVersion']}, "
               f"{manifest['counts']['quads']} quads, {len(manifest['files'])} files.")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="Replace a store that is not empty.")
@click.pass_obj
def restore(obj: Context, file: Path, replace: bool) -> None:
    """Rebuild the store from a dump written by `dump`, or bring back a backup folder written by
    `backup` (store, accounts and history)."""
    from .backup import restore_backup
    from .store import restore as do_restore

    if file.is_dir():
        manifest = restore_backup(obj.settings.data_dir, file, obj.settings.base, replace=replace)
        click.echo(f"Backup of {manifest['created']} restored into {obj.settings.data_dir}: store version "
                   f"{manifest['storeVersion']}, {manifest['counts']['quads']} quads.")
        return

    count = do_restore(obj.settings.data_dir, file, obj.settings.base, replace=replace)
    click.echo(f"{count} quads restored into {obj.settings.data_dir}.")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.pass_obj
def stats(obj: Context, as_json: bool) -> None:
    """Counts of what the store holds."""
    from .stats import counts

    c = counts(obj.store())
    if as_json:
        click.echo(json.dumps(c))
    else:
        for k, v in c.items():
            click.echo(f"{k:15} {v}")


@cli.command()
@click.argument("catalog_url")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds to wait for each download.")
@click.option("--lang", type=click.Choice(["pl", "en"]), default="en", help="Language of messages.")
@click.pass_obj
def harvest(obj: Context, catalog_url: str, timeout: float, lang: str) -> None:
    """Harvest another registry through its DCAT catalogue at CATALOG_URL: its valid documents are
    stored (attributed to that source), the rest reported; a re-harvest replaces only that source's
    part."""
    from .harvest import harvest as do_harvest
    from .ingest import publisher_iri
    from .system import install

    store = obj.store()
    install(store)
    index = _search_index(store)
    report = do_harvest(store, catalog_url, agent=publisher_iri(obj.settings.base, obj.settings.publisher),
                        timeout=timeout, max_bytes=obj.settings.max_upload_bytes)
    if report.ingest is not None:
        _print_report(report.ingest, lang=lang, verbose=False)
    s = report.summary()
    click.echo(f"Harvested {report.source_base} ({', '.join(report.downloads)}): {s.get('created', 0)} created, "
               f"{s.get('replaced', 0)} replaced, {s.get('unchanged', 0)} unchanged, {s.get('rejected', 0)} "
               f"rejected, {s['withdrawn']} withdrawn.")
    _update_derived(index)
    if s.get("rejected"):
        sys.exit(1)


@cli.command()
@click.argument("documents", nargs=-1, required=True)
@click.option("--reason", default=None, help="Why the documents are withdrawn (recorded in the provenance).")
@click.pass_obj
def withdraw(obj: Context, documents: tuple[str, ...], reason: str | None) -> None:
    """Withdraw DOCUMENTS (kind/key, e.g. entity/fundacja-x) in one write; the change feed lists them."""
    from .ingest import publisher_iri
    from .ingest import withdraw as do_withdraw

    pairs = []
    for text in documents:
        kind, _, key = text.strip("/").partition("/")
        if not key:
            raise UsageError(f"{text}: write kind/key, e.g. entity/fundacja-x")
        pairs.append((kind, key))
    store = obj.store()
    index = _search_index(store)
    version = do_withdraw(store, pairs, agent=publisher_iri(obj.settings.base, obj.settings.publisher),
                          reason=reason)
    click.echo(f"{len(pairs)} document(s) withdrawn; store version {version}.")
    _update_derived(index)


@cli.command()
@click.option("--if-empty", is_flag=True, help="Load only if the store holds no documents yet.")
@click.pass_obj
def demo(obj: Context, if_empty: bool) -> None:
    """Load the fictional demo data set (validated, like any other input), then its catalogue."""
    from .demo import load_demo
    from .stats import counts
    from .system import install

    store = obj.store()
    install(store)
    if if_empty and counts(store)["entities"] > 0:
        click.echo("The store already holds data; demo not loaded.")
        return
    index = _search_index(store)
    report = load_demo(store, obj.settings)
    _update_derived(index)
    s = report.summary()
    c = counts(store)
    click.echo(f"Demo loaded: {s['created']} documents created, {s['replaced']} replaced, "
               f"{s['unchanged']} unchanged. The store holds {c['entities']} entities, "
               f"{c['offers']} offers, {c['opportunities']} opportunities, {c['actions']} actions.")


@cli.command()
@click.argument("year")
@click.option("--programme", default=None, help="Key of the programme (default: the one in force in YEAR).")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Write to FILE, PDF or HTML by its extension (default: HTML to standard output).")
@click.pass_obj
def report(obj: Context, year: str, programme: str | None, output: Path | None) -> None:
    """Write the implementation report of a cooperation programme for YEAR (art. 5a ust. 3 dpp)."""
    from . import report as reports

    number = reports.parse_year(year)
    kind = output.suffix.lower() if output is not None else ".html"
    if kind not in (".pdf", ".html", ".htm"):
        raise UsageError("the report is written as .pdf or .html")
    from .indicators import recompute

    store = obj.store()
    recompute(store, obj.settings)  # the computed indicators as the data stands now
    data = reports.build(store, obj.settings.base, number, programme)
    document = reports.render_document(data, site=obj.settings.base)
    if output is None:
        sys.stdout.buffer.write(document.encode("utf-8"))
        sys.stdout.buffer.flush()
        return
    body = reports.render_pdf(document) if kind == ".pdf" else document.encode("utf-8")
    try:
        output.write_bytes(body)
    except OSError as e:
        raise UsageError(f"cannot write {output}: {e.strerror}") from None
    click.echo(f"Report of programme {data['key']} for {number} written to {output}.", err=True)


@cli.command()
@click.option("--programme", default=None, help="Key of one programme (default: every programme).")
@click.option("--json", "as_json", is_flag=True, help="Print the values as JSON.")
@click.pass_obj
def indicators(obj: Context, programme: str | None, as_json: bool) -> None:
    """Recompute the programme indicators from the data and print their values."""
    from .indicators import definitions, recompute, records

    store = obj.store()
    if programme is not None and not any(p == programme for p in {d.programme for d in definitions(store)}):
        raise UsageError(f"--programme {programme!r}: no such programme with indicators")
    written = recompute(store, obj.settings, programme=programme)
    rows = records(store, programme)
    if as_json:
        from decimal import Decimal

        click.echo(json.dumps(rows, ensure_ascii=False, indent=2,
                              default=lambda x: float(x) if isinstance(x, Decimal) else str(x)))
    else:
        for r in rows:
            value = f"{r['value']}" + (f" {r['unit']}" if r["unit"] else "")
            click.echo(f"{r['programme']:10} {r['indicator'].rsplit('#', 1)[-1]:13} {r['year']}  "
                       f"{value:>18}  {r['query'] or 'manual':32} {r['name']}")
    click.echo(f"{len(rows)} value(s); {written} observation(s) written.", err=True)


@cli.command()
@click.argument("kind", type=click.Choice(["entities", "offers"]))
@click.argument("file", type=click.Path(path_type=Path))
def template(kind: str, file: Path) -> None:
    """Write an empty tabular template (CSV or XLSX by extension) for KIND."""
    from loaders.tabular import write_template

    if file.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError("the template is written as .csv or .xlsx")
    write_template(kind, file)
    click.echo(f"Template for {kind} written to {file}.")


@cli.group()
def user() -> None:
    """User accounts (kept apart from the data; works while the server runs)."""


def _accounts():
    from .accounts import Accounts

    return Accounts.for_settings(click.get_current_context().obj.settings)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise UsageError("no password on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError("give the password on standard input with --password-stdin")
    return click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")


@user.command("add")
@click.argument("login")
@click.option("--name", required=True, help="The person's name (shown to administrators).")
@click.option("--admin", "role", flag_value="admin", help="An administrator: every document, accounts, requests.")
@click.option("--editor", "role", flag_value="editor", help="An entity editor: only the entities given.")
@click.option("--entity", "entities", multiple=True, help="Key of an entity the user may edit (repeatable).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def user_add(login: str, name: str, role: str | None, entities: tuple[str, ...], password_stdin: bool) -> None:
    """Add an account with LOGIN (an e-mail address); the password is asked twice."""
    from .accounts import check_password_rules
    from .store import valid_key

    if role is None:
        raise UsageError("choose the role: --admin or --editor")
    for key in entities:
        if not valid_key(key):
            raise UsageError(f"--entity {key!r}: an entity key is lower-case letters, digits and hyphens")
    accounts = _accounts()
    password = _read_password(password_stdin)
    check_password_rules(password)
    added = accounts.add_user(login, name, password, role)
    for key in entities:
        added = accounts.grant(added.id, key)
    click.echo(f"User {added.login} added ({added.role}"
               + (f"; entities: {', '.join(sorted(added.entities))}" if added.entities else "") + ").")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the accounts as JSON.")
def user_list(as_json: bool) -> None:
    """List the accounts."""
    users = _accounts().users()
    if as_json:
        click.echo(json.dumps([{"id": u.id, "login": u.login, "name": u.name, "role": u.role,
                                "entities": sorted(u.entities), "disabled": u.disabled} for u in users],
                              ensure_ascii=False, indent=2))
        return
    for u in users:
        click.echo(f"{u.id:>4}  {u.login:30} {u.role:7} {'disabled' if u.disabled else 'active':9}"
                   f"{u.name}" + (f"  [{', '.join(sorted(u.entities))}]" if u.entities else ""))
    click.echo(f"{len(users)} account(s).")


@user.command("disable")
@click.argument("login")
def user_disable(login: str) -> None:
    """Disable an account: its sessions end and its API tokens stop working."""
    click.echo(f"User {_accounts().disable(login).login} disabled.")


@user.command("enable")
@click.argument("login")
def user_enable(login: str) -> None:
    """Enable a disabled account again."""
    click.echo(f"User {_accounts().enable(login).login} enabled.")


@user.command("token")
@click.argument("login")
@click.option("--name", default="API", show_default=True, help="What the token is for.")
def user_token(login: str, name: str) -> None:
    """Issue an API token for LOGIN; it is printed once and cannot be shown again."""
    from .accounts import AccountError

    accounts = _accounts()
    found = accounts.by_login(login)
    if found is None:
        raise AccountError(f"No account with the login {login}.")
    token = accounts.issue_token(found.id, name)
    issued = accounts.tokens(found.id)[-1]
    click.echo(f"Token {issued.id} ({issued.name}) for {found.login}; copy it now, it is not shown again:",
               err=True)
    click.echo(token)


@user.command("tokens")
@click.argument("login")
def user_tokens(login: str) -> None:
    """List the API tokens of LOGIN (never their values)."""
    from .accounts import AccountError

    accounts = _accounts()
    found = accounts.by_login(login)
    if found is None:
        raise AccountError(f"No account with the login {login}.")
    for tok in accounts.tokens(found.id):
        used = tok.last_used.isoformat(timespec="seconds") if tok.last_used else "never used"
        click.echo(f"{tok.id:>4}  {tok.name:20} created {tok.created.isoformat(timespec='seconds')}, {used}")


@user.command("revoke")
@click.argument("token_id", type=int)
def user_revoke(token_id: int) -> None:
    """Revoke the API token TOKEN_ID (see `user tokens`)."""
    _accounts().revoke_token(token_id)
    click.echo(f"Token {token_id} revoked.")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=16, show_default=True, type=click.IntRange(1, 256),
              help="HTTP threads of the server process.")
@click.option("--workers", default=None, type=click.IntRange(1, 256),
              help="SPARQL query worker processes [default: REGISTRY_SPARQL_WORKERS, 8].")
@click.pass_obj
def serve(obj: Context, host: str, port: int, threads: int, workers: int | None) -> None:
    """Serve the registry over HTTP (waitress; SPARQL queries run in worker processes)."""
    from dataclasses import replace

    from waitress import serve as waitress_serve

    from .app import close_app, create_app

    settings = replace(obj.settings, sparql_workers=workers) if workers else obj.settings
    app = create_app(settings, store=obj.store())
    app.extensions["registry.sparql"].pool.warm_up()
    click.echo("Bringing the search index up to date ...")
    app.extensions["registry.search"].ensure_current()
    from .polish import lemma

    lemma("gotowanie")  # loads the Polish dictionary now rather than on the first search
    click.echo(f"Serving on http://{host}:{port}/ (data: {settings.data_dir}; "
               f"{threads} threads, {settings.sparql_workers} query workers)")
    import signal

    from .backup import start_control, stop_control

    start_control(app, settings.data_dir, host, port)  # lets `pes-registry backup` ask this server
    from .dumps import Rebuilder

    # downloads are rebuilt once writes pause, so the first request after a change finds them
    rebuilder = Rebuilder(app.extensions["registry.store"], settings, delay=settings.dumps_rebuild_delay,
                          index=app.extensions["registry.search"]).start(now=True)
    signal.signal(signal.SIGTERM, _stop)  # a polite stop runs the clean-up below
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="pes-registry",
                       channel_timeout=max(120, int(settings.sparql_timeout) + 30))
    finally:
        rebuilder.stop()
        stop_control(settings.data_dir)
        close_app(app)


def _stop(signum, frame) -> None:
    raise SystemExit(0)


def _search_index(store):
    """The store's search index, listening to the writes that follow."""
    from .search import Index

    return Index(store)


def _update_derived(index) -> None:
    """Bring the search index and the stored catalogue up to date with the store (so `serve`
    starts at once and SPARQL harvesters read a current catalogue)."""
    from .catalog import refresh

    click.echo("Updating the search index and the catalogue ...", err=True)
    index.ensure_current()
    index.close()
    settings = click.get_current_context().obj.settings
    from .indicators import recompute

    recompute(index.store, settings)  # the programme indicators computed from the data
    refresh(index.store, settings, create=True)


class _progress:
    """A progress bar on standard error for long loads (silent when not a terminal)."""

    def __init__(self):
        self.bar = None

    def __enter__(self):
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(unit=" documents", desc="validating", file=sys.stderr)
            return self.bar.update
        return None

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        return False


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the CLI and turns every error into a message and an exit code."""
    try:
        cli.main(args=argv, prog_name="pes-registry", standalone_mode=False)
        return 0
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.ClickException as e:
        e.show()
        return 2
    except ValidationFailed as e:
        click.echo(f"error: {e}", err=True)
        return 1
    except RegistryError as e:
        click.echo(f"error: {e}", err=True)
        return e.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted; nothing half-written stays in the store.", err=True)
        return 130
    except SystemExit as e:
        return int(e.code or 0)
    except Exception as e:  # the last line of defence: no traceback to a user
        click.echo(f"internal error: {type(e).__name__}: {e}", err=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
