#!/usr/bin/env python3
"""Build backend/assets/addresses/moscow.csv: real Moscow buildings (street,
house, lat, lon) for the demo and generated data.

Source: the open data of the Government of Moscow (data.mos.ru), as mirrored
in the public repository infoculture/mosopendata (commit cbfa6b25..., data of
October 2013): objects of the city's registers (new residential buildings,
schools, kindergartens, clinics, pharmacies, libraries, courts, ...), each
with its address and the building's point in the city's coordinate system.

Optional check: the OpenStreetMap street names of Moscow from the public
repository Walden-ea/CommonStreets (moscow.csv, commit da1f44d1...). When
given (--streets), a row is kept only if its street is a street of that list
(the spelling, with ё, is then OSM's), and a street written without its kind
("Ялтинская 10 к.1") gets the kind only if the list knows exactly one.

Optional report: the municipal districts of Moscow as GeoJSON (--districts),
to count the rows per administrative okrug and district.

Usage (Python 3.10+, `pip install pyproj`; shapely too for --districts):

    python3 build_moscow.py --source /path/to/mosopendata \
        --streets /path/to/CommonStreets/moscow.csv \
        [--districts districts.geojson] --out moscow.csv

--source is a checkout of infoculture/mosopendata or its git directory (read
at the pinned commit with `git show`). The output is deterministic.
"""

from __future__ import annotations

import argparse
import collections
import csv
import io
import json
import math
import os
import re
import subprocess
import sys

SOURCE_COMMIT = "cbfa6b259fa838d68bb30e225f47c5faf71f02a5"

# Moscow's local plane coordinates (МСК Москвы): transverse Mercator at
# 55°40' N, 37°30' E on the Bessel ellipsoid, with the published
# 7-parameter shift to WGS 84. Checked against landmarks (Bolshoi Theatre,
# Tretyakov Gallery, Moscow Zoo: within 8-30 m) and against the rows the
# source gives in WGS 84 already (see the report).
MSK = (
    "+proj=tmerc +lat_0=55.66666666667 +lon_0=37.5 +k=1 +x_0=12 +y_0=14 "
    "+ellps=bessel +towgs84=316.151,78.924,589.65,-1.57273,2.69209,"
    "2.34693,8.4507 +units=m +no_defs"
)

# The datasets used (data.mos.ru ids, as the mirror's thedata/<id>.csv):
# buildings with a place of work or residence behind the address. Left out:
# parks, metro stations, boundaries, cameras, kiosks, routes, sanatoria
# outside the city, markets and fairs.
DATASETS = {
    "520": "new residential buildings (apartments passported)",
    "493": "houses of culture and clubs",
    "495": "cinemas",
    "496": "youth centres",
    "497": "family and youth policy institutions",
    "499": "housing and utilities institutions",
    "500": "district engineering services",
    "501": "pharmacies",
    "503": "city clinics",
    "526": "libraries",
    "527": "exhibition halls",
    "528": "concert organisations",
    "529": "museums",
    "531": "theatres",
    "532": "children's music schools",
    "534": "children's art schools",
    "535": "evening schools",
    "536": "military-patriotic clubs",
    "537": "higher education institutions",
    "538": "gymnasiums",
    "539": "kindergartens in schools",
    "540": "kindergartens",
    "541": "kindergartens (combined)",
    "542": "kindergartens (compensating)",
    "543": "natural science centres",
    "544": "cadet schools",
    "545": "cadet boarding schools",
    "546": "colleges",
    "547": "remedial primary schools",
    "548": "remedial schools",
    "549": "remedial boarding schools",
    "551": "culture study centres",
    "552": "lyceums",
    "553": "technical centres",
    "554": "primary schools and kindergartens (compensating)",
    "555": "primary schools and kindergartens",
    "556": "technical schools",
    "557": "progymnasiums",
    "561": "social-pedagogical centres",
    "563": "special schools",
    "565": "secondary schools",
    "566": "secondary schools (health)",
    "567": "secondary schools (advanced)",
    "568": "secondary schools (ethnocultural)",
    "569": "tourism centres",
    "570": "training workshops",
    "572": "sports centres",
    "573": "arts centres",
    "574": "diagnostic centres",
    "575": "remedial pedagogy centres",
    "576": "education centres",
    "577": "rehabilitation centres",
    "578": "training centres",
    "579": "psychological support centres",
    "581": "home schooling schools",
    "582": "schools with kindergartens",
    "583": "boarding schools",
    "584": "boarding schools (advanced)",
    "589": "civil registry offices",
    "590": "magistrates' court districts",
    "594": "housing subsidy offices",
    "596": "social adaptation centres",
    "598": "children's homes",
    "599": "accessible social infrastructure",
    "600": "veterans' boarding houses",
    "651": "housing directorates of the okrugs",
    "652": "small business support",
    "750": "social shops",
}

# Old Moscow without Zelenograd (whose addresses have no streets) and without
# New Moscow: the bounds every row must lie in (the Rust side checks them).
LAT_MIN, LAT_MAX = 55.49, 55.96
LON_MIN, LON_MAX = 37.31, 37.96

# Kinds of street: the words and abbreviations the sources use, the short
# form people write, and whether the kind is feminine/neuter/masculine (only
# for reading OSM's full names back).
KINDS = [
    # (kind, short form, regex of the written forms)
    ("улица", "ул.", r"улица|ул\.?"),
    ("проспект", "пр-т", r"проспект|просп\.?|пр-т|пр-кт|пркт"),
    ("шоссе", "ш.", r"шоссе|ш\."),
    ("бульвар", "б-р", r"бульвар|б-р|бульв\.?"),
    ("переулок", "пер.", r"переулок|пер\.?"),
    ("проезд", "пр-д", r"проезд|пр-д|пр-зд"),
    ("набережная", "наб.", r"набережная|наб\.?"),
    ("площадь", "пл.", r"площадь|пл\.?"),
    ("тупик", "туп.", r"тупик|туп\.?"),
    ("аллея", "аллея", r"аллея"),
]
KIND_RE = [(k, short, re.compile(rf"(?<![\w-])(?:{rx})(?![\w-])", re.I)) for k, short, rx in KINDS]
# Written forms no street of ours may have (ambiguous "пр.", or not a street).
UNWANTED = re.compile(
    r"(?<![\w-])(пр\.|км|километр|квартал|мкр|микрорайон|посел|пос\.|п\.|"
    r"деревня|дер\.|село|линия|просек|мост|территория|тер\.|вл\.|владение|"
    r"зеленоград|корп\.\s*\d{3,})(?![\w-])",
    re.I,
)

ADJ_END = re.compile(r"(ый|ий|ой|ая|яя|ое|ее|ья|ье)$")
HOUSE_RE = re.compile(r"^[1-9]\d{0,3}[А-Я]?(/[1-9]\d{0,2}[А-Я]?)?(к[1-9]\d?[А-Я]?)?(с[1-9]\d?)?$")
STREET_RE = re.compile(r"^[0-9А-ЯЁа-яё][0-9А-ЯЁа-яё .\-]*$")


def fold(s: str) -> str:
    """Compare names: lower case, ё as е, no punctuation, single spaces."""
    s = s.lower().replace("ё", "е")
    s = re.sub(r"[^0-9а-я\- ]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def split_kind(name: str):
    """('улица', 'Профсоюзная') from 'Профсоюзная улица' / 'ул. Профсоюзная';
    (None, name) when no kind is written; None when more than one is."""
    found = []
    for kind, _short, rx in KIND_RE:
        for m in rx.finditer(name):
            found.append((kind, m))
    if not found:
        return None, name.strip(" ,.")
    if len({k for k, _ in found}) > 1 or len(found) > 1:
        return None
    kind, m = found[0]
    rest = (name[: m.start()] + " " + name[m.end():]).strip(" ,.")
    return kind, re.sub(r"\s+", " ", rest)


def short_form(kind: str, name: str) -> str:
    """'ул. Профсоюзная', 'Ленинградский пр-т', 'пр-т Мира', '1-й Басманный пер.'."""
    short = dict((k, s) for k, s, _ in KINDS)[kind]
    last = name.split()[-1]
    if kind != "улица" and ADJ_END.search(last.lower()) and not re.search(r"\d", last):
        return f"{name} {short}"
    return f"{short} {name}"


class Streets:
    """OSM's street names of Moscow: folded bare name -> {kind: (spelling,
    full name when the kind stands inside it: "17-й проезд Марьиной Рощи")}."""

    def __init__(self, path: str | None):
        self.by_name: dict[str, dict[str, tuple[str, str | None]]] = collections.defaultdict(dict)
        self.enabled = path is not None
        if not path:
            return
        with open(path, encoding="utf-8-sig") as f:
            for row in csv.DictReader(f):
                name = (row.get("name") or "").strip()
                if not name or "(" in name or '"' in name or "«" in name:
                    continue
                parts = split_kind(name)
                if not parts or parts[0] is None:
                    continue
                kind, bare = parts
                if not bare or not STREET_RE.match(bare):
                    continue
                rx = dict((k, r) for k, _s, r in KIND_RE)[kind]
                m = rx.search(name)
                inside = bool(name[: m.start()].strip()) and bool(name[m.end():].strip())
                self.by_name[fold(bare)][kind] = (bare, name if inside else None)

    def resolve(self, kind: str | None, bare: str):
        """(kind, spelling, full name or None) of a real street, or None."""
        if not self.enabled:
            return (kind, bare, None) if kind else None
        known = self.by_name.get(fold(bare))
        if not known:
            return None
        if kind:
            return (kind, *known[kind]) if kind in known else None
        if len(known) == 1:
            ((k, (spelling, full)),) = known.items()
            return k, spelling, full
        return None


HOUSE_NUM = re.compile(
    r"^(?:(?:д|дом)\.?\s*(?:№\s*)?)?(?P<num>[1-9]\d{0,3})\s*-?\s*(?P<lit>(?![кКсС]\.?\s*\d)[а-яА-Я](?![а-яА-Я.]))?"
    r"(?:\s*/\s*(?P<frac>[1-9]\d{0,2})\s*(?P<flit>[а-яА-Я](?![а-яА-Я]))?)?"
)
KORP = re.compile(r"^(?:к|корп|корпус|кор)\.?\s*(?P<k>[1-9]\d?)\s*(?P<klit>[а-яА-Я](?![а-яА-Я]))?", re.I)
STR = re.compile(r"^(?:с|стр|строение)\.?\s*(?P<s>[1-9]\d?)(?![\d,])", re.I)
TAIL = re.compile(r"^(?:кв|пом|помещение|эт|этаж|офис|оф|подъезд|п)\.?\s*[\dIVX–\-, ]+", re.I)


def parse_house(text: str) -> str | None:
    """'58/25с14' from 'д.58/25 стр.14'; '7к4' from 'дом 7, корпус 4'."""
    t = text.strip(" ,.;")
    m = HOUSE_NUM.match(t)
    if not m:
        return None
    house = m["num"]
    if m["lit"]:
        house += m["lit"].upper()
    if m["frac"]:
        house += "/" + m["frac"] + (m["flit"].upper() if m["flit"] else "")
    t = t[m.end():].strip(" ,.;")
    m = KORP.match(t)
    if m:
        house += "к" + m["k"] + (m["klit"].upper() if m["klit"] else "")
        t = t[m.end():].strip(" ,.;")
    m = STR.match(t)
    if m:
        house += "с" + m["s"]
        t = t[m.end():].strip(" ,.;")
    m = TAIL.match(t)
    if m:
        t = t[m.end():].strip(" ,.;")
    if t:
        return None
    return house if HOUSE_RE.match(house) else None


PREFIX = re.compile(
    r"^\s*(?:\d{6}\s*,?\s*)?(?:российская федерация\s*,\s*)?"
    r"(?:(?:г\.|город|гор\.)\s*)?(?:москва\s*)?[,\s]*",
    re.I,
)
HOUSE_START = re.compile(r"(?:^|[,\s])(?=(?:д|дом)\.?\s*(?:№\s*)?\d)", re.I)
BARE_NUMBER = re.compile(r"\s(?=[1-9]\d{0,3}(?:\s?[а-яА-Я](?![а-яА-Я.]))?(?:[\s,/]|$))")


LOOKALIKE = str.maketrans("aeopcxyAEOPCXKMTBH", "аеорсхуАЕОРСХКМТВН")


def latin_lookalikes(text: str) -> str:
    """Latin letters typed for Cyrillic ones inside Russian words."""
    def fix(m):
        w = m.group(0)
        return w.translate(LOOKALIKE) if re.search(r"[А-ЯЁа-яё]", w) else w
    return re.sub(r"[A-Za-zА-ЯЁа-яё]+", fix, text)


def parse_address(raw: str, streets: Streets):
    """(street, house) as people write them, or (None, reason)."""
    text = latin_lookalikes(raw.replace("\u00a0", " "))
    text = re.sub(r"\s+", " ", text).strip().strip('"')
    # "2-ой", "3-ий", "2-ая" as OSM writes them: "2-й", "3-й", "2-я".
    text = re.sub(r"(\d)-(?:ой|ый|ий)(?![а-я])", r"\1-й", text)
    text = re.sub(r"(\d)-(?:ая|ья)(?![а-я])", r"\1-я", text)
    text = PREFIX.sub("", text, count=1)
    if not text:
        return None, "empty"
    if UNWANTED.search(text):
        return None, "not a street address"
    # Abbreviated parts of names ("Б. Академическая", "М.Джалиля").
    if re.search(r"(?<![\w-])[А-ЯЁ]\.\s*[А-ЯЁ]", text):
        return None, "abbreviated name"
    m = HOUSE_START.search(text)
    if m:
        street_part, house_part = text[: m.start()], text[m.end():]
    else:
        # "Ялтинская 10 к.1": the first bare number that is not part of
        # the name ("1-й", "800-летия", "26 Бакинских" keep their hyphens).
        m = BARE_NUMBER.search(text)
        if not m:
            return None, "no house number"
        street_part, house_part = text[: m.start()], text[m.end():]
    street_part = street_part.strip(" ,")
    parts = split_kind(street_part)
    if not parts:
        # "ул. Осенний бульвар", "ул. Рублевское ш.": the second kind is the one.
        without = re.sub(r"^(?:улица|ул\.?)(?![\w-])\s*", "", street_part, flags=re.I)
        parts = split_kind(without) if without != street_part else None
    if not parts:
        return None, "two kinds of street"
    kind, bare = parts
    bare = re.sub(r"\s*-\s*", "-", bare).strip(" ,.")
    if not bare or not STREET_RE.match(bare) or not re.search(r"[А-ЯЁа-яё]{3}", bare):
        return None, "street not in Russian"
    bare = bare[0].upper() + bare[1:] if not bare[0].isdigit() else bare
    resolved = streets.resolve(kind, bare)
    if not resolved:
        return None, "street unknown" if kind else "kind of street unknown"
    kind, bare, full = resolved
    house = parse_house(house_part)
    if not house:
        return None, "house number"
    # A kind inside the name stays there, in full: "17-й проезд Марьиной
    # Рощи", "9-я улица Соколиной Горы" (as written; "пр-д" would read as "д.").
    return (full or short_form(kind, bare), house), None


def read_source(source: str, rel: str) -> str | None:
    """The text of thedata/<id>.csv from a checkout or a git directory."""
    path = os.path.join(source, rel)
    if os.path.isfile(path):
        raw = open(path, "rb").read()
    else:
        git_dir = source if os.path.isdir(os.path.join(source, "objects")) else os.path.join(source, ".git")
        res = subprocess.run(
            ["git", "--git-dir", git_dir, "show", f"{SOURCE_COMMIT}:{rel}"],
            capture_output=True,
        )
        if res.returncode != 0:
            return None
        raw = res.stdout
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1251")


def number(s: str) -> float | None:
    s = s.strip().strip('"').replace(" ", "").replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def columns(header: list[str]):
    """Indices of the address and of the x/y (or lon/lat) columns."""
    h = [c.strip().strip('"').replace(" ", "") for c in header]
    addr = [i for i, c in enumerate(h) if "Адрес" in c and "электрон" not in c
            and "Юридический" not in c and "ориентир" not in c]
    xs = [i for i, c in enumerate(h) if c in ("0_x", "0_X", "0_POINT_X", "0_Координата_X", "0_КоординатаX")]
    ys = [i for i, c in enumerate(h) if c in ("0_y", "0_Y", "0_POINT_Y", "0_Координата_Y", "0_КоординатаY")]
    if not addr:
        return None
    if xs and ys:
        return addr[0], xs[0], ys[0]
    return addr[0], None, None  # the pharmacies: the last two fields


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", required=True, help="infoculture/mosopendata checkout or git dir")
    ap.add_argument("--streets", help="Walden-ea/CommonStreets moscow.csv (OSM street names)")
    ap.add_argument("--districts", help="GeoJSON of Moscow's districts (report only)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--max", type=int, default=4000, help="at most this many rows")
    args = ap.parse_args()

    from pyproj import Transformer

    to_wgs = Transformer.from_crs(MSK, "EPSG:4326", always_xy=True)
    streets = Streets(args.streets)

    rejects = collections.Counter()
    reject_examples: dict[str, list[str]] = collections.defaultdict(list)
    per_dataset = collections.Counter()
    rows = []  # (street, house, lat, lon, dataset, crs)
    for ds in DATASETS:
        text = read_source(args.source, f"thedata/{ds}.csv")
        if text is None:
            print(f"dataset {ds}: missing", file=sys.stderr)
            continue
        table = list(csv.reader(io.StringIO(text), delimiter=";"))
        cols = columns(table[0])
        if not cols:
            print(f"dataset {ds}: no address column", file=sys.stderr)
            continue
        ai, xi, yi = cols
        for r in table[1:]:
            if len(r) <= ai:
                continue
            if xi is None:
                x, y = (number(r[-2]), number(r[-1])) if len(r) >= 2 else (None, None)
            else:
                x = number(r[xi]) if len(r) > xi else None
                y = number(r[yi]) if len(r) > yi else None
            if x is None or y is None or (x == 0 and y == 0):
                rejects["no point"] += 1
                continue
            if 30 < x < 45 and 50 < y < 60:
                lon, lat, crs = x, y, "wgs84"
            elif abs(x) < 60000 and abs(y) < 60000:
                lon, lat = to_wgs.transform(x, y)
                crs = "msk"
            else:
                rejects["no point"] += 1
                continue
            parsed, why = parse_address(r[ai], streets)
            if not parsed:
                rejects[why] += 1
                if len(reject_examples[why]) < 6:
                    reject_examples[why].append(r[ai].strip()[:90])
                continue
            if not (LAT_MIN <= lat <= LAT_MAX and LON_MIN <= lon <= LON_MAX):
                rejects["outside the bounds"] += 1
                continue
            rows.append((parsed[0], parsed[1], lat, lon, ds, crs))
            per_dataset[ds] += 1

    # The source's own WGS 84 points against ours for the same building.
    by_key = collections.defaultdict(list)
    for row in rows:
        by_key[(row[0], row[1])].append(row)
    diffs = []
    for group in by_key.values():
        msk = [g for g in group if g[5] == "msk"]
        wgs = [g for g in group if g[5] == "wgs84"]
        if msk and wgs:
            diffs.append(dist_m(msk[0][2], msk[0][3], wgs[0][2], wgs[0][3]))

    # One row a building: the city's plane coordinates first (the WGS 84
    # points of a few datasets are geocoded), and a building whose sources
    # disagree by more than 150 m is left out.
    chosen = []
    for key, group in by_key.items():
        group.sort(key=lambda g: (g[5] != "msk", list(DATASETS).index(g[4])))
        first = group[0]
        if any(dist_m(first[2], first[3], g[2], g[3]) > 150 for g in group[1:]):
            rejects["sources disagree"] += 1
            continue
        if first[5] != "msk":
            rejects["only a geocoded point"] += 1
            continue
        chosen.append(first)

    # One address a point: where two rows have the very same point they are
    # one building written two ways ("42" and "42к1"): the more precise
    # house stays; two different numbers on one point ("4" and "5"): neither.
    at_point = collections.defaultdict(list)
    for g in chosen:
        at_point[(round(g[2], 5), round(g[3], 5))].append(g)
    chosen = []
    for group in at_point.values():
        if len(group) == 1:
            chosen.append(group[0])
            continue
        bases = {(g[0], re.match(r"\d+[А-Я]?", g[1]).group(0)) for g in group}
        if len(bases) == 1:
            chosen.append(max(group, key=lambda g: (len(g[1]), g[1])))
            rejects["same building twice"] += len(group) - 1
        else:
            rejects["two buildings on one point"] += len(group)

    print(f"buildings found: {len(chosen)}")
    # Spread: when more rows than --max, keep them cell by cell (1 km
    # squares, in turn) so no part of the city crowds out another.
    chosen.sort(key=lambda g: (g[0], g[1]))
    if len(chosen) > args.max:
        # In a cell, the residential buildings first (clients' flats).
        cells = collections.defaultdict(list)
        for g in sorted(chosen, key=lambda g: (g[4] != "520", g[0], g[1])):
            cells[(int(g[2] / 0.009), int(g[3] / 0.016))].append(g)
        order = sorted(cells)
        picked = []
        depth = 0
        while len(picked) < args.max:
            for c in order:
                if depth < len(cells[c]) and len(picked) < args.max:
                    picked.append(cells[c][depth])
            depth += 1
        chosen = sorted(picked, key=lambda g: (g[0], g[1]))

    with open(args.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["street", "house", "lat", "lon"])
        for street, house, lat, lon, _ds, _crs in chosen:
            w.writerow([street, house, f"{lat:.6f}", f"{lon:.6f}"])

    # The report.
    print(f"rows written: {len(chosen)} ({args.out})")
    print(f"streets: {len({g[0] for g in chosen})}")
    print("kept per dataset:", dict(collections.Counter(g[4] for g in chosen).most_common()))
    print("parsed per dataset:", dict(per_dataset.most_common()))
    print("rejected:", dict(rejects.most_common()))
    for why, ex in reject_examples.items():
        print(f"  {why}: {ex}")
    if diffs:
        diffs.sort()
        print(
            f"source WGS 84 vs converted plane point, same building: n={len(diffs)} "
            f"median={diffs[len(diffs) // 2]:.0f} m p90={diffs[int(len(diffs) * 0.9)]:.0f} m"
        )
    lats = [g[2] for g in chosen]
    lons = [g[3] for g in chosen]
    print(f"bounds: lat {min(lats):.4f}..{max(lats):.4f}, lon {min(lons):.4f}..{max(lons):.4f}")
    if args.districts:
        report_districts(args.districts, chosen)
    return 0


def dist_m(lat1, lon1, lat2, lon2) -> float:
    dy = (lat1 - lat2) * 111_320
    dx = (lon1 - lon2) * 111_320 * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)


def report_districts(path: str, chosen) -> None:
    from shapely.geometry import Point, shape
    from shapely.strtree import STRtree

    feats = json.load(open(path, encoding="utf-8"))["features"]
    shapes = [shape(f["geometry"]) for f in feats]
    tree = STRtree(shapes)
    per_ao = collections.Counter()
    per_district = collections.Counter()
    outside = 0
    for g in chosen:
        p = Point(g[3], g[2])
        hit = [i for i in tree.query(p) if shapes[i].contains(p)]
        if not hit:
            outside += 1
            continue
        props = feats[hit[0]]["properties"]
        per_ao[props.get("ABBREV_AO")] += 1
        per_district[props.get("NAME")] += 1
    old = [f["properties"]["NAME"] for f in feats
           if f["properties"].get("ABBREV_AO") not in ("ЗелАО", "Новомосковский", "Троицкий")]
    empty = sorted(n for n in old if per_district[n] == 0)
    print("per okrug:", dict(per_ao.most_common()))
    print(f"districts of old Moscow with rows: {len(old) - len(empty)} of {len(old)}; "
          f"fewest: {sorted(per_district.items(), key=lambda kv: kv[1])[:5]}")
    if empty:
        print("districts without a row:", empty)
    if outside:
        print("rows in no district:", outside)


if __name__ == "__main__":
    sys.exit(main())
