"""Recorded responses in the publishers' exact layouts, generated from the mirror, and a local server for them.

The Fingertips responses have every column of the API's CSV layout, taken from the header of the mirror's real
API export (``fingertips_child_injuries/``); their rows carry the real published values of the mirror's extract
of indicator 90366 (life expectancy at birth) with limits and counts added, plus one new period, so a refresh
has something new to find. Nothing here is copied into the repository: the files are made in the test's
temporary folder.
"""

from __future__ import annotations

import csv
import http.server
import io
import threading
import urllib.parse
from pathlib import Path

NEW_PERIOD = "2024 - 26"
#: (area code, area name, area type label, child area type ids whose response holds the area)
AREAS = {
    "E07000220": ("Rugby", "Districts & UAs (from Apr 2023)", (501,)),
    "E07000222": ("Warwick", "Districts & UAs (from Apr 2023)", (501,)),
    "E08000026": ("Coventry", "Districts & UAs (from Apr 2023)", (501, 502)),
    "E10000031": ("Warwickshire", "Counties & UAs (from Apr 2023)", (502,)),
    "E12000005": ("West Midlands region (statistical)", "Regions (statistical)", (6,)),
}
ENGLAND = "E92000001"


def api_header(mirror: Path, parent_column: str = "Compared to Regions (statistical) value or percentiles") -> list[str]:
    """The API layout's columns, from the real export's header (its parent comparison column renamed)."""
    with (mirror / "fingertips_child_injuries" / "region_hospital_admissions_2324.csv").open(encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    return [parent_column if c.startswith("Compared to R") else c for c in header]


def _extract_rows(mirror: Path) -> list[dict]:
    with (mirror / "fingertips_trafford" / "trafford_themes" / "health__life_expectancy.csv").open(encoding="utf-8-sig") as f:
        return [r for r in csv.DictReader(f) if r["area_code"] in AREAS or r["area_code"] == ENGLAND]


def _row(header: list[str], code: str, name: str, area_type: str, sex: str, period: str, value: float,
         comparison: str, parent: tuple[str, str]) -> dict:
    half95, half998 = 0.9, 1.5  # limits around the value (synthetic widths; values are real)
    row = dict.fromkeys(header, "")
    row.update({
        "Indicator ID": "90366", "Indicator Name": "Life expectancy at birth", "Parent Code": parent[0],
        "Parent Name": parent[1], "Area Code": code, "Area Name": name, "Area Type": area_type, "Sex": sex,
        "Age": "All ages", "Time period": period, "Value": f"{value:.6f}",
        "Lower CI 95.0 limit": f"{value - half95:.6f}", "Upper CI 95.0 limit": f"{value + half95:.6f}",
        "Lower CI 99.8 limit": f"{value - half998:.6f}", "Upper CI 99.8 limit": f"{value + half998:.6f}",
        "Count": "1234", "Denominator": "56789", "Recent Trend": "Cannot be calculated",
        "Compared to England value or percentiles": comparison, "Time period Sortable": f"{period[:4]}0000",
        "Time period range": "3y",
    })
    for column in header:
        if column.startswith("Compared to") and column.endswith("value or percentiles") and "England" not in column:
            row[column] = "Not compared"
    return row


def life_expectancy_responses(mirror: Path, new_value: float = 77.1) -> dict[int, bytes]:
    """One CSV per child area type (501, 502, 6) for indicator 90366: the mirror's periods plus ``NEW_PERIOD``.

    In the new period Rugby's men get ``new_value`` with OHID's comparison "Worse" (95 % limits 0.9 years
    either side); everyone else keeps their latest value, "Similar".
    """
    header = api_header(mirror)
    extract = _extract_rows(mirror)
    latest = max(r["period"] for r in extract)
    out = {}
    for child in (501, 502, 6):
        rows = []
        for r in extract:
            code = r["area_code"]
            name, label, types = AREAS.get(code, ("England", "England", (501, 502, 6)))
            if child not in types or r["value"] in ("", "NA"):
                continue
            sex = r["inequality"].capitalize() if r["inequality"] in ("Male", "Female") else "Persons"
            parent = ("", "") if code == ENGLAND else ("E12000005", "West Midlands region (statistical)")
            comparison = "Not compared" if code == ENGLAND else (r["compared_to_England"] or "Not compared")
            rows.append(_row(header, code, name, label, sex, r["period"], float(r["value"]), comparison, parent))
            if r["period"] == latest:
                value = new_value if (code, sex) == ("E07000220", "Male") else float(r["value"])
                word = "Not compared" if code == ENGLAND else ("Worse" if (code, sex) == ("E07000220", "Male") else "Similar")
                rows.append(_row(header, code, name, label, sex, NEW_PERIOD, value, word, parent))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        out[child] = buffer.getvalue().encode("utf-8")
    return out


class PublisherServer:
    """A local HTTP server (127.0.0.1, a free port) answering recorded responses by path and query; 404 otherwise."""

    def __init__(self) -> None:
        self.responses: dict[tuple[str, tuple], bytes] = {}
        self.requests: list[str] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                owner.requests.append(self.path)
                url = urllib.parse.urlsplit(self.path)
                body = owner.responses.get((url.path, tuple(sorted(urllib.parse.parse_qsl(url.query)))))
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/csv" if body is not None else "text/plain")
                body = body if body is not None else b"not found"
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.timeout = 5
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, url: str, body: bytes) -> None:
        """Answer ``url`` (its path and query; the host is ignored) with ``body``."""
        parts = urllib.parse.urlsplit(url)
        self.responses[(parts.path, tuple(sorted(urllib.parse.parse_qsl(parts.query))))] = body

    def __enter__(self) -> "PublisherServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
