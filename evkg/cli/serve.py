"""`evkg serve`"""
from __future__ import annotations

import click

from evkg.cli.options import DEFAULT_STORE_WORDS, NamedPath, Seconds
from evkg.web import MAX_CONNECTIONS, MAX_CONNECTIONS_PER_CLIENT


@click.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default accepts connections from this machine only.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 lets the system choose a free one (the address is printed).")
@click.option("--store", "store_path", metavar="PATH", type=NamedPath(file_okay=False, path_type=str), default=None,
              help="Embedded store folder built by `evkg build` to serve (a copy is held in memory). Without it "
                   f"the graph is built in memory from the bundled data ({DEFAULT_STORE_WORDS}, is read only "
                   "when named here).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Largest request body accepted, in bytes (default 50 MB, or EVKG_MAX_BYTES; the same limit as `evkg check`).")
@click.option("--timeout", type=Seconds(min=0.001), default=30.0, show_default=True,
              help="Seconds allowed per check or query; past it the work is stopped.")
@click.option("--workers", "--jobs", "workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Worker processes for checks (--jobs is the same option); as many again answer queries (more queries at once get "
                   "503 with Retry-After).")
@click.option("--worker-memory", type=click.IntRange(min=256), default=3072, show_default=True, metavar="MB",
              help="Memory ceiling of each worker process, in MB.")
@click.option("--max-answer-bytes", type=click.IntRange(min=1), default=50 * 1024 * 1024, show_default=True,
              metavar="BYTES", help="Largest answer sent at once (a check's report, a query's results); past it "
                                    "the work is stopped with 413.")
@click.option("--max-held-answer-bytes", type=click.IntRange(min=1), default=None, metavar="BYTES",
              help="Bytes of answers not yet read by their clients that the server holds at once, over all "
                   "connections (default: 4 x --max-answer-bytes); an answer past it is refused with 503 and "
                   "Retry-After.")
@click.option("--read-timeout", type=Seconds(min=0.1), default=10.0, show_default=True, metavar="S",
              help="Seconds allowed for a request's headers, and again for its body; a client reading less than 64 KB "
                   "of its answer in that time is disconnected.")
@click.option("--max-connections-per-client", "per_client", type=click.IntRange(1, MAX_CONNECTIONS),
              default=MAX_CONNECTIONS_PER_CLIENT, show_default=True, metavar="N",
              help=f"Connections one client address (an IPv6 client: its /64 network, a link-local one: its "
                   f"address; this machine, by any loopback address: one client) may hold open at once (of "
                   f"{MAX_CONNECTIONS} in all); one more is answered 503 and closed. Behind a reverse proxy every "
                   "client has the proxy's address: raise it there.")
def command(host, port, store_path, max_bytes, timeout, workers, worker_memory, max_answer_bytes,
            max_held_answer_bytes, read_timeout, per_client):
    """Run the submission service and web page.

    Reviewers paste or upload a product description and get the same report as `evkg check`; analysts
    browse products, trials and ontology terms and run the named queries or their own read-only SPARQL.
    The API is described at /openapi.json.

    Example:  evkg serve --port 8000   then open http://127.0.0.1:8000/
    """
    from evkg.core.errors import import_extra

    for module in ("jinja2", "multipart", "starlette", "uvicorn"):
        import_extra(module, "`evkg serve` needs its web packages", "serve")
    from evkg.web.app import create_app
    from evkg.web.server import listening_socket, serve

    sock = listening_socket(host, port)            # before the graph is built: a port in use is said at once
    port = sock.getsockname()[1]                   # the port the system chose for --port 0
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    app = create_app(store_path, max_bytes=max_bytes, timeout=timeout, url=url, workers=workers,
                     worker_memory_mb=worker_memory, read_timeout=read_timeout, max_answer_bytes=max_answer_bytes,
                     max_held_answer_bytes=max_held_answer_bytes)
    click.echo(f"evkg serve: starting on {url} (press Ctrl+C to stop)", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"evkg serve: listening on {host}: other machines can reach this service.", err=True)
    serve(app, sock, header_timeout=read_timeout, per_client=per_client, answers=app.state.answers)
    click.echo("evkg serve: stopped.", err=True)
    return 0
