"""Import of the official polling station list: headers, broken files, all or nothing, re-import."""

import io
import re

import pandas as pd
import pytest
from sqlalchemy import func, select

from observe.audit.models import AuditEntry
from observe.common.tabular import TableError
from observe.elections.imports import (
    SYNONYMS,
    preview_import,
    region_code,
    run_import,
    station_number,
)
from observe.elections.models import PollingStation
from observe.extensions import db

RU = ["№ участка", "Область", "Район/Город", "Адрес", "Помещение", "Комиссия",
      "Число избирателей", "Широта", "Долгота"]
KK = ["Учаске нөмірі", "Облыс", "Аудан/Қала", "Мекенжай", "Үй-жай", "Комиссия",
      "Сайлаушылар саны", "Ендік", "Бойлық"]
EN = ["Station number", "Region", "District", "Address", "Premises", "Commission",
      "Registered voters", "Latitude", "Longitude"]

ROWS = [
    ["001", "Карагандинская область", "Казыбек би", "пр. Бухар-Жырау 47", "Школа № 1",
     "УИК № 1", "2450", "49.8047", "73.1094"],
    ["2", "Қарағанды облысы", "Теміртау", "Республики 8", "Дом культуры", "УИК № 2", "1650",
     "", ""],
    ["101", "г. Алматы", "Алмалинский район", "пр. Абая 115", "Гимназия № 12", "УИК № 101",
     "2890", "43,2402", "76,9104"],
    ["101", "Алматы облысы", "Қонаев", "ул. Кунаева 1", "Школа № 3", "УИК № 101", "1200",
     "", ""],
]


def csv_bytes(headers, rows, sep=",") -> bytes:
    lines = [sep.join(headers)] + [sep.join(f'"{c}"' for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(headers, rows) -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame(rows, columns=headers).to_excel(buffer, index=False)
    return buffer.getvalue()


def stations(election):
    return {(s.region, s.number): s for s in db.session.execute(
        select(PollingStation).where(PollingStation.election_id == election.id)).scalars()}


def count_stations():
    return db.session.scalar(select(func.count()).select_from(PollingStation))


@pytest.mark.parametrize("headers, maker", [(RU, csv_bytes), (KK, xlsx_bytes), (EN, csv_bytes),
                                            (RU, xlsx_bytes)])
def test_import_with_ru_kk_en_headers(app, make_user, make_election, headers, maker):
    election = make_election()
    hq = make_user("hq")
    data = maker(headers, ROWS)
    filename = "stations.xlsx" if maker is xlsx_bytes else "stations.csv"
    preview = preview_import(data, filename, election)
    assert preview.mapping == dict(zip(list(SYNONYMS), headers, strict=True))
    assert not preview.errors and not preview.missing_fields
    assert (preview.created, preview.updated, preview.total_rows) == (4, 0, 4)
    outcome = run_import(data, filename, election, preview.mapping, "all_or_nothing", hq)
    db.session.commit()
    assert (outcome.created, outcome.updated, outcome.refused) == (4, 0, False)
    found = stations(election)
    assert set(found) == {("karaganda", "1"), ("karaganda", "2"), ("almaty", "101"),
                          ("almaty_region", "101")}
    first = found[("karaganda", "1")]
    assert (first.address, first.premises, first.commission, first.registered_voters) == (
        "пр. Бухар-Жырау 47", "Школа № 1", "УИК № 1", 2450)
    assert (first.latitude, first.longitude) == (49.8047, 73.1094)
    assert found[("almaty", "101")].latitude == 43.2402  # a decimal comma
    assert found[("karaganda", "2")].latitude is None
    assert not first.is_priority and first.language == ""
    [entry] = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "station.import")).scalars().all()
    assert entry.object_id == str(election.id) and entry.after["created"] == 4


@pytest.mark.parametrize("text, code", [
    ("Карагандинская область", "karaganda"), ("Қарағанды облысы", "karaganda"),
    ("Karaganda Region", "karaganda"), ("karaganda", "karaganda"), ("г. Алматы", "almaty"),
    ("Алматы қаласы", "almaty"), ("Almaty city", "almaty"), ("Алматы", "almaty"),
    ("Алматинская обл.", "almaty_region"), ("Almaty Region", "almaty_region"),
    ("Восточно-Казахстанская область", "east_kazakhstan"), ("ВКО", "east_kazakhstan"),
    ("Шығыс Қазақстан облысы", "east_kazakhstan"), ("г.Астана", "astana"),
    ("Шымкент қаласы", "shymkent"), ("Ұлытау облысы", "ulytau"), ("Марс", None), ("", None),
])
def test_region_names(text, code):
    assert region_code(text) == code


def test_station_numbers():
    assert [station_number(t) for t in ("№ 012", "12", "No. 5", "5А", " 7 ")] == [
        "12", "12", "5", "5А", "7"]


def test_bad_rows_have_line_numbers_and_all_or_nothing_refuses(app, make_user, make_election):
    election = make_election()
    rows = [
        ROWS[0],
        ["", "Карагандинская область", "", "", "", "", "10", "", ""],  # line 3
        ["5", "Марс", "", "", "", "", "10", "", ""],  # line 4
        ["6", "Karaganda Region", "", "", "", "", "много", "", ""],  # line 5
        ["7", "Karaganda Region", "", "", "", "", "-3", "", ""],  # line 6
        ["8", "Karaganda Region", "", "", "", "", "10", "95", "73"],  # line 7
        ["9", "Karaganda Region", "", "", "", "", "10", "49.8", ""],  # line 8
        ["1", "Karaganda Region", "", "", "", "", "10", "", ""],  # line 9: same as line 2
        ["10", "Karaganda Region", "", "", "", "", "10", "", ""],
    ]
    data = csv_bytes(RU, rows, sep=";")
    preview = preview_import(data, "stations.csv", election)
    assert preview.bad_lines == [3, 4, 5, 6, 7, 8]
    by_line = {e.line: e.field for e in preview.errors}
    assert by_line == {3: "number", 4: "region", 5: "registered_voters",
                       6: "registered_voters", 7: "latitude", 8: "longitude"}
    assert any("Марс" in e.message for e in preview.errors)
    assert [(d.line, d.same_as_line) for d in preview.duplicates] == [(9, 2)]
    assert (preview.created, preview.valid_count) == (2, 2)
    outcome = run_import(data, "stations.csv", election, None, "all_or_nothing", None)
    assert outcome.refused and outcome.invalid == 6
    assert count_stations() == 0
    assert db.session.execute(select(AuditEntry)).first() is None
    outcome = run_import(data, "stations.csv", election, None, "valid_only", None)
    db.session.commit()
    assert not outcome.refused and (outcome.created, outcome.duplicates) == (2, 1)
    assert set(stations(election)) == {("karaganda", "1"), ("karaganda", "10")}


def test_duplicates_alone_refuse_all_or_nothing(app, make_election):
    election = make_election()
    data = csv_bytes(EN, [ROWS[0], ROWS[0]])
    outcome = run_import(data, "s.csv", election, None, "all_or_nothing", None)
    assert outcome.refused and outcome.duplicates == 1 and count_stations() == 0


def test_wrong_headers_fixed_through_mapping(app, make_election):
    election = make_election()
    headers = ["PEC", "Where", "Addr", "Voters count"]
    data = csv_bytes(headers, [["1", "Karaganda Region", "Main St 1", "100"]])
    preview = preview_import(data, "s.csv", election)
    assert set(preview.missing_fields) == {"number", "region"}  # "PEC" reads as commission
    assert run_import(data, "s.csv", election, preview.mapping, "valid_only", None).refused
    mapping = {"number": "PEC", "region": "Where", "address": "Addr",
               "registered_voters": "Voters count", "latitude": "Nope"}
    preview = preview_import(data, "s.csv", election, mapping)
    assert not preview.missing_fields and preview.mapping["latitude"] is None
    outcome = run_import(data, "s.csv", election, mapping, "all_or_nothing", None)
    assert outcome.created == 1
    station = stations(election)[("karaganda", "1")]
    assert (station.address, station.registered_voters, station.commission) == (
        "Main St 1", 100, "")


@pytest.mark.parametrize("data, filename", [
    (b"", "s.csv"), (b"   \n", "s.csv"), (b"\x00\x01\x02binary", "s.csv"),
    (b"not a workbook", "s.xlsx"), (b"PK\x03\x04broken zip", "s.xlsx"),
    ("№ участка,Область\n".encode(), "s.csv"),
])
def test_broken_files(app, make_election, data, filename):
    with pytest.raises(TableError):
        preview_import(data, filename, make_election())


def test_reimport_updates_by_region_and_number(app, make_user, make_election, make_station):
    election = make_election()
    other_election = make_election(name="Another")
    make_station(other_election, number="1", region="karaganda", address="Elsewhere")
    hq = make_user("hq")
    run_import(csv_bytes(RU, ROWS), "v1.csv", election, None, "all_or_nothing", hq)
    db.session.commit()
    first = stations(election)[("karaganda", "1")]
    first.is_priority, first.priority_note = True, "Queues in 2023"
    db.session.commit()
    updated = [list(row) for row in ROWS]
    updated[0][3] = "пр. Бухар-Жырау 49"  # the address moved
    updated[0][6] = "2500"
    updated[1][0] = "№ 002"  # written differently, still station 2
    updated = updated[:3] + [["300", "Karaganda Region", "", "New St 1", "", "", "700", "",
                              ""]]
    data = xlsx_bytes(EN, updated)
    preview = preview_import(data, "v2.xlsx", election)
    assert (preview.created, preview.updated, preview.unchanged, preview.not_in_file) == (
        1, 1, 2, 1)
    [change] = preview.changes
    assert change.line == 2 and change.station_id == first.id
    assert change.fields == {"address": ("пр. Бухар-Жырау 47", "пр. Бухар-Жырау 49"),
                             "registered_voters": (2450, 2500)}
    outcome = run_import(data, "v2.xlsx", election, preview.mapping, "all_or_nothing", hq)
    db.session.commit()
    assert (outcome.created, outcome.updated, outcome.unchanged) == (1, 1, 2)
    db.session.expire_all()
    found = stations(election)
    assert len(found) == 5  # the station missing from v2 is kept
    first = found[("karaganda", "1")]
    assert first.address == "пр. Бухар-Жырау 49" and first.registered_voters == 2500
    assert first.is_priority and first.priority_note == "Queues in 2023"  # hand-made, kept
    assert stations(other_election)[("karaganda", "1")].address == "Elsewhere"
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "station.import")
                               .order_by(AuditEntry.id.desc())).scalars().first()
    assert entry.after["updated"] == 1 and entry.after["created"] == 1


def test_unmapped_columns_leave_fields_alone(app, make_election):
    election = make_election()
    run_import(csv_bytes(RU, ROWS[:1]), "v1.csv", election, None, "all_or_nothing", None)
    db.session.commit()
    data = csv_bytes(["№ участка", "Область", "Адрес"],
                     [["1", "Карагандинская область", "пр. Бухар-Жырау 47"]])
    outcome = run_import(data, "v2.csv", election, None, "all_or_nothing", None)
    assert (outcome.updated, outcome.unchanged) == (0, 1)
    assert stations(election)[("karaganda", "1")].registered_voters == 2450


# Through the pages


def upload(client, election, data, filename):
    response = client.post(f"/elections/{election.id}/stations/import",
                           data={"file": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def mapping_form(preview_page: str) -> dict:
    """The mapping selects as the preview page set them."""
    form = {}
    for name in SYNONYMS:
        select_html = re.search(rf'<select[^>]*name="map_{name}"[^>]*>(.*?)</select>',
                                preview_page, re.S).group(1)
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
                           select_html)
        form[f"map_{name}"] = next((g for g in chosen.groups() if g), "") if chosen else ""
    return form


def test_import_pages(client, login, make_election):
    login("hq")
    election = make_election()
    bad = [list(ROWS[0]), ["2", "Марс", "", "", "", "", "10", "", ""]]
    location = upload(client, election, csv_bytes(KK, bad), "stations.csv")
    page = client.get(location).get_data(as_text=True)
    assert 'id="import-errors"' in page and "Марс" in page
    form = mapping_form(page)
    assert form["map_number"] == "Учаске нөмірі"
    response = client.post(location, data=form | {"import_all": "1"})
    assert response.status_code == 200 and count_stations() == 0
    response = client.post(location, data=form | {"import_valid": "1"})
    assert response.status_code == 200
    assert 'id="import-counts"' in response.get_data(as_text=True)
    assert count_stations() == 1
    # The token is spent.
    assert client.get(location).status_code == 404
    # A re-import shows what changes.
    changed = [list(ROWS[0])]
    changed[0][6] = "3000"
    location = upload(client, election, xlsx_bytes(EN, changed), "stations.xlsx")
    page = client.get(location).get_data(as_text=True)
    assert 'id="import-changes"' in page and "2450" in page and "3000" in page
    response = client.post(location, data=mapping_form(page) | {"import_all": "1"})
    assert 'id="import-changes"' in response.get_data(as_text=True)
    assert stations(election)[("karaganda", "1")].registered_voters == 3000


def test_import_pages_refuse_broken_files(client, login, make_election):
    login("admin")
    election = make_election()
    # Binary content named .csv is refused on upload (content sniffing); a text file that is no
    # table passes the upload and is refused by the check step.
    response = client.post(f"/elections/{election.id}/stations/import?lang=en",
                           data={"file": (io.BytesIO(b"\x00\x01binary"), "stations.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "does not match its name" in response.get_data(as_text=True)
    location = upload(client, election, "Номер участка;Область\n".encode(), "stations.csv")
    response = client.get(location)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/elections/{election.id}/stations/import")
    response = client.post(f"/elections/{election.id}/stations/import",
                           data={"file": (io.BytesIO(b"x"), "stations.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 200  # refused by the form


def test_import_token_belongs_to_its_user_and_election(client, login, make_election, make_user):
    login("hq")
    election, other = make_election(), make_election(name="Other")
    location = upload(client, election, csv_bytes(EN, ROWS), "stations.csv")
    token = location.rsplit("/", 1)[-1]
    assert client.get(f"/elections/{other.id}/stations/import/{token}").status_code == 404
    client.post("/logout")
    login("hq")
    assert client.get(location).status_code == 404
