"""Options shared by several commands, so the same flag takes the same values everywhere."""
from __future__ import annotations

import os

import click

from evkg.io.load import input_format_names

JURISDICTION_CHOICES = ("EU", "US", "KR")
# Report and result formats: `ttl` and `turtle` name the same thing, as they do for input.
# one wording of the embedded store's default folder for every command that takes --store
DEFAULT_STORE_WORDS = "the store folder in your evkg data folder, ~/.local/share/evkg/store on Linux"
FORMAT_ALIASES = {"turtle": "ttl", "md": "markdown", "jsonld": "json-ld", "ntriples": "nt", "n-triples": "nt"}


class NamedPath(click.Path):
    """click.Path that refuses an empty name. The shell passes one for an unset variable (`evkg check "$FILE"`),
    and an empty path would otherwise stand for the current folder (a whole folder checked, a default store
    replaced)."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail("an empty name was given where a file or folder is needed (is a shell variable unset?). "
                      "Give it by name.", param, ctx)
        if isinstance(value, str) and not self.dir_okay and os.path.isdir(value):
            self.fail(f"{value} is a folder, where a file is needed: name a file inside it "
                      f"(e.g. {os.path.join(value, 'NAME')}).", param, ctx)
        return super().convert(value, param, ctx)


MAX_SECONDS = 86_400


class Seconds(click.ParamType):
    """A time limit in seconds, from ``min`` (or above it, ``min_open``) to a day. Not a number (nan) passed
    click's range checks and made each request of `evkg serve` fail; past a day, the system's clocks overflow."""

    name = "seconds"

    def __init__(self, min: float = 0.0, min_open: bool = False):
        self.min, self.min_open = min, min_open

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            return value
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds; give one such as 300.", param, ctx)
        low_ok = number > self.min if self.min_open else number >= self.min
        if not (low_ok and number <= MAX_SECONDS):       # false for nan too
            bound = f"above {self.min:g}" if self.min_open else f"from {self.min:g}"
            self.fail(f"{value} is not a time limit evkg can keep; give a number of seconds {bound} up to "
                      f"{MAX_SECONDS:,} (a day), e.g. 300.", param, ctx)
        return number


def _normalise_format(ctx, param, value):
    return FORMAT_ALIASES.get(value.lower(), value.lower()) if isinstance(value, str) else value


# The forms of a description by every name --input-format knows them by: turtle for ttl, json-ld for jsonld.
DESCRIPTION_FORM_ALIASES = {"turtle": "ttl", "json-ld": "jsonld", "yml": "yaml"}


def description_form_option(*names, forms, **kwargs):
    """An option naming the form a description is written in (`new --format`, `convert --to`), accepting
    the other spellings of each form."""
    accepted = list(forms) + [alias for alias, name in DESCRIPTION_FORM_ALIASES.items() if name in forms]
    return click.option(*names, type=click.Choice(accepted, case_sensitive=False), callback=lambda ctx, param, value:
                        DESCRIPTION_FORM_ALIASES.get(value.lower(), value.lower()) if isinstance(value, str) else value,
                        **kwargs)


def format_option(choices, default: str, help: str):
    """`--format/-f` with the given choices, accepting the usual aliases (turtle for ttl, md for markdown)."""
    accepted = list(choices) + [alias for alias, name in FORMAT_ALIASES.items() if name in choices]
    return click.option("--format", "-f", "fmt", default=default, show_default=True,
                        type=click.Choice(accepted, case_sensitive=False), callback=_normalise_format, help=help)


def input_format_option():
    return click.option("--input-format", type=click.Choice(input_format_names(), case_sensitive=False),
                        help="Format of the input files (default: from each file's extension); "
                             "yaml/yml, json, json-ld/jsonld, turtle/ttl, ntriples/nt, nquads/nq, trig, rdfxml/xml, n3.")


_FORMAT_BY_SUFFIX = {".html": "html", ".htm": "html", ".md": "markdown", ".json": "json", ".jsonl": "jsonl",
                     ".ttl": "ttl", ".nt": "nt", ".csv": "csv", ".tsv": "tsv", ".xml": "xml", ".txt": "text"}


def _suffixes_of(formats) -> list[str]:
    """The file extensions that choose one of these formats (.txt for a query's table)."""
    return [s for s, f in _FORMAT_BY_SUFFIX.items() if f in formats or (f == "text" and "table" in formats)]


def output_option(formats):
    """`--output/-o`; its help names the extensions that choose one of the command's own `formats` (a query
    writes no HTML, so its help must not offer .html)."""
    return click.option("--output", "-o", type=NamedPath(dir_okay=False),
                        help="Write to this file instead of the screen; without --format, its extension ("
                             + ", ".join(_suffixes_of(formats)) + ") chooses the format.")


def format_for_output(fmt: str, output) -> str:
    """The report format: --format when given, else the one the output file's extension names (report.html is
    written as HTML, not as text under an .html name), else the default."""
    from pathlib import Path

    from click.core import ParameterSource

    context = click.get_current_context()
    if output is None or context.get_parameter_source("fmt") not in (ParameterSource.DEFAULT, None):
        return fmt
    suffix = Path(str(output)).suffix.lower()
    named = _FORMAT_BY_SUFFIX.get(suffix)
    choices = next((p.type.choices for p in context.command.params if p.name == "fmt"), ())
    if named == "text" and "table" in choices:           # a query's plain-text form is its table
        named = "table"
    if named is None or named in choices:
        return named or fmt
    # a format this command cannot write: say so rather than write another one under a misleading name
    offered = [c for c in choices if c not in FORMAT_ALIASES]
    suffixes = sorted(_suffixes_of(offered))
    raise click.UsageError(f"`evkg {context.command.name}` cannot write {named.upper() if len(named) < 5 else named} "
                           f"({output}); it writes {', '.join(offered)}. Name the file with one of "
                           f"{', '.join(suffixes)}, or give --format.", context)


def jurisdiction_option():
    return click.option("--jurisdiction", "-j", "jurisdictions", multiple=True,
                        type=click.Choice(JURISDICTION_CHOICES, case_sensitive=False),
                        callback=lambda ctx, param, value: tuple(v.upper() for v in value),
                        help="Only these jurisdictions (repeat the option; default: EU, US and KR).")


def rules_option(what: str = "Classify"):
    """`--rules/-r`: the rule set to classify under, by name or as a Turtle file of overlay rules."""
    return click.option("--rules", "-r", "rules", default=None, metavar="NAME|FILE.ttl",
                        help=f"{what} under this rule set (a name from `evkg rules`, or a Turtle file of your own "
                             "overlay rules); default: the law in force.")


def write_output(text: str, output: str | None, quiet: bool = False) -> None:
    """Print, or write to OUTPUT with a short note on stderr."""
    if output:
        from evkg.core.files import write_text_file

        write_text_file(output, text, what="the output")
        if not quiet:
            click.echo(f"Written to {output}.", err=True)
    else:
        click.echo(text, nl=False)


def rule_limit_options(function):
    """`--rule-timeout` and `--rule-memory`: the limits on each run of a rule of a user's rule file."""
    function = click.option("--rule-memory", type=click.IntRange(min=0), default=3072, show_default=True,
                            metavar="MB", help="Memory a rule of a rule file (--rules FILE) may take while it runs; "
                            "past it the command is stopped (0: no limit).")(function)
    return click.option("--rule-timeout", type=Seconds(min=0), default=60, show_default=True,
                        metavar="SECONDS", help="Time one run of a rule of a rule file (--rules FILE) may take; "
                        "past it the command is stopped, naming the rule (0: no limit). The rules of the law in "
                        "force are not limited.")(function)


def apply_rule_limits(rule_timeout: float, rule_memory: int) -> None:
    from evkg.classification.rule_limits import set_limits

    set_limits(rule_timeout, rule_memory)


def refuse_repeated_options(ctx, name: str, command, args: list[str]) -> None:
    """An option that takes one value, given twice (`--kind msc-ev ... --kind plant-ev`): click kept the last
    one without a word, so the command ran on a value other than the one the user read on their line."""
    sub = click.Context(command, parent=ctx, info_name=name)
    try:
        _, _, order = command.make_parser(sub).parse_args(args=list(args))
    except click.UsageError:
        return                                  # the real parse reports it, in its own words
    seen: set[str] = set()
    for param in order:
        if not isinstance(param, click.Option) or param.multiple or param.count or param.is_flag:
            continue
        if param.name in seen:
            shown = max(param.opts, key=len)
            raise click.UsageError(f"{shown} is given twice; give it once (only one of the values would be "
                                   "used).", sub)
        seen.add(param.name)


class OneValueGroup(click.Group):
    """A command group whose commands refuse an option of one value given twice."""

    def resolve_command(self, ctx, args):
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            refuse_repeated_options(ctx, name, command, rest)
        return name, command, rest
