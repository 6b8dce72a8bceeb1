"""Building a map and tables fetches nothing: every asset comes from installed packages."""

from __future__ import annotations

import socket

import pytest

from zoneplan.cli import main
from zoneplan.synthetic import synthetic_parcels


@pytest.fixture
def no_network(monkeypatch):
    """Make every way of opening a connection or resolving a name fail, and record the tries."""
    tries: list[str] = []

    def refuse(name):
        def _refuse(*args, **kwargs):
            tries.append(f"{name}{args[:2]}")
            msg = f"network use during the test: {name}"
            raise OSError(msg)

        return _refuse

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    return tries


@pytest.mark.parametrize("mode", [[], ["--self-contained"]], ids=["cdn", "self-contained"])
def test_build_with_user_layers_opens_no_connection(no_network, tmp_path, mode):
    small = tmp_path / "small.geojson"
    parcels = synthetic_parcels(300, seed=9)
    parcels["source_url"] = "https://example.com/parcels"  # a link in the data is not followed
    parcels.iloc[:40].to_file(small, driver="GeoJSON")
    big = tmp_path / "big.gpkg"
    parcels.to_file(big)
    out = tmp_path / "map.html"
    argv = ["-q", "build", *mode, "--layer", str(small), "--layer", str(big)]
    assert main([*argv, "--big-layer-threshold", "100", "--out", str(out)]) == 0
    assert out.stat().st_size > 0
    assert no_network == []


def test_area_tables_open_no_connection(no_network, tmp_path):
    path = tmp_path / "parcels.gpkg"
    synthetic_parcels(200, seed=9).to_file(path)
    assert main(["-q", "areas", "--layer", str(path), "--out", str(tmp_path / "a.csv")]) == 0
    argv = ["-q", "areas", "--by", "functional", "--layer", str(path)]
    assert main([*argv, "--out", str(tmp_path / "b.parquet")]) == 0
    assert no_network == []
