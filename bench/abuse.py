"""Benchmark of hostile files: what each costs the process that checks it.

Generates, in a temporary folder (deleted afterwards), small files that
expand to gigabytes or take minutes to read when nothing bounds them: ODS
workbooks with rows and cells repeated a million times or a cell of two
billion spaces, XLSX workbooks with a huge compressed sheet, a lying ZIP
directory, a huge shared text, rows and columns far away, XML entities
("billion laughs"), a ZIP of 20,000 files; plus two 100,000-row XLSX (one
of a few hundred kB), a 10 MB CSV and a 10 MB JSON document; and small valid
workbooks as the baseline.

Each file is checked as the portal checks an upload, by
``validation.sandbox.run`` with the limits of a web request
(``ckanext.haute_garonne.validation.request_seconds`` and ``.memory_mb``), from one
"caller" process that stands for a web worker: the table gives the verdict,
the seconds of the call, the peak RSS of the child process that parsed the
file, and how much the caller's own peak RSS grew since its first call. A
file that takes longer than a request allows is checked again as a
background job would (``ckanext.haute_garonne.validation.job_seconds``). Then the command line
(``python -m ckanext.haute_garonne.validation``, which parses in its own
process, without a sandbox) checks each file in a fresh process: its exit
status, seconds and peak RSS.

Usage::

    python bench/abuse.py            # every file
    python bench/abuse.py --quick    # without the 100,000-row XLSX, 10 MB files

Prints Markdown tables, then the overhead of a sandboxed call.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MB = 1024 * 1024
# Seconds and bytes of a web request and of a job: the defaults of the
# options ckanext.haute_garonne.validation.request_seconds, .job_seconds and
# .memory_mb (config_declaration.yaml).
REQUEST_SECONDS = 8.0
JOB_SECONDS = 600.0
MEMORY = 1024 * MB


# Writing workbooks ---------------------------------------------------------------

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
LOL = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def _xml_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_xlsx(
    path: Path,
    sheet: Iterable[bytes],
    shared: Iterable[bytes] | None = None,
    extra_members: int = 0,
) -> None:
    """An XLSX workbook whose first sheet's XML is ``sheet`` (chunks of the
    content of <sheetData>), optionally with a shared strings table."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="xml" ContentType='
            '"application/xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{SHEET_NS}" xmlns:r="{REL_NS}"><sheets>'
            '<sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        rels = (
            f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
        )
        if shared is not None:
            rels += (
                f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" '
                'Target="sharedStrings.xml"/>'
            )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PKG_REL_NS}">{rels}</Relationships>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w") as out:
            out.write(f'<worksheet xmlns="{SHEET_NS}"><sheetData>'.encode())
            for chunk in sheet:
                out.write(chunk)
            out.write(b"</sheetData></worksheet>")
        if shared is not None:
            with z.open("xl/sharedStrings.xml", "w") as out:
                out.write(f'<sst xmlns="{SHEET_NS}">'.encode())
                for chunk in shared:
                    out.write(chunk)
                out.write(b"</sst>")
        for i in range(extra_members):
            z.writestr(f"xl/media/image{i}.bin", b"")


def xlsx_row(values: list[str]) -> bytes:
    cells = "".join(
        f'<c t="inlineStr"><is><t>{_xml_escape(v)}</t></is></c>' for v in values
    )
    return f"<row>{cells}</row>".encode()


ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
    'office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Feuille1">'
)
ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"


def write_ods(path: Path, rows: str, head: str = ODS_HEAD) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr("content.xml", head + rows + ODS_TAIL)


def ods_row(values: list[str], repeat: int = 1, cell_repeat: int = 1) -> str:
    cells = "".join(
        '<table:table-cell office:value-type="string"'
        + (f' table:number-columns-repeated="{cell_repeat}"' if cell_repeat > 1 else "")
        + f"><text:p>{_xml_escape(v)}</text:p></table:table-cell>"
        for v in values
    )
    attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attribute}>{cells}</table:table-row>"


# The files -----------------------------------------------------------------------


def _subventions(rows: int) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a realistic subventions file (bench/validation.py)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from validation import generate_subventions  # bench/validation.py

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.csv"
        generate_subventions(path, rows)
        with path.open(encoding="utf-8", newline="") as stream:
            records = list(csv.reader(stream))
    return records[0], records[1:]


def _lying_directory(path: Path, member: str, declared: int) -> None:
    """Make the ZIP directory and the local header declare ``declared``
    uncompressed bytes for ``member`` instead of its real size."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, name_at, size_at in (
        (b"PK\x01\x02", 46, 24),
        (b"PK\x03\x04", 30, 22),
    ):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            if data[at + name_at : at + name_at + len(name)] == name:
                data[at + size_at : at + size_at + 4] = declared.to_bytes(4, "little")
            at += 4
    path.write_bytes(bytes(data))


def build(folder: Path, quick: bool) -> list[tuple[str, Path, str]]:
    """(label, path, standard) of each file, the baseline first."""
    header, rows = _subventions(100 if quick else 100_000)
    files: list[tuple[str, Path, str]] = []

    def add(label: str, name: str, standard: str = "subventions") -> Path:
        path = folder / name
        files.append((label, path, standard))
        return path

    # Baseline: a small valid workbook.
    write_xlsx(
        add("baseline: valid XLSX, 20 rows", "baseline.xlsx"),
        [xlsx_row(header)] + [xlsx_row(r) for r in rows[:20]],
    )
    write_ods(
        add("baseline: valid ODS, 20 rows", "baseline.ods"),
        ods_row(header) + "".join(ods_row(r) for r in rows[:20]),
    )
    # ODS: a valid row repeated a million times, each cell 16 times wider.
    write_ods(
        add("ODS 1 KB: 1M repeated rows x 16,384 repeated cells", "ods-bomb.ods"),
        ods_row(header) + ods_row(rows[0][:1], repeat=1_000_000, cell_repeat=16_384),
    )
    write_ods(
        add("ODS: a valid row repeated 1,048,000 times", "ods-rows.ods"),
        ods_row(header) + ods_row(rows[0], repeat=1_048_000),
    )
    write_ods(
        add("ODS: a cell of 2,000,000,000 spaces (text:s)", "ods-spaces.ods"),
        ods_row(header)
        + '<table:table-row><table:table-cell office:value-type="string"><text:p>'
        + '<text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row>',
    )
    write_ods(
        add('ODS: number-rows-repeated="abc"', "ods-nan.ods"),
        ods_row(header)
        + ods_row(rows[0]).replace(
            "<table:table-row>", '<table:table-row table:number-rows-repeated="abc">'
        ),
    )
    write_ods(
        add("ODS: billion laughs (XML entities)", "ods-lol.ods"),
        ods_row(header) + ods_row(["&lol9;"]),
        head=LOL + ODS_HEAD[len('<?xml version="1.0" encoding="UTF-8"?>') :],
    )
    # XLSX: a 300 MB sheet compressed to a few hundred kB.
    row = xlsx_row(rows[0])
    write_xlsx(
        add("XLSX: sheet of 300 MB, compressed", "xlsx-member.xlsx"),
        [xlsx_row(header)] + [row * 1000] * (300 * MB // (len(row) * 1000)),
    )
    path = add("XLSX: same, the ZIP directory lying (1 kB declared)", "xlsx-lying.xlsx")
    path.write_bytes((folder / "xlsx-member.xlsx").read_bytes())
    _lying_directory(path, "xl/worksheets/sheet1.xml", 1024)
    # XLSX: one shared text of 200 MB, and 2 million shared texts.
    write_xlsx(
        add("XLSX: a shared text of 200 MB", "xlsx-string.xlsx"),
        [xlsx_row(header), b'<row><c t="s"><v>0</v></c></row>'],
        shared=[b"<si><t>"] + [b"A" * MB] * 200 + [b"</t></si>"],
    )
    write_xlsx(
        add("XLSX: 2,000,000 shared texts", "xlsx-strings.xlsx"),
        [xlsx_row(header), b'<row><c t="s"><v>0</v></c></row>'],
        shared=(f"<si><t>{i}</t></si>".encode() for i in range(2_000_000)),
    )
    # XLSX: rows and columns far away.
    write_xlsx(
        add("XLSX: a row numbered 1,048,576 then 2,000,000", "xlsx-rows.xlsx"),
        [
            xlsx_row(header),
            xlsx_row(rows[0]).replace(b"<row>", b'<row r="1048576">'),
            xlsx_row(rows[0]).replace(b"<row>", b'<row r="2000000">'),
        ],
    )
    write_xlsx(
        add("XLSX: 100,000 rows with a cell in column XFD", "xlsx-columns.xlsx"),
        [xlsx_row(header)]
        + [b'<row><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>' * 1000] * 100,
    )
    write_xlsx(
        add("XLSX: billion laughs (XML entities)", "xlsx-lol.xlsx"),
        [xlsx_row(header), xlsx_row(["&lol9;"])],
    )
    path = folder / "xlsx-lol.xlsx"
    _replace_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda data: LOL.encode() + data,
    )
    write_xlsx(
        add("ZIP of 20,000 files (an XLSX with 20,000 images)", "xlsx-members.xlsx"),
        [xlsx_row(header)],
        extra_members=20_000,
    )
    if not quick:
        # 100,000 real rows, shared texts, no cell references: about 650 kB.
        write_xlsx(
            add("XLSX: 100,000 valid rows (shared texts)", "xlsx-100k.xlsx"),
            _shared_rows([header, *rows]),
            shared=_shared_table([header, *rows]),
        )
        # The same number of rows, repeating 50 of them: a few hundred kB.
        write_xlsx(
            add("XLSX: 100,000 rows repeating 50 rows", "xlsx-repetitive.xlsx"),
            _shared_rows([header, *(rows[i % 50] for i in range(100_000))]),
            shared=_shared_table([header, *rows[:50]]),
        )
        path = add("CSV of 10 MB, valid", "csv-10mb.csv")
        _csv(path, header, rows, 10 * MB)
        path = add("JSON of 10 MB: 1.4 million empty objects", "json-10mb.json", "decp")
        path.write_bytes(b'{"marches": [' + b"{}," * (10 * MB // 3 - 10) + b"{}]}")
    return files


_TABLE: dict[str, int] = {}


def _shared_table(records: list[list[str]]) -> Iterator[bytes]:
    _TABLE.clear()
    for record in records:
        for value in record:
            if value not in _TABLE:
                _TABLE[value] = len(_TABLE)
                yield f"<si><t>{_xml_escape(value)}</t></si>".encode()


def _shared_rows(records: list[list[str]]) -> Iterator[bytes]:
    table: dict[str, int] = {}
    for record in records:
        cells = []
        for value in record:
            if value not in table:
                table[value] = len(table)
            cells.append(f'<c t="s"><v>{table[value]}</v></c>')
        yield ("<row>" + "".join(cells) + "</row>").encode()


def _csv(path: Path, header: list[str], rows: list[list[str]], size: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        i = 0
        while stream.tell() < size:
            writer.writerow(rows[i % len(rows)])
            i += 1


def _replace_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    source = path.read_bytes()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as old,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(
                info.filename, change(data) if info.filename == member else data
            )


# Measuring (in fresh processes) ------------------------------------------------------


def _rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def caller(paths: list[tuple[str, str]]) -> list[dict[str, object]]:
    """Check each file as a web request does; runs in its own process."""
    from ckanext.haute_garonne.validation import sandbox

    baseline = paths[0][0]
    sandbox.run(baseline, paths[0][1])  # starts the fork server
    start = _rss()
    results = []
    for path, standard in paths:
        for mode, seconds in (("request", REQUEST_SECONDS), ("job", JOB_SECONDS)):
            outcome = sandbox.run(path, standard, memory=MEMORY, seconds=seconds)
            report = outcome.report
            results.append(
                {
                    "mode": mode,
                    "status": report.status,
                    "limit": outcome.limit,
                    "fatal": report.fatal,
                    "rows": report.rows,
                    "seconds": outcome.seconds,
                    "child_mb": outcome.peak_rss / MB,
                    "caller_mb": (_rss() - start) / MB,
                }
            )
            if outcome.limit != sandbox.TIME_LIMIT:
                break
    return results


def overhead(path: str, standard: str, calls: int = 20) -> dict[str, float]:
    """Seconds of a call in the sandbox and in the process, same small file."""
    from ckanext.haute_garonne.validation import sandbox, validate

    started = time.perf_counter()
    sandbox.run(path, standard)
    first = time.perf_counter() - started
    validate(path, standard)
    timings = {}
    for name, call in (
        ("sandbox", lambda: sandbox.run(path, standard)),
        ("in process", lambda: validate(path, standard)),
    ):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        timings[name] = (time.perf_counter() - started) / calls
    return {"first": first, **timings}


def cli(path: str, standard: str) -> dict[str, object]:
    """The command line on a file, in a child process; its peak RSS."""
    started = time.perf_counter()
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "ckanext.haute_garonne.validation",
            path,
            "--schema",
            standard,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "exit": child.returncode,
        "seconds": seconds,
        "rss_mb": usage.ru_maxrss / 1024,
        "traceback": "Traceback" in child.stderr,
    }


def _in_fresh_process(command: str, payload: object) -> object:
    child = subprocess.run(
        [sys.executable, __file__, "--" + command, json.dumps(payload)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


# Main ------------------------------------------------------------------------------


def _verdict(result: dict[str, object]) -> str:
    if result["status"] != "error":
        return f"{result['status']} ({result['rows']:,} rows)"
    fatal = str(result["fatal"] or "")
    if result["limit"] == "time":
        return "too long for a request: to a job"
    if "(" in fatal and "décompressé" in fatal:
        return "refused: " + fatal[fatal.index("(") + 1 : fatal.index(")")]
    return "refused: " + fatal.split(". ")[0][:90]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the big files")
    parser.add_argument("--caller", help=argparse.SUPPRESS)
    parser.add_argument("--overhead", help=argparse.SUPPRESS)
    parser.add_argument("--cli", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.caller:
        print(json.dumps(caller(json.loads(args.caller))))
        return 0
    if args.overhead:
        print(json.dumps(overhead(*json.loads(args.overhead))))
        return 0
    if args.cli:
        print(json.dumps(cli(*json.loads(args.cli))))
        return 0

    with tempfile.TemporaryDirectory(prefix="hg-abuse-") as folder:
        started = time.perf_counter()
        files = build(Path(folder), args.quick)
        print(
            f"generated {len(files)} files in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        paths = [(str(path), standard) for _label, path, standard in files]
        results = _in_fresh_process("caller", paths)
        assert isinstance(results, list)
        by_file: list[list[dict[str, object]]] = []
        for result in results:
            if result["mode"] == "request":
                by_file.append([result])
            else:
                by_file[-1].append(result)
        lines = [
            "| file | size | verdict (web request, in the sandbox) | seconds "
            "| x baseline | child peak RSS MB | caller RSS growth MB "
            "| CLI exit | CLI seconds | CLI peak RSS MB |",
            "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        base = float(by_file[0][0]["seconds"])
        for (label, path, standard), runs in zip(files, by_file, strict=True):
            command = _in_fresh_process("cli", [str(path), standard])
            assert isinstance(command, dict)
            size = path.stat().st_size
            for result in runs:
                name = label if result["mode"] == "request" else "  … then in a job"
                exit_text = (
                    f"{command['exit']}"
                    + (" traceback!" if command["traceback"] else "")
                    if result["mode"] == "request"
                    else ""
                )
                lines.append(
                    f"| {name} | {_size(size)} | {_verdict(result)} "
                    f"| {float(result['seconds']):.2f} "
                    f"| {float(result['seconds']) / base:.1f} "
                    f"| {float(result['child_mb']):.0f} "
                    f"| {float(result['caller_mb']):.1f} "
                    f"| {exit_text} "
                    + (
                        f"| {float(command['seconds']):.2f} | {float(command['rss_mb']):.0f} |"
                        if result["mode"] == "request"
                        else "| | |"
                    )
                )
        timing = _in_fresh_process("overhead", [paths[0][0], paths[0][1]])
        assert isinstance(timing, dict)
    print("\n".join(lines))
    print()
    print("| sandbox overhead (baseline XLSX) | seconds |")
    print("|---|---:|")
    print(f"| first call (starts the fork server) | {timing['first']:.3f} |")
    print(f"| a call in the sandbox | {timing['sandbox']:.3f} |")
    print(f"| the same call in the process | {timing['in process']:.3f} |")
    print(f"| overhead per call | {timing['sandbox'] - timing['in process']:.3f} |")
    return 0


def _size(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{size / 1024:.1f} kB"


if __name__ == "__main__":
    sys.exit(main())
