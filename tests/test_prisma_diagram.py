"""The PRISMA 2020 diagram as drawn: the SVG parses, each count sits in its box, no two boxes
overlap, phase labels run upwards; the PNG has the right size and real content; the renderer
is found as documented."""

from __future__ import annotations

import os
import re
import stat
import struct
import sys
import zlib
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

from cen_search.errors import RenderError
from cen_search.prisma import png
from cen_search.prisma.counts import compute_flow
from cen_search.prisma.picture import Diagram, build
from cen_search.prisma.render import Renderer, find_renderer
from tests._flows import EXCLUDED, NOT_RETRIEVED, Flow, ft_excluded, included

SVG = "{http://www.w3.org/2000/svg}"


def example_flow(*, update: bool = False) -> Flow:
    flow = Flow(rounds=("base", "2021") if update else ("base",), reasons=("Wrong setting",))
    flow.many(5, "MEDLINE", "Embase", **EXCLUDED)
    flow.many(3, "CINAHL", **EXCLUDED)
    flow.report("HMIC", **NOT_RETRIEVED)
    flow.report("MEDLINE", **ft_excluded("Wrong setting"))
    flow.report("MEDLINE", **ft_excluded("Not peer reviewed, grey literature"))
    flow.report("MEDLINE", "Social Policy and Practice", **included("S1"))
    flow.report("ASSIA", **included("S1"))
    flow.report(("Citation tracing", "citation"), **included("S2"))
    flow.report(("Call for evidence", "call-for-evidence"), **ft_excluded("Wrong setting"))
    if update:
        round2 = "2021"
        flow.report("MEDLINE", round=round2, **included("S3"))
        flow.many(2, "MEDLINE", round=round2, **EXCLUDED)
        flow.report(("Web searches", "website"), round=round2, **included("S4"))
    return flow


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return find_renderer()


@pytest.fixture(scope="module", params=["new", "update"])
def diagram(request: pytest.FixtureRequest, renderer: Renderer) -> Diagram:
    update = request.param == "update"
    flow = compute_flow(example_flow(update=update).state(), template=request.param)
    return build(flow, renderer, title="Example")


@pytest.fixture(scope="module")
def svg_root(diagram: Diagram) -> object:
    return fromstring(diagram.svg())


def _groups(root: object) -> dict[str, object]:
    return {
        g.get("id"): g
        for g in root.iter(f"{SVG}g")  # type: ignore[attr-defined]
        if g.get("class") == "node"
    }


def _points(group: object) -> list[tuple[float, float]]:
    shape = group.find(f"{SVG}polygon")  # type: ignore[attr-defined]
    path = group.find(f"{SVG}path")  # type: ignore[attr-defined]
    numbers = shape.get("points") if shape is not None else path.get("d")
    values = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", numbers)]
    return list(zip(values[0::2], values[1::2], strict=False))


def _rect(group: object) -> tuple[float, float, float, float]:
    points = _points(group)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _texts(group: object) -> list[str]:
    return [t.text or "" for t in group.iter(f"{SVG}text")]  # type: ignore[attr-defined]


def test_svg_has_every_box_of_the_template(diagram: Diagram, svg_root: object) -> None:
    groups = _groups(svg_root)
    for box in diagram.boxes:
        assert box.id in groups, box.id
    expected = {"dbr_identified", "dbr_removed", "dbr_screened", "dbr_excluded", "dbr_sought",
                "dbr_not_retrieved", "dbr_assessed", "dbr_reasons", "included", "other_sought",
                "other_assessed", "other_reasons"}  # fmt: skip
    if diagram.flow.template == "update":
        expected |= {"previous", "total", "previous_header"}
    assert expected <= set(groups)


def test_every_count_appears_in_its_box(diagram: Diagram, svg_root: object) -> None:
    groups = _groups(svg_root)
    for box in diagram.boxes:
        shown = " ".join(" ".join(_texts(groups[box.id])).split())
        for line in box.lines:
            assert " ".join(line.split()) in shown, (box.id, line)
    flow = diagram.flow
    screened = " ".join(_texts(groups["dbr_screened"]))
    assert f"(n = {flow.dbr.screened})" in screened
    included_text = " ".join(_texts(groups["included"]))
    assert f"(n = {flow.included.new_studies})" in included_text


def test_no_two_boxes_overlap_and_text_stays_inside(diagram: Diagram, svg_root: object) -> None:
    groups = _groups(svg_root)
    rects = {
        name: _rect(group)
        for name, group in groups.items()
        if not name.startswith("bend") and name != "notes"
    }
    names = sorted(rects)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ra, rb = rects[a], rects[b]
            apart = ra[2] <= rb[0] or rb[2] <= ra[0] or ra[3] <= rb[1] or rb[3] <= ra[1]
            assert apart, f"{a} overlaps {b}"
    for name, group in groups.items():
        if name.startswith(("bend", "phase")) or name == "notes":
            continue
        left, top, right, bottom = rects[name]
        for text in group.iter(f"{SVG}text"):  # type: ignore[attr-defined]
            x, y = float(text.get("x")), float(text.get("y"))
            assert left <= x <= right and top <= y <= bottom, (name, text.text)
            width = 0.45 * 10 * len(text.text or "")  # Arial's average advance
            start = x - width / 2 if text.get("text-anchor") == "middle" else x
            assert start >= left - 1 and start + width <= right + 6, (name, text.text)
    notes = rects.get("notes") or _rect_of_text(groups["notes"])
    assert notes[1] >= max(r[3] for r in rects.values()) - 1


def _rect_of_text(group: object) -> tuple[float, float, float, float]:
    ys = [float(t.get("y")) for t in group.iter(f"{SVG}text")]  # type: ignore[attr-defined]
    return 0.0, min(ys) - 8, 0.0, max(ys)


def test_phase_labels_run_upwards_inside_their_boxes(svg_root: object) -> None:
    groups = _groups(svg_root)
    for name in ("phase_identification", "phase_screening", "phase_included"):
        text = next(groups[name].iter(f"{SVG}text"))  # type: ignore[attr-defined]
        assert text.get("transform", "").startswith("rotate(-90 ")
        left, top, right, bottom = _rect(groups[name])
        x = float(text.get("x"))
        assert left <= x <= right and text.get("text-anchor") == "middle"
        assert bottom - top >= 0.45 * 10 * len(text.text or "")


def test_elbow_arrows_join_other_methods_and_previous_studies(diagram: Diagram) -> None:
    vias = {arrow.via for arrow in diagram.arrows if arrow.via}
    expected = {"other:included"}
    if diagram.flow.template == "update":
        expected.add("previous:total")
    assert vias == expected


def test_png_has_the_svg_size_and_drawn_content(diagram: Diagram) -> None:
    data = diagram.png()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    layout = diagram.layout
    assert abs(width - (layout.width + 2 * 10.8) * 96 / 72) < 6
    assert abs(height - (layout.height + 2 * 10.8) * 96 / 72) < 6
    image = png.decode(data)
    dark = sum(1 for row in image.rows for v in row[0::4] if v < 100)
    assert dark > 2000  # text and lines
    for box in ("phase_identification", "phase_screening"):
        placed = layout.boxes[box]
        scale = 96 / 72
        cx = int((placed.x + 10.8) * scale)
        top = int((placed.top + 10.8) * scale)
        bottom = int((placed.bottom + 10.8) * scale)
        column = [image.pixel(cx, y)[0] for y in range(top + 4, bottom - 4)]
        assert min(column) < 120, f"no label text drawn in {box}"


def test_png_is_decoded_independently_with_zlib(diagram: Diagram) -> None:
    data = diagram.png()
    chunks, at = {}, 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        chunks.setdefault(kind, b"")
        chunks[kind] += data[at + 8 : at + 8 + length]
        assert (
            zlib.crc32(kind + data[at + 8 : at + 8 + length])
            == struct.unpack(">I", data[at + 8 + length : at + 12 + length])[0]
        )
        at += 12 + length
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    raw = zlib.decompress(chunks[b"IDAT"])
    assert len(raw) == height * (1 + 4 * width)
    assert len(set(raw[1 : 1 + 4 * width])) >= 1 and raw.count(b"\xff") < len(raw)


def test_png_roundtrip_and_rgb_conversion() -> None:
    image = png.Image(
        2, 2, [bytearray(b"\x01\x02\x03\xff" * 2), bytearray(b"\x00\x00\x00\x80" * 2)]
    )
    back = png.decode(png.encode(image))
    assert back.rows == image.rows
    rgb = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00\x0a\x0b\x0c")
    data = png.SIGNATURE + png._chunk(b"IHDR", rgb) + png._chunk(b"IDAT", body)
    assert png.decode(data + png._chunk(b"IEND", b"")).pixel(0, 0) == (10, 11, 12, 255)
    with pytest.raises(png.PngError):
        png.decode(b"GIF89a")


def test_dot_source_pins_every_box(diagram: Diagram) -> None:
    source = diagram.dot
    for box in diagram.boxes:
        assert re.search(rf'{box.id} \[[^\]]*pos="[\d.]+,[\d.]+!"', source), box.id
    assert "fixedsize=true" in source


def _fake_program(folder: Path, name: str, target: str) -> Path:
    path = folder / name
    path.write_text(f'#!/bin/sh\necho "$0" >> "{folder}/calls"\nexec "{target}" "$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.mark.skipif(sys.platform == "win32", reason="shell script stand-in")
def test_a_system_dot_on_path_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           renderer: Renderer) -> None:  # fmt: skip
    _fake_program(tmp_path, "dot", renderer.command)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    found = find_renderer()
    assert found.name == "dot" and found.command == str(tmp_path / "dot")
    flow = compute_flow(example_flow().state())
    assert build(flow, found).svg().startswith(b"<?xml")
    assert (tmp_path / "calls").read_text().count("dot") >= 2


def test_configured_renderer_wins_and_a_missing_one_is_an_error(
    tmp_path: Path, renderer: Renderer
) -> None:
    fake = _fake_program(tmp_path, "my-graphviz", renderer.command)
    assert find_renderer(str(fake)).command == str(fake)
    with pytest.raises(RenderError, match="no such program"):
        find_renderer(str(tmp_path / "nothing-here"))


def test_no_renderer_at_all_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    import cen_search.prisma.render as render

    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    monkeypatch.setattr(render, "_beside_python", lambda name: None)
    with pytest.raises(RenderError, match="graphviz-pure"):
        find_renderer()


def test_a_failing_renderer_reports_its_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.write_text('#!/bin/sh\necho "Error: syntax error in line 1" >&2\nexit 1\n')
    broken.chmod(0o755)
    with pytest.raises(RenderError, match="syntax error in line 1"):
        Renderer(str(broken), "broken").run("digraph {}", fmt="svg")
