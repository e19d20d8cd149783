import json
import tracemalloc

import pytest
from django.test import override_settings

from connections.crypto import Keyring
from connections.models import Connection
from connections.rotation import MALFORMED_KID, RowFailure, sealed_columns, verify
from tests.connections.test_rotation import (
    BEFORE,
    DURING,
    LOST,
    NEW,
    NEW_ONLY,
    OLD,
    make_connections,
    run,
    stored,
)

pytestmark = pytest.mark.django_db


def test_it_counts_rows_per_kid_and_exits_zero_when_everything_decrypts():
    make_connections(3, ring=BEFORE)
    make_connections(2, ring=DURING)
    with override_settings(ENCRYPTION_KEYRING=DURING):
        out, err, code = run("verify_encryption", "--json")
    assert code == 0
    assert json.loads(out) == {"ok": 5, "failed": 0, "kids": {OLD.kid: 3, NEW.kid: 2}}
    assert err == ""


def test_it_reports_failing_rows_by_id_and_kid_and_exits_non_zero():
    make_connections(2, ring=DURING)
    [lost] = make_connections(1, ring=Keyring(LOST))
    [old] = make_connections(1, ring=BEFORE)
    envelopes = stored()
    # The new key alone: rows under the old and the lost key both fail.
    with override_settings(ENCRYPTION_KEYRING=NEW_ONLY):
        out, err, code = run("verify_encryption", "--json", "--batch-size", "1")
    assert code == 1
    assert json.loads(out) == {
        "ok": 2,
        "failed": 2,
        "kids": dict(sorted({NEW.kid: 2, LOST.kid: 1, OLD.kid: 1}.items())),
    }
    assert f"FAILED {lost} kid={LOST.kid}" in err
    assert f"FAILED {old} kid={OLD.kid}" in err
    for envelope in envelopes.values():
        assert envelope.rsplit(":", 1)[1][:16] not in out + err


def test_a_malformed_envelope_is_counted_without_echoing_it():
    [pk] = make_connections(1, ring=DURING)
    Connection.objects.filter(pk=pk).update(value="enc:v2:not-a-kid:c2VjcmV0LXNlY3JldA")
    failures: list[RowFailure] = []
    with override_settings(ENCRYPTION_KEYRING=DURING):
        result = verify(on_failure=failures.append)
    assert result.as_dict() == {"ok": 0, "failed": 1, "kids": {MALFORMED_KID: 1}}
    assert failures[0].id == pk and failures[0].kid == MALFORMED_KID
    assert "c2VjcmV0" not in failures[0].reason


def test_it_prints_a_readable_summary_without_json():
    make_connections(2, ring=DURING)
    with override_settings(ENCRYPTION_KEYRING=DURING):
        out, _err, code = run("verify_encryption")
    assert code == 0
    assert "2 value(s) decrypt, 0 do not." in out
    assert f"kid {NEW.kid} (current key): 2 row(s)" in out


def test_it_reads_the_table_in_keyset_batches(django_assert_num_queries):
    make_connections(10, ring=DURING)
    other_columns = len(sealed_columns()) - 1
    with override_settings(ENCRYPTION_KEYRING=DURING), django_assert_num_queries(4 + other_columns):
        # 4 + 4 + 2 rows, then the empty page that ends the walk; one empty page per other column.
        result = verify(batch_size=4)
    assert result.ok == 10


def test_its_memory_stays_flat_over_50k_rows():
    make_connections(50_000, ring=BEFORE)
    with override_settings(ENCRYPTION_KEYRING=DURING):
        tracemalloc.start()
        try:
            result = verify(batch_size=1000)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert result.ok == 50_000
    # Loading the table would hold 50k ids and envelopes (well over 20 MB of Python objects);
    # streaming holds one batch of 1,000.
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
