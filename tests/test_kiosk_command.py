"""`tremplin kiosk` without a server: its command line, settings, environment and refusals."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from test_kiosk_support import free_port, run_cli
from tremplin.grading.kiosk import (
    cell_timeout_policy,
    home_url,
    kiosk_command,
    kiosk_env,
    load_settings,
    voila_dir,
)
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.visit import VISITOR_CELL_TAG

from tremplin import NOTEBOOKS_DIR


def test_command_is_standalone_voila_on_loopback_with_the_settings_folder(tmp_path: Path) -> None:
    command = kiosk_command(tmp_path, 8877)
    assert command[1:3] == ["-m", "voila"]  # standalone Voilà, not `jupyter server` + extension
    assert str(NOTEBOOKS_DIR.resolve()) in command
    assert f"--Voila.config_file_paths={voila_dir()}" in command
    assert "--Voila.ip=127.0.0.1" in command and "--port=8877" in command
    assert "--Voila.port_retries=0" in command and "--no-browser" in command
    assert home_url(8877) == "http://127.0.0.1:8877/"


def test_environment_gives_kernels_the_absolute_data_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = kiosk_env(Path("data"), base={"PATH": "/bin", "JUPYTER_PATH": "/elsewhere"})
    assert env["TREMPLIN_DATA"] == str((tmp_path / "data").resolve())
    assert env["TREMPLIN_NOTEBOOKS"] == str(NOTEBOOKS_DIR.resolve())
    assert env["JUPYTER_PATH"].split(":") == [str(NOTEBOOKS_DIR.resolve()), "/elsewhere"]
    template = Path(env["JUPYTER_PATH"].split(":")[0]) / "voila" / "templates" / "tremplin"
    assert (template / "conf.json").is_file()


def test_settings_hold_the_kiosk_choices() -> None:
    settings = load_settings()
    voila = settings["VoilaConfiguration"]
    assert voila["show_tracebacks"] is False and voila["strip_sources"] is True
    assert voila["preheat_kernel"] is True and voila["template"] == "tremplin"
    assert voila["allow_theme_override"] == voila["allow_template_override"] == "NO"
    assert settings["VoilaKernelManager"]["kernel_pools_config"]["default"]["pool_size"] == 1
    assert settings["VoilaExecutor"]["timeout"] > 0
    assert settings["MappingKernelManager"]["cull_idle_timeout"] > 0
    assert settings["VoilaExporter"]["language_code"] == "fr"
    assert settings["Voila"]["ip"] == "127.0.0.1"


def test_timeout_policy_spares_only_the_cell_that_waits_for_the_visitor() -> None:
    policy = cell_timeout_policy(voila_dir() / "voila.py")
    limit = load_settings()["VoilaExecutor"]["timeout"]
    assert policy({"metadata": {"tags": [VISITOR_CELL_TAG]}}) is None
    assert policy({"metadata": {"tags": ["other"]}}) == limit
    assert policy({"metadata": {}}) == limit


def test_malformed_settings_stop_with_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "voila").mkdir()
    (tmp_path / "voila" / "voila.json").write_text('{\n  "Voila": {,\n}', encoding="utf-8")
    with pytest.raises(TremplinError, match=r"voila\.json.*ligne 2"):
        load_settings(tmp_path)


@pytest.mark.slow
def test_port_in_use_gives_one_clear_line_and_fails(tmp_path: Path) -> None:
    port = free_port()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", port))
        busy.listen()
        result = run_cli("kiosk", "--port", str(port), "--data", str(tmp_path / "data"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"le port {port} est déjà utilisé" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.slow
def test_help_is_french_then_english() -> None:
    result = run_cli("kiosk", "--help")
    assert result.returncode == 0
    assert "Sert la page d'accueil" in result.stdout and "Serve the home page" in result.stdout
    assert "--port" in result.stdout and "--data" in result.stdout
