"""Every document is tagged: the packet's parts' structure trees under one Document, the
contents page a TOC of links, the signature fields Form elements (a protocol extract's
too); every page's content tagged or an artifact, every marked item in the tree, headings
in order (avtalsgen.pdf.tags walks it), in the beslutsförslag, the agreement, the packet,
every shipped meeting's extracts and notices (anslag)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from conftest import CASES, REPO, run, run_cli
from tagged_text import tagged_elements

from avtalsgen import i18n
from avtalsgen.pdf.tags import structure_problems
from avtalsgen.signing.pki import DemoPki, ensure_demo_signer
from avtalsgen.signing.sign import Pkcs12Key, sign_packet
from avtalsgen.signing.verify import verify_packet

pytestmark = pytest.mark.libreoffice


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The checker's findings in English, which the tests quote."""
    i18n.set_language("en")
    yield
    i18n.set_language(None)


def _kids(elem: pikepdf.Object) -> list[pikepdf.Object]:
    kids = elem.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _elements(elem: pikepdf.Object) -> list[pikepdf.Object]:
    return [k for k in _kids(elem) if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def _all(elem: pikepdf.Object) -> list[pikepdf.Object]:
    found = []
    for kid in _elements(elem):
        found += [kid, *_all(kid)]
    return found


@pytest.mark.parametrize("dnr", list(CASES))
@pytest.mark.parametrize("name", ["paket", "beslutsforslag", "samarbetsavtal"])
def test_the_structure_tree_holds_everything(built: Path, dnr: str, name: str) -> None:
    path = built / dnr / f"{name}.pdf"
    with pikepdf.open(path) as pdf:
        assert structure_problems(pdf, "sv-SE") == []
    assert "Tagged:          yes" in run("pdfinfo", str(path))


@pytest.mark.parametrize("dnr", list(CASES))
def test_the_packets_parts_contents_and_fields(built: Path, dnr: str) -> None:
    with pikepdf.open(built / dnr / "paket.pdf") as pdf:
        document = _elements(pdf.Root.StructTreeRoot)[0]
        assert document.S == "/Document"
        contents, *parts = _elements(document)
        titles = [str(item.title) for item in pdf.open_outline().root]
        assert str(contents.T) == titles[0] == "Innehåll"
        assert [str(part.T) for part in parts] == titles[1:]
        assert all(part.S == "/Part" for part in parts)
        # Each part's first heading is its title, as H1.
        for part in parts:
            headings = [str(e.S) for e in _all(part) if str(e.S) in {f"/H{n}" for n in range(7)}]
            assert headings[0] == "/H1", str(part.T)
        # The contents page: H1, then per group H2 and a TOC of TOCI > Link, each link
        # annotation going to its part's first page.
        kinds = [str(e.S) for e in _elements(contents)]
        assert kinds[0] == "/H1" and "/TOC" in kinds and "/H2" in kinds
        items = [i for toc in _elements(contents) if toc.S == "/TOC" for i in _elements(toc)]
        assert len(items) == len(parts)
        for item, part_title in zip(items, titles[1:], strict=True):
            link = _elements(item)[0]
            assert link.S == "/Link"
            objr = [
                k
                for k in _kids(link)
                if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
            ]
            annot = objr[0].Obj
            assert annot.Subtype == "/Link" and str(annot.Contents).startswith(part_title)
            target = pikepdf.Page(annot.Dest[0]).index
            outline = {str(i.title): i for i in pdf.open_outline().root}[part_title]
            assert target == pikepdf.Page(outline.destination[0]).index  # type: ignore[index]
        # The signature fields: Form elements described as the fields are, in the agreement.
        forms = [e for e in _all(document) if e.S == "/Form"]
        fields = list(pdf.Root.AcroForm.Fields)
        assert [str(f.Alt) for f in forms] == [str(f.TU) for f in fields]
        assert all(f.K.Obj.objgen == field.objgen for f, field in zip(forms, fields, strict=True))
        agreement = next(p for p in parts if str(p.T) == "Samarbetsavtal")
        assert all(f in _all(agreement) for f in forms)
        for page in pdf.pages:
            if len(page.obj.get("/Annots", [])):
                assert page.obj.Tabs == "/S"


@pytest.mark.parametrize("dnr", list(CASES))
def test_the_contents_page_reads_as_it_shows(built: Path, dnr: str) -> None:
    """A screen reader hears each group's heading alone, and each entry's title, a space and
    its pages; the link says which part and pages it goes to."""
    with pikepdf.open(built / dnr / "paket.pdf") as pdf:
        elements = tagged_elements(pdf)
        start = next(i for i, e in enumerate(elements) if e.kind == "Sect") + 1
        end = next(i for i, e in enumerate(elements) if e.kind == "Part")
        contents = elements[start:end]
        headings = [e.text for e in contents if e.kind == "H2"]
        assert headings[0] == "Handlingar" and set(headings) <= {"Handlingar", "Bilagor"}
        assert [e.text for e in contents if e.kind == "P"][-1] == f"Dnr {dnr}"
        links = [e for e in contents if e.kind == "Link"]
        titles = [str(item.title) for item in pdf.open_outline().root][1:]
        assert len(links) == len(titles)
        for link, title in zip(links, titles, strict=True):
            first, _, last = link.text.rpartition(" ")[2].partition("–")
            assert link.text == f"{title} {first}{'–' if last else ''}{last}"
            pages = f"sidorna {first}–{last}" if last else f"sidan {first}"
            assert link.alt == f"{title}, {pages}"
            annot = next(k.Obj for k in _kids(link.elem) if isinstance(k, pikepdf.Dictionary)
                         and k.get("/Type") == "/OBJR")  # fmt: skip
            assert str(annot.Contents) == link.alt
            assert pikepdf.Page(annot.Dest[0]).index + 1 == int(first)
    shown = run("pdftotext", "-layout", "-f", "1", "-l", "1", str(built / dnr / "paket.pdf"), "-")
    assert re.search(r"Handlingar +Sidor", shown)


def _scopes(cell: pikepdf.Object) -> list[str]:
    attributes = cell.get("/A")
    listed = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    return [str(a.Scope) for a in listed if isinstance(a, pikepdf.Dictionary) and "/Scope" in a]


@pytest.mark.parametrize("dnr", list(CASES))
def test_the_packets_tables_name_their_rows(built: Path, dnr: str) -> None:
    """The amounts tables' first column (Region Norrbotten, Avtalsår 1, Totalt) is each
    row's header, the first row the columns' headers."""
    with pikepdf.open(built / dnr / "paket.pdf") as pdf:
        elements = tagged_elements(pdf)
        where = {e.elem.objgen: n for n, e in enumerate(elements)}

        def text(cell: pikepdf.Object) -> str:
            start = where[cell.objgen]
            inside = []
            for e in elements[start + 1 :]:
                if e.depth <= elements[start].depth:
                    break
                inside.append(e.text)
            return "".join(inside)

        tables = [e.elem for e in elements if e.kind == "Table"]
        assert tables
        named = []
        for table in tables:
            rows = [r for r in _all(table) if r.S == "/TR"]
            header, *body = [_elements(row) for row in rows]
            assert all(c.S == "/TH" and _scopes(c) == ["/Column"] for c in header)
            for cells in body:
                assert cells[0].S == "/TH" and _scopes(cells[0]) == ["/Row"]
                assert all(c.S == "/TD" for c in cells[1:])
                named.append(text(cells[0]))
        assert "Totalt" in named and "Avtalsår 1" in named, named
        assert structure_problems(pdf, "sv-SE") == []


def test_signing_keeps_the_tags(built: Path, tmp_path: Path, demo_pki: DemoPki) -> None:
    packet = tmp_path / "paket.pdf"
    shutil.copy(built / "RUN-90001-2023" / "paket.pdf", packet)
    pki = demo_pki  # the session's (conftest)
    for field, role in (("region", "Regional utvecklingsdirektör"), ("aktor", "Firmatecknare")):
        signer = ensure_demo_signer(pki, role)
        sign_packet(
            packet, packet, field, Pkcs12Key(signer.pkcs12, signer.passphrase), role=role,
            overwrite=True, allow_incomplete=True,
        )  # fmt: skip
    report = verify_packet(packet, [pki.root_cert])
    assert report.ok, report.all_problems()
    with pikepdf.open(packet) as pdf:
        assert structure_problems(pdf) == []
        # The first signature (the certification) tells a screen reader who signed; a later
        # one may change no field's description: that would break the first signature.
        told = {str(f.T): str(f.TU) for f in pdf.Root.AcroForm.Fields}
        alts = [str(e.Alt) for e in _all(pdf.Root.StructTreeRoot) if e.S == "/Form"]
        assert told["region"].startswith(
            "Underskrift Region Norrbotten: signerat digitalt av DEMO Regional "
            "utvecklingsdirektör, Regional utvecklingsdirektör, tid "
        )
        assert told["aktor"] == "Underskrift Exempel Arktiska Testbäddar ekonomisk förening"
        assert alts == [told["region"], told["aktor"]]
    signatures = run("pdfsig", str(packet))
    assert signatures.count("Signature Validation: Signature is Valid.") == 2


MEETINGS = sorted((REPO / "cases" / "sammantraden").glob("*.yaml"))


@pytest.fixture(scope="module")
def meetings_made(tmp_path_factory: pytest.TempPathFactory, session_converter: Path) -> Path:
    """Every shipped meeting's extracts and notices, and then RUN-90001-2023's packet (which
    holds its extract), made through the command line into one output folder."""
    from warm_converter import converter_in

    output = tmp_path_factory.mktemp("meetings")
    with converter_in(session_converter):
        for meeting in MEETINGS:
            for command in ("utdrag", "anslag"):
                made = run_cli(command, str(meeting), "--output", str(output))
                assert made.returncode == 0, made.stdout + made.stderr
        case = CASES["RUN-90001-2023"]
        made = run_cli("build", str(case), "--output", str(output))
        assert made.returncode == 0, made.stdout + made.stderr
    return output


def _meeting_pdfs(output: Path, meeting: Path) -> list[Path]:
    """The extracts and notices made from ``meeting``."""
    date = meeting.stem.removeprefix("exempel-run-")
    notices = sorted(output.glob(f"sammantraden/{date}-*/anslag*.pdf"))
    extracts = [
        path
        for path in sorted(output.glob("*/protokollsutdrag-*.pdf"))
        if f'"sammantrade": "{meeting.name}"' in path.with_suffix(".json").read_text("utf-8")
    ]
    assert notices and extracts, meeting.name
    return notices + extracts


@pytest.mark.parametrize("meeting", MEETINGS, ids=[m.stem for m in MEETINGS])
def test_every_extract_and_notice_is_tagged(meetings_made: Path, meeting: Path) -> None:
    for path in _meeting_pdfs(meetings_made, meeting):
        with pikepdf.open(path) as pdf:
            assert structure_problems(pdf, "sv-SE") == [], path.name
            if path.name.startswith("protokollsutdrag"):
                # The certification's field: a Form element, last in the document, described
                # as the field is, its page in structure order.
                (field,) = pdf.Root.AcroForm.Fields
                document = _elements(pdf.Root.StructTreeRoot)[0]
                form = _elements(document)[-1]
                assert form.S == "/Form" and form.K.Obj.objgen == field.objgen
                assert str(form.Alt) == str(field.TU) == "Utdragsbestyrkande"
                assert pdf.pages[-1].obj.Tabs == "/S"
            # Headings a screen reader can jump to, and the recipients a list.
            elements = tagged_elements(pdf)
            headings = {e.text: e.kind for e in elements if re.fullmatch(r"H\d", e.kind)}
            guidance = "Hur man överklagar (överklagandehänvisning)"
            if path.name.startswith("protokollsutdrag"):
                assert headings["Protokollsutdrag skickas till:"] == "H2"
                at = next(n for n, e in enumerate(elements) if e.text.startswith("Protokollsu"))
                assert elements[at + 1].kind == "L" and elements[at + 2].kind == "LI"
                assert headings.get(guidance, "H3") == "H3"
            else:
                assert headings[guidance] == "H2"
            assert not any("besvärshänvisning" in e.text for e in elements)
        assert "Tagged:          yes" in run("pdfinfo", str(path))


def test_a_packet_holding_an_extract_has_only_its_own_fields(meetings_made: Path) -> None:
    """The extract's field is taken off its pages in a packet, and so is its Form element."""
    with pikepdf.open(meetings_made / "RUN-90001-2023" / "paket.pdf") as pdf:
        titles = [str(item.title) for item in pdf.open_outline().root]
        assert any(t.startswith("Protokollsutdrag § 212") for t in titles), titles
        assert structure_problems(pdf, "sv-SE") == []
        forms = [e for e in _all(pdf.Root.StructTreeRoot) if e.S == "/Form"]
        fields = list(pdf.Root.AcroForm.Fields)
        assert sorted(str(f.Alt) for f in forms) == sorted(str(f.TU) for f in fields)
        assert len(forms) == len(fields) == 2


def test_a_signed_extract_tells_who_signed_it(
    meetings_made: Path, tmp_path: Path, demo_pki: DemoPki
) -> None:
    """The extract's only signature certifies it: its field's tooltip and Form element say
    who signed it and when, as the visible signature does (which is not tagged)."""
    extract = tmp_path / "protokollsutdrag-212.pdf"
    shutil.copy(meetings_made / "RUN-90001-2023" / "protokollsutdrag-212.pdf", extract)
    signer = ensure_demo_signer(demo_pki, "Sekreterare")
    sign_packet(
        extract, extract, "utdragsbestyrkande", Pkcs12Key(signer.pkcs12, signer.passphrase),
        role="Sekreterare", overwrite=True, allow_incomplete=True,
    )  # fmt: skip
    report = verify_packet(extract, [demo_pki.root_cert])
    assert report.ok, report.all_problems()
    with pikepdf.open(extract) as pdf:
        assert structure_problems(pdf) == []
        (field,) = pdf.Root.AcroForm.Fields
        form = _elements(_elements(pdf.Root.StructTreeRoot)[0])[-1]
        told = str(field.TU)
        assert told == str(form.Alt)
        assert told.startswith(
            "Utdragsbestyrkande: signerat digitalt av DEMO Sekreterare, Sekreterare, tid "
        )
        assert told.endswith("(svensk tid)")
    assert "Signature Validation: Signature is Valid." in run("pdfsig", str(extract))


# --- the checker finds what it is for ---------------------------------------------------


def _page(pdf: pikepdf.Pdf, content: bytes) -> pikepdf.Page:
    pdf.add_blank_page()
    page = pdf.pages[-1]
    page.obj.Contents = pdf.make_stream(content)
    return page


def _tagged(content: bytes, kinds: list[str], *, mcids: list[int]) -> pikepdf.Pdf:
    """A one-page tagged PDF whose elements ``kinds`` each hold the content ``mcids``."""
    pdf = pikepdf.new()
    page = _page(pdf, content)
    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    document = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root)
    )
    elems = [
        pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name(kind), P=document, Pg=page.obj, K=mcid
            )
        )
        for kind, mcid in zip(kinds, mcids, strict=True)
    ]
    document.K = pikepdf.Array(elems)
    root.K = document
    root.ParentTree = pikepdf.Dictionary(Nums=pikepdf.Array([0, pikepdf.Array(elems)]))
    page.obj.StructParents = 0
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    pdf.Root.Lang = pikepdf.String("sv-SE")
    return pdf


def test_the_checker_finds_untagged_content_unreachable_marks_and_skipped_headings() -> None:
    fine = _tagged(b"/H1 <</MCID 0>> BDC 0 0 m 1 1 l S EMC /P <</MCID 1>> BDC 0 0 m S EMC",
                   ["/H1", "/P"], mcids=[0, 1])  # fmt: skip
    assert structure_problems(fine) == []
    untagged = _tagged(b"/H1 <</MCID 0>> BDC 0 0 m S EMC 0 0 m 5 5 l S", ["/H1"], mcids=[0])
    assert any("neither tagged content nor an artifact" in p for p in structure_problems(untagged))
    artifact = _tagged(
        b"/H1 <</MCID 0>> BDC 0 0 m S EMC /Artifact BMC 0 0 m S EMC", ["/H1"], mcids=[0]
    )
    assert structure_problems(artifact) == []
    lost = _tagged(
        b"/H1 <</MCID 0>> BDC 0 0 m S EMC /P <</MCID 7>> BDC 0 0 m S EMC", ["/H1"], mcids=[0]
    )
    assert any(
        "marked content 7 is not in the structure tree" in p for p in structure_problems(lost)
    )
    skipped = _tagged(b"/H1 <</MCID 0>> BDC 0 0 m S EMC /H3 <</MCID 1>> BDC 0 0 m S EMC",
                      ["/H1", "/H3"], mcids=[0, 1])  # fmt: skip
    assert any("H3 follows H1" in p for p in structure_problems(skipped))
    unknown = _tagged(b"/Zz <</MCID 0>> BDC 0 0 m S EMC", ["/Zz"], mcids=[0])
    assert any("neither standard nor mapped" in p for p in structure_problems(unknown))
    untagged_file = pikepdf.new()
    _page(untagged_file, b"0 0 m S")
    assert "there is no structure tree" in structure_problems(untagged_file)
