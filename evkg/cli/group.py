"""The `evkg` command line: argument parsing and exit codes only.

Each command lives in evkg/cli/<module>.py as a click command named `command` and calls one library
function. Modules are imported only when their command runs, so `evkg --help` and `evkg check` start fast.
"""
from __future__ import annotations

import importlib
import sys

import click

from evkg import __version__
from evkg.cli.options import OneValueGroup

# command name -> (module under evkg.cli, one-line help shown in `evkg --help`)
COMMANDS = {
    "check": ("check", "Validate product descriptions and infer their regulatory classification."),
    "new": ("new", "Write a commented starting description for a kind of product (YAML, Turtle or JSON-LD)."),
    "convert": ("convert", "Convert a description between Turtle, JSON-LD and YAML without loss."),
    "terms": ("terms", "Find the ontology term to write (terms search osteoarthritis); add whole ontologies."),
    "explain": ("explain", "Print the full derivation of each product's classification."),
    "reason": ("reason", "Cross-check the classification with the OWL ontology (HermiT)."),
    "whatif": ("whatif", "Show which classifications change under another rule set (a law reform, your own rules)."),
    "rules": ("rules", "List the rule sets with the legal text each implements and its status."),
    "build": ("build", "Assemble ontology, shapes, curated data and inferred classifications into the store."),
    "queries": ("queries", "List the named SPARQL queries."),
    "query": ("query", "Run a named query or a .rq file on the store or a SPARQL endpoint."),
    "load": ("load", "Push the built graph to a remote SPARQL store."),
    "literature": ("literature", "Import references (BibTeX, RIS, CSL-JSON, MEDLINE) into the graph."),
    "cite": ("cite", "Print the references behind a term, product or rule."),
    "serve": ("serve", "Run the submission service and web page."),
    "release": ("release", "Build the ontology release files (OWL, Turtle, JSON-LD, OBO, CHANGELOG)."),
}


# words newcomers type for a command, from other tools (`init`, `validate`), -> the evkg command that does it
OTHER_NAMES = {
    "template": "new", "init": "new", "create": "new", "scaffold": "new", "start": "new",
    "validate": "check", "verify": "check", "lint": "check", "classify": "check",
    "search": "terms", "lookup": "terms", "find": "terms",
    "export": "convert", "translate": "convert", "why": "explain", "derivation": "explain",
    "sparql": "query", "server": "serve", "web": "serve",
}


EXIT_READER_GONE = 141         # 128 + SIGPIPE, as shells report a writer whose reader went away (`| head -1`)


class ReaderGone(Exception):
    """Standard output was closed by the program reading it; not an OSError, which click turns into exit 1."""


class LazyGroup(OneValueGroup):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # click ended with 1, which `evkg check` uses for "a finding at the --fail-on level"
            raise ReaderGone() from None

    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module_name, _ = COMMANDS[name]
        try:
            module = importlib.import_module(f"evkg.cli.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"evkg.cli.{module_name}":
                return None
            raise
        return module.command

    def format_commands(self, ctx, formatter):
        rows = [(name, help_text) for name, (_, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(self, ctx, args):
        name = args[0] if args else None
        if name and not name.startswith("-") and name not in COMMANDS:
            import difflib

            if (other := OTHER_NAMES.get(name.lower())) is not None:
                hint = f" `evkg {other}` does that: {COMMANDS[other][1][:1].lower()}{COMMANDS[other][1][1:]}"
                hint += f" See: evkg {other} --help."
            elif close := difflib.get_close_matches(name, list(COMMANDS), n=3):
                hint = f" Did you mean: {', '.join(close)}?"
            else:
                hint = f" Commands: {', '.join(COMMANDS)}."
            from evkg.core.safe_text import shortened

            raise click.UsageError(f"no command {shortened(name)!r}.{hint}", ctx)
        return super().resolve_command(ctx, args)



@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="evkg")
def cli():
    """evkg: validate extracellular-vesicle product descriptions, infer their EU/US/KR regulatory
    classification with the rule and legal source behind it, and query the knowledge graph.

    Start with:  evkg check my-product.ttl
    """


def _shorten_echoed_arguments(exc: click.ClickException, args: list) -> None:
    """Click quotes an invalid value back whole ("Invalid value for '--format': 'xxx…' is not one of …"): a
    pasted page of 5,000 characters filled the screen. Each argument over 80 characters that the message
    repeats is cut, and control characters are shown as escapes."""
    from evkg.core.safe_text import shortened, visible_lines

    given = {a for a in args if isinstance(a, str)} | {a.split("=", 1)[1] for a in args
                                                       if isinstance(a, str) and a.startswith("-") and "=" in a}
    message = exc.message
    for value in sorted(given, key=len, reverse=True):
        if len(value) > 80:
            message = message.replace(value, shortened(value, 80))
    exc.message = visible_lines(message)


def main(argv=None) -> int:
    """Entry point: 0 conforms, 1 does not conform, 2 bad input or usage, 3 internal error."""
    from evkg.core.errors import EvkgError
    from evkg.core.safe_text import visible_lines

    from evkg.cli.interrupt import run_stoppable

    from evkg.io.rdf import ignore_ill_typed_boolean_warnings

    args = list(sys.argv[1:] if argv is None else argv)
    command_name = next((a for a in args if not a.startswith("-")), None)
    ignore_ill_typed_boolean_warnings()      # the checks report such a value at its line, in the user's words

    def run():
        return cli.main(args=args, prog_name="evkg", standalone_mode=False)

    try:
        # serve handles its own signals (the server shuts down cleanly); every other command is stopped at
        # once by Ctrl+C or SIGTERM, even inside a long query
        result = run() if command_name == "serve" else run_stoppable(run)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 2
    except click.ClickException as exc:
        _shorten_echoed_arguments(exc, args)
        exc.show()
        return 2
    except EvkgError as exc:
        click.echo(visible_lines(f"error: {exc}"), err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        from evkg.cli.interrupt import EXIT_INTERRUPTED

        click.echo("Interrupted.", err=True)
        return EXIT_INTERRUPTED
    except (ReaderGone, BrokenPipeError):
        import os

        try:        # what is still buffered cannot be written either: no second error at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_READER_GONE
    except OSError as exc:  # the environment, not evkg: a full disk, a read-only place, a missing folder
        from evkg.core.files import describe_os_error

        from evkg.core.safe_text import shortened

        where = f" {shortened(str(exc.filename), 120)}" if exc.filename else ""
        click.echo(visible_lines(f"error: cannot read or write{where}: {describe_os_error(exc)}."), err=True)
        return 2
    except Exception as exc:  # an internal error: say so plainly, keep the details for a bug report
        import traceback

        click.echo(visible_lines(f"internal error: {type(exc).__name__}: {exc}\n")
                   + "This is a fault in evkg, not in your input. Please report it with the details below.",
                   err=True)
        traceback.print_exc(file=sys.stderr)
        return 3
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
