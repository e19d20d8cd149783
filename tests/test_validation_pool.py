"""``validated`` lends each request a serializer whose fields are already built: what one
request validated must never show in another's result, sequentially or from other threads."""

import threading

import pytest

from actions.serializers import Execute
from policies.serializers import Resolve
from weavz.api import serializers as body
from weavz.api.errors import ValidationFailed
from weavz.api.serializers import validated


def test_a_serializer_is_built_once_and_lent_again():
    body._IDLE.pop(Resolve, None)
    first = validated(Resolve, {"pieceName": "slack"})
    (lent,) = body._IDLE[Resolve]
    second = validated(Resolve, {"pieceName": "gmail", "externalId": "u1"})
    assert body._IDLE[Resolve] == [lent]
    assert first["pieceName"] == "slack" and first["externalId"] is None
    assert second == {
        "pieceName": "gmail",
        "externalId": "u1",
        "projectId": None,
        "connectionId": None,
    }


def test_nothing_of_one_validation_reaches_the_next():
    with pytest.raises(ValidationFailed) as refused:
        validated(Resolve, {"pieceName": 5, "nope": 1})
    assert set(refused.value.details) == {"pieceName", "nope"}
    assert validated(Resolve, {"pieceName": "slack"})["pieceName"] == "slack"
    with pytest.raises(ValidationFailed) as again:
        validated(Resolve, {"externalId": "u1"})
    assert set(again.value.details) == {"pieceName"}  # not the first call's errors
    (lent,) = body._IDLE[Resolve]
    assert not {"initial_data", "_validated_data", "_errors", "_data"} & set(lent.__dict__)


def test_a_serializer_that_raised_is_lent_clean():
    body._IDLE.pop(Execute, None)
    with pytest.raises(ValidationFailed):
        validated(Execute, ["not", "an", "object"])
    good = {
        "pieceName": "http",
        "actionName": "http_request",
        "input": {"method": "GET", "path": "/x", "headers": {"A": "b"}},
    }
    assert validated(Execute, good)["input"]["headers"] == {"A": "b"}


def test_threads_validating_at_once_each_get_their_own_body():
    results: dict[int, list[str]] = {}
    start = threading.Barrier(8)

    def work(n: int) -> None:
        start.wait()
        seen = []
        for i in range(300):
            name = f"p{n}-{i}"
            if i % 7 == 0:  # a refused body now and then, between good ones
                try:
                    validated(Resolve, {"pieceName": name, "externalId": 5})
                except ValidationFailed as refused:
                    seen.append(f"refused:{sorted(refused.details or {})}")
                continue
            seen.append(validated(Resolve, {"pieceName": name, "externalId": name})["externalId"])
        results[n] = seen

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n in range(8):
        expected = ["refused:['externalId']" if i % 7 == 0 else f"p{n}-{i}" for i in range(300)]
        assert results[n] == expected
    assert 1 <= len(body._IDLE[Resolve]) <= 8
