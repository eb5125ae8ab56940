"""Uploads go through one module: the type is read from the content, a file lying about its type
or too large is refused, every stored file has its SHA-256 and a random name; pending uploads are
rows with an owner, not tokens in the session."""

import hashlib
import io
import stat
import zipfile
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from observe.common import files
from observe.common.db import utcnow
from observe.common.files import FileRefused
from observe.common.uploads import PendingUpload, PendingUploads
from observe.extensions import db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 32
HTML = b"<!doctype html><script>alert(1)</script>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def xlsx() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def office(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<x/>")
    return buffer.getvalue()


@pytest.fixture
def upload_folder(app, tmp_path):
    saved = app.config["UPLOAD_FOLDER"]
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    yield Path(app.config["UPLOAD_FOLDER"])
    app.config["UPLOAD_FOLDER"] = saved


ALL_KINDS = set(files.EXTENSIONS.values())


@pytest.mark.parametrize("data, filename, kind", [
    (PNG, "photo.png", "png"), (JPEG, "photo.JPG", "jpeg"), (PDF, "slides.pdf", "pdf"),
    (MP4, "clip.mp4", "mp4"), (MOV, "clip.mov", "mov"), (MOV, "from-a-phone.mp4", "mp4"),
    (WEBP, "photo.webp", "webp"), (GIF, "anim.gif", "gif"), (xlsx(), "roster.xlsx", "xlsx"),
    (office("word/document.xml"), "letter.docx", "docx"),
    (office("ppt/presentation.xml"), "deck.pptx", "pptx"),
    ("ФИО;ИИН\n".encode("cp1251"), "roster.csv", "csv"), (b"notes", "notes.txt", "txt"),
    (PDF, "no-extension", "pdf"),
])
def test_the_kind_comes_from_the_content(upload_folder, data, filename, kind):
    stored = files.store(data, kinds=ALL_KINDS, area="evidence", filename=filename)
    assert stored.kind == kind and stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    path = files.path(stored)
    assert path.parent == upload_folder / "evidence" and path.read_bytes() == data
    assert stored.name != filename and len(stored.name.split(".")[0]) == 32  # random
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with files.open(stored) as handle:
        assert handle.read() == data
    files.remove(stored)
    assert not path.exists()


@pytest.mark.parametrize("data, filename", [
    (PNG, "roster.xlsx"), (HTML, "slides.pdf"), (EXE, "roster.xlsx"), (EXE, "report.csv"),
    (office("word/document.xml"), "roster.xlsx"), (xlsx(), "letter.docx"),
    (b"just text", "photo.png"), (PDF, "photo.jpg"), (MP4, "photo.png"),
    (b"PK\x03\x04 not really a zip", "roster.xlsx"),
])
def test_a_file_lying_about_its_type_is_refused(upload_folder, data, filename):
    with pytest.raises(FileRefused, match="does not match its name") as refused:
        files.store(data, kinds=ALL_KINDS, area="evidence", filename=filename)
    assert refused.value.fields == {"file": [refused.value.message]}
    assert list((upload_folder / "evidence").iterdir()) == []  # nothing left behind


def test_kinds_size_and_emptiness(upload_folder):
    with pytest.raises(FileRefused, match="one of these types: csv, xlsx"):
        files.store(PDF, kinds={"csv", "xlsx"}, area="imports", filename="roster.pdf")
    with pytest.raises(FileRefused, match="one of these types"):  # no name: the content decides
        files.store(PNG, kinds={"csv", "xlsx"}, area="imports", filename="")
    with pytest.raises(FileRefused, match="larger than 0.01 MB"):
        files.store(b"a," * 10_000, kinds={"csv"}, max_bytes=10_000, area="imports",
                    filename="big.csv")
    with pytest.raises(FileRefused, match="empty"):
        files.store(b"", kinds={"csv"}, area="imports", filename="empty.csv")
    assert list((upload_folder / "imports").iterdir()) == []
    assert files.clean_filename("C:\\Users\\me\\Desktop\\Список.xlsx") == "Список.xlsx"


def test_pending_uploads_need_no_session_and_belong_to_their_owner(app, make_user,
                                                                    upload_folder):
    owner, other = make_user("coordinator"), make_user("coordinator")
    pending = PendingUploads("imports", kept=2)
    # No request at all, as for an API client: the token lives in the table.
    token = pending.save(b"a;b\n1;2\n", user=owner, filename="r.csv", branch=7)
    db.session.commit()
    path, entry = pending.load(token, user=owner, branch=7)
    assert path.read_bytes() == b"a;b\n1;2\n"
    assert (entry["filename"], entry["kind"], entry["branch"]) == ("r.csv", "csv", 7)
    row = db.session.execute(select(PendingUpload)).scalar_one()
    assert (row.user_id, row.purpose, row.size) == (owner.id, "imports", 8)
    assert row.sha256 == hashlib.sha256(b"a;b\n1;2\n").hexdigest()
    assert pending.load(token, user=other) is None  # another user
    assert pending.load(token, user=owner, branch=8) is None  # another context
    assert PendingUploads("zoom").load(token, user=owner) is None  # another purpose
    # The newest two are kept; a day-old upload is gone.
    second = pending.save(b"x\n1\n", user=owner, filename="2.csv", branch=7)
    third = pending.save(b"y\n1\n", user=owner, filename="3.csv", branch=7)
    db.session.commit()
    assert pending.load(token, user=owner) is None and not path.exists()
    assert pending.load(second, user=owner) and pending.load(third, user=owner)
    db.session.execute(PendingUpload.__table__.update().values(
        created_at=utcnow() - timedelta(days=2)))
    db.session.commit()
    assert pending.load(third, user=owner) is None
    pending.save(b"z\n1\n", user=other, filename="4.csv")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PendingUpload)) == 1
    pending.forget(db.session.execute(select(PendingUpload.token)).scalar_one())
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PendingUpload)) == 0
    assert [p for p in (upload_folder / "imports").iterdir()
            if not p.name.startswith(".")] == []


def test_a_training_material_lying_about_its_type_is_refused(client, login, upload_folder):
    from observe.training import curriculum_services as cs
    from observe.training.models import ModuleMaterial

    user = login("hq")
    module = cs.create_module(actor=user, code="rights", title={"ru": "Права наблюдателя"})
    db.session.commit()
    url = f"/training/curriculum/{module.id}/materials?lang=en"
    refused = client.post(url, content_type="multipart/form-data", data={
        "file-title": "", "file-file": (io.BytesIO(HTML), "slides.pdf")})
    assert refused.status_code == 200
    assert "does not match its name" in refused.get_data(as_text=True)
    too_big = client.post(url, content_type="multipart/form-data", data={
        "file-title": "", "file-file": (io.BytesIO(b"x" * 100), "notes.exe")})
    assert "one of these types" in too_big.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ModuleMaterial)) == 0
    accepted = client.post(url, content_type="multipart/form-data", data={
        "file-title": "", "file-file": (io.BytesIO(JPEG), "Фото.jpg")})
    assert accepted.status_code == 302
    material = db.session.execute(select(ModuleMaterial)).scalar_one()
    assert material.file_name == "Фото.jpg" and material.stored_name.endswith(".jpg")
    assert (upload_folder / "materials" / material.stored_name).read_bytes() == JPEG
